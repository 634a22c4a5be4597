"""Tests of ucmsc_repro.reproduction.robustness (the verdict): each rule on hand-made
results, the verdict data, the links and the counts.

The rules are checked against hand-made results frames, with the arithmetic the
rule must do written beside each expected status.
"""

from __future__ import annotations

import json
import math
import re

import nbformat
import pandas as pd
import pytest

from ucmsc_repro.chapters import CHAPTERS
from ucmsc_repro.core.paths import NOTEBOOKS
from ucmsc_repro.reproduction import robustness as vd

NAN = math.nan
_BAD = re.compile(r"(?<![\w.-])(nan|NaN|inf|-inf|None|<NA>|NaT)(?![\w-])")


def _res(values: dict, ci: dict | None = None) -> pd.DataFrame:
    ci = ci or {}
    return pd.DataFrame(
        [
            {
                "key": k,
                "value": v,
                "ci_low": ci.get(k, (NAN, NAN))[0],
                "ci_high": ci.get(k, (NAN, NAN))[1],
            }
            for k, v in values.items()
        ]
    )


def _status(rule, values, ci=None, alpha=0.05) -> str:
    ev = (vd.Evidence("remission", "primary", "x", "X", rule, "an analysis"),)
    return vd.evaluate(_res(values, ci), alpha=alpha, evidence=ev)["status"].iloc[0]


# --------------------------------------------------------------------------- PBelow


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # 0.016 < 0.05 and 29.2 - 0 > 0
        ({"p": 0.016, "rd": 29.2}, "supports"),
        # 0.057 >= 0.05
        ({"p": 0.057, "rd": 29.2}, "does not support"),
        # p = alpha exactly is not below alpha
        ({"p": 0.05, "rd": 29.2}, "does not support"),
        # significant, but the effect has the other sign: -5 - 0 < 0
        ({"p": 0.001, "rd": -5.0}, "does not support"),
        # a key is absent: the chapter has not recorded it
        ({"p": 0.016}, "not yet computed"),
        ({}, "not yet computed"),
        # present without a value: the chapter could not compute it
        ({"p": NAN, "rd": 29.2}, "cannot be computed on these data"),
        ({"p": 0.016, "rd": math.inf}, "cannot be computed on these data"),
    ],
)
def test_p_below_rule_on_hand_made_results(values, expected):
    assert _status(vd.PBelow("p", effect="rd"), values) == expected


def test_p_below_rule_for_a_ratio_below_one_and_a_difference_of_means():
    # odds ratio 0.99 for lower fasting C-peptide: (0.99 - 1) * -1 = 0.01 > 0
    rule = vd.PBelow("p", effect="or", null=1.0, direction=-1)
    assert _status(rule, {"p": 0.046, "or": 0.99}) == "supports"
    assert _status(rule, {"p": 0.046, "or": 1.01}) == "does not support"
    # mean 0.221 - (-0.255) = 0.476 > 0
    rule = vd.PBelow("p", effect="a", minus="b")
    assert _status(rule, {"p": 0.048, "a": 0.221, "b": -0.255}) == "supports"
    assert _status(rule, {"p": 0.048, "a": -0.3, "b": -0.255}) == "does not support"


def test_p_below_rule_uses_the_alpha_of_the_settings():
    rule = vd.PBelow("p")
    assert _status(rule, {"p": 0.03}, alpha=0.05) == "supports"
    assert _status(rule, {"p": 0.03}, alpha=0.01) == "does not support"


# ----------------------------------------------------------------- IntervalExcludes


@pytest.mark.parametrize(
    ("ci", "expected"),
    [
        ((1.11, 11.2), "supports"),  # 1.11 > 1
        ((0.96, 20.1), "does not support"),  # 0.96 <= 1
        ((NAN, 11.2), "cannot be computed on these data"),
    ],
)
def test_interval_rule_on_hand_made_results(ci, expected):
    rule = vd.IntervalExcludes("rr", null=1.0)
    assert _status(rule, {"rr": 3.53}, {"rr": ci}) == expected


