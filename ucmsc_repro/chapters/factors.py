"""Chapter ``factors``: factors associated with remission (the paper's models).

The paper's "Factors associated with the efficacy of clinical remission"
(Results) and Additional file 3, Table S3, and its Figure 4:

* a multivariable logistic regression of remission at the endpoint over the
  whole per-protocol population (the paper: MSC arm OR 4.38, p 0.044; BMI OR
  1.26, p 0.038; baseline fasting C-peptide OR 0.99, p 0.046);
* within the MSC arm, remitters against non-remitters on baseline fasting
  C-peptide, baseline HbA1c and the number of cells infused (Figure 4; fasting
  C-peptide p 0.040);
* within the MSC arm, a forward stepwise logistic regression over those three
  candidates with age, duration, sex and BMI "included and adjusted" (fasting
  C-peptide OR 0.982 (0.966-0.997), p 0.023; cells OR 1.141 (1.017-1.280),
  p 0.025).

The analyses were run in SPSS 22. The models here are maximum-likelihood
logistic regressions with Wald confidence intervals and Wald p-values, which is
what SPSS's ``LOGISTIC REGRESSION`` prints (``Exp(B)``, ``95% C.I. for
EXP(B)``, ``Sig.``); the stepwise procedure follows SPSS's ``Forward: LR``
method (entry by score test, removal by likelihood ratio). The general
statistics are in :mod:`ucmsc_repro.stats.logistic`; the chapter's display
frames and sentences in :mod:`ucmsc_repro.chapters.factors_text`.
"""

from __future__ import annotations

import pandas as pd

from ..core.exceptions import ModelFitError
from ..core.paths import DATA_DIR
from ..core.results_table import results_frame
from ..stats.comparisons import compare_categorical, compare_continuous, describe
from ..stats.logistic import (
    StepwiseResult,
    forced_steps,
    forward_stepwise,
    logit_table,
    min_wald_se,
    missing_table,
    wald_se_from_ci,
)

__all__ = [
    "WHOLE_POPULATION_COVARIATES",
    "MSC_CANDIDATES",
    "MSC_ADJUSTMENT",
    "REMITTER_VARIABLES",
    "RESPONDER_CHARACTERISTICS",
    "whole_population_model",
    "msc_stepwise",
    "remitter_comparison",
    "responder_characteristics",
    "cell_dose",
    "paper_interval",
    "results",
]

#: Covariates of the whole-population model (our reading: the paper does not list
#: them; the MSC-arm model's adjustment set, baseline HbA1c and fasting C-peptide,
#: and the arm).
WHOLE_POPULATION_COVARIATES: tuple[str, ...] = (
    "msc",
    "age_years",
    "male",
    "duration_months",
    "bmi_kg_m2",
    "hba1c_pct_0",
    "fcp_pmol_l_0",
)

#: Candidates of the forward selection in the MSC arm (paper, Results).
MSC_CANDIDATES: tuple[str, ...] = ("fcp_pmol_l_0", "hba1c_pct_0", "msc_cells_total")

#: Potential confounders "included and adjusted" in the MSC-arm model (paper, Results).
MSC_ADJUSTMENT: tuple[str, ...] = ("age_years", "duration_months", "male", "bmi_kg_m2")

#: Variables compared between remitters and non-remitters in the MSC arm (Figure 4).
REMITTER_VARIABLES: tuple[str, ...] = MSC_CANDIDATES

#: Key of the paper's odds ratio for the cells infused in the MSC-arm model
#: (Results: "number of transfused MSCs (OR 1.141(1.017-1.280), P = 0.025)");
#: its interval, read from ``data/paper_claims.csv``, shows which cell-count
#: unit the paper used.
PAPER_CELLS_KEY = "factors.stepwise.msc_cells_total.or"

#: Baseline characteristics the Discussion says did not differ between good and
#: poor responders to MSC: (column, kind).
RESPONDER_CHARACTERISTICS: tuple[tuple[str, str], ...] = (
    ("age_at_onset", "continuous"),
    ("male", "binary"),
    ("dk_or_dka", "binary"),
    ("duration_months", "continuous"),
)


