"""The trial-models chapter on the default data, on hand-made data and on any valid data.

Reference values come from R 4.x (stats, nlme 3.1, brglm2 0.9) on the default
data: the analysis table written to CSV (``table.csv``, every enrolled
participant) and the MMRM's long frame (``long_pcp.csv``, from
``trial_models.mmrm_long(ch, "log_pcp")``). Common setup in R::

    t <- read.csv("table.csv"); pp <- t[t$per_protocol == "True", ]
    ms <- pp[pp$msc == 1, ]

The R call is beside each value.
"""

import math
import re
import time
import warnings
from types import SimpleNamespace

import pytest
from any_data import (
    KINDS,
    build_cohort,
    chapter_parameters,
    cohorts,
    reader_problems,
    run_chapter,
    write_cohort,
)
from hypothesis import HealthCheck, Phase, given, settings

from ucmsc_repro.chapters import trial_models as tm
from ucmsc_repro.chapters import trial_models_text as tx
from ucmsc_repro.core.paths import NOTEBOOKS
from ucmsc_repro.core.settings import AnalysisSettings
from ucmsc_repro.data.loading import load_dataset
from ucmsc_repro.reproduction.robustness import GUESSED_KEYS

_BAD = re.compile(r"(?<![\w.-])(nan|NaN|inf|-inf|None|<NA>)(?![\w-])")


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
        res = tm.results(ch).set_index("key")
        elapsed = time.perf_counter() - start
    return ch, res, elapsed


def _v(res, key, col="value"):
    return float(res.loc[key, col])


def test_results_have_the_standard_columns_and_unique_trial_models_keys(default):
    _, res, _ = default
    r = res.reset_index()
    assert r.columns.tolist() == ["key", "value", "ci_low", "ci_high", "method", "n"]
    assert r["key"].is_unique and r["key"].str.startswith("trial_models.").all()
    assert r["method"].str.len().gt(0).all()


def test_every_key_the_verdict_reads_is_recorded_and_finite_on_the_default_data(default):
    _, res, _ = default
    keys = [k for k in GUESSED_KEYS.values() if k.startswith("trial_models.")]
    assert len(keys) == 20
    for k in keys:
        assert k in res.index, k
        assert math.isfinite(_v(res, k)), k


# --- ANCOVA ------------------------------------------------------------------------

# R: f <- lm(log(pcp_pmol_l_end + 1) ~ msc + log(pcp_pmol_l_0 + 1), data = pp)
#    exp(coef(f)[2]); exp(confint(f)[2, ]); summary(f)$coefficients[2, 4]; sigma(f)
#    shapiro.test(resid(f))$p.value
#    exp(predict(f, data.frame(msc = c(1, 0), pcp_pmol_l_0 =
#        exp(mean(log(pp$pcp_pmol_l_0 + 1))) - 1))) - 1      # adjusted geometric means
R_ANCOVA = {
    "pcp": {
        "ratio": (1.37705784373, 0.934151698895, 2.02995756174),
        "pval": 0.103985327431,
        "resid_sd": 0.703044434466,
        "shapiro_pval": 0.0249432996115,
        "geo": (438.53758527, 318.186000262),
    },
    # the same with fcp_pmol_l
    "fcp": {
        "ratio": (1.27729417151, 1.00336338671, 1.62601149511),
        "pval": 0.0470135654006,
        "resid_sd": 0.434444510293,
        "shapiro_pval": 0.360458536167,
        "geo": (177.460592146, 138.717690824),
    },
}


@pytest.mark.parametrize("measure", ["pcp", "fcp"])
def test_log_ancova_matches_r_lm(default, measure):
    _, res, _ = default
    ref, k = R_ANCOVA[measure], f"trial_models.ancova.{measure}"
    est, lo, hi = ref["ratio"]
    assert _v(res, f"{k}.ratio") == pytest.approx(est, rel=1e-8)
    assert _v(res, f"{k}.ratio", "ci_low") == pytest.approx(lo, rel=1e-8)
    assert _v(res, f"{k}.ratio", "ci_high") == pytest.approx(hi, rel=1e-8)
    assert _v(res, f"{k}.pval") == pytest.approx(ref["pval"], rel=1e-7)
    assert _v(res, f"{k}.resid_sd") == pytest.approx(ref["resid_sd"], rel=1e-8)
    assert _v(res, f"{k}.shapiro_pval") == pytest.approx(ref["shapiro_pval"], rel=1e-5)
    assert _v(res, f"{k}.geo_mean.msc") == pytest.approx(ref["geo"][0], rel=1e-8)
    assert _v(res, f"{k}.geo_mean.control") == pytest.approx(ref["geo"][1], rel=1e-8)
    assert _v(res, f"{k}.n") == 53


