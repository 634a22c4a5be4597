"""Table 1 on the hand-made data set, checked by hand."""

from __future__ import annotations

import math

import pytest

from ucmsc_repro.book.chapter import open_chapter
from ucmsc_repro.chapters.baseline import results, table1, table1_display


@pytest.fixture
def ch(tiny_dir):
    return open_chapter("baseline", data_dir=tiny_dir, show_banner=False, glue=False)


def test_continuous_row_by_hand(ch):
    t = table1(ch.pp).set_index("key")
    age = t.loc["age_years"]
    # per-protocol ages: MSC 30, 12; control 25, 10
    assert age["msc_mean"] == 21 and age["control_mean"] == 17.5
    assert age["all_mean"] == pytest.approx(19.25)
    assert age["msc_sd"] == pytest.approx(math.sqrt(162))
    # n = 2 per arm: too few for Shapiro-Wilk, so Student's t. Pooled variance
    # (162 + 112.5) / 2, t = 3.5 / sqrt(137.25) = 0.298755, df = 2, and for 2 df
    # the two-sided p is 1 - |t| / sqrt(t^2 + 2) (closed form of the t(2) CDF).
    t_stat = 3.5 / math.sqrt(137.25)
    assert age["test"] == "Student's t test (two-sided)"
    assert age["pval"] == pytest.approx(1 - t_stat / math.sqrt(t_stat**2 + 2), rel=1e-9)


def test_categorical_rows_by_hand(ch):
    t = table1(ch.pp).set_index("key")
    male = t.loc["male"]
    assert (male["all_events"], male["all_n"], male["all_pct"]) == (2, 4, 50.0)
    # expected counts of 1 -> Fisher's exact test; 1/2 vs 1/2 gives p = 1
    assert male["test"] == "Fisher's exact test (two-sided)"
    assert male["pval"] == pytest.approx(1.0)
    assert male["smd"] == pytest.approx(0.0)
    # IA-2A: S01 +, S02 missing | S04 -, S05 -  -> MSC 1/1 (1 missing), control 0/2
    ia2a = t.loc["ia2a_positive"]
    assert (ia2a["msc_events"], ia2a["msc_n"], ia2a["msc_missing"]) == (1, 1, 1)
    assert (ia2a["control_events"], ia2a["control_n"]) == (0, 2)


def test_results_use_the_key_plan(ch):
    r = results(ch).set_index("key")
    assert r.loc["baseline.participants.all.n", "value"] == 4
    assert r.loc["baseline.age_years.all.mean", "value"] == pytest.approx(19.25)
    assert r.loc["baseline.male.all.pct", "value"] == 50.0
    assert r.loc["baseline.age_years.pval", "method"] == "Student's t test (two-sided)"
    assert "baseline.dka_at_onset.pval" in r.index
    assert not r.index.duplicated().any()


def test_display_table_shows_each_row_with_its_test(ch):
    shown = table1_display(table1(ch.pp))
    assert shown.columns.tolist() == [
        "Characteristic",
        "Overall (n = 4)",
        "MSC (n = 2)",
        "Control (n = 2)",
        "p",
        "Test",
        "SMD",
        "Missing",
    ]
    age = shown.loc[shown["Characteristic"].str.startswith("Age")].iloc[0]
    assert age["MSC (n = 2)"] == "21.0 ± 12.7"
