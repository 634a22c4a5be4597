"""The reviewer's checklist: TREND (Des Jarlais et al. 2004) and what CONSORT 2025 adds.

The items, where the paper reports each (a verbatim quote and its section, or
"not reported") and where the book provides it are in
``data/checklist_trend.csv``, read and checked by :func:`read_checklist`. The
items a program can check are computed from the data and the other chapters'
results (:data:`CHECKS`):

``flow``
    per arm, assigned = discontinued + analysed, in the data and in the
    trial profile's results, and the primary analysis uses the analysed;
``baseline_smd``
    standardized mean differences of the baseline covariates in the
    per-protocol set, all below 0.1 in absolute value (Austin 2009);
``denominators``
    every estimate in the results (a percentage, mean, median, SMD, risk
    difference or ratio, odds ratio, p-value) carries its number of
    participants;
``absolute_relative``
    each binary outcome of the primary chapter has an absolute effect (risk
    difference) and a relative effect (risk ratio) with their intervals.

Each check has a status: ``passes``, ``fails`` or ``cannot be checked``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..chapters import CHAPTERS, SYNTHETIC_ONLY
from ..core.exceptions import UserFacingError
from ..core.paths import DATA_DIR, display_path
from ..core.results_table import result_row, results_frame
from ..stats.comparisons import smd_binary, smd_continuous
from .robustness import chapter_link

__all__ = [
    "CHECKLIST_PATH",
    "CHECKLIST_COLUMNS",
    "GUIDELINES",
    "PAPER_STATUSES",
    "CHECKS",
    "CHECK_STATUSES",
    "SMD_COVARIATES",
    "SMD_LIMIT",
    "BINARY_OUTCOMES",
    "ChecklistFileError",
    "read_checklist",
    "check_flow",
    "check_baseline_smd",
    "check_denominators",
    "check_absolute_relative",
    "run_checks",
    "markdown_table",
    "checks_display",
    "results",
    "build_checklist",
]

#: The checklist shipped with the book.
CHECKLIST_PATH = DATA_DIR / "checklist_trend.csv"
#: Columns of the checklist file, in order.
CHECKLIST_COLUMNS = [
    "item",
    "guideline",
    "number",
    "section",
    "topic",
    "text",
    "paper",
    "paper_section",
    "paper_quote",
    "book",
    "check",
    "note",
]
#: Guidelines an item may come from, and how many items each must have.
GUIDELINES = {"TREND 2004": 22, "CONSORT 2025": None}
#: How the paper reports an item.
PAPER_STATUSES = ("reported", "partly reported", "not reported")
#: The checks a program computes: id -> what it checks.
CHECKS = {
    "flow": "participant flow adds up per arm",
    "baseline_smd": "baseline balance: every |SMD| below the limit",
    "denominators": "every estimate carries its number of participants",
    "absolute_relative": "absolute and relative effects with intervals, binary outcomes",
}
#: Statuses of a computed check.
CHECK_STATUSES = ("passes", "fails", "cannot be checked")
#: Baseline covariates of the SMD check (the propensity model's): column -> label.
SMD_COVARIATES = {
    "age_years": "age",
    "male": "male sex",
    "duration_months": "duration of diabetes",
    "bmi_kg_m2": "BMI",
    "hba1c_pct_0": "HbA1c",
    "fcp_pmol_l_0": "fasting C-peptide",
    "insulin_iu_kg_day_0": "daily insulin dose",
}
#: Absolute SMD at or above which a covariate counts as imbalanced (Austin 2009).
SMD_LIMIT = 0.1
#: Binary outcomes of the primary chapter: key part -> label.
BINARY_OUTCOMES = {
    "remission": "remission",
    "remission_fcp": "remission by fasting C-peptide",
    "remission_pcp": "remission by postprandial C-peptide",
    "insulin_free": "insulin independence",
}
#: Last parts of a result key that name an estimate (which needs a denominator).
_ESTIMATE_RE = re.compile(
    r"^(pct|mean|median|sd|sem|q1|q3|smd|diff|risk_difference|risk_ratio|odds_ratio|"
    r"or|rr|rd(_\w+)?|log_or|pval\w*)$"
)
_ITEM_RE = re.compile(r"^[TC][0-9]+[a-z]?$")
#: Chapters that read the others' results: their own rows are not estimates of the trial.
_READERS = ("cohort", "scorecard", "audit", "robustness", "checklist")


class ChecklistFileError(UserFacingError):
    """The checklist file breaks its format; ``problems`` lists every problem."""

    def __init__(self, path, problems: list[str]):
        self.path = path
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{path} has {n} problem{'s' if n != 1 else ''}:"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in self.problems))


def read_checklist(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the checklist file.

    Parameters
    ----------
    path : str or Path, optional
        Default :data:`CHECKLIST_PATH`.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`CHECKLIST_COLUMNS` as text, in file order.

    Raises
    ------
    ChecklistFileError
        Listing every problem (line, column, value, what is allowed).

    Notes
    -----
    Rules: ``item`` is ``T<n>`` (TREND) or ``C<n>`` (CONSORT) and unique;
    ``guideline`` is one of :data:`GUIDELINES`, and TREND has its 22 items
    numbered 1 to 22; ``section``, ``topic`` and ``text`` are not empty;
    ``paper`` is one of :data:`PAPER_STATUSES`; an item the paper reports (or
    partly) quotes it and names the section, an item it does not report
    quotes nothing and says why in ``note``; ``book`` lists known chapter
    slugs separated by ``;``; ``check`` is empty or one of :data:`CHECKS`.

    Examples
    --------
    >>> items = read_checklist()
    >>> int((items["guideline"] == "TREND 2004").sum())
    22
    """
    path = Path(path) if path is not None else CHECKLIST_PATH
    where_file = display_path(path)
    if not path.exists():
        raise ChecklistFileError(where_file, ["the checklist file does not exist"])
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in CHECKLIST_COLUMNS if c not in frame.columns]
    if missing:
        raise ChecklistFileError(
            where_file,
            [
                f"missing column {c!r} (expected: {', '.join(CHECKLIST_COLUMNS)})"
                for c in missing
            ],
        )
    frame = frame[CHECKLIST_COLUMNS].apply(lambda s: s.str.strip())
    slugs = {c.slug for c in CHAPTERS} | {"confounding", "trial_models"}
    problems: list[str] = []
    seen: set[str] = set()
    for i, r in enumerate(frame.itertuples(index=False)):
        where = f"line {i + 2}"
        if not _ITEM_RE.match(r.item):
            problems.append(
                f"{where}, column item: {r.item!r} is not T<number> or C<number>"
            )
        if r.item in seen:
            problems.append(f"{where}, column item: {r.item!r} is listed twice")
        seen.add(r.item)
        if r.guideline not in GUIDELINES:
            problems.append(
                f"{where}, column guideline: {r.guideline!r} is not one of "
                + ", ".join(GUIDELINES)
            )
        for col in ("number", "section", "topic", "text"):
            if not getattr(r, col):
                problems.append(f"{where}, column {col}: empty")
        if r.paper not in PAPER_STATUSES:
            problems.append(
                f"{where}, column paper: {r.paper!r} is not one of "
                + ", ".join(PAPER_STATUSES)
            )
        elif r.paper == "not reported":
            if r.paper_quote:
                problems.append(
                    f"{where}, column paper_quote: an unreported item quotes text"
                )
            if not r.note:
                problems.append(f"{where}, column note: say why the item is not reported")
        else:
            if not r.paper_quote:
                problems.append(
                    f"{where}, column paper_quote: a reported item needs a quote"
                )
            if not r.paper_section:
                problems.append(f"{where}, column paper_section: name the quote's section")
        for slug in filter(None, (s.strip() for s in r.book.split(";"))):
            if slug not in slugs:
                problems.append(f"{where}, column book: {slug!r} is no chapter slug")
        if r.check and r.check not in CHECKS:
            problems.append(
                f"{where}, column check: {r.check!r} is not one of " + ", ".join(CHECKS)
            )
    trend = frame.loc[frame["guideline"].eq("TREND 2004"), "number"].tolist()
    if sorted(trend, key=lambda x: (len(x), x)) != [str(n) for n in range(1, 23)]:
        problems.append("the TREND items must be numbered 1 to 22, each once")
    if problems:
        raise ChecklistFileError(where_file, problems)
    return frame.reset_index(drop=True)


