"""The confounding chapter on the default data, on hand-made data and on any valid data.

Reference values of the weighted analyses come from R 4.x with ``sandwich``
3.0-2 on the default data's per-protocol set (53 participants), written to CSV
with the columns msc, remission and the seven covariates; the R calls are
next to the values. Common setup in R:

    library(sandwich)
    d <- read.csv("pp.csv")
    e <- fitted(glm(msc ~ age_years + male + duration_months + bmi_kg_m2 +
                      hba1c_pct_0 + fcp_pmol_l_0 + insulin_iu_kg_day_0,
                    family = binomial, data = d))
    d$w <- ifelse(d$msc == 1, 1 - e, e)            # overlap
    d$w <- ifelse(d$msc == 1, 1 / e, 1 / (1 - e))  # ipw
    f  <- glm(remission ~ msc, weights = w, family = gaussian, data = d)
    fr <- glm(remission ~ msc, weights = w, family = quasipoisson, data = d)
    se <- sqrt(vcovHC(f, type = "HC0")[2, 2]); ser <- sqrt(vcovHC(fr, type = "HC0")[2, 2])
    coef(f)[2]; 2 * pnorm(-abs(coef(f)[2] / se))
    exp(coef(fr)[2] + c(0, -1, 1) * qnorm(0.975) * ser)
    rr + sqrt(rr * (rr - 1))    # E-value (VanderWeele and Ding 2017)
"""

import math
import re
import time
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from any_data import (
    KINDS,
    chapter_parameters,
    cohorts,
    reader_problems,
    run_chapter,
    write_cohort,
)
from hypothesis import HealthCheck, Phase, given, settings
from scipy.stats import chi2_contingency

from ucmsc_repro.chapters import confounding as cf
from ucmsc_repro.chapters import confounding_text as tx
from ucmsc_repro.core.paths import NOTEBOOKS
from ucmsc_repro.core.settings import AnalysisSettings
from ucmsc_repro.data.loading import load_dataset

_BAD = re.compile(r"(?<![\w.-])(nan|NaN|inf|-inf|None|<NA>)(?![\w-])")

# R, see the module docstring
R_DEFAULT = {
    "overlap": {
        "rd": 0.236844165457,
        "pval_rd": 0.0402703799635,
        "rr": 4.14033668852,
        "rr_lo": 0.722599685465,
        "rr_hi": 23.7232152728,
        "evalue": 7.74617240383,
        "evalue_ci": 1.0,  # the interval includes 1
    },
    "ipw": {
        "rd": 0.273739308361,
        "pval_rd": 0.00824627143602,
        "rr": 4.63748198489,
        "rr_lo": 1.21814260658,
        "rr_hi": 17.6549437184,
        "evalue": 8.74464124347,
        "evalue_ci": 1.73363150403,  # lo + sqrt(lo * (lo - 1))
    },
}


def chapter(folder=None, **kw):
    data = load_dataset(folder)
    s = AnalysisSettings(**kw)
    return SimpleNamespace(table=data.table(s), data=data, settings=s)


@pytest.fixture(scope="module")
def default():
    ch = chapter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        start = time.perf_counter()
        res = cf.results(ch).set_index("key")
        elapsed = time.perf_counter() - start
    return ch, res, elapsed


def test_results_have_the_standard_columns_and_unique_confounding_keys(default):
    _, res, _ = default
    r = res.reset_index()
    assert r.columns.tolist() == ["key", "value", "ci_low", "ci_high", "method", "n"]
    assert r["key"].is_unique and r["key"].str.startswith("confounding.").all()


def test_methods_are_named_as_the_verdict_page_expects(default):
    _, res, _ = default
    m = res["method"]
    assert m["confounding.overlap.rd"] == "overlap weights"
    assert m["confounding.ipw.rr"] == "inverse probability weights"
    assert m["confounding.evalue.overlap.point"] == "E-value (VanderWeele and Ding 2017)"
    assert m["confounding.idaa1c.m12.msc.pct"] == "IDAA1c"
    assert m["confounding.multiverse.share_significant"] == "specification curve"


