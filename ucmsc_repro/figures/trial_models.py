"""Figures of the trial-models chapter: ANCOVA residuals, MMRM means, dose, sample size."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from scipy import stats

from ..chapters import trial_models as tm
from ..core.formatting import p_text
from .style import ARM_STYLE

__all__ = [
    "residual_figure",
    "mmrm_figure",
    "dose_figure",
    "sample_size_figure",
]


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])


def residual_figure(ch) -> Figure:
    """Residuals against fitted values and a normal Q-Q plot of each main ANCOVA.

    One row per C-peptide (fasting, postprandial); a panel that cannot be
    drawn says why.
    """
    fig, axes = plt.subplots(2, 2, figsize=(7.2, 6.0))
    for row, (key, label) in zip(axes, tm.ANCOVA_MEASURES.values(), strict=True):
        a = tm.ancova(ch)[(key, "main")]
        if a.error or a.residuals.size < 3:
            _empty(row[0], f"{label}: the ANCOVA cannot be fitted on these data.")
            _empty(row[1], "")
            continue
        row[0].plot(a.fitted, a.residuals, "o", color="black", mfc="white", ms=4)
        row[0].axhline(0, color="grey", linewidth=0.8)
        row[0].set_xlabel("Fitted log(C-peptide + 1)")
        row[0].set_ylabel("Residual")
        row[0].set_title(f"{label}: residuals", fontsize="medium")
        (osm, osr), (slope, intercept, _r) = stats.probplot(a.residuals, dist="norm")
        row[1].plot(osm, osr, "o", color="black", mfc="white", ms=4)
        row[1].plot(osm, slope * osm + intercept, color="tab:blue", linewidth=1)
        row[1].set_xlabel("Normal quantile")
        row[1].set_ylabel("Ordered residual")
        row[1].set_title(f"{label}: normal Q-Q", fontsize="medium")
    fig.tight_layout()
    return fig


def mmrm_figure(ch) -> Figure:
    """Model-based means (with intervals) beside observed means, by arm and visit.

    One panel per outcome of :data:`ucmsc_repro.chapters.trial_models.MMRM_OUTCOMES`;
    model-based means are lines with error bars, observed means markers only.
    """
    fig, axes = plt.subplots(2, 2, figsize=(7.6, 6.2))
    z = stats.norm.ppf(1 - ch.settings.alpha / 2)
    for ax, (key, (_col, label, _log)) in zip(
        axes.ravel(), tm.MMRM_OUTCOMES.items(), strict=True
    ):
        r = tm.repeated(ch)[key]
        ax.set_title(label, fontsize="medium")
        if r.error or r.estimates.empty:
            _empty(ax, "The model cannot be fitted on these data.")
            continue
        e = r.estimates
        x = e["visit"].to_numpy(dtype=float)
        for name, arm, shift, color in (
            ("treated", "MSC", -0.15, "black"),
            ("reference", "control", 0.15, "tab:grey"),
        ):
            m = e[f"mean_{name}"].to_numpy(dtype=float)
            se = e[f"se_{name}"].to_numpy(dtype=float)
            ax.errorbar(
                x + shift,
                m,
                yerr=z * se,
                color=color,
                capsize=3,
                label=f"{arm}, model-based",
                **ARM_STYLE[arm],
            )
            ax.plot(
                x + shift,
                e[f"obs_{name}"].to_numpy(dtype=float),
                linestyle="none",
                marker="x",
                color=color,
                label=f"{arm}, observed",
            )
        ax.set_xticks(x, [f"{v:g}" for v in x])
        ax.set_xlabel("Month")
    handles, labels = [], []
    for ax in axes.ravel():
        h, lab = ax.get_legend_handles_labels()
        if h:
            handles, labels = h, lab
            break
    if handles:
        fig.legend(
            handles, labels, loc="lower center", ncol=4, fontsize="small", frameon=False
        )
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def dose_figure(ch) -> Figure:
    """Change in fasting and postprandial C-peptide against the cells infused, MSC arm.

    One panel per dose measure (total, per kg) and C-peptide; the test
    and its result in each panel's title.
    """
    f = tm.dose_frame(ch)
    d = tm.dose(ch)
    fig, axes = plt.subplots(2, 2, figsize=(7.2, 6.0))
    for i, (e, e_label) in enumerate(tm.DOSE_EXPOSURES.items()):
        for j, (m, m_label) in enumerate(tm.DOSE_MEASURES.items()):
            ax = axes[i, j]
            ok = f[e].notna() & f[m].notna()
            if not ok.any():
                _empty(ax, "No MSC participant has both values.")
                continue
            ax.plot(f.loc[ok, e], f.loc[ok, m], linestyle="none", **ARM_STYLE["MSC"], ms=4)
            ax.axhline(0, color="grey", linewidth=0.6)
            r = d.loc[(d["exposure"] == e) & (d["measure"] == m)].iloc[0]
            if math.isfinite(r["r"]):
                sym = "r" if r["test"].startswith("Pearson") else "rho"
                ax.set_title(f"{sym} = {r['r']:.2f}, {p_text(r['pval'])}", fontsize="small")
            else:
                ax.set_title("not tested: a constant dose or too few", fontsize="small")
            ax.set_xlabel(e_label.replace("10^6", "10⁶"))
            ax.set_ylabel(f"Change in {m_label}, pmol/L")
    fig.tight_layout()
    return fig


def sample_size_figure(ch) -> Figure:
    """Participants per arm against the remission difference, at the observed control rate.

    One curve per power; the observed difference and its interval are marked.
    """
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    c = tm.sample_size_curve(ch)
    o = tm.observed_remission(ch)
    c = c.loc[np.isfinite(c["n"].to_numpy(dtype=float))]
    if c.empty:
        _empty(ax, "No sample size can be computed: the control rate is 0% or too high.")
        return fig
    for power, style in zip(tm.POWERS, ("-", "--"), strict=False):
        g = c.loc[c["power"] == power]
        ax.plot(
            100 * g["diff"], g["n"], style, color="black", label=f"{100 * power:.0f}% power"
        )
    ax.set_yscale("log")
    for v, text in ((o["rd"], "observed"), (o["rd_low"], "CI"), (o["rd_high"], "CI")):
        if math.isfinite(v) and v > 0:
            ax.axvline(
                100 * v,
                color="tab:blue" if text == "observed" else "tab:grey",
                linestyle=":" if text == "CI" else "-",
                linewidth=0.9,
            )
    ax.set_xlabel(
        "Difference in remission to detect, percentage points "
        f"(control {100 * o['p2']:.1f}%)"
    )
    ax.set_ylabel("Participants per arm (log scale)")
    ax.legend(frameon=False, fontsize="small")
    fig.tight_layout()
    return fig
