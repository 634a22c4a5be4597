"""The paper's marker convention, shared by every figure of the book.

MSC-treated participants are drawn with closed circles and controls with open
triangles (the paper's Figures 2 and 4). Keys are the arm labels of the data
(``MSC``, ``control``) and their result-key forms (``msc``).
"""

from __future__ import annotations

__all__ = ["ARM_STYLE"]

_MSC = {"marker": "o", "markerfacecolor": "black", "markeredgecolor": "black"}
_CONTROL = {"marker": "^", "markerfacecolor": "white", "markeredgecolor": "black"}

#: Marker keyword arguments per arm, for ``plot``, ``errorbar`` and ``scatter``-like calls.
ARM_STYLE: dict[str, dict] = {"MSC": _MSC, "msc": _MSC, "control": _CONTROL}