@pytest.mark.parametrize("kind", ["overlap", "ipw"])
def test_weighted_estimates_match_r_on_the_default_data(default, kind):
    _, res, _ = default
    ref, k = R_DEFAULT[kind], f"confounding.{kind}"
    assert res.loc[f"{k}.rd", "value"] == pytest.approx(ref["rd"], rel=1e-6)
    assert res.loc[f"{k}.pval_rd", "value"] == pytest.approx(ref["pval_rd"], rel=1e-5)
    assert res.loc[f"{k}.rr", "value"] == pytest.approx(ref["rr"], rel=1e-6)
    assert res.loc[f"{k}.rr", "ci_low"] == pytest.approx(ref["rr_lo"], rel=1e-5)
    assert res.loc[f"{k}.rr", "ci_high"] == pytest.approx(ref["rr_hi"], rel=1e-5)
    e = f"confounding.evalue.{kind}"
    assert res.loc[f"{e}.point", "value"] == pytest.approx(ref["evalue"], rel=1e-6)
    assert res.loc[f"{e}.ci", "value"] == pytest.approx(ref["evalue_ci"], rel=1e-5)


def test_propensity_c_statistic_and_exact_overlap_balance(default):
    _, res, _ = default
    # R: mean(outer(e[d$msc == 1], e[d$msc == 0], function(a, b) (a > b) + 0.5 * (a == b)))
    assert res.loc["confounding.ps.c_statistic", "value"] == pytest.approx(
        0.830484330484, rel=1e-7
    )
    assert res.loc["confounding.balance.max_abs_smd_overlap", "value"] < 1e-6
    # R: (weighted.mean(x[msc == 1], w[msc == 1]) - weighted.mean(x[msc == 0], w[msc == 0]))
    #    / sqrt((var(x[msc == 1]) + var(x[msc == 0])) / 2), x = insulin dose, IPW
    assert res.loc["confounding.balance.insulin_iu_kg_day_0.smd_ipw", "value"] == (
        pytest.approx(-0.311453547162, rel=1e-6)
    )


def test_remission_at_the_settings_is_the_derived_remission(default):
    ch, _, _ = default
    y = cf.remission(ch, month=12, threshold=0.10)
    pd.testing.assert_series_equal(
        y, ch.table["remission"].astype(float), check_names=False
    )


def test_remission_definitions_by_hand():
    t = pd.DataFrame(
        {
            "subject_id": ["a", "b", "c", "d"],
            "fcp_pmol_l_0": [100.0, 100.0, 100.0, 100.0],
            "pcp_pmol_l_0": [200.0, 200.0, 200.0, 200.0],
        }
    )
    v = pd.DataFrame(
        {
            "subject_id": ["a", "b", "c", "d"],
            "month": [12.0] * 4,
            # a: both rise 10%; b: fasting only; c: postprandial only; d: fasting +
            # 10% exactly (counts), postprandial missing
            "fcp_pmol_l": [110.0, 120.0, 100.0, 110.0],
            "pcp_pmol_l": [220.0, 200.0, 260.0, np.nan],
        }
    )
    ch = SimpleNamespace(table=t, data=SimpleNamespace(visits=v), settings=None)
    r = {
        d: cf.remission(ch, month=12, threshold=0.1, definition=d).tolist()
        for d in cf.DEFINITIONS
    }
    assert r["either"] == [1, 1, 1, 1]
    assert r["fasting"] == [1, 1, 0, 1]
    assert r["postprandial"][:3] == [1, 0, 1] and math.isnan(r["postprandial"][3])
    assert r["both"][:3] == [1, 0, 0] and math.isnan(r["both"][3])
    # at 25% only c's postprandial rise (30%) counts
    assert cf.remission(ch, month=12, threshold=0.25).tolist()[:3] == [0, 0, 1]


def test_pearson_closed_form_matches_r_and_scipy():
    # R: chisq.test(matrix(c(11, 16, 3, 23), 2, byrow = TRUE), correct = FALSE)$p.value
    assert cf._pearson_pval(11, 27, 3, 26) == pytest.approx(0.0159258766069, rel=1e-9)
    # R: chisq.test(matrix(c(11, 21, 3, 32), 2, byrow = TRUE), correct = FALSE)$p.value
    assert cf._pearson_pval(11, 32, 3, 35) == pytest.approx(0.00946124335103, rel=1e-9)
    for table in ((4, 10, 7, 12), (1, 5, 0, 9), (8, 8, 2, 9)):
        x1, n1, x2, n2 = table
        p = chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False).pvalue
        assert cf._pearson_pval(*table) == pytest.approx(p, rel=1e-12)
    assert math.isnan(cf._pearson_pval(0, 5, 0, 6))


