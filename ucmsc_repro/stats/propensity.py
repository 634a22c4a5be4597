"""Propensity scores, balancing weights, weighted balance and weighted risks.

A propensity score (the probability of treatment given baseline covariates,
Rosenbaum and Rubin 1983) from a logistic model; overlap weights (Li, Morgan
and Zaslavsky 2018) and inverse-probability weights; standardized mean
differences before and after weighting; the weighted risk difference and risk
ratio of a binary outcome with robust (sandwich) standard errors.

Nothing here knows about the trial: arrays and frames in, numbers out.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    DomainWarning,
    PerfectSeparationWarning,
)

__all__ = [
    "WEIGHT_KINDS",
    "propensity_score",
    "balancing_weights",
    "effective_sample_size",
    "weighted_smd",
    "balance_table",
    "weighted_risk_difference",
    "weighted_effects",
]

_NAN = float("nan")

#: Weights of :func:`balancing_weights`: kind -> (weight of the treated, of the controls).
WEIGHT_KINDS = {
    "overlap": "overlap weights (treated 1 - e, controls e; Li, Morgan, Zaslavsky 2018)",
    "ipw": "inverse probability weights (treated 1/e, controls 1/(1 - e))",
}

# A fitted score this close to 0 or 1 means the covariates (almost) separate the arms.
_SEPARATION_EPS = 1e-6


def propensity_score(frame: pd.DataFrame, *, treatment: str, covariates) -> dict:
    """Logistic propensity score of ``treatment`` (0/1) on ``covariates``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per participant.
    treatment : str
        Column with 1 for treated, 0 for control.
    covariates : list of str
        Numeric columns entered linearly (main effects).

    Returns
    -------
    dict
        ``score`` (numpy array, one per row; NaN when not computable),
        ``used`` (covariates in the model), ``dropped`` (covariates left out
        because constant), ``n_filled`` (missing covariate values replaced by
        the column mean), ``c_statistic`` (area under the ROC curve of the
        score), ``separated`` (True when a fitted score is within 1e-6 of 0 or
        1 or the fit did not converge), ``note`` (empty, or why there is no
        score or why the weights are unreliable).

    Notes
    -----
    Fitted by ``statsmodels`` GLM (binomial, logit link), as R
    ``glm(treatment ~ covariates, family = binomial)``. A covariate with one
    value only is dropped (it cannot be estimated); missing covariate values
    are replaced by the column mean and counted. An arm without participants
    gives no score. Complete separation makes the maximum-likelihood fit
    diverge: the score is then returned but flagged, and the note says that
    the arms do not overlap.

    References
    ----------
    Rosenbaum PR, Rubin DB. The central role of the propensity score in
    observational studies for causal effects. Biometrika 1983;70:41-55.

    Examples
    --------
    >>> d = pd.DataFrame({"t": [1, 1, 1, 0, 0, 0, 1, 0], "x": [3, 2, 4, 1, 2, 0, 1, 3]})
    >>> r = propensity_score(d, treatment="t", covariates=["x"])
    >>> [round(float(v), 4) for v in r["score"][:3]], r["note"]
    ([0.6806, 0.5, 0.8194], '')
    """
    t = frame[treatment].to_numpy(dtype=float)
    n = len(frame)
    out = {
        "score": np.full(n, _NAN),
        "used": [],
        "dropped": [],
        "n_filled": 0,
        "c_statistic": _NAN,
        "separated": False,
        "note": "",
    }
    if n == 0 or t.sum() == 0 or t.sum() == n:
        out["note"] = "an arm has no participants"
        return out
    x = frame[list(covariates)].apply(pd.to_numeric, errors="coerce").astype(float)
    out["n_filled"] = int(x.isna().sum().sum())
    x = x.fillna(x.mean())
    used = [c for c in x.columns if x[c].notna().all() and x[c].nunique() > 1]
    out["used"] = used
    out["dropped"] = [c for c in x.columns if c not in used]
    design = sm.add_constant(x[used].to_numpy(), has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = sm.GLM(t, design, family=sm.families.Binomial()).fit(maxiter=100)
            score = np.asarray(fit.predict(design), dtype=float)
            converged = bool(fit.converged)
        except (np.linalg.LinAlgError, ValueError):
            score, converged = np.full(n, _NAN), False
    trouble = any(
        issubclass(w.category, (PerfectSeparationWarning, ConvergenceWarning))
        for w in caught
    )
    if not np.isfinite(score).all():
        out["note"] = "the propensity model could not be fitted"
        return out
    out["score"] = score
    extreme = (score < _SEPARATION_EPS) | (score > 1 - _SEPARATION_EPS)
    out["separated"] = bool(extreme.any() or trouble or not converged)
    if out["separated"]:
        out["note"] = (
            "the covariates (almost) separate the arms: some participants have a "
            "propensity score of 0 or 1, so the arms do not overlap"
        )
    out["c_statistic"] = _c_statistic(score, t)
    return out


def _c_statistic(score: np.ndarray, t: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney form, ties count one half)."""
    ranks = stats.rankdata(score)
    n1 = t.sum()
    n0 = t.size - n1
    return float((ranks[t == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def balancing_weights(score, treated, *, kind: str = "overlap") -> np.ndarray:
    """Overlap or inverse-probability weights from a propensity score.

    Parameters
    ----------
    score : array-like of float
        Propensity score e (probability of treatment).
    treated : array-like of 0/1
    kind : {"overlap", "ipw"}
        ``"overlap"``: 1 - e for the treated, e for the controls (target: the
        overlap population, ATO); ``"ipw"``: 1/e and 1/(1 - e) (target: the
        whole population, ATE).

    Returns
    -------
    numpy.ndarray
        One weight per participant (NaN where the score is NaN; inf for IPW at
        a score of exactly 0 or 1).

    References
    ----------
    Li F, Morgan KL, Zaslavsky AM. Balancing covariates via propensity score
    weighting. J Am Stat Assoc 2018;113:390-400.

    Examples
    --------
    >>> balancing_weights([0.2, 0.8], [1, 0]).tolist()
    [0.8, 0.8]
    >>> balancing_weights([0.2, 0.8], [1, 0], kind="ipw").round(6).tolist()
    [5.0, 5.0]
    """
    e = np.asarray(score, dtype=float)
    a = np.asarray(treated, dtype=float)
    if kind == "overlap":
        return np.where(a == 1, 1 - e, e)
    if kind == "ipw":
        with np.errstate(divide="ignore"):
            return np.where(a == 1, 1 / e, 1 / (1 - e))
    raise ValueError(f"kind must be one of {sorted(WEIGHT_KINDS)}, got {kind!r}")


def effective_sample_size(weights) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2.

    Examples
    --------
    >>> effective_sample_size([1, 1, 1, 1]), round(effective_sample_size([1, 3]), 4)
    (4.0, 1.6)
    """
    w = np.asarray(weights, dtype=float)
    if w.size == 0 or not np.isfinite(w).all() or (w**2).sum() == 0:
        return _NAN
    return float(w.sum() ** 2 / (w**2).sum())


def _is_binary(x: np.ndarray) -> bool:
    v = np.unique(x[np.isfinite(x)])
    return v.size <= 2 and set(v.tolist()) <= {0.0, 1.0}


def weighted_smd(x, treated, weights=None) -> float:
    """Standardized mean difference, treated minus control, optionally weighted.

    Parameters
    ----------
    x : array-like of float
        The covariate (0/1 for a binary one); missing values are left out.
    treated : array-like of 0/1
    weights : array-like of float, optional
        Balancing weights (None: unweighted).

    Returns
    -------
    float
        (weighted mean of the treated - weighted mean of the controls) /
        sqrt((s1^2 + s0^2) / 2). NaN when the denominator is 0 or an arm has no
        value.

    Notes
    -----
    The denominator is always the *unweighted* one, so that the SMDs before
    and after weighting are on the same scale (as R ``cobalt``'s default,
    ``s.d.denom = "pooled"``): sample variances (ddof 1) for a continuous
    covariate, p(1 - p) for a binary one (Austin 2009).

    References
    ----------
    Austin PC, Stuart EA. Moving towards best practice when using inverse
    probability of treatment weighting (IPTW) using the propensity score to
    estimate causal treatment effects in observational studies. Stat Med
    2015;34:3661-79.

    Examples
    --------
    >>> round(weighted_smd([1, 2, 3, 2, 3, 4], [1, 1, 1, 0, 0, 0]), 4)
    -1.0
    """
    x = np.asarray(x, dtype=float)
    a = np.asarray(treated, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    ok = np.isfinite(x) & np.isfinite(w)
    x, a, w = x[ok], a[ok], w[ok]
    g1, g0 = a == 1, a == 0
    if g1.sum() < 1 or g0.sum() < 1 or w[g1].sum() <= 0 or w[g0].sum() <= 0:
        return _NAN
    if _is_binary(x):
        p1, p0 = x[g1].mean(), x[g0].mean()
        var = (p1 * (1 - p1) + p0 * (1 - p0)) / 2
    else:
        if g1.sum() < 2 or g0.sum() < 2:
            return _NAN
        var = (np.var(x[g1], ddof=1) + np.var(x[g0], ddof=1)) / 2
    if not var > 0:
        return _NAN
    diff = np.average(x[g1], weights=w[g1]) - np.average(x[g0], weights=w[g0])
    return float(diff / math.sqrt(var))


def balance_table(
    frame: pd.DataFrame, *, treatment: str, covariates, weights: dict | None = None
) -> pd.DataFrame:
    """Standardized mean differences of each covariate, unweighted and weighted.

    Parameters
    ----------
    frame : pandas.DataFrame
    treatment : str
        0/1 column.
    covariates : list of str
    weights : dict, optional
        Name -> weight array (aligned with ``frame``), e.g.
        ``{"overlap": w1, "ipw": w2}``.

    Returns
    -------
    pandas.DataFrame
        Columns ``covariate``, ``smd_unweighted`` and ``smd_<name>`` for each
        weight, one row per covariate (see :func:`weighted_smd`).

    Examples
    --------
    >>> d = pd.DataFrame({"t": [1, 1, 0, 0], "x": [1.0, 3.0, 2.0, 4.0]})
    >>> tab = balance_table(d, treatment="t", covariates=["x"])
    >>> tab["smd_unweighted"].round(4).tolist()
    [-0.7071]
    """
    a = frame[treatment].to_numpy(dtype=float)
    rows = []
    for c in covariates:
        x = pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)
        row = {"covariate": c, "smd_unweighted": weighted_smd(x, a)}
        for name, w in (weights or {}).items():
            row[f"smd_{name}"] = weighted_smd(x, a, w)
        rows.append(row)
    cols = ["covariate", "smd_unweighted", *[f"smd_{k}" for k in weights or {}]]
    return pd.DataFrame(rows, columns=cols)


def _arm_moments(y: np.ndarray, a: np.ndarray, w: np.ndarray, arm: int):
    """Weighted risk of one arm and its HC0 sandwich variance (per column of y)."""
    m = a == arm
    wm = w[m]
    total = wm.sum()
    p = (wm[:, None] * y[m]).sum(axis=0) / total
    v = ((wm[:, None] ** 2) * (y[m] - p) ** 2).sum(axis=0) / total**2
    return p, v


def weighted_risk_difference(y, treated, weights=None, *, cov_type: str = "HC0"):
    """Weighted risk difference and its sandwich variance, fast and vectorised.

    Parameters
    ----------
    y : array-like, shape (n,) or (n, k)
        0/1 outcomes (k outcome vectors sharing ``treated`` and ``weights``,
        e.g. k imputed data sets). No missing values.
    treated : array-like of 0/1, shape (n,)
    weights : array-like of float, shape (n,), optional
    cov_type : {"HC0", "HC1"}
        HC1 multiplies HC0 by n / (n - 2).

    Returns
    -------
    tuple of numpy.ndarray
        ``(rd, var)``: p1 - p0 with p_a the weighted risk of arm a, and
        sum over arms of sum(w^2 (y - p_a)^2) / (sum w)^2; shape (k,) or
        scalar-like (1,) for a 1-d ``y``.

    Notes
    -----
    This is, in closed form, the coefficient of the arm and its robust
    variance in the weighted linear model ``y ~ arm`` (statsmodels
    ``GLM(..., var_weights=w).fit(cov_type="HC0")``; R
    ``sandwich::vcovHC(glm(y ~ arm, weights = w), type = "HC0")``), see
    :func:`weighted_effects`. The estimated propensity score is treated as
    known (the usual, often conservative, choice).

    Examples
    --------
    >>> rd, var = weighted_risk_difference([1, 0, 1, 0, 0, 0], [1, 1, 1, 0, 0, 1])
    >>> round(float(rd[0]), 4), round(float(var[0]), 4)
    (0.5, 0.0625)
    """
    y = np.asarray(y, dtype=float)
    y2 = y[:, None] if y.ndim == 1 else y
    a = np.asarray(treated, dtype=float)
    w = np.ones(a.size) if weights is None else np.asarray(weights, dtype=float)
    p1, v1 = _arm_moments(y2, a, w, 1)
    p0, v0 = _arm_moments(y2, a, w, 0)
    var = v1 + v0
    if cov_type == "HC1":
        var = var * a.size / (a.size - 2)
    elif cov_type != "HC0":
        raise ValueError(f"cov_type must be 'HC0' or 'HC1', got {cov_type!r}")
    return p1 - p0, var


def weighted_effects(
    y, treated, weights=None, *, alpha: float = 0.05, cov_type: str = "HC0"
) -> dict:
    """Weighted risks, risk difference and risk ratio with sandwich intervals.

    Parameters
    ----------
    y : array-like of 0/1
        Outcome; rows with a missing outcome or weight are left out.
    treated : array-like of 0/1
    weights : array-like of float, optional
        Balancing weights (None: unweighted).
    alpha : float
        1 - confidence level.
    cov_type : {"HC0", "HC1"}
        Sandwich estimator; HC1 is HC0 times n / (n - 2).

    Returns
    -------
    dict
        ``risk1``, ``risk0`` (weighted risks of the treated and controls),
        ``rd``, ``rd_se``, ``rd_ci_low``, ``rd_ci_high``, ``rd_pval``, ``rr``,
        ``log_rr_se``, ``rr_ci_low``, ``rr_ci_high``, ``rr_pval``, ``n``,
        ``n1``, ``n0``, ``ess1``, ``ess0`` (Kish effective sample sizes) and
        ``note``. Wald intervals and two-sided z tests.

    Notes
    -----
    The risk difference is the arm coefficient of a weighted linear model
    (statsmodels GLM, Gaussian family, identity link, ``var_weights``); the
    risk ratio is exp of the arm coefficient of a weighted Poisson model with
    log link (the "modified Poisson" of Zou 2004, whose point estimate equals
    the log-binomial one for a single binary regressor). Both with
    ``cov_type="HC0"``: the same standard errors as R
    ``sandwich::vcovHC(glm(y ~ arm, weights = w, family = ...), type = "HC0")``.
    ``var_weights``, not ``freq_weights``: balancing weights are not counts,
    and statsmodels' sandwich with ``freq_weights`` gives another (wrong here)
    variance. statsmodels 0.15's GLM ``cov_type="HC1"`` returns the HC0
    values, so HC1 is applied here as the explicit factor n / (n - 2), as R
    ``sandwich``'s HC1. R ``survey::svyglm`` on ``svydesign(ids = ~1, weights
    = ~w)`` gives HC0 times n / (n - 1).

    The risk ratio is not defined when an arm has no event; the risk
    difference has no test when both arms' risks are 0 or 1 (no variance).

    References
    ----------
    Li F, Morgan KL, Zaslavsky AM. J Am Stat Assoc 2018;113:390-400. Zou G.
    A modified Poisson regression approach to prospective studies with
    binary data. Am J Epidemiol 2004;159:702-6.

    Examples
    --------
    >>> r = weighted_effects([1, 0, 1, 0, 0, 1, 1, 0], [1, 1, 1, 0, 0, 0, 1, 0])
    >>> round(r["rd"], 4), round(r["rr"], 4), round(r["rd_se"], 4)
    (0.5, 3.0, 0.3062)
    """
    y = np.asarray(y, dtype=float)
    a = np.asarray(treated, dtype=float)
    w = np.ones(a.size) if weights is None else np.asarray(weights, dtype=float)
    keep = np.isfinite(y) & np.isfinite(w) & np.isfinite(a)
    y, a, w = y[keep], a[keep], w[keep]
    keys = (
        "risk1",
        "risk0",
        "rd",
        "rd_se",
        "rd_ci_low",
        "rd_ci_high",
        "rd_pval",
        "rr",
        "log_rr_se",
        "rr_ci_low",
        "rr_ci_high",
        "rr_pval",
        "ess1",
        "ess0",
    )
    out = dict.fromkeys(keys, _NAN) | {
        "n": int(y.size),
        "n1": int((a == 1).sum()),
        "n0": int((a == 0).sum()),
        "note": "",
    }
    if out["n1"] == 0 or out["n0"] == 0:
        out["note"] = "an arm has no participant with a known outcome"
        return out
    if w[a == 1].sum() <= 0 or w[a == 0].sum() <= 0:
        out["note"] = "an arm has no weight"
        return out
    out["ess1"] = effective_sample_size(w[a == 1])
    out["ess0"] = effective_sample_size(w[a == 0])
    z = stats.norm.ppf(1 - alpha / 2)
    design = sm.add_constant(a, has_constant="add")
    factor = math.sqrt(y.size / (y.size - 2)) if cov_type == "HC1" and y.size > 2 else 1.0
    if cov_type not in ("HC0", "HC1"):
        raise ValueError(f"cov_type must be 'HC0' or 'HC1', got {cov_type!r}")
    notes = []
    if np.ptp(y[a == 1]) == 0 and np.ptp(y[a == 0]) == 0:
        # each arm's outcome is constant: no residual variance, no model to fit
        out["risk1"], out["risk0"] = float(y[a == 1][0]), float(y[a == 0][0])
        out["rd"] = out["risk1"] - out["risk0"]
        notes.append("no variability in the outcome: the risk difference has no test")
        if min(out["risk1"], out["risk0"]) > 0:
            out["rr"] = out["risk1"] / out["risk0"]
        if min(out["risk1"], out["risk0"]) <= 0:
            notes.append("an arm has no event: the risk ratio is not defined")
        out["note"] = "; ".join(notes)
        return out
    lin = sm.GLM(y, design, family=sm.families.Gaussian(), var_weights=w).fit(
        cov_type="HC0"
    )
    out["risk0"] = float(lin.params[0])
    out["risk1"] = float(lin.params[0] + lin.params[1])
    rd, se = float(lin.params[1]), float(lin.bse[1]) * factor
    out["rd"] = rd
    if se > 0 and math.isfinite(se):
        out["rd_se"] = se
        out["rd_ci_low"], out["rd_ci_high"] = rd - z * se, rd + z * se
        out["rd_pval"] = float(2 * stats.norm.sf(abs(rd) / se))
    else:
        notes.append("no variability in the outcome: the risk difference has no test")
    if min(out["risk1"], out["risk0"]) <= 0:
        notes.append("an arm has no event: the risk ratio is not defined")
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DomainWarning)
            pois = sm.GLM(y, design, family=sm.families.Poisson(), var_weights=w).fit(
                cov_type="HC0"
            )
        b, s = float(pois.params[1]), float(pois.bse[1]) * factor
        out["rr"] = math.exp(b)
        if s > 0 and math.isfinite(s):
            out["log_rr_se"] = s
            out["rr_ci_low"], out["rr_ci_high"] = math.exp(b - z * s), math.exp(b + z * s)
            out["rr_pval"] = float(2 * stats.norm.sf(abs(b) / s))
    out["note"] = "; ".join(notes)
    return out
