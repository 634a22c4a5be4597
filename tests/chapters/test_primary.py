"""Tests of ucmsc_repro.chapters.primary (chapter "Primary endpoint")."""

from __future__ import annotations

import math
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from ucmsc_repro.book.chapter import open_chapter
from ucmsc_repro.chapters import primary as rm
from ucmsc_repro.chapters import primary_text as rmt
from ucmsc_repro.core.settings import AnalysisSettings
from ucmsc_repro.figures.primary import insulin_free_timeline, remission_figure
from ucmsc_repro.stats.power import power_table

Z975 = 1.959963984540054  # standard normal 97.5% quantile


def _arms(x1: int, n1: int, x2: int, n2: int, outcome: str = "remission") -> pd.DataFrame:
    """Participants with x1/n1 events in the MSC arm and x2/n2 in control."""
    return pd.DataFrame(
        {
            "arm": ["MSC"] * n1 + ["control"] * n2,
            outcome: [1.0] * x1 + [0.0] * (n1 - x1) + [1.0] * x2 + [0.0] * (n2 - x2),
        }
    )


# Newcombe RG. Two-sided confidence intervals for the single proportion:
# comparison of seven methods. Stat Med 1998;17:857-72, Table I, method 3
# (Wilson score interval without continuity correction).
@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611)],
)
def test_wilson_interval_per_arm_matches_newcombe_table(x, n, low, high):
    r = rm.rates_by_arm(_arms(x, n, 1, 2)).set_index("arm_key").loc["msc"]
    assert (r["events"], r["n"]) == (x, n)
    assert r["pct"] == pytest.approx(100 * x / n)
    assert r["ci_low"] == pytest.approx(100 * low, abs=0.006)
    assert r["ci_high"] == pytest.approx(100 * high, abs=0.006)


def test_rates_count_missing_outcomes_apart_from_the_denominator():
    d = _arms(2, 4, 1, 3)
    d.loc[0, "remission"] = np.nan  # one MSC event becomes unknown
    r = rm.rates_by_arm(d).set_index("arm_key")
    assert r.loc["msc", ["events", "n", "missing"]].tolist() == [1, 3, 1]
    assert r.loc["control", ["events", "n", "missing"]].tolist() == [1, 3, 0]


# Newcombe RG. Interval estimation for the difference between independent
# proportions: comparison of eleven methods. Stat Med 1998;17:873-90, Table II,
# method 10 (hybrid score, no continuity correction):
#   (a) 56/70 - 48/80: 0.0524 to 0.3339;  (b) 9/10 - 3/10: 0.1705 to 0.8090.
@pytest.mark.parametrize(
    ("counts", "low", "high"),
    [((56, 70, 48, 80), 5.24, 33.39), ((9, 10, 3, 10), 17.05, 80.90)],
)
def test_risk_difference_interval_matches_newcombe_method_10(counts, low, high):
    e = rm.effect_measures(*counts).set_index("measure").loc["risk_difference"]
    x1, n1, x2, n2 = counts
    assert e["estimate"] == pytest.approx(100 * (x1 / n1 - x2 / n2))
    assert e["ci_low"] == pytest.approx(low, abs=0.006)
    assert e["ci_high"] == pytest.approx(high, abs=0.006)
    assert "Newcombe" in e["method"]


def test_risk_ratio_and_odds_ratio_intervals_match_hand_computation():
    e = rm.effect_measures(11, 27, 3, 26).set_index("measure")
    # Risk ratio, Katz log interval, by hand:
    #   RR = (11/27) / (3/26) = 286/81 = 3.530864
    #   SE(log RR) = sqrt(1/11 - 1/27 + 1/3 - 1/26) = sqrt(0.348744) = 0.590546
    #   exp(log 3.530864 -/+ 1.959964 * 0.590546) = 1.10971, 11.2345
    se = math.sqrt(1 / 11 - 1 / 27 + 1 / 3 - 1 / 26)
    assert se == pytest.approx(0.590546, abs=1e-6)
    rr = e.loc["risk_ratio"]
    assert rr["estimate"] == pytest.approx(286 / 81)
    assert rr["ci_low"] == pytest.approx(1.10971, abs=1e-5)
    assert rr["ci_high"] == pytest.approx(11.2345, abs=1e-4)
    # Odds ratio, Woolf logit interval, by hand:
    #   OR = (11 * 23) / (16 * 3) = 253/48 = 5.270833
    #   SE(log OR) = sqrt(1/11 + 1/16 + 1/3 + 1/23) = sqrt(0.530221) = 0.728163
    #   exp(log 5.270833 -/+ 1.959964 * 0.728163) = 1.26493, 21.9630
    o = e.loc["odds_ratio"]
    assert o["estimate"] == pytest.approx(253 / 48)
    assert o["ci_low"] == pytest.approx(1.26493, abs=1e-5)
    assert o["ci_high"] == pytest.approx(21.9630, abs=1e-4)


