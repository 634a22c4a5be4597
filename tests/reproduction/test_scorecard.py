"""Tests of ucmsc_repro.reproduction.scorecard: claims against results, statuses, counts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ucmsc_repro.book.chapter import collect_results
from ucmsc_repro.core.results_table import RESULT_COLUMNS
from ucmsc_repro.data import claims as cl
from ucmsc_repro.reproduction import scorecard as sc

COLUMNS = cl.CLAIM_COLUMNS


def _claims(tmp_path, rows):
    """A claims table through the real reader (so the test uses real parsing)."""
    base = {
        "section": "Results: Efficacy evaluation",
        "sentence": "a sentence",
        "calibrate": "yes",
        "status_hint": "",
        "note": "",
    }
    frame = pd.DataFrame([{**base, **r} for r in rows], columns=COLUMNS)
    path = tmp_path / "claims.csv"
    frame.to_csv(path, index=False)
    return cl.read_claims(path)


def _results(values: dict, ci: dict | None = None):
    ci = ci or {}
    return pd.DataFrame(
        [
            {
                "key": k,
                "value": v,
                "ci_low": ci.get(k, (math.nan, math.nan))[0],
                "ci_high": ci.get(k, (math.nan, math.nan))[1],
                "method": "m",
                "n": math.nan,
                "chapter": "primary",
            }
            for k, v in values.items()
        ]
    )


PCT = {
    "key": "primary.remission.msc.pct",
    "reported": "40.7",
    "decimals": "1",
    "relation": "eq",
}


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        # Hand-rounded: the digit after the last kept one is 5, so round up.
        (0.125, 2, "0.13"),  # Python's round(0.125, 2) gives 0.12 (ties to even)
        (2.5, 0, "3"),  # round(2.5) == 2 in Python
        (-2.5, 0, "-3"),  # ties away from zero
        (0.0415, 3, "0.042"),  # binary 0.04149999... is read as the decimal 0.0415
        (11 / 27 * 100, 1, "40.7"),  # 40.7407...
        (3 / 26 * 100, 1, "11.5"),  # 11.5384...
        (68.48, 1, "68.5"),
        (1.2805, 3, "1.281"),
        (4.0, 2, "4.00"),
    ],
)
def test_round_half_up_rounds_ties_up_at_the_printed_decimals(value, decimals, expected):
    assert str(sc.round_half_up(value, decimals)) == expected


def test_round_half_up_refuses_nan():
    with pytest.raises(ValueError):
        sc.round_half_up(float("nan"), 1)


def test_claim_turns_from_reproduced_to_differs_when_the_result_changes(tmp_path):
    claims = _claims(tmp_path, [PCT])
    same = sc.evaluate_claims(claims, _results({PCT["key"]: 100 * 11 / 27}))
    assert same.loc[0, "status"] == "reproduced"
    assert same.loc[0, "reproduced_rounded"] == "40.7"
    changed = sc.evaluate_claims(claims, _results({PCT["key"]: 100 * 12 / 27}))
    assert changed.loc[0, "status"] == "differs"
    assert changed.loc[0, "reproduced_rounded"] == "44.4"
    # 100 * 12 / 27 - 40.7 = 44.444... - 40.7
    assert changed.loc[0, "difference"] == pytest.approx(100 * 12 / 27 - 40.7)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (40.65, "reproduced"),
        (40.7499, "reproduced"),
        (40.75, "differs"),
        (40.6499, "differs"),
    ],
)
def test_eq_claim_holds_exactly_within_half_a_printed_unit(tmp_path, value, status):
    card = sc.evaluate_claims(_claims(tmp_path, [PCT]), _results({PCT["key"]: value}))
    assert card.loc[0, "status"] == status


@pytest.mark.parametrize(
    ("relation", "bound", "value", "status"),
    [
        ("lt", "0.05", 0.016, "reproduced"),
        ("lt", "0.05", 0.05, "differs"),  # p = 0.05 is not p < 0.05
        ("le", "38.3", 38.3, "reproduced"),
        ("le", "38.3", 38.31, "differs"),  # bounds compare the unrounded value
        ("gt", "0", 0.2, "reproduced"),
        ("gt", "0", -0.2, "differs"),
        ("ge", "0.05", 0.05, "reproduced"),
        ("ge", "0.05", 0.0499, "differs"),
    ],
)
def test_bound_claims_compare_the_unrounded_value(tmp_path, relation, bound, value, status):
    row = {"key": "x.y.pval", "reported": bound, "decimals": "", "relation": relation}
    card = sc.evaluate_claims(_claims(tmp_path, [row]), _results({"x.y.pval": value}))
    assert card.loc[0, "status"] == status


def test_ci_claim_reads_the_ci_column_of_the_base_row(tmp_path):
    rows = [
        {
            "key": "factors.stepwise.fcp_pmol_l_0.or.ci_low",
            "reported": "0.966",
            "decimals": "3",
            "relation": "eq",
        },
        {
            "key": "factors.stepwise.fcp_pmol_l_0.or.ci_high",
            "reported": "0.997",
            "decimals": "3",
            "relation": "eq",
        },
    ]
    res = _results(
        {"factors.stepwise.fcp_pmol_l_0.or": 0.982},
        ci={"factors.stepwise.fcp_pmol_l_0.or": (0.9664, 0.9975)},
    )
    card = sc.evaluate_claims(_claims(tmp_path, rows), res)
    assert card["reproduced"].tolist() == [0.9664, 0.9975]
    # 0.9664 -> 0.966 (reproduced); 0.9975 -> 0.998, not 0.997 (differs)
    assert card["status"].tolist() == ["reproduced", "differs"]


def test_hint_sets_the_status_but_the_data_are_still_shown(tmp_path):
    rows = [
        {
            "key": "primary.remission.risk_ratio",
            "reported": "2.5",
            "decimals": "1",
            "relation": "eq",
            "calibrate": "no",
            "status_hint": "inconsistent",
            "note": "40.7 / 11.5 is not 2.5",
        },
        {
            "key": "methods.dexamethasone_mg",
            "reported": "2.5",
            "decimals": "1",
            "relation": "eq",
            "calibrate": "no",
            "status_hint": "not_computable",
            "note": "not in the data contract",
        },
    ]
    res = _results({"primary.remission.risk_ratio": (11 / 27) / (3 / 26)})
    card = sc.evaluate_claims(_claims(tmp_path, rows), res)
    assert card["status"].tolist() == ["inconsistent", "not_computable"]
    # (11/27) / (3/26) = 286/81 = 3.53..., shown as 3.5
    assert card.loc[0, "reproduced_rounded"] == "3.5"
    assert not pd.isna(card.loc[0, "agrees"])
    assert not card.loc[0, "agrees"]
    assert pd.isna(card.loc[1, "agrees"])


def test_absent_key_or_nan_value_is_missing(tmp_path):
    rows = [PCT, {**PCT, "key": "primary.remission.control.pct", "reported": "11.5"}]
    res = _results({"primary.remission.control.pct": float("nan")})
    card = sc.evaluate_claims(_claims(tmp_path, rows), res)
    assert card["status"].tolist() == ["missing", "missing"]
    assert sc.missing_keys(card)["key"].tolist() == [
        PCT["key"],
        "primary.remission.control.pct",
    ]


def test_duplicate_result_keys_are_refused(tmp_path):
    res = pd.concat([_results({PCT["key"]: 40.7})] * 2)
    with pytest.raises(ValueError, match="same key twice"):
        sc.evaluate_claims(_claims(tmp_path, [PCT]), res)


def test_status_counts_list_every_status_and_add_up(tmp_path):
    rows = [PCT, {**PCT, "key": "a.b", "reported": "1.0"}]
    card = sc.evaluate_claims(_claims(tmp_path, rows), _results({PCT["key"]: 40.7}))
    counts = sc.status_counts(card)
    assert counts["status"].tolist() == list(sc.STATUSES)
    assert counts.set_index("status")["n"].to_dict() == {
        "reproduced": 1,
        "differs": 0,
        "not_computable": 0,
        "inconsistent": 0,
        "missing": 1,
    }
    assert counts["pct"].sum() == pytest.approx(100.0)


def test_section_counts_keep_the_paper_order(tmp_path):
    rows = [
        {**PCT, "section": "Abstract"},
        {**PCT, "section": "Discussion", "sentence": "other"},
        {**PCT, "key": "a.b", "section": "Abstract", "sentence": "third"},
    ]
    card = sc.evaluate_claims(_claims(tmp_path, rows), _results({PCT["key"]: 40.7}))
    table = sc.section_counts(card)
    assert table["section"].tolist() == ["Abstract", "Discussion"]
    assert table["total"].tolist() == [2, 1]
    assert table["reproduced"].tolist() == [1, 1]
    assert table["not yet computed"].tolist() == [1, 0]  # the shared word for "missing"
    assert "differs" not in table  # a status no claim has gets no column


def test_every_page_and_scorecard_csv_use_the_shared_words(tmp_path):
    rows = [PCT, {**PCT, "key": "a.b", "sentence": "other"}]
    card = sc.evaluate_claims(_claims(tmp_path, rows), _results({PCT["key"]: 40.7}))
    assert sc.display_frame(card)["status"].tolist() == ["reproduced", "not yet computed"]
    shown = sc.status_display(card).set_index("status")["claims"]
    assert shown["not yet computed"] == 1 and shown["reproduced"] == 1 and shown.sum() == 2
    written = pd.read_csv(sc.write_scorecard(card, tmp_path / "out"))
    assert written["status"].tolist() == ["reproduced", "not yet computed"]


def test_scorecard_csv_has_the_documented_columns(tmp_path):
    card = sc.evaluate_claims(_claims(tmp_path, [PCT]), _results({PCT["key"]: 40.7}))
    assert sc.write_scorecard(card, None) is None
    path = sc.write_scorecard(card, tmp_path / "out")
    written = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(written.columns)[:5] == [
        "key",
        "reported",
        "reproduced",
        "status",
        "section",
    ]
    assert list(written.columns) == sc.SCORECARD_CSV_COLUMNS
    assert written.loc[0, "status"] == "reproduced"


def test_chapter_results_count_the_claims_per_status(tmp_path):
    rows = [PCT, {**PCT, "key": "a.b", "reported": "1.0"}]
    card = sc.evaluate_claims(_claims(tmp_path, rows), _results({PCT["key"]: 44.0}))
    res = sc.results(None, card=card).set_index("key")["value"]
    assert res["scorecard.claims.all.n"] == 2
    assert res["scorecard.differs.all.n"] == 1
    assert res["scorecard.missing.all.n"] == 1
    assert res["scorecard.checked.all.n"] == 1
    assert res["scorecard.reproduced.checked.pct"] == 0
    assert res["scorecard.excluded.all.n"] == len(cl.read_excluded())


def test_unclaimed_results_are_those_no_claim_points_to(tmp_path):
    res = _results({PCT["key"]: 40.7, "primary.remission.msc.events": 11})
    left = sc.unclaimed_results(_claims(tmp_path, [PCT]), res)
    assert left["key"].tolist() == ["primary.remission.msc.events"]


def test_collect_results_runs_the_other_chapters_on_the_default_data():
    res = collect_results()
    assert list(res.columns) == RESULT_COLUMNS
    assert not res["key"].duplicated().any()
    assert not set(res["chapter"]) & set(sc.OWN_CHAPTERS)
    assert "trial_profile.enrolled.all.n" in set(res["key"])


def test_gather_results_prefers_the_files_the_chapters_wrote(tmp_path):
    from ucmsc_repro.book.chapter import open_chapter

    ch = open_chapter("scorecard", show_banner=False, glue=False)
    fresh = collect_results()
    # no files: recomputed
    _, source = sc.gather_results(ch, results_dir=tmp_path)
    assert source == "recomputed"
    # every chapter's file present: read from disk, with a changed value
    changed = fresh.copy()
    changed.loc[changed["key"].eq("trial_profile.enrolled.all.n"), "value"] = 99.0
    for slug, part in changed.groupby("chapter"):
        part.to_csv(tmp_path / f"{slug}.csv", index=False)
    got, source = sc.gather_results(ch, results_dir=tmp_path)
    assert source == "recorded"
    assert got.set_index("key").loc["trial_profile.enrolled.all.n", "value"] == 99.0


def test_shared_status_counts_add_up_to_the_claims(tmp_path):
    # one reproduced claim and one that differs (12/27 = 44.4% against 40.7%): in the
    # vocabulary shared with the audit, 1 reproduced + 1 differs = 2 claims
    from types import SimpleNamespace

    from ucmsc_repro.reproduction.decisions import SHARED_STATUSES, status_key

    other = {**PCT, "key": "primary.remission.msc.pct.copy"}
    claims = _claims(tmp_path, [PCT, other])
    card = sc.evaluate_claims(
        claims, _results({PCT["key"]: 100 * 11 / 27, other["key"]: 100 * 12 / 27})
    )
    ch = SimpleNamespace(settings=SimpleNamespace(alpha=0.05))
    res = sc.results(ch, card=card).set_index("key")["value"]
    slugs = [status_key(s) for s in SHARED_STATUSES]
    assert sum(res[f"scorecard.status.{s}.n"] for s in slugs) == 2
    assert res["scorecard.status.reproduced.n"] == 1
    assert res["scorecard.status.differs.n"] == 1
