"""Tests of ucmsc_repro.stats.printed (arithmetic on printed numbers) against hand
computations written out below."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from scipy import stats

from ucmsc_repro.stats import printed


def _phi(x: float) -> float:
    """Standard normal CDF by the error function (independent of scipy)."""
    return 0.5 * math.erfc(-x / math.sqrt(2))


def test_printed_interval_is_half_a_unit_of_the_last_digit_each_side():
    assert printed.printed_interval("0.041") == (Fraction(405, 10000), Fraction(415, 10000))
    assert printed.printed_interval("62") == (Fraction(123, 2), Fraction(125, 2))


@pytest.mark.parametrize(
    ("value", "text", "expected"),
    [
        (0.0159, "0.016", True),
        (0.0159, "0.041", False),
        (0.0405, "0.041", True),  # a tie counts for either rounding convention
        (0.0405, "0.040", True),
        (68.4835, "68.4", False),
        (40.7407, "40.7", True),
    ],
)
def test_matches_printed(value, text, expected):
    assert printed.matches_printed(value, text) is expected


@pytest.mark.parametrize(
    ("pct", "n", "counts"),
    [
        ("40.7", 27, [11]),  # 11/27 = 40.74%; 10/27 = 37.04%, 12/27 = 44.44%
        ("11.5", 26, [3]),  # 3/26 = 11.54%
        ("62.3", 53, [33]),  # 33/53 = 62.26%
        ("53", 53, [28]),  # 28/53 = 52.83%; 27/53 = 50.94%, 29/53 = 54.72%
        ("62", 53, [33]),  # 33/53 = 62.26%; 32/53 = 60.38%, 34/53 = 64.15%
        ("40.0", 27, []),  # impossible: between 10/27 = 37.04% and 11/27 = 40.74%
        ("50", 2, [1]),
        ("33.3", 3, [1]),  # 1/3 = 33.33%
    ],
)
def test_grim_lists_the_counts_that_print_as_the_percentage(pct, n, counts):
    assert printed.grim_percent(pct, n) == counts


def test_spss_chi_square_table_matches_hand_formulas_for_11_of_27_versus_3_of_26():
    t = printed.spss_chi_square_table(11, 27, 3, 26).set_index("test")
    a, b, c, d = 11, 16, 3, 23
    n = a + b + c + d
    margins = (a + b) * (c + d) * (a + c) * (b + d)  # 27 * 26 * 14 * 39 = 383292
    # Pearson: N (ad - bc)^2 / margins = 53 * 205^2 / 383292 = 5.81104
    pearson = n * (a * d - b * c) ** 2 / margins
    # Yates: N (|ad - bc| - N/2)^2 / margins = 53 * 178.5^2 / 383292 = 4.40578
    yates = n * (abs(a * d - b * c) - n / 2) ** 2 / margins
    # chi-square with 1 df: p = erfc(sqrt(chi2 / 2))
    assert t.loc["Pearson's chi-square", "statistic"] == pytest.approx(pearson)
    assert t.loc["Pearson's chi-square", "pval"] == pytest.approx(
        math.erfc(math.sqrt(pearson / 2))
    )
    assert t.loc["Chi-square with Yates' continuity correction", "pval"] == pytest.approx(
        math.erfc(math.sqrt(yates / 2))
    )

    # Fisher two-sided: sum of hypergeometric probabilities <= that of the table
    def hyper(x):
        return math.comb(14, x) * math.comb(39, 27 - x) / math.comb(53, 27)

    p_obs = hyper(11)
    fisher = sum(hyper(x) for x in range(0, 15) if hyper(x) <= p_obs * (1 + 1e-7))
    assert t.loc["Fisher's exact test (two-sided)", "pval"] == pytest.approx(fisher)
    # one-sided in the observed direction: P(X >= 11)
    assert t.loc["Fisher's exact test (one-sided)", "pval"] == pytest.approx(
        sum(hyper(x) for x in range(11, 15))
    )
    # likelihood ratio: G = 2 sum O ln(O / E), E = row total * column total / N
    obs = [(a, 27, 14), (b, 27, 39), (c, 26, 14), (d, 26, 39)]
    g = 2 * sum(o * math.log(o / (r * k / n)) for o, r, k in obs)
    assert t.loc["Likelihood-ratio chi-square", "statistic"] == pytest.approx(g)
    # linear-by-linear: (N - 1) / N * Pearson = 52 / 53 * 5.81104 = 5.70140
    assert t.loc["Linear-by-linear association", "statistic"] == pytest.approx(
        52 / 53 * pearson
    )
    # smallest expected count: 26 * 14 / 53 = 6.868
    assert t["min_expected"].iloc[0] == pytest.approx(26 * 14 / 53)
    assert t["named"].tolist() == [True, True, True, False, False, False]


@pytest.mark.parametrize(
    ("est", "lo", "hi"),
    [(1.141, 1.017, 1.280), (0.982, 0.966, 0.997), (4.38, 1.04, 18.4)],
)
def test_wald_p_from_ci_follows_the_log_scale_formula(est, lo, hi):
    # SE = (ln hi - ln lo) / (2 * 1.959964); z = ln est / SE; p = 2 (1 - Phi(|z|)).
    # For 1.141 (1.017-1.280): SE = 0.230003 / 3.919928 = 0.058675, z = 2.2481,
    # p = 0.0246.
    se = (math.log(hi) - math.log(lo)) / (2 * 1.959963984540054)
    z = math.log(est) / se
    r = printed.wald_from_ci(est, lo, hi)
    assert r["se"] == pytest.approx(se)
    assert r["z"] == pytest.approx(z)
    assert r["pval"] == pytest.approx(2 * (1 - _phi(abs(z))))
    assert r["midpoint"] == pytest.approx(math.sqrt(lo * hi))


def test_wald_from_ci_for_msc_cells_gives_the_hand_value():
    # hand computation in the previous test's comment: p = 0.0246
    assert round(printed.wald_from_ci(1.141, 1.017, 1.280)["pval"], 4) == 0.0246


def test_wald_p_range_brackets_the_central_value_and_widens_with_rounding():
    p_min, p_max = printed.wald_p_range("1.141", "1.017", "1.280")
    central = printed.wald_from_ci(1.141, 1.017, 1.280)["pval"]
    assert p_min < central < p_max
    # corner by hand: estimate 1.1415, CI 1.0165-1.2805 (widest CI, largest effect)
    se = (math.log(1.2805) - math.log(1.0165)) / (2 * 1.959963984540054)
    corner = 2 * (1 - _phi(math.log(1.1415) / se))
    assert p_min <= corner <= p_max


@pytest.mark.parametrize("p", [0.001, 0.0159, 0.041, 0.05, 0.3])
def test_observed_power_from_p_is_the_z_test_formula(p):
    # z = Phi^-1(1 - p/2); power = Phi(z - 1.96) + Phi(-z - 1.96)
    z = stats.norm.isf(p / 2)
    za = 1.959963984540054
    assert printed.observed_power_from_p(p) == pytest.approx(_phi(z - za) + _phi(-z - za))


def test_observed_power_is_one_half_at_p_equal_alpha():
    # p = 0.05: z = 1.96, power = Phi(0) + Phi(-3.92) = 0.5 + 4.4e-5
    assert printed.observed_power_from_p(0.05) == pytest.approx(0.5 + _phi(-3.919928))


@pytest.mark.parametrize("power", [0.3, 0.533, 0.684, 0.9])
def test_p_from_observed_power_inverts_the_power_formula(power):
    p = printed.p_from_observed_power(power)
    assert printed.observed_power_from_p(p) == pytest.approx(power, abs=1e-9)


@pytest.mark.parametrize(
    ("odds_ratio", "p0", "rr"),
    [
        # 4.38 / (1 - 3/26 + 3/26 * 4.38) = 4.38 * 26 / 36.14 = 3.15108
        (4.38, 3 / 26, 4.38 * 26 / (23 + 3 * 4.38)),
        (1.0, 0.4, 1.0),
        (2.0, 0.5, 2 / 1.5),
    ],
)
def test_or_to_risk_ratio_is_zhang_and_yu(odds_ratio, p0, rr):
    assert printed.or_to_risk_ratio(odds_ratio, p0) == pytest.approx(rr)


def test_max_sd_is_attained_by_values_at_both_ends():
    # [0, 0, 24, 24]: mean 12, sample SD = sqrt(4 * 144 / 3) = sqrt(192)
    assert printed.max_sd_for_range(12, 0, 24, 4) == pytest.approx(math.sqrt(192))
    with pytest.raises(ValueError):
        printed.max_sd_for_range(30, 0, 24, 4)
