"""Check an input folder against the data contract before any chapter runs.

Every problem of every file is collected first and reported together, each
naming the file, the line (as a text editor numbers it: the header is line 1),
the column, the value and what is allowed. Input files are only read.
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.exceptions import DataValidationError
from .schema import FILES, SUBJECTS, ColumnSpec, FileSpec

if TYPE_CHECKING:  # pandera is imported where a folder is validated: see _pandera
    import pandera.pandas as pa

__all__ = ["read_folder", "MISSING_MARKERS"]

#: Cell contents read as a missing value.
MISSING_MARKERS = ("", "NA")

# At most this many rows are listed for one kind of problem in one column.
_MAX_ROWS_LISTED = 5


class _Problems:
    """Collects problems, capping how many rows are listed per kind."""

    def __init__(self):
        self.items: list[str] = []
        self._counts: dict[tuple, int] = {}

    def add(self, text: str, group: tuple | None = None) -> None:
        if group is None:
            self.items.append(text)
            return
        k = self._counts.get(group, 0) + 1
        self._counts[group] = k
        if k <= _MAX_ROWS_LISTED:
            self.items.append(text)

    def close_groups(self) -> None:
        for group, k in self._counts.items():
            if k > _MAX_ROWS_LISTED:
                fname, col, kind = group
                self.items.append(
                    f"{fname}, column {col!r}: {k - _MAX_ROWS_LISTED} more rows "
                    f"with the same problem ({kind})"
                )
        self._counts.clear()


def _line(index: int) -> int:
    """Line number in the file of data row ``index`` (header = line 1)."""
    return int(index) + 2


def _read_text(path: Path, problems: _Problems) -> str | None:
    name = path.name
    if not path.exists():
        problems.add(f"{name}: file not found in {path.parent}")
        return None
    if not path.is_file():
        problems.add(f"{name}: is not a regular file")
        return None
    raw = path.read_bytes()
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        problems.add(
            f"{name}: is a spreadsheet workbook, not a CSV file; "
            "save it as 'CSV UTF-8 (comma delimited)'"
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.add(
            f"{name}, line {line}: not UTF-8 text (byte 0x{raw[err.start]:02x}); "
            "save the file as UTF-8 CSV"
        )
        return None
    if "\x00" in text:
        problems.add(f"{name}: contains NUL bytes; it is not a CSV text file")
        return None
    if not text.strip():
        problems.add(f"{name}: the file is empty; it needs at least the header row")
        return None
    return text


def _parse_csv(spec: FileSpec, text: str, problems: _Problems) -> pd.DataFrame | None:
    name = spec.filename
    rows = list(csv.reader(io.StringIO(text)))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    header = [h.strip() for h in rows[0]]
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        sep = next(s for s in (";", "\t", "|") if s in header[0])
        problems.add(
            f"{name}, line 1: the header is separated by {sep!r}; "
            "the contract expects commas"
        )
        return None
    dupes = sorted({h for h in header if header.count(h) > 1})
    for d in dupes:
        problems.add(f"{name}, line 1: column {d!r} appears more than once")
    missing = [c for c in spec.names if c not in header]
    extra = [h for h in header if h not in spec.names]
    lowered = {h.lower(): h for h in extra}
    for col in missing:
        close = difflib.get_close_matches(col, list(lowered), n=1, cutoff=0.6)
        hint = f"; found {lowered[close[0]]!r}: is it misspelled?" if close else ""
        problems.add(f"{name}, line 1: required column {col!r} is missing{hint}")
    bad_width = False
    for i, row in enumerate(rows[1:]):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            bad_width = True
            problems.add(
                f"{name}, line {i + 2}: has {len(row)} fields but the header has "
                f"{len(header)}",
                group=(name, "(all)", "wrong number of fields"),
            )
    if missing or dupes or bad_width:
        return None
    body = [r for r in rows[1:] if any(cell.strip() for cell in r)]
    if not body and not spec.may_be_empty:
        problems.add(f"{name}: has a header but no data rows")
        return None
    frame = pd.DataFrame(body, columns=header)
    return frame[spec.names].apply(lambda s: s.str.strip())


def _coerce(spec: FileSpec, frame: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    """Parse each column to its type; unparsable cells become problems."""
    out = {}
    name = spec.filename
    for col in spec.columns:
        s = frame[col.name]
        is_missing = s.isin(MISSING_MARKERS)
        if col.kind in ("integer", "number"):
            num = pd.to_numeric(s.where(~is_missing), errors="coerce")
            bad = num.isna() & ~is_missing
            for idx in s.index[bad]:
                problems.add(
                    f"{name}, line {_line(idx)}, column {col.name!r}: {s[idx]!r} is not "
                    f"a number; allowed: {col.allowed_text()}",
                    group=(name, col.name, "not a number"),
                )
            if col.kind == "integer":
                frac = num.notna() & (num != np.floor(num))
                for idx in s.index[frac]:
                    problems.add(
                        f"{name}, line {_line(idx)}, column {col.name!r}: {s[idx]!r} is "
                        f"not a whole number; allowed: {col.allowed_text()}",
                        group=(name, col.name, "not a whole number"),
                    )
            out[col.name] = num.astype(float)
        else:
            out[col.name] = s.astype(object).where(~is_missing, None)
    return pd.DataFrame(out, index=frame.index)


def _pandera():
    """pandera, imported on first use: about a second a kernel that loads the
    runner's validated snapshot (:mod:`ucmsc_repro.data.loading`) does not spend."""
    import pandera.pandas

    return pandera.pandas


