"""Display frames and sentences of the confounding chapter, for readers.

Every function takes the chapter object ``ch`` and returns a frame of strings
or a dict of sentences; what cannot be computed is said in words.
"""

from __future__ import annotations

import math

import pandas as pd

from ..core.formatting import p_text, p_value
from . import confounding as cf

__all__ = [
    "balance_display",
    "weighted_display",
    "evalue_display",
    "threshold_display",
    "definitions_display",
    "idaa1c_display",
    "multiverse_display",
    "sentences",
]

_WEIGHT_LABEL = {
    "unweighted": "Unweighted (crude)",
    "overlap": "Overlap weights",
    "ipw": "Inverse probability weights",
}


def _ok(*values) -> bool:
    return all(v is not None and math.isfinite(float(v)) for v in values)


def _num(x, digits: int = 2, missing: str = "cannot be computed") -> str:
    return f"{float(x):.{digits}f}" if _ok(x) else missing


def _pval(p, missing: str = "no test") -> str:
    return p_value(p, missing=missing)


def _pp_ci(est, lo, hi, missing: str = "cannot be computed") -> str:
    """A risk difference (proportion) in percentage points with its interval."""
    if not _ok(est):
        return missing
    if not _ok(lo, hi):
        return f"{100 * est:.1f} (no interval)"
    return f"{100 * est:.1f} ({100 * lo:.1f} to {100 * hi:.1f})"


def _ratio_ci(est, lo, hi, missing: str = "not defined") -> str:
    if not _ok(est):
        return missing
    if not _ok(lo, hi):
        return f"{est:.2f} (no interval)"
    return f"{est:.2f} ({lo:.2f} to {hi:.2f})"


def _smd(x) -> str:
    if not _ok(x):
        return "not defined"
    v = 0.0 if abs(x) < 0.005 else x  # exact balance prints as 0.00, not -0.00
    return f"{v:.2f}"


def _frac(x: int, n: int) -> str:
    return f"{x}/{n} ({100 * x / n:.0f}%)" if n else "nobody measured"


def balance_display(ch) -> pd.DataFrame:
    """SMDs before and after weighting, one row per covariate.

    Columns ``Covariate``, ``SMD, unweighted``, ``SMD, overlap weights``,
    ``SMD, inverse probability weights``.
    """
    fit = cf.propensity(ch, "pp")
    missing = "not weighted" if fit["note"] else "not defined"
    rows = []
    for r in cf.balance(ch).itertuples():
        dropped = r.covariate in fit["dropped"]
        rows.append(
            {
                "Covariate": r.label,
                "SMD, unweighted": _smd(r.smd_unweighted),
                "SMD, overlap weights": "constant: not in the model"
                if dropped
                else (_smd(r.smd_overlap) if _ok(r.smd_overlap) else missing),
                "SMD, inverse probability weights": "constant: not in the model"
                if dropped
                else (_smd(r.smd_ipw) if _ok(r.smd_ipw) else missing),
            }
        )
    return pd.DataFrame(rows)


def weighted_display(ch) -> pd.DataFrame:
    """Crude and weighted risks, risk difference and risk ratio, per protocol.

    Columns ``Analysis``, ``Remission, MSC``, ``Remission, control``, ``Risk
    difference, percentage points (95% CI)``, ``p (RD)``, ``Risk ratio (95%
    CI)``, ``p (RR)``, ``Effective sample size, MSC / control``.
    """
    conf = f"{100 * (1 - ch.settings.alpha):g}% CI"
    rows = []
    for r in cf.weighted_analysis(ch).itertuples():
        why = f"not computed: {r.note}" if r.note else "cannot be computed"
        rows.append(
            {
                "Analysis": _WEIGHT_LABEL[r.weighting],
                "Remission, MSC": f"{100 * r.risk1:.1f}%" if _ok(r.risk1) else why,
                "Remission, control": f"{100 * r.risk0:.1f}%" if _ok(r.risk0) else why,
                f"Risk difference, percentage points ({conf})": _pp_ci(
                    r.rd, r.rd_ci_low, r.rd_ci_high, missing=why
                ),
                "p (RD)": _pval(r.rd_pval),
                f"Risk ratio ({conf})": _ratio_ci(r.rr, r.rr_ci_low, r.rr_ci_high),
                "p (RR)": _pval(r.rr_pval),
                "Effective sample size, MSC / control": f"{r.ess1:.1f} / {r.ess0:.1f}"
                if _ok(r.ess1, r.ess0)
                else "cannot be computed",
            }
        )
    return pd.DataFrame(rows)