def test_interval_rule_below_the_null():
    rule = vd.IntervalExcludes("or", null=1.0, direction=-1)
    assert _status(rule, {"or": 0.98}, {"or": (0.966, 0.997)}) == "supports"  # 0.997 < 1
    assert _status(rule, {"or": 0.98}, {"or": (0.9, 1.02)}) == "does not support"


# ------------------------------------------------------------ OnlyFirst and Exceeds


@pytest.mark.parametrize(
    ("msc", "control", "expected"),
    [(3, 0, "supports"), (3, 1, "does not support"), (0, 0, "does not support")],
)
def test_only_first_rule(msc, control, expected):
    assert _status(vd.OnlyFirst("a", "b"), {"a": msc, "b": control}) == expected


def test_a_key_its_chapter_did_not_record_on_these_data_is_not_computable():
    # the chapter "c" ran (it recorded c.p) but recorded no c.rd on these data,
    # as the factors chapter records no term its stepwise selection left out
    assert _status(vd.PBelow("c.p", effect="c.rd"), {"c.p": 0.016}) == (
        "cannot be computed on these data"
    )
    # the chapter "d" recorded nothing: the book has no such analysis yet
    assert _status(vd.PBelow("c.p", effect="d.rd"), {"c.p": 0.016}) == "not yet computed"


def test_exceeds_rule_against_a_sum_of_keys_and_a_bound():
    rule = vd.Exceeds("f", over=("d1", "d2"))
    # fragility index 1 against 5 + 9 = 14 dropouts
    assert _status(rule, {"f": 1, "d1": 5, "d2": 9}) == "does not support"
    assert _status(rule, {"f": 15, "d1": 5, "d2": 9}) == "supports"  # 15 > 14
    assert _status(rule, {"f": 1, "d1": 5}) == "not yet computed"
    assert _status(vd.Exceeds("s", bound=0.5), {"s": 0.5}) == "does not support"
    assert _status(vd.Exceeds("s", bound=0.5), {"s": 0.51}) == "supports"


# --------------------------------------------------------------------- the data


def test_every_evidence_row_names_a_conclusion_and_a_status_of_each_kind_is_possible():
    assert {e.conclusion for e in vd.EVIDENCE} == set(vd.CONCLUSIONS)
    assert set(vd.STATUS_KEYS) == set(vd.STATUSES)


def test_guessed_keys_are_used_only_by_the_chapters_not_yet_merged():
    guessed = set(vd.GUESSED_KEYS.values())
    for e in vd.EVIDENCE:
        uses = set(e.keys) & guessed
        if e.chapter in ("confounding", "trial_models"):
            assert uses == set(e.keys), e.description  # every key from the one place
            assert e.guessed
        else:
            assert not uses and not e.guessed, e.description
        assert all(k.startswith(e.chapter + ".") for k in e.keys), e.description
    assert all(k in {k for e in vd.EVIDENCE for k in e.keys} for k in guessed)


def _recorded_keys(notebook: str) -> set[str]:
    nb = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))
    names = set()
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                names.add(name)
    return names


def test_every_key_of_the_merged_chapters_is_recorded_by_its_chapter():
    """The committed notebooks glue every key they record (the Recorder does)."""
    notebooks = {c.slug: c.notebook for c in CHAPTERS}
    for e in vd.EVIDENCE:
        if e.guessed:
            continue
        recorded = _recorded_keys(notebooks[e.chapter])
        missing = [k for k in e.keys if k not in recorded]
        assert not missing, f"{e.chapter} records no {missing}"


def test_no_results_at_all_gives_not_yet_computed_everywhere_without_crashing():
    v = vd.evaluate(pd.DataFrame(columns=["key", "value"]))
    assert len(v) == len(vd.EVIDENCE)
    assert set(v["status"]) == {"not yet computed"}
    for cid in vd.CONCLUSIONS:
        text = vd.markdown_table(v, cid)
        assert not _BAD.search(text)
        assert "not yet computed" in text


def test_a_results_frame_with_the_same_key_twice_uses_the_last_row():
    res = _res({"p": 0.2})
    res = pd.concat([res, _res({"p": 0.01})], ignore_index=True)
    assert _status(vd.PBelow("p"), {}) == "not yet computed"
    ev = (vd.Evidence("remission", "primary", "x", "X", vd.PBelow("p"), "a"),)
    assert vd.evaluate(res, evidence=ev)["status"].iloc[0] == "supports"


