"""Figures of the confounding chapter return figures, also when nothing can be drawn."""

from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ucmsc_repro.chapters import confounding as cf
from ucmsc_repro.core.settings import AnalysisSettings
from ucmsc_repro.data.loading import load_dataset
from ucmsc_repro.figures import confounding as fg

matplotlib.use("Agg")


def test_chapter_figures_on_the_default_data():
    data = load_dataset()
    s = AnalysisSettings()
    ch = SimpleNamespace(table=data.table(s), data=data, settings=s)
    for make in (fg.love_figure, fg.threshold_figure, fg.specification_figure):
        fig = make(ch)
        assert isinstance(fig, Figure) and fig.axes
        matplotlib.pyplot.close(fig)


def test_love_plot_orders_by_unweighted_smd_and_draws_each_weighting():
    b = pd.DataFrame(
        {
            "label": ["a", "b"],
            "smd_unweighted": [0.5, -0.1],
            "smd_overlap": [0.0, 0.0],
            "smd_ipw": [0.2, np.nan],
        }
    )
    fig = fg.love_plot(b)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "a"]
    assert len(ax.get_lines()) == 3 + 2  # three weightings, two reference lines


def test_empty_inputs_draw_a_sentence():
    nan = float("nan")
    b = pd.DataFrame({"label": ["a"], "smd_unweighted": [nan], "smd_overlap": [nan]})
    assert "No standardized" in fg.love_plot(b).axes[0].texts[0].get_text()
    curve = pd.DataFrame(
        {
            "threshold": [0.1],
            "estimate": [nan],
            "ci_low": [nan],
            "ci_high": [nan],
            "pval": [nan],
        }
    )
    assert "No threshold" in fg.threshold_plot(curve).axes[0].texts[0].get_text()
    spec = cf._multiverse_specs().assign(
        estimate=nan, ci_low=nan, ci_high=nan, pval=nan, n=nan, note="", rank=nan
    )
    assert "No specification" in fg.specification_plot(spec).axes[0].texts[0].get_text()
