"""Dropout analyses of a binary endpoint: R references, hand computations, edge cases.

R outputs pasted beside the values; the R sources are at the end of this file
(R 4.2.2, mice 3.15.0).
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from ucmsc_repro.stats import imputation as mi
from ucmsc_repro.stats import missing_outcome as mo

# Lu et al. 2021: 11/27 MSC and 3/26 control remitters among completers;
# 5 MSC and 9 control participants discontinued (Results, first paragraph).
PAPER = {"x1": 11, "n1": 27, "d1": 5, "x2": 3, "n2": 26, "d2": 9}
ARGS = (11, 27, 5, 3, 26, 9)

# Rscript composite.R printed:
#   no dropout remits  11/32 vs 3/35: 0.0148667
#   best case          16/32 vs 3/35: 0.0002768936
#   worst case         11/32 vs 12/35: 1
#   all dropouts remit 16/32 vs 12/35: 0.2225421
#   grid cell (2, 3)   13/32 vs 6/35: 0.05619972
#   grid cell (2, 2)   13/32 vs 5/35: 0.02597279
#   significant cells: 25 of 60


def test_composite_counts_dropouts_as_non_remitters():
    r = mo.composite_failure(*ARGS)
    assert (r["events1"], r["n1"], r["events2"], r["n2"]) == (11, 32, 3, 35)
    assert r["risk_difference"] == pytest.approx(11 / 32 - 3 / 35)
    assert r["pval"] == pytest.approx(0.0148667, rel=1e-5)  # R fisher.test
    assert r["ci_low"] < r["risk_difference"] < r["ci_high"]


@pytest.mark.parametrize(
    ("scenario", "events1", "events2", "r_pval"),
    [
        ("best case", 16, 3, 0.0002768936),
        ("worst case", 11, 12, 1.0),
        ("all dropouts remit", 16, 12, 0.2225421),
        ("no dropout remits", 11, 3, 0.0148667),
    ],
)
def test_best_and_worst_case_match_r_fisher(scenario, events1, events2, r_pval):
    t = mo.best_worst_bounds(*ARGS).set_index("scenario")
    row = t.loc[scenario]
    assert (row.events1, row.n1, row.events2, row.n2) == (events1, 32, events2, 35)
    assert row.pval == pytest.approx(r_pval, rel=1e-5)
    assert row.significant == (r_pval < 0.05)


def test_tipping_grid_covers_every_split_and_matches_r():
    g = mo.tipping_point_grid(*ARGS)
    assert g.columns.tolist() == [
        "msc_dropouts_remitting",
        "control_dropouts_remitting",
        "msc_rate",
        "control_rate",
        "risk_difference",
        "pval",
        "significant",
    ]
    assert len(g) == 6 * 10
    assert int(g["significant"].sum()) == 25  # R: significant cells: 25 of 60
    cell = g.set_index(["msc_dropouts_remitting", "control_dropouts_remitting"])
    assert cell.loc[(2, 3), "pval"] == pytest.approx(0.05619972, rel=1e-5)
    assert cell.loc[(2, 2), "pval"] == pytest.approx(0.02597279, rel=1e-5)
    assert cell.loc[(5, 0), "pval"] == pytest.approx(0.0002768936, rel=1e-5)  # best case
    assert cell.loc[(0, 9), "pval"] == pytest.approx(1.0)  # worst case
    assert cell.loc[(2, 3), "msc_rate"] == pytest.approx(13 / 32)


def test_tipping_summary_by_hand():
    # Hand: MAR-like expectation 5 * 11/27 = 2.037 MSC and 9 * 3/26 = 1.038
    # control dropouts remitting; nearest cell (2, 1): 13/32 vs 4/35, significant.
    # Nearest non-significant cell: (2, 3), p = 0.0562 (R), distance
    # |2 - 2.037| + |3 - 1.038| = 0.037 + 1.962 = 1.9986: about two control
    # dropouts remitting beyond expectation remove significance.
    g = mo.tipping_point_grid(*ARGS)
    s = mo.tipping_point_summary(g, **PAPER)
    assert s["expected_msc"] == pytest.approx(55 / 27)
    assert s["expected_control"] == pytest.approx(27 / 26)
    assert s["pval_at_expected"] < 0.05
    assert s["distance"] == pytest.approx(abs(2 - 55 / 27) + abs(3 - 27 / 26))
    tp = s["tipping_points"]
    assert tp[["msc_dropouts_remitting", "control_dropouts_remitting"]].values.tolist() == [
        [2, 3]
    ]
    b = s["boundary"].set_index("msc_dropouts_remitting")
    assert b.loc[0, "min_control_remitting_nonsignificant"] == 2  # 11/32 vs 5/35
    assert s["share_significant"] == pytest.approx(25 / 60)


@pytest.mark.parametrize("test", ["mid-p", "barnard", "boschloo"])
def test_grid_accepts_other_tests(test):
    g = mo.tipping_point_grid(11, 27, 1, 3, 26, 1, test=test)
    assert len(g) == 4 and g["pval"].between(0, 1).all()


# Rscript pool_scalar.R printed:
#          qbar          ubar             b             t            df
#  0.3000000000  0.0110000000  0.0014500000  0.0127400000 34.8003031775
#             r           fmi
#  0.1581818182  0.1822610608
def test_rubin_pool_matches_hand_computation_and_r_pool_scalar():
    q = [0.30, 0.25, 0.35, 0.28, 0.32]
    u = [0.010, 0.012, 0.011, 0.009, 0.013]
    r = mi.rubin_pool(q, u, df_complete=50)
    # Hand: Qbar = 1.5/5 = 0.30; Ubar = 0.055/5 = 0.011; B = 0.0058/4 = 0.00145;
    # T = 0.011 + 1.2 * 0.00145 = 0.01274; lambda = 0.00174/0.01274 = 0.136578;
    # df_old = 4/lambda^2 = 214.44; df_obs = (51/53) 50 (1 - lambda) = 41.542;
    # df = 1/(1/214.44 + 1/41.542) = 34.80.
    lam = 0.00174 / 0.01274
    df_old, df_obs = 4 / lam**2, 51 / 53 * 50 * (1 - lam)
    assert r["estimate"] == pytest.approx(0.30)
    assert r["within"] == pytest.approx(0.011)
    assert r["between"] == pytest.approx(0.00145)
    assert r["se"] ** 2 == pytest.approx(0.01274)
    assert r["lambda"] == pytest.approx(lam)
    assert r["df"] == pytest.approx(1 / (1 / df_old + 1 / df_obs))
    # R mice::pool.scalar(Q, U, n = 52, k = 2)
    assert r["df"] == pytest.approx(34.8003031775, rel=1e-9)
    assert r["riv"] == pytest.approx(0.1581818182, rel=1e-9)
    assert r["fmi"] == pytest.approx(0.1822610608, rel=1e-9)


def test_rubin_pool_without_between_variance_uses_complete_data_df():
    r = mi.rubin_pool([0.2, 0.2, 0.2], [0.01, 0.01, 0.01], df_complete=40)
    assert r["between"] == 0 and r["df"] == 40 and r["lambda"] == 0


@pytest.mark.parametrize(("q", "u"), [([0.1], [0.01]), ([0.1, np.nan], [0.01, 0.01])])
def test_rubin_pool_degenerate_input_gives_nan_and_note(q, u):
    r = mi.rubin_pool(q, u)
    assert math.isnan(r["estimate"]) and r["note"]


def deterministic_trial() -> pd.DataFrame:
    """The data set of mice_check.R, by the same formulas (i = 1..60)."""
    i = np.arange(1, 61)
    arm = (i % 2 == 1).astype(float)
    x = ((i * 37) % 23) / 23 * 10
    y = (((i * 17) % 10) < (3 + 3 * arm + (x > 5))).astype(float)
    y[(i * 7) % 5 == 0] = np.nan
    return pd.DataFrame(
        {"arm": np.where(arm == 1, "MSC", "control"), "remission": y, "x": x}
    )


def test_deterministic_trial_matches_the_r_data_set():
    # R: complete cases: MSC 12 / 24  control 6 / 24  missing 12
    d = deterministic_trial()
    known = d.dropna()
    assert known.groupby("arm")["remission"].agg(["sum", "size"]).to_dict() == {
        "sum": {"MSC": 12.0, "control": 6.0},
        "size": {"MSC": 24, "control": 24},
    }
    assert d["remission"].isna().sum() == 12


# Rscript mice_check.R (mice(d, m = 1000, method = c("logreg", "", ""), maxit = 1,
# seed = 2021); pool(with(imp, glm(y ~ arm, family = binomial)))) printed:
#   term estimate std.error statistic      df   p.value     2.5 %  97.5 %
# 2  arm  1.10386    0.6212   1.77698 45.5706 0.0822462 -0.146867 2.35459
#   estimate     ubar        b        t dfcom      df     riv   lambda     fmi
# 2  1.10386 0.313968 0.071849 0.385889    58 45.5706 0.22907 0.186377 0.21988
#   (risk difference, pool(with(imp, lm(I(as.numeric(y) - 1) ~ arm)))): 0.2497
# The same script with seed = 1 and seed = 2 (mice_seeds.R: the mice() call in a
# loop over SEED) printed, for the log OR:
#   seed 1: estimate 1.09465 se 0.623058 df 45.2391 p 0.0857007 b 0.0745469 fmi 0.225714
#   seed 2: estimate 1.08763 se 0.62792  df 44.4318 p 0.09019   b 0.0813231 fmi 0.239922
#   (risk difference by lm: 0.247733 and 0.246433)
# Python (augmentation as mice:::augment), seed 2021: m = 1000: log OR 1.0932
# (se 0.6281, df 44.6, p 0.0887, fmi 0.238), RD 0.2472; m = 200: log OR 1.0975
# (se 0.6202, df 45.3, p 0.0835, fmi 0.220), RD 0.2488. All within the spread of
# R's own seeds.
#
# Expected agreement: the two use different random numbers, so the pooled
# estimates differ by Monte-Carlo error, sqrt(B/m) per program: about
# sqrt(0.072/200) = 0.019 (Python, m = 200) and 0.0085 (R, m = 1000) for the
# log OR, 0.021 combined; the tolerance 0.07 is about 3.3 combined SEs. B itself
# has relative MC error sqrt(2/(m - 1)), 10% at m = 200, hence the loose
# tolerances on se, df and fmi. The complete-data parts (Ubar, dfcom = 58) must
# agree closely.
def test_multiple_imputation_agrees_with_r_mice_within_monte_carlo_error():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = mi.multiple_imputation_remission(
            deterministic_trial(), covariates=["x"], m=200, seed=2021
        ).set_index("measure")
    lor, rd = r.loc["log odds ratio"], r.loc["risk difference"]
    assert lor.estimate == pytest.approx(1.10386, abs=0.07)
    assert lor.se == pytest.approx(0.6212, abs=0.03)
    assert lor.pval == pytest.approx(0.0822462, abs=0.03)
    assert lor.fmi == pytest.approx(0.21988, abs=0.07)
    assert lor.df == pytest.approx(45.5706, abs=6)
    assert rd.estimate == pytest.approx(0.2497, abs=0.02)
    assert rd.mc_se_pval < 0.01 and lor.mc_se_estimate < 0.03


def test_multiple_imputation_is_reproducible_with_a_seed():
    d = deterministic_trial()
    a = mi.multiple_imputation_remission(d, covariates=["x"], m=20, seed=7)
    b = mi.multiple_imputation_remission(d, covariates=["x"], m=20, seed=7)
    c = mi.multiple_imputation_remission(d, covariates=["x"], m=20, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert a["estimate"].iloc[0] != c["estimate"].iloc[0]


def test_no_missing_outcome_reproduces_the_complete_data_analysis():
    d = deterministic_trial().dropna()
    r = mi.multiple_imputation_remission(d, covariates=["x"], m=5, seed=1)
    rd = r.set_index("measure").loc["risk difference"]
    # Hand: 12/24 - 6/24 = 0.25, Wald variance 0.5*0.5/24 + 0.25*0.75/24
    assert rd.estimate == pytest.approx(0.25)
    assert rd.se == pytest.approx(math.sqrt(0.25 / 24 + 0.1875 / 24))
    assert rd.fmi == pytest.approx(0.0, abs=1e-12) or rd.riv == 0
    assert rd.df == len(d) - 2


def test_perfect_prediction_and_zero_cells_do_not_warn():
    # x separates the outcome perfectly and the control arm has no remitter.
    d = pd.DataFrame(
        {
            "arm": ["MSC"] * 6 + ["control"] * 6,
            "remission": [1, 1, 1, 0, None, None, 0, 0, 0, 0, None, 0],
            "x": [5, 6, 7, 1, 6, 2, 1, 2, 1, 2, 1, 2],
            "sex": list("MFMFMFMFMFMF"),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = mi.multiple_imputation_remission(d, covariates=["x", "sex"], m=30, seed=3)
    assert r["estimate"].notna().all()
    assert "0.5 added" in r.set_index("measure").loc["log odds ratio", "note"]


def test_constant_or_collinear_covariates_are_dropped_without_a_warning():
    # Nobody responded at month 3 (a constant column) and a covariate that is
    # twice another: statsmodels warned "design matrix is rank-deficient".
    # Dropping them must give exactly the imputation without them (same draws).
    base = pd.DataFrame(
        {
            "arm": ["MSC"] * 6 + ["control"] * 6,
            "remission": [1, 0, 1, 0, None, None, 0, 0, 1, 0, None, 0],
            "bmi": [20, 22, 19, 25, 21, 23, 18, 24, 22, 20, 19, 21],
        }
    )
    wide = base.assign(early=0.0, bmi2=2 * base["bmi"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = mi.multiple_imputation_remission(
            wide, covariates=["bmi", "early", "bmi2"], m=20, seed=5
        )
    ref = mi.multiple_imputation_remission(base, covariates=["bmi"], m=20, seed=5)
    assert r["estimate"].tolist() == ref["estimate"].tolist()


@pytest.mark.parametrize(
    "remission",
    [
        [None, None, None, 1, 0, 1],  # MSC arm has no known outcome
        [1, 0, 1, 1, 0, 1],  # nothing missing: still fine
    ],
)
def test_arm_without_known_outcome_gives_nan_and_a_note(remission):
    d = pd.DataFrame({"arm": ["MSC"] * 3 + ["control"] * 3, "remission": remission})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = mi.multiple_imputation_remission(d, m=5, seed=1)
    if remission[0] is None:
        assert r["estimate"].isna().all()
        assert r["note"].str.contains("no participant with a known outcome").all()
    else:
        assert r["estimate"].notna().all()


def test_empty_arm_in_frame_gives_nan_and_a_note():
    d = pd.DataFrame({"arm": ["MSC"] * 3, "remission": [1, None, 0]})
    r = mi.multiple_imputation_remission(d, m=5, seed=1)
    assert r["estimate"].isna().all() and r["note"].str.contains("no participants").all()


@pytest.mark.parametrize(
    "args",
    [
        (0, 0, 0, 3, 26, 9),  # nobody enrolled in arm 1
        (0, 0, 4, 3, 26, 9),  # arm 1: only dropouts
        (0, 10, 0, 0, 10, 0),  # no events, no dropouts
        (10, 10, 2, 10, 10, 2),  # all remit
    ],
)
def test_counting_analyses_degenerate_counts_no_warning(args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c = mo.composite_failure(*args)
        b = mo.best_worst_bounds(*args)
        g = mo.tipping_point_grid(*args)
        s = mo.tipping_point_summary(
            g, **dict(zip(["x1", "n1", "d1", "x2", "n2", "d2"], args, strict=True))
        )
    if args[1] + args[2] == 0:
        assert math.isnan(c["pval"]) and "no participants" in c["note"]
        assert b["pval"].isna().all() and not b["significant"].any()
        assert g["pval"].isna().all()
        assert s["note"] == "no grid cell could be tested"
    else:
        assert 0 <= c["pval"] <= 1
        assert g["pval"].notna().all()


def test_only_dropouts_in_an_arm_cannot_be_imputed_from_its_completers():
    # n1 = 0 completers: no MAR-like expectation; the grid still tests the splits.
    g = mo.tipping_point_grid(0, 0, 4, 3, 26, 9)
    s = mo.tipping_point_summary(g, x1=0, n1=0, d1=4, x2=3, n2=26, d2=9)
    assert g["pval"].notna().all()
    assert math.isnan(s["expected_msc"]) and "no completer" in s["note"]


# ---- R sources (run as `Rscript <name>.R`, R 4.2.2, mice 3.15.0) ----
# ==== composite.R ====
# # Fisher p of the dropout scenarios of 11/27 (+5 dropouts) vs 3/26 (+9 dropouts)
# f <- function(a, n1, b, n2)
#   fisher.test(matrix(c(a, n1 - a, b, n2 - b), 2, byrow = TRUE))$p.value
# cat("no dropout remits  11/32 vs 3/35:", f(11, 32, 3, 35), "\n")
# cat("best case          16/32 vs 3/35:", f(16, 32, 3, 35), "\n")
# cat("worst case         11/32 vs 12/35:", f(11, 32, 12, 35), "\n")
# cat("all dropouts remit 16/32 vs 12/35:", f(16, 32, 12, 35), "\n")
# cat("grid cell (2, 3)   13/32 vs 6/35:", f(13, 32, 6, 35), "\n")
# cat("grid cell (2, 2)   13/32 vs 5/35:", f(13, 32, 5, 35), "\n")
# g <- outer(0:5, 0:9, Vectorize(function(i, j) f(11 + i, 32, 3 + j, 35)))
# cat("significant cells:", sum(g < 0.05), "of", length(g), "\n")
# ==== pool_scalar.R ====
# suppressMessages(library(mice))
# r <- pool.scalar(Q = c(0.30, 0.25, 0.35, 0.28, 0.32),
#                  U = c(0.010, 0.012, 0.011, 0.009, 0.013),
#                  n = 52, k = 2)
# print(unlist(r[c("qbar", "ubar", "b", "t", "df", "r", "fmi")]), digits = 10)
# ==== mice_check.R ====
# # Deterministic data set (same formulas in tests/stats/test_missing_outcome.py),
# # imputed by mice "logreg" and pooled by Rubin's rules.
# suppressMessages(library(mice))
# i <- 1:60
# arm <- as.numeric(i %% 2 == 1)
# x <- ((i * 37) %% 23) / 23 * 10
# y <- as.numeric(((i * 17) %% 10) < (3 + 3 * arm + (x > 5)))
# y[(i * 7) %% 5 == 0] <- NA
# d <- data.frame(y = factor(y), arm = arm, x = x)
# cat("complete cases: MSC", sum(y[arm == 1], na.rm = TRUE), "/", sum(!is.na(y[arm == 1])),
#     " control", sum(y[arm == 0], na.rm = TRUE), "/", sum(!is.na(y[arm == 0])),
#     " missing", sum(is.na(y)), "\n")
# imp <- mice(d, m = 1000, method = c("logreg", "", ""), maxit = 1, seed = 2021,
#             printFlag = FALSE)
# fit <- with(imp, glm(y ~ arm, family = binomial))
# p <- pool(fit)
# print(summary(p, conf.int = TRUE)[2, ], digits = 6)
# print(p$pooled[2, c("estimate", "ubar", "b", "t", "dfcom", "df", "riv", "lambda", "fmi")],
#       digits = 6)
# rd <- with(imp, lm(I(as.numeric(y) - 1) ~ arm))
# print(summary(pool(rd))[2, c("term", "estimate")], digits = 6)
# ==== mice_seeds.R ====
# # Deterministic data set (same formulas in tests/stats/test_missing_outcome.py),
# # imputed by mice "logreg" and pooled by Rubin's rules.
# suppressMessages(library(mice))
# i <- 1:60
# arm <- as.numeric(i %% 2 == 1)
# x <- ((i * 37) %% 23) / 23 * 10
# y <- as.numeric(((i * 17) %% 10) < (3 + 3 * arm + (x > 5)))
# y[(i * 7) %% 5 == 0] <- NA
# d <- data.frame(y = factor(y), arm = arm, x = x)
# cat("complete cases: MSC", sum(y[arm == 1], na.rm = TRUE), "/", sum(!is.na(y[arm == 1])),
#     " control", sum(y[arm == 0], na.rm = TRUE), "/", sum(!is.na(y[arm == 0])),
#     " missing", sum(is.na(y)), "\n")
# for (SEED in c(1, 2)) {
#   cat("seed", SEED, "\n")
#   imp <- mice(d, m = 1000, method = c("logreg", "", ""), maxit = 1, seed = SEED,
#               printFlag = FALSE)
#   fit <- with(imp, glm(y ~ arm, family = binomial))
#   p <- pool(fit)
#   print(summary(p, conf.int = TRUE)[2, ], digits = 6)
#   print(p$pooled[2, c("estimate", "ubar", "b", "t", "dfcom", "df", "riv", "lambda", "fmi")],  # noqa: E501
#         digits = 6)
#   rd <- with(imp, lm(I(as.numeric(y) - 1) ~ arm))
#   print(summary(pool(rd))[2, c("term", "estimate")], digits = 6)
# }


def test_tipping_grid_of_many_dropouts_is_coarse_and_keeps_its_corners():
    # 100 MSC dropouts: 41 evenly spaced splits 0, 2.5 -> 2 (round half even), 5, ...,
    # 100; 3 control dropouts: every split 0..3. Each cell is the Fisher test of the
    # completed table, e.g. (i, j) = (100, 3): 111/127 against 6/29.
    from ucmsc_repro.stats.missing_outcome import GRID_STEPS, tipping_point_grid
    from ucmsc_repro.stats.small_sample import fisher_test

    g = tipping_point_grid(11, 27, 100, 3, 26, 3)
    msc = sorted(g["msc_dropouts_remitting"].unique())
    assert len(msc) == GRID_STEPS + 1 and msc[0] == 0 and msc[-1] == 100
    assert msc[:3] == [0, 2, 5]
    assert sorted(g["control_dropouts_remitting"].unique()) == [0, 1, 2, 3]
    corner = g.set_index(["msc_dropouts_remitting", "control_dropouts_remitting"])
    assert corner.loc[(100, 3), "pval"] == fisher_test(111, 127, 6, 29)["pval"]
