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
