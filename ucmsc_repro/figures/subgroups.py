"""Figure of the chapter "Subgroups": a forest plot of remission by subgroup."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..chapters.subgroups import FACTOR_TITLES, SUBGROUP_LABELS
from ..core.formatting import p_text

__all__ = ["remission_forest"]


def _count(r: dict, arm: str) -> str:
    n = int(r[f"{arm}_n"])
    if n == 0:
        return "0 / 0"
    return f"{int(r[f'{arm}_events'])} / {n} ({r[f'{arm}_pct']:.0f}%)"


def remission_forest(
    remission: pd.DataFrame, interactions: pd.DataFrame, *, alpha: float = 0.05
) -> Figure:
    """Forest plot of the remission risk difference, overall and by subgroup.

    Parameters
    ----------
    remission : pandas.DataFrame
        From :func:`ucmsc_repro.chapters.subgroups.remission_by_subgroup`.
    interactions : pandas.DataFrame
        From :func:`ucmsc_repro.chapters.subgroups.remission_interactions`.
    alpha : float
        1 - confidence level of the intervals (shown in the axis label).

    Returns
    -------
    matplotlib.figure.Figure
        One row per subgroup under a header per factor giving the interaction
        p-value (or "not estimable"); left, remission / n (%) per arm; right,
        the risk difference (MSC minus control, percentage points) as a
        closed square with its Newcombe interval, the whole population as a
        closed diamond; a dashed line at no difference.

    References
    ----------
    Lu et al. 2021, Results, Efficacy evaluation (remission); Tables S1, S2.
    """
    inter = interactions.set_index("factor")
    lines: list[tuple[str, dict | None, str]] = []
    for r in remission.to_dict("records"):
        if r["factor"] == "all":
            lines.append(("overall", r, SUBGROUP_LABELS["all"]))
    for factor in [f for f in remission["factor"].unique() if f != "all"]:
        if factor in inter.index:
            t = inter.loc[factor]
            p = p_text(t["pval"]) if t["estimable"] else "not estimable"
            head = f"{FACTOR_TITLES.get(factor, factor)} (interaction {p})"
        else:
            head = FACTOR_TITLES.get(factor, factor)
        lines.append(("header", None, head))
        for r in remission.loc[remission["factor"].eq(factor)].to_dict("records"):
            lines.append(
                ("row", r, "   " + SUBGROUP_LABELS.get(r["subgroup"], r["subgroup"]))
            )

    height = 1.2 + 0.34 * len(lines)
    fig, (axt, axp) = plt.subplots(
        1,
        2,
        figsize=(7.6, height),
        sharey=True,
        gridspec_kw={"width_ratios": [1.45, 1], "wspace": 0.02},
    )
    ys = np.arange(len(lines))[::-1]
    axt.set_xlim(0, 1)
    axt.axis("off")
    top = len(lines) - 0.2
    for x, text in ((0.0, "Subgroup"), (0.56, "MSC"), (0.80, "Control")):
        axt.text(x, top + 0.6, text, fontsize=9, fontweight="bold", va="center")
    for y, (kind, r, label) in zip(ys, lines, strict=True):
        weight = "bold" if kind in ("header", "overall") else "normal"
        axt.text(0.0, y, label, fontsize=9, va="center", fontweight=weight)
        if r is None:
            continue
        axt.text(0.56, y, _count(r, "msc"), fontsize=9, va="center")
        axt.text(0.80, y, _count(r, "control"), fontsize=9, va="center")
        if np.isfinite(r["risk_difference"]):
            axp.plot(
                [r["ci_low"], r["ci_high"]], [y, y], color="black", linewidth=1.2, zorder=2
            )
            axp.plot(
                [r["risk_difference"]],
                [y],
                marker="D" if kind == "overall" else "s",
                markersize=8 if kind == "overall" else 6,
                color="black",
                linestyle="none",
                zorder=3,
            )
    axp.axvline(0, color="0.4", linestyle="--", linewidth=0.9, zorder=1)
    axp.set_xlim(-100, 100)
    axp.set_xticks([-100, -50, 0, 50, 100])
    axp.set_ylim(-0.7, len(lines) + 0.3)
    axp.tick_params(axis="y", left=False, labelleft=False)
    for side in ("top", "right", "left"):
        axp.spines[side].set_visible(False)
    axp.set_xlabel(
        f"Remission, MSC minus control\n(percentage points, {100 * (1 - alpha):g}% CI)",
        fontsize=9,
    )
    axp.text(-95, top + 0.6, "favours control", fontsize=8, va="center", color="0.3")
    axp.text(95, top + 0.6, "favours MSC", fontsize=8, va="center", ha="right", color="0.3")
    fig.subplots_adjust(left=0.02, right=0.98, top=0.97, bottom=0.6 / height + 0.08)
    return fig