def whole_population_model(
    pp: pd.DataFrame,
    *,
    outcome: str = "remission",
    alpha: float = 0.05,
    errors: str = "raise",
) -> pd.DataFrame:
    """Table S3: remission on arm and baseline characteristics, all participants.

    Parameters
    ----------
    pp : pandas.DataFrame
        The per-protocol set (both arms), with derived variables.
    outcome : str
    alpha : float
        Confidence level ``1 - alpha``.
    errors : {"raise", "missing"}
        When the model cannot be estimated (see :func:`fit_logit`): raise
        :class:`ModelFitError`, or return the table with missing estimates and
        the reason in ``attrs["error"]`` (what the chapter does, so that a
        data set with separation still gives a book that says why).

    Returns
    -------
    pandas.DataFrame
        :func:`logit_table` columns over :data:`WHOLE_POPULATION_COVARIATES`.

    Notes
    -----
    The paper does not list the model's covariates; this is our reading of it
    (see :data:`WHOLE_POPULATION_COVARIATES`).

    References
    ----------
    Lu et al. 2021, Results ("Factors associated with the efficacy of clinical
    remission") and Additional file 3, Table S3.
    """
    if errors not in ("raise", "missing"):
        raise ValueError(f"errors must be 'raise' or 'missing', got {errors!r}")
    try:
        return logit_table(
            pp, outcome=outcome, covariates=WHOLE_POPULATION_COVARIATES, alpha=alpha
        )
    except ModelFitError as err:
        if errors == "raise":
            raise
        return missing_table(pp, outcome, WHOLE_POPULATION_COVARIATES, str(err))


def _msc_arm(pp: pd.DataFrame) -> pd.DataFrame:
    return pp.loc[pp["msc"] == 1].reset_index(drop=True)


def msc_stepwise(
    pp: pd.DataFrame,
    *,
    outcome: str = "remission",
    entry_p: float = 0.05,
    removal_p: float = 0.10,
    alpha: float = 0.05,
    errors: str = "raise",
) -> StepwiseResult:
    """Forward selection in the MSC arm over :data:`MSC_CANDIDATES`.

    :data:`MSC_ADJUSTMENT` (age, duration, sex, BMI) is forced into every model.

    Parameters
    ----------
    pp : pandas.DataFrame
        The per-protocol set; only rows with ``msc == 1`` are used.
    outcome, entry_p, removal_p, alpha
        As :func:`forward_stepwise`.
    errors : {"raise", "missing"}
        When a model of the selection cannot be estimated: raise
        :class:`ModelFitError`, or return a result with nothing selected, a
        final table of missing values and the reason in ``error``.

    Returns
    -------
    StepwiseResult

    References
    ----------
    Lu et al. 2021, Results: "A logistic regression analysis was applied of
    fasting C-peptide, HbA1c, and cell numbers of MSC; meanwhile, potential
    confounders (age, duration, sex, BMI) were included and adjusted.
    According to the step-wise forward selection, ...".
    """
    if errors not in ("raise", "missing"):
        raise ValueError(f"errors must be 'raise' or 'missing', got {errors!r}")
    msc = _msc_arm(pp)
    try:
        return forward_stepwise(
            msc,
            outcome=outcome,
            candidates=MSC_CANDIDATES,
            forced=MSC_ADJUSTMENT,
            entry_p=entry_p,
            removal_p=removal_p,
            alpha=alpha,
        )
    except ModelFitError as err:
        if errors == "raise":
            raise
        final = missing_table(msc, outcome, MSC_ADJUSTMENT, str(err))
        forced_rows = forced_steps(MSC_ADJUSTMENT)
        return StepwiseResult(
            steps=pd.DataFrame(forced_rows),
            final=final,
            selected=(),
            not_selected=pd.DataFrame(columns=["term", "statistic", "pval"]),
            entry_tests=pd.DataFrame(columns=["step", "term", "statistic", "pval"]),
            n=int(final["n"].iloc[0]),
            events=int(final["events"].iloc[0]),
            entry_p=float(entry_p),
            removal_p=float(removal_p),
            error=str(err),
        )


