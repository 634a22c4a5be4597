"""Figures of the confounding chapter: love plot, threshold curve, specification curve."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..chapters import confounding as cf
from ..chapters.confounding_text import option_label
from ..stats import specification_curve as sc

__all__ = [
    "love_plot",
    "love_figure",
    "threshold_plot",
    "threshold_figure",
    "specification_plot",
    "specification_figure",
]

_WEIGHT_STYLE = {
    "smd_unweighted": ("Unweighted", {"marker": "o", "color": "black", "mfc": "white"}),
    "smd_overlap": ("Overlap weights", {"marker": "s", "color": "tab:blue"}),
    "smd_ipw": ("Inverse probability weights", {"marker": "^", "color": "tab:orange"}),
}


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])


def love_plot(balance: pd.DataFrame, *, threshold: float = 0.1) -> Figure:
    """Absolute standardized mean differences before and after weighting.

    Parameters
    ----------
    balance : pandas.DataFrame
        Columns ``label`` and any of ``smd_unweighted``, ``smd_overlap``,
        ``smd_ipw`` (see ``ucmsc_repro.chapters.confounding.balance``).
    threshold : float
        Reference line (|SMD| = 0.1, the usual balance criterion).

    Returns
    -------
    matplotlib.figure.Figure
        One row per covariate (y), |SMD| on x, one marker per weighting;
        covariates ordered by their unweighted |SMD|. Missing SMDs are not
        drawn; when none can be drawn a sentence says so.
    """
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * max(len(balance), 3) + 1.2))
    cols = [c for c in _WEIGHT_STYLE if c in balance]
    values = balance[cols].abs()
    if values.notna().sum().sum() == 0:
        _empty(ax, "No standardized mean difference can be computed on these data.")
        return fig
    order = values[cols[0]].fillna(-1).to_numpy().argsort()
    y = np.arange(len(balance))
    for c in cols:
        label, style = _WEIGHT_STYLE[c]
        v = values[c].to_numpy()[order]
        ok = np.isfinite(v)
        ax.plot(v[ok], y[ok], linestyle="none", label=label, **style)
    ax.set_yticks(y, balance["label"].to_numpy()[order])
    ax.axvline(threshold, color="grey", linestyle="--", linewidth=0.8)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel("Absolute standardized mean difference (MSC vs control)")
    ax.legend(loc="lower right", fontsize="small", frameon=False)
    ax.set_xlim(left=-0.02)
    fig.tight_layout()
    return fig


def love_figure(ch) -> Figure:
    """The chapter's love plot (per-protocol set)."""
    return love_plot(cf.balance(ch))


def threshold_plot(
    curve: pd.DataFrame, *, alpha: float = 0.05, marked: float = 0.10
) -> Figure:
    """Risk difference and its interval against the remission threshold.

    Parameters
    ----------
    curve : pandas.DataFrame
        Columns ``threshold``, ``estimate``, ``ci_low``, ``ci_high``, ``pval``
        (proportions; see ``ucmsc_repro.chapters.confounding.threshold_curve``).
    alpha : float
        Thresholds with p < alpha are drawn as filled markers.
    marked : float
        Threshold marked with a vertical line (the paper's 10%).

    Returns
    -------
    matplotlib.figure.Figure
        Upper panel: risk difference in percentage points with its band;
        lower panel: p-value (log scale) with the alpha line.
    """
    fig, (ax, axp) = plt.subplots(
        2, 1, figsize=(6.4, 5.2), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
    )
    ok = curve["estimate"].notna()
    if not ok.any():
        _empty(ax, "No threshold gives a comparison on these data.")
        _empty(axp, "")
        return fig
    c = curve.loc[ok]
    x = 100 * c["threshold"].to_numpy()
    ax.fill_between(
        x, 100 * c["ci_low"], 100 * c["ci_high"], color="tab:blue", alpha=0.2, linewidth=0
    )
    ax.plot(x, 100 * c["estimate"], color="tab:blue")
    sig = (c["pval"] < alpha).to_numpy()
    ax.plot(x[sig], 100 * c["estimate"].to_numpy()[sig], "o", color="tab:blue", ms=3)
    ax.axhline(0, color="black", linewidth=0.6)
    for a in (ax, axp):
        a.axvline(100 * marked, color="grey", linestyle="--", linewidth=0.8)
    ax.text(
        100 * marked, ax.get_ylim()[1], " paper's threshold", va="top", fontsize="small"
    )
    ax.set_ylabel("Risk difference, percentage points")
    p = c["pval"].to_numpy(dtype=float)
    pk = np.isfinite(p)
    if pk.any():
        axp.plot(x[pk], np.clip(p[pk], 1e-6, 1), color="black")
        axp.set_yscale("log")
        axp.axhline(alpha, color="tab:red", linewidth=0.8)
        axp.text(
            x[-1], alpha, f" alpha = {alpha:g}", va="bottom", ha="right", fontsize="small"
        )
    axp.set_ylabel("p (MN score)")
    axp.set_xlabel("Remission threshold: rise in C-peptide from baseline, %")
    fig.tight_layout()
    return fig


