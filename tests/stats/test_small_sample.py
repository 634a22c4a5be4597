"""Small-sample 2x2 inference against R, a published table and hand enumeration.

R reference functions (no exact2x2, PropCIs or epitools on this machine, so
written by hand in base R and kept beside the values):

- ``midp.R``: ``dhyper`` over the conditional support; Fisher via ``fisher.test``.
- ``barnard.R``: every table, pooled Wald z, region ``|z| >= |z_obs| (1 - 1e-7)``,
  sup of ``sum(dbinom(a, n1, pi) * dbinom(b, n2, pi))`` on 10001 grid points
  plus ``optimize``.
- ``boschloo.R``: as barnard.R, ordered by the one-sided ``phyper`` p,
  two-sided = min(1, 2 min(one-sided)).
- ``mn.R``: restricted MLE by ``optimize`` of the log-likelihood (not the
  closed-form cubic), variance times N/(N-1), limits by ``uniroot``.

Run with ``Rscript <file>.R`` (R 4.x); outputs pasted beside each case.
"""

import math
import warnings

import numpy as np
import pytest
from scipy import stats

from ucmsc_repro.stats import small_sample as ss

# Rscript midp.R printed (fisher, minlike mid-p, central mid-p):
#   11/27 vs 3/26:  0.02760805 0.02055755 0.01925190
#   9/10 vs 3/10:   0.01976661 0.01024053 0.01024053
#   56/70 vs 48/80: 0.012521130 0.010421140 0.008449443
#   2/2 vs 2/6:     0.4285714 0.2142857 0.2142857
MIDP_CASES = [
    ((11, 27, 3, 26), 0.02760805, 0.02055755, 0.01925190),
    ((9, 10, 3, 10), 0.01976661, 0.01024053, 0.01024053),
    ((56, 70, 48, 80), 0.012521130, 0.010421140, 0.008449443),
    ((2, 2, 2, 6), 0.4285714, 0.2142857, 0.2142857),
]


@pytest.mark.parametrize(("table", "fisher", "minlike", "central"), MIDP_CASES)
def test_fisher_and_mid_p_match_r_dhyper_enumeration(table, fisher, minlike, central):
    assert ss.fisher_test(*table)["pval"] == pytest.approx(fisher, rel=1e-6)
    assert ss.fisher_midp(*table)["pval"] == pytest.approx(minlike, rel=1e-6)
    assert ss.fisher_midp(*table, method="central")["pval"] == pytest.approx(
        central, rel=1e-6
    )


def test_mid_p_is_fisher_minus_half_the_observed_table_probability():
    # Hand computation: without ties, mid-p = Fisher p - P(observed) / 2.
    x1, n1, x2, n2 = 11, 27, 3, 26
    p_obs = stats.hypergeom.pmf(x1, n1 + n2, x1 + x2, n1)
    expected = ss.fisher_test(x1, n1, x2, n2)["pval"] - p_obs / 2
    assert ss.fisher_midp(x1, n1, x2, n2)["pval"] == pytest.approx(expected, rel=1e-12)


# Rscript barnard.R printed:
#   barnard(11, 27, 3, 26) = 0.0177414535
#   barnard(2, 2, 2, 6) = 0.1875000000
#   barnard(1, 2, 1, 3) = 0.9375000000
#   barnard(0, 2, 1, 5) = 0.7362942236
#   barnard(9, 10, 3, 10) = 0.0079555511
#   barnard(56, 70, 48, 80) = 0.0088651920
# scipy.stats.barnard_exact (1.17) on the same tables: 0.0177414535, 0.12890625,
# 0.7740885918, 0.7349708886, 0.0069307222, 0.0088651920 (n=32 and n=256 alike).
BARNARD_CASES = [
    ((11, 27, 3, 26), 0.0177414535, True),
    ((2, 2, 2, 6), 0.1875, False),
    ((1, 2, 1, 3), 0.9375, False),
    ((0, 2, 1, 5), 0.7362942236, False),
    ((9, 10, 3, 10), 0.0079555511, False),
    ((56, 70, 48, 80), 0.0088651920, True),
]


@pytest.mark.parametrize(("table", "r_value", "scipy_agrees"), BARNARD_CASES)
def test_barnard_matches_r_enumeration(table, r_value, scipy_agrees):
    assert ss.barnard_test(*table)["pval"] == pytest.approx(r_value, rel=1e-8)


