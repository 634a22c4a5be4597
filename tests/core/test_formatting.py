"""p-values and numbers as printed in tables and prose."""

from __future__ import annotations

import pytest

from ucmsc_repro.core.formatting import fixed, no_negative_zero, p_text, p_value


@pytest.mark.parametrize(
    "p,cell,prose",
    [
        (0.0412, "0.041", "p = 0.041"),
        (0.0009, "<0.001", "p < 0.001"),
        (0.001, "0.001", "p = 0.001"),
        (0.0415, "0.042", "p = 0.042"),  # half up, not to even
        (0.999, "0.999", "p = 0.999"),
        (0.9995, ">0.999", "p > 0.999"),
        (1.0, ">0.999", "p > 0.999"),
        (float("nan"), "", "p not computable"),
        (None, "", "p not computable"),
    ],
)
def test_p_value_formats(p, cell, prose):
    assert p_value(p) == cell
    assert p_text(p) == prose


@pytest.mark.parametrize(
    "value,decimals,text",
    [
        (9 / 16 * 100, 1, "56.3"),  # 56.25: half up (Python's round gives 56.2)
        (2.5, 0, "3"),
        (-2.5, 0, "-3"),
        (-0.04, 1, "0.0"),  # no negative zero
        (-1e-12, 2, "0.00"),
        (14.0, 0, "14"),
    ],
)
def test_fixed_rounds_half_up_without_negative_zero(value, decimals, text):
    assert fixed(value, decimals) == text


def test_fixed_says_missing_in_words():
    assert fixed(float("inf"), 1, missing="not computable") == "not computable"
    assert fixed(None, 1) == ""


@pytest.mark.parametrize(
    "text,out",
    [
        ("-0", "0"),
        ("-0.0", "0.0"),
        ("< -0.00", "< 0.00"),
        ("-0.01", "-0.01"),
        ("-0.5", "-0.5"),
    ],
)
def test_no_negative_zero_keeps_real_negatives(text, out):
    assert no_negative_zero(text) == out
