"""Table 1 on the hand-made data set, checked by hand."""

from __future__ import annotations

import io
import math
import re
from urllib.parse import unquote

import pandas as pd
import pytest

from ucmsc_repro.book.chapter import open_chapter
from ucmsc_repro.book.tables import table_html
from ucmsc_repro.chapters.baseline import (
    results,
    summary_text,
    table1,
    table1_display,
    table1_notes,
)
from ucmsc_repro.stats.comparisons import smd_binary, smd_categorical


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


def test_display_table_is_gtsummary_style(ch):
    table = table1(ch.pp)
    shown = table1_display(table)
    # N in the headers, one p/test/SMD per variable, no Missing column
    assert shown.columns.tolist() == [
        "Characteristic",
        "Overall, N = 4",
        "MSC, N = 2",
        "Control, N = 2",
        "p",
        "Test",
        "SMD",
        "_level",
    ]
    age = shown.loc[shown["Characteristic"].str.startswith("Age")].iloc[0]
    # sd of 30, 12 = sqrt(162) = 12.73: mean ± SD since n = 2 cannot fail Shapiro-Wilk
    assert age["MSC, N = 2"] == "21.0 ± 12.7"
    assert age["Characteristic"] == "Age (years), mean ± SD"
    assert age["Test"] == "t test" and age["_level"] == 0
    # the p-value printed is the tidy table's (closed form above), at 3 decimals
    t_stat = 3.5 / math.sqrt(137.25)
    assert age["p"] == f"{1 - t_stat / math.sqrt(t_stat**2 + 2):.3f}"


def test_a_multilevel_variable_has_one_header_row_and_indented_levels(ch):
    shown = table1_display(table1(ch.pp))
    i = shown.index[shown["Characteristic"].eq("Ketosis at onset, n (%)")][0]
    head, levels = shown.loc[i], shown.loc[i + 1 : i + 3]
    assert head["_level"] == 0 and head["p"] != "" and head["Test"] != ""
    assert levels["Characteristic"].tolist() == [
        "no ketosis",
        "ketosis (DK)",
        "ketoacidosis (DKA)",
    ]
    assert (levels["_level"] == 1).all()
    assert (levels["p"] == "").all() and (levels["SMD"] == "").all()


def test_complementary_rows_are_not_repeated(ch):
    names = table1_display(table1(ch.pp))["Characteristic"].tolist()
    assert sum(n.startswith("Onset") for n in names) == 1  # adult-onset only
    assert not any("juvenile" in n for n in names)
    assert not any(n.startswith("DK or DKA") for n in names)  # = not "no ketosis"


def test_missing_values_are_an_unknown_row(ch):
    shown = table1_display(table1(ch.pp))
    i = shown.index[shown["Characteristic"].str.startswith("IA-2A")][0]
    # IA-2A: S02 (MSC) missing, the control arm complete
    unknown = shown.loc[i + 1]
    assert unknown["Characteristic"] == "Unknown" and unknown["_level"] == 1
    assert (
        unknown["Overall, N = 4"],
        unknown["MSC, N = 2"],
        unknown["Control, N = 2"],
    ) == (
        "1",
        "1",
        "0",
    )


def test_an_antibody_nobody_was_tested_for_says_so(ch):
    pp = ch.pp.copy()
    pp.loc[pp["arm"].eq("MSC"), "gada"] = float("nan")
    shown = table1_display(table1(pp))
    gada = shown.loc[shown["Characteristic"].str.startswith("GADA")].iloc[0]
    assert gada["MSC, N = 2"] == "not tested"
    assert gada["p"] == "not tested"
    text = shown.to_string()
    assert "nan" not in text.lower() and "None" not in text


def test_notes_name_every_test_used(ch):
    table = table1(ch.pp)
    notes = table1_notes(table)
    used = set(table1_display(table)["Test"]) - {""}
    for short in used:
        assert any(n.startswith(f"{short}:") for n in notes), short
    assert any(n.startswith("SMD:") for n in notes)
    # a variable with no test says why in a note, its p cell in words
    shown = table1_display(table)
    for name in shown.loc[shown["p"].eq("not tested"), "Characteristic"]:
        var = name.split(",")[0].split(":")[0]
        assert any(n.startswith(f"{var}: not tested (") for n in notes), name


def test_prose_summary_is_the_statistic_the_table_shows(ch):
    table = table1(ch.pp)
    shown = table1_display(table).set_index("Characteristic")
    # Age: mean ± SD in the table, so the prose gives the mean ± SD. Ages 30, 12,
    # 25, 10: mean 19.25 (half up: 19.3; Python's "%.1f" gives 19.2), SD
    # sqrt(286.75 / 3) = 9.777
    assert summary_text(table, "age_years", unit=" years") == "mean 19.3 ± 9.8 years"
    assert shown.loc["Age (years), mean ± SD", "Overall, N = 4"] == "19.3 ± 9.8"
    median_row = table.loc[table["key"].eq("age_years")].assign(summary="median_iqr")
    # ages 30, 12, 25, 10: median 18.5, quartiles (numpy's linear) 11.5 and 26.25
    assert summary_text(median_row, "age_years") == "median 18.5 (IQR 11.5 to 26.3)"


def test_multivariate_smd_matches_r():
    # R 4.x, by hand with MASS::ginv (tableone's StdDiffMulti formula):
    #   p1 <- c(10, 6, 8) / 24; p2 <- c(14, 5, 6) / 25; T <- (p1 - p2)[-1]
    #   cv <- function(p) { q <- p[-1]; diag(q) - outer(q, q) }
    #   S <- (cv(p1) + cv(p2)) / 2; sqrt(drop(t(T) %*% MASS::ginv(S) %*% T))
    #   [1] 0.29215142078559
    assert smd_categorical([10 / 24, 6 / 24, 8 / 24], [14 / 25, 5 / 25, 6 / 25]) == (
        pytest.approx(0.29215142078559, rel=1e-12)
    )
    # same with p1 <- c(0.5, 0.3, 0.2); p2 <- c(0.2, 0.3, 0.5): [1] 0.768221279597376
    assert smd_categorical([0.5, 0.3, 0.2], [0.2, 0.3, 0.5]) == pytest.approx(
        0.768221279597376, rel=1e-12
    )
    # identical groups, all in one level: [1] 0
    assert smd_categorical([1, 0, 0], [1, 0, 0]) == 0
    # two levels: |Austin's binary SMD|
    assert smd_categorical([0.5, 0.5], [0.3, 0.7]) == pytest.approx(
        abs(smd_binary(0.5, 0.3)), rel=1e-12
    )


def test_table1_html_has_number_notes_and_full_precision_csv(ch):
    table = table1(ch.pp)
    out = table_html(
        table1_display(table),
        number="2.1",
        caption="Baseline",
        notes=table1_notes(table),
        csv=table,
    )
    assert "Table 2.1: Baseline" in out and 'class="ucm-notes"' in out
    csv = unquote(re.search(r'href="data:text/csv;charset=utf-8,([^"]*)"', out).group(1))
    back = pd.read_csv(io.StringIO(csv))
    age = back.set_index("key").loc["age_years"]
    assert age["msc_sd"] == math.sqrt(162)  # unrounded, to the last bit
    assert "_level" not in out.split("<tbody>")[0]  # layout column not shown