def test_ancova_by_onset_matches_r_lm(default):
    _, res, _ = default
    # R: ad <- pp[pp$onset == "adult", ]
    #    f <- lm(log(pcp_pmol_l_end + 1) ~ msc + log(pcp_pmol_l_0 + 1), data = ad)
    k = "trial_models.ancova.pcp_onset.adult"
    assert _v(res, f"{k}.ratio") == pytest.approx(1.51497233555, rel=1e-8)
    assert _v(res, f"{k}.ratio", "ci_low") == pytest.approx(1.01379720879, rel=1e-8)
    assert _v(res, f"{k}.ratio", "ci_high") == pytest.approx(2.26390559926, rel=1e-8)
    assert _v(res, f"{k}.pval") == pytest.approx(0.0431276913883, rel=1e-7)
    assert _v(res, f"{k}.n") == 33
    # R: pp$adult <- as.numeric(pp$onset == "adult")
    #    f <- lm(log(pcp_pmol_l_end + 1) ~ msc + log(pcp_pmol_l_0 + 1) + adult, data = pp)
    k = "trial_models.ancova.pcp_adj_onset"
    assert _v(res, f"{k}.ratio") == pytest.approx(1.40958532842, rel=1e-8)
    assert _v(res, f"{k}.pval") == pytest.approx(0.0735206996511, rel=1e-7)


# --- MMRM --------------------------------------------------------------------------


def test_mmrm_of_hba1c_is_the_nlme_gls_fit_of_the_stats_tests(default):
    _, res, _ = default
    # the values of tests/stats/test_repeated_measures.py (R nlme::gls, corSymm +
    # varIdent, REML, HbA1c of every enrolled participant with a baseline value):
    # visit:msc estimate and p from coef(summary(f))
    for month, (diff, p) in {
        3: (-0.0287875239779, 0.914497001308),
        6: (0.1454357231687, 0.612306338886),
        12: (0.2857686937851, 0.385810013433),
    }.items():
        k = f"trial_models.mmrm.hba1c.m{month}"
        assert _v(res, f"{k}.diff") == pytest.approx(diff, rel=1e-6)
        assert _v(res, f"{k}.pval") == pytest.approx(p, rel=1e-6)
    assert _v(res, "trial_models.mmrm.hba1c.unstructured") == 1


def test_mmrm_of_log_postprandial_c_peptide_matches_nlme_gls(default):
    _, res, _ = default
    # R: L <- read.csv("long_pcp.csv"); L <- L[complete.cases(L), ]
    #    L$visit <- factor(L$month); L$vi <- as.integer(L$visit)
    #    f <- gls(y ~ 0 + visit + visit:msc + baseline, data = L,
    #             correlation = corSymm(form = ~ vi | subject_id),
    #             weights = varIdent(form = ~ 1 | visit), method = "REML",
    #             control = glsControl(tolerance = 1e-10, msTol = 1e-10,
    #                                  msMaxIter = 500, maxIter = 500))
    #    coef(summary(f))["visit12:msc", ]  # logLik(f) 35.3348095777
    k = "trial_models.mmrm.log_pcp.m12"
    assert _v(res, f"{k}.diff") == pytest.approx(0.2985507183385, rel=1e-6)
    assert _v(res, f"{k}.pval") == pytest.approx(0.08734157232, rel=1e-5)
    assert _v(res, "trial_models.mmrm.log_pcp.m6.diff") == pytest.approx(
        0.1913718707394, rel=1e-6
    )
    assert _v(res, "trial_models.mmrm.log_pcp.m3.pval") == pytest.approx(
        0.0463404981938, rel=1e-5
    )
    assert "unstructured covariance" in res.loc[f"{k}.diff", "method"]


# --- Firth and maximum likelihood ----------------------------------------------------


