"""Chapter: dropouts and small samples (robustness of the primary endpoint).

The paper's primary analysis compares remission in the per-protocol set, 11/27
vs 3/26, by a chi-square or Fisher test, after 5 MSC and 9 control
participants discontinued. This chapter asks two questions of that result:
does it survive small-sample inference (exact unconditional tests, mid-p,
score intervals; fragility index), and does it survive the dropouts (composite
strategy, best and worst case, tipping-point grid, multiple imputation under
missing at random)?

Everything is computed from the chapter object ``ch`` (``ch.table``,
``ch.data.visits``, ``ch.settings``); the statistics live in
``ucmsc_repro.stats``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ucmsc_repro.core.formatting import p_value
from ucmsc_repro.core.results_table import result_row, results_frame
from ucmsc_repro.stats import fragility as fr
from ucmsc_repro.stats import imputation as mi
from ucmsc_repro.stats import missing_outcome as mo
from ucmsc_repro.stats import small_sample as ss

from .dropouts_who import who_rows

__all__ = [
    "MI_IMPUTATIONS",
    "MI_SEED",
    "MI_COVARIATES",
    "dropout_counts",
    "imputation_frame",
    "imputation_results",
    "tipping_grid",
    "results",
    "estimands_table",
    "small_sample_display",
    "scenarios_display",
    "FRAGILITY_ENDPOINTS",
    "fragility_counts",
    "fragility_results",
    "fragility_rows",
    "fragility_change",
    "empty_arm_words",
    "fragility_display",
    "imputation_display",
]

#: Number of imputations and seed of the multiple imputation.
MI_IMPUTATIONS = 100
MI_SEED = 20210101

#: Predictors of the imputation model besides the arm: the two baseline factors
#: of the paper's Table S3 (BMI, fasting C-peptide) and the month-3 response.
MI_COVARIATES = ("bmi_kg_m2", "fcp_pmol_l_0", "early_response")

_THRESHOLD_TOL = 1e-9  # as the endpoint derivation: a rise of exactly 10% counts
#: The event and non-event of each fragility endpoint, in the reader's words.
_EVENT_WORDS = {
    "remission": ("remitter", "non-remitter"),
    "insulin_free": ("insulin-free", "not insulin-free"),
}


def dropout_counts(ch) -> dict:
    """Remitters, participants with a known outcome and dropouts per arm.

    Returns
    -------
    dict
        ``x1, n1, d1`` (MSC) and ``x2, n2, d2`` (control): remitters,
        participants with a known remission status, participants enrolled
        without one; plus ``discontinued1``, ``discontinued2`` (status
        "discontinued").
    """
    t = ch.table
    out = {}
    for i, arm in ((1, "MSC"), (2, "control")):
        sub = t.loc[t["arm"].eq(arm)]
        known = sub["remission"].dropna()
        out[f"x{i}"] = int((known == 1).sum())
        out[f"n{i}"] = int(known.size)
        out[f"d{i}"] = int(len(sub) - known.size)
        out[f"discontinued{i}"] = int(sub["status"].eq("discontinued").sum())
    return out


#: Endpoints whose fragility is computed: key, reader's name (plural events).
FRAGILITY_ENDPOINTS = (
    ("remission", "clinical remission", "remitters"),
    ("insulin_free", "insulin independence", "insulin-free participants"),
)

FI_METHOD = "fragility index (Walsh 2014)"
RFI_METHOD = "reverse fragility index (Khan 2020)"
FQ_METHOD = "fragility quotient (Ahmed 2016)"


def fragility_counts(ch) -> dict:
    """The 2x2 counts whose fragility the chapter reports, per endpoint.

    Returns
    -------
    dict
        ``remission`` and ``insulin_free`` -> dict ``x1, n1, x2, n2`` (MSC,
        control: participants with the event, participants analysed) and
        ``missing`` (enrolled participants left out of that analysis).
        Remission: participants with a known remission status (as
        :func:`dropout_counts`); insulin independence: the per-protocol set,
        an insulin-free period starting by the endpoint month (as the primary
        endpoint chapter).
    """
    c = dropout_counts(ch)
    out = {
        "remission": {
            "x1": c["x1"],
            "n1": c["n1"],
            "x2": c["x2"],
            "n2": c["n2"],
            "missing": c["d1"] + c["d2"],
        }
    }
    pp = ch.pp
    achieved = pp["insulin_free_start_month"].astype(float) <= ch.settings.endpoint_month
    counts = {}
    for i, arm in ((1, "MSC"), (2, "control")):
        in_arm = pp["arm"].eq(arm)
        counts[f"x{i}"] = int((achieved & in_arm).sum())
        counts[f"n{i}"] = int(in_arm.sum())
    counts["missing"] = int(len(ch.table) - len(pp))
    out["insulin_free"] = counts
    return out


def fragility_results(ch) -> dict:
    """Fragility index and reverse fragility index of each endpoint.

    Returns
    -------
    dict
        Endpoint key -> dict with the counts of :func:`fragility_counts`,
        ``fi`` (:func:`ucmsc_repro.stats.fragility.fragility_index`) and
        ``rfi`` (:func:`~ucmsc_repro.stats.fragility.reverse_fragility_index`);
        one of the two is NaN with a note (a result is either significant or
        not).
    """
    alpha = ch.settings.alpha
    out = {}
    for key, counts in fragility_counts(ch).items():
        args = (counts["x1"], counts["n1"], counts["x2"], counts["n2"])
        names = ("MSC", "control")
        out[key] = counts | {
            "fi": fr.fragility_index(*args, alpha=alpha, arm_names=names),
            "rfi": fr.reverse_fragility_index(*args, alpha=alpha, arm_names=names),
        }
    return out


def fragility_rows(ch) -> list[dict]:
    """``dropouts.fragility.<endpoint>.*`` rows of :func:`results`.

    Per endpoint: ``pval_fisher`` (before any change), ``index``,
    ``quotient``, ``pval_after`` (fragility index, missing when the result is
    not significant), ``reverse_index``, ``reverse_quotient``,
    ``reverse_pval_after`` (missing when it is significant), ``n_missing``
    (participants without an outcome in that analysis).
    """
    rows = []
    for key, f in fragility_results(ch).items():
        base = f"dropouts.fragility.{key}"
        n = f["n1"] + f["n2"]
        fi, rfi = f["fi"], f["rfi"]
        rows += [
            result_row(f"{base}.pval_fisher", fi["p_before"], "Fisher exact test", n=n),
            result_row(f"{base}.index", fi["index"], FI_METHOD, n=n),
            result_row(
                f"{base}.quotient", fi["quotient"], f"{FQ_METHOD} of the {FI_METHOD}", n=n
            ),
            result_row(
                f"{base}.pval_after",
                fi["p_after"],
                f"Fisher exact test after the changes of the {FI_METHOD}",
                n=n,
            ),
            result_row(f"{base}.reverse_index", rfi["index"], RFI_METHOD, n=n),
            result_row(
                f"{base}.reverse_quotient",
                rfi["quotient"],
                f"{FQ_METHOD} of the {RFI_METHOD}",
                n=n,
            ),
            result_row(
                f"{base}.reverse_pval_after",
                rfi["p_after"],
                f"Fisher exact test after the changes of the {RFI_METHOD}",
                n=n,
            ),
            result_row(
                f"{base}.n_missing",
                f["missing"],
                "count of participants without an outcome in this analysis",
            ),
        ]
    return rows


def _args(c: dict) -> tuple:
    return c["x1"], c["n1"], c["d1"], c["x2"], c["n2"], c["d2"]


def imputation_frame(ch, *, month: float = 3.0) -> pd.DataFrame:
    """One row per enrolled participant: arm, remission and the imputation predictors.

    ``early_response`` is 1 when fasting or postprandial C-peptide at ``month``
    had risen by at least the remission threshold from baseline, 0 when both
    were measured and neither had, missing when the participant had no visit
    then (those who left before month 3).
    """
    t = ch.table.set_index("subject_id")
    v = ch.data.visits
    at = v.loc[np.isclose(v["month"], month)].set_index("subject_id")
    thr = ch.settings.remission_threshold * (1 - _THRESHOLD_TOL)
    hits = []
    for m in ("fcp_pmol_l", "pcp_pmol_l"):
        base = t[f"{m}_0"].astype(float)
        later = at[m].reindex(t.index).astype(float)
        ratio = (later - base) / base.where(base != 0)
        hits.append((ratio >= thr).astype(float).where(ratio.notna()))
    either = (hits[0] == 1) | (hits[1] == 1)
    known = hits[0].notna() & hits[1].notna()
    frame = t[["arm", "remission", "bmi_kg_m2", "fcp_pmol_l_0"]].copy()
    frame["early_response"] = either.astype(float).where(either | known)
    return frame.reset_index()


def tipping_grid(ch, *, test: str = "fisher") -> pd.DataFrame:
    """Tipping-point grid of the trial's dropouts (see ``tipping_point_grid``)."""
    return mo.tipping_point_grid(
        *_args(dropout_counts(ch)), test=test, alpha=ch.settings.alpha
    )


