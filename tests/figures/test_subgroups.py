"""Tests of ucmsc_repro.figures.subgroups (the remission forest plot)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from ucmsc_repro.chapters import subgroups as sg  # noqa: E402
from ucmsc_repro.figures.subgroups import remission_forest  # noqa: E402


def _table(cells: dict) -> pd.DataFrame:
    rows = []
    for (arm, onset, dk), (events, n) in cells.items():
        rows += [
            {"arm": arm, "onset": onset, "dk_or_dka": dk, "remission": float(i < events)}
            for i in range(n)
        ]
    return pd.DataFrame(rows)


CELLS = {
    ("MSC", "adult", 1): (5, 10),
    ("MSC", "juvenile", 0): (3, 8),
    ("control", "adult", 0): (2, 10),
    ("control", "juvenile", 1): (1, 9),
    ("MSC", "adult", 0): (1, 4),
    ("control", "juvenile", 0): (1, 5),
}


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_forest_plot_has_one_estimate_per_row_and_factor_headers():
    data = _table(CELLS)
    rem = sg.remission_by_subgroup(data)
    inter = sg.remission_interactions(data)
    fig = remission_forest(rem, inter)
    texts = _texts(fig)
    assert any(t.startswith("Age at onset (interaction p = ") for t in texts)
    assert "   Juvenile onset" in texts
    plot = fig.axes[1]
    squares = [ln for ln in plot.get_lines() if ln.get_marker() in ("s", "D")]
    assert len(squares) == len(rem)
    assert [ln.get_marker() for ln in squares].count("D") == 1
    plt.close(fig)


def test_forest_plot_says_when_an_interaction_is_not_estimable():
    cells = dict(CELLS)
    cells[("control", "juvenile", 1)] = (0, 9)
    cells[("control", "juvenile", 0)] = (0, 5)
    data = _table(cells)
    fig = remission_forest(sg.remission_by_subgroup(data), sg.remission_interactions(data))
    assert "Age at onset (interaction not estimable)" in _texts(fig)
    plt.close(fig)
