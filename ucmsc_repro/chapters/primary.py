"""The primary endpoint: clinical remission, and insulin independence, by arm.

Clinical remission (paper, Endpoints and assessments) is "a 10% increase from
baseline in the levels of fasting and/or postprandial C-peptide" at the
endpoint visit; it is derived in :func:`ucmsc_repro.data.derive.analysis_table`
(columns ``remission``, ``remission_fcp``, ``remission_pcp``) with the
threshold and endpoint month of the analysis settings. This module compares
the arms on the per-protocol set: proportions with Wilson intervals, the risk
difference, risk ratio and odds ratio with their confidence intervals, the
three 2x2 tests side by side, post hoc power, and insulin independence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats.contingency import expected_freq
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
)

from ..core.results_table import ranked_rows, result_row, results_frame
from ..stats.comparisons import two_by_two_tests
from ..stats.power import DEFAULT_POWER_METHOD, power_table

__all__ = [
    "ARMS",
    "INFUSION_MONTHS",
    "OUTCOMES",
    "rates_by_arm",
    "arm_counts",
    "effect_measures",
    "significance_tests",
    "paper_rule_test",
    "insulin_free_by_arm",
    "insulin_free_periods",
    "results",
]

#: Arms in display order: (value of the ``arm`` column, name in result keys, label).
ARMS: tuple[tuple[str, str, str], ...] = (
    ("MSC", "msc", "MSC-treated"),
    ("control", "control", "Control"),
)

#: Months of the two MSC infusions since the first one (paper, Interventions:
#: "repeat transplantation with an interval of 3 months").
INFUSION_MONTHS: tuple[float, float] = (0.0, 3.0)

#: Binary outcomes of the chapter: analysis-table column -> label.
OUTCOMES: dict[str, str] = {
    "remission": "Clinical remission (fasting and/or postprandial C-peptide)",
    "remission_fcp": "Rise in fasting C-peptide at least the threshold",
    "remission_pcp": "Rise in postprandial C-peptide at least the threshold",
}

#: Key suffix of each test of :func:`ucmsc_repro.stats.comparisons.two_by_two_tests`.
_TEST_KEYS = ("pval_chi2", "pval_yates", "pval_fisher")


def rates_by_arm(
    data: pd.DataFrame,
    *,
    outcome: str = "remission",
    group: str = "arm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Events, denominator and percentage of a binary outcome per arm.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant (e.g. the per-protocol set ``ch.pp``), with
        the ``group`` column and the 0/1 ``outcome`` column (missing allowed).
    outcome : str
        Column holding 1 (event), 0 (no event) or missing.
    group : str
        Column holding the arm (``MSC`` / ``control``).
    alpha : float
        1 - confidence level of the Wilson interval.

    Returns
    -------
    pandas.DataFrame
        One row per arm in the order of :data:`ARMS`, columns ``arm``,
        ``arm_key`` (``msc`` / ``control``), ``events``, ``n`` (participants
        with a known outcome), ``missing`` (outcome unknown), ``pct``
        (100 * events / n) and ``ci_low``, ``ci_high`` (Wilson score
        interval, in percent).

    Notes
    -----
    The Wilson score interval is
    :func:`statsmodels.stats.proportion.proportion_confint` with
    ``method="wilson"`` (Newcombe 1998, method 3), with its exact bounds 0% at
    0 events and 100% at n events. An arm with ``n = 0`` has missing ``pct``
    and interval.

    References
    ----------
    Lu et al. 2021, Results (Efficacy evaluation): "11/27, 40.7%" and
    "3/26, 11.5%".

    Examples
    --------
    >>> d = pd.DataFrame({"arm": ["MSC"] * 4 + ["control"] * 2,
    ...                   "remission": [1, 1, 0, None, 0, 1]})
    >>> rates_by_arm(d)[["arm_key", "events", "n", "missing", "pct"]].values.tolist()
    [['msc', 2, 3, 1, 66.66666666666667], ['control', 1, 2, 0, 50.0]]
    """
    rows = []
    for arm, key, _ in ARMS:
        values = data.loc[data[group].eq(arm), outcome]
        known = values.dropna()
        events, n = int((known == 1).sum()), int(known.size)
        if n:
            low, high = proportion_confint(events, n, alpha=alpha, method="wilson")
            pct, low, high = 100.0 * events / n, 100.0 * float(low), 100.0 * float(high)
            # the Wilson bounds at 0 and n events are exactly 0% and 100%;
            # statsmodels returns them with rounding noise (6.9e-18 for 0/36)
            low = 0.0 if events == 0 else low
            high = 100.0 if events == n else high
        else:
            pct = low = high = float("nan")
        rows.append(
            {
                "arm": arm,
                "arm_key": key,
                "events": events,
                "n": n,
                "missing": int(values.isna().sum()),
                "pct": pct,
                "ci_low": low,
                "ci_high": high,
            }
        )
    return pd.DataFrame(rows)


