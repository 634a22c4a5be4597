"""Firth logistic regression against R brglm2 and an R profile of the penalised likelihood.

R (brglm2 0.9, nlme-free), on the factors chapter's whole-population model of
the default data (complete cases written to CSV)::

    f <- glm(remission ~ msc + age_years + male + duration_months + bmi_kg_m2 +
             hba1c_pct_0 + fcp_pmol_l_0, family = binomial, data = d,
             method = "brglmFit", type = "AS_mean",
             control = list(epsilon = 1e-12, maxit = 500))
    # penalised LR p: 2 (l*(b) - l*(b | b_j = 0)), penalty from the full design,
    # constrained fit by modified-score Fisher scoring with step halving;
    # profile CI: uniroot of 2 (l*(b) - l*(b | b_j = v)) - qchisq(0.95, 1)
"""

from __future__ import annotations

import pandas as pd
import pytest

from ucmsc_repro.core.settings import AnalysisSettings
from ucmsc_repro.data.loading import load_dataset
from ucmsc_repro.stats.firth import firth_logit_table, separation

WHOLE = (
    "msc",
    "age_years",
    "male",
    "duration_months",
    "bmi_kg_m2",
    "hba1c_pct_0",
    "fcp_pmol_l_0",
)
# term: (coef, ci_low OR, ci_high OR, penalised LR p), from the R calls above
R_WHOLE = {
    "msc": (1.16964754419, 0.897191199574, 13.6186091949, 0.0733450638466),
    "age_years": (-0.012143743691, 0.937425895383, 1.03694193193, 0.625459141177),
    "male": (-0.320527291163, 0.169521692089, 2.92992835793, 0.651091100629),
    "duration_months": (0.0228672627063, 0.899262754645, 1.1409047292, 0.694950528016),
    "bmi_kg_m2": (0.191208072022, 1.00393664067, 1.49034356048, 0.0453842910113),
    "hba1c_pct_0": (0.0568563363836, 0.806733101884, 1.38669150259, 0.672689735721),
    "fcp_pmol_l_0": (-0.00831522691766, 0.982262901592, 0.999954007578, 0.0486962729429),
}


@pytest.fixture(scope="module")
def pp():
    t = load_dataset(None).table(AnalysisSettings())
    return t.loc[t["per_protocol"]].reset_index(drop=True)


def test_firth_whole_population_model_matches_r_brglm2_and_profile(pp):
    t = firth_logit_table(pp, outcome="remission", covariates=WHOLE).set_index("term")
    assert t.attrs["error"] == ""
    for term, (coef, lo, hi, p) in R_WHOLE.items():
        r = t.loc[term]
        assert r["coef"] == pytest.approx(coef, rel=1e-6)
        assert r["ci_low"] == pytest.approx(lo, rel=1e-6)
        assert r["ci_high"] == pytest.approx(hi, rel=1e-6)
        assert r["pval"] == pytest.approx(p, rel=1e-6)


def test_firth_is_finite_under_complete_separation():
    d = pd.DataFrame({"y": [0, 0, 0, 1, 1, 1], "x": [0, 0, 0, 1, 1, 1]})
    t = firth_logit_table(d, outcome="y", covariates=["x"])
    # R: coef(glm(y ~ x, binomial, method = "brglmFit"))[2] = 3.8918203
    assert float(t.loc[1, "coef"]) == pytest.approx(3.8918203, rel=1e-6)
    assert separation(d, outcome="y", covariates=["x"])["separated"] is True


def test_single_valued_outcome_is_reported_not_fitted():
    d = pd.DataFrame({"y": [0, 0, 0, 0], "x": [1, 2, 3, 4]})
    t = firth_logit_table(d, outcome="y", covariates=["x"])
    assert "single value" in t.attrs["error"]