# ------------------------------------------------------------------- the checks


def _res_value(results: pd.DataFrame, key: str, column: str = "value") -> float:
    if "key" not in results.columns or column not in results.columns:
        return math.nan
    hit = results.loc[results["key"].eq(key), column]
    if len(hit) == 0:
        return math.nan
    try:
        return float(hit.iloc[-1])
    except (TypeError, ValueError):
        return math.nan


def check_flow(table: pd.DataFrame, results: pd.DataFrame) -> dict:
    """Participant flow per arm: assigned = discontinued + analysed, everywhere.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per enrolled participant with ``arm``, ``status`` and
        ``per_protocol`` (the chapter's ``ch.table``).
    results : pandas.DataFrame
        The other chapters' results (keys ``trial_profile.<assigned|
        discontinued|analysed>.<arm>.n`` and ``primary.remission.<arm>.n`` /
        ``.missing``).

    Returns
    -------
    dict
        ``status`` (one of :data:`CHECK_STATUSES`), ``detail`` (in words) and
        ``arms``: per arm key (``msc``, ``control``) the counts ``assigned``,
        ``discontinued``, ``per_protocol`` (from the data) and ``consistent``
        (bool).

    Notes
    -----
    For each arm, from the data: assigned (rows), discontinued (``status``
    ``discontinued``), per protocol; the check passes when assigned equals
    discontinued + per protocol in the data (a per-protocol participant who
    completed; an MSC completer missing an infusion is neither), when the
    trial profile's three counts equal the data's, and when the primary
    analysis's denominator (known plus unknown outcomes) equals the
    per-protocol count. A missing result makes it "cannot be checked".
    """
    arms = {}
    missing_results = []
    all_ok = True
    for arm, key in (("MSC", "msc"), ("control", "control")):
        sub = table.loc[table["arm"].eq(arm)]
        assigned = int(len(sub))
        disc = int(sub["status"].eq("discontinued").sum())
        pp = int(sub["per_protocol"].sum())
        ok = assigned == disc + pp
        reported = {
            "assigned": _res_value(results, f"trial_profile.assigned.{key}.n"),
            "discontinued": _res_value(results, f"trial_profile.discontinued.{key}.n"),
            "per_protocol": _res_value(results, f"trial_profile.analysed.{key}.n"),
        }
        primary_n = _res_value(results, f"primary.remission.{key}.n") + _res_value(
            results, f"primary.remission.{key}.missing"
        )
        if any(math.isnan(v) for v in [*reported.values(), primary_n]):
            missing_results.append(arm)
        else:
            ok = ok and reported == {
                "assigned": assigned,
                "discontinued": disc,
                "per_protocol": pp,
            }
            ok = ok and primary_n == pp
        all_ok = all_ok and ok
        arms[key] = {
            "assigned": assigned,
            "discontinued": disc,
            "per_protocol": pp,
            "consistent": ok,
        }
    words = "; ".join(
        f"{'MSC' if k == 'msc' else 'control'}: {a['assigned']} assigned = "
        f"{a['discontinued']} discontinued + {a['per_protocol']} analysed"
        + (
            ""
            if a["assigned"] == a["discontinued"] + a["per_protocol"]
            else " (does not add up)"
        )
        for k, a in arms.items()
    )
    if missing_results:
        status = "cannot be checked"
        words += "; the trial profile's or the primary chapter's counts are missing"
    else:
        status = "passes" if all_ok else "fails"
        if not all_ok:
            words += "; the chapters' counts differ from the data's"
    return {"status": status, "detail": words, "arms": arms}


