"""The paper's two-group tests against published outputs and hand computations."""

from __future__ import annotations

import math

import pytest

from ucmsc_repro.stats.comparisons import (
    compare_categorical,
    compare_continuous,
    describe,
    is_normal,
    mann_whitney,
    normality_test,
    paired_test,
    smd_binary,
    smd_continuous,
    student_t,
    two_by_two_tests,
)

# Student's sleep data (Cushny & Peebles 1905), R's `datasets::sleep`.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def _p_chi2_1df(x: float) -> float:
    """Upper tail of chi-square with 1 df, by hand: P(Z^2 > x) = erfc(sqrt(x / 2))."""
    return math.erfc(math.sqrt(x / 2))


def test_student_t_matches_r_sleep_example():
    # R: t.test(extra ~ group, data = sleep, var.equal = TRUE)
    #    t = -1.8608, df = 18, p-value = 0.07919
    res = student_t(SLEEP_1, SLEEP_2)
    assert res["statistic"] == pytest.approx(-1.8608, abs=1e-4)
    assert res["dof"] == 18
    assert res["pval"] == pytest.approx(0.07919, abs=1e-5)
    # CI by hand: diff -1.58, pooled SE sqrt(3.604778 * 2 / 10) = 0.849091,
    # t(0.975, 18) = 2.100922 (printed t tables) -> -1.58 -/+ 1.783874
    assert res["ci_low"] == pytest.approx(-3.363874, abs=1e-5)
    assert res["ci_high"] == pytest.approx(0.203874, abs=1e-5)


def test_paired_t_matches_r_sleep_example():
    # R: t.test(sleep$extra[11:20], sleep$extra[1:10], paired = TRUE)
    #    t = 4.0621, df = 9, p-value = 0.002833
    res = paired_test(SLEEP_1, SLEEP_2, method="t")
    assert res["statistic"] == pytest.approx(4.0621, abs=1e-4)
    assert res["pval"] == pytest.approx(0.002833, abs=1e-6)
    assert res["n"] == 10 and res["mean_diff"] == pytest.approx(1.58)


def test_wilcoxon_signed_rank_by_hand():
    # differences 1, 2, 3, 4, -5: W+ = 10, W- = 5; normal approximation
    # mean n(n+1)/4 = 7.5, var n(n+1)(2n+1)/24 = 13.75
    res = paired_test([0, 0, 0, 0, 5], [1, 2, 3, 4, 0], method="wilcoxon")
    z = (10 - 7.5) / math.sqrt(13.75)
    assert res["statistic"] == 5
    assert res["pval"] == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-9)


def test_mann_whitney_normal_approximation_by_hand():
    # no ties: U_x = 0; mean n1 n2 / 2 = 15, var n1 n2 (n1 + n2 + 1) / 12 = 30
    res = mann_whitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11])
    z = (0 - 15) / math.sqrt(30)
    assert res["statistic"] == 0
    assert res["pval"] == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), rel=1e-9)


def test_auto_choice_uses_mann_whitney_for_a_skewed_group():
    skewed = [1, 1, 1, 1, 1, 1, 1, 2, 2, 50]
    assert compare_continuous(skewed, SLEEP_2)["test"].startswith("Mann-Whitney")
    assert compare_continuous(SLEEP_1, SLEEP_2)["test"].startswith("Student")


def test_chi_square_by_hand():
    # table [[10, 20], [20, 10]]: all expected 15; chi2 = 4 * 5^2 / 15 = 6.6667
    res = compare_categorical(["a"] * 10 + ["b"] * 20, ["a"] * 20 + ["b"] * 10)
    assert res["test"] == "Pearson's chi-square test (two-sided)"
    assert res["statistic"] == pytest.approx(20 / 3)
    assert res["pval"] == pytest.approx(_p_chi2_1df(20 / 3), rel=1e-9)


def test_fisher_for_small_expected_counts_matches_r_tea_tasting():
    # R: fisher.test(matrix(c(3, 1, 1, 3), 2)) -> p-value = 0.4857 (= 34/70)
    res = compare_categorical(["y"] * 3 + ["n"], ["y"] + ["n"] * 3)
    assert res["test"] == "Fisher's exact test (two-sided)"
    assert res["pval"] == pytest.approx(34 / 70)


