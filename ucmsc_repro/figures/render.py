"""Show a figure in a notebook the same way under papermill, nbval and jupyter-book.

A figure is shown once, as SVG (what the HTML book displays: sharp at any
size, its text searchable, downloadable from the page) with a PNG beside it
for notebook viewers, and with alt text that says what it shows. Both images
are byte-identical from run to run: no date, no software stamp, fixed SVG ids
(``svg.hashsalt``).
"""

from __future__ import annotations

import base64
import io
import weakref

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

__all__ = [
    "ALT_KEY",
    "describe",
    "png_bytes",
    "rasterize_dense",
    "set_alt",
    "show",
    "svg_text",
]

#: Where the alt text travels in a display output's metadata; the runner
#: (:func:`ucmsc_repro.book.runner.clean_notebook_metadata`) hands it to
#: myst-nb as the cell's image ``alt`` option.
ALT_KEY = "ucmsc_alt"

#: SVG settings: fixed element ids and text kept as text (searchable, small).
_SVG_RC = {"svg.hashsalt": "ucmsc_repro", "svg.fonttype": "none", "svg.id": None}

_ALT: weakref.WeakKeyDictionary[Figure, str] = weakref.WeakKeyDictionary()


def png_bytes(fig: Figure, *, dpi: int = 110) -> bytes:
    """The figure as PNG bytes, without the date or software stamps."""
    buf = io.BytesIO()
    fig.savefig(
        buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None}
    )
    return buf.getvalue()


#: An artist with more points than this is drawn into the SVG as an embedded
#: image (its axes, labels and other artists stay vectors), so a figure of 50,000
#: participants writes a small SVG quickly. The default data's figures stay below.
DENSE_POINTS = 2000


def _points(artist) -> int:
    if isinstance(artist, Line2D):
        return len(artist.get_xdata())
    if isinstance(artist, Collection):
        return max(len(artist.get_offsets()), len(artist.get_paths()))
    return 0


def rasterize_dense(fig: Figure, limit: int = DENSE_POINTS) -> int:
    """Mark every line or collection of ``fig`` with more than ``limit`` points as
    rasterized in vector output; returns how many were marked.

    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(range(5000), "."), ax.plot([0, 1])
    >>> rasterize_dense(fig), [ln.get_rasterized() for ln in ax.lines]
    (1, [True, False])
    >>> plt.close(fig)
    """
    marked = 0
    for ax in fig.axes:
        for artist in [*ax.lines, *ax.collections]:
            if _points(artist) > limit:
                artist.set_rasterized(True)
                marked += 1
    return marked


def svg_text(fig: Figure) -> str:
    """The figure as SVG text, the same bytes on every run (dense artists embedded
    as images, :func:`rasterize_dense`).

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [1, 0])
    >>> svg_text(fig) == svg_text(fig), "<dc:date>" in svg_text(fig)
    (True, False)
    >>> plt.close(fig)
    """
    rc = {k: v for k, v in _SVG_RC.items() if k in mpl.rcParams}
    rasterize_dense(fig)
    buf = io.BytesIO()
    with mpl.rc_context(rc):
        fig.savefig(
            buf,
            format="svg",
            bbox_inches="tight",
            metadata={"Date": None, "Creator": None},
        )
    return buf.getvalue().decode("utf-8")


def set_alt(fig: Figure, text: str) -> Figure:
    """Give ``fig`` the alt text :func:`show` uses (a figure function's own words)."""
    _ALT[fig] = " ".join(text.split())
    return fig


def _axis_words(ax) -> str:
    title = ax.get_title()
    bits = [title] if title else []
    x, y = ax.get_xlabel(), ax.get_ylabel()
    if x and y:
        bits.append(f"{y} against {x}")
    elif x or y:
        bits.append(x or y)
    legend = ax.get_legend()
    if legend is not None:
        labels = [t.get_text() for t in legend.get_texts() if t.get_text()]
        if labels:
            bits.append("lines or markers for " + ", ".join(labels))
    rest = ", ".join(bits[1:] if title else bits)
    return f"{title}: {rest}" if title and rest else title or rest


def describe(fig: Figure) -> str:
    """Alt text for ``fig``: its own (:func:`set_alt`), else built from its labels.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [1, 0], label="MSC"); _ = ax.legend()
    >>> _ = ax.set(title="Remission", xlabel="Month", ylabel="Participants (%)")
    >>> describe(fig)
    'Chart. Remission: Participants (%) against Month, lines or markers for MSC.'
    >>> plt.close(fig)
    """
    if fig in _ALT:
        return _ALT[fig]
    head = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    panels = [w for ax in fig.axes if ax.get_visible() and (w := _axis_words(ax))]
    if not panels and not head:
        return "Chart (no labels; see the caption)."
    many = f"{len(panels)} panels: " if len(panels) > 1 else ""
    words = "; ".join(panels)
    return " ".join(f"Chart. {head + '. ' if head else ''}{many}{words}.".split())


def show(fig: Figure, *, alt: str | None = None, dpi: int = 110) -> None:
    """Display ``fig`` once, as SVG and PNG with alt text, and close it.

    Whatever the kernel's matplotlib backend (inline under papermill, another
    under nbval), the cell gets exactly one display output (``image/svg+xml``,
    ``image/png``), so the committed notebooks compare equal when re-run, and
    the figure is closed so no backend shows it a second time. ``alt`` (else
    :func:`describe`) travels in the output's metadata to the page's ``<img>``.
    """
    from IPython.display import display

    text = " ".join((alt or describe(fig)).split())
    png = base64.b64encode(png_bytes(fig, dpi=dpi)).decode("ascii")
    bundle = {"image/svg+xml": svg_text(fig), "image/png": png}
    plt.close(fig)
    display(bundle, raw=True, metadata={ALT_KEY: text})
