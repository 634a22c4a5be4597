"""Headless Chromium for the book: where it is, and how to open it offline.

The book is read in Debian's Chromium (``apt-get install chromium``), driven
by Playwright for Python with ``executable_path``: nothing is downloaded at
run time (Playwright's own browser builds are never used). The browser tests
(``tests/browser/``) and ``make pdf`` (:mod:`ucmsc_repro.book.pdf`) use it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["ENABLE_HINT", "chromium_path", "launch"]

#: How to make Chromium available, for messages that say why it is missing.
ENABLE_HINT = (
    "install Debian's Chromium (`apt-get install -y chromium`, as root) or run "
    "`bash .ci/run` as root, which installs it; set CHROMIUM=/path/to/chromium to use "
    "another build"
)

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def chromium_path() -> Path | None:
    """The Chromium executable: ``$CHROMIUM``, else the first on ``PATH``, else None."""
    given = os.environ.get("CHROMIUM")
    if given:
        return Path(given) if Path(given).exists() else None
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def launch(playwright, executable: Path | None = None):
    """A headless Chromium browser from Playwright, offline and sandbox-free.

    ``--no-sandbox``: CI runs as root, where Chromium's sandbox refuses to start.
    """
    exe = executable or chromium_path()
    if exe is None:
        raise RuntimeError(f"No Chromium found: {ENABLE_HINT}")
    return playwright.chromium.launch(
        executable_path=str(exe),
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    )
