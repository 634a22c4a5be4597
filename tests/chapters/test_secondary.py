"""Tests of ucmsc_repro.chapters.secondary (chapter "Secondary endpoints over time")."""

from __future__ import annotations

import math
import statistics
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from ucmsc_repro.chapters import secondary as tr
from ucmsc_repro.chapters import secondary_text as trt
from ucmsc_repro.core.settings import AnalysisSettings
from ucmsc_repro.data.derive import MEASURES, analysis_table

# Student's sleep data (Cushny & Peebles 1905, as in Student 1908 and R's
# `datasets::sleep`): extra hours of sleep of 10 patients under two drugs.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def _sleep_long(shuffle_seed: int = 0) -> pd.DataFrame:
    """The sleep data as two 'visits' (month 0 = drug 1, month 3 = drug 2)."""
    rows = []
    for i, (a, b) in enumerate(zip(SLEEP_1, SLEEP_2, strict=True)):
        rows.append({"subject_id": f"S{i}", "arm": "msc", "month": 0.0, "x": a})
        rows.append({"subject_id": f"S{i}", "arm": "msc", "month": 3.0, "x": b})
    frame = pd.DataFrame(rows)
    return frame.sample(frac=1.0, random_state=shuffle_seed).reset_index(drop=True)


# --- a small constructed cohort ---------------------------------------------------


def _cohort(n_per_arm: int = 12, seed: int = 7, months=(0, 3, 6, 12)):
    """Subjects and visits in the validated form (numbers as float)."""
    rng = np.random.default_rng(seed)
    subjects, visits = [], []
    for arm in ("MSC", "control"):
        for i in range(n_per_arm):
            sid = f"{arm[0]}{i:02d}"
            age = float(rng.uniform(9, 45))
            subjects.append(
                {
                    "subject_id": sid,
                    "arm": arm,
                    "sex": "M" if i % 2 else "F",
                    "age_years": age,
                    "duration_months": float(rng.uniform(0, 12)),
                    "bmi_kg_m2": float(rng.uniform(15, 25)),
                    "weight_kg": float(rng.uniform(30, 70)),
                    "dka_at_onset": ("none", "DK", "DKA")[i % 3],
                    "status": "completed",
                    "discontinued_month": np.nan,
                    "discontinued_reason": None,
                    "infusions_received": 2.0 if arm == "MSC" else 0.0,
                    "msc_cells_total": 100.0 if arm == "MSC" else np.nan,
                    "insulin_free_start_month": np.nan,
                    "insulin_free_end_month": np.nan,
                }
            )
            base = {
                "hba1c_pct": float(rng.uniform(8, 12)),
                "fcp_pmol_l": float(rng.uniform(100, 400)),
                "pcp_pmol_l": float(rng.uniform(200, 900)),
                "insulin_iu_kg_day": float(rng.uniform(0.3, 0.8)),
                "glucose_fasting_mmol_l": 7.0,
                "glucose_2h_mmol_l": 10.0,
            }
            for month in months:
                v = {"subject_id": sid, "month": float(month)}
                for m, b in base.items():
                    v[m] = b * float(rng.uniform(0.7, 1.2)) if month else b
                visits.append(v)
    return pd.DataFrame(subjects), pd.DataFrame(visits)


def _chapter(endpoint_month: float = 12, seed: int = 7):
    subjects, visits = _cohort(seed=seed)
    settings = AnalysisSettings(endpoint_month=endpoint_month)
    table = analysis_table(subjects, visits, settings)
    return SimpleNamespace(
        pp=table.loc[table["per_protocol"]].reset_index(drop=True),
        data=SimpleNamespace(visits=visits, subjects=subjects),
        settings=settings,
    )


# --- visit_long / visit_summary -------------------------------------------------


def test_visit_long_keeps_only_participants_of_the_table_with_arm_keys():
    subjects, visits = _cohort(n_per_arm=3)
    table = analysis_table(subjects, visits, AnalysisSettings())
    long = tr.visit_long(table.iloc[:2], visits)
    assert set(long["subject_id"]) == set(table["subject_id"].iloc[:2])
    assert set(long["arm"]) == {"msc"}
    assert list(long.columns) == ["subject_id", "arm", "month", *MEASURES]


