"""The chapters' sentences on data where a quantity cannot be computed (issue 10).

Each sentence is built from hand-made results or tables; the expected words
are written beside the case they describe (what a reader must see instead of
``nan``). The chapters' full runs on awkward data are in
``tests/book/test_any_data.py``.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ucmsc_repro.chapters import factors_text, primary_text, secondary_text, subgroups_text
from ucmsc_repro.chapters.adverse_events import fever_timing_sentence
from ucmsc_repro.stats.power import power_table
from ucmsc_repro.synthetic.cohort import whole_msc_sentence

NAN = float("nan")
_BAD = ("nan", "inf", "None")


def _clean(text: str) -> str:
    assert not any(b in text.split() or f"{b}%" in text for b in _BAD), text
    return text


def _res(values: dict, methods: dict | None = None) -> pd.DataFrame:
    methods = methods or {}
    return pd.DataFrame(
        {
            "key": list(values),
            "value": [float(x) for x in values.values()],
            "method": [methods.get(k, "") for k in values],
        }
    )


# --- adverse events -------------------------------------------------------------------

_TABLE = pd.DataFrame(
    {
        "subject_id": ["S1", "S2"],
        "arm": ["MSC", "MSC"],
        "onset": ["adult", "juvenile"],
        "status": ["completed", "completed"],
        "infusions_received": [2, 2],
    }
)
_AE_COLUMNS = [
    "subject_id",
    "infusion",
    "term",
    "onset_hours",
    "max_temp_c",
    "severity",
    "serious",
    "resolved_hours",
]


def _events(rows):
    return pd.DataFrame(rows, columns=_AE_COLUMNS)


def test_no_fever_is_said_in_words():
    text = fever_timing_sentence(_events([]), _TABLE)
    assert text == (
        "No fever was recorded, so there is no timing, temperature or resolution to report."
    )


def test_fevers_give_their_range_and_the_unresolved_count():
    # hand computation: onsets 2 and 6 h; resolved 10 h after onset 2 -> 12 h after infusion
    ev = _events(
        [
            ["S1", 1, "Fever", 2.0, 38.4, "mild", "no", 10.0],
            ["S2", 2, "Fever", 6.0, NAN, "mild", "no", NAN],
        ]
    )
    text = _clean(fever_timing_sentence(ev, _TABLE))
    assert "Fevers began 2 to 6 hours after the start of the infusion." in text
    assert "The highest temperature recorded was 38.4 °C." in text
    assert "at most 12 hours after its infusion (1 unresolved)" in text


def test_fevers_without_temperature_or_resolution_say_so():
    ev = _events([["S1", 1, "Fever", 3.0, NAN, "mild", "no", NAN]])
    text = _clean(fever_timing_sentence(ev, _TABLE))
    assert "No temperature was recorded." in text
    assert "No fever has a recorded resolution." in text


# --- primary endpoint -----------------------------------------------------------------


def test_nobody_insulin_free_is_said_in_words():
    v = pd.Series(
        {
            "primary.settings.endpoint_month": 12.0,
            "primary.insulin_free.ongoing.events": 0.0,
            "primary.insulin_free.start_month.min": NAN,
            "primary.insulin_free.start_month.max": NAN,
            "primary.insulin_free.duration_months.min": NAN,
            "primary.insulin_free.duration_months.max": NAN,
        }
    )
    assert primary_text.insulin_free_sentence(v) == (
        "No participant was insulin-free by month 12, so there are no insulin-free "
        "periods to describe."
    )


def test_insulin_free_periods_give_both_ranges():
    v = pd.Series(
        {
            "primary.settings.endpoint_month": 12.0,
            "primary.insulin_free.ongoing.events": 1.0,
            "primary.insulin_free.start_month.min": 3.8,
            "primary.insulin_free.start_month.max": 12.0,
            "primary.insulin_free.duration_months.min": 3.0,
            "primary.insulin_free.duration_months.max": 20.0,
        }
    )
    text = primary_text.insulin_free_sentence(v)
    assert text.startswith(
        "The insulin-free periods started 3.8 to 12.0 months after the first infusion "
        "and lasted 3.0 to 20.0 months (1 still ongoing)"
    )


@pytest.mark.parametrize(("events", "who"), [(0, "nobody"), (10, "everybody")])
def test_power_is_not_defined_when_all_outcomes_are_equal(events, who):
    # 0/10 vs 0/10 (or 10/10 vs 10/10): no variance, every formula is 0/0
    power = power_table(events, 10, events, 10, alpha=0.05)
    pct = 100.0 * events / 10
    v = pd.Series({"primary.remission.msc.pct": pct, "primary.remission.control.pct": pct})
    text = primary_text.power_sentence(power, v)
    assert text.startswith(f"which is not defined here: {who} remitted in either arm")
    shown = primary_text.power_display(power)["Power (%)"]
    assert all(s == "not defined" or math.isfinite(float(s)) for s in shown)


def test_power_sentence_gives_the_default_formula_value():
    power = power_table(11, 27, 3, 26, alpha=0.05)
    v = pd.Series(
        {"primary.remission.msc.pct": 40.7, "primary.remission.control.pct": 11.5}
    )
    expected = (
        100 * power.set_index("method").loc[primary_text.DEFAULT_POWER_METHOD, "power"]
    )
    assert primary_text.power_sentence(power, v) == (
        f"which gives {expected:.1f}% for the observed rates at the chapter's alpha "
        "(two-sided)"
    )


# --- factors --------------------------------------------------------------------------


def _remitter_row(n1, n0, m1=NAN, m0=NAN, pval=NAN, test="not tested"):
    return {
        "variable": "fcp_pmol_l_0",
        "n_remission": n1,
        "mean_remission": m1,
        "sd_remission": NAN,
        "sem_remission": NAN,
        "n_no_remission": n0,
        "mean_no_remission": m0,
        "sd_no_remission": NAN,
        "sem_no_remission": NAN,
        "diff": m1 - m0,
        "test": test,
        "pval": pval,
    }


def test_remitter_comparison_without_remitters_is_not_compared():
    text = factors_text.remitter_sentence(_remitter_row(0, 23, m0=336.1))
    assert text == (
        "Baseline fasting C-peptide: not compared, since no MSC recipient reached "
        "remission (23 did not)."
    )


def test_remitter_comparison_with_one_remitter_gives_means_but_no_test():
    row = _remitter_row(1, 7, m1=114.5, m0=351.6, test="not tested (fewer than 2)")
    text = _clean(factors_text.remitter_sentence(row))
    assert "mean 114.5 pmol/L in the 1 remitter against 351.6 pmol/L" in text
    # the reason follows a colon: no parentheses inside the parenthesis
    assert text.endswith("(difference -237.1; not tested: fewer than 2).")
    shown = factors_text.remitter_display(pd.DataFrame([row]))
    assert "one participant: no SD" in shown.iloc[0]["Remission: mean ± SD (SEM)"]
    assert shown.iloc[0]["p"] == "not tested"


# --- secondary and subgroups ----------------------------------------------------------


def test_ratio_sentence_with_an_empty_arm_names_it():
    res = _res(
        {
            "secondary.pcp_pmol_l.ratio.adult.msc.n": 3,
            "secondary.pcp_pmol_l.ratio.adult.msc.mean": 0.25,
            "secondary.pcp_pmol_l.ratio.adult.control.n": 0,
            "secondary.pcp_pmol_l.ratio.adult.control.mean": NAN,
            "secondary.pcp_pmol_l.ratio.adult.pval": NAN,
        }
    )
    text = _clean(secondary_text.ratio_sentence(res, "adult"))
    assert "averaged 0.25 in the MSC arm (n = 3); no control participant" in text


def test_subgroup_change_with_one_value_in_an_arm_nests_no_parentheses():
    base = "subgroups.pcp_pmol_l.pct.adult"
    res = _res(
        {
            f"{base}.msc.n": 2,
            f"{base}.msc.mean": 3.0,
            f"{base}.control.n": 1,
            f"{base}.control.mean": 37.0,
            f"{base}.pval": NAN,
        },
        {f"{base}.pval": "not tested (fewer than 2 values in an arm)"},
    )
    text = _clean(subgroups_text.change_sentence(res, "adult", ("pcp_pmol_l",)))
    assert (
        "was 3% with MSC (n = 2) and 37% in control "
        "(n = 1; not tested: fewer than 2 values in an arm)"
    ) in text


def test_subgroup_sentences_on_an_empty_subgroup():
    res = _res(
        {
            "subgroups.pcp_pmol_l.pct.adult.msc.n": 0,
            "subgroups.pcp_pmol_l.pct.adult.control.n": 0,
            "subgroups.remission.all.msc.events": 1,
            "subgroups.remission.all.msc.n": 4,
            "subgroups.remission.all.control.events": 1,
            "subgroups.remission.all.control.n": 3,
            "subgroups.remission.adult.msc.n": 0,
            "subgroups.remission.adult.control.n": 0,
            "subgroups.remission.interaction.onset.power": NAN,
            "subgroups.remission.interaction.dk_or_dka.power": 12.4,
        }
    )
    assert subgroups_text.change_sentence(res, "adult", ("pcp_pmol_l",)) == (
        "No participant had adult-onset diabetes, so this subgroup cannot be compared."
    )
    rem = _clean(subgroups_text.remission_sentence(res, ("adult",)))
    # 1/4 = 25.0%, 1/3 = 33.3%
    assert "by 1 of 4 (25.0%) with MSC against 1 of 3 (33.3%) in control overall" in rem
    assert "among adult-onset participants by nobody, since none has a known outcome" in rem
    power = _clean(subgroups_text.power_sentence(res))
    assert power.startswith("with a probability of about 12% for DK/DKA at onset; for age")


def test_cohort_sentence_when_the_model_cannot_be_fitted():
    res = _res({"cohort.whole_msc.se_table": NAN, "cohort.whole_msc.se_bound": NAN})
    assert "cannot be fitted" in _clean(whole_msc_sentence(res))
