"""Dropouts and a missing binary endpoint: composite, bounds, tipping points, MI.

The per-protocol analysis of a trial drops the participants who discontinued.
These functions ask how much that matters for a binary endpoint (remission):
count dropouts as failures (composite strategy), bound the result by the best
and worst cases, map every possible split of the dropouts into remitters and
non-remitters (tipping-point grid), and impute the missing outcomes from
baseline covariates under missing at random (multiple imputation, Rubin's
rules: :mod:`ucmsc_repro.stats.imputation`). Counts are ``x`` remitters among
``n`` completers with a known outcome
and ``d`` dropouts with an unknown outcome, per arm (arm 1 = MSC, arm 2 =
control). Nothing raises or warns on degenerate counts; values that cannot be
computed are NaN with a ``note``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .small_sample import (
    barnard_test,
    boschloo_test,
    check_counts,
    fisher_midp,
    fisher_test,
    mn_interval,
)

__all__ = [
    "composite_failure",
    "best_worst_bounds",
    "tipping_point_grid",
    "tipping_splits",
    "tipping_point_summary",
]

_NAN = float("nan")

_TESTS = {
    "fisher": fisher_test,
    "mid-p": fisher_midp,
    "barnard": barnard_test,
    "boschloo": boschloo_test,
}


def _check_dropouts(d1: int, d2: int) -> None:
    for name, v in (("d1", d1), ("d2", d2)):
        if not float(v).is_integer() or v < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {v!r}")


def _compare(a: int, n1: int, b: int, n2: int, *, alpha: float, test: str) -> dict:
    """Rates, risk difference with MN interval and the p of ``test``."""
    note = check_counts(a, n1, b, n2)
    if note:
        return {
            "rate1": _NAN,
            "rate2": _NAN,
            "risk_difference": _NAN,
            "ci_low": _NAN,
            "ci_high": _NAN,
            "pval": _NAN,
            "note": note,
        }
    mn = mn_interval(a, n1, b, n2, alpha=alpha)
    res = _TESTS[test](a, n1, b, n2)
    return {
        "rate1": a / n1,
        "rate2": b / n2,
        "risk_difference": a / n1 - b / n2,
        "ci_low": mn["ci_low"],
        "ci_high": mn["ci_high"],
        "pval": res["pval"],
        "note": res["note"],
    }


def composite_failure(
    x1: int,
    n1: int,
    d1: int,
    x2: int,
    n2: int,
    d2: int,
    *,
    alpha: float = 0.05,
    test: str = "fisher",
) -> dict:
    """Composite strategy: every dropout counted as a non-remitter.

    Parameters
    ----------
    x1, n1, d1 : int
        Arm 1 remitters, completers with a known outcome, dropouts.
    x2, n2, d2 : int
        The same for arm 2.
    alpha : float
        1 - confidence level of the interval.
    test : {"fisher", "mid-p", "barnard", "boschloo"}
        Test of the comparison (two-sided).

    Returns
    -------
    dict
        ``events1``, ``n1`` (= n1 + d1), ``events2``, ``n2``, ``rate1``,
        ``rate2``, ``risk_difference``, ``ci_low``, ``ci_high``
        (Miettinen-Nurminen), ``pval`` and ``note``.

    Notes
    -----
    ICH E9(R1) composite strategy: discontinuation is part of the outcome
    ("remission and still in the trial"). The denominators are all enrolled
    participants. An arm with nobody enrolled gives NaN and a note.

    References
    ----------
    ICH E9(R1) addendum on estimands and sensitivity analysis, 2019, A.3.2.

    Examples
    --------
    >>> r = composite_failure(11, 27, 5, 3, 26, 9)
    >>> r["events1"], r["n1"], r["events2"], r["n2"], round(r["pval"], 4)
    (11, 32, 3, 35, 0.0149)
    """
    _check_dropouts(d1, d2)
    out = {"events1": x1, "n1": n1 + d1, "events2": x2, "n2": n2 + d2}
    return out | _compare(x1, n1 + d1, x2, n2 + d2, alpha=alpha, test=test)


def best_worst_bounds(
    x1: int,
    n1: int,
    d1: int,
    x2: int,
    n2: int,
    d2: int,
    *,
    alpha: float = 0.05,
    test: str = "fisher",
) -> pd.DataFrame:
    """Extreme-case analyses: all dropouts of one arm remit, none of the other.

    Parameters
    ----------
    x1, n1, d1, x2, n2, d2 : int
        As :func:`composite_failure`.
    alpha : float
        1 - confidence level.
    test : {"fisher", "mid-p", "barnard", "boschloo"}
        Two-sided test.

    Returns
    -------
    pandas.DataFrame
        Rows ``"best case"`` (arm-1 dropouts remit, arm-2 dropouts do not),
        ``"worst case"`` (the reverse), ``"all dropouts remit"`` and ``"no
        dropout remits"`` (the composite strategy); columns ``scenario``,
        ``events1``, ``n1``, ``events2``, ``n2``, ``rate1``, ``rate2``,
        ``risk_difference``, ``ci_low``, ``ci_high`` (Miettinen-Nurminen),
        ``pval``, ``significant`` (pval < alpha; False when pval is NaN) and
        ``note``.

    Notes
    -----
    Best and worst case bound every risk difference that any pattern of
    dropout outcomes could give (the tipping-point grid lies between them).

    Examples
    --------
    >>> t = best_worst_bounds(11, 27, 5, 3, 26, 9)
    >>> t[["scenario", "events1", "events2", "significant"]].values.tolist()[:2]
    [['best case', 16, 3, True], ['worst case', 11, 12, False]]
    """
    _check_dropouts(d1, d2)
    rows = []
    for label, a, b in (
        ("best case", x1 + d1, x2),
        ("worst case", x1, x2 + d2),
        ("all dropouts remit", x1 + d1, x2 + d2),
        ("no dropout remits", x1, x2),
    ):
        r = _compare(a, n1 + d1, b, n2 + d2, alpha=alpha, test=test)
        rows.append(
            {
                "scenario": label,
                "events1": a,
                "n1": n1 + d1,
                "events2": b,
                "n2": n2 + d2,
                **r,
                "significant": bool(r["pval"] < alpha),
            }
        )
    cols = [
        "scenario",
        "events1",
        "n1",
        "events2",
        "n2",
        "rate1",
        "rate2",
        "risk_difference",
        "ci_low",
        "ci_high",
        "pval",
        "significant",
        "note",
    ]
    return pd.DataFrame(rows)[cols]


#: Most steps of the tipping-point grid per arm (every count up to this many dropouts).
GRID_STEPS = 40


def tipping_splits(d: int, max_steps: int = GRID_STEPS) -> list[int]:
    """Counts of an arm's dropouts who remit on the grid: all of 0..d, or
    ``max_steps + 1`` evenly spaced ones from 0 to d.

    >>> tipping_splits(5, 40)
    [0, 1, 2, 3, 4, 5]
    >>> tipping_splits(4720, 4)
    [0, 1180, 2360, 3540, 4720]
    """
    if d <= max_steps:
        return list(range(d + 1))
    return sorted({int(round(k * d / max_steps)) for k in range(max_steps + 1)})


def tipping_point_grid(
    x1: int,
    n1: int,
    d1: int,
    x2: int,
    n2: int,
    d2: int,
    *,
    test: str = "fisher",
    alpha: float = 0.05,
    max_steps: int = GRID_STEPS,
) -> pd.DataFrame:
    """Every split of each arm's dropouts into remitters and non-remitters.

    Parameters
    ----------
    x1, n1, d1, x2, n2, d2 : int
        As :func:`composite_failure` (arm 1 = MSC, arm 2 = control).
    test : {"fisher", "mid-p", "barnard", "boschloo"}
        Two-sided test of each completed table.
    alpha : float
        Significance level.
    max_steps : int
        An arm with more dropouts than this is split at ``max_steps + 1``
        evenly spaced counts from 0 to all its dropouts (rounded), not at
        every count: a grid of at most (max_steps + 1)^2 tables whatever the
        size of the trial.

    Returns
    -------
    pandas.DataFrame
        One row per (i, j), i = 0..d1, j = 0..d2 (or the counts of a coarser
        grid, see ``max_steps``), columns
        ``msc_dropouts_remitting`` (i), ``control_dropouts_remitting`` (j),
        ``msc_rate`` ((x1 + i)/(n1 + d1)), ``control_rate``
        ((x2 + j)/(n2 + d2)), ``risk_difference``, ``pval`` and
        ``significant`` (pval < alpha).

    Notes
    -----
    (d1 + 1)(d2 + 1) tables; Barnard's and Boschloo's tests take about 0.1 s
    each at these sizes. An arm with nobody enrolled gives one row of NaN.

    References
    ----------
    Liublinska V, Rubin DB. Sensitivity analysis for a partially missing
    binary outcome in a two-arm randomized clinical trial. Stat Med
    2014;33:4170-85.

    Examples
    --------
    >>> g = tipping_point_grid(11, 27, 5, 3, 26, 9)
    >>> g.shape, int(g["significant"].sum())
    ((60, 7), 25)
    """
    _check_dropouts(d1, d2)
    if test not in _TESTS:
        raise ValueError(f"test must be one of {sorted(_TESTS)}, got {test!r}")
    rows = []
    for i in tipping_splits(int(d1), max_steps):
        for j in tipping_splits(int(d2), max_steps):
            a, b, m1, m2 = x1 + i, x2 + j, n1 + d1, n2 + d2
            if check_counts(a, m1, b, m2):
                r1 = r2 = p = _NAN
            else:
                r1, r2 = a / m1, b / m2
                p = _TESTS[test](a, m1, b, m2)["pval"]
            rows.append(
                {
                    "msc_dropouts_remitting": i,
                    "control_dropouts_remitting": j,
                    "msc_rate": r1,
                    "control_rate": r2,
                    "risk_difference": r1 - r2,
                    "pval": p,
                    "significant": bool(p < alpha),
                }
            )
    return pd.DataFrame(rows)


def _nearest(values: pd.Series, e: float) -> int:
    """The grid value for an expected count ``e``: ``round(e)`` on a grid of every
    count, else (a coarse grid) the nearest grid value."""
    if round(e) in set(values):
        return round(e)
    v = np.sort(values.unique())
    return int(v[np.argmin(np.abs(v - e))])


def tipping_point_summary(
    grid: pd.DataFrame,
    *,
    x1: int,
    n1: int,
    d1: int,
    x2: int,
    n2: int,
    d2: int,
    alpha: float = 0.05,
) -> dict:
    """Where the tipping-point grid turns: the cells closest to the MAR-like split.

    Parameters
    ----------
    grid : pandas.DataFrame
        Output of :func:`tipping_point_grid` for the same counts.
    x1, n1, d1, x2, n2, d2 : int
        The counts of the grid.
    alpha : float
        Significance level.

    Returns
    -------
    dict
        ``expected_msc``, ``expected_control``: remitters among the dropouts
        if they remitted at the rate of their arm's completers (d x / n, a
        MAR-like expectation without covariates; NaN if n = 0);
        ``pval_at_expected``: p of the grid cell nearest that expectation;
        ``share_significant``: fraction of the grid cells with p < alpha;
        ``distance``: the smallest number of dropouts whose outcome departs
        from the expectation, |i - e1| + |j - e2|, among the cells on the
        other side of alpha from the expected cell (NaN if none);
        ``tipping_points``: frame of the grid cells at that distance;
        ``boundary``: frame with, for each ``msc_dropouts_remitting``, the
        smallest ``control_dropouts_remitting`` with p >= alpha (column
        ``min_control_remitting_nonsignificant``, NaN if none); ``note``.

    Notes
    -----
    The distance is counted in participants on the fractional expectation
    (e.g. 1.8 expected remitters and 0 assumed count 1.8), so it reads as
    "about that many dropouts would have to do differently from their arm".

    Examples
    --------
    >>> g = tipping_point_grid(11, 27, 5, 3, 26, 9)
    >>> s = tipping_point_summary(g, x1=11, n1=27, d1=5, x2=3, n2=26, d2=9)
    >>> round(s["expected_msc"], 3), round(s["expected_control"], 3)
    (2.037, 1.038)
    """
    e1 = d1 * x1 / n1 if n1 else _NAN
    e2 = d2 * x2 / n2 if n2 else _NAN
    out = {
        "expected_msc": e1,
        "expected_control": e2,
        "pval_at_expected": _NAN,
        "share_significant": _NAN,
        "distance": _NAN,
        "tipping_points": grid.iloc[0:0].copy(),
        "boundary": pd.DataFrame(),
        "note": "",
    }
    if grid["pval"].isna().all():
        out["note"] = "no grid cell could be tested"
        return out
    if math.isnan(e1) or math.isnan(e2):
        out["share_significant"] = float(grid["significant"].mean())
        out["note"] = "an arm has no completer: no expected split of its dropouts"
        return out
    near = grid.loc[
        (grid.msc_dropouts_remitting == _nearest(grid.msc_dropouts_remitting, e1))
        & (grid.control_dropouts_remitting == _nearest(grid.control_dropouts_remitting, e2))
    ]
    p_exp = float(near["pval"].iloc[0])
    sig_exp = p_exp < alpha
    dist = (grid.msc_dropouts_remitting - e1).abs() + (
        grid.control_dropouts_remitting - e2
    ).abs()
    other = grid["significant"] != sig_exp
    out.update(pval_at_expected=p_exp, share_significant=float(grid["significant"].mean()))
    if other.any():
        dmin = float(dist[other].min())
        out["distance"] = dmin
        out["tipping_points"] = grid.loc[other & np.isclose(dist, dmin)].assign(
            distance=dist[other & np.isclose(dist, dmin)]
        )
    else:
        out["note"] = (
            "every split of the dropouts gives the same conclusion as the expected split"
        )
    rows = []
    for i, sub in grid.groupby("msc_dropouts_remitting"):
        ns = sub.loc[~sub["significant"], "control_dropouts_remitting"]
        rows.append(
            {
                "msc_dropouts_remitting": int(i),
                "min_control_remitting_nonsignificant": float(ns.min())
                if len(ns)
                else _NAN,
            }
        )
    out["boundary"] = pd.DataFrame(rows)
    return out
