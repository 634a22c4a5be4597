"""How stable is a stepwise selection? Bootstrap inclusion frequencies and optimism.

General statistics (nothing here knows the paper): the forward stepwise
logistic selection of :func:`ucmsc_repro.stats.logistic.forward_stepwise`
(SPSS's ``Forward: LR``: score test to enter, likelihood ratio to remove)
repeated on bootstrap resamples of the cases, with how often each candidate
enters, how often each final model is chosen, and Harrell's bootstrap
estimate of the optimism of the final model's C statistic. The selection is
re-implemented here on NumPy arrays (Newton-Raphson, the same entry, removal,
tie and cycling rules) because a thousand selections through statsmodels take
about a minute; :func:`fast_forward_selection` is tested to give the same
selections as :func:`forward_stepwise` in ``tests/stats/test_selection_stability.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special, stats

__all__ = [
    "c_statistic",
    "fast_forward_selection",
    "SelectionFailed",
    "BootstrapSelection",
    "bootstrap_selection",
]

_MAX_ITER = 100  # as stats.logistic.MAX_ITER
_SEPARATION_EPS = 1e-8  # as stats.logistic
_ETA_DIVERGED = 50.0


class SelectionFailed(Exception):
    """A model of the selection cannot be estimated (separation, no convergence)."""


def c_statistic(y, score) -> float:
    """The C statistic (area under the ROC curve) of a score for a 0/1 outcome.

    The share of (event, non-event) pairs in which the event has the higher
    score, ties counted one half (the Mann-Whitney form).

    Examples
    --------
    >>> c_statistic([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    n1 = int((y == 1).sum())
    n0 = int((y == 0).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = stats.rankdata(s)
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _logit(X: np.ndarray, y: np.ndarray, *, full_rank: bool = False):
    """Newton-Raphson logistic fit refusing what ``stats.logistic.fit_logit`` refuses.

    ``full_rank`` says that the rank was checked already (on a larger design).
    """
    n, k = X.shape
    if n == 0 or y.min() == y.max() or n <= k:
        raise SelectionFailed("degenerate model")
    if not full_rank and np.linalg.matrix_rank(X) < k:
        raise SelectionFailed("degenerate model")
    beta = np.zeros(k)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for _ in range(_MAX_ITER):
            p = 1.0 / (1.0 + np.exp(-(X @ beta)))
            w = p * (1.0 - p)
            info = X.T @ (X * w[:, None])
            try:
                step = np.linalg.solve(info, X.T @ (y - p))
            except np.linalg.LinAlgError as err:
                raise SelectionFailed("singular information") from err
            beta = beta + step
            if not np.all(np.isfinite(beta)) or np.max(np.abs(X @ beta)) > _ETA_DIVERGED:
                # fitted probabilities within 1e-21 of 0 or 1: the iterations are
                # running off to a separated solution, which fit_logit refuses
                raise SelectionFailed("divergence")
            if np.max(np.abs(step)) < 1e-10:
                break
        else:
            raise SelectionFailed("no convergence")
        eta = X @ beta
        p = 1.0 / (1.0 + np.exp(-eta))
    if np.any(p < _SEPARATION_EPS) or np.any(p > 1 - _SEPARATION_EPS):
        raise SelectionFailed("separation")
    llf = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
    return beta, llf, p


def _score(X_full: np.ndarray, y: np.ndarray, p0: np.ndarray) -> tuple[float, float]:
    u = X_full.T @ (y - p0)
    info = X_full.T @ (X_full * (p0 * (1 - p0))[:, None])
    try:
        stat = float(u @ np.linalg.solve(info, u))
    except np.linalg.LinAlgError as err:
        raise SelectionFailed("singular information in a score test") from err
    return stat, float(special.chdtrc(1, stat))


def fast_forward_selection(
    X_forced: np.ndarray,
    X_cand: np.ndarray,
    y: np.ndarray,
    *,
    entry_p: float = 0.05,
    removal_p: float = 0.10,
    max_steps: int = 50,
) -> tuple[tuple[int, ...], np.ndarray]:
    """Forward stepwise selection on arrays, as :func:`forward_stepwise`.

    Parameters
    ----------
    X_forced : numpy.ndarray
        n x f: intercept column first, then the forced terms.
    X_cand : numpy.ndarray
        n x c: the candidates.
    y : numpy.ndarray
        0/1 outcome (complete cases only).

    Returns
    -------
    (selected, beta)
        Candidate column indices in order of entry, and the final model's
        coefficients (forced columns, then the selected candidates).

    Raises
    ------
    SelectionFailed
        When a model of the selection cannot be estimated (as
        ``ModelFitError`` in :func:`forward_stepwise`).
    """

    def design(terms):
        return np.column_stack([X_forced, X_cand[:, list(terms)]])

    # when the design with every candidate has full rank, so has every sub-design
    full = design(range(X_cand.shape[1]))
    full_rank = bool(np.linalg.matrix_rank(full) == full.shape[1])

    cache: dict[tuple, tuple] = {}

    def fit(terms):
        key = tuple(terms)
        if key not in cache:
            cache[key] = _logit(design(terms), y, full_rank=full_rank)
        return cache[key]

    current: list[int] = []
    beta, llf, p = fit(current)
    visited = {frozenset()}
    step = 0
    while step < max_steps:
        step += 1
        outside = [c for c in range(X_cand.shape[1]) if c not in current]
        if not outside:
            break
        scores = [(c, *_score(design([*current, c]), y, p)) for c in outside]
        best = min(scores, key=lambda r: (r[2], -r[1]))
        if not best[2] < entry_p:
            break
        new = [*current, best[0]]
        if frozenset(new) in visited:
            break
        current = new
        beta, llf, p = fit(current)
        visited.add(frozenset(current))
        cycled = False
        while current and step < max_steps:
            removals = []
            for t in current:
                _b, ll_red, _p = fit([c for c in current if c != t])
                stat = 2.0 * (llf - ll_red)
                removals.append((t, stat, float(special.chdtrc(1, stat))))
            worst = max(removals, key=lambda r: (r[2], -r[1]))
            if not worst[2] > removal_p:
                break
            reduced = [c for c in current if c != worst[0]]
            if frozenset(reduced) in visited:
                cycled = True
                break
            step += 1
            current = reduced
            beta, llf, p = fit(current)
            visited.add(frozenset(current))
        if cycled:
            break
    return tuple(current), beta


@dataclass
class BootstrapSelection:
    """Result of :func:`bootstrap_selection`.

    Attributes
    ----------
    inclusion : pandas.DataFrame
        ``term``, ``count``, ``share`` (of the resamples whose selection was
        completed) for every candidate.
    models : pandas.DataFrame
        ``model`` (terms joined by " + ", or "none"), ``count``, ``share``,
        most frequent first.
    n_boot, n_completed : int
        Resamples drawn; resamples whose selection could be completed (the
        others met separation or a degenerate model).
    apparent_c, optimism, corrected_c : float
        C statistic of the final model on the original data, Harrell's
        optimism (mean over completed resamples of the C of the resample's
        selected model on the resample minus its C on the original data) and
        the optimism-corrected C (NaN when the original selection failed).
    seed : int
    error : str
    """

    inclusion: pd.DataFrame
    models: pd.DataFrame
    n_boot: int
    n_completed: int
    apparent_c: float = float("nan")
    optimism: float = float("nan")
    corrected_c: float = float("nan")
    seed: int = 0
    error: str = ""
    optimism_draws: np.ndarray = field(default_factory=lambda: np.empty(0))


def bootstrap_selection(
    data: pd.DataFrame,
    *,
    outcome: str,
    candidates,
    forced=(),
    n_boot: int = 1000,
    seed: int = 0,
    entry_p: float = 0.05,
    removal_p: float = 0.10,
) -> BootstrapSelection:
    """Repeat a forward stepwise selection on bootstrap resamples.

    Parameters
    ----------
    data : pandas.DataFrame
        Cases; those with the outcome and every forced and candidate term
        present are used (as the selection itself does).
    outcome : str
    candidates, forced : sequence of str
        As :func:`ucmsc_repro.stats.logistic.forward_stepwise`.
    n_boot : int
        Number of resamples (with replacement, the size of the data).
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    BootstrapSelection

    Notes
    -----
    Inclusion frequencies and the distribution of selected models follow
    Sauerbrei and Schumacher (1992); the optimism of the C statistic is
    Harrell's bootstrap (Harrell, Lee and Mark 1996; the whole selection is
    repeated in each resample, as ``rms::validate(..., bw = TRUE)``).
    Resamples in which a model cannot be estimated are counted and left out.
    """
    candidates, forced = list(candidates), list(forced)
    d = data[[outcome, *forced, *candidates]].astype(float).dropna()
    y = d[outcome].to_numpy()
    Xf = np.column_stack([np.ones(len(d)), d[forced].to_numpy()])
    Xc = d[candidates].to_numpy()
    n = len(d)
    counts = np.zeros(len(candidates), dtype=int)
    models: dict[tuple, int] = {}
    rng = np.random.default_rng(seed)
    try:
        sel0, beta0 = fast_forward_selection(
            Xf, Xc, y, entry_p=entry_p, removal_p=removal_p
        )
        apparent = c_statistic(y, np.column_stack([Xf, Xc[:, list(sel0)]]) @ beta0)
        error = ""
    except SelectionFailed as err:
        apparent, error = float("nan"), f"the selection on the data failed ({err})"
    draws = []
    completed = 0
    for _ in range(n_boot):
        idx = rng.integers(0, n, n)
        try:
            sel, beta = fast_forward_selection(
                Xf[idx], Xc[idx], y[idx], entry_p=entry_p, removal_p=removal_p
            )
        except SelectionFailed:
            continue
        completed += 1
        counts[list(sel)] += 1
        key = tuple(sorted(sel))
        models[key] = models.get(key, 0) + 1
        Xs = np.column_stack([Xf, Xc[:, list(sel)]])
        draws.append(c_statistic(y[idx], Xs[idx] @ beta) - c_statistic(y, Xs @ beta))
    share = counts / completed if completed else np.full(len(candidates), np.nan)
    inclusion = pd.DataFrame({"term": candidates, "count": counts, "share": share})
    rows = [
        {
            "model": " + ".join(candidates[i] for i in k) if k else "none",
            "count": c,
            "share": c / completed,
        }
        for k, c in models.items()
    ]
    model_frame = pd.DataFrame(rows, columns=["model", "count", "share"])
    model_frame = model_frame.sort_values(
        ["count", "model"], ascending=[False, True]
    ).reset_index(drop=True)
    draws_a = np.asarray([x for x in draws if np.isfinite(x)], dtype=float)
    optimism = float(draws_a.mean()) if draws_a.size else float("nan")
    return BootstrapSelection(
        inclusion=inclusion,
        models=model_frame,
        n_boot=int(n_boot),
        n_completed=completed,
        apparent_c=float(apparent),
        optimism=optimism,
        corrected_c=float(apparent - optimism),
        seed=int(seed),
        error=error,
        optimism_draws=draws_a,
    )