def test_visit_summary_matches_hand_computed_mean_sd_and_sem():
    data = pd.DataFrame(
        {
            "arm": ["msc"] * 5,
            "month": [0.0, 0.0, 0.0, 3.0, 3.0],
            "x": [6.0, 8.0, 10.0, 7.0, np.nan],
        }
    )
    s = tr.visit_summary(data, measure="x")
    m0 = s.loc[s["month"].eq(0.0)].iloc[0]
    # By hand: mean (6 + 8 + 10) / 3 = 8; SD sqrt((4 + 0 + 4) / 2) = 2; SEM 2 / sqrt(3).
    assert m0["n"] == 3
    assert m0["mean"] == pytest.approx(8.0)
    assert m0["sd"] == pytest.approx(2.0)
    assert m0["sem"] == pytest.approx(2.0 / math.sqrt(3))
    m3 = s.loc[s["month"].eq(3.0)].iloc[0]
    assert m3["n"] == 1 and m3["mean"] == 7.0 and math.isnan(m3["sd"])


# --- paired_by_visit ----------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_paired_t_pairs_visits_by_participant_whatever_the_row_order(seed):
    res = tr.paired_by_visit(_sleep_long(seed), measure="x", reference=0, method="t")
    r = res.iloc[0]
    # R: t.test(extra ~ group, data = sleep, paired = TRUE)
    #    t = -4.0621, df = 9, p-value = 0.002833; mean difference -1.58
    # (R subtracts drug 2 from drug 1; here the later visit minus the reference).
    assert r["test"] == "paired t test (two-sided)"
    assert r["statistic"] == pytest.approx(4.0621, abs=1e-4)
    assert r["pval"] == pytest.approx(0.002833, abs=1e-6)
    assert r["mean_diff"] == pytest.approx(1.58)
    assert r["n"] == 10


def test_paired_auto_switches_to_wilcoxon_when_differences_are_skewed():
    res = tr.paired_by_visit(_sleep_long(), measure="x", reference=0)
    r = res.iloc[0]
    # The differences (1.2 2.4 1.3 1.3 0 1.0 1.8 0.8 4.6 1.4) fail Shapiro-Wilk
    # (R: shapiro.test gives W = 0.82987, p = 0.03334).
    # Wilcoxon by hand, zero difference dropped (n = 9), all 9 positive:
    # W- = 0, mean 9*10/4 = 22.5, variance 9*10*19/24 - (2^3 - 2)/48 = 71.125
    # (one tie of two at 1.3), z = 22.5 / sqrt(71.125) = 2.6679, p = 0.00763.
    # (R's wilcox.test(..., paired = TRUE) gives 0.009091: the same with its
    # continuity correction, z = 22 / sqrt(71.125).)
    assert r["test"].startswith("Wilcoxon signed-rank test (two-sided")
    z = 22.5 / math.sqrt(71.125)
    assert r["pval"] == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-9)
    assert r["pval"] == pytest.approx(0.00763, abs=1e-5)
    assert r["n"] == 9 + 1  # pairs used (the zero difference is a pair too)


def test_paired_by_visit_drops_incomplete_pairs_and_reports_the_pairs_used():
    long = _sleep_long()
    long.loc[long["subject_id"].eq("S0") & long["month"].eq(3.0), "x"] = np.nan
    r = tr.paired_by_visit(long, measure="x", reference=0, method="t").iloc[0]
    assert r["n"] == 9
    d = np.array(SLEEP_2[1:]) - np.array(SLEEP_1[1:])
    assert r["mean_diff"] == pytest.approx(d.mean())


@pytest.mark.parametrize(
    "values, reason",
    [
        ([1.0, 2.0], "fewer than 2 pairs"),
        ([1.0, 2.0, 3.0, 4.0], "all differences are equal"),
    ],
)
def test_paired_by_visit_does_not_test_what_cannot_be_tested(values, reason):
    n = len(values) // 2
    long = pd.DataFrame(
        {
            "subject_id": [f"S{i}" for i in range(n)] * 2,
            "arm": "msc",
            "month": [0.0] * n + [3.0] * n,
            "x": values[:n] + [v + 1.0 for v in values[:n]],
        }
    )
    r = tr.paired_by_visit(long, measure="x").iloc[0]
    assert reason in r["test"] and math.isnan(r["pval"])


