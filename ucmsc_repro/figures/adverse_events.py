"""Figure of the adverse-events chapter: timing, temperature and resolution of events."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..chapters.adverse_events import event_details
from .style import ROWS_DRAWN_ONE_BY_ONE, row_layout

__all__ = ["INFUSION_STYLE", "adverse_event_figure"]

#: Marker per infusion: open circle after the first, closed circle after the second.
INFUSION_STYLE: dict[int, dict] = {
    1: {"marker": "o", "markerfacecolor": "white", "markeredgecolor": "black"},
    2: {"marker": "o", "markerfacecolor": "black", "markeredgecolor": "black"},
}


def _segments(x0, x1, y) -> np.ndarray:
    """Horizontal segments from ``x0`` to ``x1`` at heights ``y``, for a LineCollection."""
    return np.stack([np.column_stack([x0, y]), np.column_stack([x1, y])], axis=1)


def _not_resolved(ax, onset, y, right: float, size: float) -> None:
    """Arrows from onset to the right edge for events that did not resolve: one
    annotation each when few, else one line collection with an end marker."""
    if len(y) <= ROWS_DRAWN_ONE_BY_ONE:
        for x0, y0 in zip(onset, y, strict=True):
            ax.annotate(
                "",
                xy=(right, y0),
                xytext=(x0, y0),
                arrowprops={"arrowstyle": "->", "color": "black"},
            )
        return
    ax.add_collection(
        LineCollection(_segments(onset, np.full(len(y), right), y), colors="black")
    )
    ax.plot(np.full(len(y), right), y, ">", color="black", markersize=size)


def adverse_event_figure(
    adverse_events: pd.DataFrame, table: pd.DataFrame, *, window_hours: float = 24.0
) -> Figure:
    """Each adverse event as one unlabelled row: onset to resolution, and temperature.

    Parameters
    ----------
    adverse_events : pandas.DataFrame
        Validated ``adverse_events.csv``.
    table : pandas.DataFrame
        One row per enrolled participant (``ch.table``).
    window_hours : float
        A dotted vertical line marks this many hours after the infusion.

    Returns
    -------
    matplotlib.figure.Figure
        Panel A: a line from onset to resolution (hours since the start of
        the infusion) with a circle at onset (open: first infusion; closed:
        second infusion); an arrow when the event did not resolve. Panel B:
        the highest temperature of the same event. Rows are sorted by term
        and onset, carry no label, and name no participant. Without events,
        a single panel says so.

    References
    ----------
    Lu et al. 2021, Results (Adverse events).
    """
    d = event_details(adverse_events, table)
    if d.empty:
        fig, ax = plt.subplots(figsize=(7.2, 1.6))
        ax.axis("off")
        ax.text(0.5, 0.5, "No adverse event was recorded.", ha="center", va="center")
        return fig
    n = len(d)
    height, size = row_layout(n, base=1.4)
    fig, (ax_a, ax_b) = plt.subplots(
        1,
        2,
        figsize=(7.2, max(2.4, height)),
        sharey=True,
        gridspec_kw={"width_ratios": [2.2, 1]},
    )
    end = d["onset_hours"] + d["resolved_hours"]
    right = float(max(window_hours, end.max(skipna=True) if end.notna().any() else 0))
    right = max(right, float(d["onset_hours"].max())) * 1.12 + 1
    # every part in one call (row i is drawn at y = n - i), so many events draw fast
    y = np.arange(n, 0, -1, dtype=float)
    onset = d["onset_hours"].to_numpy(dtype=float)
    resolved = d["resolved"].to_numpy(dtype=bool)
    stop = (onset + d["resolved_hours"].to_numpy(dtype=float))[resolved]
    ax_a.add_collection(
        LineCollection(
            _segments(onset[resolved], stop, y[resolved]),
            colors="black",
            linewidths=1.5,
        )
    )
    ax_a.plot(stop, y[resolved], "k|", markersize=size + 2, linestyle="none")
    _not_resolved(ax_a, onset[~resolved], y[~resolved], right, size)
    infusion = d["infusion"].to_numpy(dtype=int)
    temp = d["max_temp_c"].to_numpy(dtype=float)
    for k, style in INFUSION_STYLE.items():
        rows = infusion == k
        ax_a.plot(onset[rows], y[rows], linestyle="none", markersize=size, **style)
        hot = rows & np.isfinite(temp)
        ax_b.plot(temp[hot], y[hot], linestyle="none", markersize=size, **style)
    ax_a.axvline(window_hours, color="0.4", linestyle=":", linewidth=1)
    ax_a.set_xlim(0, right)
    ax_a.set_xlabel("Hours since the start of the infusion")
    ax_a.set_title("A  Onset (circle) to resolution (tick)", loc="left", fontsize=9)
    ax_b.set_xlabel("Highest temperature (°C)")
    ax_b.set_title("B  Highest temperature", loc="left", fontsize=9)
    temps = d["max_temp_c"].dropna()
    if not temps.empty:
        ax_b.set_xlim(float(temps.min()) - 0.5, float(temps.max()) + 0.5)
    for ax in (ax_a, ax_b):
        ax.set_yticks([])
        ax.set_ylim(0.3, n + 0.7)
        ax.spines[["top", "right", "left"]].set_visible(False)
    handles = [
        Line2D([], [], linestyle="none", markersize=8, label=f"after infusion {k}", **s)
        for k, s in INFUSION_STYLE.items()
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=2,
        frameon=False,
        fontsize=9,
        bbox_to_anchor=(0.5, 0.0),
    )
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig
