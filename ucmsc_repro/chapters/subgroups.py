"""Subgroups: C-peptide changes and remission by onset type and by DK/DKA.

The paper's Additional file 2, Table S2 (C-peptide changes by diabetic
ketosis or ketoacidosis at onset) and the age-of-onset rows of Table S1, plus
what the paper does not show: remission by subgroup with the risk difference
of each subgroup and a test of whether the effect of MSC differs between the
subgroups (an interaction test), with the power such a test has here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep

from ..core.formatting import p_text
from ..core.results_table import result_row, results_frame
from .secondary import ARMS, LABELS, _comparison_rows, arm_key, cpeptide_table

__all__ = [
    "FACTORS",
    "SUBGROUP_LABELS",
    "FACTOR_TITLES",
    "subgroup_column",
    "cpeptide_by_subgroup",
    "remission_by_subgroup",
    "interaction_test",
    "interaction_power",
    "remission_interactions",
    "remission_display",
    "interaction_sentence",
    "glue_text",
    "results",
]

#: Subgroup factors: factor key -> (column of the analysis table,
#: {column value: subgroup key}, in display order).
FACTORS: dict[str, tuple[str, dict]] = {
    "onset": ("onset", {"adult": "adult", "juvenile": "juvenile"}),
    "dk_or_dka": ("dk_or_dka", {1: "dk_or_dka", 0: "no_dk"}),
}

#: How the book names factors and subgroups.
SUBGROUP_LABELS: dict[str, str] = {
    "all": "All participants",
    "onset": "Age at onset",
    "adult": "Adult onset",
    "juvenile": "Juvenile onset",
    "dk_or_dka": "DK or DKA at onset",
    "no_dk": "Neither DK nor DKA at onset",
}
FACTOR_TITLES = {"onset": "Age at onset", "dk_or_dka": "Ketosis or ketoacidosis at onset"}


def subgroup_column(data: pd.DataFrame, factor: str) -> pd.Series:
    """The subgroup key of every participant for one factor.

    Parameters
    ----------
    data : pandas.DataFrame
        Analysis table.
    factor : {"onset", "dk_or_dka"}
        A key of :data:`FACTORS`.

    Returns
    -------
    pandas.Series of str
        E.g. ``"adult"``/``"juvenile"``, or ``"dk_or_dka"``/``"no_dk"``.
    """
    col, levels = FACTORS[factor]
    return data[col].map(levels)


def cpeptide_by_subgroup(data: pd.DataFrame, *, factor: str) -> pd.DataFrame:
    """Table S2: C-peptide levels and changes by arm within each subgroup.

    Parameters
    ----------
    data : pandas.DataFrame
        Analysis table (e.g. ``ch.pp``).
    factor : {"onset", "dk_or_dka"}
        Subgroup factor.

    Returns
    -------
    pandas.DataFrame
        As :func:`ucmsc_repro.chapters.secondary.cpeptide_table` with ``subgroup``
        the subgroup keys of the factor, plus a first column ``factor``.

    References
    ----------
    Lu et al. 2021, Additional file 1, Table S1 (onset) and Additional file 2,
    Table S2 (DK/DKA).
    """
    col, levels = FACTORS[factor]
    out = cpeptide_table(data, by=col, levels=levels)
    out.insert(0, "factor", factor)
    return out


def _cell_counts(data: pd.DataFrame, outcome: str, group: str) -> pd.DataFrame:
    arm = data[group].map(arm_key)
    y = data[outcome]
    known = y.notna()
    return pd.DataFrame({"arm": arm[known], "y": y[known].astype(int)})


def _newcombe(x1: int, n1: int, x2: int, n2: int, alpha: float) -> tuple[float, float]:
    if n1 == 0 or n2 == 0:
        return float("nan"), float("nan")
    lo, hi = confint_proportions_2indep(
        x1, n1, x2, n2, method="newcomb", compare="diff", alpha=alpha
    )
    return float(lo), float(hi)


def remission_by_subgroup(
    data: pd.DataFrame,
    *,
    factors: tuple[str, ...] = tuple(FACTORS),
    outcome: str = "remission",
    group: str = "arm",
    arms: tuple[str, ...] = ARMS,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Remission rate by arm and the risk difference, overall and per subgroup.

    Parameters
    ----------
    data : pandas.DataFrame
        Analysis table (e.g. ``ch.pp``) with a 0/1 ``outcome`` column.
    factors : tuple of str
        Keys of :data:`FACTORS`.
    outcome : str
        Outcome column (default ``"remission"``); missing values are left out.
    group : str
        Arm column.
    arms : tuple of str
        The two arm keys; the difference is first minus second.
    alpha : float
        1 - confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row for the whole population (``factor`` and ``subgroup``
        ``"all"``) and one per subgroup: ``factor``, ``subgroup``; for each
        arm ``a``: ``a_events``, ``a_n``, ``a_pct`` (0-100); then
        ``risk_difference`` (percentage points, first arm minus second),
        ``ci_low``, ``ci_high`` (its ``1 - alpha`` Newcombe hybrid score
        interval, in percentage points) and ``n``.

    Notes
    -----
    The interval is Newcombe's method 10 (the hybrid Wilson score interval
    for a difference of independent proportions,
    ``statsmodels.stats.proportion.confint_proportions_2indep(method="newcomb")``),
    which stays inside [-100, 100] and is defined when a rate is 0% or 100%,
    as happens in small subgroups.

    References
    ----------
    Lu et al. 2021, Results, Efficacy evaluation (remission 11/27 vs 3/26);
    Newcombe RG. Stat Med 1998;17:873-890.
    """
    arm_of = data[group].map(arm_key)
    parts = [("all", "all", pd.Series(True, index=data.index))]
    for f in factors:
        sub = subgroup_column(data, f)
        for level in FACTORS[f][1].values():
            parts.append((f, level, sub.eq(level)))
    rows = []
    for factor, level, mask in parts:
        row = {"factor": factor, "subgroup": level}
        counts = {}
        for a in arms:
            y = data.loc[mask & arm_of.eq(a), outcome].dropna()
            x, n = int(y.sum()), int(y.size)
            counts[a] = (x, n)
            row[f"{a}_events"] = x
            row[f"{a}_n"] = n
            row[f"{a}_pct"] = 100.0 * x / n if n else float("nan")
        (x1, n1), (x2, n2) = counts[arms[0]], counts[arms[1]]
        lo, hi = _newcombe(x1, n1, x2, n2, alpha)
        row["risk_difference"] = row[f"{arms[0]}_pct"] - row[f"{arms[1]}_pct"]
        row["ci_low"] = 100.0 * lo
        row["ci_high"] = 100.0 * hi
        row["n"] = n1 + n2
        rows.append(row)
    return pd.DataFrame(rows)


