"""Tests of ucmsc_repro.synthetic.baseline: the roster and the baseline draws.

References: the definitions of the sample mean and SD (ddof=1), and the
paper's Results (Characteristics of the participants) as read by the claims
file.
"""

from __future__ import annotations

import numpy as np
import pytest

from ucmsc_repro.core.settings import AnalysisSettings
from ucmsc_repro.data.derive import onset_group
from ucmsc_repro.synthetic.baseline import (
    REASON_CONSENT,
    REASON_PROTOCOL,
    bmi_bounds,
    draw_baseline,
    draw_roster,
    match_moments,
    msc_discontinuations,
    split_moments,
)
from ucmsc_repro.synthetic.targets import load_targets


@pytest.fixture(scope="module")
def targets():
    return load_targets()


@pytest.mark.parametrize(
    ("x", "mean", "sd", "lower", "upper"),
    [
        ([1.0, 2.0, 4.0, 8.0], 5.0, 2.0, -np.inf, np.inf),
        (np.linspace(0, 1, 20) ** 2, 4.7, 6.1, 0.0, 24.0),  # skewed, clipped at 0
        (np.arange(10.0), 18.9, 3.5, 12.5, 30.0),
    ],
)
def test_match_moments_hits_the_target_mean_and_sd(x, mean, sd, lower, upper):
    y = match_moments(x, mean=mean, sd=sd, lower=lower, upper=upper)
    assert y.mean() == pytest.approx(mean, abs=1e-9)
    assert y.std(ddof=1) == pytest.approx(sd, abs=1e-9)
    assert y.min() >= lower and y.max() <= upper


def test_match_moments_keeps_fixed_values_and_order():
    x = np.array([0.0, 1.0, 2.0, 3.0, 10.0])
    y = match_moments(
        x, mean=4.0, sd=3.8, lower=0.0, upper=10.0, fixed=[True, False, False, False, True]
    )
    assert y[0] == 0.0 and y[-1] == 10.0
    assert np.all(np.diff(y) >= 0)
    assert y.mean() == pytest.approx(4.0) and y.std(ddof=1) == pytest.approx(3.8)


def test_match_moments_rounds_and_stays_at_the_reported_precision():
    rng = np.random.default_rng(0)
    y = match_moments(rng.normal(size=53), mean=9.5, sd=2.9, decimals=1)
    assert np.allclose(y, np.round(y, 1))
    assert abs(y.mean() - 9.5) < 0.01 and abs(y.std(ddof=1) - 2.9) < 0.01


def test_split_moments_gives_the_rest_of_a_sample():
    # by hand: [1, 2, 3, 4] has mean 2.5 and SD sqrt(5/3); its first half [1, 2]
    # has mean 1.5 and SD sqrt(1/2), so the rest [3, 4] has mean 3.5, SD sqrt(1/2)
    (_, _), (m, s) = split_moments(
        2.5, np.sqrt(5 / 3), n_total=4, n_first=2, first_mean=1.5, first_sd=np.sqrt(0.5)
    )
    assert m == pytest.approx(3.5) and s == pytest.approx(np.sqrt(0.5))


@pytest.mark.parametrize(
    ("age", "low", "high"), [(8.0, 13.0, 22.0), (15.0, 13.5, 26.0), (40.0, 15.0, 30.0)]
)
def test_bmi_bounds_depend_on_age(age, low, high):
    lo, hi = bmi_bounds([age])
    assert (lo[0], hi[0]) == (low, high)


def test_msc_discontinuations_are_those_the_paper_describes(targets):
    # Results: two after 3 months before the second dose, two after 5 months,
    # one withdrew her consent the day before the first transplantation
    disc = sorted(msc_discontinuations(targets))
    assert disc == [
        (0.0, 0, REASON_CONSENT, "F"),
        (3.0, 1, REASON_PROTOCOL, None),
        (3.0, 1, REASON_PROTOCOL, None),
        (5.0, 2, REASON_PROTOCOL, None),
        (5.0, 2, REASON_PROTOCOL, None),
    ]


def test_roster_has_the_reported_trial_profile(targets):
    r = draw_roster(np.random.default_rng(1), targets)
    assert len(r) == 67
    assert r.groupby("arm").size().to_dict() == {"MSC": 32, "control": 35}
    assert r.loc[r["pp"]].groupby("arm").size().to_dict() == {"MSC": 27, "control": 26}
    ctl = r.loc[(r["arm"] == "control") & ~r["pp"]]
    assert (ctl["discontinued_reason"] == REASON_CONSENT).sum() == 5
    assert (
        ctl.loc[ctl["discontinued_reason"] == REASON_CONSENT, "discontinued_month"].max()
        <= 3
    )
    assert ctl["discontinued_month"].max() <= 6
    pp = r.loc[r["pp"]]
    assert (pp["onset"] == "adult").sum() == 33
    assert (pp["sex"] == "M").sum() == 28  # 53% of 53
    assert (pp["dka_at_onset"] != "none").sum() == 33  # 62.3% of 53


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_baseline_meets_the_reported_moments_and_planned_onset(targets, seed):
    rng = np.random.default_rng(seed)
    b = draw_baseline(rng, draw_roster(rng, targets), targets)
    pp = b.loc[b["pp"]]
    for var, mean, sd in (
        ("age_years", 24.9, 14.2),
        ("duration_months", 4.7, 6.1),
        ("bmi_kg_m2", 18.9, 3.5),
        ("hba1c0", 9.5, 2.9),
    ):
        assert round(pp[var].mean(), 1) == mean and round(pp[var].std(), 1) == sd, var
    assert pp["duration_months"].min() == 0 and pp["duration_months"].max() == 24
    assert pp["age_years"].between(8, 55).all()
    assert (b["fcp0"] >= 100).all()
    derived = onset_group(b, AnalysisSettings())
    assert (derived == b["onset"]).all()


def test_different_seeds_give_different_baselines(targets):
    def draw(seed):
        rng = np.random.default_rng(seed)
        return draw_baseline(rng, draw_roster(rng, targets), targets)

    assert not draw(1)["age_years"].equals(draw(2)["age_years"])