@pytest.mark.parametrize(("table", "r_value", "scipy_agrees"), BARNARD_CASES)
def test_barnard_equals_scipy_except_where_scipy_drops_a_tied_table(
    table, r_value, scipy_agrees
):
    x1, n1, x2, n2 = table
    ours = ss.barnard_test(*table)["pval"]
    theirs = stats.barnard_exact([[x1, x2], [n1 - x1, n2 - x2]]).pvalue
    if scipy_agrees:
        assert ours == pytest.approx(theirs, rel=1e-8)
    else:
        # scipy's region is too small (tie left out) or its sup search stops
        # short: its p-value is never larger than the enumerated one.
        assert theirs < ours


def test_barnard_2_of_2_vs_2_of_6_by_hand():
    # Hand check. z is the same for (2, 2) and its mirror (0, 4): |p1 - p2| = 2/3
    # and pooled p = 1/2 in both; scipy computes them one ulp apart and drops
    # (0, 4). With both, the region is {(2, b): b <= 2} and {(0, b): b >= 4}
    # (b = 0..6); P = pi^2 F(2) + (1 - pi)^2 (1 - F(3)) with F the Bin(6, pi)
    # cdf. At pi = 1/2: (1/4)(22/64) + (1/4)(22/64) = 11/64 = 0.171875; the sup
    # is 0.1875 = 3/16 (also R barnard.R), reached at the edge pi -> 0 or 1.
    z = ss._pooled_wald(2, 6)
    assert abs(z[2, 2]) == pytest.approx(abs(z[0, 4]), rel=1e-12)
    pi = 0.5
    f = stats.binom(6, pi)
    at_half = pi**2 * f.cdf(2) + (1 - pi) ** 2 * f.sf(3)
    assert at_half == pytest.approx(11 / 64)
    assert ss.barnard_test(2, 2, 2, 6)["pval"] == pytest.approx(3 / 16, rel=1e-9)


# Rscript boschloo.R printed:
#   boschloo(11, 27, 3, 26) = 0.0179917282
#   boschloo(9, 10, 3, 10) = 0.0079555511
#   boschloo(56, 70, 48, 80) = 0.0088444612
#   boschloo(2, 2, 2, 6) = 0.1788758789
#   boschloo(1, 2, 1, 3) = 0.9390169668
#   boschloo(7, 12, 1, 11) = 0.0147842853
#   boschloo(16, 27, 8, 26) = 0.0422151700
@pytest.mark.parametrize(
    ("table", "r_value"),
    [
        ((11, 27, 3, 26), 0.0179917282),
        ((9, 10, 3, 10), 0.0079555511),
        ((56, 70, 48, 80), 0.0088444612),
        ((2, 2, 2, 6), 0.1788758789),
        ((1, 2, 1, 3), 0.9390169668),
        ((7, 12, 1, 11), 0.0147842853),
        ((16, 27, 8, 26), 0.0422151700),
    ],
)
def test_boschloo_scipy_matches_r_enumeration(table, r_value):
    assert ss.boschloo_test(*table)["pval"] == pytest.approx(r_value, rel=1e-7)


# Miettinen-Nurminen 95% limits.
# Newcombe RG, Stat Med 1998;17:873, Table II, method 6 (as also asserted by
# GSK-Biostatistics/cicalc tests/testthat/test-prop_ci_mn.R, "matches the values
# in the paper"): 56/70 - 48/80 = (0.0528, 0.3382); 9/10 - 3/10 = (0.1700, 0.8406);
# 10/10 - 0/20 = (0.7156, 1.0000). (The 0.3339 sometimes quoted for the first
# example is the upper limit of Newcombe's method 10, the hybrid score interval.)
# Rscript mn.R printed:
#   mn(56, 70, 48, 80) = 0.05282971 0.33817294
#   mn(9, 10, 3, 10) = 0.17002502 0.84064954
#   mn(10, 10, 0, 20) = 0.71561866 1.00000000
#   mn(11, 27, 3, 26) = 0.05566020 0.50462604
#   mn(5, 56, 0, 29) = -0.03259656 0.19333098
MN_CASES = [
    ((56, 70, 48, 80), (0.0528, 0.3382), (0.05282971, 0.33817294)),
    ((9, 10, 3, 10), (0.1700, 0.8406), (0.17002502, 0.84064954)),
    ((10, 10, 0, 20), (0.7156, 1.0), (0.71561866, 1.0)),
    ((11, 27, 3, 26), None, (0.05566020, 0.50462604)),
    ((5, 56, 0, 29), None, (-0.03259656, 0.19333098)),
]


