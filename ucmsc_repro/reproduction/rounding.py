"""Rounding conventions, and which of them turn a recomputed value into a printed one.

A printed number such as "68.4" says little about the value behind it until
one knows how it was rounded. Four conventions are in use:

``half_up``
    ties away from zero (0.125 -> 0.13, -2.5 -> -3): SPSS, Excel, most
    hand calculation; the convention of the scorecard
    (:func:`ucmsc_repro.reproduction.scorecard.round_half_up`);
``half_even``
    ties to the even digit (0.125 -> 0.12, 0.135 -> 0.14): IEC 60559, the
    convention of Python's ``round`` and R's ``round`` (both act on the
    binary value; here the decimal text is used);
``half_down``
    ties toward zero (0.125 -> 0.12, -2.5 -> -2);
``truncate``
    digits after the last printed one dropped, toward zero (68.48 -> 68.4).

Every function reads a float as its shortest decimal representation
(``repr``), so that 2.675 is 2.675 as written, not the binary
2.67499999...; a string is read as written; a :class:`fractions.Fraction`
(e.g. ``Fraction(11, 27)``) is rounded exactly. The audit's printed interval
(:func:`ucmsc_repro.audit.printed_interval`, both ends included) is the union
of what ``half_up`` and ``half_down`` accept; :func:`unround` with
``convention=None`` returns it.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from numbers import Rational

import pandas as pd

__all__ = [
    "CONVENTIONS",
    "CONVENTION_LABELS",
    "decimals_of",
    "exact_value",
    "round_with",
    "round_all",
    "consistent_under",
    "unround",
    "in_unrounded",
    "grim_counts",
    "grim_under",
    "GRIM_COLUMNS",
]

#: Rounding conventions, in the order tables list them.
CONVENTIONS = ("half_up", "half_even", "half_down", "truncate")
#: One-line description of each convention.
CONVENTION_LABELS = {
    "half_up": "round half up: ties away from zero (SPSS, Excel)",
    "half_even": "round half to even: ties to the even digit (Python, R, IEC 60559)",
    "half_down": "round half down: ties toward zero",
    "truncate": "truncation: later digits dropped, toward zero",
}
#: Columns of :func:`grim_under`.
GRIM_COLUMNS = ["reported", "n", "decimals", "convention", "counts", "possible"]


def _check_convention(convention: str) -> None:
    if convention not in CONVENTIONS:
        raise ValueError(
            f"unknown rounding convention {convention!r}; "
            f"use one of {', '.join(CONVENTIONS)}"
        )


def decimals_of(text: str) -> int:
    """Digits printed after the decimal point ("0.040" -> 3, "53" -> 0, "40.7%" -> 1).

    Examples
    --------
    >>> decimals_of("0.040"), decimals_of("53"), decimals_of("40.7%")
    (3, 0, 1)
    """
    t = _clean(text)
    return len(t.split(".", 1)[1]) if "." in t else 0


def _clean(text: str) -> str:
    t = str(text).strip().removesuffix("%").strip()
    Decimal(t)  # raises decimal.InvalidOperation when the text is no number
    return t


def exact_value(x) -> Fraction:
    """The exact rational value a number stands for.

    Parameters
    ----------
    x : str, int, float or fractions.Fraction
        A string is read as written (a trailing ``%`` is ignored); a float as
        its shortest decimal representation (``repr``); a rational exactly.

    Returns
    -------
    fractions.Fraction

    Examples
    --------
    >>> exact_value(2.675), exact_value("0.125"), exact_value(Fraction(11, 27))
    (Fraction(107, 40), Fraction(1, 8), Fraction(11, 27))
    """
    if isinstance(x, str):
        return Fraction(Decimal(_clean(x)))
    if isinstance(x, Rational):  # int, bool, Fraction
        return Fraction(x)
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"cannot round {x!r}")
    return Fraction(Decimal(repr(v)))


def _round_units(q: Fraction, convention: str) -> int:
    """Round a non-negative rational to an integer under ``convention``."""
    i = math.floor(q)
    r = q - i
    half = Fraction(1, 2)
    if convention == "truncate" or r < half:
        return i
    if r > half:
        return i + 1
    # a tie
    if convention == "half_up":
        return i + 1
    if convention == "half_down":
        return i
    return i if i % 2 == 0 else i + 1  # half_even


def round_with(x, decimals: int, convention: str = "half_up") -> Decimal:
    """Round a number at ``decimals`` decimals under one rounding convention.

    Parameters
    ----------
    x : str, int, float or fractions.Fraction
        The unrounded number (see :func:`exact_value` for how it is read).
    decimals : int
        Digits after the decimal point (negative: round to tens, hundreds).
    convention : str
        One of :data:`CONVENTIONS`.

    Returns
    -------
    decimal.Decimal
        The rounded number with exactly ``decimals`` decimals.

    Notes
    -----
    The arithmetic is exact (rational): ``|x| 10**decimals`` is split into
    its integer part ``i`` and remainder ``r``; ``truncate`` keeps ``i``,
    the others add 1 when ``r > 1/2``; at a tie ``r = 1/2`` ``half_up``
    adds 1, ``half_down`` does not and ``half_even`` adds 1 only if ``i`` is
    odd. The sign is put back afterwards (symmetric rounding).

    Examples
    --------
    >>> [str(round_with(0.125, 2, c)) for c in CONVENTIONS]
    ['0.13', '0.12', '0.12', '0.12']
    >>> [str(round_with(2.675, 2, c)) for c in CONVENTIONS]
    ['2.68', '2.68', '2.67', '2.67']
    >>> str(round_with(-2.5, 0, "half_up")), str(round_with(68.48, 1, "truncate"))
    ('-3', '68.4')
    >>> str(round_with(Fraction(300, 26), 1, "half_up"))  # 3/26 = 11.538...%
    '11.5'
    """
    _check_convention(convention)
    v = exact_value(x)
    d = int(decimals)
    units = _round_units(abs(v) * Fraction(10) ** d, convention)
    signed = -units if v < 0 else units
    return Decimal(signed).scaleb(-d)


def round_all(x, decimals: int, conventions=CONVENTIONS) -> dict[str, Decimal]:
    """:func:`round_with` under every convention.

    Examples
    --------
    >>> {k: str(v) for k, v in round_all("0.135", 2).items()}
    {'half_up': '0.14', 'half_even': '0.14', 'half_down': '0.13', 'truncate': '0.13'}
    """
    return {c: round_with(x, decimals, c) for c in conventions}


def consistent_under(reported: str, value, conventions=CONVENTIONS) -> dict[str, bool]:
    """Which conventions turn ``value`` into the printed ``reported``.

    Parameters
    ----------
    reported : str
        The number as printed (trailing zeros matter; a ``%`` is ignored).
    value : str, int, float or fractions.Fraction
        The recomputed, unrounded value.
    conventions : sequence of str
        Conventions to try (default: all of :data:`CONVENTIONS`).

    Returns
    -------
    dict
        convention -> whether ``value`` rounded at the printed number of
        decimals under it equals ``reported``.

    Examples
    --------
    Is a printed power of 68.4% the value 68.48% rounded? Only if truncated:

    >>> consistent_under("68.4%", 68.48)
    {'half_up': False, 'half_even': False, 'half_down': False, 'truncate': True}
    >>> consistent_under("40.7", Fraction(1100, 27))  # 11/27 = 40.7407...%
    {'half_up': True, 'half_even': True, 'half_down': True, 'truncate': True}
    """
    target = Decimal(_clean(reported))
    d = decimals_of(reported)
    return {c: round_with(value, d, c) == target for c in conventions}


def unround(reported: str, convention: str | None = None) -> dict:
    """The interval of values that print as ``reported`` under a convention.

    Parameters
    ----------
    reported : str
        The number as printed.
    convention : str or None
        One of :data:`CONVENTIONS`, or ``None`` for "either convention at a
        tie" (the closed interval ``[x - h, x + h]`` of the audit, and of
        scrutiny's default ``rounding = "up_or_down"``).

    Returns
    -------
    dict
        ``lower``, ``upper`` (exact fractions), ``incl_lower``,
        ``incl_upper`` (whether each end belongs to the interval).

    Notes
    -----
    With ``h`` half a unit of the last printed digit and ``x > 0``:
    ``half_up`` accepts ``[x - h, x + h)``, ``half_down`` ``(x - h, x + h]``,
    ``half_even`` ``[x - h, x + h]`` when the last digit is even and
    ``(x - h, x + h)`` when it is odd, ``truncate`` ``[x, x + 2h)``. For
    ``x < 0`` the intervals are mirrored; for ``x = 0`` ``half_up``
    accepts ``(-h, h)``, ``half_down`` and ``half_even`` ``[-h, h]``,
    ``truncate`` ``(-2h, 2h)``.

    Examples
    --------
    >>> u = unround("68.4", "truncate")
    >>> float(u["lower"]), float(u["upper"]), u["incl_lower"], u["incl_upper"]
    (68.4, 68.5, True, False)
    >>> u = unround("0.35")
    >>> float(u["lower"]), float(u["upper"]), u["incl_lower"], u["incl_upper"]
    (0.345, 0.355, True, True)
    """
    if convention is not None:
        _check_convention(convention)
    t = _clean(reported)
    x = Fraction(Decimal(t))
    d = decimals_of(t)
    h = Fraction(1, 2 * 10**d)
    last_even = int(t[-1]) % 2 == 0
    if x == 0:
        if convention == "truncate":
            lo, hi, il, ih = -2 * h, 2 * h, False, False
            return {"lower": lo, "upper": hi, "incl_lower": il, "incl_upper": ih}
        closed = convention != "half_up"
        return {"lower": -h, "upper": h, "incl_lower": closed, "incl_upper": closed}
    a = abs(x)
    if convention is None:
        lo, hi, il, ih = a - h, a + h, True, True
    elif convention == "half_up":
        lo, hi, il, ih = a - h, a + h, True, False
    elif convention == "half_down":
        lo, hi, il, ih = a - h, a + h, False, True
    elif convention == "half_even":
        lo, hi, il, ih = a - h, a + h, last_even, last_even
    else:  # truncate
        lo, hi, il, ih = a, a + 2 * h, True, False
    if x < 0:
        lo, hi, il, ih = -hi, -lo, ih, il
    return {"lower": lo, "upper": hi, "incl_lower": il, "incl_upper": ih}


def in_unrounded(value, bounds: dict) -> bool:
    """Whether ``value`` lies in an interval returned by :func:`unround`.

    Examples
    --------
    >>> in_unrounded(68.48, unround("68.4", "truncate"))
    True
    >>> in_unrounded(68.48, unround("68.4", "half_up"))
    False
    """
    v = exact_value(value)
    lo_ok = bounds["lower"] <= v if bounds["incl_lower"] else bounds["lower"] < v
    hi_ok = v <= bounds["upper"] if bounds["incl_upper"] else v < bounds["upper"]
    return lo_ok and hi_ok


def grim_counts(
    reported: str, n: int, convention: str | None = None, *, scale: int = 100
) -> list[int]:
    """Counts ``k`` out of ``n`` whose proportion prints as ``reported`` (GRIM).

    Parameters
    ----------
    reported : str
        The percentage (``scale = 100``) or proportion (``scale = 1``) as
        printed.
    n : int
        Its denominator (at least 1).
    convention : str or None
        One of :data:`CONVENTIONS`, or ``None`` for either convention at a
        tie (the audit's :func:`ucmsc_repro.audit.grim_percent`).
    scale : int
        100 for a percentage, 1 for a proportion.

    Returns
    -------
    list of int
        Every ``k`` in ``0..n`` with ``scale k / n`` printing as
        ``reported`` (exact rational arithmetic); empty when none does.

    References
    ----------
    Brown NJL, Heathers JAJ. The GRIM test. Soc Psychol Personal Sci
    2017;8:363-9.

    Examples
    --------
    53% of 53 participants: 28/53 = 52.83% rounds to 53, but no count
    truncates to it (28/53 = 52.83, 29/53 = 54.72):

    >>> grim_counts("53", 53, "half_up"), grim_counts("53", 53, "truncate")
    ([28], [])
    """
    if int(n) < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    bounds = unround(reported, convention)
    return [k for k in range(int(n) + 1) if in_unrounded(Fraction(scale * k, n), bounds)]


def grim_under(
    reported: str, n: int, conventions=CONVENTIONS, *, scale: int = 100
) -> pd.DataFrame:
    """GRIM under every rounding convention, one row per convention.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`GRIM_COLUMNS`: ``reported`` (as printed), ``n``,
        ``decimals`` (printed), ``convention``, ``counts`` (tuple of every
        possible ``k``) and ``possible`` (whether there is one).

    Examples
    --------
    >>> t = grim_under("62.3", 53)
    >>> t["convention"].tolist()
    ['half_up', 'half_even', 'half_down', 'truncate']
    >>> t["counts"].tolist(), t["possible"].tolist()
    ([(33,), (33,), (33,), ()], [True, True, True, False])
    """
    rows = []
    for c in conventions:
        ks = tuple(grim_counts(reported, n, c, scale=scale))
        rows.append(
            {
                "reported": str(reported),
                "n": int(n),
                "decimals": decimals_of(reported),
                "convention": c,
                "counts": ks,
                "possible": bool(ks),
            }
        )
    return pd.DataFrame(rows, columns=GRIM_COLUMNS)
