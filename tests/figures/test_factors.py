"""Tests of Figure 4 (remitters against non-remitters) and the odds-ratio forest plot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from ucmsc_repro.chapters import factors as rg
from ucmsc_repro.chapters import factors_text as ft
from ucmsc_repro.figures.factors import odds_ratio_forest, remitter_figure
from ucmsc_repro.stats import logistic as lg


def msc_frame(shift: float) -> pd.DataFrame:
    """Six remitters and eight non-remitters (MSC arm) plus two control rows.

    Remitters' fasting C-peptide is ``shift`` lower, so a large shift gives a
    significant t test and ``shift = 0`` none.
    """
    rng = np.random.default_rng(7)
    n_yes, n_no = 6, 8
    remission = [1.0] * n_yes + [0.0] * n_no + [1.0, 0.0]
    base = rng.normal(200, 20, n_yes + n_no + 2)
    fcp = base - shift * np.asarray(remission)
    return pd.DataFrame(
        {
            "subject_id": [f"P{i:03d}" for i in range(n_yes + n_no + 2)],
            "msc": [1] * (n_yes + n_no) + [0, 0],
            "remission": remission,
            "fcp_pmol_l_0": fcp,
            "hba1c_pct_0": rng.normal(9, 2, n_yes + n_no + 2),
            "msc_cells_total": rng.normal(100, 20, n_yes + n_no + 2),
        }
    )


def _markers(ax):
    """(closed, open) point counts of a panel's scatter collections."""
    closed = open_ = 0
    for coll in ax.collections:
        offsets = coll.get_offsets()
        faces = coll.get_facecolors()
        if len(offsets) == 0 or len(faces) == 0:
            continue
        if np.allclose(faces[0][:3], 0.0):
            closed += len(offsets)
        elif np.allclose(faces[0][:3], 1.0):
            open_ += len(offsets)
    return closed, open_


def test_figure_has_one_panel_per_variable_with_closed_and_open_circles():
    d = msc_frame(60)
    fig = remitter_figure(d)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    for ax in fig.axes:
        assert _markers(ax) == (6, 8)  # controls are not drawn


def _stars(ax) -> int:
    return sum(t.get_text() == "*" for t in ax.texts)


@pytest.mark.parametrize(
    "shift,alpha,expected", [(60, 0.05, 1), (0, 0.05, 0), (60, 1e-12, 0)]
)
def test_star_marks_exactly_the_panels_with_p_below_alpha(shift, alpha, expected):
    d = msc_frame(shift)
    cmp = rg.remitter_comparison(d)
    fig = remitter_figure(d, comparison=cmp, alpha=alpha)
    p = cmp.set_index("variable")["pval"]
    assert _stars(fig.axes[0]) == expected
    for ax, v in zip(fig.axes, rg.REMITTER_VARIABLES, strict=True):
        assert _stars(ax) == int(p[v] < alpha)


def test_no_participant_identifier_is_drawn():
    d = msc_frame(60)
    fig = remitter_figure(d)
    fig.canvas.draw()
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    texts += [t.get_text() for ax in fig.axes for t in ax.get_xticklabels()]
    assert not any(sid in " ".join(texts) for sid in d["subject_id"])


def test_figure_is_the_same_at_every_call():
    d = msc_frame(60)
    a = remitter_figure(d).axes[0].collections[0].get_offsets()
    b = remitter_figure(d).axes[0].collections[0].get_offsets()
    assert np.array_equal(np.asarray(a), np.asarray(b))


def test_forest_plot_leaves_out_the_intercept():
    d = msc_frame(15)  # overlapping groups: the logistic fit exists
    t = lg.logit_table(d.loc[d["msc"] == 1], covariates=["fcp_pmol_l_0"])
    fig = odds_ratio_forest(t)
    labels = [lab.get_text() for lab in fig.axes[0].get_yticklabels()]
    assert labels == [ft.TERM_LABELS["fcp_pmol_l_0"]]