def _cells(data: pd.DataFrame, factor: str, outcome: str, group: str, arms) -> pd.DataFrame:
    sub = subgroup_column(data, factor)
    arm_of = data[group].map(arm_key)
    rows = []
    for level in FACTORS[factor][1].values():
        for a in arms:
            y = data.loc[sub.eq(level) & arm_of.eq(a), outcome].dropna()
            rows.append(
                {"subgroup": level, "arm": a, "events": int(y.sum()), "n": int(y.size)}
            )
    return pd.DataFrame(rows)


def _mid_sentence(label: str) -> str:
    """A label inside a sentence: first letter lower case, acronyms kept.

    >>> _mid_sentence("DK or DKA at onset"), _mid_sentence("Neither DK nor DKA")
    ('DK or DKA at onset', 'neither DK nor DKA')
    """
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _degenerate_cells(cells: pd.DataFrame) -> list[str]:
    out = []
    for r in cells.itertuples(index=False):
        arm = _mid_sentence(LABELS.get(r.arm, r.arm))
        where = f"the {arm} arm, {_mid_sentence(SUBGROUP_LABELS[r.subgroup])}"
        if r.n == 0:
            out.append(f"nobody in {where}")
        elif r.events in (0, r.n):
            out.append(f"remission in {r.events} of {r.n} in {where}")
    return out


