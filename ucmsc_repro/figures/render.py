"""Show a figure in a notebook the same way under papermill, nbval and jupyter-book."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["png_bytes", "show"]


def png_bytes(fig: Figure, *, dpi: int = 110) -> bytes:
    """The figure as PNG bytes, without the date or software stamps."""
    buf = io.BytesIO()
    fig.savefig(
        buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None}
    )
    return buf.getvalue()


def show(fig: Figure, *, dpi: int = 110) -> None:
    """Display ``fig`` once, as a PNG, and close it.

    Whatever the kernel's matplotlib backend (inline under papermill, another
    under nbval), the cell gets exactly one ``image/png`` output, so the
    committed notebooks compare equal when re-run, and the figure is closed
    so no backend shows it a second time.
    """
    from IPython.display import Image, display

    data = png_bytes(fig, dpi=dpi)
    plt.close(fig)
    display(Image(data=data, format="png"))