def check_baseline_smd(
    pp: pd.DataFrame, *, covariates: dict = SMD_COVARIATES, limit: float = SMD_LIMIT
) -> dict:
    """Standardized mean differences (MSC minus control) of the baseline covariates.

    Parameters
    ----------
    pp : pandas.DataFrame
        The per-protocol set (``ch.pp``) with ``arm`` and the covariates.
    covariates : dict
        Column -> label (default :data:`SMD_COVARIATES`).
    limit : float
        An absolute SMD at or above it counts as imbalance.

    Returns
    -------
    dict
        ``status``, ``detail``, ``smd`` (column -> SMD, NaN when it cannot be
        computed), ``max_abs`` and ``imbalanced`` (columns at or above the
        limit).

    Notes
    -----
    Continuous covariates: difference of means over the root mean of the two
    variances (:func:`ucmsc_repro.stats.comparisons.smd_continuous`); binary
    ones (``male``): difference of proportions over the root mean of
    ``p (1 - p)`` (:func:`~ucmsc_repro.stats.comparisons.smd_binary`),
    Austin (2009), Stat Med 28:3083. A covariate constant in both arms or
    with fewer than two values in an arm has no SMD.
    """
    smd = {}
    for col in covariates:
        a = pd.to_numeric(pp.loc[pp["arm"].eq("MSC"), col], errors="coerce").dropna()
        b = pd.to_numeric(pp.loc[pp["arm"].eq("control"), col], errors="coerce").dropna()
        if len(a) < 2 or len(b) < 2:
            smd[col] = math.nan
        elif col == "male":
            smd[col] = smd_binary(float(a.mean()), float(b.mean()))
        else:
            smd[col] = smd_continuous(a.to_numpy(), b.to_numpy())
    finite = {k: v for k, v in smd.items() if math.isfinite(v)}
    if not finite:
        return {
            "status": "cannot be checked",
            "detail": "no covariate has an SMD on these data",
            "smd": smd,
            "max_abs": math.nan,
            "imbalanced": [],
        }
    bad = [k for k, v in finite.items() if abs(v) >= limit]
    max_abs = max(abs(v) for v in finite.values())
    if bad:
        listed = ", ".join(f"{covariates[k]} ({finite[k]:.2f})" for k in bad)
        detail = f"{len(bad)} of {len(finite)} covariates with |SMD| ≥ {limit:g}: {listed}"
    else:
        detail = f"all {len(finite)} covariates with |SMD| < {limit:g}"
    lost = [covariates[k] for k in smd if k not in finite]
    if lost:
        detail += "; no SMD for " + ", ".join(lost)
    return {
        "status": "fails" if bad else "passes",
        "detail": detail,
        "smd": smd,
        "max_abs": max_abs,
        "imbalanced": bad,
    }