def _fisher_two_sided_by_hand(a, b, c, d):
    """Sum of hypergeometric tables no more likely than the observed one."""
    r1, c1, n = a + b, a + c, a + b + c + d

    def prob(x):
        return math.comb(c1, x) * math.comb(n - c1, r1 - x) / math.comb(n, r1)

    p_obs = prob(a)
    lo, hi = max(0, r1 + c1 - n), min(r1, c1)
    return sum(prob(x) for x in range(lo, hi + 1) if prob(x) <= p_obs * (1 + 1e-7))


def test_two_by_two_tests_on_the_papers_primary_counts():
    res = two_by_two_tests(11, 27, 3, 26).set_index("test")["pval"]
    # Pearson by hand: N (ad - bc)^2 / (r1 r2 c1 c2) = 53 * 205^2 / (27*26*14*39) = 5.8111
    chi2 = 53 * 205**2 / (27 * 26 * 14 * 39)
    assert res["Pearson's chi-square"] == pytest.approx(_p_chi2_1df(chi2), rel=1e-9)
    # Yates by hand: N (|ad - bc| - N/2)^2 / (r1 r2 c1 c2)
    yates = 53 * (205 - 53 / 2) ** 2 / (27 * 26 * 14 * 39)
    assert res["Chi-square with Yates' continuity correction"] == pytest.approx(
        _p_chi2_1df(yates), rel=1e-9
    )
    assert res["Fisher's exact test (two-sided)"] == pytest.approx(
        _fisher_two_sided_by_hand(11, 16, 3, 23), rel=1e-9
    )


def test_describe_by_hand():
    d = describe([2, 4, 4, 4, 5, 5, 7, 9, None])
    assert (d["n"], d["missing"], d["mean"], d["median"]) == (8, 1, 5.0, 4.5)
    assert d["sd"] == pytest.approx(math.sqrt(32 / 7))  # sum of squares 32, n - 1 = 7
    assert d["sem"] == pytest.approx(math.sqrt(32 / 7) / math.sqrt(8))


def test_standardized_differences_by_hand():
    # means 2 and 3, both SDs 1 -> (2 - 3) / 1
    assert smd_continuous([1, 2, 3], [2, 3, 4]) == pytest.approx(-1.0)
    # (0.5 - 0.3) / sqrt((0.25 + 0.21) / 2) = 0.2 / 0.479583
    assert smd_binary(0.5, 0.3) == pytest.approx(0.2 / math.sqrt(0.23))


def test_categorical_comparison_with_an_empty_group_is_not_tested():
    # a group with no values: no expected counts, so no chi-square or Fisher test
    # (scipy's chi2_contingency raises on the zero row); issue 10
    from ucmsc_repro.stats.comparisons import compare_categorical

    r = compare_categorical(["a", "b", "a"], [])
    assert r["test"] == "not tested (a group has no values)"
    assert r["pval"] != r["pval"] and (r["n1"], r["n2"]) == (3, 0)


def test_normality_test_is_shapiro_wilk_up_to_5000_values():
    # R 4.x: shapiro.test(c(0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0))
    # $p.value = 0.4079287964 (Student's sleep data, group 1)
    name, p = normality_test(SLEEP_1)
    assert name == "Shapiro-Wilk" and p == pytest.approx(0.4079287964, abs=1e-6)
    # a constant or a two-value sample cannot be tested: nan, and counts as normal
    assert math.isnan(normality_test([2.0, 2.0, 2.0])[1]) and is_normal([1.0, 2.0])


def test_normality_test_above_5000_values_is_dagostino_pearson():
    # R: shapiro.test(rnorm(5001)) stops ("sample size must be between 3 and 5000"),
    # scipy warns (an error under this suite's filterwarnings). Above 5,000 the test
    # is D'Agostino-Pearson's K2 = z(skewness)^2 + z(kurtosis)^2 on 2 df, here from
    # scipy's own two z-tests combined by hand: P(chi2_2 > K2) = exp(-K2 / 2).
    from scipy import stats

    x = [float(i % 97) ** 1.5 for i in range(5001)]  # deterministic, right-skewed
    name, p = normality_test(x)
    k2 = stats.skewtest(x).statistic ** 2 + stats.kurtosistest(x).statistic ** 2
    assert name == "D'Agostino-Pearson" and p == pytest.approx(math.exp(-k2 / 2))
    assert normality_test(x[:5000])[0] == "Shapiro-Wilk"
    assert not is_normal(x)
