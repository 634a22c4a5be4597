"""Propensity score, balancing weights, weighted SMDs and weighted risks against R.

Reference values from R 4.x with ``sandwich`` 3.0-2 and ``survey`` 4.1-1 (Debian
packages r-cran-sandwich, r-cran-survey) on the data below; the script is
reproduced in the comments next to each value. Common setup in R:

    t  <- c(1,1,1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0)
    x1 <- c(30,25,41,19,35,28,44,22,31,38,27,33,20,24,18,29,26,21,35,23,19,30,22,25)
    x2 <- c(1,0,1,1,0,1,0,1,1,0,1,0,0,1,0,0,1,0,1,0,0,1,0,0)
    y  <- c(1,0,1,1,0,1,1,0,1,0,1,1,0,0,1,0,0,0,1,0,0,0,1,0)
    d <- data.frame(t, x1, x2, y)
    e <- fitted(glm(t ~ x1 + x2, family = binomial, data = d))
    w <- ifelse(t == 1, 1 - e, e)            # overlap
    w <- ifelse(t == 1, 1 / e, 1 / (1 - e))  # ipw
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from ucmsc_repro.stats import propensity as ps

T = [1] * 12 + [0] * 12
X1 = [
    30,
    25,
    41,
    19,
    35,
    28,
    44,
    22,
    31,
    38,
    27,
    33,
    20,
    24,
    18,
    29,
    26,
    21,
    35,
    23,
    19,
    30,
    22,
    25,
]
X2 = [1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0]
Y = [1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0]
D = pd.DataFrame({"t": T, "x1": X1, "x2": X2, "y": Y})

# R, per weighting (see the module docstring for w):
#   f  <- glm(y ~ t, weights = w, family = gaussian, data = d)
#   fr <- glm(y ~ t, weights = w, family = quasipoisson, data = d)
#   coef(f)[2]; sqrt(vcovHC(f, type = "HC0")[2, 2]); sqrt(vcovHC(f, type = "HC1")[2, 2])
#   SE(svyglm(y ~ t, design = svydesign(ids = ~1, weights = ~w, data = d)))[2]
#   coef(fr)[2]; sqrt(vcovHC(fr, type = "HC0")[2, 2])
#   sum(w[t == 1])^2 / sum(w[t == 1]^2); sum(w[t == 0])^2 / sum(w[t == 0]^2)
R_REF = {
    "overlap": {
        "rd": 0.309503565996,
        "se_hc0": 0.236965295313,
        "se_hc1": 0.247502178906,
        "se_svyglm": 0.242061906238,
        "log_rr": 0.767254823536,
        "log_rr_se_hc0": 0.688567624224,
        "ess1": 9.01277535946,
        "ess0": 8.31529946225,
        # (weighted.mean(x1[t==1], w[t==1]) - weighted.mean(x1[t==0], w[t==0])) /
        #   sqrt((var(x1[t==1]) + var(x1[t==0])) / 2); x2 with p (1 - p)
        "smd_x1": 2.20211641706e-12,
        "smd_x2": -4.23072288194e-13,
    },
    "ipw": {
        "rd": 0.228955663261,
        "se_hc0": 0.255065886245,
        "se_hc1": 0.26640762955,
        "se_svyglm": 0.260551801727,
        "log_rr": 0.477760320808,
        "log_rr_se_hc0": 0.595122135501,
        "ess1": 9.96185508878,
        "ess0": 7.42978704851,
        "smd_x1": 0.142330316307,
        "smd_x2": 0.00445191938713,
    },
}


@pytest.fixture(scope="module")
def fit():
    return ps.propensity_score(D, treatment="t", covariates=["x1", "x2"])


def _w(fit, kind):
    return ps.balancing_weights(fit["score"], D["t"], kind=kind)


def test_propensity_score_matches_r_glm_binomial(fit):
    # R: coef(glm(t ~ x1 + x2, family = binomial))
    #    -5.167557844265 0.170595258549 1.007110704680
    #    fitted(...)[1:3]  0.722603068074 0.288500811021 0.944483527137
    assert fit["score"][:3] == pytest.approx(
        [0.722603068074, 0.288500811021, 0.944483527137], rel=1e-7
    )
    assert fit["used"] == ["x1", "x2"] and fit["note"] == ""
    # R: mean(outer(e[t == 1], e[t == 0], function(a, b) (a > b) + 0.5 * (a == b)))
    assert fit["c_statistic"] == pytest.approx(0.805555555556, rel=1e-9)


@pytest.mark.parametrize("kind", ["overlap", "ipw"])
def test_weighted_smds_match_r(fit, kind):
    w = _w(fit, kind)
    assert ps.weighted_smd(D["x1"], D["t"], w) == pytest.approx(
        R_REF[kind]["smd_x1"], abs=1e-8
    )
    assert ps.weighted_smd(D["x2"], D["t"], w) == pytest.approx(
        R_REF[kind]["smd_x2"], abs=1e-8
    )


def test_unweighted_smd_matches_r():
    # R: (mean(x1[t==1]) - mean(x1[t==0])) / sqrt((var(x1[t==1]) + var(x1[t==0])) / 2)
    assert ps.weighted_smd(D["x1"], D["t"]) == pytest.approx(1.05441645757, rel=1e-9)


def test_overlap_weights_balance_the_model_covariates_exactly(fit):
    """Li, Morgan and Zaslavsky 2018: the logistic model's terms balance exactly."""
    tab = ps.balance_table(
        D, treatment="t", covariates=["x1", "x2"], weights={"overlap": _w(fit, "overlap")}
    )
    assert np.abs(tab["smd_overlap"]).max() < 1e-8
    assert list(tab.columns) == ["covariate", "smd_unweighted", "smd_overlap"]


