"""Sphinx fixes for the book, loaded by ``_config.yml`` (``sphinx.extra_extensions``).

- sphinx-thebe declares ``const THEBE_JS_URL`` in a script of every page, and
  under jupyter-book its configuration script is added twice, so every page
  logs ``SyntaxError: Identifier 'THEBE_JS_URL' has already been declared``.
  The book has no live code (``launch_buttons.thebe: false``), so thebe's
  scripts are not added at all (nor the CDN address they name).
"""

from __future__ import annotations

__all__ = ["setup"]


def _drop_thebe_scripts(app) -> None:
    listeners = app.events.listeners.get("env-before-read-docs", [])
    app.events.listeners["env-before-read-docs"] = [
        ls
        for ls in listeners
        if getattr(ls.handler, "__module__", "") != "sphinx_thebe"
        or ls.handler.__name__ != "init_thebe_core"
    ]


def setup(app):
    # sphinx_thebe is set up before the extra extensions: its listener exists
    _drop_thebe_scripts(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