def evalue_display(ch) -> pd.DataFrame:
    """E-values of the crude and weighted risk ratios.

    Columns ``Analysis``, ``Risk ratio (CI)``, ``E-value of the estimate``,
    ``E-value of the CI limit nearer 1``.
    """
    rows = []
    for r in cf.evalue_table(ch).itertuples():
        if r.includes_null:
            ci = "1.00 (the interval includes 1)"
        else:
            ci = _num(r.ci, 2, "not defined")
        rows.append(
            {
                "Analysis": _WEIGHT_LABEL[r.weighting],
                "Risk ratio (CI)": _ratio_ci(r.rr, r.rr_ci_low, r.rr_ci_high),
                "E-value of the estimate": _num(r.point, 2, "not defined"),
                "E-value of the CI limit nearer 1": ci,
            }
        )
    return pd.DataFrame(rows)


def threshold_display(ch, *, step: float = 0.05) -> pd.DataFrame:
    """The threshold curve every ``step`` (default 5%), as a table.

    Columns ``Threshold``, ``MSC``, ``Control``, ``Risk difference, percentage
    points (95% CI)``, ``p (Miettinen-Nurminen)``.
    """
    curve = cf.threshold_curve(ch)
    k = round(step * 100)
    rows = []
    for r in curve.itertuples():
        if round(100 * r.threshold) % k:
            continue
        rows.append(
            {
                "Threshold": f"{100 * r.threshold:.0f}%",
                "MSC": _frac(r.x1, r.n1),
                "Control": _frac(r.x2, r.n2),
                "Risk difference, percentage points (95% CI)": _pp_ci(
                    r.estimate, r.ci_low, r.ci_high
                ),
                "p (Miettinen-Nurminen)": _pval(r.pval),
            }
        )
    return pd.DataFrame(rows)


def definitions_display(ch) -> pd.DataFrame:
    """Each definition at months 6 and 12, per protocol.

    Columns ``Definition``, ``Month``, ``MSC``, ``Control``, ``Risk
    difference, percentage points (95% CI)``, ``p (Miettinen-Nurminen)``.
    """
    rows = []
    for r in cf.definitions_table(ch).itertuples():
        rows.append(
            {
                "Definition": cf.DEFINITIONS[r.definition],
                "Month": f"{r.month:g}",
                "MSC": _frac(r.x1, r.n1),
                "Control": _frac(r.x2, r.n2),
                "Risk difference, percentage points (95% CI)": _pp_ci(
                    r.estimate, r.ci_low, r.ci_high, missing="no participant measured"
                ),
                "p (Miettinen-Nurminen)": _pval(r.pval),
            }
        )
    return pd.DataFrame(rows)


def idaa1c_display(ch) -> pd.DataFrame:
    """Partial remission by IDAA1c at every visit, by arm.

    Columns ``Month``, ``MSC: IDAA1c <= 9``, ``Control: IDAA1c <= 9``, ``p
    (Fisher exact)``.
    """
    rows = []
    for r in cf.idaa1c_table(ch).itertuples():
        rows.append(
            {
                "Month": f"{r.month:g}",
                "MSC: IDAA1c ≤ 9": _frac(r.x1, r.n1),
                "Control: IDAA1c ≤ 9": _frac(r.x2, r.n2),
                "p (Fisher exact)": _pval(r.pval, "no comparison: an arm was not measured"),
            }
        )
    return pd.DataFrame(rows)


