"""Derived variables: onset group, per-protocol set, changes and remission."""

from __future__ import annotations

import numpy as np
import pytest

from ucmsc_repro.core.settings import AnalysisSettings
from ucmsc_repro.data.loading import load_dataset


@pytest.fixture
def table(tiny_dir):
    return load_dataset(tiny_dir).table(AnalysisSettings()).set_index("subject_id")


def test_onset_group_uses_age_at_diagnosis(tiny_dir):
    t = load_dataset(tiny_dir).table(AnalysisSettings()).set_index("subject_id")
    # S06: 19 years at enrolment, 24 months after diagnosis -> 17 at onset (hand)
    assert t.loc["S06", "age_at_onset"] == pytest.approx(17.0)
    assert t.loc["S06", "onset"] == "juvenile"
    assert t.loc["S01", "onset"] == "adult"  # 30 - 2/12 = 29.83
    t16 = load_dataset(tiny_dir).table(AnalysisSettings(adult_onset_age=16))
    assert t16.set_index("subject_id").loc["S06", "onset"] == "adult"


def test_per_protocol_needs_completion_and_both_infusions(table):
    assert table["per_protocol"].to_dict() == {
        "S01": True,
        "S02": True,
        "S03": False,
        "S04": True,
        "S05": True,
        "S06": False,
    }


def test_changes_by_hand(table):
    # S02 fasting C-peptide 150 -> 120: change -30, -20 %, ratio -0.2
    assert table.loc["S02", "fcp_pmol_l_change"] == pytest.approx(-30.0)
    assert table.loc["S02", "fcp_pmol_l_pct"] == pytest.approx(-20.0)
    assert table.loc["S02", "fcp_pmol_l_ratio"] == pytest.approx(-0.2)


def test_a_rise_of_exactly_the_threshold_is_remission(table):
    # S01 fasting C-peptide 200 -> 220 = +10 % exactly (pcp 400 -> 440 too)
    assert table.loc["S01", "remission_fcp"] == 1.0
    assert table.loc["S01", "remission"] == 1.0


def test_remission_by_postprandial_rise_alone(table):
    # S04: fcp 300 -> 240 (-20 %), pcp 600 -> 700 (+16.7 %)
    assert table.loc["S04", "remission_fcp"] == 0.0
    assert table.loc["S04", "remission_pcp"] == 1.0
    assert table.loc["S04", "remission"] == 1.0
    assert table.loc["S05", "remission"] == 0.0


def test_remission_is_missing_without_an_endpoint_visit(table):
    assert np.isnan(table.loc["S03", "remission"])
    assert np.isnan(table.loc["S03", "fcp_rose"])


def test_threshold_and_endpoint_settings_change_remission(tiny_dir):
    data = load_dataset(tiny_dir)
    strict = data.table(AnalysisSettings(remission_threshold=0.2)).set_index("subject_id")
    assert strict.loc["S01", "remission"] == 0.0
    early = data.table(AnalysisSettings(endpoint_month=3)).set_index("subject_id")
    # S01 at month 3: fcp 230 (+15 %)
    assert early.loc["S01", "fcp_pmol_l_pct"] == pytest.approx(15.0)
    assert early.loc["S03", "remission"] == 0.0  # 180 -> 170, 350 -> 340


def test_insulin_free_flag(table):
    assert table["insulin_free"].to_dict()["S01"] == 1
    assert table["insulin_free"].sum() == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"endpoint_month": 0},
        {"remission_threshold": 10},
        {"alpha": 1.5},
        {"adult_onset_age": -1},
    ],
)
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        AnalysisSettings(**kwargs)
