"""Logistic regression and forward stepwise selection, as SPSS prints them.

General statistics (nothing here knows the paper): maximum-likelihood logistic
regression by Newton-Raphson with Wald confidence intervals and Wald p-values
(what SPSS's ``LOGISTIC REGRESSION`` prints: ``Exp(B)``, ``95% C.I. for
EXP(B)``, ``Sig.``), the score and likelihood-ratio tests, SPSS's ``Forward: LR``
stepwise procedure (entry by score test, removal by likelihood ratio), and the
Wald standard errors implied by a printed interval. Validated against R
(``glm``, ``add1``/``drop1``) in ``tests/stats/test_logistic.py``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools import sm_exceptions

from ..core.exceptions import ModelFitError

__all__ = [
    "MAX_ITER",
    "LogitFit",
    "StepwiseResult",
    "fit_logit",
    "logit_table",
    "missing_table",
    "score_test",
    "lr_test",
    "forward_stepwise",
    "forced_steps",
    "min_wald_se",
    "wald_se_from_ci",
]

#: Iteration limit of the Newton-Raphson fit (SPSS's default is 20; Newton on a
#: logistic likelihood converges in a handful of steps unless the data separate).
MAX_ITER = 100

#: A fitted probability this close to 0 or 1 means (quasi-)complete separation.
_SEPARATION_EPS = 1e-8


@dataclass
class LogitFit:
    """A fitted logistic regression and the complete cases it used.

    Attributes
    ----------
    result : statsmodels LogitResults
    covariates : tuple of str
        Model terms other than the intercept, in order.
    y : numpy.ndarray
        Outcome (0/1) of the complete cases.
    X : pandas.DataFrame
        Design matrix with the intercept column ``const`` first.
    """

    result: object
    covariates: tuple[str, ...]
    y: np.ndarray
    X: pd.DataFrame

    @property
    def n(self) -> int:
        return int(self.y.size)

    @property
    def events(self) -> int:
        return int(self.y.sum())

    @property
    def llf(self) -> float:
        """Log-likelihood at the maximum."""
        return float(self.result.llf)


@dataclass
class StepwiseResult:
    """Outcome of :func:`forward_stepwise`.

    Attributes
    ----------
    steps : pandas.DataFrame
        One row per action: ``step`` (0 = forced block), ``action``
        (``forced``, ``enter``, ``remove``), ``term``, ``statistic`` (score
        chi-square for an entry, likelihood-ratio chi-square for a removal),
        ``pval``, ``test``.
    final : pandas.DataFrame
        :func:`logit_table` of the final model.
    selected : tuple of str
        Candidates in the final model, in order of entry.
    not_selected : pandas.DataFrame
        SPSS's "Variables not in the Equation" at the end: ``term``,
        ``statistic`` (score chi-square, 1 df), ``pval`` for every candidate left
        out of the final model.
    entry_tests : pandas.DataFrame
        Every score test computed: ``step``, ``term``, ``statistic``, ``pval``.
    n, events : int
        Complete cases and events of the analysis.
    entry_p, removal_p : float
        The entry and removal criteria used.
    error : str
        Empty, or why the selection could not be completed (then ``final``
        holds missing values; see :func:`msc_stepwise` with
        ``errors="missing"``).
    """

    steps: pd.DataFrame
    final: pd.DataFrame
    selected: tuple[str, ...]
    not_selected: pd.DataFrame = field(default_factory=pd.DataFrame)
    entry_tests: pd.DataFrame = field(default_factory=pd.DataFrame)
    n: int = 0
    events: int = 0
    entry_p: float = 0.05
    removal_p: float = 0.10
    error: str = ""


def _complete_cases(
    data: pd.DataFrame, outcome: str, covariates
) -> tuple[np.ndarray, pd.DataFrame]:
    cols = [outcome, *covariates]
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise KeyError(f"columns not in the data: {', '.join(missing)}")
    d = data[cols].astype(float).dropna()
    y = d[outcome].to_numpy(dtype=float)
    if not np.isin(y, (0.0, 1.0)).all():
        raise ModelFitError(f"the outcome {outcome!r} must be coded 0/1")
    X = sm.add_constant(d[list(covariates)], has_constant="add", prepend=True)
    return y, X


def fit_logit(data: pd.DataFrame, *, outcome: str = "remission", covariates) -> LogitFit:
    """Fit a logistic regression by maximum likelihood, refusing a degenerate fit.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        0/1 column.
    covariates : sequence of str
        Model terms; an intercept is always added. Rows with a missing value in
        the outcome or any covariate are dropped (listwise, as SPSS).

    Returns
    -------
    LogitFit

    Raises
    ------
    ModelFitError
        When the outcome has a single value, there are no more cases than
        parameters, a covariate is constant or collinear, the Newton iterations
        do not converge, or the data are (quasi-)completely separated (a fitted
        probability within 1e-8 of 0 or 1), where maximum-likelihood estimates
        do not exist and a statistics package would print meaningless numbers.

    Notes
    -----
    ``statsmodels.discrete.discrete_model.Logit`` with Newton-Raphson
    (``maxiter`` = :data:`MAX_ITER`).
    """
    covariates = tuple(covariates)
    y, X = _complete_cases(data, outcome, covariates)
    n, k = X.shape
    label = f"logistic model of {outcome} on {', '.join(covariates) or 'the intercept'}"
    if n == 0 or y.min() == y.max():
        raise ModelFitError(f"{label}: the outcome takes a single value in the {n} cases")
    if n <= k:
        raise ModelFitError(f"{label}: {n} complete cases for {k} parameters")
    if np.linalg.matrix_rank(X.to_numpy()) < k:
        raise ModelFitError(f"{label}: a covariate is constant or collinear with others")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            res = sm.Logit(y, X).fit(method="newton", maxiter=MAX_ITER, disp=False)
        except (
            sm_exceptions.PerfectSeparationError,
            sm_exceptions.PerfectSeparationWarning,
            sm_exceptions.ConvergenceWarning,
            sm_exceptions.HessianInversionWarning,
            np.linalg.LinAlgError,
            RuntimeWarning,
        ) as err:
            raise ModelFitError(
                f"{label}: the fit failed ({err}); this usually means that the "
                "covariates (quasi-)completely separate the outcome"
            ) from err
    if not res.mle_retvals.get("converged", False):
        raise ModelFitError(
            f"{label}: no convergence in {MAX_ITER} iterations; this usually means "
            "that the covariates (quasi-)completely separate the outcome"
        )
    p = np.asarray(res.predict(X), dtype=float)
    if np.any(p < _SEPARATION_EPS) or np.any(p > 1 - _SEPARATION_EPS):
        raise ModelFitError(
            f"{label}: the outcome is (quasi-)completely separated by the covariates; "
            "maximum-likelihood odds ratios do not exist"
        )
    return LogitFit(result=res, covariates=covariates, y=y, X=X)


def _table(fit: LogitFit, alpha: float) -> pd.DataFrame:
    res = fit.result
    coef = np.asarray(res.params, dtype=float)
    se = np.asarray(res.bse, dtype=float)
    ci = np.asarray(res.conf_int(alpha=alpha), dtype=float)
    z = coef / se
    return pd.DataFrame(
        {
            "term": list(fit.X.columns),
            "coef": coef,
            "se": se,
            "odds_ratio": np.exp(coef),
            "ci_low": np.exp(ci[:, 0]),
            "ci_high": np.exp(ci[:, 1]),
            "z": z,
            "pval": np.asarray(res.pvalues, dtype=float),
            "n": fit.n,
            "events": fit.events,
        }
    )


def missing_table(data: pd.DataFrame, outcome: str, covariates, error: str) -> pd.DataFrame:
    """A :func:`logit_table`-shaped frame of missing values for a model that failed."""
    y, _ = _complete_cases(data, outcome, covariates)
    nan = float("nan")
    t = pd.DataFrame(
        {
            "term": ["const", *covariates],
            "coef": nan,
            "se": nan,
            "odds_ratio": nan,
            "ci_low": nan,
            "ci_high": nan,
            "z": nan,
            "pval": nan,
            "n": int(y.size),
            "events": int(y.sum()),
        }
    )
    t.attrs["error"] = error
    return t


def logit_table(
    data: pd.DataFrame, *, outcome: str = "remission", covariates, alpha: float = 0.05
) -> pd.DataFrame:
    """Multivariable logistic regression as SPSS prints it: OR, Wald CI, Wald p.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        0/1 outcome column (default ``remission``).
    covariates : sequence of str
        Model terms; the intercept is added. Complete cases only.
    alpha : float
        The confidence level of the intervals is ``1 - alpha``.

    Returns
    -------
    pandas.DataFrame
        One row per parameter, intercept first (``term == "const"``): ``term``,
        ``coef`` (log odds ratio), ``se`` (its standard error from the inverse
        observed information), ``odds_ratio`` (``exp(coef)``), ``ci_low`` and
        ``ci_high`` (``exp(coef -/+ z_{1-alpha/2} se)``), ``z`` (``coef /
        se``), ``pval`` (two-sided Wald p, standard normal), ``n`` (complete
        cases), ``events`` (cases with outcome 1).

    Raises
    ------
    ModelFitError
        See :func:`fit_logit`.

    Notes
    -----
    SPSS's "Wald" column is ``z**2`` with a chi-square(1) p-value, the same p as
    here.

    References
    ----------
    Lu et al. 2021, Statistical analysis and Additional file 3 (Table S3).

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1, 1, 0, 1, 0, 0, 1, 0], "x": [1, 1, 1, 0, 0, 0, 0, 1]})
    >>> t = logit_table(d, outcome="y", covariates=["x"])
    >>> round(float(t.loc[1, "odds_ratio"]), 6)  # (2*2)/(2*2) from the 2x2 table
    1.0
    """
    fit = fit_logit(data, outcome=outcome, covariates=covariates)
    return _table(fit, alpha)


def score_test(
    data: pd.DataFrame, *, outcome: str = "remission", covariates=(), added
) -> dict:
    """Rao's efficient score test for adding terms to a fitted logistic model.

    Parameters
    ----------
    data : pandas.DataFrame
    outcome : str
    covariates : sequence of str
        Terms of the restricted model (intercept added).
    added : str or sequence of str
        Terms whose coefficients are 0 under the null hypothesis.

    Returns
    -------
    dict
        ``test``, ``statistic`` (chi-square), ``dof`` (number of added terms),
        ``pval``, ``n`` (complete cases over restricted and added terms).

    Notes
    -----
    With the restricted estimate ``b0`` extended by zeros for the added terms,
    ``p0 = expit(X b0)``, score ``U = X'(y - p0)`` and information
    ``I = X' diag(p0 (1 - p0)) X`` over the full design ``X``, the statistic
    is ``U' I^{-1} U``, chi-square with as many degrees of freedom as added
    terms. This is the "Score" SPSS prints under "Variables not in the
    Equation" and uses for forward entry. For a single binary term added to
    the intercept-only model it equals Pearson's chi-square of the 2x2 table.
    The complete cases are those with the outcome and every restricted and
    added term present, so the restricted model is fitted to the same cases.

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1, 1, 1, 0, 1, 0, 0, 0], "x": [1, 1, 1, 1, 0, 0, 0, 0]})
    >>> round(score_test(d, outcome="y", added="x")["statistic"], 6)  # Pearson chi2
    2.0
    """
    added = (added,) if isinstance(added, str) else tuple(added)
    covariates = tuple(covariates)
    y, X_full = _complete_cases(data, outcome, (*covariates, *added))
    restricted = fit_logit(
        X_full.drop(columns="const").assign(**{outcome: y}),
        outcome=outcome,
        covariates=covariates,
    )
    b0 = np.concatenate(
        [np.asarray(restricted.result.params, dtype=float), np.zeros(len(added))]
    )
    X = X_full.to_numpy(dtype=float)
    p0 = 1.0 / (1.0 + np.exp(-(X @ b0)))
    u = X.T @ (y - p0)
    info = X.T @ (X * (p0 * (1.0 - p0))[:, None])
    try:
        stat = float(u @ np.linalg.solve(info, u))
    except np.linalg.LinAlgError as err:
        raise ModelFitError(
            f"score test of {', '.join(added)}: singular information matrix"
        ) from err
    dof = len(added)
    return {
        "test": "score (Rao) chi-square test",
        "statistic": stat,
        "dof": float(dof),
        "pval": float(stats.chi2.sf(stat, dof)),
        "n": int(y.size),
    }


def lr_test(full: LogitFit, reduced: LogitFit) -> dict:
    """Likelihood-ratio test of a reduced logistic model against a larger one.

    Returns
    -------
    dict
        ``test``, ``statistic`` (``2 (llf_full - llf_reduced)``), ``dof``
        (difference in the number of parameters), ``pval`` (chi-square).

    Raises
    ------
    ValueError
        When the two models were not fitted to the same cases or are not nested.
    """
    if full.n != reduced.n or not np.array_equal(full.y, reduced.y):
        raise ValueError("the two models were fitted to different cases")
    if not set(reduced.covariates) < set(full.covariates):
        raise ValueError("the reduced model's terms must be a subset of the full model's")
    stat = 2.0 * (full.llf - reduced.llf)
    dof = len(full.covariates) - len(reduced.covariates)
    return {
        "test": "likelihood-ratio chi-square test",
        "statistic": float(stat),
        "dof": float(dof),
        "pval": float(stats.chi2.sf(stat, dof)),
    }


def forced_steps(forced) -> list[dict]:
    """The step rows of terms forced into every model (SPSS's block 1), no test run."""
    return [
        {
            "step": 0,
            "action": "forced",
            "term": t,
            "statistic": float("nan"),
            "pval": float("nan"),
            "test": "entered in block 1",
        }
        for t in forced
    ]


def forward_stepwise(
    data: pd.DataFrame,
    *,
    outcome: str = "remission",
    candidates,
    forced=(),
    entry_p: float = 0.05,
    removal_p: float = 0.10,
    alpha: float = 0.05,
    max_steps: int = 50,
) -> StepwiseResult:
    """Forward stepwise logistic regression, as SPSS's ``Forward: LR`` method.

    Parameters
    ----------
    data : pandas.DataFrame
    outcome : str
        0/1 outcome column.
    candidates : sequence of str
        Terms eligible for entry (block 2).
    forced : sequence of str
        Terms entered together first and never removed (block 1, ``Enter``).
    entry_p : float
        A candidate enters when its score-test p is below ``entry_p`` (SPSS's
        PIN, default 0.05).
    removal_p : float
        An entered candidate is removed when its likelihood-ratio p exceeds
        ``removal_p`` (SPSS's POUT, default 0.10). Must exceed ``entry_p``.
    alpha : float
        Level of the final model's confidence intervals (``1 - alpha``).
    max_steps : int
        Safety limit on the number of entries and removals.

    Returns
    -------
    StepwiseResult
        ``steps`` (columns ``step, action, term, statistic, pval, test``),
        ``final`` (:func:`logit_table` columns), ``selected``,
        ``not_selected`` (``term, statistic, pval``), ``entry_tests``
        (``step, term, statistic, pval``), ``n``, ``events``.

    Notes
    -----
    At each step every candidate not in the model gets a score test (1 df)
    against the current model; the one with the smallest p enters if p <
    ``entry_p``. After each entry, each entered candidate gets a
    likelihood-ratio test of the model without it (the model refitted, SPSS's
    "LR" rather than "Conditional" statistic); the one with the largest p is
    removed if p > ``removal_p``, and the removal check is repeated until no
    term qualifies, before the next entry. Selection stops when no candidate enters
    and none is removed, or when a step would return to a model already
    visited (SPSS's guard against cycling). The analysis uses the cases with
    the outcome and every forced and candidate term present, the same cases
    at every step, as SPSS does. Selection is exploratory: the p-values of the
    final model do not account for the selection.

    References
    ----------
    Lu et al. 2021, Results ("According to the step-wise forward selection").
    """
    candidates, forced = tuple(candidates), tuple(forced)
    if not entry_p < removal_p:
        raise ValueError("entry_p must be smaller than removal_p (SPSS: PIN < POUT)")
    if set(candidates) & set(forced):
        raise ValueError("a term cannot be both forced and a candidate")
    y, X = _complete_cases(data, outcome, (*forced, *candidates))
    d = X.drop(columns="const").assign(**{outcome: y})

    def fit(terms):
        return fit_logit(d, outcome=outcome, covariates=(*forced, *terms))

    steps = forced_steps(forced)
    entry_rows = []
    current: list[str] = []
    current_fit = fit(current)
    visited = {frozenset()}
    step = 0
    while step < max_steps:
        step += 1
        outside = [c for c in candidates if c not in current]
        scores = []
        for c in outside:
            s = score_test(d, outcome=outcome, covariates=(*forced, *current), added=c)
            scores.append((c, s["statistic"], s["pval"]))
            entry_rows.append(
                {"step": step, "term": c, "statistic": s["statistic"], "pval": s["pval"]}
            )
        if not scores:
            break
        best = min(scores, key=lambda r: (r[2], -r[1]))
        if not best[2] < entry_p:
            break
        new = [*current, best[0]]
        if frozenset(new) in visited:
            break
        current, current_fit = new, fit(new)
        visited.add(frozenset(current))
        steps.append(
            {
                "step": step,
                "action": "enter",
                "term": best[0],
                "statistic": best[1],
                "pval": best[2],
                "test": "score chi-square (1 df)",
            }
        )
        # removal: one term at a time, as long as one qualifies
        cycled = False
        while current and step < max_steps:
            removals = []
            for t in current:
                reduced = fit([c for c in current if c != t])
                r = lr_test(current_fit, reduced)
                removals.append((t, r["statistic"], r["pval"]))
            worst = max(removals, key=lambda r: (r[2], -r[1]))
            if not worst[2] > removal_p:
                break
            reduced_terms = [c for c in current if c != worst[0]]
            if frozenset(reduced_terms) in visited:
                # going back to a visited model would cycle: keep the model, stop
                cycled = True
                break
            step += 1
            current = reduced_terms
            current_fit = fit(current)
            visited.add(frozenset(current))
            steps.append(
                {
                    "step": step,
                    "action": "remove",
                    "term": worst[0],
                    "statistic": worst[1],
                    "pval": worst[2],
                    "test": "likelihood-ratio chi-square (1 df)",
                }
            )
        if cycled:
            break
    outside = [c for c in candidates if c not in current]
    not_selected = []
    for c in outside:
        s = score_test(d, outcome=outcome, covariates=(*forced, *current), added=c)
        not_selected.append({"term": c, "statistic": s["statistic"], "pval": s["pval"]})
    return StepwiseResult(
        steps=pd.DataFrame(
            steps, columns=["step", "action", "term", "statistic", "pval", "test"]
        ),
        final=_table(current_fit, alpha),
        selected=tuple(current),
        not_selected=pd.DataFrame(not_selected, columns=["term", "statistic", "pval"]),
        entry_tests=pd.DataFrame(entry_rows, columns=["step", "term", "statistic", "pval"]),
        n=int(y.size),
        events=int(y.sum()),
        entry_p=float(entry_p),
        removal_p=float(removal_p),
    )


def min_wald_se(x) -> float:
    """Smallest Wald standard error a logistic coefficient of ``x`` can have.

    Parameters
    ----------
    x : array-like
        The covariate's values in the analysed cases (missing values dropped).

    Returns
    -------
    float
        ``2 / sqrt(sum((x - mean(x))**2))``, in 1 / (unit of ``x``).

    Notes
    -----
    The information for a coefficient ``b`` is at most
    ``sum p_i (1 - p_i) (x_i - xbar_w)**2`` (the Schur complement after
    adjustment for other terms can only lower it), with ``p (1 - p) <= 1/4`` and
    the weighted sum of squares about the weighted mean ``xbar_w`` no larger
    than about the plain mean. Hence ``se(b) >= 2 / sqrt(sum (x_i - xbar)**2)``
    whatever the model and the fitted probabilities. A reported interval whose
    implied standard error is below this bound cannot come from these data in
    this unit.

    Examples
    --------
    >>> round(min_wald_se([0, 2]), 12)  # sum of squares 2: 2 / sqrt(2)
    1.414213562373
    """
    a = pd.Series(x, dtype=float).dropna().to_numpy()
    ss = float(np.sum((a - a.mean()) ** 2))
    return float(2.0 / np.sqrt(ss)) if ss > 0 else float("inf")


def wald_se_from_ci(ci_low: float, ci_high: float, *, level: float = 0.95) -> float:
    """The standard error of log(OR) that a Wald interval for an OR implies.

    ``(log(ci_high) - log(ci_low)) / (2 z)`` with ``z`` the ``(1 + level) / 2``
    normal quantile.

    Examples
    --------
    >>> z = float(stats.norm.ppf(0.975))
    >>> round(wald_se_from_ci(float(np.exp(-z)), float(np.exp(z))), 12)
    1.0
    """
    z = float(stats.norm.ppf((1 + level) / 2))
    return float((np.log(ci_high) - np.log(ci_low)) / (2 * z))