@pytest.mark.parametrize(("table", "published", "r_value"), MN_CASES)
def test_miettinen_nurminen_matches_newcombe_table_and_r(table, published, r_value):
    r = ss.mn_interval(*table)
    if published is not None:
        assert (round(r["ci_low"], 4), round(r["ci_high"], 4)) == published
    assert r["ci_low"] == pytest.approx(r_value[0], abs=1e-7)
    assert r["ci_high"] == pytest.approx(r_value[1], abs=1e-7)


def test_mn_score_test_is_pearson_chi_square_times_n_minus_1_over_n():
    # Hand identity: at delta = 0 the MN statistic is z_Pearson * sqrt((N-1)/N).
    x1, n1, x2, n2 = 11, 27, 3, 26
    chi2 = stats.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)[0]
    n = n1 + n2
    expected = stats.chi2.sf(chi2 * (n - 1) / n, 1)
    assert ss.mn_interval(x1, n1, x2, n2)["pval"] == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize(
    ("table", "newcombe"),
    # Newcombe 1998 Table II, method 10: 56/70-48/80 (0.0524, 0.3339);
    # 9/10-3/10 (0.1705, 0.8090).
    [((56, 70, 48, 80), (0.0524, 0.3339)), ((9, 10, 3, 10), (0.1705, 0.8090))],
)
def test_newcombe_hybrid_score_matches_newcombe_table(table, newcombe):
    t = ss.risk_difference_intervals(*table).set_index("test_or_method")
    row = t.loc["Newcombe hybrid score"]
    assert (round(row.ci_low, 4), round(row.ci_high, 4)) == newcombe


def test_agresti_caffo_by_hand():
    # Hand: add 1 event and 1 non-event per arm: 10/12 - 4/12 = 0.5,
    # se = sqrt((10/12)(2/12)/12 + (4/12)(8/12)/12) = sqrt(0.0300926) = 0.173472.
    p1, p2 = 10 / 12, 4 / 12
    se = math.sqrt(p1 * (1 - p1) / 12 + p2 * (1 - p2) / 12)
    t = ss.risk_difference_intervals(9, 10, 3, 10).set_index("test_or_method")
    z = stats.norm.ppf(0.975)
    assert t.loc["Agresti-Caffo", "ci_low"] == pytest.approx(0.5 - z * se, rel=1e-10)
    assert t.loc["Agresti-Caffo", "ci_high"] == pytest.approx(0.5 + z * se, rel=1e-10)


def test_table_has_the_tidy_columns_and_all_methods():
    t = ss.small_sample_table(11, 27, 3, 26)
    assert t.columns.tolist() == [
        "test_or_method",
        "estimate",
        "ci_low",
        "ci_high",
        "pval",
        "note",
    ]
    assert len(t) == 7
    assert t["estimate"].iloc[0] == pytest.approx(11 / 27 - 3 / 26)


EDGE_TABLES = [
    (0, 10, 0, 10),  # no events at all
    (10, 10, 10, 10),  # all events
    (0, 10, 10, 10),  # difference -1
    (5, 5, 0, 7),  # difference 1, two zero cells
    (0, 1, 1, 1),  # one participant per arm
    (3, 8, 0, 9),  # one zero cell
]


@pytest.mark.parametrize("table", EDGE_TABLES)
def test_degenerate_tables_give_finite_results_without_warnings(table):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = ss.small_sample_table(*table)
    assert t["pval"].dropna().between(0, 1).all()
    assert t["pval"].notna().sum() == 5  # four tests and the MN score test
    ci = t.dropna(subset=["ci_low"])
    assert len(ci) == 3
    assert (ci.ci_low >= -1).all() and (ci.ci_high <= 1).all()
    assert (ci.ci_low <= ci.estimate + 1e-12).all()
    assert (ci.estimate <= ci.ci_high + 1e-12).all()


@pytest.mark.parametrize("table", [(0, 10, 0, 10), (10, 10, 10, 10)])
def test_identical_rates_give_p_one(table):
    t = ss.small_sample_table(*table).set_index("test_or_method")
    for name in ["Fisher exact test", "Barnard's exact test", "Boschloo's exact test"]:
        assert t.loc[name, "pval"] == 1.0


