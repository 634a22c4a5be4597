"""Figures shown once, as SVG and PNG, with alt text, the same bytes on every run."""

from __future__ import annotations

import base64
import subprocess
import sys

import matplotlib.pyplot as plt
import nbformat

from ucmsc_repro.book import runner
from ucmsc_repro.figures import render

_SCRIPT = """
import matplotlib; matplotlib.use("Agg")
import matplotlib.pyplot as plt
from ucmsc_repro.figures.render import svg_text
fig, ax = plt.subplots()
ax.plot([0, 1, 2], [2, 0, 1], "o-", label="MSC")
ax.set(xlabel="Month", ylabel="HbA1c (%)")
print(svg_text(fig))
"""


def test_svg_has_the_same_bytes_in_two_processes():
    runs = [
        subprocess.run(
            [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    assert "<svg" in runs[0] and "<dc:date>" not in runs[0]
    assert "Month" in runs[0]  # text stays text: searchable in the page


def test_show_gives_one_output_with_svg_png_and_alt(monkeypatch):
    shown = []
    monkeypatch.setattr(
        "IPython.display.display", lambda *a, **k: shown.append((a, k)), raising=True
    )
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set(title="Remission", xlabel="Month", ylabel="Participants (%)")
    render.show(fig)
    assert len(shown) == 1
    (bundle,), kwargs = shown[0]
    assert set(bundle) == {"image/svg+xml", "image/png"}
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    alt = kwargs["metadata"][render.ALT_KEY]
    assert alt == "Chart. Remission: Participants (%) against Month."
    assert not plt.fignum_exists(fig.number)  # closed: no backend shows it again


def test_alt_set_by_the_figure_function_wins():
    fig, _ = plt.subplots()
    render.set_alt(fig, "Flow diagram:\n  67 enrolled")
    assert render.describe(fig) == "Flow diagram: 67 enrolled"
    plt.close(fig)


def test_runner_hands_the_alt_text_to_myst_nb(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show(fig)")
    cell.metadata["mystnb"] = {"figure": {"caption": "A caption", "name": "fig-x"}}
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgo="},
            metadata={render.ALT_KEY: "Chart. Remission."},
        )
    ]
    nb.cells.append(cell)
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    runner.clean_notebook_metadata(path)
    got = nbformat.read(path, as_version=4).cells[0].metadata["mystnb"]
    assert got["image"] == {"alt": "Chart. Remission."}
    assert got["figure"]["name"] == "fig-x"
    assert runner._ALT_KEY == render.ALT_KEY