def _is_estimate(key: str) -> bool:
    return bool(_ESTIMATE_RE.match(key.rsplit(".", 1)[-1]))


def check_denominators(results: pd.DataFrame) -> dict:
    """Whether every estimate in the results carries its number of participants.

    Returns
    -------
    dict
        ``status``, ``detail``, ``estimates`` (count), ``with_n`` (count with
        a finite positive ``n``) and ``without`` (their keys, in order).

    Notes
    -----
    An estimate is a row whose key ends in a percentage, mean, median, SD,
    quartile, SMD, difference, risk difference or ratio, odds ratio or
    p-value (:data:`_ESTIMATE_RE`); rows of the chapters that read the
    others' results are left out. Missing values are estimates too: an
    estimate that could not be computed still has its denominator.

    Examples
    --------
    >>> res = pd.DataFrame({"key": ["a.x.pct", "a.x.n", "a.pval"], "value": [1.0, 2, 0.5],
    ...                     "n": [10, None, None], "chapter": ["a"] * 3})
    >>> d = check_denominators(res); d["estimates"], d["with_n"], d["without"]
    (2, 1, ['a.pval'])
    """
    res = results if "key" in results.columns else pd.DataFrame({"key": []})
    if "chapter" in res.columns:
        res = res.loc[~res["chapter"].isin(_READERS)]
    est = res.loc[res["key"].map(_is_estimate)]
    if "n" in est.columns:
        n = pd.to_numeric(est["n"], errors="coerce")
    else:
        n = pd.Series(np.nan, index=est.index)
    ok = n.notna() & (n > 0)
    without = est.loc[~ok.to_numpy(), "key"].tolist()
    count, with_n = int(len(est)), int(ok.sum())
    if count == 0:
        return {
            "status": "cannot be checked",
            "detail": "no estimate in the results",
            "estimates": 0,
            "with_n": 0,
            "without": [],
        }
    detail = f"{with_n} of {count} estimates carry their number of participants"
    if without:
        detail += (
            "; without: "
            + ", ".join(without[:5])
            + (" and more" if len(without) > 5 else "")
        )
    return {
        "status": "passes" if not without else "fails",
        "detail": detail,
        "estimates": count,
        "with_n": with_n,
        "without": without,
    }