#: Smallest group size for which the two-group tests are run.
MIN_GROUP_N = 2


def _compare(x, y, kind: str) -> dict:
    """The paper's two-group test, or a "not tested" row when a group is too small."""
    a, b = pd.Series(x, dtype=float).dropna(), pd.Series(y, dtype=float).dropna()
    if min(a.size, b.size) < MIN_GROUP_N:
        nan = float("nan")
        return {
            "test": f"not tested (fewer than {MIN_GROUP_N} participants in a group)",
            "statistic": nan,
            "pval": nan,
            "normal": nan,
        }
    if kind == "continuous":
        return compare_continuous(a, b)
    out = compare_categorical(a, b)
    out["normal"] = float("nan")
    return out


def remitter_comparison(
    pp: pd.DataFrame, *, outcome: str = "remission", variables=REMITTER_VARIABLES
) -> pd.DataFrame:
    """Figure 4: MSC recipients who reached remission against those who did not.

    Parameters
    ----------
    pp : pandas.DataFrame
        The per-protocol set; only rows with ``msc == 1`` and a known outcome
        are used.
    outcome : str
    variables : sequence of str
        Default: baseline fasting C-peptide, baseline HbA1c, cells infused.

    Returns
    -------
    pandas.DataFrame
        One row per variable: ``variable``; for each group ``g`` in
        ``remission`` and ``no_remission``: ``n_g``, ``mean_g``, ``sd_g``,
        ``sem_g``; ``diff`` (mean of remitters minus mean of non-remitters),
        ``test`` (name, two-sided), ``statistic``, ``pval``, ``normal``
        (Shapiro-Wilk verdict that chose the test).

    Notes
    -----
    The test is :func:`ucmsc_repro.stats.comparisons.compare_continuous`: Student's
    t test when both groups pass Shapiro-Wilk, else the Mann-Whitney U test,
    as the paper's Statistical analysis describes. With fewer than
    :data:`MIN_GROUP_N` participants in a group, no test is run (``test`` says
    so; ``statistic`` and ``pval`` are missing).

    References
    ----------
    Lu et al. 2021, Results and Figure 4.
    """
    msc = _msc_arm(pp)
    msc = msc.loc[msc[outcome].notna()]
    yes = msc.loc[msc[outcome] == 1]
    no = msc.loc[msc[outcome] == 0]
    rows = []
    for v in variables:
        row = {"variable": v}
        for g, part in (("remission", yes), ("no_remission", no)):
            dsc = describe(part[v])
            row.update(
                {
                    f"n_{g}": dsc["n"],
                    f"mean_{g}": dsc["mean"],
                    f"sd_{g}": dsc["sd"],
                    f"sem_{g}": dsc["sem"],
                }
            )
        cmp = _compare(yes[v], no[v], "continuous")
        row.update(
            diff=row["mean_remission"] - row["mean_no_remission"],
            test=cmp["test"],
            statistic=cmp["statistic"],
            pval=cmp["pval"],
            normal=cmp["normal"],
        )
        rows.append(row)
    return pd.DataFrame(rows)


