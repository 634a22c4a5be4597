"""Tests of ucmsc_repro.reproduction.decisions, with the hand computations beside them."""

from __future__ import annotations

import pandas as pd
import pytest

from ucmsc_repro.reproduction import decisions as d


def _listed(column: pd.Series) -> list:
    """The column's values with every missing value as None."""
    return [None if pd.isna(v) else v for v in column]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.041", ("eq", "0.041")),
        ("p = 0.041", ("eq", "0.041")),
        ("P=0.023", ("eq", "0.023")),
        ("< 0.05", ("lt", "0.05")),
        ("p<0.001", ("lt", "0.001")),
        ("<= 0.05", ("le", "0.05")),
        ("≤ 0.05", ("le", "0.05")),
        ("> 0.05", ("gt", "0.05")),
        (">= 0.05", ("ge", "0.05")),
        ("≥0.05", ("ge", "0.05")),
        (".040", ("eq", ".040")),
    ],
)
def test_parse_reported_p(text, expected):
    assert d.parse_reported_p(text) == expected


@pytest.mark.parametrize("text", ["ns", "p = ", "0.04 0.05", "< p"])
def test_parse_reported_p_rejects(text):
    with pytest.raises(ValueError, match="cannot read"):
        d.parse_reported_p(text)


def test_reported_p_text_round_trips_claim_relations():
    for rel, sym in d.RELATION_SYMBOLS.items():
        text = d.reported_p_text(rel, "0.05")
        assert d.parse_reported_p(text) == (rel, "0.05"), sym


@pytest.mark.parametrize(
    ("reported", "recomputed", "verdict", "conventions"),
    [
        # 0.0414 -> "0.041" under every convention (remainder 0.4 of the last unit)
        ("0.041", 0.0414, "consistent", ("half_up", "half_even", "half_down", "truncate")),
        # 0.0415 is a tie: half up -> 0.042; half even: 41 odd -> 0.042; half down and
        # truncation -> 0.041
        ("0.041", 0.0415, "consistent", ("half_down", "truncate")),
        # 0.0418 truncates to 0.041 but rounds to 0.042
        ("0.041", 0.0418, "consistent", ("truncate",)),
        # Pearson's chi-square on 11/27 vs 3/26: p = 0.0159; 0.041 and 0.0159 both < 0.05
        ("0.041", 0.0159, "inconsistent", ()),
        # the paper's OR p = 0.044 against a recomputed 0.052: other side of 0.05
        ("0.044", 0.052, "decision_inconsistent", ()),
        # a non-significant printed p against a significant recomputation
        ("0.07", 0.03, "decision_inconsistent", ()),
        # bounds: "< 0.05" holds for 0.0499, not for 0.0501 (unrounded, as the scorecard)
        ("< 0.05", 0.0499, "consistent", ()),
        ("< 0.05", 0.0501, "decision_inconsistent", ()),
        # "< 0.001" against 0.004: wrong bound, but both significant at 0.05
        ("< 0.001", 0.004, "inconsistent", ()),
        # ">= 0.05" ("no difference") against Fisher 0.2358 for 3/27 vs 0/26
        (">= 0.05", 0.2358, "consistent", ()),
        (">= 0.05", 0.03, "decision_inconsistent", ()),
        # "> 0.01" says nothing about significance at 0.05: a failure is only inconsistent
        ("> 0.01", 0.005, "inconsistent", ()),
    ],
)
def test_classify_p(reported, recomputed, verdict, conventions):
    r = d.classify_p(reported, recomputed)
    assert r["verdict"] == verdict
    assert r["conventions"] == conventions


def test_classify_p_significance_flags():
    r = d.classify_p("< 0.10", 0.07)
    assert r["reported_significant"] is None and r["recomputed_significant"] is False
    r = d.classify_p("0.044", 0.052)
    assert r["reported_significant"] is True and r["recomputed_significant"] is False


def test_classify_p_at_alpha():
    # statcheck's pEqualAlphaSig: a printed p = 0.05 counts as significant by default,
    # so a recomputed 0.07 changes the decision; with the option off it does not
    assert d.classify_p("0.05", 0.07)["verdict"] == "decision_inconsistent"
    assert (
        d.classify_p("0.05", 0.07, p_equal_alpha_significant=False)["verdict"]
        == "inconsistent"
    )


