"""Display frames and sentences of the trial-models chapter, for readers.

Every function takes the chapter object ``ch`` and returns a frame of strings
or a dict of sentences; what cannot be computed is said in words.
"""

from __future__ import annotations

import math

import pandas as pd

from ..core.formatting import p_text, p_value
from . import trial_models as tm
from .confounding import COVARIATES

__all__ = [
    "TERM_LABELS",
    "ancova_display",
    "mmrm_display",
    "firth_display",
    "inclusion_display",
    "models_display",
    "dose_display",
    "sample_size_display",
    "ancova_sample_size_display",
    "endpoint_visit",
    "sentences",
]

#: How a model term is named to the reader.
TERM_LABELS: dict[str, str] = {
    "msc": "MSC arm",
    **COVARIATES,
    "msc_cells_total": "Cells infused, 10⁶",
}

_MODEL_LABELS = {
    "main": "All participants",
    "onset": "All participants, adjusted for adult onset",
    "adult": "Adult onset only",
    "juvenile": "Juvenile onset only",
}
_MMRM_NAMES = {
    "hba1c": "HbA1c (%)",
    "insulin": "the daily insulin dose (IU/kg/day)",
    "log_fcp": "log(fasting C-peptide + 1)",
    "log_pcp": "log(postprandial C-peptide + 1)",
}
_CASE = {"low": "lower limit", "observed": "observed", "high": "upper limit"}


def _ok(*values) -> bool:
    return all(v is not None and math.isfinite(float(v)) for v in values)


def _num(x, digits: int = 2, missing: str = "cannot be computed") -> str:
    return f"{float(x):.{digits}f}" if _ok(x) else missing


def _pval(p, missing: str = "no test") -> str:
    return p_value(p, missing=missing)


def _ci(est, lo, hi, digits: int = 2, missing: str = "cannot be computed") -> str:
    if not _ok(est):
        return missing
    if not _ok(lo, hi):
        return f"{est:.{digits}f} (no interval)"
    return f"{est:.{digits}f} ({lo:.{digits}f} to {hi:.{digits}f})"


def _or_ci(est, lo, hi, missing: str = "cannot be computed") -> str:
    """An odds ratio with 3 decimals (C-peptide's per-pmol/L ORs sit near 1)."""
    if not _ok(est):
        return missing
    lo_s = f"{lo:.3f}" if _ok(lo) else "0"
    hi_s = f"{hi:.3f}" if _ok(hi) else "infinity"
    return f"{est:.3f} ({lo_s} to {hi_s})"


def _conf(ch) -> str:
    return f"{100 * (1 - ch.settings.alpha):g}% CI"


def _n_text(n) -> str:
    if not _ok(n):
        return "no finite size: no benefit to detect"
    return f"{math.ceil(n)}"


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"


def _short(term: str) -> str:
    """A term's name without its unit, for lists in prose."""
    if term == "const":
        return "the intercept"
    return TERM_LABELS.get(term, term).split(",")[0]


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# ------------------------------------------------------------------ ANCOVA


def ancova_display(ch) -> pd.DataFrame:
    """The log C-peptide ANCOVAs, one row per measure and model.

    Columns ``C-peptide``, ``Model``, ``n (MSC / control)``, ``Adjusted
    geometric mean, MSC``, ``Adjusted geometric mean, control``, ``Ratio
    (CI)``, ``p``.
    """
    conf = _conf(ch)
    rows = []
    for (key, model), a in tm.ancova(ch).items():
        label = next(lab for k, lab in tm.ANCOVA_MEASURES.values() if k == key)
        adj = a.adjusted.set_index("group")
        why = "not fitted" if a.error else "cannot be computed"
        rows.append(
            {
                "C-peptide": label,
                "Model": _MODEL_LABELS[model],
                "n (MSC / control)": f"{int(adj.loc[1, 'n'])} / {int(adj.loc[0, 'n'])}",
                f"Adjusted geometric mean, MSC, pmol/L ({conf})": _ci(
                    adj.loc[1, "geo_mean"],
                    adj.loc[1, "geo_ci_low"],
                    adj.loc[1, "geo_ci_high"],
                    1,
                    why,
                ),
                f"Adjusted geometric mean, control, pmol/L ({conf})": _ci(
                    adj.loc[0, "geo_mean"],
                    adj.loc[0, "geo_ci_low"],
                    adj.loc[0, "geo_ci_high"],
                    1,
                    why,
                ),
                f"Ratio MSC / control ({conf})": _ci(
                    a.ratio, a.ratio_ci_low, a.ratio_ci_high, 2, why
                )
                if not a.error
                else f"not fitted: {a.error}",
                "p": _pval(a.pval),
            }
        )
    return pd.DataFrame(rows)