_CHOICE_LABELS = {
    "analysis_set": ("Analysis set", cf.SET_LABELS),
    "definition": ("Definition", cf.DEFINITIONS),
    "threshold": ("Threshold", None),
    "month": ("Month", None),
    "test": ("Test", cf.TEST_LABELS),
    "adjustment": ("Adjustment", cf.ADJUSTMENT_LABELS),
}


def option_label(choice: str, option) -> str:
    """How an option of a multiverse choice is shown (``10%``, ``month 12``)."""
    if choice == "threshold":
        return f"{100 * option:.0f}%"
    if choice == "month":
        return f"month {option:g}"
    return _CHOICE_LABELS[choice][1][option]


def multiverse_display(ch) -> pd.DataFrame:
    """The specification curve by choice: how many of each option's specifications agree.

    Columns ``Choice``, ``Option``, ``Specifications``, ``p < alpha``,
    ``Median risk difference, percentage points``.
    """
    curve = cf.multiverse(ch)
    alpha = ch.settings.alpha
    rows = []
    for choice, options in cf.multiverse_options().items():
        label = _CHOICE_LABELS[choice][0]
        for option in options:
            s = cf.sc.curve_summary(curve.loc[curve[choice] == option], alpha=alpha)
            share = s["share_significant"]
            rows.append(
                {
                    "Choice": label,
                    "Option": option_label(choice, option),
                    "Specifications": f"{s['n_computed']} of {s['n_specs']} computed",
                    "p < alpha": f"{s['n_significant']} ({100 * share:.0f}%)"
                    if s["n_computed"]
                    else "none computed",
                    "Median risk difference, percentage points": _num(
                        100 * s["median"] if _ok(s["median"]) else None, 1, "none computed"
                    ),
                }
            )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ sentences


def _ps_sentence(ch) -> str:
    fit = cf.propensity(ch, "pp")
    if fit["note"] and not math.isfinite(fit["c_statistic"]):
        return f"The propensity score cannot be estimated: {fit['note']}."
    parts = []
    if fit["dropped"]:
        names = [cf.COVARIATES[c].split(",")[0] for c in fit["dropped"]]
        listed = (
            names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        )
        verb = "was" if len(names) == 1 else "were"
        parts.append(f"{listed} took one value only and {verb} left out of the model")
    if fit["n_filled"]:
        parts.append(
            f"{fit['n_filled']} missing covariate values were replaced by the column mean"
        )
    extra = (" (" + "; ".join(parts) + ")") if parts else ""
    s = (
        f"In the {fit['n']} per-protocol participants the propensity score{extra} "
        f"separates the arms with a c-statistic of {fit['c_statistic']:.2f} "
        "(0.5: no separation, 1: complete separation)."
    )
    if fit["note"]:
        s += (
            f" But {fit['note']}: no weighting can make these arms comparable, and "
            "the weighted analyses below are not computed."
        )
    return s


def _weighted_sentence(ch) -> str:
    w = cf.weighted_analysis(ch).set_index("weighting")
    out = []
    for kind, name in (
        ("overlap", "overlap weights"),
        ("ipw", "inverse probability weights"),
    ):
        r = w.loc[kind]
        if not _ok(r.rd):
            out.append(f"With {name} the risk difference cannot be computed ({r.note}).")
            continue
        s = f"With {name} the risk difference is {_pp_ci(r.rd, r.rd_ci_low, r.rd_ci_high)}"
        s += " percentage points"
        s += f" ({p_text(r.rd_pval)})" if _ok(r.rd_pval) else " (no test: no variability)"
        if _ok(r.rr):
            s += f" and the risk ratio {_ratio_ci(r.rr, r.rr_ci_low, r.rr_ci_high)}"
        else:
            s += "; the risk ratio is not defined (an arm has no remission)"
        out.append(s + ".")
    c = w.loc["unweighted"]
    if _ok(c.rd):
        out.append(
            "Unweighted, the same model gives "
            f"{_pp_ci(c.rd, c.rd_ci_low, c.rd_ci_high)} percentage points."
        )
    return " ".join(out)


