"""Specification curve (multiverse) analysis: every reasonable analysis, side by side.

Simonsohn, Simmons and Nelson (2020): list every combination of defensible
analytic choices, run each specification, sort the estimates, draw the
choices of each underneath, and summarise how many agree.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

__all__ = ["specifications", "run_specifications", "curve_summary"]

_RESULT_COLUMNS = ("estimate", "ci_low", "ci_high", "pval", "n", "note")


def specifications(choices: dict) -> pd.DataFrame:
    """Every combination of the choices, one row per specification.

    Parameters
    ----------
    choices : dict
        Choice name -> list of options, in the order they are drawn.

    Returns
    -------
    pandas.DataFrame
        One column per choice.

    Examples
    --------
    >>> specifications({"set": ["a", "b"], "test": ["x", "y", "z"]}).shape
    (6, 2)
    """
    names = list(choices)
    return pd.DataFrame(list(itertools.product(*choices.values())), columns=names)


def run_specifications(specs: pd.DataFrame, analysis) -> pd.DataFrame:
    """Run ``analysis(**spec)`` for every row and sort by the estimate.

    Parameters
    ----------
    specs : pandas.DataFrame
        One row per specification (e.g. from :func:`specifications`, possibly
        filtered to the valid combinations).
    analysis : callable
        Called with the row's choices as keyword arguments; returns a dict
        with ``estimate``, ``pval`` and optionally ``ci_low``, ``ci_high``,
        ``n``, ``note`` (missing keys are NaN or empty).

    Returns
    -------
    pandas.DataFrame
        The choice columns, then ``estimate``, ``ci_low``, ``ci_high``,
        ``pval``, ``n``, ``note`` and ``rank`` (1 = smallest estimate; NaN for
        specifications without an estimate, which sort last).

    Examples
    --------
    >>> s = specifications({"k": [3, 1, 2]})
    >>> r = run_specifications(s, lambda k: {"estimate": k, "pval": k / 10})
    >>> r["k"].tolist(), r["rank"].tolist()
    ([1, 2, 3], [1.0, 2.0, 3.0])
    """
    rows = []
    for spec in specs.to_dict("records"):
        res = analysis(**spec)
        rows.append(
            spec
            | {k: res.get(k, "" if k == "note" else float("nan")) for k in _RESULT_COLUMNS}
        )
    out = pd.DataFrame(rows, columns=[*specs.columns, *_RESULT_COLUMNS])
    out["estimate"] = out["estimate"].astype(float)
    out["pval"] = out["pval"].astype(float)
    out = out.sort_values("estimate", kind="mergesort", na_position="last")
    out = out.reset_index(drop=True)
    ok = np.isfinite(out["estimate"].to_numpy())
    out["rank"] = np.where(ok, np.cumsum(ok), np.nan)
    return out


def curve_summary(curve: pd.DataFrame, *, alpha: float = 0.05) -> dict:
    """How many specifications agree: counts, shares and the spread of estimates.

    Returns
    -------
    dict
        ``n_specs`` (all), ``n_computed`` (with an estimate and a p-value),
        ``n_significant`` (p < alpha), ``share_significant`` (of the computed
        ones), ``share_positive`` (estimate > 0), ``share_significant_positive``
        (p < alpha and estimate > 0), ``median``, ``min`` and ``max`` of the
        estimates. Shares and spread are NaN when nothing was computed.

    Examples
    --------
    >>> c = pd.DataFrame({"estimate": [0.1, 0.2, -0.1], "pval": [0.01, 0.2, 0.04]})
    >>> s = curve_summary(c)
    >>> s["n_significant"], round(s["share_significant"], 4), s["median"]
    (2, 0.6667, 0.1)
    """
    est = curve["estimate"].to_numpy(dtype=float)
    p = curve["pval"].to_numpy(dtype=float)
    ok = np.isfinite(est) & np.isfinite(p)
    k = int(ok.sum())
    sig = ok & (p < alpha)
    nan = math.nan
    return {
        "n_specs": int(len(curve)),
        "n_computed": k,
        "n_significant": int(sig.sum()),
        "share_significant": float(sig.sum() / k) if k else nan,
        "share_positive": float((est[ok] > 0).sum() / k) if k else nan,
        "share_significant_positive": float((sig & (est > 0)).sum() / k) if k else nan,
        "median": float(np.median(est[ok])) if k else nan,
        "min": float(est[ok].min()) if k else nan,
        "max": float(est[ok].max()) if k else nan,
    }