def test_firth_whole_population_model_is_the_brglm2_fit_of_the_stats_tests(default):
    _, res, _ = default
    # tests/stats/test_firth.py: R brglm2 (type = "AS_mean") coefficient, profile
    # penalised-likelihood interval and penalised LR p of the whole-population model
    k = "trial_models.firth.whole"
    assert _v(res, f"{k}.msc.or") == pytest.approx(math.exp(1.16964754419), rel=1e-6)
    assert _v(res, f"{k}.msc.or", "ci_low") == pytest.approx(0.897191199574, rel=1e-6)
    assert _v(res, f"{k}.msc.or", "ci_high") == pytest.approx(13.6186091949, rel=1e-6)
    assert _v(res, f"{k}.msc.pval") == pytest.approx(0.0733450638466, rel=1e-6)
    assert _v(res, f"{k}.fcp_pmol_l_0.or") == pytest.approx(
        math.exp(-0.00831522691766), rel=1e-6
    )
    assert _v(res, f"{k}.fcp_pmol_l_0.pval") == pytest.approx(0.0486962729429, rel=1e-6)
    # R: gw <- glm(remission ~ msc + age_years + male + duration_months + bmi_kg_m2 +
    #              hba1c_pct_0 + fcp_pmol_l_0, family = binomial, data = pp,
    #              control = glm.control(epsilon = 1e-14, maxit = 100))
    #    exp(coef(gw)[2]); summary(gw)$coefficients[2, 4]
    assert _v(res, f"{k}.msc.ml_or") == pytest.approx(4.3795093643, rel=1e-6)
    assert _v(res, f"{k}.msc.ml_pval") == pytest.approx(0.057255098405, rel=1e-6)
    assert _v(res, f"{k}.separated") == 0


def test_firth_msc_arm_model_matches_brglm2_and_its_ml_fit_matches_glm(default):
    _, res, _ = default
    k = "trial_models.firth.stepwise"
    # R: fo <- remission ~ age_years + duration_months + male + bmi_kg_m2 +
    #          fcp_pmol_l_0 + msc_cells_total
    #    coef(glm(fo, family = binomial, data = ms, method = "brglmFit",
    #             type = "AS_mean", control = list(epsilon = 1e-12, maxit = 500)))
    assert _v(res, f"{k}.fcp_pmol_l_0.or") == pytest.approx(
        math.exp(-0.0129205132045), rel=1e-6
    )
    assert _v(res, f"{k}.msc_cells_total.or") == pytest.approx(
        math.exp(0.0857856185351), rel=1e-6
    )
    # R: g <- glm(fo, family = binomial, data = ms,
    #             control = glm.control(epsilon = 1e-14, maxit = 100))
    #    exp(coef(g)); summary(g)$coefficients[, 4]
    # (at glm's default epsilon 1e-8 the p-values differ from these by 1.6e-4 and
    # 3.4e-4 relative)
    assert _v(res, f"{k}.fcp_pmol_l_0.ml_or") == pytest.approx(0.981621190061, rel=1e-6)
    assert _v(res, f"{k}.fcp_pmol_l_0.ml_pval") == pytest.approx(0.0226217504236, rel=1e-5)
    assert _v(res, f"{k}.msc_cells_total.ml_or") == pytest.approx(1.14088436187, rel=1e-6)
    assert _v(res, f"{k}.msc_cells_total.ml_pval") == pytest.approx(
        0.024830367413, rel=1e-5
    )
    # profile interval brackets the estimate; the penalised LR p is a probability
    f = res.loc[f"{k}.msc_cells_total.or"]
    assert f["ci_low"] < f["value"] < f["ci_high"]
    assert 0 < _v(res, f"{k}.msc_cells_total.pval") < 1


def test_events_per_variable_by_hand(default):
    _, res, _ = default
    # 14 remissions of 53 per protocol, 7 covariates; 11 of 27 in the MSC arm, 6 terms
    assert _v(res, "trial_models.firth.whole.epv") == pytest.approx(14 / 7)
    assert _v(res, "trial_models.firth.stepwise.epv") == pytest.approx(11 / 6)
    assert tm.epv(10, 9, 2) == 0.5  # the smaller outcome count: 1 non-event


# --- bootstrap -----------------------------------------------------------------------


def test_bootstrap_draws_1000_resamples_with_a_fixed_seed(default):
    ch, res, _ = default
    assert _v(res, "trial_models.bootstrap.n_boot") == 1000
    assert _v(res, "trial_models.bootstrap.seed") == tm.BOOT_SEED
    completed = _v(res, "trial_models.bootstrap.n_completed")
    assert 0 < completed <= 1000
    for c in ("fcp_pmol_l_0", "hba1c_pct_0", "msc_cells_total"):
        assert 0 <= _v(res, f"trial_models.bootstrap.{c}.share") <= 1
    again = tm.bootstrap(SimpleNamespace(**vars(ch) | {"_trial_models_cache": None}))
    assert again.n_completed == completed
    assert again.inclusion["share"].tolist() == [
        _v(res, f"trial_models.bootstrap.{c}.share") for c in again.inclusion["term"]
    ]
    c = _v(res, "trial_models.bootstrap.corrected_c")
    assert c == pytest.approx(
        _v(res, "trial_models.bootstrap.apparent_c")
        - _v(res, "trial_models.bootstrap.optimism")
    )