def _evalue_sentence(ch) -> str:
    e = cf.evalue_table(ch).set_index("weighting").loc["overlap"]
    if not _ok(e.point):
        return (
            "No E-value can be given for the overlap-weighted analysis: its risk "
            "ratio is not defined."
        )
    direction = "higher" if e.rr >= 1 else "lower"
    s = (
        f"The overlap-weighted risk ratio of {e.rr:.2f} has an E-value of "
        f"{e.point:.2f}: an unmeasured confounder associated with both receiving MSC "
        f"and remission by a risk ratio of {e.point:.2f} each, beyond the measured "
        f"covariates, could fully explain away the {direction} remission with MSC; "
        "a weaker one could not."
    )
    if e.includes_null:
        s += (
            " Its confidence interval already includes 1, so no unmeasured "
            "confounding at all is needed to make it compatible with no effect."
        )
    elif _ok(e.ci):
        s += (
            f" To move the confidence interval to include 1, a confounder of "
            f"{e.ci:.2f} on both associations would do."
        )
    return s


def _threshold_sentence(ch) -> str:
    curve = cf.threshold_curve(ch)
    alpha = ch.settings.alpha
    ok = curve["pval"].notna()
    if not ok.any():
        return "No threshold gives a comparison: an arm has no participant measured."
    sig = (curve["pval"] < alpha) & ok
    parts = []
    for thr in (0.0, 0.10, 0.50):
        r = curve.loc[(curve["threshold"] - thr).abs() < 1e-9].iloc[0]
        if _ok(r.estimate):
            parts.append(
                f"{_pp_ci(r.estimate, r.ci_low, r.ci_high)} percentage points at "
                f"{100 * thr:.0f}% ({p_text(r.pval) if _ok(r.pval) else 'no test'})"
            )
        else:
            parts.append(f"no estimate at {100 * thr:.0f}%")
    return (
        f"The risk difference is {'; '.join(parts)}. Of the {int(ok.sum())} thresholds "
        f"from 0% to 50% with a test, {int(sig.sum())} give p below {alpha:g}."
    )


def _idaa1c_sentence(ch) -> str:
    t = cf.idaa1c_table(ch)
    measured = t.loc[(t["n1"] > 0) & (t["n2"] > 0)]
    if measured.empty:
        return (
            "IDAA1c cannot be computed: no visit has HbA1c and the insulin dose "
            "measured in both arms."
        )
    last = measured.iloc[-1]
    return (
        f"At month {last.month:g}, {last.x1} of {last.n1} MSC and {last.x2} of "
        f"{last.n2} control participants measured had an IDAA1c of 9 or less "
        f"({p_text(last.pval) if _ok(last.pval) else 'no test'}, Fisher exact test)."
    )


def _multiverse_sentence(ch) -> str:
    curve = cf.multiverse(ch)
    s = cf.sc.curve_summary(curve, alpha=ch.settings.alpha)
    if not s["n_computed"]:
        return f"None of the {s['n_specs']} specifications can be computed on these data."
    return (
        f"Of {s['n_specs']} specifications, {s['n_computed']} could be computed; "
        f"{s['n_significant']} of them ({100 * s['share_significant']:.0f}%) give p below "
        f"{ch.settings.alpha:g}, and {100 * s['share_positive']:.0f}% estimate a higher "
        f"remission with MSC. The median risk difference is {100 * s['median']:.1f} "
        f"percentage points (from {100 * s['min']:.1f} to {100 * s['max']:.1f})."
    )


def sentences(ch) -> dict:
    """The chapter's data-dependent sentences, keyed ``confounding.text.<part>``."""
    return {
        "confounding.text.ps": _ps_sentence(ch),
        "confounding.text.weighted": _weighted_sentence(ch),
        "confounding.text.evalue": _evalue_sentence(ch),
        "confounding.text.threshold": _threshold_sentence(ch),
        "confounding.text.idaa1c": _idaa1c_sentence(ch),
        "confounding.text.multiverse": _multiverse_sentence(ch),
    }