def arm_counts(data: pd.DataFrame, *, outcome: str = "remission") -> tuple[int, ...]:
    """Events and participants with a known outcome, MSC arm then control.

    Returns
    -------
    tuple of int
        ``(x1, n1, x2, n2)``, the arguments of :func:`significance_tests`,
        :func:`effect_measures` and :func:`ucmsc_repro.stats.power.power_table`.

    Examples
    --------
    >>> d = pd.DataFrame({"arm": ["MSC", "MSC", "control"], "remission": [1, 0, 0]})
    >>> arm_counts(d)
    (1, 2, 0, 1)
    """
    r = rates_by_arm(data, outcome=outcome).set_index("arm_key")
    return (
        int(r.loc["msc", "events"]),
        int(r.loc["msc", "n"]),
        int(r.loc["control", "events"]),
        int(r.loc["control", "n"]),
    )


def _has_zero_cell(x1: int, n1: int, x2: int, n2: int) -> bool:
    return min(x1, n1 - x1, x2, n2 - x2) == 0


def _empty_column(x1: int, n1: int, x2: int, n2: int) -> bool:
    """Nobody, or everybody, had the event: the chi-square test is not defined."""
    return x1 + x2 == 0 or (n1 - x1) + (n2 - x2) == 0


def effect_measures(
    x1: int, n1: int, x2: int, n2: int, *, alpha: float = 0.05
) -> pd.DataFrame:
    """Risk difference, risk ratio and odds ratio of group 1 versus group 2.

    Parameters
    ----------
    x1, n1 : int
        Events and participants in group 1 (the MSC arm).
    x2, n2 : int
        Events and participants in group 2 (the control arm).
    alpha : float
        1 - confidence level.

    Returns
    -------
    pandas.DataFrame
        Rows ``risk_difference`` (percentage points, p1 - p2), ``risk_ratio``
        (p1 / p2) and ``odds_ratio``; columns ``measure``, ``estimate``,
        ``ci_low``, ``ci_high``, ``method``.

    Notes
    -----
    All intervals come from
    :func:`statsmodels.stats.proportion.confint_proportions_2indep`:

    - risk difference: Newcombe's hybrid score interval (``method="newcomb"``;
      Newcombe 1998, method 10), from the two Wilson intervals;
    - risk ratio: the log (Katz) interval, ``exp(log RR +/- z sqrt(1/x1 - 1/n1
      + 1/x2 - 1/n2))`` (``method="log"``);
    - odds ratio: the logit (Woolf) interval, ``exp(log OR +/- z sqrt(1/a + 1/b
      + 1/c + 1/d))`` (``method="logit"``).

    When a cell of the 2x2 table is 0 the ratio and its interval are not
    defined; then the ratio, odds ratio and their intervals use statsmodels'
    ``"log-adjusted"`` / ``"logit-adjusted"`` variants, which add 0.5 to the
    counts (Haldane-Anscombe), and ``method`` says so.

    References
    ----------
    Lu et al. 2021, Results (Efficacy evaluation). Newcombe RG. Interval
    estimation for the difference between independent proportions. Stat Med
    1998;17:873-90.

    Examples
    --------
    >>> e = effect_measures(11, 27, 3, 26).set_index("measure")
    >>> e["estimate"].round(4).tolist()
    [29.2023, 3.5309, 5.2708]
    """
    p1, p2 = x1 / n1, x2 / n2
    conf = f"{100 * (1 - alpha):g}% CI"
    lo, hi = confint_proportions_2indep(
        x1, n1, x2, n2, method="newcomb", compare="diff", alpha=alpha
    )
    rows = [
        {
            "measure": "risk_difference",
            "estimate": 100.0 * (p1 - p2),
            "ci_low": 100.0 * float(lo),
            "ci_high": 100.0 * float(hi),
            "method": f"difference of proportions, percentage points; {conf}: "
            "Newcombe hybrid score (method 10)",
        }
    ]
    if _has_zero_cell(x1, n1, x2, n2):
        a1, m1, a2, m2 = x1 + 0.5, n1 + 0.5, x2 + 0.5, n2 + 0.5
        rr = (a1 / m1) / (a2 / m2)
        odds = (x1 + 0.5) * (n2 - x2 + 0.5) / ((n1 - x1 + 0.5) * (x2 + 0.5))
        rr_method, or_method = "log-adjusted", "logit-adjusted"
        note = "; a cell is 0: 0.5 added to the counts (Haldane-Anscombe)"
    else:
        rr = p1 / p2
        odds = (x1 * (n2 - x2)) / ((n1 - x1) * x2)
        rr_method, or_method, note = "log", "logit", ""
    ratios = (
        ("risk_ratio", rr, rr_method, "ratio", f"ratio of proportions; {conf}: log (Katz)"),
        (
            "odds_ratio",
            odds,
            or_method,
            "odds-ratio",
            f"ratio of odds; {conf}: logit (Woolf)",
        ),
    )
    for measure, estimate, method, compare, label in ratios:
        lo, hi = confint_proportions_2indep(
            x1, n1, x2, n2, method=method, compare=compare, alpha=alpha
        )
        rows.append(
            {
                "measure": measure,
                "estimate": float(estimate),
                "ci_low": float(lo),
                "ci_high": float(hi),
                "method": label + note,
            }
        )
    return pd.DataFrame(rows)


