"""Every reported statistic goes through :class:`Recorder`.

One call both glues the value for the book's prose (myst-nb ``glue``) and
appends it to the chapter's machine-readable results, which the runner merges
into ``OUT/results.csv``.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..core.formatting import p_text
from ..core.results_table import RESULT_COLUMNS

__all__ = ["Recorder"]


def _is_pvalue_key(key: str) -> bool:
    return key.rsplit(".", 1)[-1].startswith("pval")


def _plain(x):
    """A JSON- and glue-friendly Python scalar (never a NumPy scalar)."""
    if x is None:
        return None
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        return float(x)
    try:
        return float(x)
    except (TypeError, ValueError):
        return str(x)


class Recorder:
    """Glue and record a chapter's statistics.

    Parameters
    ----------
    chapter : str
        Chapter slug written to the ``chapter`` column.
    path : str or Path or None
        CSV file this chapter's results are written to (rewritten after each
        record). ``None`` records in memory only (used when the committed
        notebooks run under nbval).
    glue : bool
        Whether to glue each value into the notebook (default True).

    Examples
    --------
    >>> rec = Recorder("demo", glue=False)
    >>> rec.record("demo.x.mean", 1.5, method="arithmetic mean", n=4)
    1.5
    >>> rec.frame()[["key", "value", "n"]].to_dict("records")
    [{'key': 'demo.x.mean', 'value': 1.5, 'n': 4.0}]
    """

    def __init__(self, chapter: str, path: str | Path | None = None, *, glue: bool = True):
        self.chapter = chapter
        self.path = Path(path) if path is not None else None
        self.glue = glue
        self._rows: dict[str, dict] = {}

    def record(
        self,
        key: str,
        value,
        *,
        method: str = "",
        ci: tuple[float, float] | None = None,
        n: int | None = None,
    ):
        """Glue ``value`` under ``key`` and add it to the chapter's results.

        Parameters
        ----------
        key : str
            Stable dotted key, e.g. ``baseline.age_years.msc.mean``. A key whose
        last part starts with ``pval`` is also glued as ``<key>.text``
        (``p = 0.041`` / ``p < 0.001``) for the prose.
        value : float, int, bool or str
            The statistic; numbers are stored as Python floats.
        method : str
            How it was computed (test or estimator name).
        ci : (float, float), optional
            Confidence interval; its bounds are glued as ``key.ci_low`` and
            ``key.ci_high`` too.
        n : int, optional
            Number of participants the statistic used.

        Returns
        -------
        The stored (plain Python) value.
        """
        if not key or any(ch.isspace() for ch in key):
            raise ValueError(f"result key must be a non-empty dotted name, got {key!r}")
        v = _plain(value)
        lo, hi = (None, None) if ci is None else (_plain(ci[0]), _plain(ci[1]))
        self._rows[key] = {
            "key": key,
            "value": v,
            "ci_low": lo,
            "ci_high": hi,
            "method": method,
            "n": None if n is None else float(n),
            "chapter": self.chapter,
        }
        if self.glue:
            from myst_nb import glue

            glue(key, v, display=False)
            if _is_pvalue_key(key):
                glue(f"{key}.text", p_text(v), display=False)
            if ci is not None:
                glue(f"{key}.ci_low", lo, display=False)
                glue(f"{key}.ci_high", hi, display=False)
        if self.path is not None:
            self._write()
        return v

    def record_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Record every row of a tidy results frame.

        ``frame`` has columns ``key`` and ``value`` and optionally ``method``,
        ``ci_low``, ``ci_high`` and ``n``; it is returned unchanged.
        """
        for row in frame.to_dict("records"):
            ci = None
            lo, hi = row.get("ci_low"), row.get("ci_high")
            if lo is not None and hi is not None and not _isnan(lo) and not _isnan(hi):
                ci = (lo, hi)
            n = row.get("n")
            self.record(
                row["key"],
                row["value"],
                method=row.get("method", "") or "",
                ci=ci,
                n=None if n is None or _isnan(n) else int(n),
            )
        return frame

    def text(self, key: str, value: str) -> str:
        """Glue a piece of text (a test name, a model formula) without recording it."""
        if self.glue:
            from myst_nb import glue

            glue(key, str(value), display=False)
        return value

    def markdown(self, key: str, text: str) -> str:
        """Glue Markdown (e.g. a table with MyST links) without recording it.

        The page shows it with the ``{glue:md}`` directive and ``:format: myst``,
        so its links are cross-references the book build checks.
        """
        if self.glue:
            from IPython.display import Markdown
            from myst_nb import glue

            glue(key, Markdown(str(text)), display=False)
        return text

    def frame(self) -> pd.DataFrame:
        """This chapter's results so far, in the order recorded."""
        return pd.DataFrame(list(self._rows.values()), columns=RESULT_COLUMNS)

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        self.frame().to_csv(tmp, index=False)
        tmp.replace(self.path)


def _isnan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)