# --- dose ----------------------------------------------------------------------------


def test_dose_correlations_match_r_cor_test_and_follow_the_normality_rule(default):
    _, res, _ = default
    # R: shapiro.test(ms$msc_cells_total)$p.value 0.7229, of ms$fcp_pmol_l_change
    #    0.1543 (both normal: Pearson), of ms$pcp_pmol_l_change 0.00345 (Spearman)
    #    cor.test(ms$msc_cells_total, ms$fcp_pmol_l_change, method = "pearson")
    assert _v(res, "trial_models.dose.fcp_pmol_l.r") == pytest.approx(
        0.269969853192, rel=1e-8
    )
    assert _v(res, "trial_models.dose.fcp_pmol_l.pval") == pytest.approx(
        0.17323853871, rel=1e-7
    )
    assert res.loc["trial_models.dose.fcp_pmol_l.r", "method"].startswith("Pearson")
    #    cor.test(ms$msc_cells_total, ms$pcp_pmol_l_change, method = "spearman",
    #             exact = FALSE)
    assert _v(res, "trial_models.dose.pcp_pmol_l.r") == pytest.approx(
        0.444512293379, rel=1e-8
    )
    assert _v(res, "trial_models.dose.pcp_pmol_l.pval") == pytest.approx(
        0.0201772255673, rel=1e-7
    )
    assert res.loc["trial_models.dose.pcp_pmol_l.r", "method"].startswith("Spearman")


def test_constant_dose_per_kg_is_said_in_words(default):
    ch, res, _ = default
    # the synthetic cohort gives everyone 2 x 10^6 cells/kg: nothing to correlate
    assert math.isnan(_v(res, "trial_models.dose.fcp_pmol_l.per_kg.r"))
    s = tx.sentences(ch)["trial_models.text.dose"]
    assert "every participant received the same dose" in s


# --- sample size ---------------------------------------------------------------------


def test_sample_sizes_match_r(default):
    _, res, _ = default
    k = "trial_models.sample_size.remission"
    # R: n0 <- power.prop.test(p1 = 11/27, p2 = 3/26, power = 0.8, tol = 1e-12)$n
    #    # 34.3367268167 (at the default tol, 34.3367394548: 4e-7 relative off)
    #    d <- 11/27 - 3/26; n0 / 4 * (1 + sqrt(1 + 4 / (n0 * d)))^2   # Fleiss cc
    assert _v(res, f"{k}.control_observed.diff_observed.power80") == pytest.approx(
        40.8987885788, rel=1e-8
    )
    # the same with power = 0.9 (n0 45.4638742483)
    assert _v(res, f"{k}.control_observed.diff_observed.power90") == pytest.approx(
        52.0875250427, rel=1e-8
    )
    # R: prop.test(3, 26, correct = FALSE)$conf.int (Wilson)
    assert _v(res, f"{k}.p_control", "ci_low") == pytest.approx(0.0400324462361, rel=1e-8)
    assert _v(res, f"{k}.p_control", "ci_high") == pytest.approx(0.289759032117, rel=1e-8)
    # Lachin 2011: 2 (z_0.975 + z_0.8)^2 sd^2 / log(ratio)^2 with the ANCOVA's R values
    # R: 2 * (qnorm(0.975) + qnorm(0.8))^2 * 0.703044434466^2 / log(1.37705784373)^2
    assert _v(res, "trial_models.sample_size.ancova_pcp.ratio_observed.power80") == (
        pytest.approx(75.7950932851, rel=1e-8)
    )
    # no benefit at the lower limit of the pcp ratio (0.93): no size, NaN
    assert math.isnan(_v(res, "trial_models.sample_size.ancova_pcp.ratio_low.power80"))


# --- settings, time, sentences --------------------------------------------------------


def test_endpoint_month_comes_from_the_settings():
    ch = chapter(endpoint_month=6)
    s = tx.sentences(ch)
    assert "at month 6" in s["trial_models.text.ancova"]
    assert "at month 6 is" in s["trial_models.text.mmrm"]
    res = tm.results(ch).set_index("key")
    # every visit keeps its key; the ANCOVA now analyses month 6
    assert "trial_models.mmrm.log_pcp.m12.diff" in res.index
    assert _v(res, "trial_models.ancova.pcp.ratio") != pytest.approx(1.37705784373)


def test_chapter_takes_seconds_on_the_default_data(default):
    _, _, elapsed = default
    assert elapsed < 15