def imputation_results(ch) -> pd.DataFrame:
    """Multiple imputation of remission (``stats.imputation``), fixed m and seed."""
    return mi.multiple_imputation_remission(
        imputation_frame(ch),
        outcome="remission",
        arm="arm",
        covariates=list(MI_COVARIATES),
        treated="MSC",
        m=MI_IMPUTATIONS,
        seed=MI_SEED,
        alpha=ch.settings.alpha,
    )


def results(ch) -> pd.DataFrame:
    """Every statistic of the chapter, one row per key ``dropouts.<...>``.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``value``, ``ci_low``, ``ci_high``, ``method``,
        ``n``. Risk differences are MSC minus control, as proportions.
    """
    alpha = ch.settings.alpha
    c = dropout_counts(ch)
    x1, n1, d1, x2, n2, d2 = _args(c)
    npp, nall = n1 + n2, n1 + n2 + d1 + d2
    rows = [
        result_row("dropouts.n_known_msc", n1, "count"),
        result_row("dropouts.n_known_control", n2, "count"),
        result_row("dropouts.n_missing_msc", d1, "count"),
        result_row("dropouts.n_missing_control", d2, "count"),
    ]
    t = ss.small_sample_table(x1, n1, x2, n2, alpha=alpha).set_index("test_or_method")
    for key, name, method in (
        ("pval_fisher", "Fisher exact test", "Fisher exact test"),
        ("pval_midp", "Fisher mid-p", "Fisher mid-p"),
        ("pval_barnard", "Barnard's exact test", "Barnard's exact test"),
        ("pval_boschloo", "Boschloo's exact test", "Boschloo's exact test"),
        ("pval_mn", "Miettinen-Nurminen score", "Miettinen-Nurminen score test"),
    ):
        rows.append(result_row(f"dropouts.pp.{key}", t.loc[name, "pval"], method, n=npp))
    for key, name in (
        ("rd_mn", "Miettinen-Nurminen score"),
        ("rd_newcombe", "Newcombe hybrid score"),
        ("rd_agresti_caffo", "Agresti-Caffo"),
    ):
        r = t.loc[name]
        rows.append(
            result_row(
                f"dropouts.pp.{key}",
                r.estimate,
                f"{name} interval",
                n=npp,
                ci=(r.ci_low, r.ci_high),
            )
        )
    rows += fragility_rows(ch)
    rows += who_rows(ch)
    comp = mo.composite_failure(*_args(c), alpha=alpha)
    rows += [
        result_row(
            "dropouts.composite.rd",
            comp["risk_difference"],
            "composite strategy (dropouts = non-remitters), Miettinen-Nurminen",
            n=nall,
            ci=(comp["ci_low"], comp["ci_high"]),
        ),
        result_row(
            "dropouts.composite.pval_fisher",
            comp["pval"],
            "composite strategy, Fisher exact test",
            n=nall,
        ),
    ]
    bw = mo.best_worst_bounds(*_args(c), alpha=alpha).set_index("scenario")
    for key, scen in (("best", "best case"), ("worst", "worst case")):
        r = bw.loc[scen]
        rows += [
            result_row(
                f"dropouts.{key}.rd",
                r.risk_difference,
                f"{scen}, Miettinen-Nurminen",
                n=nall,
                ci=(r.ci_low, r.ci_high),
            ),
            result_row(
                f"dropouts.{key}.pval_fisher", r.pval, f"{scen}, Fisher exact test", n=nall
            ),
        ]
    grid = mo.tipping_point_grid(*_args(c), alpha=alpha)
    s = mo.tipping_point_summary(
        grid, **{k: c[k] for k in ("x1", "n1", "d1", "x2", "n2", "d2")}, alpha=alpha
    )
    rows += [
        result_row(
            "dropouts.tipping.share_significant",
            s["share_significant"],
            "tipping point (Fisher exact test)",
            n=nall,
        ),
        result_row(
            "dropouts.tipping.expected_msc", s["expected_msc"], "tipping point", n=nall
        ),
        result_row(
            "dropouts.tipping.expected_control",
            s["expected_control"],
            "tipping point",
            n=nall,
        ),
        result_row(
            "dropouts.tipping.pval_at_expected",
            s["pval_at_expected"],
            "tipping point (Fisher exact test)",
            n=nall,
        ),
        result_row("dropouts.tipping.distance", s["distance"], "tipping point", n=nall),
    ]
    mi = imputation_results(ch).set_index("measure")
    method = f"multiple imputation (MICE, m = {MI_IMPUTATIONS})"
    for key, meas in (("rd", "risk difference"), ("log_or", "log odds ratio")):
        r = mi.loc[meas]
        rows += [
            result_row(
                f"dropouts.mi.{key}", r.estimate, method, n=r.n, ci=(r.ci_low, r.ci_high)
            ),
            result_row(f"dropouts.mi.pval_{key}", r.pval, method, n=r.n),
        ]
    r = mi.loc["risk difference"]
    rows += [
        result_row("dropouts.mi.fmi", r.fmi, method, n=r.n),
        result_row("dropouts.mi.mc_se_pval", r.mc_se_pval, method + ", jackknife", n=r.n),
    ]
    return results_frame(rows)


