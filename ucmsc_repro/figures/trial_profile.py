"""The CONSORT-style trial profile, drawn with matplotlib (no network, no Graphviz)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from ..chapters.trial_profile import discontinuations, flow_counts

__all__ = ["trial_profile_figure"]

_BOX = {"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": "0.2"}


def _n(counts: pd.DataFrame, stage: str, arm: str) -> int:
    hit = counts.loc[counts["stage"].eq(stage) & counts["arm"].eq(arm), "n"]
    return int(hit.iloc[0]) if len(hit) else 0


def _reasons(disc: pd.DataFrame, arm: str) -> str:
    rows = disc.loc[disc["arm"].eq(arm)]
    lines = []
    for r in rows.itertuples():
        when = (
            f"month {r.month_min:g}"
            if r.month_min == r.month_max
            else f"months {r.month_min:g}-{r.month_max:g}"
        )
        lines.append(f"{r.reason} (n = {r.n}; {when})")
    return "\n".join(lines) if lines else "none"


def trial_profile_figure(subjects: pd.DataFrame) -> Figure:
    """Flow of participants from enrolment to analysis, by arm.

    Parameters
    ----------
    subjects : pandas.DataFrame
        Validated ``subjects.csv``.

    Returns
    -------
    matplotlib.figure.Figure
        Boxes for enrolment, assignment, discontinuation (with reasons and
        timing) and the per-protocol analysis set of each arm.
    """
    counts = flow_counts(subjects)
    disc = discontinuations(subjects)
    fig, ax = plt.subplots(figsize=(8.0, 5.6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.axis("off")

    def box(x, y, text, **kw):
        ax.text(
            x, y, text, ha="center", va="center", fontsize=9, bbox=_BOX, wrap=True, **kw
        )

    def arrow(x0, y0, x1, y1):
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={"arrowstyle": "->", "color": "0.2"},
        )

    box(5, 9.3, f"Enrolled\nn = {_n(counts, 'enrolled', 'all')}")
    for x, arm, label in ((2.6, "MSC", "MSC-treated"), (7.4, "control", "Control")):
        arrow(5, 8.9, x, 7.95)
        box(x, 7.5, f"Assigned to {label}\nn = {_n(counts, 'assigned', arm)}")
        arrow(x, 7.05, x, 5.75)
        box(
            x,
            4.9,
            f"Discontinued, n = {_n(counts, 'discontinued', arm)}\n" + _reasons(disc, arm),
        )
        arrow(x, 4.05, x, 2.05)
        extra = _n(counts, "completed_not_per_protocol", arm)
        note = f"\n(completed but not per protocol: {extra})" if extra else ""
        box(x, 1.5, f"Analysed (per protocol)\nn = {_n(counts, 'analysed', arm)}{note}")
    fig.tight_layout()
    return fig