def interaction_test(
    data: pd.DataFrame,
    *,
    factor: str,
    outcome: str = "remission",
    group: str = "arm",
    arms: tuple[str, ...] = ARMS,
) -> dict:
    """Likelihood-ratio test of the arm-by-subgroup interaction on remission.

    Fits two logistic regressions, ``outcome ~ arm + subgroup`` and
    ``outcome ~ arm + subgroup + arm:subgroup``, and compares them.

    Parameters
    ----------
    data : pandas.DataFrame
        Analysis table with a 0/1 ``outcome``.
    factor : {"onset", "dk_or_dka"}
        Subgroup factor (two levels).
    outcome, group : str
        Outcome and arm columns.
    arms : tuple of str
        The two arm keys.

    Returns
    -------
    dict
        ``factor``, ``test`` (name, with "two-sided" as a likelihood-ratio
        test of a two-sided alternative), ``statistic`` (LR chi-square),
        ``dof`` (1), ``pval``, ``n`` (participants with a known outcome),
        ``interaction_or`` (ratio of the subgroups' odds ratios, first level
        over second), ``estimable`` (bool) and ``note`` (why not, or "").

    Notes
    -----
    The interaction model is saturated for the four arm-by-subgroup cells:
    when a cell has no participant, or remission in none or all of it, its
    maximum-likelihood estimate does not exist (separation) and the test is
    not done (``pval`` NaN, the cells named in ``note``). The chi-square
    reference distribution is a large-sample approximation; with cells of
    ten or so participants it is rough.

    References
    ----------
    Agresti A. An Introduction to Categorical Data Analysis, 2nd ed., 2007,
    Sections 4.3 and 5.2 (logit models for 2x2xK tables).
    """
    nan = float("nan")
    levels = list(FACTORS[factor][1].values())
    out = {
        "factor": factor,
        "test": "likelihood-ratio test of the arm x subgroup term in a logistic "
        "regression (chi-square, 1 df; two-sided alternative)",
        "statistic": nan,
        "dof": 1.0,
        "pval": nan,
        "n": 0,
        "interaction_or": nan,
        "estimable": False,
        "note": "",
    }
    cells = _cells(data, factor, outcome, group, arms)
    out["n"] = int(cells["n"].sum())
    bad = _degenerate_cells(cells)
    if bad:
        out["note"] = (
            "not estimable: " + "; ".join(bad) + ". With a cell like this the "
            "interaction model has no finite maximum-likelihood estimate "
            "(separation), so no p-value is given"
        )
        return out
    sub = subgroup_column(data, factor)
    arm_of = data[group].map(arm_key)
    keep = data[outcome].notna() & sub.isin(levels) & arm_of.isin(arms)
    y = data.loc[keep, outcome].astype(float).to_numpy()
    treat = arm_of[keep].eq(arms[0]).astype(float).to_numpy()
    first = sub[keep].eq(levels[0]).astype(float).to_numpy()
    x_add = np.column_stack([np.ones_like(y), treat, first])
    x_int = np.column_stack([x_add, treat * first])
    fit_add = sm.GLM(y, x_add, family=sm.families.Binomial()).fit()
    fit_int = sm.GLM(y, x_int, family=sm.families.Binomial()).fit()
    lr = 2.0 * (fit_int.llf - fit_add.llf)
    out.update(
        statistic=float(lr),
        pval=float(stats.chi2.sf(lr, 1)),
        interaction_or=float(np.exp(fit_int.params[3])),
        estimable=True,
    )
    return out


def interaction_power(
    data: pd.DataFrame,
    *,
    factor: str,
    alpha: float = 0.05,
    outcome: str = "remission",
    group: str = "arm",
    arms: tuple[str, ...] = ARMS,
) -> dict:
    """Power of the interaction test for an effect confined to one subgroup.

    Scenario: the control rate is the observed control rate of the whole
    population in both subgroups; in one subgroup MSC raises it to the
    observed MSC rate of the whole population, in the other MSC does nothing.
    The interaction log odds ratio is then the overall log odds ratio.

    Parameters
    ----------
    data : pandas.DataFrame
        Analysis table with a 0/1 ``outcome``.
    factor : {"onset", "dk_or_dka"}
        Subgroup factor.
    alpha : float
        Two-sided significance level.
    outcome, group : str
        Outcome and arm columns.
    arms : tuple of str
        The two arm keys.

    Returns
    -------
    dict
        ``factor``, ``power`` (probability, the larger of the two scenarios:
        effect in the first or in the second subgroup), ``power_first``,
        ``power_second``, ``log_or`` (the interaction assumed) and ``note``.

    Notes
    -----
    The Wald test of the interaction coefficient has, with cell sizes
    ``n_ij`` and rates ``p_ij``, variance
    ``sum_ij 1 / (n_ij p_ij (1 - p_ij))`` (Woolf's variance of a log odds
    ratio, summed over the four cells of the ratio of two odds ratios). The
    power of a two-sided z test of effect ``log_or / se`` with one
    observation is ``statsmodels.stats.power.NormalIndPower().power(...,
    ratio=0)``. The cell sizes are the observed ones.

    References
    ----------
    Woolf B. Ann Hum Genet 1955;19:251-253; Brookes ST et al. J Clin
    Epidemiol 2004;57:229-236 (power of subgroup interaction tests).
    """
    nan = float("nan")
    out = {
        "factor": factor,
        "power": nan,
        "power_first": nan,
        "power_second": nan,
        "log_or": nan,
        "note": "",
    }
    cells = _cells(data, factor, outcome, group, arms)
    totals = cells.groupby("arm")[["events", "n"]].sum()
    p_t = totals.loc[arms[0], "events"] / totals.loc[arms[0], "n"]
    p_c = totals.loc[arms[1], "events"] / totals.loc[arms[1], "n"]
    if (cells["n"] == 0).any():
        out["note"] = "a subgroup has no participant in one arm"
        return out
    if not (0 < p_t < 1 and 0 < p_c < 1):
        out["note"] = "an overall remission rate is 0% or 100%"
        return out
    log_or = float(np.log(p_t / (1 - p_t)) - np.log(p_c / (1 - p_c)))
    out["log_or"] = log_or
    levels = list(FACTORS[factor][1].values())
    powers = []
    for effect_level in levels:
        var = 0.0
        for r in cells.itertuples(index=False):
            p = p_t if (r.arm == arms[0] and r.subgroup == effect_level) else p_c
            var += 1.0 / (r.n * p * (1 - p))
        se = float(np.sqrt(var))
        power = NormalIndPower().power(
            effect_size=abs(log_or) / se, nobs1=1, alpha=alpha, ratio=0
        )
        powers.append(float(power))
    out.update(power=max(powers), power_first=powers[0], power_second=powers[1])
    return out