def _ancova_sentence(ch) -> str:
    out = []
    month = f"month {ch.settings.endpoint_month:g}"
    for key, label in tm.ANCOVA_MEASURES.values():
        a = tm.ancova(ch)[(key, "main")]
        name = label[0].lower() + label[1:]
        if a.error:
            out.append(f"The ANCOVA of {name} cannot be fitted: {a.error}.")
            continue
        adj = a.adjusted.set_index("group")
        out.append(
            f"Adjusted for its baseline value, {name} at {month} has a geometric "
            f"mean of {_num(adj.loc[1, 'geo_mean'], 1)} pmol/L with MSC and "
            f"{_num(adj.loc[0, 'geo_mean'], 1)} pmol/L with control ({a.n} "
            f"participants): a ratio of {_ci(a.ratio, a.ratio_ci_low, a.ratio_ci_high)} "
            f"({p_text(a.pval)})."
        )
    return " ".join(out)


def _onset_sentence(ch) -> str:
    out = []
    for g in tm.ONSET_GROUPS:
        a = tm.ancova(ch)[("pcp", g)]
        if a.error:
            out.append(
                f"Among participants of {g} onset the ANCOVA of postprandial "
                f"C-peptide cannot be fitted: {a.error}."
            )
        else:
            out.append(
                f"Among the {a.n} participants of {g} onset the ratio for postprandial "
                f"C-peptide is {_ci(a.ratio, a.ratio_ci_low, a.ratio_ci_high)} "
                f"({p_text(a.pval)})."
            )
    both = tm.ancova(ch)[("pcp", "onset")]
    if not both.error:
        out.append(
            "Adjusting the model of all participants for adult onset instead gives "
            f"{_ci(both.ratio, both.ratio_ci_low, both.ratio_ci_high)} "
            f"({p_text(both.pval)})."
        )
    return " ".join(out)


def _residual_sentence(ch) -> str:
    out = []
    for key, label in tm.ANCOVA_MEASURES.values():
        a = tm.ancova(ch)[(key, "main")]
        name = label[0].lower() + label[1:]
        if a.error:
            continue
        if not _ok(a.shapiro_pval):
            out.append(f"The residuals of {name} are too few or too alike to be tested.")
            continue
        verdict = (
            "departs from normality"
            if a.shapiro_pval < ch.settings.alpha
            else "shows no departure from normality"
        )
        out.append(
            f"The residual standard deviation of {name} is {a.resid_sd:.3f} on the log "
            f"scale, and the {a.normality_test} test {verdict} ({p_text(a.shapiro_pval)})."
        )
    return " ".join(out) or "No ANCOVA could be fitted, so there are no residuals to check."


# ------------------------------------------------------------------ MMRM


def endpoint_visit(r, month: float):
    """The visit of an MMRM result at the settings' endpoint month, else its last."""
    if not r.visits:
        return None
    for v in r.visits:
        if math.isclose(v, float(month)):
            return v
    return r.visits[-1]


def mmrm_display(ch) -> pd.DataFrame:
    """The MMRM differences at every visit.

    Columns ``Outcome``, ``Month``, ``n (MSC / control)``, ``Observed mean,
    MSC / control``, ``Model-based mean, MSC / control``, ``Difference
    (CI)``, ``p``.
    """
    conf = _conf(ch)
    rows = []
    for key, r in tm.repeated(ch).items():
        label = tm.MMRM_OUTCOMES[key][1]
        if r.error:
            rows.append(
                {
                    "Outcome": label,
                    "Month": "every visit",
                    "n (MSC / control)": f"{r.n_subjects} participants",
                    "Observed mean, MSC / control": "not modelled",
                    "Model-based mean, MSC / control": "not modelled",
                    f"Difference MSC − control ({conf})": f"not fitted: {r.error}",
                    "p": "no test",
                }
            )
            continue
        for e in r.estimates.itertuples():
            rows.append(
                {
                    "Outcome": label,
                    "Month": f"{e.visit:g}",
                    "n (MSC / control)": f"{e.n_treated} / {e.n_reference}",
                    "Observed mean, MSC / control": f"{e.obs_treated:.2f} / "
                    f"{e.obs_reference:.2f}",
                    "Model-based mean, MSC / control": f"{e.mean_treated:.2f} / "
                    f"{e.mean_reference:.2f}",
                    f"Difference MSC − control ({conf})": _ci(
                        e.diff, e.ci_low, e.ci_high, 3
                    ),
                    "p": _pval(e.pval),
                }
            )
    return pd.DataFrame(rows)