def threshold_figure(ch) -> Figure:
    """The chapter's threshold curve, with the paper's 10% marked."""
    return threshold_plot(cf.threshold_curve(ch), alpha=ch.settings.alpha, marked=0.10)


_CHOICES = ("analysis_set", "definition", "threshold", "month", "test", "adjustment")
_CHOICE_NAMES = {
    "analysis_set": "Analysis set",
    "definition": "Definition",
    "threshold": "Threshold",
    "month": "Month",
    "test": "Test",
    "adjustment": "Adjustment",
}


def _position(order: dict, choice: str, option) -> int:
    known = order.get(choice, [])
    return known.index(option) if option in known else len(known)


def specification_plot(curve: pd.DataFrame, *, alpha: float = 0.05) -> Figure:
    """Specification curve: sorted estimates above, the choices of each below.

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of ``ucmsc_repro.chapters.confounding.multiverse`` (sorted by
        ``estimate``; choice columns, ``estimate``, ``ci_low``, ``ci_high``,
        ``pval``).
    alpha : float
        Specifications with p < alpha are drawn in colour, the others in grey.

    Returns
    -------
    matplotlib.figure.Figure
        Upper panel: risk difference (percentage points) of every computed
        specification in rank order, with its interval; lower panel: one row
        per option of each choice, a tick where the specification uses it
        (Simonsohn, Simmons and Nelson 2020, Figure 2).
    """
    c = curve.loc[curve["estimate"].notna()].reset_index(drop=True)
    options = [(ch, o) for ch in _CHOICES for o in pd.unique(curve[ch])]
    order = cf.multiverse_options()
    options.sort(key=lambda co: (_CHOICES.index(co[0]), _position(order, *co)))
    fig, (ax, axc) = plt.subplots(
        2,
        1,
        figsize=(7.2, 3.0 + 0.16 * len(options)),
        sharex=True,
        gridspec_kw={"height_ratios": [1.6, 0.11 * len(options) + 0.4]},
    )
    if c.empty:
        _empty(ax, "No specification can be computed on these data.")
        _empty(axc, "")
        return fig
    x = np.arange(1, len(c) + 1)
    sig = (c["pval"] < alpha).to_numpy()
    colour = np.where(sig, "tab:blue", "0.6")
    est = 100 * c["estimate"].to_numpy()
    lo, hi = 100 * c["ci_low"].to_numpy(), 100 * c["ci_high"].to_numpy()
    ok = np.isfinite(lo) & np.isfinite(hi)
    ax.vlines(x[ok], lo[ok], hi[ok], colors=colour[ok], linewidth=0.4, alpha=0.5)
    ax.scatter(x, est, c=colour, s=4, zorder=3)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel("Risk difference,\npercentage points")
    s = sc.curve_summary(c, alpha=alpha)
    if s["n_computed"]:
        ax.set_title(
            f"{s['n_computed']} specifications with a test; "
            f"{100 * s['share_significant']:.0f}% with p < {alpha:g} (blue)",
            fontsize="medium",
        )
    ylab = []
    for i, (choice, option) in enumerate(options):
        used = (c[choice] == option).to_numpy()
        row = len(options) - 1 - i
        axc.scatter(x[used], np.full(used.sum(), row), c=colour[used], s=2, marker="|")
        ylab.append((row, f"{_CHOICE_NAMES[choice]}: {option_label(choice, option)}"))
    axc.set_yticks([r for r, _ in ylab], [t for _, t in ylab], fontsize=6)
    axc.set_ylim(-0.7, len(options) - 0.3)
    axc.set_xlabel("Specification, ranked by the risk difference")
    axc.set_xlim(0, len(c) + 1)
    fig.tight_layout()
    return fig


def specification_figure(ch) -> Figure:
    """The chapter's specification curve."""
    return specification_plot(cf.multiverse(ch), alpha=ch.settings.alpha)