# ------------------------------------------------------------------- counts, words


def _verdict(statuses: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"conclusion": c, "status": s} for c, ss in statuses.items() for s in ss]
    )


def test_counts_and_results_keys():
    v = _verdict(
        {
            "remission": ["supports", "supports", "does not support", "not yet computed"],
            "insulin_free": ["cannot be computed on these data"],
        }
    )
    res = vd.results(None, verdict=v).set_index("key")["value"]
    assert res["robustness.remission.rows.n"] == 4
    assert res["robustness.remission.supports.n"] == 2
    assert res["robustness.remission.does_not_support.n"] == 1
    assert res["robustness.remission.not_yet_computed.n"] == 1
    assert res["robustness.insulin_free.not_computable.n"] == 1
    assert res["robustness.cell_dose.rows.n"] == 0  # a conclusion without rows
    assert res["robustness.all.rows.n"] == 5  # 4 + 1
    assert res["robustness.all.supports.n"] == 2
    assert res.notna().all()


@pytest.mark.parametrize(
    ("counts", "sentence"),
    [
        ((3, 2, 1, 0, 0), "Of 3 analyses, 2 support it and 1 does not."),
        (
            (2, 1, 0, 1, 0),
            "Of 2 analyses, 1 supports it and 0 do not; 1 cannot be "
            "computed on these data.",
        ),
        (
            (4, 0, 1, 0, 3),
            "Of 4 analyses, 0 support it and 1 does not; 3 are not yet computed.",
        ),
        ((2, 0, 0, 2, 0), "Its 2 analyses are not computable on these data."),
        ((1, 0, 0, 0, 1), "Its analysis is not yet computed."),
        (
            (3, 0, 0, 1, 2),
            "Of 3 analyses, 1 cannot be computed on these data and 2 are not yet computed.",
        ),
        ((0, 0, 0, 0, 0), "No analysis of the book bears on it yet."),
    ],
)
def test_conclusion_sentence(counts, sentence):
    keys = ("rows", *vd.STATUSES)
    assert vd.conclusion_sentence(dict(zip(keys, counts, strict=True))) == sentence


# -------------------------------------------------------------------------- links


def test_links_go_to_the_chapter_page_until_the_section_label_exists(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("(dropouts-fragility)=\n## Fragility")]
    )
    nbformat.write(nb, tmp_path / "09_dropouts.ipynb")
    monkeypatch.setattr(vd, "NOTEBOOKS", tmp_path)
    assert vd.notebook_labels("09_dropouts.ipynb") == {"dropouts-fragility"}
    assert (
        vd.chapter_link("dropouts", "dropouts-fragility", "Fragility")
        == "{ref}`Dropouts and small samples: Fragility <dropouts-fragility>`"
    )
    assert (
        vd.chapter_link("dropouts", "dropouts-itt", "ITT")
        == "[Dropouts and small samples: ITT](09_dropouts.ipynb)"
    )
    # a chapter whose notebook is not in the book is named, never linked
    assert vd.chapter_link("primary", "x", "Tests") == "Tests (not yet in the book)"
    assert vd.chapter_link("confounding") == "confounding (not yet in the book)"


def test_the_table_of_the_default_results_has_no_missing_value_in_words():
    res = _res(
        {
            "primary.remission.pval": 0.0159,
            "primary.remission.risk_difference": 29.2,
            "primary.remission.risk_ratio": 3.53,
        },
        {"primary.remission.risk_ratio": (1.11, 11.23)},
    )
    v = vd.evaluate(res)
    first = v.iloc[0]
    assert first["status"] == "supports"  # 0.0159 < 0.05, 29.2 > 0
    assert first["result"] == "p = 0.016; estimate 29.2"
    table = vd.markdown_table(v, "remission")
    assert not _BAD.search(table)
    assert table.count("\n") == 2 + sum(e.conclusion == "remission" for e in vd.EVIDENCE)
