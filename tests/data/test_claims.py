"""Tests of ucmsc_repro.data.claims: the claims file and its validation."""

from __future__ import annotations

import pandas as pd
import pytest

from ucmsc_repro.data import claims as cl

GOOD_ROW = {
    "key": "primary.remission.msc.pct",
    "reported": "40.7",
    "decimals": "1",
    "relation": "eq",
    "section": "Abstract",
    "sentence": "40.7% subjects in MSC-treated group achieved the primary endpoint",
    "calibrate": "yes",
    "status_hint": "",
    "note": "",
}


def _write(tmp_path, rows):
    path = tmp_path / "claims.csv"
    pd.DataFrame(rows, columns=cl.CLAIM_COLUMNS).to_csv(path, index=False)
    return path


def test_shipped_claims_file_is_valid_and_covers_every_section():
    c = cl.read_claims()
    sections = set(c["section"])
    assert {"Abstract", "Methods", "Discussion"} <= sections
    assert any(s.startswith("Results: ") for s in sections)
    assert c["claim_id"].tolist() == list(range(1, len(c) + 1))


@pytest.mark.parametrize(
    ("key", "relation", "reported"),
    [
        # The numbers below are typed from the paper's text (Results and Discussion).
        ("primary.remission.msc.pct", "eq", "40.7"),
        ("primary.remission.control.pct", "eq", "11.5"),
        ("primary.power.pooled_z", "eq", "68.4"),
        ("factors.stepwise.msc_cells_total.or.ci_high", "eq", "1.280"),
        ("adverse_events.fever.max_temp_c.max", "le", "38.3"),
        ("baseline.insulin_iu_kg_day.pval", "lt", "0.05"),
    ],
)
def test_shipped_claims_include_key_statements(key, relation, reported):
    c = cl.read_claims()
    hit = c.loc[c["key"].eq(key) & c["relation"].eq(relation) & c["reported"].eq(reported)]
    assert len(hit) >= 1


def test_shipped_excluded_file_is_valid_and_names_other_studies():
    ex = cl.read_excluded()
    summary = cl.exclusion_summary(ex)
    assert summary["n"].sum() == len(ex)
    assert "other_study" in set(summary["reason"])


def test_reported_value_and_printed_decimals_are_parsed(tmp_path):
    rows = [
        GOOD_ROW,
        dict(GOOD_ROW, key="factors.whole.msc.pval", reported="0.040", decimals="3"),
    ]
    c = cl.read_claims(_write(tmp_path, rows))
    assert c["value"].tolist() == [40.7, 0.04]
    assert c["digits"].tolist() == [1, 3]
    assert c["reported"].tolist() == ["40.7", "0.040"]


def test_ci_claim_reads_the_ci_column_of_the_base_key(tmp_path):
    row = dict(
        GOOD_ROW,
        key="factors.stepwise.fcp_pmol_l_0.or.ci_low",
        reported="0.966",
        decimals="3",
    )
    c = cl.read_claims(_write(tmp_path, [row]))
    assert c.loc[0, "base_key"] == "factors.stepwise.fcp_pmol_l_0.or"
    assert c.loc[0, "column"] == "ci_low"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reported": "forty"}, "is not a number"),
        ({"relation": "approx"}, "is not one of"),
        ({"decimals": "2"}, "does not match the 1 decimals"),
        ({"decimals": ""}, "must be a whole number"),
        ({"relation": "lt", "decimals": "1"}, "must be empty for a bound"),
        ({"calibrate": "maybe"}, "must be 'yes' or 'no'"),
        ({"status_hint": "wrong"}, "must be empty or one of"),
        ({"status_hint": "inconsistent", "calibrate": "no"}, "must say why"),
        ({"status_hint": "not_computable", "note": "x"}, "cannot be a calibration target"),
        ({"key": "Primary remission"}, "is not a dotted lower-case name"),
        ({"sentence": ""}, "column sentence: must not be empty"),
    ],
)
def test_bad_claim_row_is_reported_with_its_line_and_column(tmp_path, change, message):
    with pytest.raises(cl.ClaimsFileError) as err:
        cl.read_claims(_write(tmp_path, [GOOD_ROW, {**GOOD_ROW, "key": "a.b", **change}]))
    assert message in str(err.value)
    assert "line 3" in str(err.value)


def test_every_problem_of_the_file_is_reported_at_once(tmp_path):
    rows = [dict(GOOD_ROW, reported="x"), dict(GOOD_ROW, key="a.b", calibrate="?")]
    with pytest.raises(cl.ClaimsFileError) as err:
        cl.read_claims(_write(tmp_path, rows))
    assert len(err.value.problems) == 2


def test_duplicate_claim_from_the_same_sentence_is_an_error(tmp_path):
    with pytest.raises(cl.ClaimsFileError, match="repeats the claim"):
        cl.read_claims(_write(tmp_path, [GOOD_ROW, GOOD_ROW]))


def test_same_number_in_two_sections_is_one_calibration_target(tmp_path):
    rows = [GOOD_ROW, dict(GOOD_ROW, section="Discussion", sentence="another sentence")]
    c = cl.read_claims(_write(tmp_path, rows))
    assert len(c) == 2
    assert len(cl.calibration_targets(c)) == 1


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "claims.csv"
    pd.DataFrame([GOOD_ROW]).drop(columns="relation").to_csv(path, index=False)
    with pytest.raises(cl.ClaimsFileError, match="missing column 'relation'"):
        cl.read_claims(path)


def test_unknown_exclusion_reason_is_an_error(tmp_path):
    path = tmp_path / "ex.csv"
    pd.DataFrame(
        [
            {
                "section": "Discussion",
                "sentence": "s",
                "numbers": "1",
                "reason": "boring",
                "note": "",
            }
        ]
    ).to_csv(path, index=False)
    with pytest.raises(cl.ClaimsFileError, match="'boring' is not one of"):
        cl.read_excluded(path)
