"""Tests of ucmsc_repro.synthetic.models: tuning covariates to the paper's models.

References: the Wald interval and p-value of a logistic coefficient (Agresti,
Categorical Data Analysis, 3rd ed., section 5.2: CI exp(b -/+ 1.96 SE), p =
2 P(Z > |b / SE|)), statsmodels' ``Logit`` as the independent maximum-likelihood
fit, and scipy's ``ttest_ind`` as the independent two-sample t statistic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from ucmsc_repro.reproduction.scorecard import round_half_up
from ucmsc_repro.synthetic.model_terms import (
    ReportedTerm,
    interval_center,
    model_frame,
    reported_term,
)
from ucmsc_repro.synthetic.surrogate import _logit_parts, _row_updates, _t_stat, _t_updates
from ucmsc_repro.synthetic.targets import load_targets


@pytest.mark.parametrize(
    ("odds_ratio", "pval"),
    [(4.38, 0.044), (1.26, 0.038), (0.99, 0.046)],  # the paper's Table S3 numbers
)
def test_interval_center_without_ci_gives_se_from_or_and_p(odds_ratio, pval):
    coef, se, slack = interval_center(ReportedTerm(odds_ratio, pval, 2, 3))
    # by hand: b = log(OR), SE = |b| / z with z the normal quantile of 1 - p/2
    z = stats.norm.isf(pval / 2)
    assert coef == pytest.approx(np.log(odds_ratio))
    assert se == pytest.approx(abs(np.log(odds_ratio)) / z)
    assert slack == 1.0


@pytest.mark.parametrize("term", ["fcp_pmol_l_0", "msc_cells_total"])
def test_interval_center_with_ci_rounds_to_all_four_printed_numbers(term):
    rep = reported_term(load_targets(), f"factors.stepwise.{term}")
    coef, se, slack = interval_center(rep)
    assert slack > 0
    z = stats.norm.isf(0.025)
    shown = {
        "or": (np.exp(coef), rep.odds_ratio),
        "ci_low": (np.exp(coef - z * se), rep.ci_low),
        "ci_high": (np.exp(coef + z * se), rep.ci_high),
    }
    for value, printed in shown.values():
        assert float(round_half_up(value, 3)) == printed
    assert float(round_half_up(2 * stats.norm.sf(abs(coef / se)), 3)) == rep.pval


def test_interval_center_reports_numbers_that_cannot_agree():
    # an OR of 2.00 cannot have the 95% CI 1.00-1.10: the CI must contain the OR
    _, _, slack = interval_center(ReportedTerm(2.0, 0.01, 2, 2, ci_low=1.0, ci_high=1.1))
    assert slack < 0


def _toy_logit(seed=0, n=40):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=n), rng.normal(50, 10, size=n)])
    y = (rng.random(n) < 0.4).astype(float)
    beta = np.asarray(sm.Logit(y, X).fit(disp=False).params)
    return X, y, beta


def test_logit_parts_at_the_mle_match_statsmodels():
    X, y, beta = _toy_logit()
    score, _, cov = _logit_parts(X, y, beta)
    fit = sm.Logit(y, X).fit(disp=False)
    assert np.abs(score).max() < 1e-6  # the likelihood equations hold at the MLE
    assert np.sqrt(np.diag(cov)) == pytest.approx(np.asarray(fit.bse), rel=1e-6)


def test_batched_row_updates_equal_recomputing_the_model():
    X, y, beta = _toy_logit(seed=1)
    score, info, _ = _logit_parts(X, y, beta)
    rows = np.array([0, 5, 5, 17])
    deltas = np.array([[0, 0.3, 0], [0, 0, -4.0], [0, 1.0, 2.0], [0, -0.2, 7.5]])
    s_new, se_new = _row_updates(X, y, beta, score, info, rows, deltas)
    for u, (r, d) in enumerate(zip(rows, deltas, strict=True)):
        X2 = X.copy()
        X2[r] += d
        s2, _, c2 = _logit_parts(X2, y, beta)
        assert s_new[u] == pytest.approx(s2)
        assert se_new[u] == pytest.approx(np.sqrt(np.diag(c2)))


def test_t_updates_equal_scipy_after_changing_one_value():
    rng = np.random.default_rng(2)
    f = rng.normal(200, 50, size=27)
    grp = np.zeros(27, dtype=bool)
    grp[:11] = True
    idx = np.arange(27)
    delta = np.full(27, 3.7)
    fast = _t_updates(f, grp, idx, delta)
    for i in idx:
        g = f.copy()
        g[i] += delta[i]
        assert fast[i] == pytest.approx(stats.ttest_ind(g[grp], g[~grp]).statistic)


@pytest.mark.parametrize("seed", [3, 4])
def test_t_stat_equals_scipy(seed):
    rng = np.random.default_rng(seed)
    f = rng.normal(200, 50, size=27)
    grp = rng.random(27) < 0.4
    assert _t_stat(f, grp) == pytest.approx(stats.ttest_ind(f[grp], f[~grp]).statistic)


def test_model_frame_derives_the_columns_as_the_analysis_does():
    b = pd.DataFrame(
        {
            "pp": [True, True, False],
            "arm": ["MSC", "control", "MSC"],
            "sex": ["M", "F", "F"],
            "age_years": [30.0, 12.0, 20.0],
            "duration_months": [6.0, 24.0, 1.0],
            "dka_at_onset": ["DK", "none", "DKA"],
            "bmi_kg_m2": [20.0, 16.0, 18.0],
            "hba1c0": [9.0, 10.0, 8.0],
            "fcp0": [200.0, 150.0, 120.0],
            "weight_kg": [60.5, 35.0, 50.0],
        }
    )
    d = model_frame(b, np.array([1.0, 0.0, np.nan]))
    assert len(d) == 2
    assert d["age_at_onset"].tolist() == [29.5, 10.0]  # age - duration / 12
    assert d["msc_cells_total"].iloc[0] == 121.0  # 2 infusions x 1.0e6/kg x 60.5 kg
    assert np.isnan(d["msc_cells_total"].iloc[1])
    assert d[["msc", "male", "dk_or_dka"]].values.tolist() == [[1, 1, 1], [0, 0, 0]]
