"""Tests of ucmsc_repro.synthetic.cohort: the committed cohort meets its targets.

The targets are the ``calibrate=yes`` rows of ``data/paper_claims.csv``; each
is measured by the chapter that reports it (its ``results(ch)``). The
reference numbers are the paper's, quoted in the claims file with their
sentences. The precision bounds are checked against the 2x2-table SE computed
by hand (Agresti, Categorical Data Analysis, 3rd ed., section 3.1.5: SE of the
log odds ratio = sqrt(1/a + 1/b + 1/c + 1/d)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ucmsc_repro.book.chapter import collect_results, open_chapter
from ucmsc_repro.core.paths import DEFAULT_DATA
from ucmsc_repro.synthetic import cohort


@pytest.fixture(scope="module")
def ch():
    return open_chapter("cohort", show_banner=False, glue=False)


@pytest.fixture(scope="module")
def card():
    res = collect_results(DEFAULT_DATA, skip=("cohort", "scorecard", "audit"))
    return cohort.target_table(results=res)


def test_every_target_is_met_except_the_known_conflicts(card):
    unmet = card.loc[~card["met"] & ~card["key"].isin(cohort.KNOWN_CONFLICTS)]
    assert unmet.empty, unmet[["key", "reported", "reproduced_rounded"]].to_string()


@pytest.mark.parametrize("key", sorted(cohort.KNOWN_CONFLICTS))
def test_each_known_conflict_is_still_not_met(card, key):
    # when a conflict becomes met, remove it from KNOWN_CONFLICTS
    rows = card.loc[card["key"] == key]
    assert len(rows) and not rows["met"].any()
    assert (rows["reason"] == cohort.KNOWN_CONFLICTS[key]).all()


def test_every_target_has_a_result(card):
    assert card["status"].ne("missing").all(), card.loc[card["status"] == "missing", "key"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (
            "factors.whole.msc.or",
            4.38,
        ),  # also listed as 4 ("four times"): most precise wins
        ("primary.remission.msc.events", 11.0),
        ("factors.stepwise.fcp_pmol_l_0.or", 0.982),  # also a direction-only bound
        ("baseline.age_years.all.min", 8.0),
    ],
)
def test_targets_take_the_most_precise_equality(key, value):
    assert cohort.load_targets().value(key) == value


def test_unknown_target_raises_a_key_error():
    with pytest.raises(KeyError, match="no calibration target"):
        cohort.load_targets().value("primary.remission.nobody.n")


def test_whole_msc_precision_bounds(ch):
    prec = cohort.whole_msc_precision(ch.pp)
    # by hand from the 2x2 table of remission by arm, 11/27 vs 3/26
    assert prec["se_table"] == pytest.approx(np.sqrt(1 / 11 + 1 / 16 + 1 / 3 + 1 / 23))
    assert prec["se_table"] <= prec["se_bound"] <= prec["se_data"] + 1e-12
    assert prec["se_paper"] < prec["se_bound"]  # why the reported p is not met


def test_results_record_counts_and_plausibility(ch, card):
    res = cohort.results(ch, card=card).set_index("key")["value"]
    assert res["cohort.targets.all.n"] == len(card)
    assert res["cohort.targets.met.n"] + res["cohort.targets.not_met.n"] == len(card)
    assert res["cohort.cells_per_kg_infusion.msc.min"] == pytest.approx(1.0)
    assert res["cohort.cells_per_kg_infusion.msc.max"] == pytest.approx(1.0)
    assert res["cohort.insulin_free.visits.max_dose"] == 0.0
    assert res["cohort.visits_after_discontinuation.all.n"] == 0.0
    assert (
        4 <= res["cohort.hba1c_pct.visits.min"] <= res["cohort.hba1c_pct.visits.max"] <= 18
    )
    assert res["cohort.age_years.all.min"] >= 8 and res["cohort.age_years.all.max"] <= 55
    assert res["cohort.fcp_pmol_l_0.all.min"] >= 100
    # cells in 10^6: the paper's CI is wider than the smallest SE possible
    assert res["cohort.cells.unit_1e6.min_se"] < res["cohort.cells.paper.implied_se"]
    assert res["cohort.cells.unit_1e7.min_se"] > res["cohort.cells.paper.implied_se"]


def test_display_tables_have_stable_columns(card):
    shown = cohort.target_display(card)
    assert list(shown.columns) == [
        "#",
        "section",
        "result",  # the key in words (core.labels.key_label)
        "paper",
        "synthetic data",
        "met",
        "sentence",
    ]
    assert list(cohort.unmet_display(card).columns) == [
        "result",
        "paper",
        "synthetic data",
        "why",
    ]
    a = cohort.assumptions()
    assert list(a.columns) == ["topic", "assumption", "why"] and len(a) > 5
    assert isinstance(a, pd.DataFrame)
