"""The results table every chapter returns and ``results.csv``: columns, rows, reading.

The :class:`ucmsc_repro.book.results.Recorder` writes it; chapter modules build it
with :func:`results_frame`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = [
    "CHAPTER_RESULT_COLUMNS",
    "RANKS_RECORDED",
    "RESULT_COLUMNS",
    "ranked_rows",
    "read_results",
    "result_row",
    "results_frame",
]

#: Columns of the frame every chapter module's ``results(ch)`` returns.
CHAPTER_RESULT_COLUMNS = ["key", "value", "ci_low", "ci_high", "method", "n"]
#: Columns of ``results.csv``.
RESULT_COLUMNS = [*CHAPTER_RESULT_COLUMNS, "chapter"]


#: Sorted values recorded one by one (``<prefix>.rank<i>``, for the paper's
#: listings such as "fever 1.5, 17 and 20 h after infusion"): the smallest this
#: many, so a data set of thousands of events records 20 keys, not thousands.
RANKS_RECORDED = 20


def ranked_rows(prefix: str, values, method: str) -> list[dict]:
    """``<prefix>.rank1``, ``rank2``, ... of the smallest :data:`RANKS_RECORDED`
    non-missing ``values``, ascending.

    >>> [r["key"] for r in ranked_rows("x", [3.0, None, 1.0], "hours")]
    ['x.rank1', 'x.rank2']
    >>> len(ranked_rows("x", range(1000), "hours"))
    20
    """
    vals = pd.Series(values, dtype=float).dropna().sort_values(kind="mergesort")
    return [
        result_row(f"{prefix}.rank{i}", float(v), method)
        for i, v in enumerate(vals.iloc[:RANKS_RECORDED], start=1)
    ]


def result_row(key: str, value, method: str = "", n=None, ci=None) -> dict:
    """One row of a chapter's results: numbers as floats, absent parts as NaN.

    Examples
    --------
    >>> result_row("demo.or", 2, "logistic", n=10, ci=(1, 4))["ci_high"]
    4.0
    """
    nan = float("nan")
    lo, hi = (nan, nan) if ci is None else (float(ci[0]), float(ci[1]))
    return {
        "key": key,
        "value": nan
        if value is None
        else value
        if isinstance(value, str)
        else float(value),
        "ci_low": lo,
        "ci_high": hi,
        "method": method,
        "n": nan if n is None else float(n),
    }


def results_frame(rows) -> pd.DataFrame:
    """A chapter's results frame from row dicts (or a frame), in the standard columns.

    Columns a row does not give (e.g. ``ci_low`` for a count) are NaN.

    Examples
    --------
    >>> results_frame([{"key": "demo.n", "value": 3.0, "method": "count"}]).columns.tolist()
    ['key', 'value', 'ci_low', 'ci_high', 'method', 'n']
    """
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    return frame.reindex(columns=CHAPTER_RESULT_COLUMNS)


def read_results(path: str | Path) -> pd.DataFrame:
    """Read a ``results.csv`` written by the runner."""
    return pd.read_csv(path, keep_default_na=True)