def _displays(ch) -> list[str]:
    frames = [
        tx.ancova_display(ch),
        tx.mmrm_display(ch),
        tx.firth_display(ch),
        tx.inclusion_display(ch),
        tx.models_display(ch),
        tx.dose_display(ch),
        tx.sample_size_display(ch),
        tx.ancova_sample_size_display(ch),
    ]
    return [f.to_string() for f in frames] + list(tx.sentences(ch).values())


def test_sentences_on_the_default_data_name_the_numbers(default):
    ch, _, _ = default
    s = tx.sentences(ch)
    assert "a ratio of 1.38 (0.93 to 2.03) (p = 0.104)" in s["trial_models.text.ancova"]
    assert "2.0 events per variable" in s["trial_models.text.firth_whole"]
    assert "41 per arm for 80% power" in s["trial_models.text.sample_size"]
    assert "unstructured covariance" in s["trial_models.text.mmrm"]
    assert not any(_BAD.search(t) for t in _displays(ch))


def _kind(tmp_path, kind, n_msc=20, n_ctl=18, seed=1):
    return chapter(write_cohort(build_cohort(kind, seed, n_msc, n_ctl), tmp_path / kind))


def test_nobody_remitting_is_said_in_words(tmp_path):
    ch = _kind(tmp_path, "nobody_remits")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = tm.results(ch).set_index("key")
        texts = _displays(ch)
    assert math.isnan(_v(res, "trial_models.firth.whole.msc.or"))
    s = tx.sentences(ch)
    assert s["trial_models.text.firth_whole"].startswith(
        "Nobody in the model of all participants (Table S3) remitted, so neither"
    )
    assert "could not be completed in any of the 1000" in s["trial_models.text.bootstrap"]
    assert "no sample size can be given" in s["trial_models.text.sample_size"]
    assert not any(_BAD.search(t) for t in texts)


def test_separation_is_detected_and_reported(tmp_path):
    ch = _kind(tmp_path, "separation")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = tm.results(ch).set_index("key")
        texts = _displays(ch)
    assert _v(res, "trial_models.firth.whole.separated") == 1
    s = tx.sentences(ch)["trial_models.text.firth_whole"]
    assert "separate remitters from non-remitters" in s
    assert "maximum-likelihood estimates do not exist" in s
    assert not any(_BAD.search(t) for t in texts)


def test_mmrm_falling_back_to_compound_symmetry_is_named(tmp_path):
    ch = _kind(tmp_path, "nobody_remits")
    r = tm.repeated(ch)["log_pcp"]
    assert r.covariance == "compound symmetry"
    s = tx.sentences(ch)["trial_models.text.mmrm"]
    assert "a compound symmetry covariance for" in s
    assert "could not be estimated" in s
    res = tm.results(ch).set_index("key")
    assert _v(res, "trial_models.mmrm.log_pcp.unstructured") == 0
    assert "compound symmetry" in res.loc["trial_models.mmrm.log_pcp.m12.diff", "method"]


def test_an_onset_group_without_a_model_is_said_in_words():
    ch = SimpleNamespace(settings=AnalysisSettings())
    empty = tm.log_ancova(
        tm.pd.DataFrame({"y": [1.0, 2.0], "b": [1.0, 2.0], "g": [1, 1]}),
        outcome="y",
        baseline="b",
        group="g",
    )
    fitted = tm.log_ancova(
        tm.pd.DataFrame(
            {"y": [3, 5, 7, 2, 4, 5], "b": [2, 4, 6, 2, 4, 6], "g": [1, 1, 1, 0, 0, 0]}
        ),
        outcome="y",
        baseline="b",
        group="g",
    )
    ch._trial_models_cache = {
        "_key": (id(None), repr(ch.settings)),
        "ancova": {
            ("pcp", "main"): fitted,
            ("pcp", "onset"): empty,
            ("pcp", "adult"): fitted,
            ("pcp", "juvenile"): empty,
            ("fcp", "main"): empty,
        },
    }
    ch.table = None
    s = tx._onset_sentence(ch)
    assert (
        "Among participants of juvenile onset the ANCOVA of postprandial C-peptide "
        "cannot be fitted: a group has no participant with both values." in s
    )
    assert "Adjusting" not in s  # the onset-adjusted model was not fitted either
    assert "The ANCOVA of fasting C-peptide cannot be fitted" in tx._ancova_sentence(ch)


# --- the notebook on any valid data ---------------------------------------------------


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
            NOTEBOOKS / "11_trial_models.ipynb", chapter_parameters(folder), monkeypatch
        )
        assert reader_problems(cap) == []

    check()
