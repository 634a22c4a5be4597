"""Chapter: confounding and other reasonable choices (robustness of the primary endpoint).

Participants chose their arm ("participants consenting to receive UC-MSC
therapy were assigned to the intervention group"), and the paper's remission
definition (a 10% rise in fasting and/or postprandial C-peptide at month 12,
per protocol) is one of many defensible ones. This chapter asks:

1. *Confounding.* Does the per-protocol comparison survive weighting by a
   propensity score of the measured baseline covariates (overlap weights and
   inverse-probability weights), and how strong would an unmeasured
   confounder have to be to explain it away (E-values)?
2. *Definitions.* How does the risk difference move with the threshold
   (0% to 50%), with fasting-only, postprandial-only and both-rise
   definitions, at month 6 and 12, and with partial remission by IDAA1c?
3. *Multiverse.* Over every combination of analysis set, definition,
   threshold, month, test and adjustment, how many specifications give
   p below alpha?

Display frames and sentences are in :mod:`ucmsc_repro.chapters.confounding_text`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..core.results_table import result_row, results_frame
from ..stats import evalue as ev
from ..stats import imputation as mi
from ..stats import propensity as ps
from ..stats import small_sample as ss
from ..stats import specification_curve as sc
from . import dropouts

__all__ = [
    "COVARIATES",
    "DEFINITIONS",
    "WEIGHTINGS",
    "CURVE_THRESHOLDS",
    "MULTIVERSE_THRESHOLDS",
    "MULTIVERSE_MONTHS",
    "MULTIVERSE_IMPUTATIONS",
    "IDAA1C_CUTOFF",
    "remission",
    "propensity",
    "weights",
    "balance",
    "weighted_analysis",
    "evalue_table",
    "threshold_curve",
    "definitions_table",
    "idaa1c",
    "idaa1c_table",
    "multiverse",
    "multiverse_options",
    "results",
    "month_key",
]

#: Baseline covariates of the propensity score: analysis-table column -> label.
COVARIATES: dict[str, str] = {
    "age_years": "Age, years",
    "male": "Male sex",
    "duration_months": "Diabetes duration, months",
    "bmi_kg_m2": "BMI, kg/m²",
    "hba1c_pct_0": "HbA1c, %",
    "fcp_pmol_l_0": "Fasting C-peptide, pmol/L",
    "insulin_iu_kg_day_0": "Daily insulin dose, IU/kg/day",
}

#: Remission definitions: key -> label.
DEFINITIONS: dict[str, str] = {
    "either": "fasting and/or postprandial (the paper's)",
    "fasting": "fasting only",
    "postprandial": "postprandial only",
    "both": "fasting and postprandial",
}

#: Weightings of the confounding analysis: key -> method name in results.csv.
WEIGHTINGS: dict[str, str] = {
    "unweighted": "unweighted (crude)",
    "overlap": "overlap weights",
    "ipw": "inverse probability weights",
}

#: Thresholds of the threshold curve: 0% to 50% in steps of 1%.
CURVE_THRESHOLDS: tuple[float, ...] = tuple(k / 100 for k in range(51))
#: Thresholds, months and imputations of the multiverse.
MULTIVERSE_THRESHOLDS: tuple[float, ...] = (0.0, 0.10, 0.20, 0.30, 0.40, 0.50)
MULTIVERSE_MONTHS: tuple[float, ...] = (6.0, 12.0)
MULTIVERSE_IMPUTATIONS = 20
MULTIVERSE_SEED = 20210101

#: Partial remission: IDAA1c = HbA1c (%) + 4 x insulin dose (IU/kg/day) <= 9.
IDAA1C_CUTOFF = 9.0

_THRESHOLD_TOL = 1e-9  # as data.derive: a rise of exactly 10% counts
_NAN = float("nan")

SET_LABELS = {
    "pp": "per protocol",
    "itt_nonremit": "ITT, dropouts as non-remitters",
    "itt_imputed": "ITT, multiple imputation",
}
ADJUSTMENT_LABELS = {"none": "none", "overlap": "overlap weights"}
TEST_LABELS = {
    "chi2": "Pearson chi-square",
    "fisher": "Fisher exact",
    "mn": "Miettinen-Nurminen score",
    "wald_hc0": "sandwich (HC0) Wald z",
    "rubin": "Rubin's rules t",
}


def month_key(month: float) -> str:
    """``m12`` for month 12, ``m1_5`` for month 1.5 (a key part without dots)."""
    return "m" + f"{float(month):g}".replace(".", "_")


def _threshold_key(threshold: float) -> str:
    return f"t{round(100 * threshold):02d}"


def _cache(ch) -> dict:
    """Per-chapter memo, so that results, displays and figures compute once."""
    key = (id(ch.table), repr(ch.settings))
    store = getattr(ch, "_confounding_cache", None)
    if store is None or store.get("_key") != key:
        store = {"_key": key}
        ch._confounding_cache = store
    return store


def _memo(ch, name, fn):
    store = _cache(ch)
    if name not in store:
        store[name] = fn()
    return store[name]


# ------------------------------------------------------------------ outcomes


def _ratios(ch, month: float) -> tuple[np.ndarray, np.ndarray]:
    """Relative change from baseline of fasting and postprandial C-peptide at ``month``."""

    def compute():
        t = ch.table
        v = ch.data.visits
        at = v.loc[np.isclose(v["month"].astype(float), float(month))]
        at = at.drop_duplicates("subject_id").set_index("subject_id")
        out = []
        for m in ("fcp_pmol_l", "pcp_pmol_l"):
            base = t[f"{m}_0"].astype(float).to_numpy()
            later = at[m].reindex(t["subject_id"]).astype(float).to_numpy()
            with np.errstate(divide="ignore", invalid="ignore"):
                out.append(np.where(base != 0, (later - base) / base, np.nan))
        return tuple(out)

    return _memo(ch, f"ratios_{float(month)!r}", compute)


def remission(ch, *, month: float, threshold: float, definition: str = "either"):
    """Remission of every enrolled participant under another definition.

    Parameters
    ----------
    ch : Chapter
        ``ch.table`` (baseline C-peptides ``fcp_pmol_l_0``, ``pcp_pmol_l_0``)
        and ``ch.data.visits``.
    month : float
        Visit month of the endpoint.
    threshold : float
        Relative rise counted as remission (0.10 = 10%).
    definition : {"either", "fasting", "postprandial", "both"}
        Which C-peptide must rise by ``threshold``: either (the paper's), the
        fasting one, the postprandial one, or both.

    Returns
    -------
    pandas.Series of float
        1, 0 or NaN (a value needed is missing), aligned with ``ch.table``.
        With ``definition="either"`` at the settings' month and threshold this
        is ``ch.table["remission"]`` (the derivation of
        :func:`ucmsc_repro.data.derive.analysis_table`, same tolerance).
    """
    if definition not in DEFINITIONS:
        raise ValueError(f"definition must be one of {sorted(DEFINITIONS)}")
    hits = []
    for ratio in _ratios(ch, month):
        with np.errstate(invalid="ignore"):
            hit = (ratio >= threshold * (1 - _THRESHOLD_TOL)) * 1.0
        hits.append(np.where(np.isnan(ratio), np.nan, hit))
    f, p = hits
    if definition == "fasting":
        out = f
    elif definition == "postprandial":
        out = p
    elif definition == "either":
        out = np.where((f == 1) | (p == 1), 1.0, np.where((f == 0) & (p == 0), 0.0, np.nan))
    else:
        out = np.where((f == 1) & (p == 1), 1.0, np.where((f == 0) | (p == 0), 0.0, np.nan))
    return pd.Series(out, index=ch.table.index, name="remission")


def _counts(msc, y) -> tuple[int, int, int, int]:
    """Events and participants with a known outcome, MSC then control (numpy)."""
    msc = np.asarray(msc, dtype=bool)
    y = np.asarray(y, dtype=float)
    known = ~np.isnan(y)
    a, c = known & msc, known & ~msc
    return int(y[a].sum()), int(a.sum()), int(y[c].sum()), int(c.sum())


def _pearson_pval(x1: int, n1: int, x2: int, n2: int) -> float:
    """Pearson's chi-square p of a 2x2 table, N (ad - bc)^2 / (r1 r2 c1 c2), 1 df.

    The closed form of ``scipy.stats.chi2_contingency(table, correction=False)``
    (tested equal); NaN when a margin is 0 (the statistic is not defined).
    """
    from scipy import stats

    a, b, c, d = x1, n1 - x1, x2, n2 - x2
    n = n1 + n2
    denom = float(n1) * n2 * (a + c) * (b + d)
    if denom == 0:
        return _NAN
    return float(stats.chi2.sf(n * (a * d - b * c) ** 2 / denom, 1))


# ------------------------------------------------------------------ confounding


def _population(ch, population: str) -> pd.Series:
    t = ch.table
    if population == "pp":
        return t["per_protocol"].astype(bool)
    if population == "itt":
        return pd.Series(True, index=t.index)
    raise ValueError(f"population must be 'pp' or 'itt', got {population!r}")


def propensity(ch, population: str = "pp") -> dict:
    """The propensity score of receiving MSC in a population (``pp`` or ``itt``).

    Returns the dict of :func:`ucmsc_repro.stats.propensity.propensity_score`
    plus ``mask`` (boolean Series over ``ch.table``: who is in the population)
    and ``n``.
    """

    def fit():
        mask = _population(ch, population)
        sub = ch.table.loc[mask]
        res = ps.propensity_score(sub, treatment="msc", covariates=list(COVARIATES))
        return res | {"mask": mask, "n": int(mask.sum())}

    return _memo(ch, f"ps_{population}", fit)


def weights(ch, population: str = "pp", kind: str = "overlap") -> pd.Series:
    """Balancing weights over ``ch.table`` (NaN outside the population or without score)."""
    fit = propensity(ch, population)
    w = pd.Series(np.nan, index=ch.table.index)
    sub = ch.table.loc[fit["mask"]]
    w.loc[fit["mask"]] = ps.balancing_weights(fit["score"], sub["msc"], kind=kind)
    return w


def _weights_ok(fit: dict) -> str:
    """Empty when weighting can go ahead, else why not (in words)."""
    return fit["note"]


def balance(ch, population: str = "pp") -> pd.DataFrame:
    """SMDs of each covariate before and after overlap and inverse-probability weighting.

    Columns ``covariate``, ``label``, ``smd_unweighted``, ``smd_overlap``,
    ``smd_ipw`` (NaN after weighting when the score could not be used).
    """
    fit = propensity(ch, population)
    sub = ch.table.loc[fit["mask"]]
    ok = not _weights_ok(fit)
    w = {
        k: (weights(ch, population, k).loc[fit["mask"]].to_numpy() if ok else None)
        for k in ("overlap", "ipw")
    }
    tab = ps.balance_table(
        sub,
        treatment="msc",
        covariates=list(COVARIATES),
        weights={
            k: (v if v is not None else np.full(len(sub), np.nan)) for k, v in w.items()
        },
    )
    tab.insert(1, "label", tab["covariate"].map(COVARIATES))
    return tab


def weighted_analysis(ch) -> pd.DataFrame:
    """Crude, overlap-weighted and IPW risk difference and risk ratio, per protocol.

    The outcome is the chapter's remission (``ch.table["remission"]``: the
    settings' month and threshold); weights from the propensity score of the
    per-protocol set.

    Returns
    -------
    pandas.DataFrame
        One row per weighting (``unweighted``, ``overlap``, ``ipw``), the
        columns of :func:`ucmsc_repro.stats.propensity.weighted_effects`
        plus ``weighting``.
    """

    def compute():
        fit = propensity(ch, "pp")
        t = ch.table.loc[fit["mask"]]
        rows = []
        for kind in WEIGHTINGS:
            if kind != "unweighted" and _weights_ok(fit):
                r = ps.weighted_effects([], [], None) | {"note": fit["note"]}
            else:
                w = None if kind == "unweighted" else weights(ch, "pp", kind).loc[t.index]
                r = ps.weighted_effects(
                    t["remission"], t["msc"], w, alpha=ch.settings.alpha
                )
            rows.append({"weighting": kind, **r})
        return pd.DataFrame(rows)

    return _memo(ch, "weighted", compute)


def evalue_table(ch) -> pd.DataFrame:
    """E-values of each risk ratio of :func:`weighted_analysis`.

    Columns ``weighting``, ``rr``, ``rr_ci_low``, ``rr_ci_high``, ``point``,
    ``ci``, ``limit``, ``includes_null``, ``note``.
    """
    rows = []
    for r in weighted_analysis(ch).itertuples():
        e = ev.evalues(r.rr, r.rr_ci_low, r.rr_ci_high)
        rows.append(
            {
                "weighting": r.weighting,
                "rr": r.rr,
                "rr_ci_low": r.rr_ci_low,
                "rr_ci_high": r.rr_ci_high,
                **e,
                "note": r.note or e["note"],
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ definitions


def _table_tests(ch, counts: tuple[int, int, int, int]) -> dict:
    """MN interval and test, Pearson and Fisher p of one 2x2 table (memoised)."""
    store = _memo(ch, "tables", dict)
    if counts not in store:
        mn = ss.mn_interval(*counts, alpha=ch.settings.alpha)
        store[counts] = {
            "mn": mn,
            "chi2": _pearson_pval(*counts),
            "fisher": ss.fisher_test(*counts)["pval"],
        }
    return store[counts]


def _mn_row(ch, msc, y) -> dict:
    counts = _counts(msc, y)
    x1, n1, x2, n2 = counts
    return {"x1": x1, "n1": n1, "x2": x2, "n2": n2, **_table_tests(ch, counts)["mn"]}


def threshold_curve(ch) -> pd.DataFrame:
    """Per-protocol risk difference (MN score interval and test) at every threshold.

    Thresholds :data:`CURVE_THRESHOLDS` (0% to 50%), the paper's definition
    (fasting and/or postprandial) at the settings' endpoint month.

    Returns
    -------
    pandas.DataFrame
        Columns ``threshold``, ``x1``, ``n1``, ``x2``, ``n2``, ``estimate``,
        ``ci_low``, ``ci_high``, ``pval``, ``note``.
    """

    def compute():
        pp = ch.table["per_protocol"].to_numpy(dtype=bool)
        msc = ch.table["arm"].eq("MSC").to_numpy()[pp]
        month = ch.settings.endpoint_month
        rows = []
        for thr in CURVE_THRESHOLDS:
            y = remission(ch, month=month, threshold=thr).to_numpy()[pp]
            rows.append({"threshold": thr, **_mn_row(ch, msc, y)})
        return pd.DataFrame(rows)

    return _memo(ch, "threshold", compute)


def _definition_months(ch) -> list[float]:
    return sorted({*MULTIVERSE_MONTHS, float(ch.settings.endpoint_month)})


def definitions_table(ch) -> pd.DataFrame:
    """Per-protocol risk difference under each definition at months 6 and 12.

    At the settings' threshold; also at the settings' endpoint month when it
    is neither 6 nor 12. Columns ``definition``, ``month``, then as
    :func:`threshold_curve`.
    """

    def compute():
        pp = ch.table["per_protocol"].to_numpy(dtype=bool)
        msc = ch.table["arm"].eq("MSC").to_numpy()[pp]
        rows = []
        for month in _definition_months(ch):
            for d in DEFINITIONS:
                y = remission(
                    ch, month=month, threshold=ch.settings.remission_threshold, definition=d
                ).to_numpy()[pp]
                rows.append({"definition": d, "month": month, **_mn_row(ch, msc, y)})
        return pd.DataFrame(rows)

    return _memo(ch, "definitions", compute)


def idaa1c(visits: pd.DataFrame) -> pd.Series:
    """Insulin-dose-adjusted HbA1c: HbA1c (%) + 4 x insulin dose (IU/kg/day).

    NaN where either value is missing.

    References
    ----------
    Mortensen HB, Hougaard P, Swift P, et al. New definition for the partial
    remission period in childhood-onset type 1 diabetes. Diabetes Care
    2009;32:1384-90.

    Examples
    --------
    >>> v = pd.DataFrame({"hba1c_pct": [6.5, 7.0], "insulin_iu_kg_day": [0.5, 0.6]})
    >>> idaa1c(v).tolist()
    [8.5, 9.4]
    """
    return visits["hba1c_pct"].astype(float) + 4.0 * visits["insulin_iu_kg_day"].astype(
        float
    )


def idaa1c_table(ch) -> pd.DataFrame:
    """Partial remission (IDAA1c <= 9) at every visit month, by arm, all enrolled.

    Everyone with both HbA1c and insulin dose at the visit counts (completers
    and dropouts before they left). Columns ``month``, ``x1``, ``n1``,
    ``x2``, ``n2`` (MSC, control), ``pct1``, ``pct2``, ``pval`` (Fisher exact)
    and ``note``.
    """

    def compute():
        v = ch.data.visits.copy()
        v["idaa1c"] = idaa1c(v)
        arm = ch.table.set_index("subject_id")["arm"]
        v["arm"] = v["subject_id"].map(arm)
        v = v.loc[v["idaa1c"].notna() & v["arm"].notna()]
        rows = []
        for month in sorted(ch.data.visits["month"].astype(float).unique()):
            at = v.loc[np.isclose(v["month"].astype(float), month)]
            y = (at["idaa1c"] <= IDAA1C_CUTOFF).astype(float)
            x1, n1, x2, n2 = _counts(at["arm"].eq("MSC"), y)
            f = ss.fisher_test(x1, n1, x2, n2)
            rows.append(
                {
                    "month": month,
                    "x1": x1,
                    "n1": n1,
                    "x2": x2,
                    "n2": n2,
                    "pct1": 100 * x1 / n1 if n1 else _NAN,
                    "pct2": 100 * x2 / n2 if n2 else _NAN,
                    "pval": f["pval"],
                    "note": f["note"],
                }
            )
        return pd.DataFrame(
            rows, columns=["month", "x1", "n1", "x2", "n2", "pct1", "pct2", "pval", "note"]
        )

    return _memo(ch, "idaa1c", compute)


# ------------------------------------------------------------------ multiverse


def _imputation_inputs(ch) -> tuple[pd.DataFrame, list[str]]:
    """The dropouts chapter's imputation frame and its usable covariates."""
    frame = dropouts.imputation_frame(ch)
    cov = [
        c
        for c in dropouts.MI_COVARIATES
        if frame[c].notna().any() and frame[c].nunique(dropna=True) > 1
    ]
    return frame, cov


def _z_test(rd: float, var: float, alpha: float) -> dict:
    from scipy import stats

    if not (math.isfinite(rd) and math.isfinite(var)) or var <= 0:
        return {"estimate": rd, "note": "no variability: no test"}
    se = math.sqrt(var)
    z = stats.norm.ppf(1 - alpha / 2)
    return {
        "estimate": rd,
        "ci_low": rd - z * se,
        "ci_high": rd + z * se,
        "pval": float(2 * stats.norm.sf(abs(rd) / se)),
    }


def _complete_data(ch, msc, y, test: str, w=None) -> dict:
    """One specification on complete data (numpy; no missing outcome in ``y``)."""
    counts = _counts(msc, y)
    x1, n1, x2, n2 = counts
    n = n1 + n2
    if n1 == 0 or n2 == 0:
        return {"n": n, "note": "an arm has no participant with a known outcome"}
    if test == "wald_hc0":
        rd, var = ps.weighted_risk_difference(y, msc.astype(float), w)
        return _z_test(float(rd[0]), float(var[0]), ch.settings.alpha) | {"n": n}
    tests = _table_tests(ch, counts)
    mn = tests["mn"]
    out = {"estimate": mn["estimate"], "ci_low": mn["ci_low"], "ci_high": mn["ci_high"]}
    return out | {"pval": float(mn["pval"] if test == "mn" else tests[test]), "n": n}


def _imputations(ch, frame, cov, y: np.ndarray) -> np.ndarray:
    """m imputed outcome vectors (columns), memoised by the outcome vector."""
    store = _memo(ch, "imputations", dict)
    key = np.nan_to_num(y, nan=-1).astype(np.int8).tobytes()
    if key not in store:
        f = frame.copy()
        f["remission"] = y
        imps = mi.impute_logreg(
            f,
            outcome="remission",
            arm="arm",
            covariates=cov,
            treated="MSC",
            m=MULTIVERSE_IMPUTATIONS,
            seed=MULTIVERSE_SEED,
        )
        store[key] = np.column_stack([s.to_numpy(float) for s in imps])
    return store[key]


def _imputed(ch, frame, cov, msc, y, w=None) -> dict:
    """ITT by multiple imputation of the missing outcomes (Rubin's rules)."""
    known = ~np.isnan(y)
    n = y.size
    if known[msc].sum() == 0 or known[~msc].sum() == 0:
        return {"n": n, "note": "an arm has no participant with a known outcome"}
    ymat = _imputations(ch, frame, cov, y)
    rd, var = ps.weighted_risk_difference(ymat, msc.astype(float), w)
    pooled = mi.rubin_pool(rd, var, df_complete=n - 2, alpha=ch.settings.alpha)
    return {k: pooled[k] for k in ("estimate", "ci_low", "ci_high", "pval")} | {
        "n": n,
        "note": pooled["note"],
    }


def _multiverse_specs() -> pd.DataFrame:
    tests = {
        ("pp", "none"): ("chi2", "fisher", "mn"),
        ("pp", "overlap"): ("wald_hc0",),
        ("itt_nonremit", "none"): ("chi2", "fisher", "mn"),
        ("itt_nonremit", "overlap"): ("wald_hc0",),
        ("itt_imputed", "none"): ("rubin",),
        ("itt_imputed", "overlap"): ("rubin",),
    }
    grid = sc.specifications(
        {
            "month": list(MULTIVERSE_MONTHS),
            "definition": list(DEFINITIONS),
            "threshold": list(MULTIVERSE_THRESHOLDS),
        }
    )
    rows = [
        g | {"analysis_set": s, "adjustment": a, "test": t}
        for g in grid.to_dict("records")
        for (s, a), ts in tests.items()
        for t in ts
    ]
    return pd.DataFrame(rows)[
        ["analysis_set", "definition", "threshold", "month", "test", "adjustment"]
    ]


def multiverse_options() -> dict:
    """Each choice of the multiverse and its options, in the order they are shown."""
    specs = _multiverse_specs()
    return {c: list(pd.unique(specs[c])) for c in specs.columns}


def multiverse(ch) -> pd.DataFrame:
    """The specification curve: every specification's risk difference, sorted.

    Choices: analysis set (per protocol; ITT with dropouts as non-remitters;
    ITT with the missing outcomes imputed, m = :data:`MULTIVERSE_IMPUTATIONS`,
    the dropouts chapter's imputation model), definition
    (:data:`DEFINITIONS`), threshold (:data:`MULTIVERSE_THRESHOLDS`), month
    (:data:`MULTIVERSE_MONTHS`), test (chi-square, Fisher, Miettinen-Nurminen
    for the unweighted complete-data analyses; a sandwich Wald z test for the
    weighted ones; Rubin's rules after imputation) and adjustment (none,
    overlap weights from the propensity score of the analysis set).

    Returns
    -------
    pandas.DataFrame
        The output of
        :func:`ucmsc_repro.stats.specification_curve.run_specifications`:
        the choice columns, ``estimate`` (risk difference, MSC minus control,
        a proportion), ``ci_low``, ``ci_high``, ``pval``, ``n``, ``note``,
        ``rank``.
    """

    def compute():
        t = ch.table
        pp = t["per_protocol"].to_numpy(dtype=bool)
        msc = t["arm"].eq("MSC").to_numpy()
        fits = {"pp": propensity(ch, "pp"), "itt": propensity(ch, "itt")}
        w = {
            s: (None if fits[s]["note"] else weights(ch, s).to_numpy())
            for s in ("pp", "itt")
        }
        frame, cov = _imputation_inputs(ch)

        def analysis(analysis_set, definition, threshold, month, test, adjustment):
            y = remission(
                ch, month=month, threshold=threshold, definition=definition
            ).to_numpy()
            pop = "pp" if analysis_set == "pp" else "itt"
            if adjustment == "overlap" and w[pop] is None:
                return {"note": fits[pop]["note"]}
            wa = w[pop] if adjustment == "overlap" else None
            if analysis_set == "pp":
                keep = pp & ~np.isnan(y)
                return _complete_data(
                    ch, msc[keep], y[keep], test, None if wa is None else wa[keep]
                )
            if analysis_set == "itt_nonremit":
                return _complete_data(ch, msc, np.nan_to_num(y, nan=0.0), test, wa)
            return _imputed(ch, frame, cov, msc, y, wa)

        return sc.run_specifications(_multiverse_specs(), analysis)

    return _memo(ch, "multiverse", compute)


# ------------------------------------------------------------------ results


def results(ch) -> pd.DataFrame:
    """Every statistic of the chapter, one row per key ``confounding.<...>``.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``value``, ``ci_low``, ``ci_high``, ``method``,
        ``n``. Risk differences are MSC minus control, as proportions.
    """
    rows = []
    fit = propensity(ch, "pp")
    ps_method = "propensity score (logistic regression)"
    rows += [
        result_row("confounding.ps.n", fit["n"], "count"),
        result_row("confounding.ps.n_covariates", len(fit["used"]), ps_method),
        result_row("confounding.ps.c_statistic", fit["c_statistic"], ps_method, n=fit["n"]),
    ]
    bal = balance(ch).set_index("covariate")
    for kind, method in (
        ("unweighted", "standardized mean difference"),
        ("overlap", "overlap weights"),
        ("ipw", "inverse probability weights"),
    ):
        col = bal[f"smd_{kind}"]
        for cov, v in col.items():
            rows.append(
                result_row(f"confounding.balance.{cov}.smd_{kind}", v, method, n=fit["n"])
            )
        finite = col.abs().dropna()
        rows.append(
            result_row(
                f"confounding.balance.max_abs_smd_{kind}",
                finite.max() if len(finite) else None,
                method,
                n=fit["n"],
            )
        )
    for r in weighted_analysis(ch).itertuples():
        k, method = f"confounding.{r.weighting}", WEIGHTINGS[r.weighting]
        rows += [
            result_row(f"{k}.risk_msc", r.risk1, method, n=r.n1),
            result_row(f"{k}.risk_control", r.risk0, method, n=r.n0),
            result_row(f"{k}.rd", r.rd, method, n=r.n, ci=(r.rd_ci_low, r.rd_ci_high)),
            result_row(f"{k}.pval_rd", r.rd_pval, method, n=r.n),
            result_row(f"{k}.rr", r.rr, method, n=r.n, ci=(r.rr_ci_low, r.rr_ci_high)),
            result_row(f"{k}.pval_rr", r.rr_pval, method, n=r.n),
            result_row(f"{k}.ess_msc", r.ess1, method, n=r.n1),
            result_row(f"{k}.ess_control", r.ess0, method, n=r.n0),
        ]
    ev_method = "E-value (VanderWeele and Ding 2017)"
    for r in evalue_table(ch).itertuples():
        rows += [
            result_row(f"confounding.evalue.{r.weighting}.point", r.point, ev_method),
            result_row(f"confounding.evalue.{r.weighting}.ci", r.ci, ev_method),
        ]
    for r in threshold_curve(ch).itertuples():
        k = f"confounding.threshold.{_threshold_key(r.threshold)}"
        method = "Miettinen-Nurminen score, per protocol"
        rows += [
            result_row(
                f"{k}.rd", r.estimate, method, n=r.n1 + r.n2, ci=(r.ci_low, r.ci_high)
            ),
            result_row(f"{k}.pval_mn", r.pval, method, n=r.n1 + r.n2),
        ]
    curve = threshold_curve(ch)
    tested = curve["pval"].notna()
    favour = tested & (curve["pval"] < ch.settings.alpha) & (curve["estimate"] > 0)
    rows.append(
        result_row(
            "confounding.threshold.share_significant",
            favour.sum() / tested.sum() if tested.any() else None,
            "share of thresholds with p < alpha in favour of MSC",
            n=int(tested.sum()),
        )
    )
    for r in definitions_table(ch).itertuples():
        k = f"confounding.definition.{r.definition}.{month_key(r.month)}"
        method = "Miettinen-Nurminen score, per protocol"
        rows += [
            result_row(f"{k}.msc.events", r.x1, "count"),
            result_row(f"{k}.msc.n", r.n1, "count"),
            result_row(f"{k}.control.events", r.x2, "count"),
            result_row(f"{k}.control.n", r.n2, "count"),
            result_row(
                f"{k}.rd", r.estimate, method, n=r.n1 + r.n2, ci=(r.ci_low, r.ci_high)
            ),
            result_row(f"{k}.pval_mn", r.pval, method, n=r.n1 + r.n2),
        ]
    for r in idaa1c_table(ch).itertuples():
        k = f"confounding.idaa1c.{month_key(r.month)}"
        rows += [
            result_row(f"{k}.msc.events", r.x1, "IDAA1c"),
            result_row(f"{k}.msc.n", r.n1, "IDAA1c"),
            result_row(f"{k}.msc.pct", r.pct1, "IDAA1c", n=r.n1),
            result_row(f"{k}.control.events", r.x2, "IDAA1c"),
            result_row(f"{k}.control.n", r.n2, "IDAA1c"),
            result_row(f"{k}.control.pct", r.pct2, "IDAA1c", n=r.n2),
            result_row(
                f"{k}.pval_fisher", r.pval, "IDAA1c, Fisher exact test", n=r.n1 + r.n2
            ),
        ]
    s = sc.curve_summary(multiverse(ch), alpha=ch.settings.alpha)
    method = "specification curve"
    rows.append(
        result_row("confounding.multiverse.n_imputations", MULTIVERSE_IMPUTATIONS, "count")
    )
    for name in (
        "n_specs",
        "n_computed",
        "n_significant",
        "share_significant",
        "share_positive",
        "share_significant_positive",
        "median",
        "min",
        "max",
    ):
        key = name if name.startswith(("n_", "share")) else f"{name}_rd"
        rows.append(result_row(f"confounding.multiverse.{key}", s[name], method))
    return results_frame(rows)
