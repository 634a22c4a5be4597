"""Figures of the chapter "Secondary endpoints over time" (the paper's Figures 2 and 3).

Markers follow the paper: MSC participants are closed circles, control
participants open triangles. Individual trajectories are drawn unlabelled.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from ..chapters.secondary import (
    CPEPTIDE_MEASURES,
    LABELS,
    SECOND_REFERENCE_MONTH,
    TRAJECTORY_MEASURES,
    arm_key,
    compare_arms,
    paired_by_visit,
    visit_summary,
)
from ..core.formatting import p_value
from .style import ARM_STYLE

__all__ = ["trajectories_figure", "cpeptide_figure"]


_SHORT = {
    "hba1c_pct": "HbA1c (%)",
    "insulin_iu_kg_day": "Insulin (IU/kg/day)",
    "fcp_pmol_l": "Fasting C-peptide (pmol/L)",
    "pcp_pmol_l": "2-h postprandial C-peptide (pmol/L)",
}

_TEST_SHORT = {
    "Student's t test (two-sided)": "Student's t",
    "Mann-Whitney U test (two-sided, normal approximation)": "Mann-Whitney U",
}


def _panel_letter(ax, letter: str) -> None:
    ax.text(
        -0.02,
        1.02,
        letter,
        transform=ax.transAxes,
        fontsize=12,
        fontweight="bold",
        ha="right",
        va="bottom",
    )


def _individual_panel(ax, long, summary, tests, measure, arm, alpha) -> None:
    style = ARM_STYLE[arm]
    sub = long.loc[long["arm"].eq(arm)]
    # one line per participant, all in one collection (fast for many participants)
    seen = sub.dropna(subset=[measure]).sort_values(["subject_id", "month"])
    points = seen[["month", measure]].to_numpy(dtype=float)
    ids = seen["subject_id"].to_numpy()
    lines = np.split(points, np.flatnonzero(ids[1:] != ids[:-1]) + 1) if len(ids) else []
    ax.add_collection(LineCollection(lines, colors="0.7", linewidths=0.8, zorder=1))
    ax.plot(
        points[:, 0],
        points[:, 1],
        linestyle="none",
        marker=style["marker"],
        markersize=3,
        markerfacecolor="0.55" if arm == "msc" else "white",
        markeredgecolor="0.55",
        zorder=1,
    )
    mean = summary.loc[summary["arm"].eq(arm)]
    ax.plot(
        mean["month"],
        mean["mean"],
        color="black",
        linewidth=2,
        markersize=6,
        zorder=3,
        **style,
    )
    months = sorted(sub["month"].unique())
    ax.set_xticks(months)
    ax.set_xticklabels([f"{m:g}" for m in months])
    ax.set_xlabel("Month")
    ax.set_ylabel(_SHORT[measure])
    trans = blended_transform_factory(ax.transData, ax.transAxes)
    for t in tests.loc[tests["arm"].eq(arm)].itertuples(index=False):
        if not (np.isfinite(t.pval) and t.pval < alpha):
            continue
        symbol = "*" if t.reference == 0 else "#"
        dy = 0.0 if symbol == "*" else -0.06
        ax.text(
            t.month,
            0.97 + dy,
            symbol,
            transform=trans,
            ha="center",
            va="top",
            fontsize=13 if symbol == "*" else 10,
        )
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + 0.15 * (hi - lo))


def _change_panel(ax, table, measure, endpoint_month) -> None:
    res = compare_arms(table, variables=[f"{measure}_change"]).iloc[0]
    for x, arm in enumerate(("control", "msc")):
        mean, sem = res[f"{arm}_mean"], res[f"{arm}_sem"]
        ax.errorbar(
            [x],
            [mean],
            yerr=[[sem if np.isfinite(sem) else 0.0], [sem if np.isfinite(sem) else 0.0]],
            color="black",
            capsize=5,
            markersize=9,
            linestyle="none",
            **ARM_STYLE[arm],
        )
    ax.axhline(0, color="0.5", linewidth=0.8, linestyle="--", zorder=0)
    ax.set_xlim(-0.6, 1.6)
    ax.set_xticks([0, 1])
    n_c, n_m = int(res["control_n"]), int(res["msc_n"])
    ax.set_xticklabels([f"Control\n(n = {n_c})", f"MSC\n(n = {n_m})"])
    ax.set_ylabel(f"Change in {_SHORT[measure]}")
    test = _TEST_SHORT.get(res["test"], res["test"])
    ax.set_title(
        f"Month 0 to {endpoint_month:g}: p = {p_value(res['pval'], missing='not tested')}\n"
        f"({test}, two-sided, n = {int(res['n'])})",
        fontsize=9,
    )
    lo, hi = ax.get_ylim()
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    pad = 0.1 * (hi - lo)
    ax.set_ylim(lo - pad, hi + pad)


def trajectories_figure(
    long: pd.DataFrame,
    table: pd.DataFrame,
    *,
    endpoint_month: float = 12,
    alpha: float = 0.05,
    arm: str = "msc",
    measures: tuple[str, ...] = TRAJECTORY_MEASURES,
) -> Figure:
    """The paper's Figure 2: HbA1c and insulin dose over time, and their change.

    Parameters
    ----------
    long : pandas.DataFrame
        Visits in long format (:func:`ucmsc_repro.chapters.secondary.visit_long`).
    table : pandas.DataFrame
        Analysis table of the same participants (e.g. ``ch.pp``), for the
        change from baseline to the endpoint.
    endpoint_month : float
        Endpoint month (shown in the titles of panels C and D).
    alpha : float
        Significance level of the * and # marks.
    arm : str
        Arm whose participants are drawn in panels A and B (the paper: MSC).
    measures : tuple of str
        The two measures (default HbA1c and daily insulin dose).

    Returns
    -------
    matplotlib.figure.Figure
        Panels A and B: one unlabelled grey line per participant, the arm's
        mean in black; * above a month whose values differ from month 0 and #
        from month 3 (paired tests, two-sided, p < ``alpha``). Panels C and D:
        mean +/- SEM change from month 0 to the endpoint, control as open
        triangles, MSC as closed circles, with the between-arm test.

    References
    ----------
    Lu et al. 2021, Figure 2.
    """
    fig, axes = plt.subplots(2, 2, figsize=(7.6, 6.6), gridspec_kw={"width_ratios": [3, 2]})
    for row, measure in enumerate(measures):
        summary = visit_summary(long, measure=measure)
        tests = pd.concat(
            [
                paired_by_visit(long, measure=measure, reference=0),
                paired_by_visit(long, measure=measure, reference=SECOND_REFERENCE_MONTH),
            ],
            ignore_index=True,
        )
        _individual_panel(axes[row, 0], long, summary, tests, measure, arm, alpha)
        _change_panel(axes[row, 1], table, measure, endpoint_month)
        _panel_letter(axes[row, 0], "AB"[row])
        _panel_letter(axes[row, 1], "CD"[row])
    handles = [
        Line2D(
            [],
            [],
            color="0.7",
            linewidth=0.8,
            marker="o",
            markersize=3,
            markerfacecolor="0.55",
            markeredgecolor="0.55",
            label=f"one {LABELS.get(arm, arm)} participant",
        ),
        Line2D(
            [],
            [],
            color="black",
            linewidth=2,
            markersize=6,
            label="arm mean",
            **ARM_STYLE[arm],
        ),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def cpeptide_figure(
    table: pd.DataFrame,
    *,
    endpoint_month: float = 12,
    measures: tuple[str, ...] = CPEPTIDE_MEASURES,
    arms: tuple[str, ...] = ("control", "msc"),
) -> Figure:
    """The paper's Figure 3: C-peptide at baseline and endpoint, per participant.

    Parameters
    ----------
    table : pandas.DataFrame
        Analysis table (e.g. ``ch.pp``) with ``<measure>_0``,
        ``<measure>_end`` and ``arm``.
    endpoint_month : float
        Endpoint month (axis label).
    measures : tuple of str
        Fasting and postprandial C-peptide (rows).
    arms : tuple of str
        Arm keys (columns), control first as in the paper.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per measure and arm; each unlabelled line joins a
        participant's baseline and endpoint values, black when the endpoint
        value is higher, grey otherwise. Control: open triangles; MSC: closed
        circles. Panels of a row share the y axis.

    References
    ----------
    Lu et al. 2021, Figure 3.
    """
    arm_of = table["arm"].map(arm_key)
    fig, axes = plt.subplots(
        len(measures), len(arms), figsize=(7.6, 6.8), sharey="row", squeeze=False
    )
    letters = iter("ABCDEFGH")
    for i, measure in enumerate(measures):
        for j, arm in enumerate(arms):
            ax = axes[i, j]
            sub = table.loc[arm_of.eq(arm), [f"{measure}_0", f"{measure}_end"]].dropna()
            sub = sub.sort_values([f"{measure}_0", f"{measure}_end"])
            values = sub.to_numpy(dtype=float)
            rise = values[:, 1] > values[:, 0]
            rose = int(rise.sum())
            # the lines that rose and the others, each set in one call
            for up in (False, True):
                pairs = values[rise == up]
                style = dict(ARM_STYLE[arm])
                if not up:
                    style["markeredgecolor"] = "0.45"
                    if arm == "msc":
                        style["markerfacecolor"] = "0.45"
                ends = np.zeros((len(pairs), 2, 2))
                ends[:, 1, 0] = 1.0
                ends[:, :, 1] = pairs
                ax.add_collection(
                    LineCollection(
                        ends,
                        colors="black" if up else "0.65",
                        linewidths=1.0 if up else 0.8,
                        zorder=2 if up else 1,
                    )
                )
                ax.plot(
                    np.tile([0.0, 1.0], len(pairs)),
                    pairs.ravel(),
                    linestyle="none",
                    markersize=5,
                    zorder=2 if up else 1,
                    **style,
                )
            ax.set_xlim(-0.35, 1.35)
            ax.set_xticks([0, 1])
            ax.set_xticklabels(["Baseline", f"Month {endpoint_month:g}"])
            ax.set_title(
                f"{LABELS.get(arm, arm)}: rose in {rose} of {len(sub)}", fontsize=10
            )
            if j == 0:
                ax.set_ylabel(_SHORT[measure])
            _panel_letter(ax, next(letters))
    handles = [
        Line2D([], [], color="black", linewidth=1.0, label="endpoint above baseline"),
        Line2D([], [], color="0.65", linewidth=0.8, label="endpoint at or below baseline"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig
