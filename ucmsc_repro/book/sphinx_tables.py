"""Sphinx extension: the DataTables bundle for the book's interactive tables, offline.

itables' offline mode puts the DataTables bundle (about 900 kB) into the
output of an ``init_notebook_mode`` cell of every notebook. The book instead
writes it once, from the installed itables, into ``_static/itables_offline.js``
(a classic script: a module script could not be loaded from ``file://``), and
adds it only to the pages that show an interactive table. The script defines
the promise the tables of :class:`ucmsc_repro.book.tables.InteractiveTable`
wait for, exactly as itables' own offline init cell does.

Enabled in ``_config.yml`` (``sphinx: extra_extensions``).
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["offline_script", "setup"]

SCRIPT_NAME = "itables_offline.js"


def offline_script() -> str:
    """The JavaScript of itables' offline init cell (no ``<script>`` tags)."""
    from itables import options
    from itables.javascript import generate_init_offline_itables_html

    block = generate_init_offline_itables_html(options.dt_bundle)
    match = re.search(r"<script[^>]*>(.*)</script>", block, re.S)
    if match is None:  # pragma: no cover - an itables release changed its template
        raise RuntimeError("itables' offline init has no <script> block")
    return match.group(1).strip() + "\n"


def _write_script(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / SCRIPT_NAME).write_text(offline_script(), encoding="utf-8")


def _add_to_tables_pages(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if "_itables_" in body:
        app.add_js_file(SCRIPT_NAME, priority=200)


def setup(app):
    app.connect("html-page-context", _add_to_tables_pages)
    app.connect("build-finished", _write_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
