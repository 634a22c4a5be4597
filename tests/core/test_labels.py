"""The reader's words: every identifier that reaches a page has one."""

from __future__ import annotations

import pandas as pd
import pytest

from ucmsc_repro.core.labels import LABELS, is_identifier, key_label, label, relabel
from ucmsc_repro.data.claims import read_excluded
from ucmsc_repro.reproduction.scorecard import STATUSES


@pytest.mark.parametrize(
    "word,text",
    [
        ("dk_or_dka", "DK or DKA at onset"),
        ("no_dk", "no DK or DKA at onset"),
        ("completed_not_per_protocol", "completed, not per protocol"),
        ("not_computable", "not computable"),
        ("missing", "not yet computed"),
    ],
)
def test_issue_identifiers_have_words(word, text):
    assert label(word) == text


def test_every_scorecard_status_and_exclusion_reason_has_a_word():
    for word in (*STATUSES, *read_excluded()["reason"].unique()):
        assert word in LABELS or not is_identifier(word), word
        assert not is_identifier(label(word)), word


def test_keys_read_as_words():
    assert (
        key_label("factors.whole.msc.pval")
        == "remission factors, whole sample, MSC, p-value"
    )
    assert key_label("primary.remission.pval_chi2") == (
        "primary endpoint, remission, p-value (chi-square)"
    )
    text = key_label("trial_profile.discontinued.msc.did_not_adhere_to_protocol.month_max")
    assert "_" not in text


def test_unknown_identifiers_never_reach_a_page_as_snake_case():
    assert label("brand_new_status") == "brand new status"
    assert label("Plain words") == "Plain words" and label(3.5) == 3.5


def test_relabel_changes_identifiers_only():
    frame = pd.DataFrame({"s": ["not_computable", "MSC", "a.b.c_d"], "n": [1, 2, 3]})
    out = relabel(frame)
    assert out["s"].tolist() == ["not computable", "MSC", "a, b, c d"]
    words_only = relabel(pd.DataFrame({"s": ["missing", "adult", "none"]}))
    assert words_only["s"].tolist() == ["missing", "adult", "none"]  # words stay
    assert out["n"].tolist() == [1, 2, 3]
    assert frame["s"][0] == "not_computable"  # a copy