# ---------------------------------------------------------------- display helpers


def _num(x, digits: int = 3, *, missing: str = "cannot be computed") -> str:
    if x is None or not math.isfinite(float(x)):
        return missing
    return f"{float(x):.{digits}f}"


def _pval(p, *, missing: str = "cannot be computed") -> str:
    return p_value(p, missing=missing)


def _pct_ci(est, lo, hi) -> str:
    if not all(math.isfinite(float(v)) for v in (est, lo, hi)):
        return "cannot be computed"
    return f"{100 * est:.1f} ({100 * lo:.1f} to {100 * hi:.1f})"


def estimands_table(ch) -> pd.DataFrame:
    """The estimands of the chapter, by the attributes of ICH E9(R1).

    Columns ``Estimand``, ``Treatment``, ``Population``, ``Variable``,
    ``Intercurrent event``, ``Strategy``, ``Summary``.
    """
    c = dropout_counts(ch)
    treat = "Two UC-MSC infusions 3 months apart plus insulin vs insulin alone"
    var = (
        f"Clinical remission at month {ch.settings.endpoint_month:g}: a rise of "
        f"{100 * ch.settings.remission_threshold:g}% or more in fasting and/or "
        "postprandial C-peptide"
    )
    ice = (
        f"Discontinuation before the endpoint ({c['d1']} MSC, {c['d2']} control "
        "participants without an endpoint value)"
    )
    summary = "Difference in remission proportions, MSC minus control"
    rows = [
        (
            "Per-protocol (the paper's)",
            f"Completers ({c['n1']} MSC, {c['n2']} control)",
            "Excluded from the analysis: the estimand concerns those who complete",
        ),
        (
            "Composite",
            "All enrolled participants",
            "Composite: discontinuation counts as no remission",
        ),
        (
            "Hypothetical (MAR)",
            "All enrolled participants",
            "Hypothetical: remission had they stayed, imputed from arm, BMI, baseline "
            "fasting C-peptide and month-3 response (multiple imputation)",
        ),
        (
            "Sensitivity: best and worst case, tipping point",
            "All enrolled participants",
            "Every possible outcome of the dropouts, from all to no one remitting",
        ),
    ]
    return pd.DataFrame(
        [
            {
                "Estimand": e,
                "Treatment": treat,
                "Population": pop,
                "Variable": var,
                "Intercurrent event": ice,
                "Strategy": strat,
                "Summary": summary,
            }
            for e, pop, strat in rows
        ]
    )