def paper_rule_test(x1: int, n1: int, x2: int, n2: int) -> str:
    """Which 2x2 test the paper's stated rule picks: chi-square or Fisher.

    The paper compares "categorical variables ... by the chi-square analysis
    or Fisher exact test"; the usual rule (and SPSS's footnote) is Pearson's
    chi-square unless an expected count is below 5, then Fisher's exact test.

    Returns
    -------
    str
        ``"pval_chi2"`` or ``"pval_fisher"`` (a key suffix of
        :func:`significance_tests`).

    Examples
    --------
    >>> paper_rule_test(11, 27, 3, 26), paper_rule_test(3, 27, 0, 26)
    ('pval_chi2', 'pval_fisher')
    """
    if _empty_column(x1, n1, x2, n2):
        return "pval_fisher"
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=float)
    return "pval_fisher" if expected_freq(table).min() < 5 else "pval_chi2"


def significance_tests(x1: int, n1: int, x2: int, n2: int) -> pd.DataFrame:
    """The three 2x2 tests of events ``x1/n1`` versus ``x2/n2``, side by side.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and participants of group 1 (MSC) and group 2 (control).

    Returns
    -------
    pandas.DataFrame
        Rows Pearson's chi-square, chi-square with Yates' continuity
        correction and Fisher's exact test; columns ``key`` (``pval_chi2``,
        ``pval_yates``, ``pval_fisher``), ``test``, ``two_sided`` (always
        True), ``n`` (participants used: n1 + n2), ``statistic`` (chi-square,
        or the sample odds ratio for Fisher), ``dof``, ``pval`` and
        ``paper_rule`` (True for the test the paper's stated rule picks, see
        :func:`paper_rule_test`).

    Notes
    -----
    The tests are :func:`ucmsc_repro.stats.comparisons.two_by_two_tests`
    (scipy's ``chi2_contingency`` and ``fisher_exact``, two-sided). When
    nobody (or everybody) had the event the chi-square statistic is not
    defined: its p-values are missing and Fisher's test gives p = 1.

    References
    ----------
    Lu et al. 2021, Statistical analysis and Results (Efficacy evaluation):
    "p = 0.041".

    Examples
    --------
    >>> t = significance_tests(11, 27, 3, 26)
    >>> t[["key", "n", "paper_rule"]].values.tolist()
    [['pval_chi2', 53, True], ['pval_yates', 53, False], ['pval_fisher', 53, False]]
    """
    if _empty_column(x1, n1, x2, n2):
        fisher = stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]])
        nan = float("nan")
        t = pd.DataFrame(
            {
                "test": [
                    "Pearson's chi-square (not defined: one outcome only)",
                    "Chi-square with Yates' continuity correction (not defined: one "
                    "outcome only)",
                    "Fisher's exact test (two-sided)",
                ],
                "statistic": [nan, nan, float(fisher.statistic)],
                "dof": [nan, nan, nan],
                "pval": [nan, nan, float(fisher.pvalue)],
            }
        )
    else:
        t = two_by_two_tests(x1, n1, x2, n2)
    t.insert(0, "key", list(_TEST_KEYS))
    t.insert(2, "two_sided", True)
    t.insert(3, "n", int(n1 + n2))
    t["paper_rule"] = t["key"].eq(paper_rule_test(x1, n1, x2, n2))
    return t


