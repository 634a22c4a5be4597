"""Show a table in a notebook as plain, deterministic HTML without the index."""

from __future__ import annotations

import pandas as pd

__all__ = ["html_table"]


def html_table(frame: pd.DataFrame, *, rename: dict | None = None):
    """An HTML display of ``frame`` for the book.

    The index is dropped (it carries no meaning in the book's tables),
    columns can be renamed for reading, and the HTML carries no random ids,
    so a re-run gives the same output (pandas' Styler would add a random
    uuid).
    """
    from IPython.display import HTML

    shown = frame.rename(columns=rename or {})
    return HTML(shown.to_html(index=False, border=0, classes=["dataframe"], na_rep=""))