def test_threshold_curve_at_ten_percent_is_the_primary_comparison(default):
    _, res, _ = default
    # 11/27 - 3/26 (the paper's counts, reproduced by the default data)
    assert res.loc["confounding.threshold.t10.rd", "value"] == pytest.approx(
        11 / 27 - 3 / 26
    )
    # Miettinen-Nurminen score test of 11/27 vs 3/26, as dropouts.pp.pval_mn
    # R: the score statistic is Pearson's chi-square times (N - 1)/N, so
    # x <- chisq.test(matrix(c(11, 16, 3, 23), 2), correct = FALSE)$statistic
    # pchisq(x * 52 / 53, 1, lower.tail = FALSE)  # 0.016951411956
    assert res.loc["confounding.threshold.t10.pval_mn", "value"] == pytest.approx(
        0.016951411956, rel=1e-6
    )
    for t in ("t00", "t50"):
        assert f"confounding.threshold.{t}.rd" in res.index


def test_idaa1c_by_hand_and_fisher_against_r(default):
    _, res, _ = default
    # month 0: 5/32 MSC and 7/35 control with HbA1c + 4 x dose <= 9;
    # R: fisher.test(matrix(c(5, 27, 7, 28), 2, byrow = TRUE))$p.value 0.754726720186
    assert res.loc["confounding.idaa1c.m0.msc.events", "value"] == 5
    assert res.loc["confounding.idaa1c.m0.control.n", "value"] == 35
    assert res.loc["confounding.idaa1c.m0.pval_fisher", "value"] == pytest.approx(
        0.754726720186, rel=1e-8
    )
    v = pd.DataFrame({"hba1c_pct": [7.0, 6.6, 9.0], "insulin_iu_kg_day": [0.5, 0.6, 0.0]})
    assert cf.idaa1c(v).tolist() == pytest.approx([9.0, 9.0, 9.0])


def test_multiverse_counts_and_a_spec_checked_against_r(default):
    ch, res, _ = default
    curve = cf.multiverse(ch)
    # 2 months x 4 definitions x 6 thresholds x 10 (set, test, adjustment) combinations
    assert len(curve) == 480 == res.loc["confounding.multiverse.n_specs", "value"]
    share = res.loc["confounding.multiverse.share_significant", "value"]
    assert 0 <= share <= 1
    one = curve.loc[
        (curve["analysis_set"] == "itt_nonremit")
        & (curve["definition"] == "either")
        & (curve["threshold"] == 0.1)
        & (curve["month"] == 12)
    ].set_index("test")
    # R: fisher.test(matrix(c(11, 21, 3, 32), 2, byrow = TRUE))$p.value
    assert one.loc["fisher", "pval"] == pytest.approx(0.0148666965658, rel=1e-8)
    assert one.loc["chi2", "pval"] == pytest.approx(0.00946124335103, rel=1e-9)
    assert one.loc["fisher", "estimate"] == pytest.approx(11 / 32 - 3 / 35)
    ranks = curve["rank"].dropna()
    assert (ranks.diff().dropna() == 1).all()


def test_imputed_itt_without_missing_outcomes_is_the_complete_data_wald_test():
    ch = chapter()
    msc = ch.table["arm"].eq("MSC").to_numpy()
    y = (np.arange(len(msc)) % 3 == 0).astype(float)
    frame, cov = cf._imputation_inputs(ch)
    r = cf._imputed(ch, frame, cov, msc, y)
    rd = y[msc].mean() - y[~msc].mean()
    var = y[msc].var() / msc.sum() + y[~msc].var() / (~msc).sum()
    assert r["estimate"] == pytest.approx(rd)
    # no between-imputation variance: t with N - 2 degrees of freedom
    from scipy import stats

    p = 2 * stats.t.sf(abs(rd) / math.sqrt(var), len(y) - 2)
    assert r["pval"] == pytest.approx(p, rel=1e-9)


def test_chapter_takes_seconds_on_the_default_data(default):
    _, _, elapsed = default
    assert elapsed < 10


