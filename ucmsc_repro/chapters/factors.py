"""Factors associated with remission: logistic regression and stepwise selection.

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
method (entry by score test, removal by likelihood ratio).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools import sm_exceptions

from .comparisons import compare_categorical, compare_continuous, describe
from .exceptions import ModelFitError
from .formatting import p_value
from .paths import DATA_DIR
from .results import results_frame

__all__ = [
    "WHOLE_POPULATION_COVARIATES",
    "MSC_CANDIDATES",
    "MSC_ADJUSTMENT",
    "REMITTER_VARIABLES",
    "RESPONDER_CHARACTERISTICS",
    "TERM_LABELS",
    "ModelFitError",
    "LogitFit",
    "StepwiseResult",
    "fit_logit",
    "logit_table",
    "score_test",
    "lr_test",
    "forward_stepwise",
    "whole_population_model",
    "msc_stepwise",
    "remitter_comparison",
    "responder_characteristics",
    "cell_dose",
    "display_table",
    "model_specification",
    "remitter_display",
    "responder_display",
    "steps_display",
    "selection_sentence",
    "unit_sentence",
    "or_phrase",
    "chapter_texts",
    "paper_interval",
    "min_wald_se",
    "wald_se_from_ci",
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

#: How the book names each model term (with its unit: an odds ratio is per unit).
TERM_LABELS: dict[str, str] = {
    "const": "Intercept",
    "msc": "MSC arm (vs control)",
    "age_years": "Age (per year)",
    "male": "Male sex (vs female)",
    "duration_months": "Diabetes duration (per month)",
    "bmi_kg_m2": "BMI (per kg/m²)",
    "hba1c_pct_0": "Baseline HbA1c (per %)",
    "fcp_pmol_l_0": "Baseline fasting C-peptide (per pmol/L)",
    "msc_cells_total": "MSCs infused (per 10⁶ cells)",
}

#: How the book names each compared variable (with its unit).
VARIABLE_LABELS: dict[str, str] = {
    "fcp_pmol_l_0": "Baseline fasting C-peptide (pmol/L)",
    "hba1c_pct_0": "Baseline HbA1c (%)",
    "msc_cells_total": "MSCs infused (10⁶ cells)",
}

#: Iteration limit of the Newton-Raphson fit (SPSS's default is 20; Newton on a
#: logistic likelihood converges in a handful of steps unless the data separate).
MAX_ITER = 100

#: A fitted probability this close to 0 or 1 means (quasi-)complete separation.
_SEPARATION_EPS = 1e-8

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


def _missing_table(
    data: pd.DataFrame, outcome: str, covariates, error: str
) -> pd.DataFrame:
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

    steps = [
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
        return _missing_table(pp, outcome, WHOLE_POPULATION_COVARIATES, str(err))


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
        final = _missing_table(msc, outcome, MSC_ADJUSTMENT, str(err))
        forced_rows = [
            {
                "step": 0,
                "action": "forced",
                "term": t,
                "statistic": float("nan"),
                "pval": float("nan"),
                "test": "entered in block 1",
            }
            for t in MSC_ADJUSTMENT
        ]
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
    The test is :func:`ucmsc_repro.comparisons.compare_continuous`: Student's
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
    Continuous: :func:`ucmsc_repro.comparisons.compare_continuous` (Student's t
    or Mann-Whitney U). Binary: :func:`ucmsc_repro.comparisons.compare_categorical`
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
        :func:`ucmsc_repro.comparisons.describe` of the dose (``n``, ``mean``,
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


def display_table(table: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """A model table formatted for the book (rounded for display only).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`logit_table` output.
    alpha : float
        Level of the intervals, for the column header.

    Returns
    -------
    pandas.DataFrame
        Index ``Term``; columns ``B``, ``SE``, ``OR``, ``{100(1 - alpha)}% CI``,
        ``Wald p``; the intercept row shows B and SE only. For a model that could
        not be estimated (``table.attrs["error"]``), a single column
        ``Estimate`` saying so.
    """
    level = f"{100 * (1 - alpha):g}% CI"
    error = table.attrs.get("error", "")
    if error:
        return pd.DataFrame(
            {
                "Term": [TERM_LABELS.get(t, t) for t in table["term"]],
                "Estimate": "not estimable",
            }
        ).set_index("Term")
    rows = []
    for r in table.to_dict("records"):
        const = r["term"] == "const"
        rows.append(
            {
                "Term": TERM_LABELS.get(r["term"], r["term"]),
                "B": f"{r['coef']:.4f}",
                "SE": f"{r['se']:.4f}",
                "OR": "" if const else f"{r['odds_ratio']:.3f}",
                level: "" if const else f"{r['ci_low']:.3f} to {r['ci_high']:.3f}",
                "Wald p": "" if const else p_value(r["pval"]),
            }
        )
    return pd.DataFrame(rows).set_index("Term")


def model_specification(covariates, *, outcome: str = "remission") -> str:
    """The model written out, e.g. ``logit P(remission = 1) = b0 + b1 msc + ...``.

    Examples
    --------
    >>> model_specification(["msc", "bmi_kg_m2"])
    'logit P(remission = 1) = b0 + b1·msc + b2·bmi_kg_m2'
    """
    terms = " + ".join(f"b{i}·{c}" for i, c in enumerate(covariates, start=1))
    return f"logit P({outcome} = 1) = b0" + (f" + {terms}" if terms else "")


def _label(term: str) -> str:
    return TERM_LABELS.get(term, term)


def remitter_display(comparison: pd.DataFrame) -> pd.DataFrame:
    """:func:`remitter_comparison` formatted for the book (rounded for display only).

    Returns
    -------
    pandas.DataFrame
        Index ``Variable``; columns ``Remission: n``, ``Remission: mean ± SD (SEM)``,
        ``No remission: n``, ``No remission: mean ± SD (SEM)``, ``Difference``,
        ``Test``, ``p``.
    """
    rows = []
    for r in comparison.to_dict("records"):
        rows.append(
            {
                "Variable": VARIABLE_LABELS.get(r["variable"], r["variable"]),
                "Remission: n": r["n_remission"],
                "Remission: mean ± SD (SEM)": f"{r['mean_remission']:.1f} ± "
                f"{r['sd_remission']:.1f} ({r['sem_remission']:.1f})",
                "No remission: n": r["n_no_remission"],
                "No remission: mean ± SD (SEM)": f"{r['mean_no_remission']:.1f} ± "
                f"{r['sd_no_remission']:.1f} ({r['sem_no_remission']:.1f})",
                "Difference": f"{r['diff']:.1f}",
                "Test": r["test"],
                "p": p_value(r["pval"]),
            }
        )
    return pd.DataFrame(rows).set_index("Variable")


_CHARACTERISTIC_LABELS = {
    "age_at_onset": "Age at onset (years), mean",
    "male": "Male sex, %",
    "dk_or_dka": "DK or DKA at onset, %",
    "duration_months": "Diabetes duration (months), mean",
}


def responder_display(characteristics: pd.DataFrame) -> pd.DataFrame:
    """:func:`responder_characteristics` formatted for the book.

    Returns
    -------
    pandas.DataFrame
        Index ``Characteristic``; columns ``Remission (n)``, ``No remission (n)``,
        ``Test``, ``p``.
    """
    rows = []
    for r in characteristics.to_dict("records"):
        rows.append(
            {
                "Characteristic": _CHARACTERISTIC_LABELS.get(r["variable"], r["variable"]),
                "Remission (n)": f"{r['summary_remission']:.1f} ({r['n_remission']})",
                "No remission (n)": f"{r['summary_no_remission']:.1f} "
                f"({r['n_no_remission']})",
                "Test": r["test"],
                "p": p_value(r["pval"]),
            }
        )
    return pd.DataFrame(rows).set_index("Characteristic")


def steps_display(result: StepwiseResult) -> pd.DataFrame:
    """Every score test of the forward selection, and each entry or removal.

    Returns
    -------
    pandas.DataFrame
        One row per candidate and step, indexed by ``Step`` and ``Candidate``:
        ``Score chi-square (1 df)``, ``p``, ``Decision`` (``entered``,
        ``not entered``, or ``removed (LR chi-square ..., p ...)``); the forced
        terms are listed first with step 0.
    """
    rows = []
    forced = result.steps.loc[result.steps["action"] == "forced", "term"]
    for t in forced:
        rows.append(
            {
                "Step": 0,
                "Candidate": _label(t),
                "Score chi-square (1 df)": "",
                "p": "",
                "Decision": "forced in (block 1)",
            }
        )
    acts = result.steps.loc[result.steps["action"] != "forced"]
    for r in result.entry_tests.to_dict("records"):
        hit = acts.loc[(acts["step"] == r["step"]) & (acts["term"] == r["term"])]
        decision = "entered" if len(hit) else "not entered"
        rows.append(
            {
                "Step": int(r["step"]),
                "Candidate": _label(r["term"]),
                "Score chi-square (1 df)": f"{r['statistic']:.3f}",
                "p": p_value(r["pval"]),
                "Decision": decision,
            }
        )
    for r in acts.loc[acts["action"] == "remove"].to_dict("records"):
        rows.append(
            {
                "Step": int(r["step"]),
                "Candidate": _label(r["term"]),
                "Score chi-square (1 df)": "",
                "p": "",
                "Decision": f"removed (LR chi-square {r['statistic']:.3f}, "
                f"p {p_value(r['pval'])})",
            }
        )
    out = pd.DataFrame(rows).sort_values("Step", kind="stable")
    return out.set_index(["Step", "Candidate"])


def selection_sentence(result: StepwiseResult, *, alpha: float = 0.05) -> str:
    """One sentence naming what the forward selection kept, with OR, CI and p.

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1, 1, 1, 0, 1, 0, 0, 0] * 4,
    ...                   "x": [1, 1, 1, 1, 0, 0, 0, 0] * 4})
    >>> selection_sentence(forward_stepwise(d, outcome="y", candidates=["x"]))
    '1 candidate entered. x: OR 9.000 (95% CI 1.817 to 44.591), Wald p = 0.007.'
    """
    level = f"{100 * (1 - alpha):g}% CI"
    if result.error:
        return f"The forward selection could not be completed: {result.error}."
    if not result.selected:
        return "No candidate entered the model."
    final = result.final.set_index("term")
    parts = []
    for t in result.selected:
        r = final.loc[t]
        parts.append(
            f"{_label(t)}: OR {r['odds_ratio']:.3f} ({level} {r['ci_low']:.3f} to "
            f"{r['ci_high']:.3f}), Wald p = {p_value(r['pval'])}"
        )
    head = "1 candidate entered" if len(parts) == 1 else f"{len(parts)} candidates entered"
    return f"{head}. " + "; ".join(parts) + "."


def or_phrase(table: pd.DataFrame, term: str, *, alpha: float = 0.05) -> str:
    """An odds ratio with its interval and p-value, in words, from a model table.

    Examples
    --------
    >>> t = pd.DataFrame({"term": ["x"], "odds_ratio": [2.0], "ci_low": [1.25],
    ...                   "ci_high": [3.2], "pval": [0.004]})
    >>> or_phrase(t, "x")
    '2.000 (95% CI 1.250 to 3.200; Wald p = 0.004)'
    """
    r = table.set_index("term").loc[term]
    if not np.isfinite(r["odds_ratio"]):
        return "not estimable (see the note on the model)"
    return (
        f"{r['odds_ratio']:.3f} ({100 * (1 - alpha):g}% CI {r['ci_low']:.3f} to "
        f"{r['ci_high']:.3f}; Wald p = {p_value(r['pval'])})"
    )


def unit_sentence(implied_se: float, min_se_1e6: float, min_se_1e7: float) -> str:
    """Which cell-count units the paper's interval is compatible with, in words.

    Examples
    --------
    >>> unit_sentence(0.0587, 0.0115, 0.115)
    'compatible with a unit of 10⁶ cells and impossible with a unit of 10⁷ cells'
    """

    def verdict(bound: float) -> str:
        return "compatible with" if implied_se >= bound else "impossible with"

    return (
        f"{verdict(min_se_1e6)} a unit of 10⁶ cells and "
        f"{verdict(min_se_1e7)} a unit of 10⁷ cells"
    )


def chapter_texts(
    results_frame: pd.DataFrame,
    *,
    whole: pd.DataFrame,
    comparison: pd.DataFrame,
    stepwise: StepwiseResult,
    alpha: float = 0.05,
) -> dict[str, str]:
    """Pieces of text the chapter glues into its prose (computed, never typed).

    Parameters
    ----------
    results_frame : pandas.DataFrame
        :func:`results` of the chapter.
    whole : pandas.DataFrame
        :func:`whole_population_model` (``errors="missing"`` allowed).
    comparison : pandas.DataFrame
        :func:`remitter_comparison`.
    stepwise : StepwiseResult
        :func:`msc_stepwise`.
    alpha : float

    Returns
    -------
    dict
        ``factors.text.<name>`` -> text: ``whole_spec`` and ``stepwise_spec``
        (the whole-population model and the final stepwise model written out),
        ``forced`` and ``candidates`` (term labels),
        ``selection`` (:func:`selection_sentence`), ``<variable>_test`` (test of
        each Figure 4 comparison), ``paper_cells_ci`` (the paper's interval for
        the cells, from ``data/paper_claims.csv``), ``unit_verdict``
        (:func:`unit_sentence`), ``whole.<term>`` (:func:`or_phrase` of every
        covariate of the whole-population model), ``whole_status`` (whether
        that model could be estimated), ``ci_level`` (e.g. ``95%``), ``whole_k``
        (number of covariates of the whole-population model), ``entry_p`` and
        ``removal_p`` (selection criteria).
    """
    v = results_frame.set_index("key")["value"]
    lo, hi = paper_interval(PAPER_CELLS_KEY)
    out = {
        "factors.text.whole_spec": model_specification(WHOLE_POPULATION_COVARIATES),
        "factors.text.stepwise_spec": model_specification(
            (*MSC_ADJUSTMENT, *stepwise.selected)
        ),
        "factors.text.forced": ", ".join(_label(t) for t in MSC_ADJUSTMENT),
        "factors.text.candidates": ", ".join(_label(t) for t in MSC_CANDIDATES),
        "factors.text.selection": selection_sentence(stepwise, alpha=alpha),
        "factors.text.paper_cells_ci": f"{lo:.3f} to {hi:.3f}",
        "factors.text.unit_verdict": unit_sentence(
            v["factors.msc_cells_total.paper.implied_se"],
            v["factors.msc_cells_total.unit_1e6.min_se"],
            v["factors.msc_cells_total.unit_1e7.min_se"],
        ),
        "factors.text.ci_level": f"{100 * (1 - alpha):g}%",
        "factors.text.whole_k": str(len(WHOLE_POPULATION_COVARIATES)),
        "factors.text.entry_p": f"{stepwise.entry_p:g}",
        "factors.text.removal_p": f"{stepwise.removal_p:g}",
    }
    for r in comparison.to_dict("records"):
        out[f"factors.text.{r['variable']}_test"] = r["test"]
    error = whole.attrs.get("error", "")
    out["factors.text.whole_status"] = (
        f"The model could not be estimated on these data: {error}."
        if error
        else "The maximum-likelihood fit converged."
    )
    for term in WHOLE_POPULATION_COVARIATES:
        out[f"factors.text.whole.{term}"] = or_phrase(whole, term, alpha=alpha)
    return out


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
    ch : ucmsc_repro.chapter.Chapter
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