def _mmrm_sentence(ch) -> str:
    out = []
    structures = {}
    for key, r in tm.repeated(ch).items():
        name = _MMRM_NAMES[key]
        if r.error:
            out.append(f"The model of {name} cannot be fitted: {r.error}.")
            continue
        structures.setdefault(r.covariance, []).append(name)
        v = endpoint_visit(r, ch.settings.endpoint_month)
        e = r.estimates.set_index("visit").loc[v]
        at = (
            f"month {v:g}"
            if math.isclose(v, ch.settings.endpoint_month)
            else f"month {v:g}, the last visit (no visit at the endpoint month)"
        )
        out.append(
            f"For {name} the difference MSC minus control at {at} is "
            f"{_ci(e['diff'], e['ci_low'], e['ci_high'], 3)} ({p_text(e['pval'])})."
        )
    cov = []
    for kind, names in structures.items():
        what = f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"
        cov.append(f"{what} covariance for {_join(names)}")
    head = ""
    if cov:
        head = f"The models were fitted with {_join(cov)}."
        simpler = [k for k in structures if k != "unstructured"]
        if simpler:
            head += (
                " The unstructured covariance could not be estimated for every outcome, "
                "so the simpler structure named was used where it failed."
            )
    return " ".join([head, *out]).strip()


# ------------------------------------------------------------------ Firth


def _single_value(ch, model: str) -> str:
    """Why a logistic model cannot be fitted, in the reader's terms, or empty."""
    fit = tm.logistic_models(ch)[model]
    f = fit["firth"]
    n, events = int(f["n"].iloc[0]), int(f["events"].iloc[0])
    where = tm.FIRTH_MODELS[model][0]
    if n == 0:
        return f"Nobody in the model of {where} has every value measured"
    if events == 0:
        return f"Nobody in the model of {where} remitted"
    if events == n:
        return f"Everybody in the model of {where} remitted"
    return ""


def firth_display(ch) -> pd.DataFrame:
    """Maximum likelihood beside Firth, both models, one row per term.

    Columns ``Model``, ``Term``, ``OR, maximum likelihood (Wald CI)``, ``p
    (Wald)``, ``OR, Firth (profile penalised-likelihood CI)``, ``p (penalised
    likelihood ratio)``.
    """
    conf = _conf(ch)
    rows = []
    for key, fit in tm.logistic_models(ch).items():
        ml = fit["ml"].set_index("term")
        fi = fit["firth"].set_index("term")
        ml_why = "not estimable" if ml.attrs.get("error") else "cannot be computed"
        f_why = "not estimable" if fi.attrs.get("error") else "cannot be computed"
        for term in fit["terms"]:
            rows.append(
                {
                    "Model": tm.FIRTH_MODELS[key][0][0].upper()
                    + tm.FIRTH_MODELS[key][0][1:],
                    "Term": TERM_LABELS.get(term, term),
                    f"OR, maximum likelihood (Wald {conf})": _or_ci(
                        ml.loc[term, "odds_ratio"],
                        ml.loc[term, "ci_low"],
                        ml.loc[term, "ci_high"],
                        ml_why,
                    ),
                    "p (Wald)": _pval(ml.loc[term, "pval"]),
                    f"OR, Firth (profile {conf})": _or_ci(
                        fi.loc[term, "odds_ratio"],
                        fi.loc[term, "ci_low"],
                        fi.loc[term, "ci_high"],
                        f_why,
                    ),
                    "p (penalised likelihood ratio)": _pval(fi.loc[term, "pval"]),
                }
            )
    return pd.DataFrame(rows)


