"""Tests of ucmsc_repro.stats.logistic against independent references.

References used (the source is written next to each number):

* the 2x2-table identities of logistic regression with one binary covariate
  (OR = ad/bc, Wald SE = sqrt(1/a + 1/b + 1/c + 1/d), intercept = log(c/d)),
  computed by hand in the tests (Agresti, Categorical Data Analysis, 3rd ed.,
  sections 3.1 and 5.1);
* the score test for one term added to the intercept-only model equals
  Pearson's chi-square of the 2x2 table (binary term) and n * r^2 (continuous
  term, the Cochran-Armitage trend statistic) (Agresti, section 5.3 and 3.4.6);
* the Spector and Mazzeo (1980) data shipped with statsmodels and the logit fit
  printed by Stata 11 (statsmodels' test results, also Greene, Econometric
  Analysis, table of the logit model of GRADE on GPA, TUCE, PSI);
* constructed data sets where the right forward selection is known.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from ucmsc_repro.core.exceptions import ModelFitError
from ucmsc_repro.stats import logistic as lg

Z975 = 1.959963984540054  # standard normal 97.5% quantile (printed normal tables: 1.95996)


def table_frame(a: int, b: int, c: int, d: int) -> pd.DataFrame:
    """Rows of a 2x2 table: x = 1 has a events and b non-events, x = 0 has c and d."""
    x = [1] * (a + b) + [0] * (c + d)
    y = [1] * a + [0] * b + [1] * c + [0] * d
    return pd.DataFrame({"y": y, "x": x})


TABLES = [
    # (a, b, c, d): the paper's remission table (MSC 11/27, control 3/26) and two others
    (11, 16, 3, 23),
    (10, 5, 4, 12),
    (7, 3, 2, 8),
]


@pytest.mark.parametrize("a,b,c,d", TABLES)
def test_logit_with_one_binary_covariate_matches_the_2x2_table(a, b, c, d):
    # Wald test, two-sided; n = a + b + c + d (53, 31, 20)
    t = lg.logit_table(table_frame(a, b, c, d), outcome="y", covariates=["x"])
    row = t.set_index("term").loc["x"]
    or_hand = (a * d) / (b * c)  # cross-product ratio
    se_hand = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)  # Woolf's SE of log OR
    assert row["odds_ratio"] == pytest.approx(or_hand, rel=1e-8)
    assert row["se"] == pytest.approx(se_hand, rel=1e-6)
    assert row["ci_low"] == pytest.approx(math.exp(math.log(or_hand) - Z975 * se_hand))
    assert row["ci_high"] == pytest.approx(math.exp(math.log(or_hand) + Z975 * se_hand))
    z_hand = math.log(or_hand) / se_hand
    assert row["z"] == pytest.approx(z_hand, rel=1e-6)
    assert row["pval"] == pytest.approx(2 * stats.norm.sf(abs(z_hand)), rel=1e-6)
    const = t.set_index("term").loc["const"]
    assert const["coef"] == pytest.approx(math.log(c / d), rel=1e-8)  # log odds, x = 0
    assert int(row["n"]) == a + b + c + d
    assert int(row["events"]) == a + c


def test_paper_remission_table_gives_odds_ratio_253_over_48():
    # hand: (11 * 23) / (16 * 3) = 253 / 48 = 5.2708333...; n = 53
    t = lg.logit_table(table_frame(11, 16, 3, 23), outcome="y", covariates=["x"])
    assert float(t.loc[1, "odds_ratio"]) == pytest.approx(5.2708333333, rel=1e-8)


def test_confidence_level_follows_alpha():
    # Wald CI at 90%: exp(log OR -/+ 1.644854 * SE); n = 53
    t = lg.logit_table(
        table_frame(11, 16, 3, 23), outcome="y", covariates=["x"], alpha=0.10
    )
    se = math.sqrt(1 / 11 + 1 / 16 + 1 / 3 + 1 / 23)
    z95 = 1.6448536269514722  # normal 95% quantile (tables: 1.64485)
    assert float(t.loc[1, "ci_low"]) == pytest.approx(
        math.exp(math.log(253 / 48) - z95 * se)
    )


def test_spector_logit_matches_stata_output():
    # Spector & Mazzeo (1980), n = 32; reference: Stata 11 as stored in statsmodels'
    # discrete/tests/results/results_discrete.py (class Spector, logit); the same
    # estimates are printed in Greene, Econometric Analysis (logit of GRADE).
    data = sm.datasets.spector.load_pandas()
    d = data.exog.assign(GRADE=data.endog)
    t = lg.logit_table(d, outcome="GRADE", covariates=["GPA", "TUCE", "PSI"])
    t = t.set_index("term")
    stata_coef = {"GPA": 2.82611297201, "TUCE": 0.0951576702557, "PSI": 2.37868772835}
    stata_se = {"GPA": 1.26294114526, "TUCE": 0.141554207662, "PSI": 1.06456430165}
    stata_z = {"GPA": 2.237723415, "TUCE": 0.6722348408, "PSI": 2.234423721}
    for term in stata_coef:
        assert t.loc[term, "coef"] == pytest.approx(stata_coef[term], rel=1e-6)
        assert t.loc[term, "se"] == pytest.approx(stata_se[term], rel=1e-5)
        assert t.loc[term, "z"] == pytest.approx(stata_z[term], rel=1e-5)
    assert t.loc["const", "coef"] == pytest.approx(-13.0213483201, rel=1e-6)
    assert int(t["n"].iloc[0]) == 32


def test_spector_likelihood_ratio_matches_stata():
    # Stata 11: llf = -12.8896334653335, llnull = -20.5917296966173,
    # LR chi2(3) = 15.4041924625676, p = 0.00150187761112892 (n = 32). Stata stops
    # its iterations at a looser tolerance (its llf differs from the maximum in the
    # 7th digit), hence abs=1e-5.
    data = sm.datasets.spector.load_pandas()
    d = data.exog.assign(GRADE=data.endog)
    full = lg.fit_logit(d, outcome="GRADE", covariates=["GPA", "TUCE", "PSI"])
    null = lg.fit_logit(d, outcome="GRADE", covariates=[])
    assert full.llf == pytest.approx(-12.8896334653335, abs=1e-5)
    assert null.llf == pytest.approx(-20.5917296966173, abs=1e-8)
    lr = lg.lr_test(full, null)
    assert lr["statistic"] == pytest.approx(15.4041924625676, abs=2e-5)
    assert lr["dof"] == 3
    assert lr["pval"] == pytest.approx(0.00150187761112892, rel=1e-5)


@pytest.mark.parametrize("a,b,c,d", TABLES)
def test_lr_statistic_equals_hand_computed_g2_of_the_2x2_table(a, b, c, d):
    # LR chi-square, 1 df; n = a + b + c + d. Hand: the saturated model's log-
    # likelihood uses the row proportions, the null model's the overall proportion.
    n, e = a + b + c + d, a + c
    ll1 = (
        a * math.log(a / (a + b))
        + b * math.log(b / (a + b))
        + c * math.log(c / (c + d))
        + d * math.log(d / (c + d))
    )
    ll0 = e * math.log(e / n) + (n - e) * math.log((n - e) / n)
    df = table_frame(a, b, c, d)
    full = lg.fit_logit(df, outcome="y", covariates=["x"])
    null = lg.fit_logit(df, outcome="y", covariates=[])
    assert full.llf == pytest.approx(ll1, rel=1e-9)
    assert null.llf == pytest.approx(ll0, rel=1e-9)
    lr = lg.lr_test(full, null)
    assert lr["statistic"] == pytest.approx(2 * (ll1 - ll0), rel=1e-8)
    assert lr["pval"] == pytest.approx(stats.chi2.sf(2 * (ll1 - ll0), 1), rel=1e-8)


@pytest.mark.parametrize("a,b,c,d", TABLES)
def test_score_test_of_binary_term_equals_pearson_chi_square(a, b, c, d):
    # score chi-square, 1 df; n = a + b + c + d. Hand: N (ad - bc)^2 / (r1 r2 c1 c2)
    n = a + b + c + d
    pearson = n * (a * d - b * c) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    s = lg.score_test(table_frame(a, b, c, d), outcome="y", added="x")
    assert s["statistic"] == pytest.approx(pearson, rel=1e-9)
    assert s["pval"] == pytest.approx(stats.chi2.sf(pearson, 1), rel=1e-9)
    assert s["dof"] == 1
    assert s["n"] == n


def test_score_test_for_the_paper_table_is_5_811():
    # hand: 53 * (11*23 - 16*3)^2 / (27 * 26 * 14 * 39) = 53 * 42025 / 383292
    # = 2227325 / 383292 = 5.81103...; n = 53
    s = lg.score_test(table_frame(11, 16, 3, 23), outcome="y", added="x")
    assert s["statistic"] == pytest.approx(2227325 / 383292, rel=1e-9)


def test_score_test_of_continuous_term_equals_n_times_r_squared():
    # score chi-square, 1 df, n = 8. Hand: x = 1..8, y = 0,0,1,0,1,0,1,1;
    # mean x = 4.5, mean y = 0.5, Sxy = sum (x - 4.5)(y - 0.5)
    # = 1.75 + 1.25 - 0.75 + 0.25 + 0.25 - 0.75 + 1.25 + 1.75 = 5.0,
    # Sxx = 42, Syy = 2, r^2 = 25 / 84, n r^2 = 8 * 25 / 84 = 2.3809524...
    d = pd.DataFrame({"x": np.arange(1.0, 9.0), "y": [0, 0, 1, 0, 1, 0, 1, 1]})
    s = lg.score_test(d, outcome="y", added="x")
    assert s["statistic"] == pytest.approx(8 * 25 / 84, rel=1e-9)


def test_score_test_with_adjustment_agrees_with_statsmodels_score_test():
    # score chi-square, 1 df, n = 32 (Spector data); independent implementation:
    # statsmodels LogitResults.score_test(exog_extra=...)
    data = sm.datasets.spector.load_pandas()
    d = data.exog.assign(GRADE=data.endog)
    ours = lg.score_test(d, outcome="GRADE", covariates=["GPA", "TUCE"], added="PSI")
    restricted = sm.Logit(d["GRADE"], sm.add_constant(d[["GPA", "TUCE"]])).fit(disp=0)
    ref = restricted.score_test(exog_extra=d[["PSI"]])
    assert ours["statistic"] == pytest.approx(float(np.ravel(ref.statistic)[0]), rel=1e-8)
    assert ours["n"] == 32


def test_score_test_of_two_terms_has_two_degrees_of_freedom():
    data = sm.datasets.spector.load_pandas()
    d = data.exog.assign(GRADE=data.endog)
    ours = lg.score_test(d, outcome="GRADE", covariates=["GPA"], added=["TUCE", "PSI"])
    restricted = sm.Logit(d["GRADE"], sm.add_constant(d[["GPA"]])).fit(disp=0)
    ref = restricted.score_test(exog_extra=d[["TUCE", "PSI"]])
    assert ours["dof"] == 2
    assert ours["statistic"] == pytest.approx(float(np.ravel(ref.statistic)[0]), rel=1e-8)


# --- degenerate fits -----------------------------------------------------------


@pytest.mark.parametrize(
    "frame,covariates,match",
    [
        # complete separation: y = 1 exactly when x > 0
        (
            pd.DataFrame({"y": [0, 0, 0, 1, 1, 1], "x": [-3, -2, -1, 1, 2, 3]}),
            ["x"],
            "separat",
        ),
        # quasi-complete separation: a zero cell in the 2x2 table (x = 1: 4 events, 0 non)
        (table_frame(4, 0, 3, 5), ["x"], "separat"),
        # a single outcome value
        (pd.DataFrame({"y": [1, 1, 1, 1], "x": [1, 2, 3, 4]}), ["x"], "single value"),
        # collinear covariates
        (
            pd.DataFrame({"y": [0, 1, 0, 1, 1, 0], "x": [1, 2, 3, 4, 5, 6]}).assign(
                x2=lambda f: 2 * f["x"]
            ),
            ["x", "x2"],
            "collinear",
        ),
        # more parameters than cases
        (pd.DataFrame({"y": [0, 1], "x": [1, 2]}), ["x"], "2 complete cases"),
    ],
)
def test_degenerate_data_raise_model_fit_error(frame, covariates, match):
    with pytest.raises(ModelFitError, match=match):
        lg.logit_table(frame, outcome="y", covariates=covariates)


def test_outcome_not_coded_0_1_is_refused():
    with pytest.raises(ModelFitError, match="0/1"):
        lg.logit_table(
            pd.DataFrame({"y": [0, 2, 1], "x": [1, 2, 3]}), outcome="y", covariates=["x"]
        )


def test_missing_values_are_dropped_listwise():
    d = table_frame(10, 5, 4, 12)
    d.loc[0, "x"] = np.nan
    d["extra"] = 1.0
    t = lg.logit_table(d, outcome="y", covariates=["x"])
    assert int(t["n"].iloc[0]) == 30
    assert int(t["events"].iloc[0]) == 13


# --- forward stepwise ----------------------------------------------------------


def orthogonal_copies(base: pd.DataFrame, names) -> pd.DataFrame:
    """Every row of ``base`` repeated with each +/-1 combination of ``names``.

    A +/-1 column balanced within every base row is orthogonal to everything:
    in any model without it, the fitted probabilities of the copies are equal,
    so its score U = sum x (y - p) is exactly 0 and its coefficient is 0.
    """
    out = base
    for name in names:
        out = pd.concat([out.assign(**{name: 1.0}), out.assign(**{name: -1.0})])
    return out.reset_index(drop=True)


def test_stepwise_enters_the_associated_term_and_not_an_orthogonal_one():
    # 2x2 table (10, 5, 4, 12) copied twice with noise = +/-1 (n = 62). Known answer:
    # x enters with score = Pearson chi-square of the doubled table; noise has score 0.
    d = orthogonal_copies(table_frame(10, 5, 4, 12), ["noise"])
    sw = lg.forward_stepwise(d, outcome="y", candidates=("noise", "x"))
    assert sw.selected == ("x",)
    a, b, c, dd = 20, 10, 8, 24  # doubled table
    n = a + b + c + dd
    pearson = n * (a * dd - b * c) ** 2 / ((a + b) * (c + dd) * (a + c) * (b + dd))
    entry = sw.steps.loc[sw.steps["action"] == "enter"].iloc[0]
    assert entry["term"] == "x"
    assert entry["statistic"] == pytest.approx(pearson, rel=1e-9)
    assert sw.not_selected.set_index("term").loc["noise", "statistic"] == pytest.approx(
        0.0, abs=1e-9
    )
    final = sw.final.set_index("term")
    assert final.loc["x", "odds_ratio"] == pytest.approx((a * dd) / (b * c), rel=1e-8)
    assert sw.n == 62 and sw.events == 28


def test_forced_terms_stay_and_are_adjusted_for():
    # forced f = +/-1 orthogonal (n = 124): f stays with OR exactly 1, x's OR is the
    # table's cross-product ratio 10*12/(5*4) = 6, and x's entry score is still Pearson's.
    d = orthogonal_copies(table_frame(10, 5, 4, 12), ["noise", "f"])
    sw = lg.forward_stepwise(d, outcome="y", candidates=("noise", "x"), forced=("f",))
    assert sw.selected == ("x",)
    final = sw.final.set_index("term")
    assert list(final.index) == ["const", "f", "x"]
    assert final.loc["f", "odds_ratio"] == pytest.approx(1.0, abs=1e-9)
    assert final.loc["x", "odds_ratio"] == pytest.approx(6.0, rel=1e-8)
    forced_rows = sw.steps.loc[sw.steps["action"] == "forced"]
    assert forced_rows["term"].tolist() == ["f"]


def test_nothing_enters_when_no_score_p_is_below_entry_p():
    d = orthogonal_copies(table_frame(10, 5, 4, 12), ["noise"])
    # hand: Pearson chi2 of the doubled table (20, 10, 8, 24) is
    # 62 * (20*24 - 10*8)^2 / (30 * 32 * 28 * 34) = 9920000 / 913920 = 10.854,
    # p = 0.00099 (chi-square table, 1 df), above entry_p = 0.0005
    sw = lg.forward_stepwise(
        d, outcome="y", candidates=("noise", "x"), entry_p=0.0005, removal_p=0.01
    )
    assert sw.selected == ()
    assert list(sw.final["term"]) == ["const"]


def _removal_data() -> pd.DataFrame:
    # Constructed correlated candidates where SPSS's rule enters c, b, a and then
    # removes b (found by search over seeds; the test re-derives every decision).
    rng = np.random.default_rng(11)
    n = 80
    z = rng.normal(size=(n, 3))
    m = rng.normal(size=(3, 3))
    x = z @ m
    beta = rng.normal(size=3)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(x @ beta)))).astype(float)
    return pd.DataFrame(
        {"y": y, "a": x[:, 0].round(2), "b": x[:, 1].round(2), "c": x[:, 2].round(2)}
    )


def test_every_stepwise_decision_agrees_with_statsmodels_tests():
    # Independent re-check of each step (n = 80): entry statistics with
    # statsmodels LogitResults.score_test, removal statistics with 2 (llf1 - llf0)
    # from separately fitted statsmodels Logit models.
    d = _removal_data()
    sw = lg.forward_stepwise(d, outcome="y", candidates=("a", "b", "c"))
    acts = sw.steps.loc[sw.steps["action"] != "forced"]
    assert "remove" in set(acts["action"])  # the data were built to exercise removal
    model: list[str] = []

    def fit(terms):
        return sm.Logit(d["y"], sm.add_constant(d[list(terms)], has_constant="add")).fit(
            disp=0
        )

    for row in acts.to_dict("records"):
        if row["action"] == "enter":
            restricted = fit(model)
            outside = [c for c in ("a", "b", "c") if c not in model]
            ps = {}
            for c in outside:
                r = restricted.score_test(exog_extra=d[[c]])
                ps[c] = float(np.ravel(r.pvalue)[0])
            assert row["term"] == min(ps, key=ps.get)
            assert row["pval"] == pytest.approx(ps[row["term"]], rel=1e-6)
            assert row["pval"] < 0.05
            model.append(row["term"])
        else:
            full, reduced = fit(model), fit([t for t in model if t != row["term"]])
            lr = 2 * (full.llf - reduced.llf)
            assert row["statistic"] == pytest.approx(lr, rel=1e-6)
            assert row["pval"] > 0.10
            model.remove(row["term"])
    assert tuple(model) == sw.selected
    ref = fit(model)
    for t in model:  # no term of the final model qualifies for removal
        lr = 2 * (ref.llf - fit([u for u in model if u != t]).llf)
        assert stats.chi2.sf(lr, 1) <= 0.10
    final = sw.final.set_index("term")
    for t in model:
        assert final.loc[t, "coef"] == pytest.approx(float(ref.params[t]), rel=1e-6)
    for p in sw.not_selected["pval"]:
        assert p >= 0.05


def test_entry_p_must_be_below_removal_p():
    with pytest.raises(ValueError, match="PIN < POUT"):
        lg.forward_stepwise(
            table_frame(10, 5, 4, 12),
            outcome="y",
            candidates=("x",),
            entry_p=0.1,
            removal_p=0.1,
        )