def test_zero_cell_uses_the_haldane_anscombe_half_correction():
    e = rm.effect_measures(3, 27, 0, 26).set_index("measure")
    rr = e.loc["risk_ratio"]
    # statsmodels "log-adjusted": 0.5 added to events and group sizes, by hand:
    #   RR = (3.5/27.5) / (0.5/26.5) = 6.745455
    #   SE = sqrt(1/3.5 - 1/27.5 + 1/0.5 - 1/26.5) = 1.500661
    est = (3.5 / 27.5) / (0.5 / 26.5)
    se = math.sqrt(1 / 3.5 - 1 / 27.5 + 1 / 0.5 - 1 / 26.5)
    assert rr["estimate"] == pytest.approx(est)
    assert rr["ci_low"] == pytest.approx(est * math.exp(-Z975 * se), rel=1e-9)
    assert rr["ci_high"] == pytest.approx(est * math.exp(Z975 * se), rel=1e-9)
    assert "Haldane" in rr["method"]
    # Odds ratio with 0.5 added to every cell: (3.5 * 26.5) / (24.5 * 0.5)
    odds = e.loc["odds_ratio"]
    assert odds["estimate"] == pytest.approx(3.5 * 26.5 / (24.5 * 0.5))
    se = math.sqrt(1 / 3.5 + 1 / 24.5 + 1 / 0.5 + 1 / 26.5)
    assert odds["ci_low"] == pytest.approx(odds["estimate"] * math.exp(-Z975 * se))
    assert np.isfinite(e[["estimate", "ci_low", "ci_high"]].to_numpy()).all()


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # expected events in control: 26 * 14 / 53 = 6.87 >= 5 -> chi-square
        ((11, 27, 3, 26), "pval_chi2"),
        # expected events in control: 26 * 3 / 53 = 1.47 < 5 -> Fisher
        ((3, 27, 0, 26), "pval_fisher"),
        # every expected count exactly 5 -> chi-square
        ((5, 10, 5, 10), "pval_chi2"),
        # nobody had the event: no chi-square statistic -> Fisher
        ((0, 10, 0, 10), "pval_fisher"),
    ],
)
def test_paper_rule_picks_fisher_only_for_expected_counts_below_five(counts, expected):
    assert rm.paper_rule_test(*counts) == expected


def test_significance_tests_state_name_sidedness_and_n():
    t = rm.significance_tests(11, 27, 3, 26)
    assert list(t["key"]) == ["pval_chi2", "pval_yates", "pval_fisher"]
    assert t["two_sided"].all()
    assert (t["n"] == 53).all()
    assert t["paper_rule"].sum() == 1
    # None of the three gives the paper's p = 0.041 (Pearson 0.0159, Yates 0.0358,
    # Fisher 0.0276; see tests/stats/test_comparisons.py for the references).
    assert not np.isclose(t["pval"], 0.041, atol=0.0005).any()


def _pp(rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=[
            "arm",
            "onset",
            "remission",
            "remission_fcp",
            "remission_pcp",
            "insulin_free_start_month",
            "insulin_free_end_month",
        ],
    )


def _insulin_data() -> pd.DataFrame:
    nan = float("nan")
    rows = [
        ("MSC", "adult", 1.0, 1.0, 0.0, 1.4, 21.4),
        ("MSC", "adult", 1.0, 0.0, 1.0, 9.0, 12.8),
        ("MSC", "juvenile", 0.0, 0.0, 0.0, 2.0, nan),  # still insulin-free
        ("MSC", "juvenile", 0.0, 0.0, 0.0, nan, nan),
        ("control", "adult", 1.0, 1.0, 1.0, nan, nan),
        ("control", "juvenile", 0.0, 0.0, 0.0, nan, nan),
        ("control", "adult", 0.0, 0.0, 0.0, nan, nan),
    ]
    return _pp(rows)


def test_insulin_free_counts_only_periods_started_by_the_endpoint():
    d = _insulin_data()
    at12 = rm.insulin_free_by_arm(d, endpoint_month=12).set_index(["arm_key", "onset"])
    assert at12.loc[("msc", "all"), ["events", "n"]].tolist() == [3, 4]
    assert at12.loc[("msc", "adult"), "events"] == 2
    assert at12.loc[("control", "all"), "events"] == 0
    at6 = rm.insulin_free_by_arm(d, endpoint_month=6).set_index(["arm_key", "onset"])
    assert at6.loc[("msc", "all"), "events"] == 2  # the period from month 9 drops out


