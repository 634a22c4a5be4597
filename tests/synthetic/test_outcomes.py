"""Tests of ucmsc_repro.synthetic.outcomes: follow-up, insulin-free periods, fevers.

Reference: the paper's Results as read by the claims file (counts of rises,
fever onsets and infusions, insulin-free durations).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ucmsc_repro.data.loading import load_dataset
from ucmsc_repro.synthetic.baseline import draw_baseline, draw_roster
from ucmsc_repro.synthetic.outcomes import (
    choose_remitters,
    cpeptide_categories,
    draw_adverse_events,
    draw_cpeptide_endpoint,
    draw_insulin_free,
    secondary_checks,
    visit_months,
)
from ucmsc_repro.synthetic.targets import load_targets


@pytest.fixture(scope="module")
def targets():
    return load_targets()


@pytest.fixture(scope="module")
def drawn(targets):
    rng = np.random.default_rng(7)
    b = draw_baseline(rng, draw_roster(rng, targets), targets).reset_index(drop=True)
    b.insert(0, "subject_id", [f"P{i:02d}" for i in range(len(b))])
    remission = choose_remitters(rng, b, targets)
    cats = cpeptide_categories(rng, b, remission, targets)
    return b, remission, cats


@pytest.mark.parametrize(
    ("status", "month", "expected"),
    [
        ("completed", np.nan, [0.0, 3.0, 6.0, 12.0]),
        ("discontinued", 0.0, [0.0]),
        ("discontinued", 3.0, [0.0, 3.0]),
        ("discontinued", 5.0, [0.0, 3.0]),
        ("discontinued", 6.0, [0.0, 3.0, 6.0]),
    ],
)
def test_no_visit_after_discontinuation(status, month, expected):
    assert visit_months({"status": status, "discontinued_month": month}) == expected


def test_remitters_per_arm_are_the_reported_numbers(drawn):
    b, remission, _ = drawn
    got = pd.Series(remission).groupby(b["arm"]).sum().to_dict()
    assert got == {"MSC": 11.0, "control": 3.0}  # Results: 11/27 and 3/26


@pytest.mark.parametrize(
    ("arm", "measure", "rose"),
    [("MSC", "fcp", 11), ("MSC", "pcp", 10), ("control", "fcp", 6), ("control", "pcp", 5)],
)
def test_cpeptide_rises_are_the_reported_numbers(drawn, arm, measure, rose):
    b, _, cats = drawn
    lab = cats.loc[b["pp"] & b["arm"].eq(arm), measure]
    assert lab.isin(["S", "B"]).sum() == rose


def test_remission_needs_a_ten_percent_rise_and_only_remitters_have_one(drawn):
    b, remission, cats = drawn
    big = (cats["fcp"] == "B") | (cats["pcp"] == "B")
    pp = b["pp"].to_numpy()
    assert (big[pp].to_numpy() == (remission[pp] == 1)).all()


def test_endpoint_gives_the_reported_mean_percent_changes(drawn, targets):
    b, _, cats = drawn
    rng = np.random.default_rng(3)
    end = None
    while end is None:
        end = draw_cpeptide_endpoint(rng, b, cats, targets)
    for m in ("fcp", "pcp"):
        pct = 100 * (end[f"{m}_end"] / b[f"{m}0"] - 1)
        for arm, key in (("MSC", "msc"), ("control", "control")):
            reported = targets.value(f"secondary.{m}_pmol_l.pct.all.{key}.mean")
            got = pct[b["pp"] & b["arm"].eq(arm)].mean()
            assert abs(got - reported) < 0.5, (m, arm)


def test_insulin_free_periods_follow_the_paper(drawn, targets):
    b, _, cats = drawn
    free = draw_insulin_free(np.random.default_rng(4), b, cats, targets)
    who = free["insulin_free_start_month"].notna()
    assert who.sum() == 3
    assert (b.loc[who, "arm"] == "MSC").all() and (b.loc[who, "onset"] == "adult").all()
    starts = sorted(free.loc[who, "insulin_free_start_month"])
    durations = sorted(
        free.loc[who, "insulin_free_end_month"] - free.loc[who, "insulin_free_start_month"]
    )
    assert starts[0] <= 3 and starts[1] <= 3 and starts[2] == 9  # 6 months after month 3
    assert durations == pytest.approx([3.8, 12.0, 20.0])


def test_fevers_follow_the_paper(drawn, targets):
    b, _, _ = drawn
    ae = draw_adverse_events(np.random.default_rng(5), b, targets)
    assert sorted(ae["onset_hours"]) == [1.5, 17.0, 20.0]
    assert sorted(ae["infusion"]) == [1, 2, 2]
    assert ae["max_temp_c"].max() == 38.3
    assert (ae["onset_hours"] + ae["resolved_hours"] <= 24).all()
    assert set(ae["severity"]) == {"mild"} and set(ae["serious"]) == {"no"}
    who = b.set_index("subject_id").loc[ae["subject_id"]]
    assert (
        (who["arm"] == "MSC").all() and who["pp"].all() and (who["onset"] == "adult").all()
    )


def test_committed_cohort_meets_every_secondary_statement():
    data = load_dataset()
    checks = secondary_checks(data.subjects, data.visits)
    assert all(checks.values()), [k for k, ok in checks.items() if not ok]
