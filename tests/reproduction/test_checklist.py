"""Tests of ucmsc_repro.reproduction.checklist: the checklist file and the computed checks.

The checks run on hand-made participants and results, with the hand computation
written beside each expected value.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from ucmsc_repro.reproduction import checklist as cl

NAN = math.nan
_BAD = re.compile(r"(?<![\w.-])(nan|NaN|inf|-inf|None|<NA>|NaT)(?![\w-])")
#: The paper's text, outside the repository (where the project's sessions keep it).
PAPER = Path("/work/shared/paper/lu2021-ucmsc-t1d.txt")


# ------------------------------------------------------------------ the file


def test_the_shipped_checklist_reads_and_has_the_22_trend_items():
    items = cl.read_checklist()
    trend = items.loc[items["guideline"].eq("TREND 2004")]
    assert trend["number"].tolist() == [str(n) for n in range(1, 23)]
    consort = items.loc[items["guideline"].eq("CONSORT 2025"), "number"].tolist()
    assert consort == ["2", "3", "4", "15", "21c", "26"]
    assert set(items["check"]) - {""} == set(cl.CHECKS)


@pytest.mark.skipif(not PAPER.exists(), reason="the paper's text is not on this machine")
def test_every_quote_is_verbatim_in_the_paper():
    text = PAPER.read_text(encoding="utf-8")
    items = cl.read_checklist()
    quoted = items.loc[items["paper_quote"].ne("")]
    assert [q for q in quoted["paper_quote"] if q not in text] == []


def _write(tmp_path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "checklist.csv"
    frame.to_csv(path, index=False)
    return path


def test_the_loader_refuses_a_file_without_a_column(tmp_path):
    frame = cl.read_checklist().drop(columns=["paper_quote"])
    with pytest.raises(cl.ChecklistFileError, match="missing column 'paper_quote'"):
        cl.read_checklist(_write(tmp_path, frame))


def test_the_loader_refuses_a_missing_file(tmp_path):
    with pytest.raises(cl.ChecklistFileError, match="does not exist"):
        cl.read_checklist(tmp_path / "none.csv")


def test_the_loader_lists_every_problem_of_a_malformed_file(tmp_path):
    frame = cl.read_checklist()
    frame.loc[0, "paper_quote"] = ""  # reported without a quote (line 2)
    frame.loc[1, "paper"] = "maybe"  # not a status (line 3)
    frame.loc[2, "book"] = "primary;no_such_chapter"  # unknown slug (line 4)
    frame.loc[3, "check"] = "magic"  # unknown check (line 5)
    frame.loc[4, "item"] = "T1"  # duplicate of line 2 (line 6)
    frame.loc[6, "paper_quote"] = "a quote of an unreported item"  # T7 (line 8)
    frame.loc[9, "note"] = ""  # T10 is not reported and says nothing (line 11)
    frame.loc[10, "guideline"] = "STROBE"  # T11 leaves TREND: 21 items (line 12)
    frame.loc[11, "text"] = ""  # line 13
    with pytest.raises(cl.ChecklistFileError) as err:
        cl.read_checklist(_write(tmp_path, frame))
    problems = err.value.problems
    expected = [
        "line 2, column paper_quote: a reported item needs a quote",
        "line 3, column paper: 'maybe' is not one of",
        "line 4, column book: 'no_such_chapter' is no chapter slug",
        "line 5, column check: 'magic' is not one of",
        "line 6, column item: 'T1' is listed twice",
        "line 8, column paper_quote: an unreported item quotes text",
        "line 11, column note: say why the item is not reported",
        "line 12, column guideline: 'STROBE' is not one of",
        "line 13, column text: empty",
        "the TREND items must be numbered 1 to 22, each once",
    ]
    for e in expected:
        assert any(p.startswith(e) for p in problems), e
    assert len(problems) == len(expected)


# ------------------------------------------------------------------ flow


def _table(rows):
    """Participants: (arm, status, per_protocol)."""
    return pd.DataFrame(rows, columns=["arm", "status", "per_protocol"])


_FLOW_TABLE = _table(
    [
        ("MSC", "completed", True),
        ("MSC", "completed", True),
        ("MSC", "discontinued", False),
        ("control", "completed", True),
        ("control", "completed", True),
    ]
)


def _flow_results(msc=(3, 1, 2), control=(2, 0, 2), primary=(2, 2)):
    rows = []
    for arm, (a, d, p), n in (("msc", msc, primary[0]), ("control", control, primary[1])):
        rows += [
            {"key": f"trial_profile.assigned.{arm}.n", "value": a},
            {"key": f"trial_profile.discontinued.{arm}.n", "value": d},
            {"key": f"trial_profile.analysed.{arm}.n", "value": p},
            {"key": f"primary.remission.{arm}.n", "value": n},
            {"key": f"primary.remission.{arm}.missing", "value": 0},
        ]
    return pd.DataFrame(rows)


def test_flow_passes_when_every_count_adds_up():
    # MSC: 3 assigned = 1 discontinued + 2 analysed; control: 2 = 0 + 2
    f = cl.check_flow(_FLOW_TABLE, _flow_results())
    assert f["status"] == "passes"
    assert f["arms"]["msc"] == {
        "assigned": 3,
        "discontinued": 1,
        "per_protocol": 2,
        "consistent": True,
    }
    assert f["detail"].startswith("MSC: 3 assigned = 1 discontinued + 2 analysed")


def test_flow_fails_when_a_chapter_counts_otherwise_or_a_completer_is_not_analysed():
    # the trial profile says 4 assigned to MSC, the data 3
    assert cl.check_flow(_FLOW_TABLE, _flow_results(msc=(4, 1, 2)))["status"] == "fails"
    # the primary analysis has 3 MSC denominators, the per-protocol set 2
    assert cl.check_flow(_FLOW_TABLE, _flow_results(primary=(3, 2)))["status"] == "fails"
    # an MSC completer who missed an infusion: 3 assigned != 1 + 1
    table = _FLOW_TABLE.copy()
    table.loc[1, "per_protocol"] = False
    f = cl.check_flow(table, _flow_results(msc=(3, 1, 1), primary=(1, 2)))
    assert f["status"] == "fails"
    assert "does not add up" in f["detail"]


def test_flow_cannot_be_checked_without_the_chapters_counts():
    f = cl.check_flow(_FLOW_TABLE, pd.DataFrame({"key": [], "value": []}))
    assert f["status"] == "cannot be checked"


# ------------------------------------------------------------------ SMDs


def test_baseline_smds_by_hand():
    pp = pd.DataFrame(
        {
            "arm": ["MSC", "MSC", "control", "control"],
            "age": [20.0, 30.0, 10.0, 20.0],
            "male": [1.0, 0.0, 0.0, 0.0],
            "dose": [0.5, 0.5, 0.5, 0.5],
        }
    )
    out = cl.check_baseline_smd(
        pp, covariates={"age": "age", "male": "male", "dose": "dose"}
    )
    # age: means 25 and 15, variances 50 and 50: 10 / sqrt(50) = 1.41421
    assert out["smd"]["age"] == pytest.approx(10 / math.sqrt(50), rel=1e-12)
    # male: p 0.5 and 0: 0.5 / sqrt((0.25 + 0) / 2) = 1.41421
    assert out["smd"]["male"] == pytest.approx(0.5 / math.sqrt(0.125), rel=1e-12)
    # dose is constant in both arms: no SMD
    assert math.isnan(out["smd"]["dose"])
    assert out["status"] == "fails"
    assert out["imbalanced"] == ["age", "male"]
    assert out["max_abs"] == pytest.approx(1.4142135623730951)
    assert "no SMD for dose" in out["detail"]


def test_baseline_smds_pass_when_balanced_and_cannot_be_checked_on_one_participant():
    pp = pd.DataFrame({"arm": ["MSC", "MSC", "control", "control"], "x": [1.0, 2, 1, 2]})
    out = cl.check_baseline_smd(pp, covariates={"x": "x"})
    assert out["status"] == "passes" and out["smd"]["x"] == 0.0  # equal means
    tiny = pd.DataFrame({"arm": ["MSC", "control"], "x": [1.0, 2.0]})
    out = cl.check_baseline_smd(tiny, covariates={"x": "x"})
    assert out["status"] == "cannot be checked"
    assert not _BAD.search(out["detail"])


def test_default_data_smds_equal_the_baseline_chapter():
    from ucmsc_repro.core.settings import AnalysisSettings
    from ucmsc_repro.data.loading import load_dataset

    table = load_dataset(None).table(AnalysisSettings())
    out = cl.check_baseline_smd(table.loc[table["per_protocol"]])
    # R 4.x, on data/synthetic (27 MSC and 26 control per protocol):
    #   s <- read.csv("subjects.csv"); v <- read.csv("visits.csv")
    #   pp <- s[s$status == "completed" &
    #           (s$arm == "control" | s$infusions_received == 2), ]
    #   d <- merge(pp, v[v$month == 0, c("subject_id", "insulin_iu_kg_day")])
    #   a <- d$insulin_iu_kg_day[d$arm == "MSC"]
    #   b <- d$insulin_iu_kg_day[d$arm == "control"]
    #   (mean(a) - mean(b)) / sqrt((var(a) + var(b)) / 2)         # -1.081808467342654
    #   m <- d$sex == "M"; p1 <- mean(m[d$arm == "MSC"]); p2 <- mean(m[d$arm == "control"])
    #   (p1 - p2) / sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2)     # -0.039958920511785
    # (the baseline chapter's baseline.insulin_iu_kg_day.smd is the same number)
    assert out["smd"]["insulin_iu_kg_day_0"] == pytest.approx(-1.081808467342654, rel=1e-9)
    assert out["smd"]["male"] == pytest.approx(-0.039958920511785, rel=1e-9)
    assert out["status"] == "fails"


# ------------------------------------------------------------ denominators


def test_denominators_count_estimates_and_find_the_ones_without_n():
    res = pd.DataFrame(
        {
            "key": ["a.x.pct", "a.x.n", "a.pval", "a.rd_mn", "a.mean", "scorecard.x.pct"],
            "value": [1.0, 2.0, NAN, 0.3, 4.0, 5.0],
            "n": [10.0, NAN, 20.0, 0.0, NAN, NAN],
            "chapter": ["a"] * 5 + ["scorecard"],
        }
    )
    d = cl.check_denominators(res)
    # estimates: pct, pval, rd_mn, mean (a count and the scorecard's row are not)
    assert d["estimates"] == 4
    assert d["with_n"] == 2  # pct (10) and pval (20); rd_mn has n = 0, mean none
    assert d["without"] == ["a.rd_mn", "a.mean"]
    assert d["status"] == "fails"
    assert cl.check_denominators(res.iloc[:0])["status"] == "cannot be checked"


# ------------------------------------------------------- absolute and relative


def test_absolute_and_relative_effects():
    res = pd.DataFrame(
        {
            "key": [
                "primary.remission.risk_difference",
                "primary.remission.risk_ratio",
                "primary.insulin_free.risk_difference",
            ],
            "value": [29.2, 3.53, 11.1],
            "ci_low": [5.4, 1.11, NAN],
            "ci_high": [49.2, 11.2, NAN],
        }
    )
    out = cl.check_absolute_relative(
        res, outcomes={"remission": "remission", "insulin_free": "insulin independence"}
    )
    assert out["outcomes"] == {
        "remission": {"absolute": True, "relative": True},
        "insulin_free": {"absolute": False, "relative": False},  # no interval, no ratio
    }
    assert out["status"] == "fails"
    assert out["detail"] == (
        "missing with an interval: insulin independence (absolute and relative)"
    )


# ------------------------------------------------------------------ display


def test_the_table_shows_every_item_and_no_missing_value():
    items = cl.read_checklist()
    checks = {
        "flow": cl.check_flow(_FLOW_TABLE, _flow_results()),
        "denominators": cl.check_denominators(pd.DataFrame({"key": [], "value": []})),
    }
    table = cl.markdown_table(items, checks)
    assert table.count("\n") == 2 + len(items)
    assert not _BAD.search(table)
    assert "**passes**: MSC: 3 assigned" in table
    assert "not computed on this page" in table  # baseline_smd was not run here
    assert "[Trial profile](01_trial_profile.ipynb)" in table
    assert "[Confounding and other reasonable choices](10_confounding.ipynb)" in table
    assert (
        "[The models a type 1 diabetes trial is judged by](11_trial_models.ipynb)" in table
    )