def _pandera_schema(spec: FileSpec) -> pa.DataFrameSchema:
    pa = _pandera()
    columns = {}
    for col in spec.columns:
        checks = []
        if col.kind == "category":
            checks.append(pa.Check.isin(list(col.allowed)))
        if col.kind in ("integer", "number"):
            checks.append(pa.Check.in_range(col.low, col.high))
            dtype = float
        else:
            dtype = object
        columns[col.name] = pa.Column(
            dtype,
            checks=checks,
            nullable=col.nullable,
            unique=(spec.key == (col.name,)),
        )
    return pa.DataFrameSchema(columns, coerce=False)


def _range_hint(col: ColumnSpec, value) -> str:
    if col.name == "hba1c_pct" and isinstance(value, float) and 20 < value <= 200:
        return " (it looks like IFCC mmol/mol; convert with % = mmol/mol / 10.929 + 2.15)"
    return ""


def _schema_checks(spec: FileSpec, typed: pd.DataFrame, problems: _Problems) -> None:
    name = spec.filename
    try:
        _pandera_schema(spec).validate(typed, lazy=True)
    except _pandera().errors.SchemaErrors as err:
        cases = err.failure_cases
        cases = cases[cases["index"].notna()]
        for case in cases.sort_values(["column", "index"], kind="stable").itertuples():
            col = spec.column(case.column)
            idx = int(case.index)
            value = typed.at[idx, col.name]
            check = str(case.check)
            if check == "not_nullable":
                what, kind = "is empty", "empty"
            elif check == "field_uniqueness":
                what, kind = f"{value!r} appears more than once", "duplicate"
            else:
                shown = f"{value:g}" if isinstance(value, float) else repr(value)
                what, kind = f"{shown} is not allowed", "not allowed"
            allowed = (
                "each value must be unique"
                if kind == "duplicate"
                else col.allowed_text() + _range_hint(col, value)
            )
            problems.add(
                f"{name}, line {_line(idx)}, column {col.name!r}: {what}; "
                f"allowed: {allowed}",
                group=(name, col.name, kind),
            )


def _unit_checks(name: str, typed: pd.DataFrame, problems: _Problems) -> None:
    """Whole-column checks for values entered in the wrong unit."""
    for col in ("fcp_pmol_l", "pcp_pmol_l"):
        values = typed[col].dropna()
        values = values[values > 0]
        if len(values) >= 3 and values.median() < 10:
            problems.add(
                f"{name}, column {col!r}: the median is {values.median():.3g}, which "
                "looks like nmol/L or ng/mL, not pmol/L; multiply nmol/L by 1000 or "
                "ng/mL by 331 to get pmol/L"
            )


