"""The paper's marker convention, shared by every figure of the book.

MSC-treated participants are drawn with closed circles and controls with open
triangles (the paper's Figures 2 and 4). Keys are the arm labels of the data
(``MSC``, ``control``) and their result-key forms (``msc``).
"""

from __future__ import annotations

__all__ = ["ARM_STYLE", "ROWS_DRAWN_ONE_BY_ONE", "row_layout"]

_MSC = {"marker": "o", "markerfacecolor": "black", "markeredgecolor": "black"}
_CONTROL = {"marker": "^", "markerfacecolor": "white", "markeredgecolor": "black"}

#: Marker keyword arguments per arm, for ``plot``, ``errorbar`` and ``scatter``-like calls.
ARM_STYLE: dict[str, dict] = {"MSC": _MSC, "msc": _MSC, "control": _CONTROL}


#: Above this many rows, a one-row-per-record figure (adverse events, insulin-free
#: periods) stops growing: its rows share a fixed height and its markers shrink,
#: and each part is drawn in one call (a figure of 50,000 participants draws in
#: about a second, not minutes, and its SVG stays small).
ROWS_DRAWN_ONE_BY_ONE = 60
#: The tallest such figure, in inches.
MAX_ROWS_HEIGHT = 9.0


def row_layout(n: int, *, base: float, per_row: float = 0.45, marker: float = 8.0):
    """Figure height (inches) and marker size for ``n`` rows of a row-per-record figure.

    Up to :data:`ROWS_DRAWN_ONE_BY_ONE` rows: ``base + per_row * n`` and the full
    marker, as before; above: capped at :data:`MAX_ROWS_HEIGHT` with the marker
    scaled down so the rows do not overlap.

    >>> row_layout(10, base=1.4)
    (5.9, 8.0)
    >>> height, size = row_layout(5000, base=1.4)
    >>> height, round(size, 2)
    (9.0, 0.88)
    """
    height = base + per_row * n
    if n <= ROWS_DRAWN_ONE_BY_ONE:
        return height, marker
    capped = min(height, MAX_ROWS_HEIGHT)
    return capped, max(0.5, marker * (ROWS_DRAWN_ONE_BY_ONE / n) ** 0.5)
