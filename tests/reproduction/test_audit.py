"""Tests of ucmsc_repro.reproduction.audit (its checks and verdicts on the paper);
the arithmetic is tested in tests/stats/test_printed.py."""

from __future__ import annotations

import pytest

from ucmsc_repro.data.claims import read_claims
from ucmsc_repro.reproduction import audit


@pytest.fixture(scope="module")
def table():
    return audit.audit_table()


def test_audit_table_has_stable_columns_ids_and_verdicts(table):
    assert list(table.columns) == audit.AUDIT_COLUMNS
    assert table["check_id"].is_unique
    assert set(table["verdict"]) <= set(audit.VERDICTS)
    assert (table["arithmetic"].str.len() > 0).all()


@pytest.mark.parametrize(
    ("check_id", "verdict"),
    [
        ("remission_pvalue", "unmatched"),  # Pearson 0.016, Yates 0.036, Fisher 0.028
        ("insulin_free_pvalue", "consistent"),  # Fisher 0.236 for 3/27 vs 0/26
        ("post_hoc_power", "unmatched"),  # pooled normal approximation 68.48%
        ("power_vs_pvalue", "inconsistent"),  # p = 0.041 -> 53.3% power
        ("grim_remission_msc", "consistent"),
        ("flow_assigned", "consistent"),  # 32 + 35 = 67
        ("abstract_enrolled", "inconsistent"),  # 53 'enrolled' vs 67
        ("four_times_more_likely", "imprecise"),
        ("two_and_half_times_higher", "inconsistent"),  # 40.7 / 11.5 = 3.54
        ("ci_vs_p_fcp_pmol_l_0", "consistent"),  # Wald p 0.024 vs 0.023
        ("ci_vs_p_msc_cells_total", "consistent"),  # Wald p 0.0246 vs 0.025
        ("insulin_free_durations", "inconsistent"),  # 3-12 vs 3.8, 12, 20
        ("sd_range_duration_months", "consistent"),  # 6.1 <= 9.62
    ],
)
def test_audit_verdicts_on_the_paper(table, check_id, verdict):
    assert table.set_index("check_id").loc[check_id, "verdict"] == verdict


def test_audit_reads_the_reported_figures_from_the_claims(tmp_path):
    claims = read_claims()
    sel = claims["key"].eq("primary.remission.pval_chi2") & claims["relation"].eq("eq")
    claims.loc[sel, "reported"] = "0.016"  # what Pearson's chi-square gives
    t = audit.audit_table(claims).set_index("check_id")
    assert t.loc["remission_pvalue", "verdict"] == "consistent"
    assert "Pearson's chi-square gives p = 0.016" in t.loc["remission_pvalue", "result"]


def test_changed_flow_count_is_flagged(tmp_path):
    claims = read_claims()
    claims.loc[claims["key"].eq("trial_profile.assigned.control.n"), "reported"] = "36"
    t = audit.audit_table(claims).set_index("check_id")
    assert t.loc["flow_assigned", "verdict"] == "inconsistent"
    assert "32 + 36 = 68" in t.loc["flow_assigned", "arithmetic"]


def test_chapter_results_count_the_verdicts(table):
    res = audit.results(None, table=table).set_index("key")["value"]
    assert res["audit.checks.all.n"] == len(table)
    assert sum(res[f"audit.{v}.all.n"] for v in audit.VERDICTS) == len(table)
    assert res["audit.rr.crude"] == pytest.approx((11 / 27) / (3 / 26))


# --- the whole audit in the vocabulary it shares with the scorecard (issue 16) --------


@pytest.fixture(scope="module")
def full():
    return audit.full_audit_table()


def test_full_audit_adds_the_percentage_and_convention_checks(full, table):
    # five paper percentages (40.7% of 27, 11.5% of 26, 53%, 62% and 62.3% of 53) and
    # one check of whether a single rounding convention gives power and percentages
    ids = set(full["check_id"])
    assert len(full) == len(table) + 6
    assert {"rounding_male", "rounding_power_vs_percentages"} <= ids


def test_every_check_has_one_shared_status_and_the_counts_add_up(full):
    from ucmsc_repro.reproduction.decisions import SHARED_STATUSES, status_key

    assert full["status"].isin(list(SHARED_STATUSES)).all()
    res = audit.results(None, table=full).set_index("key")["value"]
    slugs = [status_key(s) for s in SHARED_STATUSES]
    assert sum(res[f"audit.status.{s}.n"] for s in slugs) == len(full)


def test_findings_are_sorted_most_serious_first(full):
    from ucmsc_repro.reproduction.decisions import SHARED_STATUSES

    rank = {s: i for i, s in enumerate(SHARED_STATUSES)}
    order = [rank[s] for s in full["status"]]
    assert order == sorted(order)


def test_decisions_show_each_recomputed_p_with_its_conventions():
    # hand computation: Pearson's chi-square on 11/27 vs 3/26 gives p = 0.0159, which
    # prints as 0.016 under every convention, not as the reported 0.041; the
    # stepwise OR's Wald p from its printed CI (0.0242) prints as 0.024 but the
    # printed numbers' rounding allows 0.017-0.034, which contains 0.023
    d = audit.decision_display()
    first = d.iloc[0]
    assert first["Reported p"] == "0.041" and first["Recomputed p"] == "0.016"
    assert first["Prints as reported under"] == "no rounding convention"
    fcp = d.loc[d["Finding"].str.contains("fasting C-peptide")].iloc[0]
    assert fcp["Recomputed p"] == "0.024 (0.017 to 0.034)"
    assert "round half up" in fcp["Prints as reported under"]
    assert not d["Status"].eq("decision-changing").any()  # none changes a conclusion
