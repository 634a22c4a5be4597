"""Post hoc power formulas checked against published values and hand computations."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from ucmsc_repro.stats import power

Z975 = 1.959963984540054  # standard normal 97.5% quantile (z for two-sided alpha 0.05)


def test_pooled_z_power_matches_r_power_prop_test_example():
    # R, first example of ?power.prop.test (stats package; strict = FALSE, one tail):
    #   power.prop.test(n = 50, p1 = .50, p2 = .75)   -> power = 0.7401659
    # By hand: (sqrt(50) * 0.25 - 1.959964 * sqrt(1.25 * 0.75 / 2)) / sqrt(0.4375)
    # = (1.767767 - 1.341893) / 0.661438 = 0.643863 -> Phi = 0.740166.
    # power_pooled_z adds the opposite tail, Phi(-4.70) ~ 1.3e-6: tolerance 1e-5.
    got = power.power_pooled_z(0.50, 50, 0.75, 50)
    assert got == pytest.approx(0.7401659, abs=1e-5)


def test_pooled_z_power_of_the_trial_rates_matches_hand_computation():
    # Hand computation for 11/27 vs 3/26:
    # p1 = 0.407407, p2 = 0.115385, d = 0.292023, pbar = 14/53 = 0.264151
    # s0 = sqrt(pbar (1 - pbar) (1/27 + 1/26)) = 0.121141
    # s1 = sqrt(p1 q1 / 27 + p2 q2 / 26) = 0.113435
    # (d - 1.959964 s0) / s1 = 0.481257 -> Phi(0.481257) = 0.68483
    # (the opposite tail, Phi((-d - z s0) / s1) = Phi(-4.67), adds 1.5e-6)
    upper = stats.norm.cdf(0.481257)
    assert power.power_pooled_z(11 / 27, 27, 3 / 26, 26) == pytest.approx(upper, abs=1e-5)


def _fleiss_tytun_ury_n(p1: float, p2: float, r: float, alpha: float, power_: float):
    """Group-1 sizes (uncorrected m, corrected m') for n2 = r n1, Fleiss-Tytun-Ury.

    m  = (z_a sqrt((r + 1) pbar qbar) + z_b sqrt(r p1 q1 + p2 q2))^2 / (r d^2)
    m' = m / 4 (1 + sqrt(1 + 2 (r + 1) / (r m d)))^2
    with pbar = (p1 + r p2) / (1 + r), d = |p1 - p2| (Fleiss, Tytun & Ury,
    Biometrics 1980;36:343-6).
    """
    za, zb = stats.norm.isf(alpha / 2), stats.norm.isf(1 - power_)
    d = abs(p1 - p2)
    pbar = (p1 + r * p2) / (1 + r)
    k = za * math.sqrt((r + 1) * pbar * (1 - pbar)) + zb * math.sqrt(
        r * p1 * (1 - p1) + p2 * (1 - p2)
    )
    m = k**2 / (r * d**2)
    return m, m / 4 * (1 + math.sqrt(1 + 2 * (r + 1) / (r * m * d))) ** 2


@pytest.mark.parametrize(
    ("p1", "p2", "r", "target"),
    [(0.50, 0.75, 1.0, 0.90), (0.40, 0.15, 1.0, 0.80), (0.30, 0.10, 2.0, 0.80)],
)
def test_pooled_z_power_inverts_the_classical_sample_size(p1, p2, r, target):
    # The uncorrected sample size m (Fleiss 1981, ch. 3) for power `target` must
    # give back that power (the opposite tail adds < 1e-4).
    m, _ = _fleiss_tytun_ury_n(p1, p2, r, 0.05, target)
    assert power.power_pooled_z(p1, m, p2, r * m) == pytest.approx(target, abs=1e-4)


@pytest.mark.parametrize(
    ("p1", "p2", "r", "target"),
    [(0.50, 0.75, 1.0, 0.90), (0.40, 0.15, 1.0, 0.80), (0.30, 0.10, 2.0, 0.80)],
)
def test_continuity_corrected_power_inverts_fleiss_tytun_ury_sample_size(p1, p2, r, target):
    # The Fleiss-Tytun-Ury sample size for power `target` must give back that power.
    _, m_corrected = _fleiss_tytun_ury_n(p1, p2, r, 0.05, target)
    got = power.power_pooled_z_cc(p1, m_corrected, p2, r * m_corrected)
    assert got == pytest.approx(target, abs=1e-4)


def test_continuity_correction_lowers_power():
    plain = power.power_pooled_z(0.5, 50, 0.75, 50)
    corrected = power.power_pooled_z_cc(0.5, 50, 0.75, 50)
    assert corrected < plain


@pytest.mark.parametrize(
    ("p1", "n1", "p2", "n2", "expected", "tol"),
    [
        # Hand computation: h = 2 asin(sqrt(.75)) - 2 asin(sqrt(.5)) = 2 pi/3 - pi/2
        # = pi/6; h sqrt(50 * 50 / 100) = 5 pi / 6 = 2.617994;
        # power = Phi(2.617994 - 1.959964) + Phi(-2.617994 - 1.959964)
        # = 0.744741 + 0.000002.
        (
            0.75,
            50,
            0.50,
            50,
            stats.norm.cdf(5 * math.pi / 6 - Z975)
            + stats.norm.cdf(-5 * math.pi / 6 - Z975),
            1e-9,
        ),
        # Cohen (1988), Table 6.4.1: h = 0.20, two-tailed alpha = .05, power .80
        # needs n = 392 per group (n = 2 ((1.960 + 0.842) / 0.2)^2 = 392.4).
        (math.sin(math.pi / 4 + 0.1) ** 2, 392, 0.5, 392, 0.80, 2e-3),
    ],
)
def test_arcsine_power_matches_cohen(p1, n1, p2, n2, expected, tol):
    assert power.power_arcsine(p1, n1, p2, n2) == pytest.approx(expected, abs=tol)


def test_unpooled_z_power_matches_hand_computation():
    # s1 = sqrt((.5 * .5 + .75 * .25) / 50) = sqrt(0.00875) = 0.0935414
    # d / s1 = 0.25 / 0.0935414 = 2.672612; 2.672612 - 1.959964 = 0.712648
    # Phi(0.712648) = 0.76197 (opposite tail Phi(-4.63) ~ 2e-6)
    expected = stats.norm.cdf(0.712648)
    assert power.power_unpooled_z(0.5, 50, 0.75, 50) == pytest.approx(expected, abs=1e-5)


# Hand enumeration for n1 = n2 = 3, p1 = 0.9, p2 = 0.2 (a = events in group 1,
# b = events in group 2; P(a, b) = Bin(a; 3, .9) Bin(b; 3, .2)):
#   Fisher two-sided p: (3, 0) and (0, 3): 2/20 = 0.10; (3, 1), (2, 0), (1, 3),
#     (0, 2): 0.4; all others larger. Pearson chi-square: (3, 0), (0, 3): X2 = 6,
#     p = 0.0143; (3, 1), (2, 0), (1, 3), (0, 2): X2 = 3, p = 0.0833; others X2 <= 1.2.
#     Yates: (3, 0), (0, 3): X2 = 6 (9 - 3)^2 / 81 = 2.667, p = 0.1025; others smaller X2.
#   P(3, 0) + P(0, 3) = .9^3 .8^3 + .1^3 .2^3 = 0.373248 + 0.000008 = 0.373256
#   P(3, 1) = .729 * 3 * .2 * .64 = 0.279936; P(2, 0) = 3 * .81 * .1 * .512 = 0.124416
#   P(1, 3) = 3 * .9 * .01 * .008 = 0.000216; P(0, 2) = .001 * 3 * .04 * .8 = 0.000096
@pytest.mark.parametrize(
    ("test", "alpha", "expected"),
    [
        ("fisher", 0.11, 0.373256),
        ("fisher", 0.05, 0.0),
        ("chi2", 0.05, 0.373256),
        ("chi2", 0.10, 0.373256 + 0.279936 + 0.124416 + 0.000216 + 0.000096),
        ("yates", 0.11, 0.373256),
        ("yates", 0.05, 0.0),
    ],
)
def test_exact_power_matches_hand_enumeration(test, alpha, expected):
    got = power.power_exact(0.9, 3, 0.2, 3, alpha=alpha, test=test)
    assert got == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("method", list(power.POWER_METHODS))
def test_power_is_symmetric_in_the_groups(method):
    fn = power.POWER_METHODS[method][3]
    a = fn(11 / 27, 27, 3 / 26, 26, alpha=0.05)
    b = fn(3 / 26, 26, 11 / 27, 27, alpha=0.05)
    assert a == pytest.approx(b, abs=1e-12)


@pytest.mark.parametrize("method", ["pooled_z", "arcsine_h", "unpooled_z"])
def test_normal_power_equals_alpha_when_proportions_are_equal(method):
    # Under H0 (d = 0, s0 = s1) the two tails give Phi(-z) + Phi(-z) = alpha.
    fn = power.POWER_METHODS[method][3]
    assert fn(0.3, 40, 0.3, 40, alpha=0.05) == pytest.approx(0.05, abs=1e-12)


def test_power_table_lists_every_method_with_documented_columns():
    t = power.power_table(11, 27, 3, 26, alpha=0.05)
    assert list(t.columns) == [
        "method",
        "label",
        "formula",
        "reference",
        "alpha",
        "n1",
        "n2",
        "power",
        "defined",
        "neglected",
    ]
    assert list(t["method"]) == list(power.POWER_METHODS)
    assert t["power"].between(0, 1).all()
    assert power.DEFAULT_POWER_METHOD in set(t["method"])


def test_power_table_rises_with_alpha():
    low = power.power_table(11, 27, 3, 26, alpha=0.01).set_index("method")["power"]
    high = power.power_table(11, 27, 3, 26, alpha=0.10).set_index("method")["power"]
    assert (high > low).all()


@pytest.mark.parametrize(
    ("args", "alpha"),
    [((28, 27, 3, 26), 0.05), ((1, 0, 3, 26), 0.05), ((1.5, 27, 3, 26), 0.05)],
)
def test_power_table_rejects_impossible_counts(args, alpha):
    with pytest.raises(ValueError):
        power.power_table(*args, alpha=alpha)


def test_exact_power_needs_whole_group_sizes():
    with pytest.raises(ValueError, match="whole"):
        power.power_exact(0.5, 10.5, 0.2, 10)


def test_default_data_exact_powers_are_unchanged_and_complete():
    # Values of the full (n1 + 1)(n2 + 1) loop over scipy.stats.fisher_exact /
    # chi2_contingency before vectorisation (main at b8a6c99), compared exactly.
    expected = {
        "fisher": 0.6076578494622105,
        "chi2": 0.7142608927911661,
        "yates": 0.5925043584925369,
    }
    for test, value in expected.items():
        r = power.exact_power(11 / 27, 27, 3 / 26, 26, test=test)
        assert r.power == value
        assert r.complete and r.neglected == 0.0


def test_exact_power_of_large_groups_is_bounded_and_fast():
    # 25,000 per arm: about 1.6 million tables within 10 SD, not 6 x 10^8.
    r = power.exact_power(11 / 27, 25_000, 3 / 26, 25_000, test="chi2")
    assert not r.complete
    assert 0 < r.neglected < 1e-15
    assert r.tables < 2_000_000
    assert r.power == pytest.approx(1.0, abs=1e-9)


def test_window_changes_power_by_at_most_the_neglected_mass():
    full = power.exact_power(0.3, 600, 0.2, 600, test="fisher", window_sd=float("inf"))
    part = power.exact_power(0.3, 600, 0.2, 600, test="fisher", window_sd=4.0)
    assert full.complete and not part.complete
    assert part.power <= full.power <= part.power + part.neglected + 1e-15


def test_power_table_marks_undefined_formulas_when_nobody_has_the_event():
    t = power.power_table(0, 10, 0, 12).set_index("method")
    assert not t.loc["pooled_z", "defined"]
    assert t.loc["exact_fisher", "defined"] and t.loc["exact_fisher", "power"] == 0.0
    assert (t["defined"] == t["power"].notna()).all()