def _displays(ch) -> list[str]:
    frames = [
        tx.balance_display(ch),
        tx.weighted_display(ch),
        tx.evalue_display(ch),
        tx.threshold_display(ch),
        tx.definitions_display(ch),
        tx.idaa1c_display(ch),
        tx.multiverse_display(ch),
    ]
    return [f.to_string() for f in frames] + list(tx.sentences(ch).values())


def test_sentences_on_the_default_data_name_the_numbers(default):
    ch, res, _ = default
    s = tx.sentences(ch)
    assert "E-value of 7.75" in s["confounding.text.evalue"]
    assert "already includes 1" in s["confounding.text.evalue"]
    assert "480 specifications" in s["confounding.text.multiverse"]
    assert not any(_BAD.search(t) for t in _displays(ch))


def _tiny(tmp_path, *, separate=False, constant_sex=False):
    """A 12-participant folder; ``separate``: age separates the arms completely."""
    rows, visits = [], []
    for i in range(12):
        msc = i < 6
        sid = f"S{i:02d}"
        age = (40 + i) if (separate and msc) else (12 + 5 * (i % 4) + i % 3)
        rows.append(
            {
                "subject_id": sid,
                "arm": "MSC" if msc else "control",
                "sex": "M" if constant_sex or i % 2 else "F",
                "age_years": float(age),
                "duration_months": float(1 + i % 5),
                "bmi_kg_m2": 18.0 + i % 4,
                "weight_kg": 50.0 + i,
                "dka_at_onset": "none",
                "gada": "",
                "iaa": "",
                "ia2a": "",
                "ica": "",
                "status": "completed",
                "discontinued_month": "",
                "discontinued_reason": "",
                "infusions_received": 2 if msc else 0,
                "msc_cells_total": "100" if msc else "",
                "insulin_free_start_month": "",
                "insulin_free_end_month": "",
            }
        )
        for m in (0, 3, 6, 12):
            rise = 1 + (0.2 if (i % 3 == 0 and m) else -0.05 * (m > 0))
            visits.append(
                {
                    "subject_id": sid,
                    "month": m,
                    "hba1c_pct": 9.0 - 0.1 * m + 0.3 * (i % 4),
                    "fcp_pmol_l": 200.0 * rise + i,
                    "pcp_pmol_l": 500.0 * rise + i,
                    "insulin_iu_kg_day": 0.4 + 0.05 * (i % 5),
                    "glucose_fasting_mmol_l": 7.0,
                    "glucose_2h_mmol_l": 10.0,
                }
            )
    tmp_path.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(tmp_path / "subjects.csv", index=False)
    pd.DataFrame(visits).to_csv(tmp_path / "visits.csv", index=False)
    pd.DataFrame(
        columns=[
            "subject_id",
            "infusion",
            "term",
            "onset_hours",
            "max_temp_c",
            "severity",
            "serious",
            "resolved_hours",
        ]
    ).to_csv(tmp_path / "adverse_events.csv", index=False)
    return tmp_path


def test_no_overlap_is_said_in_words(tmp_path):
    ch = chapter(_tiny(tmp_path / "sep", separate=True))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cf.results(ch).set_index("key")
        texts = _displays(ch)
    assert math.isnan(res.loc["confounding.overlap.rd", "value"])
    assert "do not overlap" in tx.sentences(ch)["confounding.text.ps"]
    assert not any(_BAD.search(t) for t in texts)


def test_constant_covariate_is_left_out_in_words(tmp_path):
    ch = chapter(_tiny(tmp_path / "sex", constant_sex=True))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        texts = _displays(ch)
    assert "Male sex took one value only" in tx.sentences(ch)["confounding.text.ps"]
    assert "constant: not in the model" in tx.balance_display(ch).to_string()
    assert not any(_BAD.search(t) for t in texts)


@pytest.mark.parametrize("kind", KINDS)
def test_notebook_shows_no_nan_on_any_kind_of_valid_data(
    kind, tmp_path_factory, monkeypatch
):
    @settings(
        max_examples=1,
        deadline=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(cohort=cohorts(kinds=(kind,)))
    def check(cohort):
        folder = write_cohort(cohort, tmp_path_factory.mktemp(kind))
        cap = run_chapter(
            NOTEBOOKS / "10_confounding.ipynb", chapter_parameters(folder), monkeypatch
        )
        assert reader_problems(cap) == []

    check()
