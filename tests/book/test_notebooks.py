"""The chapter notebooks as a reader meets them: results first, code on request.

Every code cell of a chapter is folded (``hide-input``: the page shows a
"Show code cell source" toggle) or removed (the parameters cell), so no chapter
opens on raw ``html_table(...)`` calls where the others show their tables.
"""

from __future__ import annotations

import nbformat
import pytest

from ucmsc_repro.chapters import CHAPTERS
from ucmsc_repro.core.paths import NOTEBOOKS

FOLDED = {"hide-input", "remove-input", "remove-cell", "hide-cell"}


@pytest.mark.parametrize("info", CHAPTERS, ids=lambda c: c.slug)
def test_every_code_cell_is_folded_or_removed(info):
    nb = nbformat.read(NOTEBOOKS / info.notebook, as_version=4)
    bare = [
        i + 1
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and not FOLDED & set(cell.metadata.get("tags", []))
    ]
    assert not bare, f"{info.notebook}: cells {bare} show their code to the reader"
