"""Chapter: the models a type 1 diabetes trial is judged by (issue 15).

The paper tests C-peptide, HbA1c and insulin dose visit by visit and fits two
small logistic models by maximum likelihood with stepwise selection. Trials of
beta-cell preservation are analysed differently; this chapter adds:

1. *ANCOVA of log(C-peptide + 1)* at the endpoint on arm and the baseline log
   value (Lachin et al., PLoS One 2011), fasting and postprandial, in the
   per-protocol set; a second model adds the onset group, and the model is
   repeated within each onset group.
2. *A mixed model for repeated measures* (MMRM) of HbA1c, daily insulin dose
   and log C-peptide over every post-baseline visit, every enrolled participant
   with a baseline value (missing at random).
3. *Firth-penalised logistic regression* of the book's two models (the
   whole-population model and the paper's final MSC-arm model), with profile
   penalised-likelihood intervals and penalised likelihood-ratio p-values,
   beside the maximum-likelihood fits; separation detected.
4. *Bootstrap stability of the forward selection* in the MSC arm (1,000
   resamples, fewer above 5,000 participants; fixed seed) and Harrell's
   optimism of its C statistic.
5. *Dose and response*: cells infused (total and per kg) against the change in
   C-peptide in the MSC arm, Pearson or Spearman by the paper's normality rule.
6. *The size of a confirmatory trial* for remission (Fleiss with continuity
   correction) and for the log C-peptide ANCOVA (Lachin 2011).

Display frames and sentences are in :mod:`ucmsc_repro.chapters.trial_models_text`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from ..core.exceptions import ModelFitError
from ..core.results_table import result_row, results_frame
from ..stats import small_sample as ss
from ..stats.ancova import log_ancova
from ..stats.correlation import correlate
from ..stats.firth import firth_logit_table, separation
from ..stats.logistic import logit_table, missing_table
from ..stats.repeated_measures import mmrm
from ..stats.sample_size import n_log_ancova, n_two_proportions
from ..stats.selection_stability import bootstrap_selection
from .confounding import month_key
from .factors import MSC_ADJUSTMENT, MSC_CANDIDATES, WHOLE_POPULATION_COVARIATES

__all__ = [
    "ANCOVA_MEASURES",
    "ONSET_GROUPS",
    "MMRM_OUTCOMES",
    "STEPWISE_TERMS",
    "FIRTH_MODELS",
    "N_BOOT",
    "BOOT_FULL_UP_TO",
    "n_resamples",
    "BOOT_SEED",
    "POWERS",
    "DOSE_MEASURES",
    "DOSE_EXPOSURES",
    "ancova",
    "mmrm_long",
    "repeated",
    "logistic_models",
    "epv",
    "bootstrap",
    "dose",
    "sample_sizes",
    "sample_size_curve",
    "ancova_sample_sizes",
    "results",
]

#: C-peptide measures of the ANCOVA: column stem -> (key, label).
ANCOVA_MEASURES: dict[str, tuple[str, str]] = {
    "fcp_pmol_l": ("fcp", "Fasting C-peptide"),
    "pcp_pmol_l": ("pcp", "2-h postprandial C-peptide"),
}
#: Onset groups (``ch.table["onset"]``) of the ANCOVA by onset.
ONSET_GROUPS: tuple[str, ...] = ("adult", "juvenile")
#: Offset of the log scale: log(C-peptide + 1), pmol/L (Lachin et al. 2011).
LOG_OFFSET = 1.0

#: Outcomes of the MMRM: key -> (visit column, label, log scale).
MMRM_OUTCOMES: dict[str, tuple[str, str, bool]] = {
    "hba1c": ("hba1c_pct", "HbA1c, %", False),
    "insulin": ("insulin_iu_kg_day", "Daily insulin dose, IU/kg/day", False),
    "log_fcp": ("fcp_pmol_l", "log(fasting C-peptide + 1)", True),
    "log_pcp": ("pcp_pmol_l", "log(postprandial C-peptide + 1)", True),
}

#: The paper's final MSC-arm model: the forced adjustment, fasting C-peptide and cells.
STEPWISE_TERMS: tuple[str, ...] = (*MSC_ADJUSTMENT, "fcp_pmol_l_0", "msc_cells_total")
#: The two logistic models: key -> (label, population, terms).
FIRTH_MODELS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "whole": ("all participants (Table S3)", "pp", WHOLE_POPULATION_COVARIATES),
    "stepwise": ("the MSC arm (the paper's final model)", "msc", STEPWISE_TERMS),
}

#: Bootstrap resamples of the forward selection, and their seed.
N_BOOT = 1000
#: Participants up to which the bootstrap uses all :data:`N_BOOT` resamples.
BOOT_FULL_UP_TO = 5000
BOOT_SEED = 20211115

#: Powers of the sample-size tables.
POWERS: tuple[float, ...] = (0.8, 0.9)

#: C-peptide changes correlated with the dose: column -> label.
DOSE_MEASURES: dict[str, str] = {
    "fcp_pmol_l": "fasting C-peptide",
    "pcp_pmol_l": "postprandial C-peptide",
}
#: Dose measures: key -> label (``total``: 10^6 cells; ``per_kg``: 10^6 cells/kg).
DOSE_EXPOSURES: dict[str, str] = {
    "total": "cells infused, 10^6",
    "per_kg": "cells infused per kg, 10^6/kg",
}

_NAN = float("nan")


def _cache(ch) -> dict:
    key = (id(ch.table), repr(ch.settings))
    store = getattr(ch, "_trial_models_cache", None)
    if store is None or store.get("_key") != key:
        store = {"_key": key}
        ch._trial_models_cache = store
    return store


def _memo(ch, name, fn):
    store = _cache(ch)
    if name not in store:
        store[name] = fn()
    return store[name]


def _pp(ch) -> pd.DataFrame:
    t = ch.table
    return t.loc[t["per_protocol"].astype(bool)].reset_index(drop=True)


def _msc_pp(ch) -> pd.DataFrame:
    pp = _pp(ch)
    return pp.loc[pp["msc"] == 1].reset_index(drop=True)


# ------------------------------------------------------------------ ANCOVA


def ancova(ch) -> dict:
    """Every log-scale ANCOVA of the chapter, per protocol.

    Returns
    -------
    dict
        ``(measure_key, model)`` -> :class:`ucmsc_repro.stats.ancova.LogAncova`,
        ``measure_key`` in ``fcp``, ``pcp`` and ``model`` ``main`` (arm and
        baseline), ``onset`` (plus an adult-onset indicator) or an onset group
        of :data:`ONSET_GROUPS` (the main model within that group). The
        outcome is the value at the settings' endpoint month.
    """

    def compute():
        pp = _pp(ch).copy()
        pp["adult_onset"] = pp["onset"].eq("adult").astype(float)
        out = {}
        for stem, (key, _label) in ANCOVA_MEASURES.items():
            kw = {
                "outcome": f"{stem}_end",
                "baseline": f"{stem}_0",
                "group": "msc",
                "offset": LOG_OFFSET,
                "alpha": ch.settings.alpha,
            }
            out[(key, "main")] = log_ancova(pp, **kw)
            out[(key, "onset")] = log_ancova(pp, covariates=["adult_onset"], **kw)
            for g in ONSET_GROUPS:
                out[(key, g)] = log_ancova(pp.loc[pp["onset"] == g], **kw)
        return out

    return _memo(ch, "ancova", compute)


# ------------------------------------------------------------------ MMRM


def mmrm_long(ch, outcome: str) -> pd.DataFrame:
    """One row per enrolled participant and post-baseline visit for an MMRM outcome.

    Columns ``subject_id``, ``month``, ``y`` (the visit value, on the log
    scale for the C-peptides), ``msc``, ``baseline`` (the month-0 value, same
    scale).
    """
    col, _label, log = MMRM_OUTCOMES[outcome]
    t = ch.table.set_index("subject_id")
    v = ch.data.visits
    month = v["month"].astype(float)
    long = v.loc[month > 0, ["subject_id", "month", col]].copy()
    long["month"] = long["month"].astype(float)
    long = long.rename(columns={col: "y"})
    long["msc"] = long["subject_id"].map(t["msc"]).astype(float)
    long["baseline"] = long["subject_id"].map(t[f"{col}_0"]).astype(float)
    if log:
        for c in ("y", "baseline"):
            x = long[c].astype(float)
            long[c] = np.log(x.where(x + LOG_OFFSET > 0) + LOG_OFFSET)
    return long.reset_index(drop=True)


def repeated(ch) -> dict:
    """The MMRM of every outcome of :data:`MMRM_OUTCOMES`: key -> ``MMRMResult``."""

    def compute():
        out = {}
        for key in MMRM_OUTCOMES:
            out[key] = mmrm(
                mmrm_long(ch, key),
                subject="subject_id",
                visit="month",
                outcome="y",
                group="msc",
                baseline="baseline",
                alpha=ch.settings.alpha,
            )
        return out

    return _memo(ch, "mmrm", compute)


# ------------------------------------------------------------------ Firth


def _model_data(ch, population: str) -> pd.DataFrame:
    return _pp(ch) if population == "pp" else _msc_pp(ch)


def logistic_models(ch) -> dict:
    """Both logistic models by maximum likelihood and by Firth's penalised likelihood.

    Returns
    -------
    dict
        model key (:data:`FIRTH_MODELS`) -> dict with ``ml`` (the
        :func:`ucmsc_repro.stats.logistic.logit_table`, Wald CI and p;
        ``attrs["error"]`` when not estimable), ``firth`` (the
        :func:`ucmsc_repro.stats.firth.firth_logit_table`), ``separation``
        (:func:`ucmsc_repro.stats.firth.separation`), ``terms``.
    """

    def compute():
        alpha = ch.settings.alpha
        out = {}
        for key, (_label, population, terms) in FIRTH_MODELS.items():
            d = _model_data(ch, population)
            try:
                ml = logit_table(d, outcome="remission", covariates=terms, alpha=alpha)
                ml.attrs["error"] = ""
            except ModelFitError as err:
                ml = missing_table(d, "remission", terms, str(err))
            firth = firth_logit_table(d, outcome="remission", covariates=terms, alpha=alpha)
            sep = separation(d, outcome="remission", covariates=terms)
            out[key] = {"ml": ml, "firth": firth, "separation": sep, "terms": terms}
        return out

    return _memo(ch, "logistic", compute)


def epv(n: int, events: int, n_terms: int) -> float:
    """Events per variable: the smaller outcome count over the number of terms.

    Examples
    --------
    >>> epv(53, 14, 7)
    2.0
    """
    return min(events, n - events) / n_terms if n_terms else _NAN


# ------------------------------------------------------------------ bootstrap


def n_resamples(n: int) -> int:
    """Bootstrap resamples for ``n`` participants: :data:`N_BOOT`, and above
    :data:`BOOT_FULL_UP_TO` participants fewer, in proportion (at least 100), so
    the selection is repeated on about as many participant-rows in all; with so
    many participants the selection barely varies between resamples.

    >>> n_resamples(27), n_resamples(25_000)
    (1000, 200)
    """
    if n <= BOOT_FULL_UP_TO:
        return N_BOOT
    return max(100, round(N_BOOT * BOOT_FULL_UP_TO / n))


def bootstrap(ch):
    """The forward selection of the MSC arm on :func:`n_resamples` bootstrap
    resamples (:data:`N_BOOT` up to :data:`BOOT_FULL_UP_TO` participants).

    :func:`ucmsc_repro.stats.selection_stability.bootstrap_selection` with the
    candidates and forced terms of :func:`ucmsc_repro.chapters.factors.msc_stepwise`,
    seed :data:`BOOT_SEED`.
    """

    def compute():
        return bootstrap_selection(
            _msc_pp(ch),
            outcome="remission",
            candidates=MSC_CANDIDATES,
            forced=MSC_ADJUSTMENT,
            n_boot=n_resamples(len(_msc_pp(ch))),
            seed=BOOT_SEED,
        )

    return _memo(ch, "bootstrap", compute)


# ------------------------------------------------------------------ dose


def dose_frame(ch) -> pd.DataFrame:
    """The MSC arm, per protocol: dose and C-peptide change, one row per participant.

    Columns ``total`` (10^6 cells), ``per_kg`` (10^6 cells per kg of body
    weight), ``fcp_pmol_l``, ``pcp_pmol_l`` (change from baseline to the
    endpoint, pmol/L).
    """
    m = _msc_pp(ch)
    total = m["msc_cells_total"].astype(float)
    weight = m["weight_kg"].astype(float)
    return pd.DataFrame(
        {
            "total": total,
            "per_kg": total / weight.where(weight > 0),
            **{c: m[f"{c}_change"].astype(float) for c in DOSE_MEASURES},
        }
    )


def dose(ch) -> pd.DataFrame:
    """Correlation of each dose measure with each C-peptide change, MSC arm.

    Columns ``exposure``, ``measure``, and those of
    :func:`ucmsc_repro.stats.correlation.correlate` (``test``, ``r``, ``pval``,
    ``n``, ``normal``).
    """

    def compute():
        f = dose_frame(ch)
        rows = []
        for e in DOSE_EXPOSURES:
            for m in DOSE_MEASURES:
                rows.append({"exposure": e, "measure": m, **correlate(f[e], f[m])})
        return pd.DataFrame(rows)

    return _memo(ch, "dose", compute)


# ------------------------------------------------------------------ sample size


def observed_remission(ch) -> dict:
    """Per-protocol remission by arm, the Wilson interval of the control rate and
    the Miettinen-Nurminen interval of the difference."""

    def compute():
        pp = _pp(ch)
        y = pp["remission"].astype(float)
        known = y.notna()
        msc = pp["msc"].eq(1)
        x1, n1 = int(y[known & msc].sum()), int((known & msc).sum())
        x2, n2 = int(y[known & ~msc].sum()), int((known & ~msc).sum())
        alpha = ch.settings.alpha
        if n2:
            lo, hi = proportion_confint(x2, n2, alpha=alpha, method="wilson")
        else:
            lo = hi = _NAN
        mn = ss.mn_interval(x1, n1, x2, n2, alpha=alpha) if n1 and n2 else {}
        return {
            "x1": x1,
            "n1": n1,
            "x2": x2,
            "n2": n2,
            "p1": x1 / n1 if n1 else _NAN,
            "p2": x2 / n2 if n2 else _NAN,
            "p2_low": float(lo),
            "p2_high": float(hi),
            "rd": float(mn.get("estimate", _NAN)),
            "rd_low": float(mn.get("ci_low", _NAN)),
            "rd_high": float(mn.get("ci_high", _NAN)),
        }

    return _memo(ch, "observed", compute)


def _n(p2: float, diff: float, alpha: float, power: float) -> float:
    if not (math.isfinite(p2) and math.isfinite(diff)):
        return _NAN
    p1 = p2 + diff
    if diff <= 0 or not (0 < p1 < 1 and 0 < p2 < 1):
        return _NAN
    return n_two_proportions(p1, p2, alpha=alpha, power=power)


def sample_sizes(ch) -> pd.DataFrame:
    """Participants per arm to detect a remission difference, over the plausible range.

    Control rates: the observed one and its Wilson interval; differences: the
    observed one and its Miettinen-Nurminen interval; each at the powers of
    :data:`POWERS`, two-sided at the settings' alpha, Fleiss's formula with
    continuity correction. Columns ``control_case``, ``diff_case`` (``low``,
    ``observed``, ``high``), ``p_control``, ``diff``, ``p_msc``, ``power``,
    ``n`` (unrounded; NaN when the difference is not a benefit or a rate is
    outside (0, 1)), ``n_ceil``.
    """

    def compute():
        o = observed_remission(ch)
        alpha = ch.settings.alpha
        rows = []
        controls = {"low": o["p2_low"], "observed": o["p2"], "high": o["p2_high"]}
        diffs = {"low": o["rd_low"], "observed": o["rd"], "high": o["rd_high"]}
        for ck, p2 in controls.items():
            for dk, d in diffs.items():
                for power in POWERS:
                    n = _n(p2, d, alpha, power)
                    rows.append(
                        {
                            "control_case": ck,
                            "diff_case": dk,
                            "p_control": p2,
                            "diff": d,
                            "p_msc": p2 + d,
                            "power": power,
                            "n": n,
                            "n_ceil": float(math.ceil(n)) if math.isfinite(n) else _NAN,
                        }
                    )
        return pd.DataFrame(rows)

    return _memo(ch, "sample_sizes", compute)


def sample_size_curve(ch, *, points: int = 60) -> pd.DataFrame:
    """n per arm against the remission difference, at the observed control rate.

    Columns ``diff``, ``power``, ``n``; differences from 0.05 up to the
    largest that keeps the MSC rate below 1.
    """
    o = observed_remission(ch)
    p2 = o["p2"]
    rows = []
    if math.isfinite(p2) and 0 < p2 < 0.95:
        for d in np.linspace(0.05, 0.99 - p2, points):
            for power in POWERS:
                rows.append(
                    {
                        "diff": float(d),
                        "power": power,
                        "n": _n(p2, d, ch.settings.alpha, power),
                    }
                )
    return pd.DataFrame(rows, columns=["diff", "power", "n"])


def ancova_sample_sizes(ch) -> pd.DataFrame:
    """Participants per arm for the log C-peptide ANCOVA (Lachin et al. 2011).

    From the residual SD of each main ANCOVA, to detect its observed ratio and
    the ratio at each end of its interval. Columns ``measure``,
    ``ratio_case`` (``low``, ``observed``, ``high``), ``ratio``,
    ``resid_sd``, ``power``, ``n`` (NaN when the ratio is not above 1: no
    benefit to detect), ``n_ceil``.
    """

    def compute():
        rows = []
        for key in ("fcp", "pcp"):
            a = ancova(ch)[(key, "main")]
            for case, ratio in (
                ("low", a.ratio_ci_low),
                ("observed", a.ratio),
                ("high", a.ratio_ci_high),
            ):
                for power in POWERS:
                    ok = math.isfinite(ratio) and ratio > 1 and math.isfinite(a.resid_sd)
                    n = (
                        n_log_ancova(
                            a.resid_sd, ratio, alpha=ch.settings.alpha, power=power
                        )
                        if ok
                        else _NAN
                    )
                    rows.append(
                        {
                            "measure": key,
                            "ratio_case": case,
                            "ratio": ratio,
                            "resid_sd": a.resid_sd,
                            "power": power,
                            "n": n,
                            "n_ceil": float(math.ceil(n)) if math.isfinite(n) else _NAN,
                        }
                    )
        return pd.DataFrame(rows)

    return _memo(ch, "ancova_sample_sizes", compute)


# ------------------------------------------------------------------ results


def _power_key(power: float) -> str:
    return f"power{round(100 * power)}"


def _ancova_rows(ch) -> list[dict]:
    rows = []
    method = "ANCOVA of log(C-peptide + 1) on arm and log baseline (OLS, t)"
    for (key, model), a in ancova(ch).items():
        k = f"trial_models.ancova.{key}" if model == "main" else None
        if model == "onset":
            k = f"trial_models.ancova.{key}_adj_onset"
            m = method + ", adjusted for adult onset"
        elif model in ONSET_GROUPS:
            k = f"trial_models.ancova.{key}_onset.{model}"
            m = method + f", {model}-onset participants"
        else:
            m = method
        if a.error:
            m += f"; not estimable: {a.error}"
        rows += [
            result_row(
                f"{k}.ratio", a.ratio, m, n=a.n, ci=(a.ratio_ci_low, a.ratio_ci_high)
            ),
            result_row(f"{k}.pval", a.pval, m, n=a.n),
            result_row(f"{k}.n", a.n, "complete cases"),
        ]
        adj = a.adjusted.set_index("group")
        for g, name in ((1, "msc"), (0, "control")):
            r = adj.loc[g]
            rows.append(
                result_row(
                    f"{k}.geo_mean.{name}",
                    r["geo_mean"],
                    m + "; adjusted geometric mean of (x + 1) minus 1, pmol/L",
                    n=r["n"],
                    ci=(r["geo_ci_low"], r["geo_ci_high"]),
                )
            )
        if model == "main":
            rows += [
                result_row(f"{k}.resid_sd", a.resid_sd, m + "; residual SD", n=a.n),
                result_row(
                    f"{k}.shapiro_pval",
                    a.shapiro_pval,
                    "Shapiro-Wilk test of the ANCOVA residuals",
                    n=a.n,
                ),
            ]
    return rows


def _mmrm_rows(ch) -> list[dict]:
    rows = []
    for key, r in repeated(ch).items():
        base = f"trial_models.mmrm.{key}"
        if r.error:
            method = f"MMRM (REML GLS); not estimable: {r.error}"
        else:
            method = f"MMRM (REML GLS, {r.covariance} covariance), t test"
        rows += [
            result_row(f"{base}.n_subjects", r.n_subjects, "count"),
            result_row(f"{base}.n_obs", r.n_obs, "count"),
            result_row(
                f"{base}.unstructured",
                None if r.error else float(r.covariance == "unstructured"),
                "1 = unstructured covariance estimated, 0 = a simpler one",
            ),
        ]
        for e in r.estimates.itertuples():
            k = f"{base}.{month_key(e.visit)}"
            n = e.n_treated + e.n_reference
            rows += [
                result_row(f"{k}.diff", e.diff, method, n=n, ci=(e.ci_low, e.ci_high)),
                result_row(f"{k}.pval", e.pval, method, n=n),
                result_row(f"{k}.mean_msc", e.mean_treated, method + "; model-based mean"),
                result_row(
                    f"{k}.mean_control", e.mean_reference, method + "; model-based mean"
                ),
            ]
    return rows


def _firth_rows(ch) -> list[dict]:
    rows = []
    for key, fit in logistic_models(ch).items():
        base = f"trial_models.firth.{key}"
        firth = fit["firth"].set_index("term")
        ml = fit["ml"].set_index("term")
        f_err, ml_err = firth.attrs.get("error", ""), ml.attrs.get("error", "")
        fm = "Firth logistic regression; profile penalised-likelihood CI"
        fp = "Firth logistic regression; penalised likelihood-ratio test"
        mm = "logistic regression (maximum likelihood); Wald CI"
        mp = "logistic regression (maximum likelihood); Wald z test"
        if f_err:
            fm, fp = (f"{x}; not estimable: {f_err}" for x in (fm, fp))
        if ml_err:
            mm, mp = (f"{x}; not estimable: {ml_err}" for x in (mm, mp))
        n = int(firth["n"].iloc[0])
        events = int(firth["events"].iloc[0])
        for term in fit["terms"]:
            f, m = firth.loc[term], ml.loc[term]
            rows += [
                result_row(
                    f"{base}.{term}.or",
                    f["odds_ratio"],
                    fm,
                    n=n,
                    ci=(f["ci_low"], f["ci_high"]),
                ),
                result_row(f"{base}.{term}.pval", f["pval"], fp, n=n),
                result_row(
                    f"{base}.{term}.ml_or",
                    m["odds_ratio"],
                    mm,
                    n=n,
                    ci=(m["ci_low"], m["ci_high"]),
                ),
                result_row(f"{base}.{term}.ml_pval", m["pval"], mp, n=n),
            ]
        sep = fit["separation"]
        rows += [
            result_row(f"{base}.n", n, "complete cases"),
            result_row(f"{base}.events", events, "remissions"),
            result_row(
                f"{base}.epv",
                epv(n, events, len(fit["terms"])) if n else None,
                "events per variable: smaller outcome count / number of covariates",
                n=n,
            ),
            result_row(
                f"{base}.separated",
                None if sep["separated"] is None else float(sep["separated"]),
                "separation (Konis 2007 linear programme): 1 = ML estimates infinite",
                n=sep["n"],
            ),
        ]
    return rows


def _bootstrap_rows(ch) -> list[dict]:
    b = bootstrap(ch)
    method = f"forward selection on {b.n_boot} bootstrap resamples (seed {b.seed})"
    rows = [
        result_row("trial_models.bootstrap.n_boot", b.n_boot, "count"),
        result_row("trial_models.bootstrap.n_completed", b.n_completed, method),
        result_row("trial_models.bootstrap.seed", b.seed, "seed of numpy default_rng"),
    ]
    for r in b.inclusion.itertuples():
        rows.append(
            result_row(
                f"trial_models.bootstrap.{r.term}.share",
                r.share if b.n_completed else None,
                method + "; share of completed selections that include it",
                n=b.n_completed,
            )
        )
    top = b.models.iloc[0] if len(b.models) else None
    rows.append(
        result_row(
            "trial_models.bootstrap.top_model.share",
            None if top is None else top["share"],
            method + "; share of the most frequent selected model",
            n=b.n_completed,
        )
    )
    rows.append(
        result_row(
            "trial_models.bootstrap.n_models",
            len(b.models),
            method + "; distinct selected models",
            n=b.n_completed,
        )
    )
    hm = "C statistic; Harrell's bootstrap optimism (whole selection repeated)"
    rows += [
        result_row("trial_models.bootstrap.apparent_c", b.apparent_c, hm),
        result_row("trial_models.bootstrap.optimism", b.optimism, hm, n=b.n_completed),
        result_row(
            "trial_models.bootstrap.corrected_c", b.corrected_c, hm, n=b.n_completed
        ),
    ]
    return rows


def _dose_rows(ch) -> list[dict]:
    rows = []
    for r in dose(ch).itertuples():
        k = f"trial_models.dose.{r.measure}" + ("" if r.exposure == "total" else ".per_kg")
        rows += [
            result_row(f"{k}.r", r.r, r.test, n=r.n),
            result_row(f"{k}.pval", r.pval, r.test, n=r.n),
        ]
    return rows


def _sample_size_rows(ch) -> list[dict]:
    o = observed_remission(ch)
    rows = [
        result_row(
            "trial_models.sample_size.remission.p_msc", o["p1"], "proportion", n=o["n1"]
        ),
        result_row(
            "trial_models.sample_size.remission.p_control",
            o["p2"],
            "proportion; Wilson interval",
            n=o["n2"],
            ci=(o["p2_low"], o["p2_high"]),
        ),
        result_row(
            "trial_models.sample_size.remission.rd",
            o["rd"],
            "Miettinen-Nurminen score interval",
            n=o["n1"] + o["n2"],
            ci=(o["rd_low"], o["rd_high"]),
        ),
    ]
    fm = "n per arm, Fleiss with continuity correction, two-sided"
    for r in sample_sizes(ch).itertuples():
        k = (
            f"trial_models.sample_size.remission.control_{r.control_case}"
            f".diff_{r.diff_case}.{_power_key(r.power)}"
        )
        rows.append(result_row(k, r.n, fm))
    lm = "n per arm, ANCOVA of log(C-peptide + 1) (Lachin 2011), two-sided"
    for r in ancova_sample_sizes(ch).itertuples():
        k = f"trial_models.sample_size.ancova_{r.measure}.ratio_{r.ratio_case}"
        rows.append(result_row(f"{k}.{_power_key(r.power)}", r.n, lm))
    return rows


def results(ch) -> pd.DataFrame:
    """Every statistic of the chapter, one row per key ``trial_models.<...>``.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``value``, ``ci_low``, ``ci_high``, ``method``, ``n``.
        Keys: ``trial_models.ancova.<fcp|pcp>[_adj_onset|_onset.<group>].<ratio|
        pval|n|geo_mean.<msc|control>>`` (and ``resid_sd``, ``shapiro_pval`` of the
        main models); ``trial_models.mmrm.<outcome>.<m3|m6|...>.<diff|pval|
        mean_msc|mean_control>``; ``trial_models.firth.<whole|stepwise>.<term>.
        <or|pval|ml_or|ml_pval>`` and ``.<n|events|epv|separated>``;
        ``trial_models.bootstrap.<candidate>.share`` and the optimism;
        ``trial_models.dose.<fcp_pmol_l|pcp_pmol_l>[.per_kg].<r|pval>``;
        ``trial_models.sample_size.*``.
    """
    rows = (
        _ancova_rows(ch)
        + _mmrm_rows(ch)
        + _firth_rows(ch)
        + _bootstrap_rows(ch)
        + _dose_rows(ch)
        + _sample_size_rows(ch)
    )
    return results_frame(rows)