def check_absolute_relative(
    results: pd.DataFrame, *, outcomes: dict = BINARY_OUTCOMES
) -> dict:
    """Whether each binary outcome has a risk difference and a risk ratio with intervals.

    Returns
    -------
    dict
        ``status``, ``detail`` and ``outcomes``: per outcome key, ``absolute``
        and ``relative`` (bool: the primary chapter recorded
        ``primary.<outcome>.risk_difference`` / ``.risk_ratio`` with a finite
        estimate and interval).

    Examples
    --------
    >>> res = pd.DataFrame({"key": ["primary.a.risk_difference"], "value": [1.0],
    ...                     "ci_low": [0.5], "ci_high": [2.0]})
    >>> check_absolute_relative(res, outcomes={"a": "A"})["outcomes"]
    {'a': {'absolute': True, 'relative': False}}
    """
    found = {}
    for o in outcomes:
        row = {}
        for kind, stat in (("absolute", "risk_difference"), ("relative", "risk_ratio")):
            key = f"primary.{o}.{stat}"
            vals = [_res_value(results, key, c) for c in ("value", "ci_low", "ci_high")]
            row[kind] = all(math.isfinite(v) for v in vals)
        found[o] = row
    lacking = [
        f"{outcomes[o]} ({' and '.join(k for k, v in r.items() if not v)})"
        for o, r in found.items()
        if not all(r.values())
    ]
    if lacking:
        detail = "missing with an interval: " + "; ".join(lacking)
    else:
        detail = f"all {len(found)} binary outcomes have both, with intervals"
    return {"status": "fails" if lacking else "passes", "detail": detail, "outcomes": found}


def run_checks(ch, results: pd.DataFrame) -> dict:
    """Every computed check on the chapter's data and the other chapters' results."""
    return {
        "flow": check_flow(ch.table, results),
        "baseline_smd": check_baseline_smd(ch.pp),
        "denominators": check_denominators(results),
        "absolute_relative": check_absolute_relative(results),
    }


# --------------------------------------------------------------------- display


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _book_links(book: str, synthetic: bool = True) -> str:
    slugs = [s.strip() for s in book.split(";") if s.strip()]
    slugs = [s for s in slugs if synthetic or s not in SYNTHETIC_ONLY]
    return "; ".join(chapter_link(s) for s in slugs) if slugs else "not in the book"


def markdown_table(items: pd.DataFrame, checks: dict, *, synthetic: bool = True) -> str:
    """The checklist as a MyST pipe table: item, the paper, the book, the check.

    ``synthetic=False`` (data other than the embedded cohort) leaves out the
    chapters that are not in such a book (:data:`ucmsc_repro.chapters.SYNTHETIC_ONLY`).

    Examples
    --------
    >>> items = pd.DataFrame([{"item": "T1", "guideline": "TREND 2004", "number": "1",
    ...     "topic": "Title", "text": "t", "paper": "not reported", "paper_section": "",
    ...     "paper_quote": "", "book": "", "check": "", "note": "n"}])
    >>> print(markdown_table(items, {}).splitlines()[2])
    | TREND 1 | **Title**: t | not reported (n) | not in the book |  |
    """
    lines = [
        "| item | what to report | where the paper reports it | where the book provides it "
        "| computed check |",
        "|---|---|---|---|---|",
    ]
    for r in items.itertuples():
        if r.paper == "not reported":
            paper = "not reported" + (f" ({r.note})" if r.note else "")
        else:
            paper = f"{r.paper_section}: “{r.paper_quote}”"
            if r.paper == "partly reported":
                paper = f"partly: {paper}" + (f" ({r.note})" if r.note else "")
        check = ""
        if r.check:
            c = checks.get(r.check)
            check = (
                f"**{c['status']}**: {c['detail']}" if c else "not computed on this page"
            )
        guideline = r.guideline.split()[0]
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{guideline} {r.number}",
                    f"**{_escape(r.topic)}**: {_escape(r.text)}",
                    _escape(paper),
                    _book_links(r.book, synthetic),
                    _escape(check),
                ]
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def checks_display(checks: dict) -> pd.DataFrame:
    """The computed checks for a table: ``check``, ``status``, ``detail``."""
    return pd.DataFrame(
        {
            "check": [CHECKS[k] for k in checks],
            "status": [c["status"] for c in checks.values()],
            "detail": [c["detail"] for c in checks.values()],
        }
    )


# --------------------------------------------------------------------- results


