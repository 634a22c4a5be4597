"""The paper's numeric claims: reading and validating ``data/paper_claims.csv``.

The claims file lists every numeric statement the paper makes about this
trial, one row per claim, with the result key that reproduces it. It is the
target of the scorecard (:mod:`ucmsc_repro.reproduction.scorecard`) and of the calibration
of the synthetic cohort (rows with ``calibrate == "yes"``). Its companion,
``data/paper_claims_excluded.csv``, lists the numeric statements left out
(numbers about other studies, identifiers, analysis settings, ...) and why.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from ..core.exceptions import UserFacingError
from ..core.paths import DATA_DIR, display_path

__all__ = [
    "CLAIMS_PATH",
    "EXCLUDED_PATH",
    "CLAIM_COLUMNS",
    "EXCLUDED_COLUMNS",
    "RELATIONS",
    "STATUS_HINTS",
    "EXCLUSION_REASONS",
    "CI_SUFFIXES",
    "ClaimsFileError",
    "read_claims",
    "read_excluded",
    "split_ci_key",
    "calibration_targets",
    "exclusion_summary",
]

#: The claims file shipped with the book.
CLAIMS_PATH = DATA_DIR / "paper_claims.csv"
#: Numeric statements of the paper that are not claims, with the reason.
EXCLUDED_PATH = DATA_DIR / "paper_claims_excluded.csv"

#: Columns of the claims file, in order.
CLAIM_COLUMNS = [
    "key",
    "reported",
    "decimals",
    "relation",
    "section",
    "sentence",
    "calibrate",
    "status_hint",
    "note",
]
#: Columns of the excluded-statements file, in order.
EXCLUDED_COLUMNS = ["section", "sentence", "numbers", "reason", "note"]

#: relation -> meaning. ``eq``: equal at the printed precision; the others
#: are bounds the paper states ("p < 0.05" is ``lt 0.05``).
RELATIONS = {
    "eq": "equals, at the printed precision",
    "lt": "is below",
    "le": "is at most",
    "gt": "is above",
    "ge": "is at least",
}
#: Allowed values of ``status_hint`` ("" = none).
STATUS_HINTS = {
    "": "no hint: the scorecard compares the reproduced value",
    "not_computable": "the data contract cannot give this number",
    "inconsistent": "the paper contradicts itself on this number (reason in note)",
}
#: Allowed values of ``reason`` in the excluded-statements file.
EXCLUSION_REASONS = {
    "other_study": "a number about another study (a reference, the authors' pilot trial)",
    "identifier": "an identifier, version or citation (registration, grant, ethics, DOI)",
    "calendar_date": "a calendar date (the data contract has no dates)",
    "analysis_setting": "a definition the book takes as an analysis setting",
    "culture_recipe": "a cell-culture recipe parameter, not about participants or outcomes",
    "data_contract_definition": "defines a column of the data contract (visit months, 2-h)",
    "figure_marker": "defines significance markers whose positions are in a figure image",
    "qualitative": "a statement with no number that could be checked",
}
#: A claim key ending in one of these reads that column of the base key's row.
CI_SUFFIXES = {".ci_low": "ci_low", ".ci_high": "ci_high"}

_KEY_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


class ClaimsFileError(UserFacingError):
    """The claims file breaks its format; ``problems`` lists every problem."""

    def __init__(self, path, problems: list[str]):
        self.path = path
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{path} has {n} problem{'s' if n != 1 else ''}:"
        body = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head}\n{body}")


def _decimal(text: str) -> Decimal | None:
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _printed_decimals(text: str) -> int:
    """Digits after the decimal point as printed ("0.040" -> 3, "53" -> 0)."""
    return len(text.split(".", 1)[1]) if "." in text else 0


def _read_csv(path: Path, columns: list[str], label: str) -> pd.DataFrame:
    if not path.exists():
        raise ClaimsFileError(display_path(path), [f"the {label} file does not exist"])
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ClaimsFileError(
            display_path(path),
            [
                f"missing column {c!r} (expected columns: {', '.join(columns)})"
                for c in missing
            ],
        )
    return frame[columns].apply(lambda s: s.str.strip())


def read_claims(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the claims file.

    Parameters
    ----------
    path : str or Path, optional
        The claims CSV; default :data:`CLAIMS_PATH`.

    Returns
    -------
    pandas.DataFrame
        One row per claim, in file order, with the columns of
        :data:`CLAIM_COLUMNS` as text (``reported`` exactly as printed) plus
        ``claim_id`` (1-based row number in the file), ``line`` (line in the
        file), ``value`` (``reported`` as float), ``digits`` (``decimals`` as
        int; -1 for a bound), ``base_key`` and ``column`` (the results key and
        the results column that reproduce the claim: ``value``, ``ci_low`` or
        ``ci_high``, see :func:`split_ci_key`).

    Raises
    ------
    ClaimsFileError
        Listing every problem in the file (line, column, value, what is
        allowed), so that all can be fixed in one pass.

    Notes
    -----
    Rules: ``key`` is a dotted lower-case name; ``reported`` is a number;
    ``relation`` is one of :data:`RELATIONS`; an ``eq`` claim has
    ``decimals`` equal to the digits printed after the decimal point of
    ``reported`` and a bound has none; ``calibrate`` is ``yes`` or ``no``;
    ``status_hint`` is one of :data:`STATUS_HINTS`, and a claim with a hint
    is not a calibration target and explains itself in ``note``; ``section``
    and ``sentence`` are not empty; no claim is listed twice (same key,
    relation, reported value and sentence).

    References
    ----------
    Lu et al. 2021, the whole text.

    Examples
    --------
    >>> claims = read_claims()
    >>> row = claims.set_index("claim_id").loc[1]
    >>> row["key"], row["reported"], row["status_hint"]
    ('trial_profile.enrolled.all.n', '53', 'inconsistent')
    """
    path = Path(path) if path is not None else CLAIMS_PATH
    frame = _read_csv(path, CLAIM_COLUMNS, "claims")
    problems: list[str] = []
    values, digits = [], []
    for i, r in enumerate(frame.itertuples(index=False)):
        where = f"line {i + 2}"
        if not _KEY_RE.match(r.key):
            problems.append(
                f"{where}, column key: {r.key!r} is not a dotted lower-case name "
                "such as primary.remission.msc.pct"
            )
        d = _decimal(r.reported)
        if d is None:
            problems.append(f"{where}, column reported: {r.reported!r} is not a number")
        values.append(float(d) if d is not None else float("nan"))
        if r.relation not in RELATIONS:
            problems.append(
                f"{where}, column relation: {r.relation!r} is not one of "
                + ", ".join(RELATIONS)
            )
        if r.relation == "eq":
            if not r.decimals.isdigit():
                problems.append(
                    f"{where}, column decimals: {r.decimals!r} must be a whole number "
                    "for an 'eq' claim"
                )
                digits.append(-1)
            else:
                digits.append(int(r.decimals))
                if d is not None and int(r.decimals) != _printed_decimals(r.reported):
                    printed = _printed_decimals(r.reported)
                    problems.append(
                        f"{where}, column decimals: {r.decimals} does not match the "
                        f"{printed} decimals printed in {r.reported!r}"
                    )
        else:
            digits.append(-1)
            if r.decimals != "" and r.relation in RELATIONS:
                problems.append(
                    f"{where}, column decimals: must be empty for a bound "
                    f"({r.relation}), got {r.decimals!r}"
                )
        if r.calibrate not in ("yes", "no"):
            problems.append(
                f"{where}, column calibrate: {r.calibrate!r} must be 'yes' or 'no'"
            )
        if r.status_hint not in STATUS_HINTS:
            problems.append(
                f"{where}, column status_hint: {r.status_hint!r} must be empty or one of "
                + ", ".join(h for h in STATUS_HINTS if h)
            )
        elif r.status_hint:
            if r.calibrate == "yes":
                problems.append(
                    f"{where}, column calibrate: a claim marked {r.status_hint} cannot be "
                    "a calibration target (use 'no')"
                )
            if not r.note:
                problems.append(
                    f"{where}, column note: a claim marked {r.status_hint} must say why"
                )
        for col in ("section", "sentence"):
            if not getattr(r, col):
                problems.append(f"{where}, column {col}: must not be empty")
    dup = frame.duplicated(["key", "relation", "reported", "sentence"], keep="first")
    for i in frame.index[dup]:
        problems.append(
            f"line {i + 2}: repeats the claim of an earlier line "
            f"({frame.at[i, 'key']} {frame.at[i, 'relation']} {frame.at[i, 'reported']} "
            "from the same sentence)"
        )
    if problems:
        raise ClaimsFileError(display_path(path), problems)
    out = frame.copy()
    out.insert(0, "claim_id", range(1, len(out) + 1))
    out["line"] = out["claim_id"] + 1
    out["value"] = values
    out["digits"] = digits
    split = [split_ci_key(k) for k in out["key"]]
    out["base_key"] = [b for b, _ in split]
    out["column"] = [c for _, c in split]
    return out