def test_classify_p_other_alpha():
    # at alpha 0.01, 0.041 is not significant, 0.005 is
    assert d.classify_p("0.041", 0.005, alpha=0.01)["verdict"] == "decision_inconsistent"
    assert d.classify_p("0.041", 0.0159, alpha=0.01)["verdict"] == "inconsistent"


def test_classify_p_ranges():
    # the audit's Wald range for OR 0.982 (0.966-0.997) is [0.0166, 0.0338]: it contains
    # values printing as 0.023, so consistent
    assert d.classify_p("0.023", (0.0166, 0.0338))["verdict"] == "consistent"
    # a range wholly above 0.05 against "< 0.05": decision inconsistent
    assert d.classify_p("< 0.05", (0.06, 0.09))["verdict"] == "decision_inconsistent"
    # a range straddling 0.05 that misses the printed value: only inconsistent
    r = d.classify_p("0.010", (0.03, 0.07))
    assert r["verdict"] == "inconsistent" and r["recomputed_significant"] is None
    # a range whose end is a tie: 0.0225 prints as 0.023 under half up ([0.0225, 0.0235));
    # not under half even (3 is odd: the open (0.0225, 0.0235)), half down or truncation
    assert d.classify_p("0.023", (0.0200, 0.0225))["conventions"] == ("half_up",)


@pytest.mark.parametrize("bad", [float("nan"), (0.05, 0.01), (0.01, float("inf"))])
def test_classify_p_rejects(bad):
    with pytest.raises(ValueError, match="must be a number"):
        d.classify_p("0.041", bad)


def test_decision_table_columns_and_missing_values():
    f = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "reported": ["0.041", "< 0.05", "0.023"],
            "recomputed": [0.0159, float("nan"), 0.0242],
            "lo": [float("nan"), float("nan"), 0.0166],
            "hi": [float("nan"), float("nan"), 0.0338],
        }
    )
    t = d.decision_table(f, low="lo", high="hi")
    assert list(t.columns) == [*f.columns, *d.DECISION_COLUMNS]
    # a: 0.0159 vs 0.041, both significant; b: no value; c: the range contains 0.023
    assert _listed(t["verdict"]) == ["inconsistent", None, "consistent"]
    assert _listed(t["shared_status"]) == ["differs", None, "reproduced"]
    assert t["reported_significant"].tolist()[:2] == [True, True]
    assert pd.isna(t["recomputed_significant"].tolist()[1])
    # c as a single value: 0.0242 prints as 0.024, not 0.023
    assert d.decision_table(f)["verdict"].tolist()[2] == "inconsistent"


def test_shared_vocabulary_is_complete():
    assert list(d.SHARED_STATUSES)[0] == "decision-changing"
    for source, mapping in d.STATUS_MAP.items():
        assert set(mapping.values()) <= set(d.SHARED_STATUSES), source


def test_status_map_covers_the_existing_words():
    from ucmsc_repro.reproduction.audit_checks import VERDICTS
    from ucmsc_repro.reproduction.scorecard import STATUSES

    assert set(d.STATUS_MAP["audit"]) == set(VERDICTS)
    assert set(d.STATUS_MAP["scorecard"]) == set(STATUSES)
    assert set(d.STATUS_MAP["decisions"]) == set(d.DECISION_VERDICTS)


def test_to_shared():
    # the same word means different things in the audit and in the decisions
    assert d.to_shared("inconsistent", "audit") == "inconsistent within the paper"
    assert d.to_shared("inconsistent", "scorecard") == "inconsistent within the paper"
    assert d.to_shared("inconsistent", "decisions") == "differs"
    assert d.to_shared("unmatched", "audit") == "differs"
    assert d.to_shared("imprecise", "audit") == "not checkable"
    assert d.to_shared("not_computable", "scorecard") == "not computable"
    with pytest.raises(ValueError, match="no status word"):
        d.to_shared("reproduced", "audit")
    with pytest.raises(ValueError, match="unknown source"):
        d.to_shared("reproduced", "notebook")