def test_paired_by_visit_compares_only_months_after_the_reference():
    long = _sleep_long()
    extra = long.loc[long["month"].eq(3.0)].assign(month=6.0)
    res = tr.paired_by_visit(pd.concat([long, extra]), measure="x", reference=3, method="t")
    assert res["month"].tolist() == [6.0]


# --- compare_arms / cpeptide_table --------------------------------------------------


def _sleep_groups() -> pd.DataFrame:
    return pd.DataFrame(
        {"arm": ["MSC"] * 10 + ["control"] * 10, "x_change": SLEEP_1 + SLEEP_2}
    )


def test_compare_arms_student_t_matches_r():
    res = tr.compare_arms(_sleep_groups(), variables=["x_change"]).iloc[0]
    # Both groups pass Shapiro-Wilk, so Student's t is used.
    # R: t.test(extra ~ group, data = sleep, var.equal = TRUE)
    #    t = -1.8608, df = 18, p-value = 0.07919
    assert res["test"] == "Student's t test (two-sided)"
    assert res["statistic"] == pytest.approx(-1.8608, abs=1e-4)
    assert res["pval"] == pytest.approx(0.07919, abs=1e-5)
    assert res["n"] == 20
    # Means 0.75 and 2.33 (R: tapply(sleep$extra, sleep$group, mean));
    # SDs by the standard library's independent implementation.
    assert res["msc_mean"] == pytest.approx(0.75)
    assert res["control_mean"] == pytest.approx(2.33)
    assert res["msc_sd"] == pytest.approx(statistics.stdev(SLEEP_1))
    assert res["control_sem"] == pytest.approx(statistics.stdev(SLEEP_2) / math.sqrt(10))


def test_compare_arms_splits_by_subgroup_in_the_order_of_levels():
    data = _sleep_groups().assign(sub=[1, 0] * 10)
    res = tr.compare_arms(
        data, variables=["x_change"], by="sub", levels={1: "yes", 0: "no"}
    )
    assert res["subgroup"].tolist() == ["yes", "no"]
    yes = res.iloc[0]
    assert yes["msc_n"] == 5 and yes["control_n"] == 5
    assert yes["msc_mean"] == pytest.approx(np.mean(SLEEP_1[0::2]))


def test_compare_arms_does_not_test_an_arm_with_fewer_than_two_values():
    data = pd.DataFrame({"arm": ["MSC", "control", "control"], "x": [1.0, 2.0, 3.0]})
    r = tr.compare_arms(data, variables=["x"]).iloc[0]
    assert "not tested" in r["test"] and math.isnan(r["pval"])
    assert r["n"] == 3


def test_percent_change_and_change_ratio_give_the_same_test():
    ch = _chapter()
    t = tr.cpeptide_table(ch.pp)
    for m in tr.CPEPTIDE_MEASURES:
        pct = t.loc[t["measure"].eq(m) & t["kind"].eq("pct")].iloc[0]
        ratio = t.loc[t["measure"].eq(m) & t["kind"].eq("ratio")].iloc[0]
        assert pct["pval"] == pytest.approx(ratio["pval"], rel=1e-12)
        assert pct["msc_mean"] == pytest.approx(100 * ratio["msc_mean"])


# --- rose_counts ---------------------------------------------------------------------


def test_rose_counts_counts_rises_and_uses_fisher_for_small_tables():
    data = pd.DataFrame(
        {
            "arm": ["MSC"] * 4 + ["control"] * 5,
            "fcp_rose": [1, 1, 1, 0, 1, 0, 0, 0, np.nan],
            "pcp_rose": [1, 0, 0, 0, 0, 0, 0, 0, 0],
        }
    )
    res = tr.rose_counts(data)
    fcp = res.loc[res["measure"].eq("fcp_pmol_l")].set_index("arm")
    assert fcp.loc["msc", ["events", "n"]].tolist() == [3, 4]
    assert fcp.loc["control", ["events", "n"]].tolist() == [1, 4]
    assert fcp.loc["msc", "pct"] == pytest.approx(75.0)
    # Table [[3, 1], [1, 3]] is Fisher's tea-tasting table: two-sided
    # P = 0.486 (Agresti, Categorical Data Analysis, 2nd ed., Section 3.5.2).
    assert fcp.loc["msc", "test"] == "Fisher's exact test (two-sided)"
    assert fcp.loc["msc", "pval"] == pytest.approx(0.4857, abs=1e-4)
    assert fcp.loc["msc", "n_test"] == 8