def remission_interactions(
    data: pd.DataFrame, *, factors: tuple[str, ...] = tuple(FACTORS), alpha: float = 0.05
) -> pd.DataFrame:
    """Interaction test and its power, one row per factor.

    Parameters
    ----------
    data : pandas.DataFrame
        Analysis table with ``remission`` (e.g. ``ch.pp``).
    factors : tuple of str
        Keys of :data:`FACTORS`.
    alpha : float
        Two-sided significance level of the power calculation.

    Returns
    -------
    pandas.DataFrame
        Columns of :func:`interaction_test` plus ``power`` (probability),
        ``power_first``, ``power_second``, ``assumed_log_or`` and
        ``power_note``.

    References
    ----------
    See :func:`interaction_test` and :func:`interaction_power`.
    """
    rows = []
    for f in factors:
        t = interaction_test(data, factor=f)
        p = interaction_power(data, factor=f, alpha=alpha)
        t.update(
            power=p["power"],
            power_first=p["power_first"],
            power_second=p["power_second"],
            assumed_log_or=p["log_or"],
            power_note=p["note"],
        )
        rows.append(t)
    return pd.DataFrame(rows)


# --- display ----------------------------------------------------------------------


def remission_display(frame: pd.DataFrame, *, arms: tuple[str, ...] = ARMS) -> pd.DataFrame:
    """A :func:`remission_by_subgroup` result, for display.

    Returns
    -------
    pandas.DataFrame
        Columns ``Subgroup``, one ``<Arm>: remission / n (%)`` column per arm
        and ``Risk difference, points (95% CI)``; strings.
    """
    rows = []
    for r in frame.to_dict("records"):
        row = {"Subgroup": SUBGROUP_LABELS.get(r["subgroup"], r["subgroup"])}
        for a in arms:
            pct = r[f"{a}_pct"]
            shown = f"{pct:.1f}%" if np.isfinite(pct) else "nobody in the subgroup"
            row[f"{LABELS.get(a, a)}: remission / n (%)"] = (
                f"{r[f'{a}_events']} / {r[f'{a}_n']} ({shown})"
            )
        if np.isfinite(r["risk_difference"]):
            row["Risk difference, points (CI)"] = (
                f"{r['risk_difference']:.1f} ({r['ci_low']:.1f} to {r['ci_high']:.1f})"
            )
        else:
            row["Risk difference, points (CI)"] = "not defined (an arm is empty)"
        rows.append(row)
    return pd.DataFrame(rows)


def interaction_sentence(row: dict | pd.Series) -> str:
    """One sentence on an interaction test: test, statistic, n, p or why not.

    Examples
    --------
    >>> interaction_sentence({"estimable": False, "note": "not estimable: x", "n": 9})
    'not estimable: x (n = 9)'
    """
    if not row["estimable"]:
        return f"{row['note']} (n = {int(row['n'])})"
    p = row["pval"]
    shown = p_text(p)
    return (
        f"likelihood-ratio chi-square = {row['statistic']:.2f} on 1 df, {shown} "
        f"(two-sided, n = {int(row['n'])}); ratio of the subgroups' odds ratios "
        f"{row['interaction_or']:.2f}"
    )


