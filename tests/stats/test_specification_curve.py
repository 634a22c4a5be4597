"""Specification curve: enumeration, sorting and the summary, by hand."""

import math

import pandas as pd
import pytest

from ucmsc_repro.stats import specification_curve as sc


def test_specifications_is_the_full_product_in_order():
    s = sc.specifications({"a": [1, 2], "b": ["x", "y", "z"]})
    assert (
        len(s) == 6 and s.iloc[0].tolist() == [1, "x"] and s.iloc[-1].tolist() == [2, "z"]
    )


def test_run_sorts_by_estimate_and_puts_missing_last():
    s = sc.specifications({"k": [3, None, 1, 2]})

    def analysis(k):
        if k is None or (isinstance(k, float) and math.isnan(k)):
            return {"note": "not computable"}
        return {"estimate": k / 10, "pval": 0.01 * k, "n": 10}

    r = sc.run_specifications(s, analysis)
    assert r["estimate"].tolist()[:3] == [0.1, 0.2, 0.3]
    assert math.isnan(r["estimate"].iloc[-1]) and r["note"].iloc[-1] == "not computable"
    assert r["rank"].tolist()[:3] == [1, 2, 3] and math.isnan(r["rank"].iloc[-1])


def test_summary_by_hand():
    c = pd.DataFrame(
        {
            "estimate": [-0.1, 0.2, 0.3, 0.4, float("nan")],
            "pval": [0.5, 0.04, 0.01, 0.2, 0.01],
        }
    )
    s = sc.curve_summary(c, alpha=0.05)
    # 4 computed; p < 0.05: 0.04 and 0.01 -> 2/4; positive 3/4; median of
    # (-0.1, 0.2, 0.3, 0.4) = 0.25
    assert (s["n_specs"], s["n_computed"], s["n_significant"]) == (5, 4, 2)
    assert s["share_significant"] == 0.5 and s["share_positive"] == 0.75
    assert s["median"] == pytest.approx(0.25)
    assert (s["min"], s["max"]) == (-0.1, 0.4)


def test_summary_of_nothing_is_nan_not_an_error():
    s = sc.curve_summary(pd.DataFrame({"estimate": [], "pval": []}))
    assert s["n_computed"] == 0 and math.isnan(s["share_significant"])