def split_ci_key(key: str) -> tuple[str, str]:
    """The results key and column that hold a claim's number.

    Parameters
    ----------
    key : str
        A claim key; ``<key>.ci_low`` and ``<key>.ci_high`` refer to the
        confidence-interval columns of ``<key>``'s row in ``results.csv``.

    Returns
    -------
    (str, str)
        ``(base_key, column)`` with column ``value``, ``ci_low`` or ``ci_high``.

    Examples
    --------
    >>> split_ci_key("factors.stepwise.fcp_pmol_l_0.or.ci_low")
    ('factors.stepwise.fcp_pmol_l_0.or', 'ci_low')
    >>> split_ci_key("primary.remission.msc.pct")
    ('primary.remission.msc.pct', 'value')
    """
    for suffix, column in CI_SUFFIXES.items():
        if key.endswith(suffix):
            return key[: -len(suffix)], column
    return key, "value"


def read_excluded(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the file of numeric statements left out of the claims.

    Parameters
    ----------
    path : str or Path, optional
        Default :data:`EXCLUDED_PATH`.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`EXCLUDED_COLUMNS`, as text, one row per sentence.

    Raises
    ------
    ClaimsFileError
        When a reason is not one of :data:`EXCLUSION_REASONS` or a section or
        sentence is empty.

    Examples
    --------
    >>> ex = read_excluded()
    >>> set(ex["reason"]) <= set(EXCLUSION_REASONS)
    True
    """
    path = Path(path) if path is not None else EXCLUDED_PATH
    frame = _read_csv(path, EXCLUDED_COLUMNS, "excluded-statements")
    problems = []
    for i, r in enumerate(frame.itertuples(index=False)):
        if r.reason not in EXCLUSION_REASONS:
            problems.append(
                f"line {i + 2}, column reason: {r.reason!r} is not one of "
                + ", ".join(EXCLUSION_REASONS)
            )
        for col in ("section", "sentence"):
            if not getattr(r, col):
                problems.append(f"line {i + 2}, column {col}: must not be empty")
    if problems:
        raise ClaimsFileError(display_path(path), problems)
    return frame


def calibration_targets(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims the synthetic cohort is calibrated to.

    Parameters
    ----------
    claims : pandas.DataFrame
        As returned by :func:`read_claims`.

    Returns
    -------
    pandas.DataFrame
        The rows with ``calibrate == "yes"``, one per distinct
        (``key``, ``relation``, ``reported``): a number the paper repeats in
        the abstract and the results is one target. Columns as
        :func:`read_claims`.

    Examples
    --------
    >>> t = calibration_targets(read_claims())
    >>> bool(t.duplicated(["key", "relation", "reported"]).any())
    False
    """
    t = claims.loc[claims["calibrate"].eq("yes")]
    return t.drop_duplicates(["key", "relation", "reported"]).reset_index(drop=True)


def exclusion_summary(excluded: pd.DataFrame) -> pd.DataFrame:
    """How many statements were left out, per reason.

    Returns
    -------
    pandas.DataFrame
        Columns ``reason``, ``meaning`` and ``n`` (sentences), in the order
        of :data:`EXCLUSION_REASONS`; a reason with no sentence is not listed.

    Examples
    --------
    >>> ex = pd.DataFrame({"reason": ["other_study", "other_study", "identifier"]})
    >>> exclusion_summary(ex)[["reason", "n"]].values.tolist()
    [['other_study', 2], ['identifier', 1]]
    """
    counts = excluded["reason"].value_counts()
    rows = [
        {"reason": r, "meaning": meaning, "n": int(counts[r])}
        for r, meaning in EXCLUSION_REASONS.items()
        if r in counts.index
    ]
    return pd.DataFrame(rows, columns=["reason", "meaning", "n"])
