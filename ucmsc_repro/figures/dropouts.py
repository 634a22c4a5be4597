"""Figure of the dropouts chapter: the tipping-point grid as a heat map."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from ..core.formatting import p_text

__all__ = ["tipping_point_figure"]


def _edges(values: np.ndarray) -> np.ndarray:
    """Cell edges around sorted grid values: midpoints, and half a step outside.

    >>> _edges(np.array([0, 1, 2])).tolist()
    [-0.5, 0.5, 1.5, 2.5]
    >>> _edges(np.array([0, 10, 20])).tolist()
    [-5.0, 5.0, 15.0, 25.0]
    """
    v = np.asarray(values, dtype=float)
    if len(v) == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.r_[v[0] - (mid[0] - v[0]), mid, v[-1] + (v[-1] - mid[-1])]


def _ticks(values: np.ndarray) -> np.ndarray:
    """About eleven of the grid values, the first and the last among them."""
    idx = np.unique(np.round(np.linspace(0, len(values) - 1, 11)).astype(int))
    return values[idx]


def tipping_point_figure(
    grid: pd.DataFrame,
    *,
    x1: int,
    n1: int,
    d1: int,
    x2: int,
    n2: int,
    d2: int,
    alpha: float = 0.05,
    test_label: str = "Fisher exact test",
) -> Figure:
    """Heat map of the p-value for every split of the dropouts into remitters.

    Parameters
    ----------
    grid : pandas.DataFrame
        Output of ``ucmsc_repro.stats.missing_outcome.tipping_point_grid``
        (columns ``msc_dropouts_remitting``, ``control_dropouts_remitting``,
        ``pval``, ``significant``).
    x1, n1, d1, x2, n2, d2 : int
        Remitters, completers with a known outcome and dropouts of the MSC
        (1) and control (2) arm.
    alpha : float
        Significance level: the boundary between cells with p < alpha and
        p >= alpha is drawn as a thick line (the alpha contour of the grid).
    test_label : str
        Name of the test, for the colour-bar label.

    Returns
    -------
    matplotlib.figure.Figure
        x axis: MSC dropouts who remit (0..d1); y axis: control dropouts who
        remit (0..d2); colour: p-value, centred on alpha (dark blue well
        below, white at alpha, red above). A cross marks the split expected
        if dropouts remitted at their own arm's completer rate (x1/n1,
        x2/n2); the title gives those observed rates. Significant cells
        carry a dot. A grid without any testable cell is drawn empty with a
        sentence saying so; a grid of a single cell (no dropouts) carries a
        sentence saying that it is the per-protocol table.
    """
    fig, ax = plt.subplots(figsize=(6.4, 5.2))
    p = (
        grid.pivot(
            index="control_dropouts_remitting",
            columns="msc_dropouts_remitting",
            values="pval",
        )
        .sort_index()
        .sort_index(axis=1)
    )
    cols, rows = p.columns.to_numpy(), p.index.to_numpy()
    values = p.to_numpy(float)
    rate1 = f"{x1}/{n1} ({100 * x1 / n1:.1f}%)" if n1 else f"{x1}/{n1}"
    rate2 = f"{x2}/{n2} ({100 * x2 / n2:.1f}%)" if n2 else f"{x2}/{n2}"
    ax.set_title(f"Completers: MSC {rate1}, control {rate2}", fontsize=10)
    ax.set_xlabel(f"MSC dropouts who remit (of {d1})")
    ax.set_ylabel(f"Control dropouts who remit (of {d2})")
    if not np.isfinite(values).any():
        ax.text(
            0.5,
            0.5,
            "No split of the dropouts can be tested",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        ax.set_xticks([])
        ax.set_yticks([])
        return fig
    norm = TwoSlopeNorm(vmin=0.0, vcenter=alpha, vmax=1.0)
    # cell edges halfway between grid values (unit steps: value +- 0.5; a coarse
    # grid of many dropouts: wider cells)
    xe, ye = _edges(cols), _edges(rows)
    mesh = ax.pcolormesh(
        xe,
        ye,
        np.ma.masked_invalid(values),
        cmap="RdBu_r",
        norm=norm,
        shading="flat",
    )
    bar = fig.colorbar(mesh, ax=ax, ticks=[0, alpha / 2, alpha, 0.25, 0.5, 0.75, 1.0])
    bar.set_label(f"p-value ({test_label}); white at alpha = {alpha:g}")
    sig = np.where(np.isfinite(values), values < alpha, False)
    # alpha contour: every cell edge between a significant and a non-significant cell
    vertical = np.argwhere(sig[:, 1:] != sig[:, :-1])
    horizontal = np.argwhere(sig[1:, :] != sig[:-1, :])
    edges = [[(xe[c + 1], ye[r]), (xe[c + 1], ye[r + 1])] for r, c in vertical]
    edges += [[(xe[c], ye[r + 1]), (xe[c + 1], ye[r + 1])] for r, c in horizontal]
    if edges:
        ax.add_collection(LineCollection(edges, colors="black", linewidths=2.2))
    yy, xx = np.nonzero(sig)
    ax.scatter(cols[xx], rows[yy], s=8, color="black", label=f"p < {alpha:g}")
    if n1 and n2:
        e1, e2 = d1 * x1 / n1, d2 * x2 / n2
        ax.scatter(
            [e1],
            [e2],
            marker="X",
            s=120,
            color="gold",
            edgecolor="black",
            zorder=5,
            label="expected if dropouts remit at their arm's rate",
        )
    if d1 + d2 == 0:
        # a single cell: say what it is rather than show an unexplained square
        ax.text(
            0.5,
            0.5,
            "No participant dropped out:\nthe only cell is the per-protocol table"
            f"\n({p_text(values[0, 0])})"
            if np.isfinite(values[0, 0])
            else "No participant dropped out",
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontsize=10,
            bbox={"facecolor": "white", "edgecolor": "black", "alpha": 0.9},
        )
    ax.set_xticks(cols if len(cols) <= 21 else _ticks(cols))
    ax.set_yticks(rows if len(rows) <= 21 else _ticks(rows))
    ax.set_xlim(xe[0], xe[-1])
    ax.set_ylim(ye[0], ye[-1])
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8, frameon=False
    )
    fig.tight_layout()
    return fig


def tipping_figure(ch, *, test: str = "fisher"):
    """Heat map of the tipping-point grid of a chapter's data."""
    from ..chapters.dropouts import dropout_counts, tipping_grid

    c = dropout_counts(ch)
    labels = {
        "fisher": "Fisher exact test",
        "mid-p": "Fisher mid-p",
        "barnard": "Barnard's exact test",
        "boschloo": "Boschloo's exact test",
    }
    return tipping_point_figure(
        tipping_grid(ch, test=test),
        x1=c["x1"],
        n1=c["n1"],
        d1=c["d1"],
        x2=c["x2"],
        n2=c["n2"],
        d2=c["d2"],
        alpha=ch.settings.alpha,
        test_label=labels[test],
    )
