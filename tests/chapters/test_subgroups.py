"""Tests of ucmsc_repro.chapters.subgroups (chapter "Subgroups")."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from ucmsc_repro.chapters import subgroups as sg
from ucmsc_repro.core.settings import AnalysisSettings
from ucmsc_repro.data.derive import analysis_table


def _table(cells: dict) -> pd.DataFrame:
    """Participants from cell counts {(arm, onset, dk): (events, n)}."""
    rows = []
    for (arm, onset, dk), (events, n) in cells.items():
        for i in range(n):
            rows.append(
                {
                    "arm": arm,
                    "onset": onset,
                    "dk_or_dka": dk,
                    "remission": float(i < events),
                }
            )
    return pd.DataFrame(rows)


# Agresti, An Introduction to Categorical Data Analysis, 2nd ed. (2007), Table 5.5:
# AIDS symptoms (yes/total) by AZT use and race. AZT plays the MSC arm, race the
# subgroup (white = "adult", black = "juvenile").
AZT = {
    ("MSC", "adult", 1): (14, 107),
    ("control", "adult", 1): (32, 113),
    ("MSC", "juvenile", 1): (11, 63),
    ("control", "juvenile", 1): (12, 55),
}


def test_interaction_lr_test_matches_agresti_azt_example():
    res = sg.interaction_test(_table(AZT), factor="onset")
    # Agresti (2007), Section 5.2.3: the model with AZT and race main effects
    # fits with G^2 = 1.38, df = 1 (P = 0.24); against the saturated model this
    # deviance is the LR statistic of the AZT x race interaction.
    assert res["estimable"]
    assert res["statistic"] == pytest.approx(1.38, abs=0.005)
    assert res["pval"] == pytest.approx(0.24, abs=0.005)
    assert res["n"] == 107 + 113 + 63 + 55
    # The interaction model is saturated, so exp(interaction) is the ratio of
    # the sample odds ratios, by hand: (14*81)/(93*32) / ((11*43)/(52*12)).
    by_hand = (14 * 81) / (93 * 32) / ((11 * 43) / (52 * 12))
    assert res["interaction_or"] == pytest.approx(by_hand, rel=1e-6)
    assert "two-sided" in res["test"]


@pytest.mark.parametrize(
    "cell, events, n, phrase",
    [
        (("control", "juvenile", 1), 0, 10, "remission in 0 of 10 in the control arm"),
        (("MSC", "adult", 1), 8, 8, "remission in 8 of 8 in the msc arm"),
        (("MSC", "juvenile", 1), 0, 0, "nobody in the msc arm, juvenile onset"),
    ],
)
def test_interaction_test_refuses_a_degenerate_cell_and_says_which(cell, events, n, phrase):
    cells = {
        ("MSC", "adult", 1): (5, 12),
        ("control", "adult", 1): (2, 12),
        ("MSC", "juvenile", 1): (3, 9),
        ("control", "juvenile", 1): (2, 9),
    }
    cells[cell] = (events, n)
    res = sg.interaction_test(_table(cells), factor="onset")
    assert not res["estimable"]
    assert math.isnan(res["pval"])
    assert phrase in res["note"].lower()
    assert "separation" in res["note"]


@pytest.mark.parametrize(
    "x1, n1, x2, n2, low, high",
    # Newcombe RG, Stat Med 1998;17:873-890, Table II, method 10 (score,
    # no continuity correction), examples (a)-(h).
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_risk_difference_interval_matches_newcombe(x1, n1, x2, n2, low, high):
    cells = {("MSC", "adult", 1): (x1, n1), ("control", "adult", 1): (x2, n2)}
    res = sg.remission_by_subgroup(_table(cells), factors=())
    r = res.iloc[0]
    assert (r["factor"], r["subgroup"]) == ("all", "all")
    assert r["risk_difference"] == pytest.approx(100 * (x1 / n1 - x2 / n2))
    assert r["ci_low"] == pytest.approx(100 * low, abs=0.01)
    assert r["ci_high"] == pytest.approx(100 * high, abs=0.01)


def test_remission_by_subgroup_counts_each_subgroup_and_arm():
    cells = {
        ("MSC", "adult", 1): (4, 6),
        ("MSC", "adult", 0): (1, 5),
        ("control", "juvenile", 1): (1, 7),
        ("control", "adult", 0): (0, 4),
    }
    res = sg.remission_by_subgroup(_table(cells)).set_index("subgroup")
    assert res.index.tolist() == ["all", "adult", "juvenile", "dk_or_dka", "no_dk"]
    assert res.loc[
        "all", ["msc_events", "msc_n", "control_events", "control_n"]
    ].tolist() == [
        5,
        11,
        1,
        11,
    ]
    assert res.loc["adult", ["msc_n", "control_n"]].tolist() == [11, 4]
    assert res.loc["juvenile", "msc_n"] == 0
    assert math.isnan(res.loc["juvenile", "msc_pct"])
    assert math.isnan(res.loc["juvenile", "ci_low"])
    assert res.loc["dk_or_dka", "msc_pct"] == pytest.approx(100 * 4 / 6)


def test_remission_with_missing_outcome_is_left_out():
    t = _table({("MSC", "adult", 1): (2, 4), ("control", "adult", 1): (1, 4)})
    t.loc[0, "remission"] = np.nan
    r = sg.remission_by_subgroup(t, factors=()).iloc[0]
    assert r["msc_n"] == 3 and r["msc_events"] == 1


def test_interaction_power_matches_hand_computation():
    cells = {
        ("MSC", "adult", 1): (5, 10),
        ("control", "adult", 1): (2, 10),
        ("MSC", "juvenile", 1): (5, 10),
        ("control", "juvenile", 1): (2, 10),
    }
    res = sg.interaction_power(_table(cells), factor="onset", alpha=0.05)
    # By hand: overall rates 0.5 (MSC) and 0.2 (control); effect in one
    # subgroup only, interaction log OR = log((0.5/0.5) / (0.2/0.8)) = log 4.
    # Woolf variance 1/(10*0.5*0.5) + 3/(10*0.2*0.8) = 0.4 + 1.875 = 2.275.
    # Power = Phi(z - 1.959964) + Phi(-z - 1.959964), z = log 4 / sqrt(2.275).
    z = math.log(4) / math.sqrt(2.275)

    def phi(x):
        return 0.5 * math.erfc(-x / math.sqrt(2))

    by_hand = phi(z - 1.959964) + phi(-z - 1.959964)
    assert by_hand == pytest.approx(0.1510, abs=1e-4)
    assert res["power"] == pytest.approx(by_hand, abs=1e-6)
    assert res["log_or"] == pytest.approx(math.log(4))


def test_interaction_power_is_nan_when_an_overall_rate_is_zero():
    cells = {
        ("MSC", "adult", 1): (5, 10),
        ("control", "adult", 1): (0, 10),
        ("MSC", "juvenile", 1): (5, 10),
        ("control", "juvenile", 1): (0, 10),
    }
    res = sg.interaction_power(_table(cells), factor="onset")
    assert math.isnan(res["power"]) and "0%" in res["note"]


def test_interaction_sentence_names_test_statistic_and_n():
    res = sg.interaction_test(_table(AZT), factor="onset")
    text = sg.interaction_sentence(res)
    assert "likelihood-ratio chi-square = 1.38 on 1 df" in text
    assert "n = 338" in text and "two-sided" in text


# --- the chapter ------------------------------------------------------------------------


def _chapter(adult_onset_age: float = 18, seed: int = 3):
    rng = np.random.default_rng(seed)
    subjects, visits = [], []
    for arm in ("MSC", "control"):
        for i in range(14):
            sid = f"{arm[0]}{i:02d}"
            subjects.append(
                {
                    "subject_id": sid,
                    "arm": arm,
                    "sex": "F",
                    "age_years": float(rng.uniform(9, 40)),
                    "duration_months": 6.0,
                    "bmi_kg_m2": 19.0,
                    "weight_kg": 50.0,
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
            fcp, pcp = float(rng.uniform(100, 300)), float(rng.uniform(200, 600))
            for month in (0.0, 12.0):
                f = 1.0 if month == 0 else float(rng.uniform(0.6, 1.4))
                visits.append(
                    {
                        "subject_id": sid,
                        "month": month,
                        "hba1c_pct": 8.0,
                        "fcp_pmol_l": fcp * f,
                        "pcp_pmol_l": pcp * f,
                        "insulin_iu_kg_day": 0.5,
                        "glucose_fasting_mmol_l": 7.0,
                        "glucose_2h_mmol_l": 10.0,
                    }
                )
    settings = AnalysisSettings(adult_onset_age=adult_onset_age)
    table = analysis_table(pd.DataFrame(subjects), pd.DataFrame(visits), settings)
    return SimpleNamespace(
        pp=table.loc[table["per_protocol"]].reset_index(drop=True), settings=settings
    )


def test_cpeptide_by_subgroup_orders_levels_and_names_the_factor():
    t = sg.cpeptide_by_subgroup(_chapter().pp, factor="dk_or_dka")
    assert t["factor"].eq("dk_or_dka").all()
    assert t["subgroup"].unique().tolist() == ["dk_or_dka", "no_dk"]
    first = t.loc[t["subgroup"].eq("dk_or_dka") & t["variable"].eq("fcp_pmol_l_change")]
    pp = _chapter().pp
    x = pp.loc[pp["dk_or_dka"].eq(1) & pp["arm"].eq("MSC"), "fcp_pmol_l_change"]
    assert first.iloc[0]["msc_mean"] == pytest.approx(x.mean())
    assert first.iloc[0]["msc_n"] == len(x)


def test_results_have_the_planned_keys():
    res = sg.results(_chapter())
    assert list(res.columns) == ["key", "value", "ci_low", "ci_high", "method", "n"]
    assert res["key"].is_unique
    keys = set(res["key"])
    for k in [
        "subgroups.fcp_pmol_l.change.dk_or_dka.msc.mean",
        "subgroups.pcp_pmol_l.ratio.no_dk.control.sd",
        "subgroups.pcp_pmol_l.pct.no_dk.pval",
        "subgroups.fcp_pmol_l.change.adult.pval",
        "subgroups.remission.all.msc.pct",
        "subgroups.remission.juvenile.control.events",
        "subgroups.remission.dk_or_dka.risk_difference",
        "subgroups.remission.interaction.onset.pval",
        "subgroups.remission.interaction.dk_or_dka.power",
    ]:
        assert k in keys, k
    rd = res.set_index("key").loc["subgroups.remission.all.risk_difference"]
    assert rd["ci_low"] <= rd["value"] <= rd["ci_high"]


@pytest.mark.parametrize("cutoff", [15, 25])
def test_adult_onset_cutoff_setting_moves_participants_between_subgroups(cutoff):
    ch = _chapter(adult_onset_age=cutoff)
    res = sg.results(ch).set_index("key")["value"]
    age_at_onset = ch.pp["age_years"] - ch.pp["duration_months"] / 12
    n_adult = int(((age_at_onset >= cutoff) & ch.pp["arm"].eq("MSC")).sum())
    assert res["subgroups.remission.adult.msc.n"] == n_adult