def small_sample_display(ch) -> pd.DataFrame:
    """Small-sample tests and intervals of the per-protocol comparison, for readers.

    Columns ``Method``, ``Risk difference, % (95% CI)``, ``p-value``.
    """
    c = dropout_counts(ch)
    t = ss.small_sample_table(c["x1"], c["n1"], c["x2"], c["n2"], alpha=ch.settings.alpha)
    rows = []
    for r in t.itertuples():
        has_ci = math.isfinite(r.ci_low)
        rows.append(
            {
                "Method": r.test_or_method,
                "Risk difference, % (95% CI)": _pct_ci(r.estimate, r.ci_low, r.ci_high)
                if has_ci
                else "test only",
                "p-value": _pval(r.pval, missing="no test with this interval")
                if has_ci
                else _pval(r.pval),
            }
        )
    return pd.DataFrame(rows)


def scenarios_display(ch) -> pd.DataFrame:
    """Per-protocol, composite, best/worst case and MI results side by side.

    Columns ``Analysis``, ``MSC``, ``Control``, ``Risk difference, % (95% CI)``,
    ``p-value``, ``Test``.
    """
    alpha = ch.settings.alpha
    c = dropout_counts(ch)
    x1, n1, d1, x2, n2, d2 = _args(c)
    pp = ss.mn_interval(x1, n1, x2, n2, alpha=alpha)
    rows = [
        {
            "Analysis": "Per-protocol (completers)",
            "MSC": f"{x1}/{n1}",
            "Control": f"{x2}/{n2}",
            "Risk difference, % (95% CI)": _pct_ci(
                pp["estimate"], pp["ci_low"], pp["ci_high"]
            ),
            "p-value": _pval(ss.fisher_test(x1, n1, x2, n2)["pval"]),
            "Test": "Fisher exact",
        }
    ]
    bw = mo.best_worst_bounds(*_args(c), alpha=alpha)
    labels = {
        "no dropout remits": "Composite (dropouts = non-remitters)",
        "best case": "Best case (MSC dropouts remit, control dropouts do not)",
        "worst case": "Worst case (control dropouts remit, MSC dropouts do not)",
        "all dropouts remit": "All dropouts remit",
    }
    for scen in ("no dropout remits", "best case", "worst case", "all dropouts remit"):
        r = bw.set_index("scenario").loc[scen]
        rows.append(
            {
                "Analysis": labels[scen],
                "MSC": f"{r.events1}/{r.n1}",
                "Control": f"{r.events2}/{r.n2}",
                "Risk difference, % (95% CI)": _pct_ci(
                    r.risk_difference, r.ci_low, r.ci_high
                ),
                "p-value": _pval(r.pval),
                "Test": "Fisher exact",
            }
        )
    mi = imputation_results(ch).set_index("measure").loc["risk difference"]
    rows.append(
        {
            "Analysis": f"Multiple imputation (m = {MI_IMPUTATIONS}, MAR)",
            "MSC": f"{x1}/{n1} + {d1} imputed",
            "Control": f"{x2}/{n2} + {d2} imputed",
            "Risk difference, % (95% CI)": _pct_ci(mi.estimate, mi.ci_low, mi.ci_high),
            "p-value": _pval(mi.pval),
            "Test": "Rubin's rules, t test",
        }
    )
    return pd.DataFrame(rows)