def results(ch, *, items=None, checks=None) -> pd.DataFrame:
    """Every statistic of the checklist page.

    Returns
    -------
    pandas.DataFrame
        Keys ``checklist.items.<all|trend|consort>.n``,
        ``checklist.paper.<reported|partly_reported|not_reported>.n``,
        ``checklist.book.provided.n`` (items the book links to),
        ``checklist.check.<id>.passes`` (1 passes, 0 fails, NaN cannot be
        checked) for every check of :data:`CHECKS`,
        ``checklist.check.passes.n`` / ``fails.n`` / ``cannot_be_checked.n``,
        ``checklist.flow.<msc|control>.<assigned|discontinued|per_protocol>.n``,
        ``checklist.smd.<covariate>.smd``, ``checklist.smd.max_abs``,
        ``checklist.smd.imbalanced.n``, ``checklist.denominators.<estimates|
        with_n|without_n>.n`` and ``checklist.effects.<outcome>.<absolute|
        relative>`` (1 or 0).
    """
    if items is None:
        items = read_checklist()
    if checks is None:
        from .scorecard import gather_results

        checks = run_checks(ch, gather_results(ch)[0])
    rows = []
    count = "count of checklist items"
    rows.append(result_row("checklist.items.all.n", len(items), count))
    rows.append(
        result_row(
            "checklist.items.trend.n", items["guideline"].eq("TREND 2004").sum(), count
        )
    )
    rows.append(
        result_row(
            "checklist.items.consort.n", items["guideline"].eq("CONSORT 2025").sum(), count
        )
    )
    for s in PAPER_STATUSES:
        rows.append(
            result_row(
                f"checklist.paper.{s.replace(' ', '_')}.n",
                items["paper"].eq(s).sum(),
                count,
            )
        )
    rows.append(result_row("checklist.book.provided.n", items["book"].ne("").sum(), count))
    for k, c in checks.items():
        flag = {"passes": 1.0, "fails": 0.0}.get(c["status"], math.nan)
        rows.append(
            result_row(f"checklist.check.{k}.passes", flag, f"computed check: {CHECKS[k]}")
        )
    for s in CHECK_STATUSES:
        n = sum(c["status"] == s for c in checks.values())
        rows.append(
            result_row(f"checklist.check.{s.replace(' ', '_')}.n", n, "count of checks")
        )
    nall = int(len(ch.table))
    for arm, a in checks["flow"]["arms"].items():
        for part in ("assigned", "discontinued", "per_protocol"):
            rows.append(
                result_row(f"checklist.flow.{arm}.{part}.n", a[part], "count", n=nall)
            )
    smd = checks["baseline_smd"]
    npp = int(len(ch.pp))
    method = "standardized mean difference (MSC - control), per protocol (Austin 2009)"
    for col, v in smd["smd"].items():
        rows.append(result_row(f"checklist.smd.{col}.smd", v, method, n=npp))
    rows.append(result_row("checklist.smd.max_abs", smd["max_abs"], "largest |SMD|", n=npp))
    rows.append(
        result_row(
            "checklist.smd.imbalanced.n",
            len(smd["imbalanced"]),
            f"count of covariates with |SMD| >= {SMD_LIMIT:g}",
            n=npp,
        )
    )
    d = checks["denominators"]
    for part, v in (
        ("estimates", d["estimates"]),
        ("with_n", d["with_n"]),
        ("without_n", len(d["without"])),
    ):
        rows.append(
            result_row(f"checklist.denominators.{part}.n", v, "count of result rows")
        )
    for o, r in checks["absolute_relative"]["outcomes"].items():
        for kind, ok in r.items():
            rows.append(
                result_row(
                    f"checklist.effects.{o}.{kind}",
                    float(ok),
                    "1 = recorded with its interval by the primary chapter",
                )
            )
    return results_frame(rows)


def build_checklist(ch, *, results_path=None) -> tuple[pd.DataFrame, dict]:
    """Everything the checklist page computes, in one call.

    Reads the checklist file, gathers the other chapters' results, runs the
    checks, records the page's results and glues ``checklist.table`` (the
    MyST table, as Markdown), ``checklist.<check>.status`` and
    ``checklist.<check>.detail`` for every check, and
    ``checklist.results_source``.

    Returns
    -------
    (pandas.DataFrame, dict)
        The checklist items and the checks (:func:`run_checks`).
    """
    from .scorecard import gather_results

    items = read_checklist()
    results_dir = None if results_path is None else Path(results_path).parent
    res, source = gather_results(ch, results_dir=results_dir)
    checks = run_checks(ch, res)
    ch.rec.record_frame(results(ch, items=items, checks=checks))
    for k, c in checks.items():
        ch.rec.text(f"checklist.{k}.status", c["status"])
        ch.rec.text(f"checklist.{k}.detail", c["detail"])
    ch.rec.markdown(
        "checklist.table", markdown_table(items, checks, synthetic=ch.data.synthetic)
    )
    ch.rec.text(
        "checklist.results_source",
        "recorded by the other chapters of this build"
        if source == "recorded"
        else "recomputed from the data by every chapter's results function",
    )
    return items, checks
