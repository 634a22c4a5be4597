"""Secondary endpoints over time: HbA1c, insulin dose and C-peptide by arm.

The paper's Figure 2 (HbA1c and daily insulin dose of the MSC arm at every
visit, paired tests against baseline and against month 3, and the change from
baseline to the endpoint by arm), Figure 3 (fasting and postprandial C-peptide
of every participant at baseline and at the endpoint) and Additional file 1,
Table S1 (absolute change, percent change and change ratio of C-peptide for
the whole population and the adult- and juvenile-onset subgroups).

All two-group tests are :func:`ucmsc_repro.stats.comparisons.compare_continuous`
(Student's t test, or the Mann-Whitney U test when a group fails
Shapiro-Wilk, as the paper's statistical analysis describes) and all paired
tests are :func:`ucmsc_repro.stats.comparisons.paired_test`; this module only
arranges the data, the groups and the result keys.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.results_table import result_row, results_frame
from ..data.derive import MEASURES
from ..stats.comparisons import (
    compare_categorical,
    compare_continuous,
    describe,
    paired_test,
)

__all__ = [
    "ARMS",
    "TRAJECTORY_MEASURES",
    "CPEPTIDE_MEASURES",
    "KINDS",
    "LABELS",
    "arm_key",
    "month_key",
    "visit_long",
    "visit_summary",
    "paired_by_visit",
    "compare_arms",
    "cpeptide_table",
    "ONSET_LEVELS",
    "table_s1",
    "rose_counts",
    "results",
]

#: Arm keys in the order the book shows them; the data say ``MSC``/``control``.
ARMS: tuple[str, ...] = ("msc", "control")

#: Measures of Figure 2, followed at every visit.
TRAJECTORY_MEASURES: tuple[str, ...] = ("hba1c_pct", "insulin_iu_kg_day")

#: Measures of Figure 3 and Table S1.
CPEPTIDE_MEASURES: tuple[str, ...] = ("fcp_pmol_l", "pcp_pmol_l")

#: Per-participant quantities of Table S1: column suffix in the analysis
#: table (:func:`ucmsc_repro.data.derive.analysis_table`) -> result-key word.
KINDS: dict[str, str] = {
    "0": "m0",
    "end": "end",
    "change": "change",
    "pct": "pct",
    "ratio": "ratio",
}

#: How the book names measures and kinds.
LABELS: dict[str, str] = {
    "hba1c_pct": "HbA1c (%)",
    "insulin_iu_kg_day": "Daily insulin dose (IU/kg/day)",
    "fcp_pmol_l": "Fasting C-peptide (pmol/L)",
    "pcp_pmol_l": "Postprandial C-peptide (pmol/L)",
    "m0": "baseline",
    "end": "endpoint",
    "change": "change (endpoint - baseline)",
    "pct": "percent change (%)",
    "ratio": "change ratio (change / baseline)",
    "msc": "MSC",
    "control": "Control",
    "all": "All participants",
    "adult": "Adult onset",
    "juvenile": "Juvenile onset",
}

#: Month of the second infusion, the second reference of Figure 2 (#).
SECOND_REFERENCE_MONTH = 3


def arm_key(label: str) -> str:
    """The result-key word of an arm label (``"MSC"`` -> ``"msc"``).

    Examples
    --------
    >>> arm_key("MSC"), arm_key("control")
    ('msc', 'control')
    """
    return str(label).lower()


def month_key(month: float) -> str:
    """The result-key word of a visit month.

    Examples
    --------
    >>> month_key(3.0), month_key(12), month_key(1.5)
    ('m3', 'm12', 'm1.5')
    """
    return f"m{float(month):g}"


def visit_long(table: pd.DataFrame, visits: pd.DataFrame) -> pd.DataFrame:
    """Visit measures of the participants in ``table``, one row per visit.

    Parameters
    ----------
    table : pandas.DataFrame
        Analysis table (e.g. ``ch.pp``, the per-protocol set) with columns
        ``subject_id`` and ``arm``.
    visits : pandas.DataFrame
        Validated ``visits.csv`` (long format).

    Returns
    -------
    pandas.DataFrame
        Columns ``subject_id``, ``arm`` (``msc``/``control``), ``month`` and
        every measure of :data:`ucmsc_repro.data.derive.MEASURES`; only visits of
        participants in ``table``, sorted by arm, participant and month.

    Notes
    -----
    ``subject_id`` is kept to pair visits of the same participant; no
    function of this module returns it in a summary.
    """
    arms = table[["subject_id", "arm"]].drop_duplicates("subject_id")
    arms = arms.assign(arm=arms["arm"].map(arm_key))
    out = visits.merge(arms, on="subject_id", how="inner")
    out["month"] = out["month"].astype(float)
    cols = ["subject_id", "arm", "month", *MEASURES]
    return out[cols].sort_values(["arm", "subject_id", "month"]).reset_index(drop=True)


def visit_summary(data: pd.DataFrame, *, measure: str, group: str = "arm") -> pd.DataFrame:
    """Descriptive statistics of a measure at every visit month, by group.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format, as returned by :func:`visit_long`.
    measure : str
        Column to summarise, e.g. ``"hba1c_pct"``.
    group : str
        Grouping column (default ``"arm"``).

    Returns
    -------
    pandas.DataFrame
        One row per group and month: ``<group>``, ``month``, ``n`` (non-missing
        values), ``mean``, ``sd`` (ddof=1), ``sem``, ``median``, ``q1``,
        ``q3``, ``min``, ``max``.

    References
    ----------
    Lu et al. 2021, Results, Efficacy evaluation; Figure 2 A/B.
    """
    rows = []
    for (g, month), sub in data.groupby([group, "month"], sort=True):
        d = describe(sub[measure])
        d.pop("missing")
        rows.append({group: g, "month": float(month), **d})
    cols = [group, "month", "n", "mean", "sd", "sem", "median", "q1", "q3", "min", "max"]
    return pd.DataFrame(rows, columns=cols)


def _not_tested(reason: str, n: int) -> dict:
    nan = float("nan")
    return {
        "test": f"not tested ({reason})",
        "statistic": nan,
        "pval": nan,
        "n": int(n),
        "mean_diff": nan,
    }


def paired_by_visit(
    data: pd.DataFrame,
    *,
    measure: str,
    reference: float = 0,
    group: str = "arm",
    subject: str = "subject_id",
    method: str = "auto",
) -> pd.DataFrame:
    """Paired test of every later visit against a reference visit, by group.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format, as returned by :func:`visit_long`.
    measure : str
        Column to compare.
    reference : float
        Reference month (0 = baseline; the paper's second reference is
        month 3, the second infusion).
    group, subject : str
        Grouping and participant columns.
    method : {"auto", "t", "wilcoxon"}
        Passed to :func:`ucmsc_repro.stats.comparisons.paired_test`: ``"auto"`` is
        the paired t test when the differences pass Shapiro-Wilk, else the
        Wilcoxon signed-rank test; both two-sided.

    Returns
    -------
    pandas.DataFrame
        One row per group and month after ``reference``: ``<group>``,
        ``month``, ``reference``, ``test``, ``statistic``, ``pval``, ``n``
        (participants with both values), ``mean_diff`` (month minus
        reference).

    Notes
    -----
    Visits are paired by participant; a participant missing either value is
    left out of that comparison. Fewer than two pairs, or differences that
    are all equal, give ``pval`` NaN with the reason in ``test``.

    References
    ----------
    Lu et al. 2021, Figure 2 A/B: "*p < 0.05 compared with
    pre-transplantation, # p < 0.05 compared with 3-month post-transplantation".
    """
    rows = []
    reference = float(reference)
    for g, sub in data.groupby(group, sort=True):
        wide = sub.pivot_table(
            index=subject, columns="month", values=measure, aggfunc="first", dropna=False
        )
        if reference not in wide.columns:
            continue
        for month in sorted(m for m in wide.columns if m > reference):
            pair = wide[[reference, month]].dropna()
            d = pair[month] - pair[reference]
            if len(pair) < 2:
                res = _not_tested("fewer than 2 pairs", len(pair))
            elif np.ptp(d.to_numpy()) == 0:
                res = _not_tested("all differences are equal", len(pair))
            else:
                res = paired_test(pair[reference], pair[month], method=method)
            rows.append({group: g, "month": float(month), "reference": reference, **res})
    cols = [group, "month", "reference", "test", "statistic", "pval", "n", "mean_diff"]
    return pd.DataFrame(rows, columns=cols)


def _labels(data: pd.DataFrame, by: str | None, levels: dict | None) -> pd.Series:
    if by is None:
        return pd.Series("all", index=data.index)
    if levels is None:
        return data[by].astype(str)
    return data[by].map(levels)


def compare_arms(
    data: pd.DataFrame,
    *,
    variables: list[str] | tuple[str, ...],
    group: str = "arm",
    by: str | None = None,
    levels: dict | None = None,
    arms: tuple[str, ...] = ARMS,
    method: str = "auto",
) -> pd.DataFrame:
    """Describe variables by arm and test the difference between the arms.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant (e.g. ``ch.pp``).
    variables : sequence of str
        Columns to compare, e.g. ``["fcp_pmol_l_change"]``.
    group : str
        Arm column; its labels map to :data:`ARMS` by :func:`arm_key`.
    by : str, optional
        Subgroup column; ``None`` compares the whole population (subgroup
        ``"all"``).
    levels : dict, optional
        Subgroup value -> label (e.g. ``{1: "dk_or_dka", 0: "no_dk"}``); its
        order is the row order. Default: every value of ``by`` as text.
    arms : tuple of str
        The two arm keys, first minus second.
    method : {"auto", "t", "mwu"}
        Passed to :func:`ucmsc_repro.stats.comparisons.compare_continuous`.

    Returns
    -------
    pandas.DataFrame
        One row per subgroup and variable: ``subgroup``, ``variable``; for
        each arm ``a``: ``a_n``, ``a_mean``, ``a_sd``, ``a_sem``,
        ``a_median``, ``a_q1``, ``a_q3``; then ``test`` (name, two-sided),
        ``statistic``, ``pval``, ``n`` (participants in the test) and
        ``normal`` (Shapiro-Wilk verdict, NaN when not tested).

    Notes
    -----
    An arm with fewer than two values in a subgroup is not tested (``pval``
    NaN, the reason in ``test``).

    References
    ----------
    Lu et al. 2021, Statistical analysis; Figure 2 C/D; Tables S1 and S2.
    """
    arm = data[group].map(arm_key)
    sub = _labels(data, by, levels)
    order = list(levels.values()) if levels is not None else sorted(sub.dropna().unique())
    if by is None:
        order = ["all"]
    rows = []
    for level in order:
        in_level = sub.eq(level)
        for var in variables:
            row = {"subgroup": level, "variable": var}
            values = {}
            for a in arms:
                x = data.loc[in_level & arm.eq(a), var].astype(float).dropna()
                values[a] = x
                d = describe(x)
                for stat in ("n", "mean", "sd", "sem", "median", "q1", "q3"):
                    row[f"{a}_{stat}"] = d[stat]
            x1, x2 = values[arms[0]], values[arms[1]]
            n = len(x1) + len(x2)
            if min(len(x1), len(x2)) < 2:
                res = {
                    "test": "not tested (fewer than 2 values in an arm)",
                    "statistic": float("nan"),
                    "pval": float("nan"),
                    "normal": float("nan"),
                }
            else:
                res = compare_continuous(x1, x2, method=method)
            row.update(
                test=res["test"],
                statistic=res["statistic"],
                pval=res["pval"],
                n=n,
                normal=float(res["normal"]),
            )
            rows.append(row)
    return pd.DataFrame(rows)


def cpeptide_table(
    data: pd.DataFrame,
    *,
    by: str | None = None,
    levels: dict | None = None,
    measures: tuple[str, ...] = CPEPTIDE_MEASURES,
    kinds: tuple[str, ...] = tuple(KINDS),
    group: str = "arm",
) -> pd.DataFrame:
    """Table S1/S2: C-peptide at baseline and endpoint, and its changes, by arm.

    Parameters
    ----------
    data : pandas.DataFrame
        Analysis table, one row per participant (e.g. ``ch.pp``).
    by, levels : optional
        Subgroup column and labels, as in :func:`compare_arms`.
    measures : tuple of str
        C-peptide measures.
    kinds : tuple of str
        Column suffixes of :data:`KINDS` (``"0"``, ``"end"``, ``"change"``,
        ``"pct"``, ``"ratio"``).
    group : str
        Arm column.

    Returns
    -------
    pandas.DataFrame
        As :func:`compare_arms`, plus ``measure`` and ``kind`` (the
        result-key word of :data:`KINDS`) after ``variable``.

    Notes
    -----
    ``pct`` is ``100 * ratio`` participant by participant
    (:func:`ucmsc_repro.data.derive.analysis_table`), so their tests coincide.

    References
    ----------
    Lu et al. 2021, Additional file 1, Table S1 and Additional file 2, Table S2.
    """
    variables = [f"{m}_{k}" for m in measures for k in kinds]
    out = compare_arms(data, variables=variables, group=group, by=by, levels=levels)
    pairs = {f"{m}_{k}": (m, KINDS[k]) for m in measures for k in kinds}
    out.insert(2, "measure", out["variable"].map(lambda v: pairs[v][0]))
    out.insert(3, "kind", out["variable"].map(lambda v: pairs[v][1]))
    return out


#: Onset subgroups: value of the ``onset`` column -> subgroup key.
ONSET_LEVELS: dict[str, str] = {"adult": "adult", "juvenile": "juvenile"}


def table_s1(data: pd.DataFrame) -> pd.DataFrame:
    """Table S1: :func:`cpeptide_table` for everyone, then by age at onset.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`cpeptide_table` with ``subgroup`` ``all``, then
        ``adult`` and ``juvenile``.

    References
    ----------
    Lu et al. 2021, Additional file 1, Table S1.
    """
    return pd.concat(
        [cpeptide_table(data), cpeptide_table(data, by="onset", levels=ONSET_LEVELS)],
        ignore_index=True,
    )


def _sided(name: str) -> str:
    """Say that a 2x2 chi-square test is two-sided (the statistic ignores direction)."""
    if name.startswith("Pearson's chi-square") and "two-sided" not in name:
        return f"{name} (two-sided)"
    return name


# --- display helpers (rounding happens here only) ---------------------------


def rose_counts(
    data: pd.DataFrame,
    *,
    measures: tuple[str, ...] = CPEPTIDE_MEASURES,
    group: str = "arm",
    arms: tuple[str, ...] = ARMS,
) -> pd.DataFrame:
    """How many participants' C-peptide rose from baseline to the endpoint.

    Parameters
    ----------
    data : pandas.DataFrame
        Analysis table with ``fcp_rose`` / ``pcp_rose`` (1 = endpoint above
        baseline, missing when either value is missing).
    measures : tuple of str
        C-peptide measures.
    group : str
        Arm column.
    arms : tuple of str
        Arm keys.

    Returns
    -------
    pandas.DataFrame
        One row per measure and arm: ``measure``, ``arm``, ``events`` (rose),
        ``n`` (both values known), ``pct`` (0-100); and per measure the
        between-arm test in ``test``, ``pval`` and ``n_test`` (the same on
        both rows of a measure).

    Notes
    -----
    The between-arm test is :func:`ucmsc_repro.stats.comparisons.compare_categorical`
    (Pearson's chi-square, or Fisher's exact test when an expected count is
    below 5). The paper reports the counts only.

    References
    ----------
    Lu et al. 2021, Results, Efficacy evaluation ("11 out of 27 subjects
    increased in fasting C-peptide ...") and Figure 3.
    """
    arm = data[group].map(arm_key)
    rows = []
    for m in measures:
        col = f"{m.split('_')[0]}_rose"
        x = {a: data.loc[arm.eq(a), col].dropna().astype(int) for a in arms}
        test = compare_categorical(x[arms[0]], x[arms[1]])
        for a in arms:
            n = len(x[a])
            events = int(x[a].sum())
            rows.append(
                {
                    "measure": m,
                    "arm": a,
                    "events": events,
                    "n": n,
                    "pct": 100.0 * events / n if n else float("nan"),
                    "test": _sided(test["test"]),
                    "pval": test["pval"],
                    "n_test": test["n1"] + test["n2"],
                }
            )
    return pd.DataFrame(rows)


_STAT_METHOD = {
    "mean": "arithmetic mean",
    "sd": "standard deviation (ddof=1)",
    "sem": "standard error of the mean",
    "median": "median",
    "q1": "25th percentile",
    "q3": "75th percentile",
}


def _comparison_rows(prefix_of, frame: pd.DataFrame, arms=ARMS) -> list[dict]:
    """Result rows of a compare_arms frame; ``prefix_of(row)`` names the comparison."""
    out = []
    for r in frame.to_dict("records"):
        prefix = prefix_of(r)
        for a in arms:
            n = r[f"{a}_n"]
            for stat in ("mean", "sd", "sem", "median", "q1", "q3"):
                out.append(
                    result_row(
                        f"{prefix}.{a}.{stat}", r[f"{a}_{stat}"], _STAT_METHOD[stat], n
                    )
                )
            out.append(result_row(f"{prefix}.{a}.n", n, "count of non-missing values", n))
        out.append(result_row(f"{prefix}.pval", r["pval"], r["test"], r["n"]))
    return out


def results(ch) -> pd.DataFrame:
    """Every statistic of the chapter "Secondary endpoints over time".

    Parameters
    ----------
    ch : ucmsc_repro.book.chapter.Chapter
        Uses ``ch.pp`` (per-protocol set), ``ch.data.visits`` and the endpoint
        month of ``ch.settings`` (through the analysis table).

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``value``, ``ci_low``, ``ci_high``, ``method``, ``n``.
        Keys (``<arm>`` is ``msc``/``control``, ``mM`` a visit month, ``<sub>``
        ``all``/``adult``/``juvenile``):

        - ``secondary.<hba1c_pct|insulin_iu_kg_day>.<arm>.mM.<mean|sd|sem|median|q1|q3|n>``
        - ``secondary.<...>.<arm>.mM.pval_vs_m0`` and ``.pval_vs_m3`` (paired);
        - ``secondary.<...>.<arm>.lowest_month`` (visit with the lowest mean);
        - ``secondary.<...>.change.<arm>.<stat>`` and ``.change.pval``
          (baseline to the endpoint month, between arms);
        - ``secondary.<fcp|pcp>_pmol_l.<m0|end|change|pct|ratio>.<sub>.<arm>.<stat>``
          and ``....<sub>.pval``;
        - ``secondary.<fcp|pcp>_pmol_l.rose.<arm>.<events|n|pct>`` and
          ``.rose.pval``.

    References
    ----------
    Lu et al. 2021, Results, Efficacy evaluation; Figures 2 and 3; Table S1.
    """
    pp = ch.pp
    long = visit_long(pp, ch.data.visits)
    rows: list[dict] = []
    for m in TRAJECTORY_MEASURES:
        summary = visit_summary(long, measure=m)
        for r in summary.to_dict("records"):
            prefix = f"secondary.{m}.{r['arm']}.{month_key(r['month'])}"
            for stat in ("mean", "sd", "sem", "median", "q1", "q3"):
                rows.append(
                    result_row(f"{prefix}.{stat}", r[stat], _STAT_METHOD[stat], r["n"])
                )
            rows.append(
                result_row(f"{prefix}.n", r["n"], "count of non-missing values", r["n"])
            )
        for arm, sub in summary.dropna(subset=["mean"]).groupby("arm", sort=False):
            low = sub.loc[sub["mean"].idxmin()]
            rows.append(
                result_row(
                    f"secondary.{m}.{arm}.lowest_month",
                    low["month"],
                    "visit month with the lowest mean (first such month on ties)",
                    low["n"],
                )
            )
        for ref in (0, SECOND_REFERENCE_MONTH):
            tests = paired_by_visit(long, measure=m, reference=ref)
            for r in tests.to_dict("records"):
                at = f"{r['arm']}.{month_key(r['month'])}"
                key = f"secondary.{m}.{at}.pval_vs_{month_key(ref)}"
                rows.append(result_row(key, r["pval"], r["test"], r["n"]))
        change = compare_arms(pp, variables=[f"{m}_change"])
        rows += _comparison_rows(lambda r, m=m: f"secondary.{m}.change", change)
    rows += _comparison_rows(
        lambda r: f"secondary.{r['measure']}.{r['kind']}.{r['subgroup']}", table_s1(pp)
    )
    rose = rose_counts(pp)
    for r in rose.to_dict("records"):
        prefix = f"secondary.{r['measure']}.rose.{r['arm']}"
        what = "endpoint value above baseline"
        rows.append(result_row(f"{prefix}.events", r["events"], f"count, {what}", r["n"]))
        rows.append(
            result_row(f"{prefix}.n", r["n"], "participants with both values", r["n"])
        )
        rows.append(result_row(f"{prefix}.pct", r["pct"], f"percent, {what}", r["n"]))
    for m, sub in rose.groupby("measure", sort=False):
        first = sub.iloc[0]
        rows.append(
            result_row(
                f"secondary.{m}.rose.pval", first["pval"], first["test"], first["n_test"]
            )
        )
    return results_frame(rows)