# --- results ---------------------------------------------------------------------------


def test_results_have_the_planned_keys_and_columns():
    res = tr.results(_chapter())
    assert list(res.columns) == ["key", "value", "ci_low", "ci_high", "method", "n"]
    assert res["key"].is_unique
    keys = set(res["key"])
    for k in [
        "secondary.hba1c_pct.msc.m3.mean",
        "secondary.hba1c_pct.msc.m12.sd",
        "secondary.hba1c_pct.msc.m3.pval_vs_m0",
        "secondary.hba1c_pct.msc.lowest_month",
        "secondary.hba1c_pct.msc.m12.pval_vs_m3",
        "secondary.insulin_iu_kg_day.control.m6.pval_vs_m0",
        "secondary.hba1c_pct.change.msc.mean",
        "secondary.hba1c_pct.change.control.sem",
        "secondary.hba1c_pct.change.pval",
        "secondary.insulin_iu_kg_day.change.pval",
        "secondary.fcp_pmol_l.rose.msc.events",
        "secondary.pcp_pmol_l.rose.control.n",
        "secondary.fcp_pmol_l.rose.pval",
        "secondary.fcp_pmol_l.pct.all.msc.mean",
        "secondary.pcp_pmol_l.ratio.adult.pval",
        "secondary.pcp_pmol_l.ratio.juvenile.control.n",
        "secondary.fcp_pmol_l.change.all.pval",
        "secondary.fcp_pmol_l.m0.all.msc.mean",
        "secondary.pcp_pmol_l.end.adult.control.sd",
    ]:
        assert k in keys, k
    assert "secondary.hba1c_pct.msc.m3.pval_vs_m3" not in keys
    pvals = res.loc[res["key"].str.contains(r"\.pval")]
    assert pvals["method"].str.len().gt(0).all()
    tested = pvals.loc[pvals["value"].notna(), "method"]
    assert tested.str.contains("two-sided").all()
    assert pvals["n"].gt(0).all()


def test_results_values_are_the_computed_statistics():
    ch = _chapter()
    res = tr.results(ch).set_index("key")
    pp = ch.pp
    msc = pp.loc[pp["arm"].eq("MSC")]
    assert res.loc["secondary.hba1c_pct.change.msc.mean", "value"] == pytest.approx(
        statistics.fmean(msc["hba1c_pct_change"])
    )
    rose = int((msc["fcp_pmol_l_end"] > msc["fcp_pmol_l_0"]).sum())
    assert res.loc["secondary.fcp_pmol_l.rose.msc.events", "value"] == rose
    long = ch.data.visits.merge(pp[["subject_id", "arm"]])
    means = long.loc[long["arm"].eq("MSC")].groupby("month")["hba1c_pct"].mean()
    assert res.loc["secondary.hba1c_pct.msc.lowest_month", "value"] == means.idxmin()
    m3 = long.loc[long["arm"].eq("MSC") & long["month"].eq(3.0), "hba1c_pct"]
    assert res.loc["secondary.hba1c_pct.msc.m3.sd", "value"] == pytest.approx(
        statistics.stdev(m3)
    )


def test_endpoint_month_setting_changes_the_change_from_baseline():
    at12 = tr.results(_chapter(endpoint_month=12)).set_index("key")["value"]
    at6 = tr.results(_chapter(endpoint_month=6)).set_index("key")["value"]
    key = "secondary.hba1c_pct.change.msc.mean"
    assert at12[key] != pytest.approx(at6[key])
    # per-visit summaries do not depend on the endpoint
    assert at12["secondary.hba1c_pct.msc.m6.mean"] == at6["secondary.hba1c_pct.msc.m6.mean"]


def test_display_tables_show_no_participant_identifier():
    ch = _chapter()
    long = tr.visit_long(ch.pp, ch.data.visits)
    shown = [
        trt.visit_display(
            tr.visit_summary(long, measure="hba1c_pct"),
            tr.paired_by_visit(long, measure="hba1c_pct"),
            measure="hba1c_pct",
        ),
        trt.comparison_display(tr.cpeptide_table(ch.pp)),
        trt.rose_display(tr.rose_counts(ch.pp)),
    ]
    ids = set(ch.pp["subject_id"])
    for frame in shown:
        text = frame.to_string()
        assert not any(i in text for i in ids)
        assert "subject_id" not in frame.columns