def test_insulin_free_periods_have_durations_and_no_identifier():
    d = _insulin_data()
    d.insert(0, "subject_id", [f"P{i}" for i in range(len(d))])
    p = rm.insulin_free_periods(d, endpoint_month=12)
    assert "subject_id" not in p.columns
    assert p["start_month"].tolist() == [1.4, 2.0, 9.0]
    # durations by hand: 21.4 - 1.4 = 20, ongoing, 12.8 - 9.0 = 3.8
    assert p["duration_months"].iloc[0] == pytest.approx(20.0)
    assert math.isnan(p["duration_months"].iloc[1]) and bool(p["ongoing"].iloc[1])
    assert p["duration_months"].iloc[2] == pytest.approx(3.8)


def _fake_chapter(pp: pd.DataFrame, **settings) -> SimpleNamespace:
    return SimpleNamespace(pp=pp, settings=AnalysisSettings(**settings))


def _trial_like() -> pd.DataFrame:
    """11/27 vs 3/26 remission, and the paper's three insulin-free periods."""
    d = _arms(11, 27, 3, 26)
    d["onset"] = "adult"
    d["remission_fcp"] = d["remission"]
    d["remission_pcp"] = 0.0
    d["insulin_free_start_month"] = np.nan
    d["insulin_free_end_month"] = np.nan
    d.loc[[0, 1, 2], "insulin_free_start_month"] = [1.5, 2.0, 9.0]
    d.loc[[0, 1, 2], "insulin_free_end_month"] = [13.5, 22.0, 12.8]
    return d


def test_results_report_counts_tests_effects_power_and_insulin_independence():
    res = rm.results(_fake_chapter(_trial_like())).set_index("key")
    v = res["value"]
    assert v["primary.remission.msc.events"] == 11
    assert v["primary.remission.msc.n"] == 27
    assert v["primary.remission.control.pct"] == pytest.approx(300 / 26)
    assert v["primary.remission.pval_chi2"] == pytest.approx(0.0159, abs=1e-4)
    assert v["primary.remission.pval"] == v["primary.remission.pval_chi2"]
    assert "two-sided" in res.loc["primary.remission.pval_fisher", "method"]
    assert res.loc["primary.remission.pval_fisher", "n"] == 53
    assert v["primary.remission.odds_ratio"] == pytest.approx(253 / 48)
    assert res.loc["primary.remission.odds_ratio", "ci_low"] == pytest.approx(
        1.26493, abs=1e-5
    )
    # 68.48%: see tests/stats/test_power.py for the hand computation of this power
    assert v["primary.power.pooled_z"] == pytest.approx(68.483, abs=1e-3)
    assert v["primary.power.default"] == v["primary.power.pooled_z"]
    assert v["primary.insulin_free.msc.events"] == 3
    assert v["primary.insulin_free.msc_adult.events"] == 3
    # Fisher's exact test, 3/27 vs 0/26, by hand: C(53, 3) = 23426 tables with
    # 3 events; P(3 in MSC) = C(27, 3) / 23426 = 2925/23426 = 0.124861 and
    # P(0 in MSC) = C(26, 3) / 23426 = 2600/23426 = 0.110988 are the outcomes no
    # more likely than the observed one: p = 5525/23426 = 0.235849.
    assert v["primary.insulin_free.pval_fisher"] == pytest.approx(5525 / 23426)
    assert [v[f"primary.insulin_free.duration_months.rank{i}"] for i in (1, 2, 3)] == (
        pytest.approx([3.8, 12.0, 20.0])
    )
    assert v["primary.insulin_free.duration_months.max"] == pytest.approx(20.0)
    assert v["primary.insulin_free.start_month.min"] == pytest.approx(1.5)
    assert v["primary.remission.all.n"] == 53
    assert v["primary.settings.threshold_pct"] == pytest.approx(10.0)
    assert list(res.columns) == ["value", "ci_low", "ci_high", "method", "n"]


def test_results_follow_the_endpoint_and_alpha_settings():
    base = rm.results(_fake_chapter(_trial_like())).set_index("key")
    other = rm.results(_fake_chapter(_trial_like(), endpoint_month=6, alpha=0.01))
    other = other.set_index("key")
    assert other.loc["primary.insulin_free.msc.events", "value"] == 2
    assert other.loc["primary.settings.confidence_pct", "value"] == pytest.approx(99.0)
    # a 99% interval is wider than the 95% one
    wide = other.loc["primary.remission.risk_difference"]
    narrow = base.loc["primary.remission.risk_difference"]
    assert wide["ci_low"] < narrow["ci_low"] and wide["ci_high"] > narrow["ci_high"]
    assert (
        other.loc["primary.power.pooled_z", "value"]
        < base.loc["primary.power.pooled_z", "value"]
    )