@pytest.mark.parametrize("kind", ["overlap", "ipw"])
def test_weighted_effects_match_r_sandwich_and_survey(fit, kind):
    w, ref = _w(fit, kind), R_REF[kind]
    r = ps.weighted_effects(D["y"], D["t"], w)
    assert r["rd"] == pytest.approx(ref["rd"], rel=1e-9)
    assert r["rd_se"] == pytest.approx(ref["se_hc0"], rel=1e-7)
    assert np.log(r["rr"]) == pytest.approx(ref["log_rr"], rel=1e-7)
    assert r["log_rr_se"] == pytest.approx(ref["log_rr_se_hc0"], rel=1e-6)
    assert r["ess1"] == pytest.approx(ref["ess1"], rel=1e-9)
    assert r["ess0"] == pytest.approx(ref["ess0"], rel=1e-9)
    hc1 = ps.weighted_effects(D["y"], D["t"], w, cov_type="HC1")
    assert hc1["rd_se"] == pytest.approx(ref["se_hc1"], rel=1e-7)
    # svyglm's linearisation variance is HC0 times n / (n - 1)
    assert r["rd_se"] * np.sqrt(24 / 23) == pytest.approx(ref["se_svyglm"], rel=1e-7)


@pytest.mark.parametrize("kind", ["overlap", "ipw"])
def test_closed_form_risk_difference_equals_the_glm_sandwich(fit, kind):
    w = _w(fit, kind)
    rd, var = ps.weighted_risk_difference(np.asarray(Y, float), np.asarray(T, float), w)
    assert rd[0] == pytest.approx(R_REF[kind]["rd"], rel=1e-9)
    assert np.sqrt(var[0]) == pytest.approx(R_REF[kind]["se_hc0"], rel=1e-9)
    x = sm.add_constant(np.asarray(T, float))
    glm = sm.GLM(np.asarray(Y, float), x, var_weights=w).fit(cov_type="HC0")
    assert np.sqrt(var[0]) == pytest.approx(glm.bse[1], rel=1e-9)
    # two outcome columns at once give each column's own answer
    y2 = np.column_stack([Y, Y[::-1]]).astype(float)
    rd2, var2 = ps.weighted_risk_difference(y2, np.asarray(T, float), w)
    assert rd2[0] == pytest.approx(rd[0]) and var2[0] == pytest.approx(var[0])


def test_weights_by_hand():
    e = np.array([0.25, 0.6, 0.25, 0.6])
    a = np.array([1, 1, 0, 0])
    assert ps.balancing_weights(e, a).tolist() == [0.75, 0.4, 0.25, 0.6]
    assert ps.balancing_weights(e, a, kind="ipw") == pytest.approx(
        [4, 1 / 0.6, 1 / 0.75, 2.5]
    )
    with pytest.raises(ValueError, match="kind"):
        ps.balancing_weights(e, a, kind="atm")


def test_constant_covariate_is_dropped_and_said():
    d = D.assign(c=1.0)
    r = ps.propensity_score(d, treatment="t", covariates=["x1", "c"])
    assert r["dropped"] == ["c"] and r["used"] == ["x1"]
    assert np.isfinite(r["score"]).all()


def test_separation_is_flagged_in_words_not_raised():
    d = pd.DataFrame({"t": [1, 1, 1, 0, 0, 0], "x": [5.0, 6.0, 7.0, 1.0, 2.0, 3.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = ps.propensity_score(d, treatment="t", covariates=["x"])
    assert r["separated"] and "do not overlap" in r["note"]


def test_empty_arm_gives_no_score():
    d = pd.DataFrame({"t": [1, 1, 1], "x": [1.0, 2.0, 3.0]})
    r = ps.propensity_score(d, treatment="t", covariates=["x"])
    assert np.isnan(r["score"]).all() and "no participants" in r["note"]


def test_weighted_effects_degrade_without_events_or_arms():
    none = ps.weighted_effects([0, 0, 0, 0], [1, 1, 0, 0])
    assert none["rd"] == 0 and np.isnan(none["rd_pval"]) and np.isnan(none["rr"])
    assert "no variability" in none["note"] and "not defined" in none["note"]
    empty = ps.weighted_effects([1, 0], [1, 1])
    assert np.isnan(empty["rd"]) and "no participant" in empty["note"]


def test_effective_sample_size_by_hand():
    # (1 + 3)^2 / (1 + 9) = 1.6
    assert ps.effective_sample_size([1, 3]) == pytest.approx(1.6)
    assert np.isnan(ps.effective_sample_size([]))
