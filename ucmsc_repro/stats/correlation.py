"""Correlation of two measurements, the test chosen by normality (Pearson or Spearman).

General statistics (nothing here knows the paper). Validated against R
``cor.test`` in ``tests/stats/test_correlation.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .comparisons import is_normal

__all__ = ["correlate"]


def correlate(x, y, *, method: str = "auto") -> dict:
    """Pearson's or Spearman's correlation with its two-sided test.

    Parameters
    ----------
    x, y : array-like
        Paired values; pairs with a missing value are dropped.
    method : {"auto", "pearson", "spearman"}
        ``"auto"``: Pearson's r when both variables pass the Shapiro-Wilk test
        (p >= 0.05, :func:`ucmsc_repro.stats.comparisons.is_normal`), else
        Spearman's rho, the rule a paper naming "Pearson or Spearman
        correlations" with a normality check follows.

    Returns
    -------
    dict
        ``test`` (name), ``r``, ``pval``, ``n``, ``normal``. With fewer than 3
        pairs or a constant variable no test is run (``test`` says so, ``r``
        and ``pval`` are NaN).

    Notes
    -----
    Pearson: t test with n - 2 df (``scipy.stats.pearsonr``). Spearman: the t
    approximation with n - 2 df (``scipy.stats.spearmanr``; R ``cor.test(...,
    method = "spearman", exact = FALSE)``).

    Examples
    --------
    >>> round(correlate([1, 2, 3, 4], [1, 3, 2, 4], method="pearson")["r"], 4)
    0.8
    """
    d = pd.DataFrame(
        {
            "x": pd.Series(x, dtype=float).to_numpy(),
            "y": pd.Series(y, dtype=float).to_numpy(),
        }
    ).dropna()
    n = int(len(d))
    nan = float("nan")
    out = {"n": n, "normal": nan, "r": nan, "pval": nan}
    if n < 3 or np.ptp(d["x"]) == 0 or np.ptp(d["y"]) == 0:
        out["test"] = "not tested (fewer than 3 pairs or a constant variable)"
        return out
    normal = is_normal(d["x"], d["y"])
    if method == "auto":
        method = "pearson" if normal else "spearman"
    if method == "pearson":
        res = stats.pearsonr(d["x"], d["y"])
        name = "Pearson correlation, t test (two-sided)"
    elif method == "spearman":
        res = stats.spearmanr(d["x"], d["y"])
        name = "Spearman rank correlation, t approximation (two-sided)"
    else:
        raise ValueError(f"method must be 'auto', 'pearson' or 'spearman', got {method!r}")
    out.update(
        test=name, r=float(res.statistic), pval=float(res.pvalue), normal=bool(normal)
    )
    return out
