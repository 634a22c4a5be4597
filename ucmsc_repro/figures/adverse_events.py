"""Figure of the adverse-events chapter: timing, temperature and resolution of events."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..chapters.adverse_events import event_details

__all__ = ["INFUSION_STYLE", "adverse_event_figure"]

#: Marker per infusion: open circle after the first, closed circle after the second.
INFUSION_STYLE: dict[int, dict] = {
    1: {"marker": "o", "markerfacecolor": "white", "markeredgecolor": "black"},
    2: {"marker": "o", "markerfacecolor": "black", "markeredgecolor": "black"},
}


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
    height = max(2.4, 1.4 + 0.45 * n)
    fig, (ax_a, ax_b) = plt.subplots(
        1, 2, figsize=(7.2, height), sharey=True, gridspec_kw={"width_ratios": [2.2, 1]}
    )
    end = d["onset_hours"] + d["resolved_hours"]
    right = float(max(window_hours, end.max(skipna=True) if end.notna().any() else 0))
    right = max(right, float(d["onset_hours"].max())) * 1.12 + 1
    for i, e in enumerate(d.itertuples()):
        y = n - i
        style = INFUSION_STYLE[int(e.infusion)]
        if e.resolved:
            ax_a.plot(
                [e.onset_hours, e.onset_hours + e.resolved_hours], [y, y], "k-", lw=1.5
            )
            ax_a.plot([e.onset_hours + e.resolved_hours], [y], "k|", markersize=10)
        else:
            ax_a.annotate(
                "",
                xy=(right, y),
                xytext=(e.onset_hours, y),
                arrowprops={"arrowstyle": "->", "color": "black"},
            )
        ax_a.plot([e.onset_hours], [y], linestyle="none", markersize=8, **style)
        if pd.notna(e.max_temp_c):
            ax_b.plot([e.max_temp_c], [y], linestyle="none", markersize=8, **style)
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