def responder_characteristics(
    pp: pd.DataFrame, *, outcome: str = "remission", variables=RESPONDER_CHARACTERISTICS
) -> pd.DataFrame:
    """Age at onset, sex, DK/DKA and duration by remission, in the MSC arm.

    Parameters
    ----------
    pp : pandas.DataFrame
        The per-protocol set; only rows with ``msc == 1`` and a known outcome are
        used.
    outcome : str
    variables : sequence of (str, str)
        Column and kind (``"continuous"`` or ``"binary"`` 0/1).

    Returns
    -------
    pandas.DataFrame
        One row per variable: ``variable``, ``kind``, ``n_remission``,
        ``n_no_remission``, ``summary_remission`` and ``summary_no_remission``
        (mean for a continuous variable, percent with value 1 for a binary one),
        ``stat`` (``mean`` or ``pct``), ``test``, ``statistic``, ``pval``.

    Notes
    -----
    Continuous: :func:`ucmsc_repro.stats.comparisons.compare_continuous` (Student's t
    or Mann-Whitney U). Binary: :func:`ucmsc_repro.stats.comparisons.compare_categorical`
    (Pearson's chi-square, or Fisher's exact test when an expected count is
    below 5), all two-sided.

    References
    ----------
    Lu et al. 2021, Discussion: "there was no difference in age of onset,
    gender, occurrence of DKA, or duration of T1D between good and poor
    responders to UC-MSC treatment".
    """
    msc = _msc_arm(pp)
    msc = msc.loc[msc[outcome].notna()]
    yes = msc.loc[msc[outcome] == 1]
    no = msc.loc[msc[outcome] == 0]
    rows = []
    for v, kind in variables:
        a, b = yes[v].dropna().astype(float), no[v].dropna().astype(float)
        if kind not in ("continuous", "binary"):
            raise ValueError(f"kind must be 'continuous' or 'binary', got {kind!r}")
        cmp = _compare(a, b, kind)
        scale, stat = (1.0, "mean") if kind == "continuous" else (100.0, "pct")
        nan = float("nan")
        sa = scale * float(a.mean()) if a.size else nan
        sb = scale * float(b.mean()) if b.size else nan
        rows.append(
            {
                "variable": v,
                "kind": kind,
                "n_remission": int(a.size),
                "n_no_remission": int(b.size),
                "summary_remission": sa,
                "summary_no_remission": sb,
                "stat": stat,
                "test": cmp["test"],
                "statistic": cmp["statistic"],
                "pval": cmp["pval"],
            }
        )
    return pd.DataFrame(rows)


def cell_dose(pp: pd.DataFrame) -> dict:
    """Cells per kg per infusion in the MSC arm, from the cell totals.

    ``msc_cells_total / infusions_received / weight_kg`` (10^6 cells/kg).

    Returns
    -------
    dict
        :func:`ucmsc_repro.stats.comparisons.describe` of the dose (``n``, ``mean``,
        ``sd``, ``min``, ``max``, ...).

    References
    ----------
    Lu et al. 2021, Methods (Interventions): "At each time, 1.0 x 10^6 cells/kg
    was given".
    """
    msc = _msc_arm(pp)
    infusions = msc["infusions_received"].astype(float).where(msc["infusions_received"] > 0)
    dose = msc["msc_cells_total"].astype(float) / infusions / msc["weight_kg"].astype(float)
    return describe(dose)


def paper_interval(key: str = PAPER_CELLS_KEY, *, path=None) -> tuple[float, float]:
    """The confidence interval the paper reports for a result key.

    Read from ``data/paper_claims.csv`` (rows ``<key>.ci_low`` and
    ``<key>.ci_high``).
    """
    path = DATA_DIR / "paper_claims.csv" if path is None else path
    claims = pd.read_csv(path, dtype={"key": str})
    claims = claims.loc[claims["relation"] == "eq"]

    def one(k):
        hit = claims.loc[claims["key"] == k, "reported"]
        if hit.empty:
            raise KeyError(f"{k} is not in {path}")
        return float(hit.iloc[0])

    return one(f"{key}.ci_low"), one(f"{key}.ci_high")


