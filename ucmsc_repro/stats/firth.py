"""Firth-penalised logistic regression, and detection of separation.

General statistics (nothing here knows the paper): the logistic regression of
Firth (1993), whose penalty (Jeffreys' prior) keeps the estimates finite under
separation and removes the first-order small-sample bias of maximum
likelihood, with profile penalised-likelihood confidence intervals and
penalised likelihood-ratio p-values (Heinze and Schemper 2002, R
``logistf``'s defaults), computed here by Fisher scoring of the modified
score; and the linear programme of Konis (2007) that tells whether
maximum-likelihood estimates exist (``firthmodels.detect_separation``, as R
``detectseparation``). ``firthmodels``' own profile intervals and
likelihood-ratio tests stop with "step-halving failed" on covariates of
scale 100 (cells, C-peptide) at tolerances below 1e-5 and take seconds per
model, so the constrained fits are done here. Validated against R ``brglm2`` and a
penalised-likelihood profile computed in R in ``tests/stats/test_firth.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from firthmodels import detect_separation
from scipy import optimize, stats

__all__ = ["TOL", "MAX_ITER", "firth_fit", "firth_logit_table", "separation"]

#: Convergence tolerance of the Firth fits (largest absolute step).
TOL = 1e-10
#: Iteration limit of one Firth fit.
MAX_ITER = 200


def _complete(
    data: pd.DataFrame, outcome: str, covariates
) -> tuple[np.ndarray, pd.DataFrame]:
    d = data[[outcome, *covariates]].astype(float).dropna()
    return d[outcome].to_numpy(), d[list(covariates)]


def separation(data: pd.DataFrame, *, outcome: str, covariates) -> dict:
    """Whether the covariates (quasi-)completely separate a 0/1 outcome.

    Parameters
    ----------
    data : pandas.DataFrame
    outcome : str
        0/1 column.
    covariates : sequence of str
        Model terms (an intercept is added). Complete cases only.

    Returns
    -------
    dict
        ``separated`` (bool, or None when it cannot be checked), ``infinite``
        (tuple of the terms, ``const`` for the intercept, whose maximum-
        likelihood estimates are infinite), ``note`` (why it could not be
        checked, else empty), ``n``.

    Notes
    -----
    ``firthmodels.detect_separation``: Konis's (2007) linear programme, as R's
    ``detectseparation::detect_separation``. A design of deficient rank, or an
    outcome with a single value, cannot be checked (``separated`` is None).

    Examples
    --------
    >>> d = pd.DataFrame({"y": [0, 0, 0, 1, 1, 1], "x": [1, 2, 3, 4, 5, 6]})
    >>> separation(d, outcome="y", covariates=["x"])["separated"]
    True
    """
    covariates = tuple(covariates)
    y, X = _complete(data, outcome, covariates)
    out = {"separated": None, "infinite": (), "note": "", "n": int(y.size)}
    if y.size == 0 or y.min() == y.max():
        out["note"] = "the outcome takes a single value"
        return out
    design = np.column_stack([X.to_numpy(), np.ones(y.size)])
    if y.size <= design.shape[1] or np.linalg.matrix_rank(design) < design.shape[1]:
        out["note"] = "too few cases, or a covariate is constant or collinear"
        return out
    res = detect_separation(X.to_numpy(), y.astype(int))
    names = (*covariates, "const")
    out["separated"] = bool(res.separation)
    out["infinite"] = tuple(n for n, f in zip(names, res.is_finite, strict=True) if not f)
    return out


class _NotConverged(Exception):
    pass


def _penalised(X, y, beta):
    eta = X @ beta
    p = 1.0 / (1.0 + np.exp(-eta))
    w = p * (1.0 - p)
    info = X.T @ (X * w[:, None])
    sign, logdet = np.linalg.slogdet(info)
    if sign <= 0:
        raise _NotConverged("singular information matrix")
    ll = float(np.sum(y * eta - np.logaddexp(0.0, eta)) + 0.5 * logdet)
    return ll, p, w, info


def firth_fit(X, y, *, fixed=None, start=None) -> tuple[np.ndarray, float]:
    """Maximise the Firth-penalised log-likelihood, some coefficients held fixed.

    Parameters
    ----------
    X : numpy.ndarray
        Full design (intercept column included), n x k.
    y : numpy.ndarray
        0/1 outcome.
    fixed : dict of int to float, optional
        Coefficients held at a value (a constrained fit; the penalty is still
        computed from the full design, as ``logistf``).
    start : numpy.ndarray, optional

    Returns
    -------
    (beta, loglik)
        Coefficients and the penalised log-likelihood
        ``sum(y eta - log(1 + e^eta)) + log|X' W X| / 2``.

    Notes
    -----
    Fisher scoring on the modified score ``X' (y - p + h (1/2 - p))``
    (``h``: the diagonal of the hat matrix), free coefficients only, with
    step halving when the penalised likelihood falls, until the largest step
    is below :data:`TOL` (at most :data:`MAX_ITER` iterations).
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    k = X.shape[1]
    fixed = fixed or {}
    free = np.array([j for j in range(k) if j not in fixed], dtype=int)
    beta = np.zeros(k) if start is None else np.array(start, dtype=float)
    for j, v in fixed.items():
        beta[j] = v
    ll, p, w, info = _penalised(X, y, beta)
    for _ in range(MAX_ITER):
        cov = np.linalg.inv(info)
        h = w * np.einsum("ij,jk,ik->i", X, cov, X)
        u = X.T @ (y - p + h * (0.5 - p))
        sub = info[np.ix_(free, free)]
        step = np.linalg.solve(sub, u[free])
        big = np.max(np.abs(step)) if step.size else 0.0
        if big > 5.0:
            step *= 5.0 / big
        for _half in range(30):
            trial = beta.copy()
            trial[free] += step
            try:
                ll_new, p_new, w_new, info_new = _penalised(X, y, trial)
            except _NotConverged:
                ll_new = -np.inf
            if ll_new >= ll - 1e-12 * abs(ll):
                break
            step /= 2.0
        else:
            raise _NotConverged("step halving failed")
        beta, ll, p, w, info = trial, ll_new, p_new, w_new, info_new
        if np.max(np.abs(step)) < TOL:
            return beta, ll
    raise _NotConverged(f"no convergence in {MAX_ITER} iterations")


