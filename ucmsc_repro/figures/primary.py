"""Figures of the primary-endpoint chapter: remission by arm, insulin-free timeline."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..chapters.primary import (
    ARMS,
    INFUSION_MONTHS,
    insulin_free_periods,
    rates_by_arm,
    significance_tests,
)
from ..core.formatting import p_text
from .style import ARM_STYLE as SHARED_STYLE
from .style import ROWS_DRAWN_ONE_BY_ONE, row_layout

__all__ = ["ARM_STYLE", "remission_figure", "insulin_free_timeline"]

#: Marker style per arm (MSC closed circles, control open triangles), in black.
ARM_STYLE: dict[str, dict] = {
    arm: {**SHARED_STYLE[arm], "color": "black"} for arm in ("MSC", "control")
}

_OUTCOME_LABELS = (
    ("remission", "Remission\n(fasting and/or\npostprandial)"),
    ("remission_fcp", "Fasting\nC-peptide"),
    ("remission_pcp", "Postprandial\nC-peptide"),
)

_TEST_SHORT = {
    "pval_chi2": "Pearson chi-square",
    "pval_yates": "Yates chi-square",
    "pval_fisher": "Fisher's exact test",
}


def remission_figure(data: pd.DataFrame, *, alpha: float = 0.05) -> Figure:
    """Percentage of each arm reaching remission, overall and by C-peptide measure.

    Parameters
    ----------
    data : pandas.DataFrame
        The per-protocol set (``ch.pp``) with ``arm``, ``remission``,
        ``remission_fcp`` and ``remission_pcp``.
    alpha : float
        Significance level: ``*`` marks p < alpha; intervals are
        100(1 - alpha)% Wilson intervals.

    Returns
    -------
    matplotlib.figure.Figure
        For each outcome (remission by either C-peptide, by fasting, by
        postprandial C-peptide) the percentage per arm (closed circle: MSC;
        open triangle: control) with its Wilson interval and the count
        ``events/n`` beside it. Above the remission pair, the p-value of the
        test the paper's rule picks (named), with ``*`` when below alpha.

    References
    ----------
    Lu et al. 2021, Results (Efficacy evaluation).
    """
    fig, ax = plt.subplots(figsize=(7.2, 4.0))
    offsets = {"MSC": -0.15, "control": 0.15}
    top = 0.0
    for i, (outcome, _) in enumerate(_OUTCOME_LABELS):
        rates = rates_by_arm(data, outcome=outcome, alpha=alpha)
        for r in rates.itertuples():
            x = i + offsets[r.arm]
            if not np.isfinite(r.pct):
                continue
            ax.errorbar(
                x,
                r.pct,
                yerr=[[r.pct - r.ci_low], [r.ci_high - r.pct]],
                linestyle="none",
                capsize=4,
                markersize=8,
                ecolor="black",
                **ARM_STYLE[r.arm],
            )
            ax.annotate(
                f"{r.events}/{r.n}",
                (x, r.pct),
                xytext=(7 if r.arm == "control" else -7, 0),
                textcoords="offset points",
                ha="left" if r.arm == "control" else "right",
                va="center",
                fontsize=8,
            )
            top = max(top, r.ci_high)
        if outcome == "remission":
            c = rates.set_index("arm")
            x1, n1 = int(c.loc["MSC", "events"]), int(c.loc["MSC", "n"])
            x2, n2 = int(c.loc["control", "events"]), int(c.loc["control", "n"])
            if n1 and n2:
                tests = significance_tests(x1, n1, x2, n2)
                chosen = tests.loc[tests["paper_rule"]].iloc[0]
                y = float(np.nanmax(rates["ci_high"])) + 6
                ax.plot(
                    [i - 0.15, i - 0.15, i + 0.15, i + 0.15], [y - 2, y, y, y - 2], "k-"
                )
                star = " *" if chosen["pval"] < alpha else ""
                ax.text(
                    i,
                    y + 1.5,
                    f"{_TEST_SHORT[chosen['key']]}\n{p_text(chosen['pval'])}{star}",
                    ha="center",
                    va="bottom",
                    fontsize=8,
                )
                top = max(top, y + 14)
    ax.set_xticks(range(len(_OUTCOME_LABELS)))
    ax.set_xticklabels([label for _, label in _OUTCOME_LABELS], fontsize=9)
    ax.set_xlim(-0.6, len(_OUTCOME_LABELS) - 0.4)
    ax.set_ylim(0, max(100.0, top))
    ax.set_ylabel("Participants reaching the threshold (%)")
    ax.spines[["top", "right"]].set_visible(False)
    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            markersize=8,
            label=label,
            **ARM_STYLE[arm],
        )
        for arm, _, label in ARMS
    ]
    ax.legend(handles=handles, loc="upper right", frameon=False, fontsize=9)
    fig.tight_layout()
    return fig


def _mark_label(ax, text: str, x: float, y: float) -> None:
    """A small label just right of a vertical mark (infusion, endpoint)."""
    ax.annotate(
        text,
        (x, y),
        ha="left",
        va="center",
        fontsize=8,
        xytext=(3, 0),
        textcoords="offset points",
    )


def insulin_free_timeline(
    data: pd.DataFrame,
    *,
    endpoint_month: float,
    infusion_months: tuple[float, ...] = INFUSION_MONTHS,
) -> Figure:
    """Each insulin-free period as one unlabelled horizontal bar.

    Parameters
    ----------
    data : pandas.DataFrame
        The per-protocol set with ``arm``, ``insulin_free_start_month`` and
        ``insulin_free_end_month``.
    endpoint_month : float
        Periods that started after this month are not drawn; a dotted line
        marks it.
    infusion_months : tuple of float
        Months of the MSC infusions, marked by dashed lines and triangles.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per period (filled: MSC arm; open: control), from the month
        insulin was stopped to the month it was restarted (an arrow when not
        restarted), x = months since the first infusion (or enrolment).
        Bars carry no label: the rows are ordered by arm and start month.

    References
    ----------
    Lu et al. 2021, Results (Efficacy evaluation).
    """
    periods = insulin_free_periods(data, endpoint_month=endpoint_month)
    n = len(periods)
    height, _ = row_layout(n, base=1.2)
    fig, ax = plt.subplots(figsize=(7.2, max(2.2, height)))
    ends = periods["end_month"].fillna(periods["start_month"])
    right = float(max([endpoint_month, *ends.tolist(), *infusion_months])) + 3
    # every bar in one call (row i at y = n - i), so many periods draw fast
    y = np.arange(n, 0, -1, dtype=float)
    start = periods["start_month"].to_numpy(dtype=float)
    ongoing = periods["ongoing"].to_numpy(dtype=bool)
    end = np.where(ongoing, right - 1, periods["end_month"].to_numpy(dtype=float))
    msc = (periods["arm"] == "MSC").to_numpy()
    # many rows: bars touch, so no outline, and the control bars are light grey
    many = n > ROWS_DRAWN_ONE_BY_ONE
    control_face = "0.75" if many else "white"
    top = n + (0.05 * n if many else 1.2)
    # one collection of rectangles (bars of height 0.5), not one patch per bar
    half = 0.5 if many else 0.25  # many rows: bars of full height, no moire of gaps
    low, high = y - half, y + half
    corners = ((start, low), (end, low), (end, high), (start, high))
    boxes = np.stack([np.column_stack(c) for c in corners], axis=1)
    ax.add_collection(
        PolyCollection(
            boxes,
            facecolors=np.where(msc, "0.25", control_face).tolist(),
            edgecolors="face" if many else "black",
            linewidths=0.0 if many else 1.0,
        )
    )
    if ongoing.sum() <= ROWS_DRAWN_ONE_BY_ONE:
        for x0, y0 in zip(end[ongoing], y[ongoing], strict=True):
            ax.annotate(
                "",
                xy=(right - 0.2, y0),
                xytext=(x0, y0),
                arrowprops={"arrowstyle": "->", "color": "black"},
            )
    else:
        ax.plot(np.full(int(ongoing.sum()), right - 0.2), y[ongoing], ">", color="black")
    for k, m in enumerate(infusion_months, start=1):
        ax.axvline(m, color="0.4", linestyle="--", linewidth=1)
        ax.plot([m], [0.35], marker="^", color="black", markersize=7, clip_on=False)
        _mark_label(ax, f"infusion {k}", m, n + 0.625 * (top - n))
    ax.axvline(endpoint_month, color="black", linestyle=":", linewidth=1.2)
    _mark_label(ax, "endpoint", endpoint_month, n + 0.625 * (top - n))
    if n == 0:
        ax.text(
            (right - 1) / 2,
            0.9,
            "No participant became insulin-free by the endpoint",
            ha="center",
            va="center",
            fontsize=9,
        )
    ax.set_xlim(-1, right)
    ax.set_ylim(0.2, top)
    ax.set_yticks([])
    ax.set_xlabel("Months since the first infusion (control: since enrolment)")
    ax.spines[["top", "right", "left"]].set_visible(False)
    handles = [
        Patch(facecolor="0.25", edgecolor="black", label="MSC-treated"),
        Patch(facecolor=control_face, edgecolor="black", label="Control"),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.07 if many else -0.28 if n > 2 else -0.45),
        ncol=2,
        frameon=False,
        fontsize=9,
    )
    fig.tight_layout()
    return fig