def insulin_free_by_arm(
    data: pd.DataFrame,
    *,
    endpoint_month: float,
    group: str = "arm",
    onset: str = "onset",
) -> pd.DataFrame:
    """Participants who became insulin-free by the endpoint month, per arm and onset.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant (the per-protocol set) with the ``group`` and
        ``onset`` columns and ``insulin_free_start_month``.
    endpoint_month : float
        An insulin-free period counts when it started at or before this month.
    group, onset : str
        Columns holding the arm and the onset group (``adult``/``juvenile``).

    Returns
    -------
    pandas.DataFrame
        Columns ``arm``, ``arm_key``, ``onset`` (``all``, ``adult``,
        ``juvenile``), ``events``, ``n``, ``pct``; one row per arm and onset.

    References
    ----------
    Lu et al. 2021, Results (Efficacy evaluation): "none of the control group
    but three MSC-treated adults achieved insulin free".

    Examples
    --------
    >>> d = pd.DataFrame({"arm": ["MSC", "MSC", "control"],
    ...                   "onset": ["adult", "juvenile", "adult"],
    ...                   "insulin_free_start_month": [2.0, None, None]})
    >>> insulin_free_by_arm(d, endpoint_month=12)["events"].tolist()
    [1, 1, 0, 0, 0, 0]
    """
    achieved = data["insulin_free_start_month"].astype(float) <= endpoint_month
    rows = []
    for arm, key, _ in ARMS:
        in_arm = data[group].eq(arm)
        for level in ("all", "adult", "juvenile"):
            sel = in_arm if level == "all" else in_arm & data[onset].eq(level)
            n = int(sel.sum())
            events = int((achieved & sel).sum())
            rows.append(
                {
                    "arm": arm,
                    "arm_key": key,
                    "onset": level,
                    "events": events,
                    "n": n,
                    "pct": 100.0 * events / n if n else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def insulin_free_periods(
    data: pd.DataFrame, *, endpoint_month: float, group: str = "arm"
) -> pd.DataFrame:
    """The insulin-free periods that started by the endpoint month, without identifiers.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant with ``insulin_free_start_month`` and
        ``insulin_free_end_month`` (months since the first infusion, or since
        enrolment in the control arm) and the ``group`` column.
    endpoint_month : float
        Periods that started after this month are left out.
    group : str
        Column holding the arm.

    Returns
    -------
    pandas.DataFrame
        One row per period, sorted by arm then start month, with columns
        ``arm``, ``start_month``, ``end_month`` (missing when insulin was not
        restarted), ``duration_months`` (end - start; missing when ongoing)
        and ``ongoing`` (bool). The participant identifier is dropped and the
        index reset: this table feeds the timeline figure and the ranked
        durations, and is not meant to be shown as a listing.

    Notes
    -----
    The end month may lie after the last scheduled visit (insulin was
    restarted after the 12-month visit); the duration is still end - start.

    References
    ----------
    Lu et al. 2021, Results (Efficacy evaluation): insulin free "for 3 to 12
    months", restarted "1 year and 20 months later", "3.8 months later".
    """
    start = data["insulin_free_start_month"].astype(float)
    keep = start <= endpoint_month
    d = data.loc[keep, [group, "insulin_free_start_month", "insulin_free_end_month"]]
    out = pd.DataFrame(
        {
            "arm": d[group].astype(str).to_numpy(),
            "start_month": d["insulin_free_start_month"].astype(float).to_numpy(),
            "end_month": d["insulin_free_end_month"].astype(float).to_numpy(),
        }
    )
    out["duration_months"] = out["end_month"] - out["start_month"]
    out["ongoing"] = out["end_month"].isna()
    order = {arm: i for i, (arm, _, _) in enumerate(ARMS)}
    out["_order"] = out["arm"].map(order)
    out = out.sort_values(["_order", "start_month", "duration_months"], kind="mergesort")
    return out.drop(columns="_order").reset_index(drop=True)


def _ranked(prefix: str, values, method: str) -> list[dict]:
    return ranked_rows(prefix, values, method)


def results(ch) -> pd.DataFrame:
    """Every statistic of the primary-endpoint chapter.

    Parameters
    ----------
    ch : ucmsc_repro.book.chapter.Chapter
        The chapter (uses ``ch.pp``, the per-protocol set, and ``ch.settings``).

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``value``, ``ci_low``, ``ci_high``, ``method``,
        ``n``. Keys:

        - ``primary.settings.endpoint_month``, ``.threshold_pct``, ``.alpha``,
          ``.confidence_pct``: the settings the chapter ran with;
        - ``primary.<outcome>.<msc|control>.<events|n|missing|pct>`` for
          ``remission``, ``remission_fcp`` and ``remission_pcp`` (``pct``
          carries its Wilson interval);
        - ``primary.remission.all.n`` (participants with a known outcome);
        - ``primary.remission.<pval_chi2|pval_yates|pval_fisher>`` and
          ``primary.remission.pval`` (the test the paper's rule picks);
        - ``primary.remission.<risk_difference|risk_ratio|odds_ratio>`` with
          their intervals;
        - ``primary.power.<method>`` (percent) for every method of
          :func:`ucmsc_repro.stats.power.power_table` and ``primary.power.default``;
        - ``primary.insulin_free.<msc|control>.<events|n|pct>``,
          ``primary.insulin_free.<arm>_<adult|juvenile>.<events|n>``,
          ``primary.insulin_free.pval_fisher``, ``primary.insulin_free.all.n``,
          ``primary.insulin_free.ongoing.events``,
          ``primary.insulin_free.<duration_months|start_month>.<min|max>``,
          ``primary.insulin_free.<duration_months|start_month|end_month>.rank<i>``
          (values sorted ascending, each ranked separately).

    References
    ----------
    Lu et al. 2021, Results (Efficacy evaluation) and Discussion.
    """
    s = ch.settings
    pp = ch.pp
    alpha = s.alpha
    rows = [
        result_row("primary.settings.endpoint_month", s.endpoint_month, "setting"),
        result_row(
            "primary.settings.threshold_pct", 100.0 * s.remission_threshold, "setting"
        ),
        result_row("primary.settings.alpha", alpha, "setting"),
        result_row("primary.settings.confidence_pct", 100.0 * (1 - alpha), "setting"),
    ]
    counts = {}
    for outcome in OUTCOMES:
        rates = rates_by_arm(pp, outcome=outcome, alpha=alpha)
        for r in rates.itertuples():
            base = f"primary.{outcome}.{r.arm_key}"
            rows += [
                result_row(f"{base}.events", r.events, "count", n=r.n),
                result_row(f"{base}.n", r.n, "participants with a known outcome"),
                result_row(
                    f"{base}.missing", r.missing, "participants with an unknown outcome"
                ),
                result_row(
                    f"{base}.pct",
                    r.pct,
                    f"percent; {100 * (1 - alpha):g}% CI: Wilson score",
                    n=r.n,
                    ci=(r.ci_low, r.ci_high),
                ),
            ]
        counts[outcome] = rates.set_index("arm_key")
    c = counts["remission"]
    x1, n1 = int(c.loc["msc", "events"]), int(c.loc["msc", "n"])
    x2, n2 = int(c.loc["control", "events"]), int(c.loc["control", "n"])
    rows.append(result_row("primary.remission.all.n", n1 + n2, "participants in both arms"))
    if n1 and n2:
        tests = significance_tests(x1, n1, x2, n2)
        for t in tests.itertuples():
            rows.append(result_row(f"primary.remission.{t.key}", t.pval, t.test, n=t.n))
        chosen = tests.loc[tests["paper_rule"]].iloc[0]
        rows.append(
            result_row(
                "primary.remission.pval",
                chosen["pval"],
                f"{chosen['test']} (the paper's rule: chi-square unless an expected "
                "count is below 5)",
                n=chosen["n"],
            )
        )
        for e in effect_measures(x1, n1, x2, n2, alpha=alpha).itertuples():
            rows.append(
                result_row(
                    f"primary.remission.{e.measure}",
                    e.estimate,
                    e.method,
                    n=n1 + n2,
                    ci=(e.ci_low, e.ci_high),
                )
            )
        pw = power_table(x1, n1, x2, n2, alpha=alpha)
        for p in pw.itertuples():
            rows.append(
                result_row(
                    f"primary.power.{p.method}",
                    100.0 * p.power,
                    f"percent; {p.label}: {p.formula}",
                    n=n1 + n2,
                )
            )
        default = pw.set_index("method").loc[DEFAULT_POWER_METHOD]
        rows.append(
            result_row(
                "primary.power.default",
                100.0 * default["power"],
                f"percent; {default['label']}",
                n=n1 + n2,
            )
        )

    free = insulin_free_by_arm(pp, endpoint_month=s.endpoint_month)
    for r in free.itertuples():
        if r.onset == "all":
            base = f"primary.insulin_free.{r.arm_key}"
            rows += [
                result_row(f"{base}.events", r.events, "count", n=r.n),
                result_row(f"{base}.n", r.n, "participants"),
                result_row(f"{base}.pct", r.pct, "percent", n=r.n),
            ]
        else:
            base = f"primary.insulin_free.{r.arm_key}_{r.onset}"
            rows += [
                result_row(f"{base}.events", r.events, "count", n=r.n),
                result_row(f"{base}.n", r.n, "participants"),
            ]
    f = free.loc[free["onset"].eq("all")].set_index("arm_key")
    fx1, fn1 = int(f.loc["msc", "events"]), int(f.loc["msc", "n"])
    fx2, fn2 = int(f.loc["control", "events"]), int(f.loc["control", "n"])
    rows.append(
        result_row("primary.insulin_free.all.n", fn1 + fn2, "participants in both arms")
    )
    if fn1 and fn2:
        fisher = significance_tests(fx1, fn1, fx2, fn2).set_index("key").loc["pval_fisher"]
        rows.append(
            result_row(
                "primary.insulin_free.pval_fisher",
                fisher["pval"],
                fisher["test"],
                n=fn1 + fn2,
            )
        )
    periods = insulin_free_periods(pp, endpoint_month=s.endpoint_month)
    rows.append(
        result_row(
            "primary.insulin_free.ongoing.events",
            int(periods["ongoing"].sum()),
            "count of periods without a restart date",
        )
    )
    # min/max are missing (NaN) without any period, so the prose finds its keys
    for col, what in (
        ("duration_months", "months from stopping to restarting insulin"),
        ("start_month", "months from the first infusion to stopping insulin"),
    ):
        rows += [
            result_row(
                f"primary.insulin_free.{col}.min", periods[col].min(), f"{what}, minimum"
            ),
            result_row(
                f"primary.insulin_free.{col}.max", periods[col].max(), f"{what}, maximum"
            ),
        ]
    rows += _ranked(
        "primary.insulin_free.duration_months",
        periods["duration_months"],
        "months from stopping to restarting insulin, sorted ascending",
    )
    rows += _ranked(
        "primary.insulin_free.start_month",
        periods["start_month"],
        "months from the first infusion to stopping insulin, sorted ascending",
    )
    rows += _ranked(
        "primary.insulin_free.end_month",
        periods["end_month"],
        "months from the first infusion to restarting insulin, sorted ascending",
    )
    return results_frame(rows)


# ---------------------------------------------------------------- display