def _subject_checks(typed: pd.DataFrame, problems: _Problems) -> None:
    """Rules across the columns of one participant, checked for all rows at once;
    problems are listed row by row, in the order of the rules below."""
    name = SUBJECTS.filename
    t = typed
    status, arm = t["status"], t["arm"]
    disc, inf, cells = (
        t["discontinued_month"],
        t["infusions_received"],
        t["msc_cells_total"],
    )
    start, end = t["insulin_free_start_month"], t["insulin_free_end_month"]
    rules = [
        (
            status.eq("discontinued") & disc.isna(),
            lambda i: (
                "column 'discontinued_month': is empty; allowed: the month of "
                "discontinuation is required when status is 'discontinued'"
            ),
            ("discontinued_month", "required"),
        ),
        (
            status.eq("completed") & disc.notna(),
            lambda i: (
                "column 'discontinued_month': is set but status is "
                "'completed'; allowed: empty for completed participants"
            ),
            ("discontinued_month", "set while completed"),
        ),
        (
            arm.eq("control") & inf.notna() & inf.ne(0),
            lambda i: (
                f"column 'infusions_received': {inf[i]:g} in the control arm; allowed: 0"
            ),
            ("infusions_received", "control"),
        ),
        (
            arm.eq("control") & cells.notna(),
            lambda i: "column 'msc_cells_total': is set in the control arm; allowed: empty",
            ("msc_cells_total", "control"),
        ),
        (
            arm.eq("MSC") & inf.gt(0) & cells.isna(),
            lambda i: (
                "column 'msc_cells_total': is empty although "
                "infusions were received; allowed: the total cells infused"
            ),
            ("msc_cells_total", "missing"),
        ),
        (
            start.isna() & end.notna(),
            lambda i: (
                "column 'insulin_free_start_month': is empty but "
                "insulin_free_end_month is set; allowed: both or neither"
            ),
            ("insulin_free_start_month", "pair"),
        ),
        (
            start.notna() & end.notna() & (end < start),
            lambda i: (
                f"column 'insulin_free_end_month': {end[i]:g} is before the start "
                f"({start[i]:g}); allowed: a month at or after insulin_free_start_month"
            ),
            ("insulin_free_end_month", "order"),
        ),
    ]
    hits = sorted(
        (pos, k)
        for k, (mask, _, _) in enumerate(rules)
        for pos in np.flatnonzero(mask.to_numpy(dtype=bool))
    )
    for pos, k in hits:
        _, text, (col, kind) = rules[k]
        idx = t.index[pos]
        problems.add(f"{name}, line {_line(idx)}, {text(idx)}", group=(name, col, kind))


def _cross_checks(tables: dict[str, pd.DataFrame], problems: _Problems) -> None:
    subjects = tables.get("subjects.csv")
    if subjects is None:
        return
    known = set(subjects["subject_id"].dropna())
    for fname in ("visits.csv", "adverse_events.csv"):
        t = tables.get(fname)
        if t is None:
            continue
        for idx in t.index[~t["subject_id"].isin(known) & t["subject_id"].notna()]:
            problems.add(
                f"{fname}, line {_line(idx)}, column 'subject_id': "
                f"{t.at[idx, 'subject_id']!r} is not in subjects.csv; allowed: an id "
                "listed in subjects.csv",
                group=(fname, "subject_id", "unknown subject"),
            )
    visits = tables.get("visits.csv")
    if visits is not None:
        dup = visits.duplicated(["subject_id", "month"], keep="first")
        for idx in visits.index[dup]:
            problems.add(
                f"visits.csv, line {_line(idx)}, columns 'subject_id' and 'month': "
                f"{visits.at[idx, 'subject_id']!r} at month "
                f"{visits.at[idx, 'month']:g} appears more than once; allowed: one row "
                "per participant and month",
                group=("visits.csv", "subject_id+month", "duplicate"),
            )
    events = tables.get("adverse_events.csv")
    if events is not None and len(events):
        received = subjects.set_index("subject_id")["infusions_received"]
        received = received[~received.index.duplicated()]
        got_all = events["subject_id"].map(received)
        late = events["infusion"].notna() & got_all.notna() & (events["infusion"] > got_all)
        for idx in events.index[late.to_numpy(dtype=bool)]:
            r, got = events.loc[idx], got_all[idx]
            problems.add(
                f"adverse_events.csv, line {_line(idx)}, column 'infusion': "
                f"{r['infusion']:g} but subject {r['subject_id']!r} received "
                f"{got:g} infusion(s); allowed: 1 to infusions_received",
                group=("adverse_events.csv", "infusion", "not received"),
            )


def read_folder(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Read and validate the three CSV files of a data folder.

    Parameters
    ----------
    folder : str or Path
        Folder holding ``subjects.csv``, ``visits.csv`` and
        ``adverse_events.csv``.

    Returns
    -------
    dict
        File name to typed DataFrame (numbers as float, labels as str or
        None), columns in contract order; extra columns are dropped.

    Raises
    ------
    DataValidationError
        With every problem found, one per line.
    """
    folder = Path(folder)
    problems = _Problems()
    if not folder.is_dir():
        raise DataValidationError(folder, [f"{folder} is not a folder"])
    tables: dict[str, pd.DataFrame] = {}
    for spec in FILES:
        text = _read_text(folder / spec.filename, problems)
        if text is None:
            continue
        frame = _parse_csv(spec, text, problems)
        if frame is None:
            continue
        typed = _coerce(spec, frame, problems)
        _schema_checks(spec, typed, problems)
        if spec.filename == "visits.csv":
            _unit_checks(spec.filename, typed, problems)
        if spec.filename == "subjects.csv":
            _subject_checks(typed, problems)
        tables[spec.filename] = typed
        problems.close_groups()
    _cross_checks(tables, problems)
    problems.close_groups()
    if problems.items:
        raise DataValidationError(folder, problems.items)
    return tables