def test_results_skip_comparisons_when_an_arm_is_empty():
    d = _trial_like()
    d = d.loc[d["arm"].eq("MSC")]
    res = rm.results(_fake_chapter(d)).set_index("key")
    assert "primary.remission.pval_chi2" not in res.index
    assert res.loc["primary.remission.control.n", "value"] == 0


def test_default_data_reproduce_the_papers_counts():
    ch = open_chapter("primary", show_banner=False, glue=False)
    v = rm.results(ch).set_index("key")["value"]
    assert (v["primary.remission.msc.events"], v["primary.remission.msc.n"]) == (11, 27)
    assert (v["primary.remission.control.events"], v["primary.remission.control.n"]) == (
        3,
        26,
    )
    assert v["primary.insulin_free.msc_adult.events"] == 3
    assert v["primary.insulin_free.control.events"] == 0


def test_figures_draw_without_identifiers():
    d = _trial_like()
    fig = remission_figure(d, alpha=0.05)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "11/27" in texts and "3/26" in texts
    assert any("Pearson chi-square" in t and "*" in t for t in texts)
    plt.close(fig)
    d.insert(0, "subject_id", [f"P{i:02d}" for i in range(len(d))])
    fig = insulin_free_timeline(d, endpoint_month=12)
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels() + ax.texts]
    assert not any(t.startswith("P") and t[1:].isdigit() for t in labels)
    # one bar per insulin-free period, all in one collection of rectangles
    bars = [c for c in fig.axes[0].collections if len(c.get_paths()) == 3]
    assert len(bars) == 1
    plt.close(fig)


def test_chi_square_is_not_defined_when_nobody_had_the_event():
    t = rm.significance_tests(0, 10, 0, 12).set_index("key")
    assert np.isnan(t.loc["pval_chi2", "pval"]) and np.isnan(t.loc["pval_yates", "pval"])
    # Fisher: with no event there is a single possible table, so p = 1.
    assert t.loc["pval_fisher", "pval"] == 1.0
    assert t.loc["pval_fisher", "paper_rule"]


def test_insulin_independence_without_any_case_gives_fisher_p_of_one():
    d = _trial_like()
    d["insulin_free_start_month"] = np.nan
    d["insulin_free_end_month"] = np.nan
    v = rm.results(_fake_chapter(d)).set_index("key")["value"]
    assert v["primary.insulin_free.msc.events"] == 0
    assert v["primary.insulin_free.pval_fisher"] == 1.0
    assert not any(
        k.startswith("primary.insulin_free.duration_months.rank") for k in v.index
    )
    assert np.isnan(v["primary.insulin_free.duration_months.max"])


def test_chapter_texts_say_which_test_prints_as_the_papers_p_value():
    res = rm.results(_fake_chapter(_trial_like()))
    tests = rm.significance_tests(11, 27, 3, 26)
    power = power_table(11, 27, 3, 26)
    texts = rmt.chapter_texts(res, tests=tests, power=power)
    paper_p = texts["primary.text.paper_pval"]  # as printed in the paper (claims file)
    assert (
        texts["primary.text.pval_match"] == f"none of the three tests gives p = {paper_p}"
    )
    assert texts["primary.text.rule_test"] == "Pearson's chi-square"
    # a test whose p-value rounds (half up, 3 decimals) to the paper's value is named
    fake = tests.copy()
    fake.loc[fake["key"].eq("pval_fisher"), "pval"] = float(paper_p) - 0.0004
    texts = rmt.chapter_texts(res, tests=fake, power=power)
    assert texts["primary.text.pval_match"].startswith("Fisher's exact test")
    assert texts["primary.text.ci_level"] == "95%"


@pytest.mark.parametrize(
    ("value", "reported", "digits", "expected"),
    [(0.0405, "0.041", 3, True), (0.04049, "0.041", 3, False), (68.48, "68.4", 1, False)],
)
def test_rounding_to_the_printed_precision_is_half_up(value, reported, digits, expected):
    assert rmt._rounds_to(value, reported, digits) is expected


@pytest.mark.parametrize(("x", "n"), [(0, 36), (36, 36), (0, 1)])
def test_wilson_bounds_at_zero_and_all_events_are_exactly_0_and_100(x, n):
    # Newcombe 1998, method 3: at x = 0 the lower Wilson bound is 0 and at x = n the
    # upper bound is 1, exactly (statsmodels returns 6.9e-18 for 0/36); issue 10
    r = rm.rates_by_arm(_arms(x, n, 1, 2)).set_index("arm_key").loc["msc"]
    if x == 0:
        assert r["ci_low"] == 0.0
    if x == n:
        assert r["ci_high"] == 100.0
    assert r["pct"] - r["ci_low"] >= 0 and r["ci_high"] - r["pct"] >= 0