def glue_text(ch, res: pd.DataFrame, interactions: pd.DataFrame) -> None:
    """Glue the text pieces of the chapter's prose (not recorded as results).

    Glues ``subgroups.adult_onset_age`` and ``subgroups.alpha`` (settings as
    text), ``<key>.test`` (the test's name) for every p-value key of ``res``,
    ``subgroups.remission.interaction.<factor>.sentence`` (see
    :func:`interaction_sentence`) and ``subgroups.remission.interaction.test``.
    """
    ch.rec.text("subgroups.adult_onset_age", f"{ch.settings.adult_onset_age:g}")
    ch.rec.text("subgroups.alpha", f"{ch.settings.alpha:g}")
    for r in res.loc[res["key"].str.endswith(".pval")].itertuples(index=False):
        ch.rec.text(f"{r.key}.test", r.method)
    for r in interactions.to_dict("records"):
        key = f"subgroups.remission.interaction.{r['factor']}.sentence"
        ch.rec.text(key, interaction_sentence(r))
    if len(interactions):
        ch.rec.text("subgroups.remission.interaction.test", interactions.iloc[0]["test"])


# --- the chapter's results ------------------------------------------------------------


def results(ch) -> pd.DataFrame:
    """Every statistic of the chapter "Subgroups".

    Parameters
    ----------
    ch : ucmsc_repro.book.chapter.Chapter
        Uses ``ch.pp`` (per-protocol set) and ``ch.settings.alpha``; the
        onset subgroups follow ``ch.settings.adult_onset_age`` and remission
        follows the threshold and endpoint month (through the analysis table).

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``value``, ``ci_low``, ``ci_high``, ``method``, ``n``.
        Keys (``<sub>`` is ``adult``, ``juvenile``, ``dk_or_dka`` or
        ``no_dk``; ``<arm>`` is ``msc``/``control``):

        - ``subgroups.<fcp|pcp>_pmol_l.<m0|end|change|pct|ratio>.<sub>.<arm>.<stat>``
          (``mean``, ``sd``, ``sem``, ``median``, ``q1``, ``q3``, ``n``) and
          ``....<sub>.pval``;
        - ``subgroups.remission.<all|sub>.<arm>.<events|n|pct>`` and
          ``subgroups.remission.<all|sub>.risk_difference`` (percentage
          points, Newcombe interval in ``ci_low``/``ci_high``);
        - ``subgroups.remission.interaction.<onset|dk_or_dka>.<pval|statistic|n>``
          and ``.power`` (percent, 0-100).

    References
    ----------
    Lu et al. 2021, Results, Efficacy evaluation; Tables S1 and S2.
    """
    pp = ch.pp
    alpha = ch.settings.alpha
    rows: list[dict] = []
    for f in FACTORS:
        t = cpeptide_by_subgroup(pp, factor=f)
        rows += _comparison_rows(
            lambda r: f"subgroups.{r['measure']}.{r['kind']}.{r['subgroup']}", t
        )
    rem = remission_by_subgroup(pp, alpha=alpha)
    conf = f"{100 * (1 - alpha):g}%"
    for r in rem.to_dict("records"):
        prefix = f"subgroups.remission.{r['subgroup']}"
        for a in ARMS:
            n = r[f"{a}_n"]
            rows.append(result_row(f"{prefix}.{a}.events", r[f"{a}_events"], "count", n))
            rows.append(
                result_row(f"{prefix}.{a}.n", n, "participants with a known outcome", n)
            )
            rows.append(result_row(f"{prefix}.{a}.pct", r[f"{a}_pct"], "percent", n))
        rd = result_row(
            f"{prefix}.risk_difference",
            r["risk_difference"],
            f"difference of percentages, MSC minus control (percentage points), "
            f"{conf} Newcombe hybrid score interval",
            r["n"],
        )
        rd.update(ci_low=r["ci_low"], ci_high=r["ci_high"])
        rows.append(rd)
    inter = remission_interactions(pp, alpha=alpha)
    for r in inter.to_dict("records"):
        prefix = f"subgroups.remission.interaction.{r['factor']}"
        method = r["test"] if r["estimable"] else f"{r['test']}: {r['note']}"
        rows.append(result_row(f"{prefix}.pval", r["pval"], method, r["n"]))
        rows.append(result_row(f"{prefix}.statistic", r["statistic"], method, r["n"]))
        rows.append(
            result_row(f"{prefix}.n", r["n"], "participants with a known outcome", r["n"])
        )
        rows.append(
            result_row(
                f"{prefix}.power",
                100.0 * r["power"],
                "power (percent) of the two-sided Wald test of the interaction at the "
                "chapter's alpha, for an MSC effect of the observed overall odds ratio "
                "confined to one subgroup (the better of the two), observed cell sizes",
                r["n"],
            )
        )
    return results_frame(rows)
