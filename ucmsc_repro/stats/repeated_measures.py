"""Mixed model for repeated measures (MMRM) by generalised least squares.

General statistics (nothing here knows the paper): the outcome at every
post-baseline visit regressed on visit, group x visit and the baseline value,
with an unstructured covariance of the repeated measures within a participant,
estimated by restricted maximum likelihood (REML); when the unstructured
covariance cannot be estimated, compound symmetry, then independence, each
named in the result. This is the model R fits with
``nlme::gls(y ~ 0 + visit + visit:group + baseline, correlation =
corSymm(form = ~ visit_index | id), weights = varIdent(form = ~ 1 | visit),
method = "REML")``; validated against it in
``tests/stats/test_repeated_measures.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = ["COVARIANCES", "MMRMResult", "mmrm"]

#: Covariance structures tried in order.
COVARIANCES = ("unstructured", "compound symmetry", "independence")

#: Fewest participants observed at both visits of every pair for the unstructured
#: covariance to be attempted.
MIN_PAIR = 3


@dataclass
class MMRMResult:
    """Result of :func:`mmrm`.

    Attributes
    ----------
    visits : tuple of float
        Post-baseline visits modelled, in order.
    estimates : pandas.DataFrame
        One row per visit: ``visit``, ``diff`` (treated minus reference,
        adjusted), ``se``, ``ci_low``, ``ci_high``, ``pval`` (t test, ``n_obs -
        p`` df), ``mean_treated``, ``mean_reference`` (model-based means at the
        mean baseline), ``se_treated``, ``se_reference``, ``obs_treated``,
        ``obs_reference`` (observed means), ``n_treated``, ``n_reference``
        (participants observed at that visit).
    covariance : str
        The structure fitted (see :data:`COVARIANCES`), or empty when nothing
        could be fitted.
    note : str
        Why a simpler structure than the unstructured one was used, if so.
    sigma : numpy.ndarray
        Estimated covariance matrix of the visits.
    coef : pandas.Series
        Fixed effects (``visit_<v>``, ``group_visit_<v>``, ``baseline``).
    reml_loglik : float
    n_subjects, n_obs : int
    df : float
        Denominator degrees of freedom of the t tests (``n_obs - p``, as
        ``nlme::gls``).
    error : str
        Empty, or why no model could be fitted.
    """

    visits: tuple
    estimates: pd.DataFrame
    covariance: str = ""
    note: str = ""
    sigma: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    coef: pd.Series = field(default_factory=pd.Series)
    reml_loglik: float = float("nan")
    n_subjects: int = 0
    n_obs: int = 0
    df: float = float("nan")
    error: str = ""


class _Data:
    """Observations grouped by missing-data pattern, for vectorised likelihoods.

    Each pattern keeps its cross-products over participants (``C[a, b] = sum_i
    X_ia' X_ib``, ``D[a, b] = sum_i X_ia' y_ib`` for visits a, b of the pattern),
    so ``X' V^-1 X = sum_ab S^-1[a, b] C[a, b]`` and ``X' V^-1 y`` cost the same
    whatever the number of participants; only the residuals are per participant.
    """

    def __init__(self, y, X, vis, sid):
        self.n_obs, self.p = X.shape
        self.patterns = []
        order = pd.Series(vis).groupby(sid).agg(tuple)
        rows = pd.Series(np.arange(len(y))).groupby(sid).agg(tuple)
        by_pat: dict[tuple, list] = {}
        for s in order.index:
            by_pat.setdefault(order[s], []).append(rows[s])
        for pat, idx in by_pat.items():
            ix = np.array(idx)  # (m, k)
            Xp, yp = X[ix], y[ix]  # (m, k, p), (m, k)
            self.patterns.append(
                (
                    np.array(pat),
                    Xp,
                    yp,
                    np.einsum("mai,mbj->abij", Xp, Xp),
                    np.einsum("mai,mb->abi", Xp, yp),
                )
            )

    def gls(self, sigma):
        """REML log-likelihood, beta, and (X' V^-1 X)^-1 for a visit covariance."""
        p = self.p
        A = np.zeros((p, p))
        b = np.zeros(p)
        logdet = 0.0
        invs = []
        for pat, Xp, _yp, C, D in self.patterns:
            S = sigma[np.ix_(pat, pat)]
            L = np.linalg.cholesky(S)
            Si = np.linalg.inv(S)
            invs.append(Si)
            logdet += Xp.shape[0] * 2.0 * np.sum(np.log(np.diag(L)))
            A += np.einsum("ab,abij->ij", Si, C)
            b += np.einsum("ab,abi->i", Si, D)
        La = np.linalg.cholesky(A)
        beta = np.linalg.solve(A, b)
        q = 0.0
        for (_pat, Xp, yp, _C, _D), Si in zip(self.patterns, invs, strict=True):
            # the residuals themselves: from the cross-products (E - 2 D'beta +
            # beta'C beta) the quadratic form loses digits to cancellation, enough
            # to stall REML's finite-difference gradient
            r = yp - Xp @ beta
            q += float(np.sum((r @ Si) * r))
        ll = -0.5 * (
            logdet
            + 2.0 * np.sum(np.log(np.diag(La)))
            + q
            + (self.n_obs - p) * np.log(2 * np.pi)
        )
        return float(ll), beta, np.linalg.inv(A)


def _unstructured(theta, t):
    L = np.zeros((t, t))
    L[np.tril_indices(t)] = theta
    d = np.diag_indices(t)
    L[d] = np.exp(L[d])
    return L @ L.T


def _compound(theta, t):
    s2 = np.exp(theta[0])
    lo = -1.0 / (t - 1) if t > 1 else -1.0
    rho = lo + (1 - lo) / (1 + np.exp(-theta[1]))
    return s2 * ((1 - rho) * np.eye(t) + rho * np.ones((t, t)))


def _fit(data: _Data, kind: str, start_var: np.ndarray):
    t = start_var.size
    if kind == "independence":
        # one variance per visit would be varIdent alone; independence here is
        # a common variance (ordinary least squares)
        def build(theta):
            return np.exp(theta[0]) * np.eye(t)

        theta0 = np.array([np.log(start_var.mean())])
    elif kind == "compound symmetry":
        build = lambda th: _compound(th, t)  # noqa: E731
        theta0 = np.array([np.log(start_var.mean()), 0.0])
    else:
        build = lambda th: _unstructured(th, t)  # noqa: E731
        L0 = np.diag(np.log(np.sqrt(start_var)))
        theta0 = L0[np.tril_indices(t)]

    def negll(theta):
        try:
            return -data.gls(build(theta))[0]
        except np.linalg.LinAlgError:
            return np.inf

    # a step off the feasible region gives an infinite -loglik, hence inf - inf in
    # the finite differences: BFGS backs off, and the gradient is tested below
    with np.errstate(invalid="ignore"):
        best = optimize.minimize(negll, theta0, method="BFGS", options={"gtol": 1e-8})
    if not np.isfinite(best.fun):
        raise np.linalg.LinAlgError("the likelihood is not finite")
    # restart from the solution: BFGS's line search can stall before the optimum
    with np.errstate(invalid="ignore"):
        again = optimize.minimize(negll, best.x, method="BFGS", options={"gtol": 1e-9})
    if again.fun <= best.fun:
        best = again
    sigma = build(best.x)
    with np.errstate(invalid="ignore"):
        grad = optimize.approx_fprime(best.x, negll, 1e-7)
    # the log-likelihood, and the noise of its finite-difference gradient, grow
    # with the number of observations: the tolerance is 1e-3 per 1,000 of them
    # (1e-3 for a trial of the paper's size)
    tol = 1e-3 * max(1.0, data.n_obs / 1000)
    if not np.all(np.isfinite(grad)) or np.max(np.abs(grad)) > tol:
        raise np.linalg.LinAlgError("REML iterations did not converge")
    if np.min(np.linalg.eigvalsh(sigma)) <= 1e-10 * np.max(np.diag(sigma)):
        raise np.linalg.LinAlgError("the estimated covariance matrix is singular")
    ll, beta, cov = data.gls(sigma)
    return ll, beta, cov, sigma


def mmrm(
    long: pd.DataFrame,
    *,
    subject: str,
    visit: str,
    outcome: str,
    group: str,
    baseline: str,
    alpha: float = 0.05,
    covariance: str = "unstructured",
) -> MMRMResult:
    """MMRM: outcome on visit, group x visit and baseline, REML GLS.

    Parameters
    ----------
    long : pandas.DataFrame
        One row per participant and post-baseline visit: ``subject``,
        ``visit`` (numeric), ``outcome`` (may be missing), ``group`` (0/1,
        constant within a participant), ``baseline`` (constant within a
        participant). Rows with a missing outcome, group or baseline are dropped.
    alpha : float
        Intervals at level ``1 - alpha``.
    covariance : {"unstructured", "compound symmetry", "independence"}
        First structure tried; simpler ones follow when it cannot be estimated.

    Returns
    -------
    MMRMResult

    Notes
    -----
    Cell-means parameterisation: one intercept per visit, one group effect per
    visit, one common baseline slope. The within-participant covariance of the
    visits is unstructured (every variance and covariance free: ``nlme``'s
    ``corSymm`` with ``varIdent``), parameterised by its Cholesky factor and
    estimated by REML (BFGS, restarted once from its solution). It is attempted only
    when every pair of visits is observed together in at least
    :data:`MIN_PAIR` participants; it falls back to compound symmetry (one
    variance, one correlation), then to independence (ordinary least squares),
    when the REML iterations do not converge or the estimate is singular, and
    ``note`` says why. Standard errors are model-based, ``(X' V^-1 X)^-1``,
    and the t tests use ``n_obs - p`` degrees of freedom, as ``nlme::gls``
    (the ``mmrm`` package would use Satterthwaite or Kenward-Roger degrees of
    freedom). Missing visits are assumed missing at random. Model-based means
    are at the mean baseline of the participants analysed.

    References
    ----------
    Mallinckrodt CH, Lane PW, Schnell D, Peng Y, Mancuso JP. Recommendations for
    the primary analysis of continuous endpoints in longitudinal clinical
    trials. Drug Inf J 2008;42:303-19. Pinheiro JC, Bates DM. Mixed-effects
    models in S and S-PLUS. Springer, 2000 (``nlme::gls``).
    """
    if covariance not in COVARIANCES:
        raise ValueError(f"covariance must be one of {COVARIANCES}, got {covariance!r}")
    d = long[[subject, visit, outcome, group, baseline]].dropna()
    d = d.sort_values([subject, visit]).reset_index(drop=True)
    visits = tuple(sorted(float(v) for v in d[visit].unique()))
    t = len(visits)
    cols = [f"visit_{v:g}" for v in visits] + [f"group_visit_{v:g}" for v in visits]
    cols.append("baseline")
    empty = pd.DataFrame(
        columns=[
            "visit",
            "diff",
            "se",
            "ci_low",
            "ci_high",
            "pval",
            "mean_treated",
            "mean_reference",
            "se_treated",
            "se_reference",
            "obs_treated",
            "obs_reference",
            "n_treated",
            "n_reference",
        ]
    )
    n_sub = int(d[subject].nunique())
    if t == 0:
        return MMRMResult((), empty, n_subjects=n_sub, error="no post-baseline values")
    vi = np.searchsorted(np.array(visits), d[visit].to_numpy(dtype=float))
    g = d[group].to_numpy(dtype=float)
    X = np.zeros((len(d), 2 * t + 1))
    X[np.arange(len(d)), vi] = 1.0
    X[np.arange(len(d)), t + vi] = g
    X[:, -1] = d[baseline].to_numpy(dtype=float)
    y = d[outcome].to_numpy(dtype=float)
    per_visit = [
        (int(((vi == j) & (g == 1)).sum()), int(((vi == j) & (g == 0)).sum()))
        for j in range(t)
    ]
    if any(min(c) == 0 for c in per_visit):
        return MMRMResult(
            visits,
            empty,
            n_subjects=n_sub,
            n_obs=len(d),
            error="a visit has no participant of one group",
        )
    if len(d) <= X.shape[1] + 1 or np.linalg.matrix_rank(X) < X.shape[1]:
        return MMRMResult(
            visits,
            empty,
            n_subjects=n_sub,
            n_obs=len(d),
            error=f"{len(d)} values are too few or too collinear for {X.shape[1]} "
            "fixed effects",
        )
    data = _Data(y, X, vi, d[subject].to_numpy())
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    r = y - X @ ols
    start = np.array([max(np.mean(r[vi == j] ** 2), 1e-8) for j in range(t)])
    # pairs of visits observed together
    seen = pd.crosstab(d[subject], vi).to_numpy() > 0
    pair_counts = seen.T.astype(int) @ seen.astype(int)
    notes = []
    fitted = None
    for kind in COVARIANCES[COVARIANCES.index(covariance) :]:
        if kind == "unstructured" and t > 1 and pair_counts.min() < MIN_PAIR:
            notes.append(
                f"unstructured covariance not attempted: a pair of visits is "
                f"observed together in fewer than {MIN_PAIR} participants"
            )
            continue
        if kind == "compound symmetry" and t == 1:
            continue
        try:
            fitted = (kind, *_fit(data, kind, start))
            break
        except np.linalg.LinAlgError as err:
            notes.append(f"{kind} covariance could not be estimated ({err})")
    if fitted is None:
        return MMRMResult(
            visits,
            empty,
            n_subjects=n_sub,
            n_obs=len(d),
            note="; ".join(notes),
            error="no covariance structure could be estimated",
        )
    kind, ll, beta, cov, sigma = fitted
    df = float(len(d) - X.shape[1])
    tq = float(stats.t.ppf(1 - alpha / 2, df))
    base_mean = float(d.groupby(subject)[baseline].first().mean())
    rows = []
    for j, v in enumerate(visits):
        at = vi == j
        se = float(np.sqrt(cov[t + j, t + j]))
        diff = float(beta[t + j])
        means = {}
        for name, gv in (("treated", 1.0), ("reference", 0.0)):
            c = np.zeros(X.shape[1])
            c[j], c[t + j], c[-1] = 1.0, gv, base_mean
            means[f"mean_{name}"] = float(c @ beta)
            means[f"se_{name}"] = float(np.sqrt(c @ cov @ c))
        rows.append(
            {
                "visit": v,
                "diff": diff,
                "se": se,
                "ci_low": diff - tq * se,
                "ci_high": diff + tq * se,
                "pval": float(2 * stats.t.sf(abs(diff / se), df)),
                **means,
                "obs_treated": float(y[at & (g == 1)].mean()),
                "obs_reference": float(y[at & (g == 0)].mean()),
                "n_treated": per_visit[j][0],
                "n_reference": per_visit[j][1],
            }
        )
    return MMRMResult(
        visits=visits,
        estimates=pd.DataFrame(rows),
        covariance=kind,
        note="; ".join(notes),
        sigma=sigma,
        coef=pd.Series(beta, index=cols),
        reml_loglik=ll,
        n_subjects=n_sub,
        n_obs=len(d),
        df=df,
    )
