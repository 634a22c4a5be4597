"""p-values as printed in tables and prose."""

from __future__ import annotations

import pytest

from ucmsc_repro.core.formatting import p_text, p_value


@pytest.mark.parametrize(
    "p,cell,prose",
    [
        (0.0412, "0.041", "p = 0.041"),
        (0.0009, "<0.001", "p < 0.001"),
        (0.001, "0.001", "p = 0.001"),
        (1.0, "1.000", "p = 1.000"),
        (float("nan"), "", "p not computable"),
        (None, "", "p not computable"),
    ],
)
def test_p_value_formats(p, cell, prose):
    assert p_value(p) == cell
    assert p_text(p) == prose