def _firth_model_sentence(ch, key: str, focus: tuple[str, ...]) -> str:
    fit = tm.logistic_models(ch)[key]
    where = tm.FIRTH_MODELS[key][0]
    reason = _single_value(ch, key)
    if reason:
        return (
            f"{reason}, so neither the maximum-likelihood nor the Firth model "
            "can be fitted."
        )
    f = fit["firth"].set_index("term")
    ml = fit["ml"].set_index("term")
    n, events = int(f["n"].iloc[0]), int(f["events"].iloc[0])
    k = len(fit["terms"])
    s = (
        f"The model of {where} has {events} {_plural(events, 'remission')} among {n} "
        f"participants for {k} covariates: {tm.epv(n, events, k):.1f} events per variable."
    )
    sep = fit["separation"]
    error = f.attrs.get("error", "")
    if sep["separated"]:
        names = [_short(t) for t in sep["infinite"]]
        s += (
            " The covariates separate remitters from non-remitters, so the "
            "maximum-likelihood estimates do not exist"
            + (f" (those of {_join(names)} are infinite)" if names else "")
            + "."
        )
        if error:
            return s + (
                " The Firth fit does not succeed on these data either "
                f"({error.removeprefix('the Firth fit failed (').rstrip(')')}), so "
                "no model of remission can be given."
            )
        s += " Firth's estimates stay finite."
    elif sep["separated"] is None:
        s += f" Separation cannot be checked ({sep['note']})."
    if error:
        return s + f" The Firth model cannot be fitted: {error}."
    parts = []
    for term in focus:
        r = f.loc[term]
        m = ml.loc[term]
        ml_part = (
            f"maximum likelihood {_or_ci(m['odds_ratio'], m['ci_low'], m['ci_high'])}, "
            f"{p_text(m['pval'])}"
            if _ok(m["odds_ratio"])
            else "no maximum-likelihood estimate"
        )
        parts.append(
            f"{_short(term)}: Firth odds ratio "
            f"{_or_ci(r['odds_ratio'], r['ci_low'], r['ci_high'])}, {p_text(r['pval'])} "
            f"({ml_part})"
        )
    return s + " " + "; ".join(parts) + "."


def _firth_sentences(ch) -> tuple[str, str]:
    return (
        _firth_model_sentence(ch, "whole", ("msc", "bmi_kg_m2", "fcp_pmol_l_0")),
        _firth_model_sentence(ch, "stepwise", ("fcp_pmol_l_0", "msc_cells_total")),
    )


# ------------------------------------------------------------------ bootstrap


def inclusion_display(ch) -> pd.DataFrame:
    """How often each candidate enters the bootstrap selections.

    Columns ``Candidate``, ``Selections including it``.
    """
    b = tm.bootstrap(ch)
    rows = []
    for r in b.inclusion.itertuples():
        rows.append(
            {
                "Candidate": TERM_LABELS[r.term],
                "Selections including it": f"{r.count} of {b.n_completed} "
                f"({100 * r.share:.0f}%)"
                if b.n_completed
                else "no selection completed",
            }
        )
    return pd.DataFrame(rows)


def models_display(ch, *, top: int = 8) -> pd.DataFrame:
    """The most frequent models the bootstrap selections end with.

    Columns ``Selected candidates (besides the adjustment)``, ``Selections``.
    """
    b = tm.bootstrap(ch)
    rows = []
    for r in b.models.head(top).itertuples():
        names = (
            "none"
            if r.model == "none"
            else " + ".join(TERM_LABELS[t] for t in r.model.split(" + "))
        )
        rows.append(
            {
                "Selected candidates (besides the adjustment)": names,
                "Selections": f"{r.count} ({100 * r.share:.0f}%)",
            }
        )
    if not rows:
        rows.append(
            {
                "Selected candidates (besides the adjustment)": "no selection completed",
                "Selections": "0",
            }
        )
    return pd.DataFrame(rows)


def _bootstrap_sentence(ch) -> str:
    b = tm.bootstrap(ch)
    if not b.n_completed:
        return (
            f"The selection could not be completed in any of the {b.n_boot} bootstrap "
            "resamples of the MSC arm (a model of the selection could not be estimated: "
            "separation, or too little variation), so nothing can be said about how "
            "stable it is."
        )
    head = (
        f"Of {b.n_boot} bootstrap resamples of the MSC arm, the selection could be "
        f"completed in {b.n_completed}"
    )
    if b.n_completed < b.n_boot:
        head += (
            "; in the others a model of the selection could not be estimated "
            "(separation, or a resample with too little variation)"
        )
    inc = b.inclusion.set_index("term")
    parts = [f"{_short(t)} in {100 * inc.loc[t, 'share']:.0f}%" for t in inc.index]
    top = b.models.iloc[0]
    top_names = (
        "no candidate"
        if top["model"] == "none"
        else " + ".join(_short(t) for t in top["model"].split(" + "))
    )
    s = (
        f"{head}. The candidates entered as follows: {_join(parts)}. The most frequent "
        f"final model ({top_names}) was chosen in {100 * top['share']:.0f}% of them, "
        f"among {len(b.models)} distinct models."
    )
    if b.error:
        s += (
            " The selection on the data themselves cannot be completed "
            f"({b.error.removeprefix('the selection on the data failed ').strip('()')}), "
            "so its optimism cannot be estimated."
        )
    elif _ok(b.apparent_c, b.optimism):
        s += (
            f" The final model's C statistic is {b.apparent_c:.2f} on the data that "
            f"chose it; Harrell's bootstrap puts its optimism at {b.optimism:.2f}, for "
            f"an optimism-corrected C of {b.corrected_c:.2f}."
        )
    else:
        s += " Its C statistic cannot be computed on these data."
    return s