def test_sort_findings_is_stable_and_puts_unknown_last():
    t = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6],
            "shared_status": [
                "reproduced",
                "differs",
                "decision-changing",
                None,
                "differs",
                "inconsistent within the paper",
            ],
        },
        index=[10, 11, 12, 13, 14, 15],
    )
    out = d.sort_findings(t)
    assert out["id"].tolist() == [3, 6, 2, 5, 1, 4]
    assert out.index.tolist() == list(range(6))


def test_shared_from_audit_on_the_real_audit():
    from ucmsc_repro.reproduction.audit_checks import audit_table

    t = d.shared_from_audit(audit_table())
    assert set(t["shared_status"]) <= set(d.SHARED_STATUSES)
    got = dict(zip(t["check_id"], t["shared_status"], strict=True))
    # Pearson 0.0159, Yates 0.0358, Fisher 0.0276 (none prints as 0.041): unmatched
    assert got["remission_pvalue"] == "differs"
    # Fisher p = 0.236 for 3/27 vs 0/26 >= 0.05: "no statistic difference" holds
    assert got["insulin_free_pvalue"] == "reproduced"
    # abstract 53 enrolled vs Results 67
    assert got["abstract_enrolled"] == "inconsistent within the paper"
    assert got["four_times_more_likely"] == "not checkable"


def test_shared_from_scorecard():
    card = pd.DataFrame(
        {
            "key": ["a.pval", "b.pval_chi2", "c.pval", "d.pct", "e.pval", "f.pval"],
            "relation": ["lt", "eq", "ge", "eq", "lt", "eq"],
            "reported": ["0.05", "0.041", "0.05", "40.7", "0.05", "0.044"],
            # a: 0.07 is not < 0.05; b: 0.0159 vs 0.041, both significant; c: 0.03 is
            # not >= 0.05; e: no result; f: 0.0441 reproduces 0.044
            "reproduced": [0.07, 0.0159, 0.03, 40.74, float("nan"), 0.0441],
            "status": [
                "differs",
                "differs",
                "differs",
                "reproduced",
                "missing",
                "reproduced",
            ],
        }
    )
    out = d.shared_from_scorecard(card)
    assert out["shared_status"].tolist() == [
        "decision-changing",
        "differs",
        "decision-changing",
        "reproduced",
        "not yet computed",
        "reproduced",
    ]
    assert _listed(out["decision"]) == [
        "decision_inconsistent",
        "inconsistent",
        "decision_inconsistent",
        None,
        None,
        "consistent",
    ]


def test_shared_from_scorecard_keeps_hinted_statuses():
    # a claim the claims file marks inconsistent stays so, whatever its decision
    card = pd.DataFrame(
        {
            "key": ["a.pval"],
            "relation": ["lt"],
            "reported": ["0.05"],
            "reproduced": [0.07],
            "status": ["inconsistent"],
        }
    )
    assert d.shared_from_scorecard(card)["shared_status"].tolist() == [
        "inconsistent within the paper"
    ]


def test_audit_p_findings():
    t = d.audit_p_findings()
    assert list(t.columns) == [*d.FINDING_COLUMNS, *d.DECISION_COLUMNS]
    # no recomputed p-value changes a decision of the paper
    assert not t["verdict"].eq("decision_inconsistent").any()
    rem = t.loc[t["check_id"].eq("remission_pvalue")]
    # Pearson 0.0159, Yates 0.0358, Fisher 0.0276 versus the printed 0.041
    assert rem["recomputed"].round(4).tolist() == [0.0159, 0.0358, 0.0276]
    assert rem["verdict"].eq("inconsistent").all()
    # power 68.4% needs z = 1.960 + 0.479 = 2.439, p = 0.0147, not 0.041
    pw = t.loc[t["check_id"].eq("power_vs_pvalue")]
    assert pw["recomputed"].round(4).tolist() == [0.0147]
    assert pw["verdict"].tolist() == ["inconsistent"]
    # the Wald ranges contain the printed 0.023 and 0.025
    ci = t.loc[t["check_id"].str.startswith("ci_vs_p")]
    assert ci["verdict"].eq("consistent").all()
    # sorted: the differing findings before the reproduced ones
    assert t["shared_status"].tolist() == ["differs"] * 4 + ["reproduced"] * 5
