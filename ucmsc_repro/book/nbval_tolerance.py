"""A pytest plugin: nbval compares glued numbers at a stated precision.

nbval compares a cell's outputs as text. A glued value is stored as its
``repr`` (``4.379509364302098``), so a BLAS kernel that adds in another order
changes the text without changing any number the book prints. The project's
nbval sanitizer (``tests/nbval_sanitize.cfg``) therefore replaces an output that
is a bare number with a placeholder, and this plugin compares those numbers
itself, after nbval has compared everything else, with
:func:`ucmsc_repro.book.tolerance.compare_glued` (relative tolerance
:data:`~ucmsc_repro.book.tolerance.RTOL`). Enable it with
``-p ucmsc_repro.book.nbval_tolerance`` (the project's pytest configuration does).
"""

from __future__ import annotations

import pytest

from .tolerance import RTOL, compare_glued


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    from nbval.plugin import IPyNbCell

    if not isinstance(item, IPyNbCell) or item.test_outputs is None:
        return result
    if not item.options.get("check", True) or item.cell.execution_count is None:
        return result
    problems = compare_glued(item.cell.outputs, item.test_outputs)
    if problems:
        listed = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        pytest.fail(
            f"{item.name}: glued numbers differ from the committed outputs at relative "
            f"tolerance {RTOL:g}:\n  {listed}{more}\n"
            "If the change is intended, refresh the notebooks with `make notebooks`.",
            pytrace=False,
        )
    return result