def _epv_sentence(ch) -> str:
    parts = []
    for key in tm.FIRTH_MODELS:
        fit = tm.logistic_models(ch)[key]
        f = fit["firth"]
        n, events = int(f["n"].iloc[0]), int(f["events"].iloc[0])
        v = tm.epv(n, events, len(fit["terms"])) if n else float("nan")
        parts.append(
            f"{_num(v, 1, 'no')} events per variable in the model of "
            f"{tm.FIRTH_MODELS[key][0]}"
        )
    return (
        f"The chapter's models have {_join(parts)}, against the 10 or more usually "
        "asked of a logistic model (Peduzzi et al., J Clin Epidemiol 1996)."
    )


# ------------------------------------------------------------------ dose


def dose_display(ch) -> pd.DataFrame:
    """Correlations of the dose with the change in C-peptide, MSC arm.

    Columns ``Dose``, ``Change in``, ``n``, ``Test``, ``r``, ``p``.
    """
    rows = []
    for r in tm.dose(ch).itertuples():
        rows.append(
            {
                "Dose": tm.DOSE_EXPOSURES[r.exposure],
                "Change in": tm.DOSE_MEASURES[r.measure],
                "n": f"{r.n}",
                "Test": r.test,
                "r": _num(r.r, 2, "not computed"),
                "p": _pval(r.pval),
            }
        )
    return pd.DataFrame(rows)


def _dose_sentence(ch) -> str:
    d = tm.dose(ch)
    out = []
    for exposure, label in tm.DOSE_EXPOSURES.items():
        sub = d.loc[d["exposure"] == exposure]
        if not sub["r"].notna().any():
            n = int(sub["n"].max()) if len(sub) else 0
            why = (
                "every participant received the same dose"
                if n >= 3
                else f"only {n} participants have both values"
            )
            out.append(
                f"The {label.split(',')[0]} cannot be correlated with the change "
                f"in C-peptide: {why}."
            )
            continue
        parts = []
        for r in sub.itertuples():
            if not _ok(r.r):
                parts.append(f"{tm.DOSE_MEASURES[r.measure]}: not tested")
                continue
            sym = "r" if r.test.startswith("Pearson") else "rho"
            name = "Pearson" if sym == "r" else "Spearman"
            parts.append(
                f"{tm.DOSE_MEASURES[r.measure]}: {name} {sym} = {r.r:.2f} "
                f"({p_text(r.pval)}, n = {r.n})"
            )
        out.append(
            f"With the {label.split(',')[0]}, the correlations with the change in "
            f"C-peptide are {'; '.join(parts)}."
        )
    return " ".join(out)


# ------------------------------------------------------------------ sample size


def sample_size_display(ch) -> pd.DataFrame:
    """Participants per arm for remission, across the plausible range.

    Columns ``Control remission``, ``Difference``, ``MSC remission``, and one
    ``n per arm, <power>% power`` column per power.
    """
    t = tm.sample_sizes(ch)
    rows = []
    for (cc, dc), g in t.groupby(["control_case", "diff_case"], sort=False):
        r0 = g.iloc[0]
        row = {
            "Control remission": f"{100 * r0.p_control:.1f}% ({_CASE[cc]})"
            if _ok(r0.p_control)
            else "not measured",
            "Difference, percentage points": f"{100 * r0['diff']:.1f} ({_CASE[dc]})"
            if _ok(r0["diff"])
            else "not estimable",
            "MSC remission": f"{100 * r0.p_msc:.1f}%" if _ok(r0.p_msc) else "not defined",
        }
        for r in g.itertuples():
            row[f"n per arm, {100 * r.power:.0f}% power"] = _n_text(r.n)
        rows.append(row)
    return pd.DataFrame(rows)