def empty_arm_words(n1: int, n2: int, note: str = "") -> str:
    """ "the MSC arm has no participant in this analysis" (or ``note`` if none is empty)."""
    empty = [arm for arm, n in (("MSC", n1), ("control", n2)) if n == 0]
    if not empty:
        return note
    verb = "arms have" if len(empty) > 1 else "arm has"
    return f"the {' and the '.join(empty)} {verb} no participant in this analysis"


def fragility_change(f: dict, endpoint: str) -> str:
    """The change of outcomes behind a (reverse) fragility index, in words.

    ``f`` is a result of :mod:`ucmsc_repro.stats.fragility`; ``endpoint`` a
    key of :data:`FRAGILITY_ENDPOINTS`. E.g. "1 control participant changed
    from non-remitter to remitter"; "" when the index is missing.
    """
    if not math.isfinite(f["index"]):
        return ""
    k = int(f["index"])
    who = "participant" if k == 1 else "participants"
    yes, no = _EVENT_WORDS[endpoint]
    words = f"{no} to {yes}" if f["direction"] == "non-event to event" else f"{yes} to {no}"
    return f"{k} {f['arm_changed']} {who} changed from {words}"


def fragility_display(ch) -> pd.DataFrame:
    """The fragility index or reverse fragility index of each endpoint, for readers.

    Columns ``Endpoint``, ``MSC``, ``Control``, ``Fisher p``, ``Index``,
    ``Quotient``, ``Change that flips the conclusion``, ``Fisher p after``;
    one row per endpoint of :data:`FRAGILITY_ENDPOINTS`. An index that cannot
    be computed says why.
    """
    rows = []
    names = {k: name for k, name, _ in FRAGILITY_ENDPOINTS}
    for key, f in fragility_results(ch).items():
        sig = math.isfinite(f["fi"]["p_before"]) and f["fi"]["p_before"] < ch.settings.alpha
        r = f["fi"] if sig else f["rfi"]
        kind = "fragility index" if sig else "reverse fragility index"
        if not math.isfinite(f["fi"]["p_before"]):
            index = f"cannot be computed: {empty_arm_words(f['n1'], f['n2'], r['note'])}"
            quotient = change = after = "cannot be computed"
        elif math.isfinite(r["index"]):
            index = f"{int(r['index'])} ({kind})"
            quotient = _num(r["quotient"], 3)
            change = fragility_change(r, key)
            after = _pval(r["p_after"])
        else:
            index = f"no {kind}: {r['note']}"
            quotient = change = after = "none"
        rows.append(
            {
                "Endpoint": names[key][0].upper() + names[key][1:],
                "MSC": f"{f['x1']}/{f['n1']}",
                "Control": f"{f['x2']}/{f['n2']}",
                "Fisher p": _pval(f["fi"]["p_before"]),
                "Index": index,
                "Quotient": quotient,
                "Change that flips the conclusion": change,
                "Fisher p after": after,
            }
        )
    return pd.DataFrame(rows)


def imputation_display(ch) -> pd.DataFrame:
    """Multiple-imputation results for readers.

    Columns ``Measure``, ``Estimate (95% CI)``, ``p-value``, ``Fraction of
    missing information``, ``Monte-Carlo SE of p``.
    """
    mi = imputation_results(ch)
    rows = []
    for r in mi.itertuples():
        if r.measure == "risk difference":
            est = _pct_ci(r.estimate, r.ci_low, r.ci_high)
            label = "Risk difference, %"
        else:
            ok = all(math.isfinite(v) for v in (r.estimate, r.ci_low, r.ci_high))
            est = (
                f"{math.exp(r.estimate):.2f} ({math.exp(r.ci_low):.2f} to "
                f"{math.exp(r.ci_high):.2f})"
                if ok
                else "cannot be computed"
            )
            label = "Odds ratio"
        rows.append(
            {
                "Measure": label,
                "Estimate (95% CI)": est,
                "p-value": _pval(r.pval),
                "Fraction of missing information": _num(r.fmi, 2),
                "Monte-Carlo SE of p": _num(r.mc_se_pval, 4),
            }
        )
    return pd.DataFrame(rows)
