"""E-values against VanderWeele and Ding (2017) and hand computation."""

import math

import pytest

from ucmsc_repro.stats.evalue import evalue_rr, evalues


def test_paper_example_risk_ratio_and_lower_limit():
    # VanderWeele and Ding, Ann Intern Med 2017;167:268-74: RR 3.9 (95% CI 1.8 to
    # 8.7) has E-value 7.2 (3.9 + sqrt(3.9 x 2.9) = 7.26) and 3.0 for the lower
    # limit (1.8 + sqrt(1.8 x 0.8) = 3.0); R EValue::evalues.RR(3.9, 1.8, 8.7)
    # uses the same formula (EValue is not in Debian; the formula gives 7.263 and 3.000).
    e = evalues(3.9, 1.8, 8.7)
    assert e["point"] == pytest.approx(3.9 + math.sqrt(3.9 * 2.9), rel=1e-12)
    assert round(e["point"], 2) == 7.26
    assert e["ci"] == pytest.approx(3.0, abs=1e-12)
    assert e["limit"] == 1.8 and not e["includes_null"]


def test_protective_ratio_is_inverted_and_uses_the_upper_limit():
    # RR 0.5 (0.3 to 0.8): 1/0.5 = 2 -> 2 + sqrt(2) = 3.4142; upper limit 0.8 ->
    # 1.25 + sqrt(1.25 x 0.25) = 1.8090
    e = evalues(0.5, 0.3, 0.8)
    assert e["point"] == pytest.approx(2 + math.sqrt(2))
    assert e["ci"] == pytest.approx(1.25 + math.sqrt(1.25 * 0.25))
    assert e["limit"] == 0.8


def test_interval_including_one_has_e_value_one():
    e = evalues(1.6, 0.9, 2.8)
    assert e["ci"] == 1.0 and e["includes_null"]


def test_undefined_ratio_gives_nan_and_a_note():
    e = evalues(float("nan"), float("nan"), float("nan"))
    assert math.isnan(e["point"]) and math.isnan(e["ci"]) and e["note"]
    assert math.isnan(evalue_rr(0.0)) and evalue_rr(1.0) == 1.0