def _model_rows(prefix: str, table: pd.DataFrame, method: str) -> list[dict]:
    error = table.attrs.get("error", "")
    if error:
        method = f"{method}; not estimable: {error}"
    rows = []
    for r in table.to_dict("records"):
        if r["term"] == "const":
            continue
        rows.append(
            {
                "key": f"{prefix}.{r['term']}.or",
                "value": r["odds_ratio"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "method": f"{method}; odds ratio per unit with Wald CI",
                "n": r["n"],
            }
        )
        rows.append(
            {
                "key": f"{prefix}.{r['term']}.pval",
                "value": r["pval"],
                "method": f"{method}; Wald z test (two-sided)",
                "n": r["n"],
            }
        )
    return rows


def results(ch) -> pd.DataFrame:
    """Every statistic of the chapter "Factors associated with remission".

    Parameters
    ----------
    ch : ucmsc_repro.book.chapter.Chapter
        Uses ``ch.pp`` (per-protocol set, remission at the endpoint month with
        the chapter's threshold) and ``ch.settings.alpha`` (confidence level
        ``1 - alpha`` of the odds-ratio intervals).

    Returns
    -------
    pandas.DataFrame
        Columns ``key, value, ci_low, ci_high, method, n``. Keys:
        ``factors.whole.<term>.or`` (CI in ``ci_low``/``ci_high``) and
        ``.pval`` for every covariate of the whole-population model;
        ``factors.whole.model.<n|events|epv>``;
        ``factors.msc_remitters.<var>.<remission|no_remission>.<mean|sd|sem|n>``,
        ``factors.msc_remitters.<var>.<diff|pval>``;
        ``factors.stepwise.<term>.<or|pval>`` for every term of the final model,
        ``factors.stepwise.<candidate>.selected`` (1/0) and
        ``factors.stepwise.<candidate>.pval_score`` (score-test p when it
        entered, or in the final "not in the equation" table),
        ``factors.stepwise.model.<n|events|epv|steps>``;
        ``factors.msc_remitters.<age_at_onset|duration_months>.<g>.mean``,
        ``factors.msc_remitters.<male|dk_or_dka>.<g>.pct`` and their ``.pval``
        (:func:`responder_characteristics`);
        ``factors.msc_cells_per_kg_infusion.msc.<mean|sd|min|max>``;
        ``factors.msc_cells_total.<unit_1e6|unit_1e7>.min_se`` (smallest possible
        Wald SE of the cells coefficient per 10^6 and per 10^7 cells),
        ``factors.msc_cells_total.paper.implied_se`` (SE implied by the paper's
        interval), ``factors.msc_cells_total.msc.sd`` and, when the cells are
        selected, ``factors.stepwise.msc_cells_total.se``.

    References
    ----------
    Lu et al. 2021, Results, Figure 4 and Additional file 3 (Table S3).
    """
    alpha = ch.settings.alpha
    pp = ch.pp
    rows: list[dict] = []

    whole = whole_population_model(pp, alpha=alpha, errors="missing")
    rows += _model_rows(
        "factors.whole", whole, "multivariable logistic regression (maximum likelihood)"
    )
    n_whole, ev_whole = int(whole["n"].iloc[0]), int(whole["events"].iloc[0])
    rows += [
        {
            "key": "factors.whole.model.n",
            "value": n_whole,
            "method": "complete cases",
            "n": n_whole,
        },
        {
            "key": "factors.whole.model.events",
            "value": ev_whole,
            "method": "remissions",
            "n": n_whole,
        },
        {
            "key": "factors.whole.model.epv",
            "value": min(ev_whole, n_whole - ev_whole) / len(WHOLE_POPULATION_COVARIATES),
            "method": "events per variable: smaller outcome count / number of covariates",
            "n": n_whole,
        },
    ]

    cmp = remitter_comparison(pp)
    for r in cmp.to_dict("records"):
        base = f"factors.msc_remitters.{r['variable']}"
        n_both = r["n_remission"] + r["n_no_remission"]
        for g in ("remission", "no_remission"):
            for stat in ("mean", "sd", "sem", "n"):
                rows.append(
                    {
                        "key": f"{base}.{g}.{stat}",
                        "value": r[f"{stat}_{g}"],
                        "method": {"n": "count", "mean": "arithmetic mean"}.get(
                            stat, "standard deviation (ddof=1)" if stat == "sd" else "SEM"
                        ),
                        "n": r[f"n_{g}"],
                    }
                )
        rows.append(
            {
                "key": f"{base}.diff",
                "value": r["diff"],
                "method": "mean of remitters minus mean of non-remitters",
                "n": n_both,
            }
        )
        rows.append(
            {"key": f"{base}.pval", "value": r["pval"], "method": r["test"], "n": n_both}
        )

    sw = msc_stepwise(pp, alpha=alpha, errors="missing")
    rows += _model_rows(
        "factors.stepwise",
        sw.final,
        "forward stepwise logistic regression (SPSS Forward: LR), final model",
    )
    entered = sw.steps.loc[sw.steps["action"] == "enter"]
    for c in MSC_CANDIDATES:
        rows.append(
            {
                "key": f"factors.stepwise.{c}.selected",
                "value": float("nan") if sw.error else int(c in sw.selected),
                "method": "1 = in the final model of the forward selection",
                "n": sw.n,
            }
        )
        if sw.error:
            p = float("nan")
        elif c in sw.selected:
            p = float(entered.loc[entered["term"] == c, "pval"].iloc[-1])
        else:
            p = float(sw.not_selected.loc[sw.not_selected["term"] == c, "pval"].iloc[0])
        rows.append(
            {
                "key": f"factors.stepwise.{c}.pval_score",
                "value": p,
                "method": "score (Rao) chi-square test (1 df), at entry or at the end",
                "n": sw.n,
            }
        )
    n_terms = len(MSC_ADJUSTMENT) + len(sw.selected)
    rows += [
        {
            "key": "factors.stepwise.model.n",
            "value": sw.n,
            "method": "complete cases",
            "n": sw.n,
        },
        {
            "key": "factors.stepwise.model.events",
            "value": sw.events,
            "method": "remissions",
            "n": sw.n,
        },
        {
            "key": "factors.stepwise.model.epv",
            "value": min(sw.events, sw.n - sw.events) / n_terms,
            "method": "events per variable of the final model",
            "n": sw.n,
        },
        {
            "key": "factors.stepwise.model.steps",
            "value": int((sw.steps["action"] != "forced").sum()),
            "method": "entries and removals",
            "n": sw.n,
        },
    ]

    for r in responder_characteristics(pp).to_dict("records"):
        base = f"factors.msc_remitters.{r['variable']}"
        for g in ("remission", "no_remission"):
            rows.append(
                {
                    "key": f"{base}.{g}.{r['stat']}",
                    "value": r[f"summary_{g}"],
                    "method": "arithmetic mean" if r["stat"] == "mean" else "percent",
                    "n": r[f"n_{g}"],
                }
            )
        rows.append(
            {
                "key": f"{base}.pval",
                "value": r["pval"],
                "method": r["test"],
                "n": r["n_remission"] + r["n_no_remission"],
            }
        )

    dose = cell_dose(pp)
    for stat in ("mean", "sd", "min", "max"):
        rows.append(
            {
                "key": f"factors.msc_cells_per_kg_infusion.msc.{stat}",
                "value": dose[stat],
                "method": "10^6 cells/kg per infusion: cells total / infusions / weight",
                "n": dose["n"],
            }
        )

    msc = _msc_arm(pp)
    used = msc[["remission", *MSC_ADJUSTMENT, *MSC_CANDIDATES]].astype(float).dropna()
    cells = used["msc_cells_total"]
    rows += [
        {
            "key": "factors.msc_cells_total.msc.sd",
            "value": describe(cells)["sd"],
            "method": "standard deviation (ddof=1), 10^6 cells, stepwise analysis cases",
            "n": int(cells.size),
        },
        {
            "key": "factors.msc_cells_total.unit_1e6.min_se",
            "value": min_wald_se(cells),
            "method": "lower bound 2/sqrt(sum of squares) of the Wald SE, per 10^6 cells",
            "n": int(cells.size),
        },
        {
            "key": "factors.msc_cells_total.unit_1e7.min_se",
            "value": min_wald_se(cells / 10.0),
            "method": "lower bound 2/sqrt(sum of squares) of the Wald SE, per 10^7 cells",
            "n": int(cells.size),
        },
        {
            "key": "factors.msc_cells_total.paper.implied_se",
            "value": wald_se_from_ci(*paper_interval(PAPER_CELLS_KEY), level=0.95),
            "method": "SE of log(OR) implied by the paper's 95% Wald CI (paper_claims.csv)",
        },
    ]
    if "msc_cells_total" in sw.selected:
        se = float(sw.final.set_index("term").loc["msc_cells_total", "se"])
        rows.append(
            {
                "key": "factors.stepwise.msc_cells_total.se",
                "value": se,
                "method": "Wald SE of the log odds ratio per 10^6 cells, final model",
                "n": sw.n,
            }
        )
    out = results_frame(rows)
    out["value"] = out["value"].astype(float)
    return out
