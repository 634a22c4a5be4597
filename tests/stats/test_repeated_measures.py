"""MMRM (REML GLS, unstructured covariance) against R nlme::gls.

R (nlme 3.1-162), HbA1c of the default data at months 3, 6, 12 of every
enrolled participant with a baseline value::

    f <- gls(hba1c_pct ~ 0 + visit + visit:msc + hba1c_pct_0, data = d,
             correlation = corSymm(form = ~ vi | id),
             weights = varIdent(form = ~ 1 | visit), method = "REML",
             control = glsControl(tolerance = 1e-10, msTol = 1e-10,
                                  msMaxIter = 500, maxIter = 500))
    logLik(f)  # -197.696451592257
    coef(summary(f))
"""

from __future__ import annotations

import pytest

from ucmsc_repro.core.settings import AnalysisSettings
from ucmsc_repro.data.loading import load_dataset
from ucmsc_repro.stats.repeated_measures import mmrm

# group x visit coefficient: (value, std. error, p), from coef(summary(f))
R_DIFF = {
    3.0: (-0.0287875239779, 0.267696583271, 0.914497001308),
    6.0: (0.1454357231687, 0.286414371121, 0.612306338886),
    12.0: (0.2857686937851, 0.328612744572, 0.385810013433),
}


def test_unstructured_mmrm_matches_nlme_gls():
    data = load_dataset(None)
    t = data.table(AnalysisSettings()).set_index("subject_id")[["msc", "hba1c_pct_0"]]
    v = data.visits
    long = v.loc[v["month"] > 0, ["subject_id", "month", "hba1c_pct"]].join(
        t, on="subject_id"
    )
    r = mmrm(
        long,
        subject="subject_id",
        visit="month",
        outcome="hba1c_pct",
        group="msc",
        baseline="hba1c_pct_0",
    )
    assert r.covariance == "unstructured"
    assert r.reml_loglik == pytest.approx(-197.696451592257, rel=1e-9)
    assert r.coef["baseline"] == pytest.approx(0.0668443364344, rel=1e-6)
    est = r.estimates.set_index("visit")
    for visit, (diff, se, p) in R_DIFF.items():
        assert est.loc[visit, "diff"] == pytest.approx(diff, rel=1e-6)
        assert est.loc[visit, "se"] == pytest.approx(se, rel=1e-6)
        assert est.loc[visit, "pval"] == pytest.approx(p, rel=1e-6)
    assert r.df == 160
