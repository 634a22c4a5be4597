"""How the book prints p-values (display only; computations never round)."""

from __future__ import annotations

import math

__all__ = ["p_value", "p_text"]


def _finite(p) -> float | None:
    try:
        p = float(p)
    except (TypeError, ValueError):
        return None
    return p if math.isfinite(p) else None


def p_value(p, *, missing: str = "") -> str:
    """A p-value for a table cell: three decimals, or ``<0.001``.

    Examples
    --------
    >>> p_value(0.04123), p_value(0.0004), p_value(float("nan"))
    ('0.041', '<0.001', '')
    >>> p_value(None, missing="not tested")
    'not tested'
    """
    p = _finite(p)
    if p is None:
        return missing
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def p_text(p) -> str:
    """A p-value as the book writes it in prose: ``p = 0.041`` or ``p < 0.001``.

    Examples
    --------
    >>> p_text(0.04123), p_text(0.0004), p_text(float("nan"))
    ('p = 0.041', 'p < 0.001', 'p not computable')
    """
    p = _finite(p)
    if p is None:
        return "p not computable"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
