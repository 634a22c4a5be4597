"""Tests of ucmsc_repro.reproduction.rounding, with the hand computations beside them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from ucmsc_repro.reproduction import rounding as r


@pytest.mark.parametrize(
    ("x", "d", "expected"),
    [
        # 0.125: two decimals leave 12 and a remainder of exactly 1/2 (a tie):
        # up -> 13; even: 12 is even -> 12; down -> 12; truncate -> 12
        (0.125, 2, ("0.13", "0.12", "0.12", "0.12")),
        # 2.675 as written (binary float is 2.67499999...): tie after 267 (odd):
        # up -> 268; even -> 268; down -> 267; truncate -> 267
        (2.675, 2, ("2.68", "2.68", "2.67", "2.67")),
        ("2.675", 2, ("2.68", "2.68", "2.67", "2.67")),
        # 0.135: tie after 13 (odd): even rounds to 14
        (0.135, 2, ("0.14", "0.14", "0.13", "0.13")),
        # -2.5: symmetric: away from zero -3, even -2, toward zero -2, truncate -2
        (-2.5, 0, ("-3", "-2", "-2", "-2")),
        # 68.48 at one decimal: remainder 0.8 > 1/2, so all but truncation give 68.5
        (68.48, 1, ("68.5", "68.5", "68.5", "68.4")),
        # 11/27 = 40.740740...%: remainder 0.407 < 1/2 -> 40.7 under every convention
        (Fraction(1100, 27), 1, ("40.7", "40.7", "40.7", "40.7")),
        # 3/26 = 11.538461...%: remainder 0.385 < 1/2 -> 11.5
        (Fraction(300, 26), 1, ("11.5", "11.5", "11.5", "11.5")),
        # 28/53 = 52.830...%: remainder 0.83 -> 53, truncated 52
        (Fraction(2800, 53), 0, ("53", "53", "53", "52")),
        # zero keeps its decimals
        (0.0, 2, ("0.00", "0.00", "0.00", "0.00")),
        # negative decimals round to tens: 1250 -> tie after 12 (even)
        (1250, -2, ("1.3E+3", "1.2E+3", "1.2E+3", "1.2E+3")),
    ],
)
def test_round_with_each_convention(x, d, expected):
    got = tuple(str(r.round_with(x, d, c)) for c in r.CONVENTIONS)
    assert got == expected


def test_round_with_returns_exactly_the_printed_decimals():
    assert r.round_with(0.1, 3, "half_up") == Decimal("0.100")
    assert str(r.round_with(0.1, 3, "half_up")) == "0.100"


def test_round_with_rejects_an_unknown_convention():
    with pytest.raises(ValueError, match="unknown rounding convention"):
        r.round_with(1.0, 1, "banker")


def test_round_with_rejects_non_finite():
    with pytest.raises(ValueError, match="cannot round"):
        r.round_with(float("nan"), 1)


def test_half_up_agrees_with_the_scorecard_rounding():
    from ucmsc_repro.reproduction.scorecard import round_half_up

    for x, d in [(0.125, 2), (2.675, 2), (-2.5, 0), (100 * 11 / 27, 1), (0.0415, 3)]:
        assert r.round_with(x, d, "half_up") == round_half_up(x, d)


def test_consistent_under_power_is_a_truncation():
    # 68.48: half up/even/down give 68.5 (remainder 0.8); truncation gives 68.4
    assert r.consistent_under("68.4%", 68.48) == {
        "half_up": False,
        "half_even": False,
        "half_down": False,
        "truncate": True,
    }


def test_consistent_under_a_tie_separates_the_conventions():
    # 0.0415 -> "0.042" half up (tie after 41, odd: even also rounds up), "0.041" down
    assert r.consistent_under("0.042", 0.0415) == {
        "half_up": True,
        "half_even": True,
        "half_down": False,
        "truncate": False,
    }
    assert r.consistent_under("0.041", 0.0415) == {
        "half_up": False,
        "half_even": False,
        "half_down": True,
        "truncate": True,
    }


def test_consistent_under_trailing_zeros_matter():
    # "0.040" has three decimals: 0.0404 prints as 0.040, not as 0.04 (two decimals)
    assert all(r.consistent_under("0.040", 0.0404).values())
    assert r.decimals_of("0.040") == 3


@pytest.mark.parametrize(
    ("text", "convention", "bounds"),
    [
        # h = 0.05 at one decimal
        ("68.4", "half_up", (Fraction(6835, 100), Fraction(6845, 100), True, False)),
        ("68.4", "half_down", (Fraction(6835, 100), Fraction(6845, 100), False, True)),
        # last digit 4 is even: both ties come to 68.4
        ("68.4", "half_even", (Fraction(6835, 100), Fraction(6845, 100), True, True)),
        # last digit 5 odd: neither tie comes to 68.5
        ("68.5", "half_even", (Fraction(6845, 100), Fraction(6855, 100), False, False)),
        ("68.4", "truncate", (Fraction(684, 10), Fraction(685, 10), True, False)),
        ("68.4", None, (Fraction(6835, 100), Fraction(6845, 100), True, True)),
        # negative: mirrored; -0.3 truncates from (-0.4, -0.3]
        ("-0.3", "truncate", (Fraction(-4, 10), Fraction(-3, 10), False, True)),
        ("-0.3", "half_up", (Fraction(-35, 100), Fraction(-25, 100), False, True)),
        # zero: half up sends both ties away from zero
        ("0.0", "half_up", (Fraction(-5, 100), Fraction(5, 100), False, False)),
        ("0.0", "truncate", (Fraction(-1, 10), Fraction(1, 10), False, False)),
    ],
)
def test_unround(text, convention, bounds):
    u = r.unround(text, convention)
    assert (u["lower"], u["upper"], u["incl_lower"], u["incl_upper"]) == bounds


@pytest.mark.parametrize("convention", r.CONVENTIONS)
@pytest.mark.parametrize(
    "x", [0.125, -0.125, 0.135, 2.675, 68.48, -68.48, 0.0, 0.05, -0.05, 0.0449, 1.0]
)
def test_unround_agrees_with_round_with(x, convention):
    # two independent implementations: the interval of a printed number contains
    # the value exactly when the value rounds to it
    for d in (1, 2, 3):
        printed = str(r.round_with(x, d, convention))
        assert r.in_unrounded(x, r.unround(printed, convention)), (x, d, printed)


def test_either_convention_is_the_audit_interval():
    from ucmsc_repro.stats.printed import printed_interval

    for text in ("0.041", "62", "40.7"):
        u = r.unround(text)
        assert (u["lower"], u["upper"]) == printed_interval(text)
        assert u["incl_lower"] and u["incl_upper"]


@pytest.mark.parametrize(
    ("pct", "n", "convention", "counts"),
    [
        # 100 k / 27 moves in steps of 3.70: 11/27 = 40.74 -> 40.7 (all conventions)
        ("40.7", 27, "half_up", [11]),
        ("40.7", 27, "truncate", [11]),
        # 3/26 = 11.538 -> 11.5 rounded and truncated
        ("11.5", 26, "half_up", [3]),
        ("11.5", 26, "truncate", [3]),
        # 28/53 = 52.83 rounds to 53; truncation needs 53 <= 100k/53 < 54,
        # i.e. 28.09 <= k < 28.62: no integer
        ("53", 53, "half_up", [28]),
        ("53", 53, "truncate", []),
        # 33/53 = 62.264: rounds and truncates to 62
        ("62", 53, "half_even", [33]),
        ("62", 53, "truncate", [33]),
        # 62.3 needs 33.0195 <= k < 33.0725 under truncation: none; 33/53 -> 62.2
        ("62.3", 53, "half_up", [33]),
        ("62.3", 53, "truncate", []),
        # 50% of 2 is k = 1 under any convention; 25% of 2 never
        ("50", 2, "half_down", [1]),
        ("25", 2, None, []),
        # a tie: 1/8 = 12.5%: "13" half up, "12" half down and half even
        ("13", 8, "half_up", [1]),
        ("13", 8, "half_even", []),
        ("12", 8, "half_even", [1]),
    ],
)
def test_grim_counts(pct, n, convention, counts):
    assert r.grim_counts(pct, n, convention) == counts


def test_grim_counts_none_is_the_audit_grim():
    from ucmsc_repro.stats.printed import grim_percent

    for pct, n in [("40.7", 27), ("11.5", 26), ("53", 53), ("62", 53), ("62.3", 53)]:
        assert r.grim_counts(pct, n) == grim_percent(pct, n)


def test_grim_counts_proportion_scale():
    # 0.35 of 20 is 7 (7/20 = 0.35 exactly)
    assert r.grim_counts("0.35", 20, scale=1) == [7]


def test_grim_counts_rejects_empty_denominator():
    with pytest.raises(ValueError, match="at least 1"):
        r.grim_counts("50", 0)


def test_grim_under_columns_and_rows():
    t = r.grim_under("53", 53)
    assert list(t.columns) == r.GRIM_COLUMNS
    assert t["convention"].tolist() == list(r.CONVENTIONS)
    assert t["possible"].tolist() == [True, True, True, False]
    assert t["counts"].tolist() == [(28,), (28,), (28,), ()]


def test_numpy_numbers_are_read_as_their_shortest_repr():
    import numpy as np

    assert r.exact_value(np.float64(2.675)) == Fraction(107, 40)
    assert str(r.round_with(np.float64(0.125), 2, "half_up")) == "0.13"
    assert r.exact_value(np.int64(3)) == 3
