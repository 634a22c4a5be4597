"""Trial profile counts on the hand-made data set."""

from __future__ import annotations

import matplotlib.figure

from ucmsc_repro.book.chapter import open_chapter
from ucmsc_repro.chapters.trial_profile import discontinuations, flow_counts, results
from ucmsc_repro.figures.trial_profile import trial_profile_figure


def test_flow_counts_by_hand(tiny_dir):
    ch = open_chapter("trial_profile", data_dir=tiny_dir, show_banner=False, glue=False)
    counts = flow_counts(ch.data.subjects).set_index(["stage", "arm"])["n"].to_dict()
    assert counts[("enrolled", "all")] == 6
    assert counts[("assigned", "MSC")] == 3 and counts[("assigned", "control")] == 3
    assert counts[("discontinued", "MSC")] == 1 and counts[("discontinued", "control")] == 1
    assert counts[("analysed", "MSC")] == 2 and counts[("analysed", "all")] == 4


def test_discontinuation_reasons_and_timing(tiny_dir):
    ch = open_chapter("trial_profile", data_dir=tiny_dir, show_banner=False, glue=False)
    d = discontinuations(ch.data.subjects)
    assert d[["arm", "reason", "n", "month_min"]].values.tolist() == [
        ["MSC", "did not adhere to protocol", 1, 3.0],
        ["control", "withdrew consent", 1, 2.0],
    ]


def test_results_keys(tiny_dir):
    ch = open_chapter("trial_profile", data_dir=tiny_dir, show_banner=False, glue=False)
    r = results(ch).set_index("key")["value"]
    assert r["trial_profile.enrolled.all.n"] == 6
    assert r["trial_profile.discontinued.msc.did_not_adhere_to_protocol.n"] == 1
    assert r["trial_profile.discontinued.control.withdrew_consent.month_max"] == 2
    assert r["trial_profile.discontinued.msc.infusions_1.n"] == 1
    assert r["trial_profile.analysed.all.n"] == 4


def test_figure_is_returned(tiny_dir):
    ch = open_chapter("trial_profile", data_dir=tiny_dir, show_banner=False, glue=False)
    assert isinstance(trial_profile_figure(ch.data.subjects), matplotlib.figure.Figure)
