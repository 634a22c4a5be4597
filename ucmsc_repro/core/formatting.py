"""How the book prints numbers and p-values (display only; computations never round).

Every printed number is rounded half up (ties away from zero, on the shortest
decimal form of the float: 9/16 = 56.25% prints as 56.3%), the rule the
methods state, and a number that rounds to zero never carries a minus sign.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["p_value", "p_text", "fixed", "no_negative_zero", "within_parentheses"]

_NEG_ZERO = re.compile(r"(?<![\w.])-(?=0(?:\.0+)?(?![\w.]))")


def _finite(p) -> float | None:
    try:
        p = float(p)
    except (TypeError, ValueError):
        return None
    return p if math.isfinite(p) else None


def fixed(value, decimals: int, *, missing: str = "") -> str:
    """``value`` with exactly ``decimals`` decimals, rounded half up, no ``-0``.

    Examples
    --------
    >>> fixed(56.25, 1), fixed(0.125, 2), fixed(-0.004, 2), fixed(14, 0)
    ('56.3', '0.13', '0.00', '14')
    >>> fixed(float("nan"), 1, missing="not computable")
    'not computable'
    """
    v = _finite(value)
    if v is None:
        return missing
    quantum = Decimal(1).scaleb(-int(decimals))
    text = str(Decimal(repr(v)).quantize(quantum, rounding=ROUND_HALF_UP))
    return no_negative_zero(text)


def no_negative_zero(text: str) -> str:
    """Drop the minus sign of every printed zero (``-0``, ``-0.0``, ``-0.00``).

    Examples
    --------
    >>> [no_negative_zero(t) for t in ("-0.00", "= -0.0 and -0.01", "x-0")]
    ['0.00', '= 0.0 and -0.01', 'x-0']
    """
    return _NEG_ZERO.sub("", text)


def p_value(p, *, missing: str = "") -> str:
    """A p-value for a table cell: three decimals, ``<0.001`` or ``>0.999``.

    Rounded half up, like every number the book prints.

    Examples
    --------
    >>> p_value(0.04123), p_value(0.0004), p_value(0.9996), p_value(float("nan"))
    ('0.041', '<0.001', '>0.999', '')
    >>> p_value(None, missing="not tested")
    'not tested'
    """
    p = _finite(p)
    if p is None:
        return missing
    if p < 0.001:
        return "<0.001"
    if p > 0.999:
        return ">0.999"
    return fixed(p, 3)


def p_text(p) -> str:
    """A p-value as the book writes it in prose: ``p = 0.041``, ``p < 0.001``, ``p > 0.999``
    (rounded as :func:`p_value`).

    Examples
    --------
    >>> p_text(0.04123), p_text(0.0004), p_text(1.0), p_text(float("nan"))
    ('p = 0.041', 'p < 0.001', 'p > 0.999', 'p not computable')
    """
    cell = p_value(p)
    if not cell:
        return "p not computable"
    if cell[0] in "<>":
        return f"p {cell[0]} {cell[1:]}"
    return f"p = {cell}"


_NOT_TESTED = re.compile(r"^(not tested|not computed|not estimable) \((.*)\)$")


def within_parentheses(text: str) -> str:
    """A test's name or reason made fit to stand inside parentheses in a sentence.

    ``"not tested (fewer than 2 values in an arm)"`` inside ``(n = 2; ...)``
    would nest parentheses; the reason follows a colon instead. Other text is
    returned unchanged.

    Examples
    --------
    >>> within_parentheses("not tested (fewer than 2 values in an arm)")
    'not tested: fewer than 2 values in an arm'
    >>> within_parentheses("Mann-Whitney U test (two-sided)")
    'Mann-Whitney U test (two-sided)'
    """
    return _NOT_TESTED.sub(r"\1: \2", str(text))
