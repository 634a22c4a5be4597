"""Tests of ucmsc_repro.figures.secondary (the paper's Figures 2 and 3)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ucmsc_repro.chapters import secondary as tr  # noqa: E402
from ucmsc_repro.figures import secondary as ft  # noqa: E402


def _data(n: int = 8, drop: float = 2.0):
    """MSC and control participants whose HbA1c falls by ``drop`` at month 3."""
    rng = np.random.default_rng(11)
    rows, table = [], []
    for arm in ("MSC", "control"):
        for i in range(n):
            sid = f"{arm}-{i}"
            base = 9.0 + rng.normal(0, 0.5)
            for month, shift in ((0.0, 0.0), (3.0, -drop), (6.0, -drop), (12.0, -drop / 2)):
                rows.append(
                    {
                        "subject_id": sid,
                        "arm": tr.arm_key(arm),
                        "month": month,
                        "hba1c_pct": base + shift + rng.normal(0, 0.3),
                        "insulin_iu_kg_day": 0.5 + rng.normal(0, 0.05),
                    }
                )
            fcp0, pcp0 = rng.uniform(100, 300), rng.uniform(200, 600)
            table.append(
                {
                    "subject_id": sid,
                    "arm": arm,
                    "hba1c_pct_change": -drop / 2 + rng.normal(0, 0.3),
                    "insulin_iu_kg_day_change": rng.normal(0, 0.05),
                    "fcp_pmol_l_0": fcp0,
                    "fcp_pmol_l_end": fcp0 * (1.2 if i < 3 else 0.8),
                    "pcp_pmol_l_0": pcp0,
                    "pcp_pmol_l_end": pcp0 * (1.2 if i < 2 else 0.8),
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(table)


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [
        ax.get_title() for ax in fig.axes
    ]


@pytest.mark.parametrize("alpha, marks", [(0.05, True), (1e-300, False)])
def test_significance_marks_follow_alpha(alpha, marks):
    long, table = _data()
    fig = ft.trajectories_figure(long, table, alpha=alpha)
    panel_a = [t.get_text() for t in fig.axes[0].texts]
    assert ("*" in panel_a) is marks
    plt.close(fig)


def test_hash_marks_only_visits_that_differ_from_month_3():
    long, table = _data()
    fig = ft.trajectories_figure(long, table, alpha=0.05)
    hashes = [t for t in fig.axes[0].texts if t.get_text() == "#"]
    # HbA1c is flat from month 3 to 6 and rises by 1 point at month 12.
    assert [t.get_position()[0] for t in hashes] == [12.0]
    plt.close(fig)


def test_change_panels_use_open_triangles_for_control_and_closed_circles_for_msc():
    long, table = _data()
    fig = ft.trajectories_figure(long, table)
    panel_c = fig.axes[1]
    markers = [(ln.get_marker(), ln.get_markerfacecolor()) for ln in panel_c.get_lines()]
    assert ("^", "white") in markers
    assert ("o", "black") in markers
    assert "two-sided, n = 16" in panel_c.get_title()
    plt.close(fig)


def test_cpeptide_figure_counts_rises_per_arm_and_draws_one_line_per_participant():
    _, table = _data()
    fig = ft.cpeptide_figure(table)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        "Control: rose in 3 of 8",
        "MSC: rose in 3 of 8",
        "Control: rose in 2 of 8",
        "MSC: rose in 2 of 8",
    ]
    for ax in fig.axes:
        # one segment per participant, from (0, baseline) to (1, endpoint), in the
        # collections of rises and non-rises; two markers per participant
        segments = [s for c in ax.collections for s in c.get_segments()]
        assert len(segments) == 8
        assert all(list(s[:, 0]) == [0.0, 1.0] for s in segments)
        assert sum(len(line.get_xdata()) for line in ax.get_lines()) == 16
    plt.close(fig)


def test_figures_show_no_participant_identifier():
    long, table = _data()
    ids = set(table["subject_id"])
    for fig in (ft.trajectories_figure(long, table), ft.cpeptide_figure(table)):
        text = " ".join(_texts(fig))
        for ax in fig.axes:
            text += " ".join(t.get_text() for t in ax.get_xticklabels())
            legend = ax.get_legend()
            if legend is not None:
                text += " ".join(t.get_text() for t in legend.get_texts())
        assert not any(i in text for i in ids)
        plt.close(fig)