def ancova_sample_size_display(ch) -> pd.DataFrame:
    """Participants per arm for the log C-peptide ANCOVA (Lachin 2011).

    Columns ``C-peptide``, ``Ratio to detect``, ``Residual SD (log scale)``,
    and one ``n per arm`` column per power.
    """
    t = tm.ancova_sample_sizes(ch)
    labels = {k: lab for k, lab in tm.ANCOVA_MEASURES.values()}
    rows = []
    for (m, case), g in t.groupby(["measure", "ratio_case"], sort=False):
        r0 = g.iloc[0]
        row = {
            "C-peptide": labels[m],
            "Ratio to detect": f"{r0.ratio:.2f} ({_CASE[case]})"
            if _ok(r0.ratio)
            else "no ANCOVA",
            "Residual SD (log scale)": _num(r0.resid_sd, 3, "no ANCOVA"),
        }
        for r in g.itertuples():
            row[f"n per arm, {100 * r.power:.0f}% power"] = _n_text(r.n)
        rows.append(row)
    return pd.DataFrame(rows)


def _sample_size_sentence(ch) -> str:
    o = tm.observed_remission(ch)
    alpha = ch.settings.alpha
    t = tm.sample_sizes(ch)
    obs = t.loc[(t["control_case"] == "observed") & (t["diff_case"] == "observed")]
    if not (o["n1"] and o["n2"]):
        return "No remission difference can be estimated: an arm has nobody measured."
    s = (
        f"Per protocol, {o['x1']} of {o['n1']} MSC and {o['x2']} of {o['n2']} control "
        "participants remitted."
    )
    ns = obs.set_index("power")["n"]
    if all(_ok(ns[p]) for p in tm.POWERS):
        s += (
            f" To detect the observed difference of {100 * o['rd']:.1f} percentage "
            f"points (two-sided, alpha {alpha:g}) a confirmatory trial would need "
            + _join(
                [f"{math.ceil(ns[p])} per arm for {100 * p:.0f}% power" for p in tm.POWERS]
            )
            + "."
        )
        lo = t.loc[(t["control_case"] == "observed") & (t["diff_case"] == "low")]
        lo_n = lo.set_index("power")["n"]
        if _ok(o["rd_low"]) and _ok(lo_n[tm.POWERS[0]]):
            s += (
                f" If the true difference were the lower limit of its interval, "
                f"{100 * o['rd_low']:.1f} points, it would take "
                f"{math.ceil(lo_n[tm.POWERS[0]])} per arm for "
                f"{100 * tm.POWERS[0]:.0f}% power."
            )
        elif _ok(o["rd_low"]):
            s += (
                " The interval of the difference reaches "
                f"{100 * o['rd_low']:.1f} points, where no trial size can be given: "
                "the data are compatible with no benefit."
            )
    else:
        s += (
            " The observed difference is not a benefit of MSC (or a rate is 0% or "
            "100%), so no sample size can be given for it."
        )
    a = tm.ancova_sample_sizes(ch)
    pcp = a.loc[(a["measure"] == "pcp") & (a["ratio_case"] == "observed")]
    pn = pcp.set_index("power")["n"]
    if _ok(pn[tm.POWERS[0]]):
        r0 = pcp.iloc[0]
        s += (
            f" For the ANCOVA of log postprandial C-peptide, detecting its observed "
            f"ratio of {r0.ratio:.2f} with a residual SD of {r0.resid_sd:.3f} would "
            f"take {math.ceil(pn[tm.POWERS[0]])} per arm for "
            f"{100 * tm.POWERS[0]:.0f}% power."
        )
    else:
        s += (
            " For the ANCOVA of log postprandial C-peptide no size can be given: "
            "its observed ratio is not above 1, or it could not be fitted."
        )
    return s


def sentences(ch) -> dict:
    """The chapter's data-dependent sentences, keyed ``trial_models.text.<part>``."""
    whole, stepwise = _firth_sentences(ch)
    return {
        "trial_models.text.ancova": _ancova_sentence(ch),
        "trial_models.text.onset": _onset_sentence(ch),
        "trial_models.text.residuals": _residual_sentence(ch),
        "trial_models.text.mmrm": _mmrm_sentence(ch),
        "trial_models.text.firth_whole": whole,
        "trial_models.text.firth_stepwise": stepwise,
        "trial_models.text.bootstrap": _bootstrap_sentence(ch),
        "trial_models.text.epv": _epv_sentence(ch),
        "trial_models.text.dose": _dose_sentence(ch),
        "trial_models.text.sample_size": _sample_size_sentence(ch),
    }
