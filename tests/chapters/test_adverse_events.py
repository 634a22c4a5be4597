"""Tests of ucmsc_repro.chapters.adverse_events (chapter "Adverse events")."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from ucmsc_repro.book.chapter import open_chapter
from ucmsc_repro.chapters import adverse_events
from ucmsc_repro.figures.adverse_events import adverse_event_figure

EVENT_COLUMNS = [
    "subject_id",
    "infusion",
    "term",
    "onset_hours",
    "max_temp_c",
    "severity",
    "serious",
    "resolved_hours",
]


def _table() -> pd.DataFrame:
    """Six MSC participants (M4 never infused and M5 with only the first
    infusion, both discontinued; M6 discontinued after two) and three controls."""
    return pd.DataFrame(
        {
            "subject_id": ["M1", "M2", "M3", "M4", "M5", "M6", "C1", "C2", "C3"],
            "arm": ["MSC"] * 6 + ["control"] * 3,
            "onset": ["adult", "adult", "adult", "adult", "juvenile", "adult"]
            + ["adult", "juvenile", "adult"],
            "status": ["completed"] * 3 + ["discontinued"] * 3 + ["completed"] * 3,
            "infusions_received": [2, 2, 2, 0, 1, 2, 0, 0, 0],
        }
    )


def _events(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


PAPER_LIKE = [
    ("M1", 2, "fever", 1.5, 38.3, "mild", "no", 3.3),
    ("M2", 2, "Fever", 17.0, 38.0, "mild", "no", 5.7),
    ("M3", 1, "fever", 20.0, 37.7, "mild", "no", 2.0),
]


def test_exposure_counts_recipients_of_each_infusion():
    e = adverse_events.exposure(_table()).set_index(["arm_key", "infusion"])["n"]
    # MSC: infused at least once M1, M2, M3, M5, M6 (M4 never); second infusion:
    # M1, M2, M3, M6. Control: all three assigned.
    assert e[("msc", "any")] == 5
    assert e[("msc", "1")] == 5
    assert e[("msc", "2")] == 4
    assert e[("control", "any")] == 3


def test_participants_with_two_events_count_once():
    ev = _events(
        [
            ("M1", 1, "fever", 2.0, 38.0, "mild", "no", 4.0),
            ("M1", 2, "fever", 3.0, 38.2, "mild", "no", 6.0),
            ("M3", 2, "rash", 1.0, None, "moderate", "no", 48.0),
        ]
    )
    c = adverse_events.events_by_group(ev, _table()).set_index(
        ["term", "arm_key", "infusion"]
    )
    assert c.loc[("fever", "msc", "any"), ["participants", "events", "n"]].tolist() == [
        1,
        2,
        5,
    ]
    assert c.loc[("any", "msc", "any"), "participants"] == 2
    assert c.loc[("fever", "msc", "2"), ["participants", "n"]].tolist() == [1, 4]
    assert c.loc[("fever", "msc", "any"), "pct"] == pytest.approx(20.0)
    assert c.loc[("any", "control", "any"), "participants"] == 0


def test_term_summary_reports_timing_temperature_and_resolution():
    s = adverse_events.term_summary(_events(PAPER_LIKE), _table()).set_index("term")
    f = s.loc["fever"]  # "Fever" and "fever" are the same term
    assert (f["events"], f["participants"]) == (3, 3)
    assert (f["after_infusion_1"], f["after_infusion_2"]) == (1, 2)
    assert (f["onset_hours_min"], f["onset_hours_max"]) == (1.5, 20.0)
    assert f["max_temp_c"] == 38.3
    assert f["resolved_hours_max"] == 5.7
    assert (f["mild"], f["severe"], f["serious"], f["unresolved"]) == (3, 0, 0, 0)


def test_event_details_carry_no_identifier():
    d = adverse_events.event_details(_events(PAPER_LIKE), _table())
    assert "subject_id" not in d.columns
    assert d["onset_hours"].tolist() == [1.5, 17.0, 20.0]
    # latest resolution: 17 h onset + 5.7 h to resolve = 22.7 h after the infusion
    assert d["resolved_after_infusion_hours"].max() == pytest.approx(22.7)


def _statement_table() -> pd.DataFrame:
    """Four withdrawn MSC recipients, as the paper says, plus completers."""
    t = _table()
    extra = pd.DataFrame(
        {
            "subject_id": ["M7", "M8"],
            "arm": ["MSC", "MSC"],
            "onset": ["juvenile", "adult"],
            "status": ["discontinued", "discontinued"],
            "infusions_received": [1, 2],
        }
    )
    return pd.concat([t, extra], ignore_index=True)


def test_paper_statements_all_hold_for_data_matching_the_paper():
    st = adverse_events.paper_statements(_events(PAPER_LIKE), _statement_table())
    assert st["consistent"].all(), st.loc[~st["consistent"], ["topic", "data"]]
    assert list(st.columns) == ["topic", "paper", "data", "consistent"]


@pytest.mark.parametrize(
    ("change", "topic"),
    [
        ({"max_temp_c": 38.6}, "temperature"),
        ({"onset_hours": 2.5}, "onset"),
        ({"severity": "severe"}, "severity"),
        ({"infusion": 1}, "infusion"),
        ({"resolved_hours": 30.0}, "resolution (Discussion)"),
        ({"resolved_hours": 23.0}, "resolution (Results)"),  # 1.5 + 23 = 24.5 h
        ({"resolved_hours": None}, "resolution (Results)"),  # unresolved
        ({"term": "rash"}, "others"),
    ],
)
def test_paper_statements_flag_data_that_contradict_the_paper(change, topic):
    ev = _events(PAPER_LIKE)
    for col, value in change.items():
        ev[col] = ev[col].astype(object)
        ev.loc[0, col] = value
    st = adverse_events.paper_statements(ev, _statement_table()).set_index("topic")
    assert not st.loc[topic, "consistent"]


def test_paper_statement_flags_an_event_in_a_withdrawn_recipient():
    ev = _events([*PAPER_LIKE, ("M5", 1, "headache", 4.0, None, "mild", "no", 6.0)])
    st = adverse_events.paper_statements(ev, _statement_table()).set_index("topic")
    assert not st.loc["withdrawn", "consistent"]


def _chapter(events, table) -> SimpleNamespace:
    return SimpleNamespace(data=SimpleNamespace(adverse_events=events), table=table)


def test_results_report_the_papers_safety_keys():
    res = adverse_events.results(
        _chapter(_events(PAPER_LIKE), _statement_table())
    ).set_index("key")
    v = res["value"]
    assert v["adverse_events.fever.msc.events"] == 3
    assert v["adverse_events.fever.control.events"] == 0
    assert v["adverse_events.fever.adult.events"] == 3
    assert v["adverse_events.fever.infusion1.events"] == 1
    assert v["adverse_events.fever.infusion2.events"] == 2
    assert [v[f"adverse_events.fever.onset_hours.rank{i}"] for i in (1, 2, 3)] == [
        1.5,
        17.0,
        20.0,
    ]
    assert v["adverse_events.fever.max_temp_c.max"] == 38.3
    assert v["adverse_events.fever.resolved_hours.max"] == 5.7
    # 17 h + 5.7 h = 22.7 h, the latest resolution after an infusion
    assert v["adverse_events.fever.resolved_after_infusion_hours.max"] == pytest.approx(
        22.7
    )
    assert v["adverse_events.serious.all.events"] == 0
    assert v["adverse_events.severe.all.events"] == 0
    assert v["adverse_events.any.discontinued.events"] == 0
    assert v["adverse_events.any.discontinued.n"] == 4
    assert (
        v["adverse_events.statements.consistent.n"]
        == v["adverse_events.statements.total.n"]
    )
    assert list(res.columns) == ["value", "ci_low", "ci_high", "method", "n"]


def test_fisher_test_of_any_event_matches_hand_computation():
    # 3 of 7 exposed MSC participants vs 0 of 3 controls. With 3 events among 10,
    # C(10, 3) = 120 tables: P(3 in MSC) = C(7, 3) / 120 = 35/120 = 0.291667;
    # P(0 in MSC) = C(3, 3) / 120 = 1/120; P(1) = 7 * 3 / 120 = 21/120;
    # P(2) = C(7, 2) * 3 / 120 = 63/120. Two-sided p sums the outcomes no more
    # likely than the observed 35/120: (35 + 1 + 21) / 120 = 0.475.
    res = adverse_events.results(
        _chapter(_events(PAPER_LIKE), _statement_table())
    ).set_index("key")
    assert res.loc["adverse_events.any.msc.n", "value"] == 7
    assert res.loc["adverse_events.exposed.all.n", "value"] == 10
    assert res.loc["adverse_events.any.pval_fisher", "value"] == pytest.approx(57 / 120)
    assert res.loc["adverse_events.any.pval_fisher", "n"] == 10
    assert "two-sided" in res.loc["adverse_events.any.pval_fisher", "method"]


def test_fever_is_reported_as_zero_when_no_event_was_recorded():
    res = adverse_events.results(_chapter(_events([]), _table())).set_index("key")["value"]
    assert res["adverse_events.fever.msc.events"] == 0
    assert res["adverse_events.any.all.count"] == 0
    # the keys the prose needs exist, missing (NaN) without any fever
    assert np.isnan(res["adverse_events.fever.max_temp_c.max"])
    assert "adverse_events.fever.onset_hours.rank1" not in res.index


def test_adult_onset_cut_off_changes_the_onset_counts():
    ev = _events(PAPER_LIKE)
    table = _statement_table()
    table.loc[table["subject_id"].eq("M2"), "onset"] = "juvenile"
    v = adverse_events.results(_chapter(ev, table)).set_index("key")["value"]
    assert v["adverse_events.fever.adult.events"] == 2
    assert v["adverse_events.fever.juvenile.events"] == 1


def test_default_data_agree_with_every_safety_statement():
    ch = open_chapter("adverse_events", show_banner=False, glue=False)
    st = adverse_events.paper_statements(ch.data.adverse_events, ch.table)
    assert st["consistent"].all(), st.loc[~st["consistent"], ["topic", "data"]]


def test_figure_draws_one_unlabelled_row_per_event():
    fig = adverse_event_figure(_events(PAPER_LIKE), _table())
    ax_a = fig.axes[0]
    assert [t.get_text() for t in ax_a.get_yticklabels()] == []
    # one onset circle per event (drawn one line per infusion, each point a row)
    onsets = [line for line in ax_a.lines if line.get_marker() == "o"]
    assert sum(len(line.get_xdata()) for line in onsets) == 3
    rows = sorted(y for line in onsets for y in line.get_ydata())
    assert rows == [1.0, 2.0, 3.0]
    plt.close(fig)
    fig = adverse_event_figure(_events([]), _table())
    assert "No adverse event" in fig.axes[0].texts[0].get_text()
    plt.close(fig)
