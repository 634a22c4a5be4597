"""Figure 4: MSC recipients who reached remission against those who did not.

Also a forest plot of a logistic model's odds ratios (Table S3).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..chapters.factors import REMITTER_VARIABLES, remitter_comparison
from ..chapters.factors_text import TERM_LABELS

__all__ = ["PANEL_LABELS", "remitter_figure", "odds_ratio_forest"]

#: Axis label of each Figure 4 panel.
PANEL_LABELS: dict[str, str] = {
    "fcp_pmol_l_0": "Baseline fasting C-peptide (pmol/L)",
    "hba1c_pct_0": "Baseline HbA1c (%)",
    "msc_cells_total": "MSCs infused (10⁶ cells)",
}

_GROUPS = (
    # (outcome value, tick label, marker face)
    (1.0, "Remission", "black"),
    (0.0, "No remission", "white"),
)

#: Fixed seed of the horizontal jitter, so the figure is the same at every run.
_JITTER_SEED = 20210340


def _jitter(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(-0.13, 0.13, size=n)


def remitter_figure(
    data: pd.DataFrame,
    *,
    outcome: str = "remission",
    variables=REMITTER_VARIABLES,
    comparison: pd.DataFrame | None = None,
    alpha: float = 0.05,
) -> Figure:
    """Figure 4: baseline C-peptide, HbA1c and cells infused by remission (MSC arm).

    Parameters
    ----------
    data : pandas.DataFrame
        The per-protocol set; only rows with ``msc == 1`` and a known outcome are
        drawn.
    outcome : str
        0/1 column that splits the groups.
    variables : sequence of str
        One panel per variable (default: fasting C-peptide, HbA1c, cells).
    comparison : pandas.DataFrame, optional
        :func:`ucmsc_repro.chapters.factors.remitter_comparison` of the same data;
        computed when omitted.
    alpha : float
        A ``*`` is drawn above a panel whose test has p < ``alpha``.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per variable (A, B, C): each participant as an unlabelled
        circle (closed: remission; open: no remission) with a small fixed-seed
        horizontal jitter, and the group mean (horizontal bar) with mean -/+
        SEM (vertical bar).

    References
    ----------
    Lu et al. 2021, Figure 4.
    """
    variables = tuple(variables)
    if comparison is None:
        comparison = remitter_comparison(data, outcome=outcome, variables=variables)
    cmp = comparison.set_index("variable")
    msc = data.loc[(data["msc"] == 1) & data[outcome].notna()]
    rng = np.random.default_rng(_JITTER_SEED)
    fig, axes = plt.subplots(1, len(variables), figsize=(9.0, 3.6), squeeze=False)
    for i, (ax, v) in enumerate(zip(axes[0], variables, strict=True)):
        top = -np.inf
        for x, (value, _, face) in enumerate(_GROUPS):
            vals = msc.loc[msc[outcome] == value, v].dropna().to_numpy(dtype=float)
            if vals.size:
                top = max(top, float(vals.max()))
            ax.scatter(
                x + _jitter(vals.size, rng),
                vals,
                s=26,
                marker="o",
                facecolors=face,
                edgecolors="black",
                linewidths=0.9,
                zorder=3,
            )
            key = "remission" if value == 1 else "no_remission"
            mean, sem = cmp.loc[v, f"mean_{key}"], cmp.loc[v, f"sem_{key}"]
            if np.isfinite(mean):
                ax.hlines(mean, x - 0.28, x + 0.28, colors="black", linewidth=1.6, zorder=4)
            if np.isfinite(mean) and np.isfinite(sem):
                ax.errorbar(
                    x,
                    mean,
                    yerr=sem,
                    fmt="none",
                    ecolor="black",
                    capsize=5,
                    lw=1.2,
                    zorder=4,
                )
        ax.set_xticks(range(len(_GROUPS)), [g[1] for g in _GROUPS])
        ax.set_xlim(-0.6, len(_GROUPS) - 0.4)
        ax.set_ylabel(PANEL_LABELS.get(v, v))
        ax.set_title("ABCDEFGH"[i], loc="left", fontweight="bold")
        ax.spines[["top", "right"]].set_visible(False)
        p = cmp.loc[v, "pval"]
        if np.isfinite(top) and np.isfinite(p) and p < alpha:
            lo, hi = ax.get_ylim()
            y = top + 0.06 * (hi - lo)
            h = 0.02 * (hi - lo)
            ax.plot([0, 0, 1, 1], [y, y + h, y + h, y], color="black", lw=1)
            ax.text(0.5, y + 0.025 * (hi - lo), "*", ha="center", va="bottom", fontsize=14)
            ax.set_ylim(lo, max(hi, y + 0.12 * (hi - lo)))
    fig.tight_layout()
    return fig


def odds_ratio_forest(table: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Odds ratios with confidence intervals on a log axis, one row per term.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`ucmsc_repro.stats.logistic.logit_table` output; the intercept row
        (``term == "const"``) is left out.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        A filled square at each odds ratio with a horizontal line for its
        interval; a dashed vertical line at OR = 1. Odds ratios are per unit of
        each covariate (unit in the row label), so their sizes are not
        comparable across rows. A model that could not be estimated gives a
        figure that says so.
    """
    t = table.loc[table["term"] != "const"].iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(t) + 1.2))
    if not np.isfinite(t["odds_ratio"].to_numpy(dtype=float)).any():
        ax.axis("off")
        ax.text(0.5, 0.5, "Model not estimable on these data", ha="center", va="center")
        return fig
    y = np.arange(len(t))
    ax.hlines(y, t["ci_low"], t["ci_high"], colors="black", lw=1.3)
    ax.scatter(t["odds_ratio"], y, marker="s", color="black", s=30, zorder=3)
    ax.axvline(1.0, color="0.4", ls="--", lw=1)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.set_yticks(y, [TERM_LABELS.get(term, term) for term in t["term"]])
    ax.set_xlabel("Odds ratio of remission (log scale)")
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