@pytest.mark.parametrize("table", [(0, 0, 3, 26), (11, 27, 0, 0), (0, 0, 0, 0)])
def test_empty_arm_gives_nan_and_a_note(table):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = ss.small_sample_table(*table)
    assert t[["estimate", "ci_low", "ci_high", "pval"]].isna().all().all()
    assert t["note"].str.contains("no participants").all()


@pytest.mark.parametrize("bad", [(-1, 5, 0, 5), (6, 5, 0, 5), (1.5, 5, 0, 5)])
def test_invalid_counts_raise(bad):
    with pytest.raises(ValueError):
        ss.small_sample_table(*bad)


def test_statsmodels_score_interval_defect_is_documented_until_fixed():
    # Confirms the defect of statsmodels 0.15 (issue #10269): method="score"
    # gives (0.05255, 0.34404) for 56/70 - 48/80, not (0.0528, 0.3382), and
    # raises "f(a) and f(b) must have different signs" for 9/10 - 3/10.
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(56, 70, 48, 80, method="score", compare="diff")
    mn = ss.mn_interval(56, 70, 48, 80)
    fixed = abs(high - mn["ci_high"]) < 1e-4
    if not fixed:
        assert abs(high - 0.34404) < 1e-4
    assert np.isfinite(low)


# ---- R sources of the reference values (run as `Rscript <name>.R`, R 4.2.2) ----
# ==== midp.R ====
# # Fisher two-sided p and Lancaster mid-p (minlike and central) by dhyper
# midp <- function(x1, n1, x2, n2) {
#   k <- max(0, x1 + x2 - n2):min(n1, x1 + x2); p <- dhyper(k, n1, n2, x1 + x2)
#   po <- dhyper(x1, n1, n2, x1 + x2); tie <- abs(p - po) <= 1e-7 * po
#   c(fisher = fisher.test(matrix(c(x1, n1 - x1, x2, n2 - x2), 2, byrow = TRUE))$p.value,
#     minlike = sum(p[p < po & !tie]) + 0.5 * sum(p[tie]),
#     central = min(1, 2 * min(sum(p[k < x1]) + po / 2, sum(p[k > x1]) + po / 2)))
# }
# for (t in list(c(11, 27, 3, 26), c(9, 10, 3, 10), c(56, 70, 48, 80), c(2, 2, 2, 6)))
#   print(round(midp(t[1], t[2], t[3], t[4]), 10))
# ==== barnard.R ====
# # Independent hand enumeration of Barnard's test (pooled Wald z, two-sided),
# # tolerance 1e-7 relative on |z|, sup over pi by grid of 10001 + optimize().
# barnard <- function(x1, n1, x2, n2, tol = 1e-7) {
#   z <- function(a, b) {
#     p <- (a + b) / (n1 + n2); v <- p * (1 - p) * (1 / n1 + 1 / n2)
#     ifelse(v > 0, (a / n1 - b / n2) / sqrt(v), 0)
#   }
#   g <- expand.grid(a = 0:n1, b = 0:n2)
#   zz <- z(g$a, g$b); zo <- abs(z(x1, x2))
#   R <- g[abs(zz) >= zo * (1 - tol), ]
#   pr <- function(pi) sum(dbinom(R$a, n1, pi) * dbinom(R$b, n2, pi))
#   grid <- seq(0, 1, length.out = 10001); v <- sapply(grid, pr)
#   i <- which.max(v)
#   o <- optimize(pr, c(grid[max(i - 1, 1)], grid[min(i + 1, 10001)]),
#                 maximum = TRUE, tol = 1e-12)
#   max(v[i], o$objective)
# }
# cases <- list(
#   c(11, 27, 3, 26), c(2, 2, 2, 6), c(1, 2, 1, 3),
#   c(0, 2, 1, 5), c(9, 10, 3, 10), c(56, 70, 48, 80)
# )
# for (t in cases)
#   cat(sprintf("barnard(%d, %d, %d, %d) = %.10f\n", t[1], t[2], t[3], t[4],
#               barnard(t[1], t[2], t[3], t[4])))
# ==== boschloo.R ====
# # Independent enumeration of Boschloo's test: tables ordered by the one-sided
# # Fisher p (phyper), tolerance 1e-7 relative, sup over pi (grid 10001 + optimize),
# # two-sided = min(1, 2 * min(one-sided p)) (scipy's convention).
# sup_p <- function(inR, n1, n2) {
#   g <- expand.grid(a = 0:n1, b = 0:n2); R <- g[inR(g$a, g$b), ]
#   pr <- function(pi) sum(dbinom(R$a, n1, pi) * dbinom(R$b, n2, pi))
#   grid <- seq(0, 1, length.out = 10001); v <- sapply(grid, pr); i <- which.max(v)
#   o <- optimize(pr, c(grid[max(i - 1, 1)], grid[min(i + 1, 10001)]),
#                 maximum = TRUE, tol = 1e-12)
#   max(v[i], o$objective)
# }
# boschloo <- function(x1, n1, x2, n2, tol = 1e-7) {
#   less <- function(a, b) phyper(a, n1, n2, a + b)              # P(A <= a | margins)
#   greater <- function(a, b) phyper(a - 1, n1, n2, a + b, lower.tail = FALSE)
#   pl <- sup_p(function(a, b) less(a, b) <= less(x1, x2) * (1 + tol), n1, n2)
#   pg <- sup_p(function(a, b) greater(a, b) <= greater(x1, x2) * (1 + tol), n1, n2)
#   min(1, 2 * min(pl, pg))
# }
# cases <- list(
#   c(11, 27, 3, 26), c(9, 10, 3, 10), c(56, 70, 48, 80),
#   c(2, 2, 2, 6), c(1, 2, 1, 3), c(7, 12, 1, 11),
#   c(16, 27, 8, 26)
# )
# for (t in cases)
#   cat(sprintf("boschloo(%d, %d, %d, %d) = %.10f\n", t[1], t[2], t[3], t[4],
#               boschloo(t[1], t[2], t[3], t[4])))
# ==== mn.R ====
# # Independent Miettinen-Nurminen interval: restricted MLE by numerical
# # maximisation (optimize) of the binomial log-likelihood under p1 = p2 + d,
# # variance with N/(N-1), limits by uniroot. No closed-form cubic.
# mn <- function(x1, n1, x2, n2, level = 0.95) {
#   e <- x1 / n1 - x2 / n2; N <- n1 + n2; zc <- qnorm(1 - (1 - level) / 2)
#   z <- function(d) {
#     ll <- function(p2) { p1 <- p2 + d
#       dbinom(x1, n1, p1, log = TRUE) + dbinom(x2, n2, p2, log = TRUE) }
#     lo <- max(0, -d); hi <- min(1, 1 - d)
#     q2 <- optimize(ll, c(lo, hi), maximum = TRUE, tol = 1e-13)$maximum; q1 <- q2 + d
#     v <- (q1 * (1 - q1) / n1 + q2 * (1 - q2) / n2) * N / (N - 1)
#     (e - d) / sqrt(v)
#   }
#   lo <- if (e == -1) -1 else
#     uniroot(function(d) z(d) - zc, c(-1 + 1e-9, e - 1e-12), tol = 1e-12)$root
#   up <- if (e == 1) 1 else
#     uniroot(function(d) z(d) + zc, c(e + 1e-12, 1 - 1e-9), tol = 1e-12)$root
#   c(lower = lo, upper = up)
# }
# cases <- list(
#   c(56, 70, 48, 80), c(9, 10, 3, 10), c(10, 10, 0, 20),
#   c(11, 27, 3, 26), c(5, 56, 0, 29)
# )
# for (t in cases)
#   { r <- mn(t[1], t[2], t[3], t[4])
#     cat(sprintf("mn(%d, %d, %d, %d) = %.8f %.8f\n", t[1], t[2], t[3], t[4], r[1], r[2])) }


def test_unconditional_exact_tests_are_not_computed_for_huge_arms():
    # (n1 + 1)(n2 + 1) tables: 28 x 27 = 756 for the paper's 27 and 26 (computed);
    # 501 x 500 = 250,500 > EXACT_TABLES_MAX = 250,000 (not computed, with the reason)
    from ucmsc_repro.stats import small_sample as ss

    assert (27 + 1) * (26 + 1) <= ss.EXACT_TABLES_MAX < (500 + 1) * (499 + 1)
    for test in (ss.barnard_test, ss.boschloo_test):
        r = test(200, 500, 150, 499)
        assert math.isnan(r["pval"]) and "250,500 tables" in r["note"]
        assert math.isfinite(test(11, 27, 3, 26)["pval"])