def _profile_bound(X, y, j, beta, ll, se, crit, side):
    def drop(b):
        fit_b, ll_b = firth_fit(X, y, fixed={j: b}, start=beta)
        return 2.0 * (ll - ll_b) - crit

    step = max(se, 1e-3)
    inner = beta[j]
    for _ in range(60):
        outer = inner + side * step
        if drop(outer) > 0:
            lo, hi = sorted((inner, outer))
            return float(optimize.brentq(drop, lo, hi, xtol=1e-12, rtol=1e-12))
        inner, step = outer, step * 2.0
    return float("inf") * side


def firth_logit_table(
    data: pd.DataFrame, *, outcome: str, covariates, alpha: float = 0.05
) -> pd.DataFrame:
    """Firth logistic regression: odds ratios, profile-likelihood CIs, penalised LR p.

    Parameters
    ----------
    data : pandas.DataFrame
    outcome : str
        0/1 column.
    covariates : sequence of str
        Model terms; the intercept is added. Complete cases only.
    alpha : float
        Intervals at level ``1 - alpha``.

    Returns
    -------
    pandas.DataFrame
        One row per parameter, intercept first (``term == "const"``):
        ``term``, ``coef`` (penalised log odds ratio), ``se`` (from the inverse
        information at the estimate), ``odds_ratio``, ``ci_low``, ``ci_high``
        (profile penalised-likelihood interval of the odds ratio; not
        computed for the intercept), ``pval``
        (penalised likelihood-ratio chi-square test of coefficient 0, 1 df),
        ``n``, ``events``. ``attrs["error"]`` is empty, or why the model was not
        fitted (then the numbers are missing).

    Notes
    -----
    :func:`firth_fit` for the estimate; the p-value compares it with the fit
    whose coefficient is fixed at 0 (penalty from the full design: Heinze and
    Schemper 2002, R ``logistf``'s default test, not the nested-model test of
    ``anova``); the interval's bounds are where twice the drop of the profile
    penalised log-likelihood equals the chi-square(1) quantile at ``1 -
    alpha`` (Brent's root finder). Firth estimates exist under separation; the
    model is not fitted only when the outcome has a single value, there are
    no more cases than parameters, the design is rank deficient, or the
    iterations do not converge.

    References
    ----------
    Firth D. Bias reduction of maximum likelihood estimates. Biometrika
    1993;80:27-38. Heinze G, Schemper M. A solution to the problem of
    separation in logistic regression. Stat Med 2002;21:2409-19.

    Examples
    --------
    >>> d = pd.DataFrame({"y": [0, 0, 0, 1, 1, 1], "x": [0, 0, 0, 1, 1, 1]})
    >>> t = firth_logit_table(d, outcome="y", covariates=["x"])
    >>> round(float(t.loc[1, "coef"]), 6)  # log((3.5/0.5)^2): finite under separation
    3.89182
    """
    covariates = tuple(covariates)
    y, Xc = _complete(data, outcome, covariates)
    n = int(y.size)
    events = int(y.sum()) if n else 0
    terms = ["const", *covariates]
    nan = float("nan")
    k = len(terms)

    def missing(error: str) -> pd.DataFrame:
        t = pd.DataFrame(
            {
                "term": terms,
                "coef": nan,
                "se": nan,
                "odds_ratio": nan,
                "ci_low": nan,
                "ci_high": nan,
                "pval": nan,
                "n": n,
                "events": events,
            }
        )
        t.attrs["error"] = error
        return t

    if n == 0 or y.min() == y.max():
        return missing(f"the outcome takes a single value in the {n} cases")
    if n <= k:
        return missing(f"{n} complete cases for {k} parameters")
    X = np.column_stack([np.ones(n), Xc.to_numpy(dtype=float)])
    if np.linalg.matrix_rank(X) < k:
        return missing("a covariate is constant or collinear with others")
    crit = float(stats.chi2.ppf(1 - alpha, 1))
    try:
        beta, ll = firth_fit(X, y)
        se = np.sqrt(np.diag(np.linalg.inv(_penalised(X, y, beta)[3])))
        pv, lo, hi = [], [], []
        for j in range(k):
            _b0, ll0 = firth_fit(X, y, fixed={j: 0.0}, start=beta)
            pv.append(float(stats.chi2.sf(max(2.0 * (ll - ll0), 0.0), 1)))
            if j == 0:  # the intercept's interval is not reported
                lo.append(nan)
                hi.append(nan)
                continue
            lo.append(_profile_bound(X, y, j, beta, ll, se[j], crit, -1))
            hi.append(_profile_bound(X, y, j, beta, ll, se[j], crit, +1))
    except (_NotConverged, np.linalg.LinAlgError, ValueError) as err:
        return missing(f"the Firth fit failed ({err})")
    t = pd.DataFrame(
        {
            "term": terms,
            "coef": beta,
            "se": se,
            "odds_ratio": np.exp(beta),
            "ci_low": np.exp(lo),
            "ci_high": np.exp(hi),
            "pval": pv,
            "n": n,
            "events": events,
        }
    )
    t.attrs["error"] = ""
    return t
