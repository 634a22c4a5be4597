"""Tests of ucmsc_repro.chapters.factors and chapters.factors_text (the factors chapter).

The general logistic machinery is tested against R/Stata/textbook references in
tests/stats/test_logistic.py; here the chapter's models, comparisons and sentences.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from ucmsc_repro.chapters import factors as rg
from ucmsc_repro.chapters import factors_text as ft
from ucmsc_repro.core.exceptions import ModelFitError
from ucmsc_repro.core.settings import AnalysisSettings
from ucmsc_repro.stats import logistic as lg

Z975 = 1.959963984540054  # standard normal 97.5% quantile (printed normal tables: 1.95996)


def table_frame(a: int, b: int, c: int, d: int) -> pd.DataFrame:
    """Rows of a 2x2 table: x = 1 has a events and b non-events, x = 0 has c and d."""
    x = [1] * (a + b) + [0] * (c + d)
    y = [1] * a + [0] * b + [1] * c + [0] * d
    return pd.DataFrame({"y": y, "x": x})


# --- chapter functions ------------------------------------------------------------


def cohort(seed: int = 3, n_msc: int = 27, n_control: int = 26) -> pd.DataFrame:
    """A per-protocol-like table with the columns the chapter uses."""
    rng = np.random.default_rng(seed)
    n = n_msc + n_control
    msc = np.r_[np.ones(n_msc), np.zeros(n_control)]
    weight = rng.normal(50, 12, n)
    d = pd.DataFrame(
        {
            "msc": msc.astype(int),
            "age_years": rng.normal(25, 12, n).clip(8, 55),
            "male": rng.integers(0, 2, n),
            "duration_months": rng.uniform(0, 24, n),
            "bmi_kg_m2": rng.normal(19, 3, n),
            "hba1c_pct_0": rng.normal(9.5, 2.5, n),
            "fcp_pmol_l_0": rng.normal(250, 90, n).clip(100, None),
            "msc_cells_total": np.where(msc == 1, 2 * weight, np.nan),
            "weight_kg": weight,
            "infusions_received": np.where(msc == 1, 2, 0),
            "dk_or_dka": rng.integers(0, 2, n),
        }
    )
    d["age_at_onset"] = d["age_years"] - d["duration_months"] / 12
    lp = -1.5 + 1.6 * msc - 0.006 * (d["fcp_pmol_l_0"] - 250)
    d["remission"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-lp))).astype(float)
    return d


def test_whole_population_model_uses_the_documented_covariates():
    d = cohort()
    t = rg.whole_population_model(d)
    assert list(t["term"]) == ["const", *rg.WHOLE_POPULATION_COVARIATES]
    ref = sm.Logit(
        d["remission"], sm.add_constant(d[list(rg.WHOLE_POPULATION_COVARIATES)])
    ).fit(disp=0)
    assert t.set_index("term").loc["msc", "odds_ratio"] == pytest.approx(
        math.exp(ref.params["msc"]), rel=1e-6
    )
    assert int(t["n"].iloc[0]) == 53


def test_msc_stepwise_uses_only_the_msc_arm_and_forces_the_adjustment_set():
    d = cohort()
    sw = rg.msc_stepwise(d)
    assert sw.n == 27
    terms = list(sw.final["term"])
    assert terms[: 1 + len(rg.MSC_ADJUSTMENT)] == ["const", *rg.MSC_ADJUSTMENT]
    assert set(terms[1 + len(rg.MSC_ADJUSTMENT) :]) == set(sw.selected)
    assert set(sw.selected) <= set(rg.MSC_CANDIDATES)


def test_remitter_comparison_matches_a_hand_computed_t_test():
    # Student's t test, two-sided, n = 3 + 3. Hand: remitters 1, 2, 3 (mean 2, SD 1),
    # non-remitters 4, 5, 6 (mean 5, SD 1); pooled SD 1, t = -3 / sqrt(2/3) = -3.6742,
    # df 4, two-sided p = 2 * P(T4 > 3.6742) = 0.02131 (t table, df 4).
    d = pd.DataFrame(
        {
            "msc": [1, 1, 1, 1, 1, 1, 0],
            "remission": [1, 1, 1, 0, 0, 0, 1],
            "v": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 100.0],
        }
    )
    r = rg.remitter_comparison(d, variables=["v"]).iloc[0]
    assert r["mean_remission"] == 2.0 and r["mean_no_remission"] == 5.0
    assert r["diff"] == -3.0
    assert r["sem_remission"] == pytest.approx(1 / math.sqrt(3))
    assert r["n_remission"] == 3 and r["n_no_remission"] == 3
    assert r["test"].startswith("Student's t test")
    assert r["statistic"] == pytest.approx(-3 / math.sqrt(2 / 3), rel=1e-9)
    assert r["pval"] == pytest.approx(0.02131, abs=5e-5)


def test_min_wald_se_is_a_lower_bound_of_fitted_standard_errors():
    d = cohort(seed=5)
    for cov in (["fcp_pmol_l_0"], ["fcp_pmol_l_0", "age_years", "bmi_kg_m2"]):
        t = lg.logit_table(d, covariates=cov).set_index("term")
        assert t.loc["fcp_pmol_l_0", "se"] >= lg.min_wald_se(d["fcp_pmol_l_0"])
    # scaling the unit by 10 scales the bound by 10
    x = d["msc_cells_total"].dropna()
    assert lg.min_wald_se(x / 10) == pytest.approx(10 * lg.min_wald_se(x))


def test_wald_se_from_the_papers_cell_interval():
    # hand: (ln 1.280 - ln 1.017) / (2 * 1.959964) = (0.2468601 - 0.0168571) / 3.919928
    # = 0.0586754
    assert lg.wald_se_from_ci(1.017, 1.280) == pytest.approx(0.0586754, abs=1e-6)


def fake_chapter(data: pd.DataFrame, alpha: float = 0.05):
    return SimpleNamespace(pp=data, settings=AnalysisSettings(alpha=alpha))


def test_results_hold_the_planned_keys():
    res = rg.results(fake_chapter(cohort())).set_index("key")
    assert list(res.columns) == ["value", "ci_low", "ci_high", "method", "n"]
    for term in rg.WHOLE_POPULATION_COVARIATES:
        assert np.isfinite(res.loc[f"factors.whole.{term}.or", "ci_low"])
        assert f"factors.whole.{term}.pval" in res.index
    for v in rg.REMITTER_VARIABLES:
        for g in ("remission", "no_remission"):
            for s in ("mean", "sem", "n", "sd"):
                assert f"factors.msc_remitters.{v}.{g}.{s}" in res.index
        assert f"factors.msc_remitters.{v}.pval" in res.index
        assert f"factors.msc_remitters.{v}.diff" in res.index
    for c in rg.MSC_CANDIDATES:
        assert res.loc[f"factors.stepwise.{c}.selected", "value"] in (0.0, 1.0)
        assert f"factors.stepwise.{c}.pval_score" in res.index
    for t in rg.MSC_ADJUSTMENT:
        assert f"factors.stepwise.{t}.or" in res.index
    assert res.loc["factors.whole.model.n", "value"] == 53
    assert res.loc["factors.stepwise.model.n", "value"] == 27


def test_results_confidence_intervals_narrow_with_larger_alpha():
    d = cohort()
    r05 = rg.results(fake_chapter(d, 0.05)).set_index("key")
    r10 = rg.results(fake_chapter(d, 0.10)).set_index("key")
    k = "factors.whole.msc.or"
    assert r10.loc[k, "value"] == pytest.approx(r05.loc[k, "value"])
    assert r10.loc[k, "ci_low"] > r05.loc[k, "ci_low"]
    assert r10.loc[k, "ci_high"] < r05.loc[k, "ci_high"]


def test_results_follow_the_outcome():
    d = cohort()
    flipped = d.assign(remission=1 - d["remission"])
    a = rg.results(fake_chapter(d)).set_index("key")
    b = rg.results(fake_chapter(flipped)).set_index("key")
    # flipping the outcome inverts every odds ratio of the whole-population model
    assert b.loc["factors.whole.msc.or", "value"] == pytest.approx(
        1 / a.loc["factors.whole.msc.or", "value"], rel=1e-6
    )


def test_responder_characteristics_use_t_test_and_fisher_as_the_paper_names():
    # n = 4 + 4 MSC recipients (the control row is ignored). Hand, binary "male":
    # remitters 3/4 (75%), non-remitters 1/4 (25%); expected counts 2 < 5, so
    # Fisher's exact test, two-sided p = 0.4857 (= 34/70: hypergeometric tables
    # with probability <= P(observed) = 16/70, i.e. 3-1 and 1-3 (16/70 each) and
    # 4-0 and 0-4 (1/70 each)).
    d = pd.DataFrame(
        {
            "msc": [1] * 8 + [0],
            "remission": [1, 1, 1, 1, 0, 0, 0, 0, 1],
            "male": [1, 1, 1, 0, 1, 0, 0, 0, 1],
            "age_at_onset": [20.0, 22, 24, 26, 30, 32, 34, 36, 99],
        }
    )
    t = rg.responder_characteristics(
        d, variables=(("male", "binary"), ("age_at_onset", "continuous"))
    ).set_index("variable")
    assert t.loc["male", "summary_remission"] == 75.0
    assert t.loc["male", "summary_no_remission"] == 25.0
    assert t.loc["male", "test"].startswith("Fisher")
    assert t.loc["male", "pval"] == pytest.approx(34 / 70, rel=1e-9)
    # continuous: means 23 and 33 (hand), Student's t with pooled SD sqrt(20/3)
    assert t.loc["age_at_onset", "summary_remission"] == 23.0
    se = math.sqrt(20 / 3) * math.sqrt(1 / 4 + 1 / 4)
    assert t.loc["age_at_onset", "statistic"] == pytest.approx(-10 / se, rel=1e-9)
    assert int(t.loc["age_at_onset", "n_remission"]) == 4


def test_cell_dose_divides_total_by_infusions_and_weight():
    # hand: 120 / 2 / 60 = 1.0 and 100 / 2 / 40 = 1.25 -> mean 1.125 (n = 2)
    d = pd.DataFrame(
        {
            "msc": [1, 1, 0],
            "msc_cells_total": [120.0, 100.0, np.nan],
            "infusions_received": [2, 2, 0],
            "weight_kg": [60.0, 40.0, 50.0],
        }
    )
    dose = rg.cell_dose(d)
    assert dose["n"] == 2
    assert dose["mean"] == pytest.approx(1.125)


def test_paper_interval_reads_the_claims_file(tmp_path):
    path = tmp_path / "claims.csv"
    pd.DataFrame(
        {
            "key": ["x.or", "x.or.ci_low", "x.or.ci_high"],
            "reported": [2.0, 1.5, 3.5],
            "relation": ["eq", "eq", "eq"],
        }
    ).to_csv(path, index=False)
    assert rg.paper_interval("x.or", path=path) == (1.5, 3.5)
    with pytest.raises(KeyError):
        rg.paper_interval("y.or", path=path)


def test_display_table_rounds_only_for_display():
    t = lg.logit_table(table_frame(11, 16, 3, 23), outcome="y", covariates=["x"])
    shown = ft.display_table(t)
    assert list(shown.columns) == ["B", "SE", "OR", "95% CI", "Wald p"]
    assert shown.iloc[1]["OR"] == "5.271"  # 253 / 48 = 5.27083
    assert shown.loc["Intercept", "OR"] == ""


def test_every_number_in_the_chapter_prose_is_computed():
    # every {glue:text}`key` of notebooks/07_remission_factors.ipynb is a key of
    # results(ch) or of chapter_texts(...) on the embedded data
    import re

    import nbformat

    from ucmsc_repro.book.chapter import open_chapter
    from ucmsc_repro.core.paths import NOTEBOOKS

    ch = open_chapter("factors", show_banner=False, glue=False)
    res = rg.results(ch)
    texts = ft.chapter_texts(
        res,
        whole=rg.whole_population_model(ch.pp, errors="missing"),
        comparison=rg.remitter_comparison(ch.pp),
        stepwise=rg.msc_stepwise(ch.pp),
        alpha=ch.settings.alpha,
    )
    known = set(res["key"]) | set(texts)
    known |= {f"{k}.ci_low" for k in res.loc[res["ci_low"].notna(), "key"]}
    known |= {f"{k}.ci_high" for k in res.loc[res["ci_high"].notna(), "key"]}
    nb = nbformat.read(NOTEBOOKS / "07_remission_factors.ipynb", as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    roles = re.findall(r"\{glue:text\}`([^`]*)`", prose)
    malformed = [r for r in roles if not re.fullmatch(r"[\w.]+(:\.\d+f)?", r)]
    assert not malformed
    used = {r.split(":")[0] for r in roles}
    assert used, "the chapter glues no number"
    assert used <= known, sorted(used - known)


def test_unit_sentence_flips_when_the_implied_se_is_below_a_bound():
    assert ft.unit_sentence(0.05, 0.01, 0.1).endswith("impossible with a unit of 10⁷ cells")
    assert ft.unit_sentence(0.5, 0.01, 0.1).endswith("compatible with a unit of 10⁷ cells")


def separated_cohort() -> pd.DataFrame:
    # every MSC recipient remits and no control does: the arm separates the outcome
    d = cohort()
    return d.assign(remission=d["msc"].astype(float))


def test_whole_model_on_separated_data_raises_by_default_and_reports_on_request():
    d = separated_cohort()
    with pytest.raises(ModelFitError):
        rg.whole_population_model(d)
    t = rg.whole_population_model(d, errors="missing")
    assert list(t["term"]) == ["const", *rg.WHOLE_POPULATION_COVARIATES]
    assert t["odds_ratio"].isna().all()
    assert "separat" in t.attrs["error"]
    assert ft.display_table(t)["Estimate"].eq("not estimable").all()


def test_chapter_results_say_why_a_model_is_not_estimable():
    res = rg.results(fake_chapter(separated_cohort())).set_index("key")
    assert np.isnan(res.loc["factors.whole.msc.or", "value"])
    assert "not estimable" in res.loc["factors.whole.msc.or", "method"]
    # within the MSC arm every recipient remits: the outcome has a single value
    assert np.isnan(res.loc["factors.stepwise.fcp_pmol_l_0.selected", "value"])
    assert np.isnan(res.loc["factors.msc_remitters.fcp_pmol_l_0.pval", "value"])
    sw = rg.msc_stepwise(separated_cohort(), errors="missing")
    assert "single value" in sw.error
    assert ft.selection_sentence(sw).startswith("The forward selection could not")


def test_groups_too_small_are_not_tested():
    d = pd.DataFrame({"msc": [1, 1, 1], "remission": [1, 0, 0], "v": [1.0, 2.0, 3.0]})
    r = rg.remitter_comparison(d, variables=["v"]).iloc[0]
    assert r["test"].startswith("not tested")
    assert np.isnan(r["pval"])
