"""The whole book as one PDF: the single-page HTML book printed by headless Chromium.

``make pdf`` (``python -m ucmsc_repro build --pdf``) builds the book as usual,
then builds it once more as one HTML page (jupyter-book's ``singlehtml``
builder, from the same executed notebooks) and prints that page with Debian's
Chromium (:mod:`ucmsc_repro.book.browser`), offline, to ``OUT/book.pdf``. The
book's print stylesheet (``book/_static/print.css``) opens every scrolling
frame and fits each table to the A4 width, so no table is cut.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..core.exceptions import BuildError
from .browser import ENABLE_HINT, chromium_path, launch

__all__ = ["PDF_NAME", "singlehtml", "print_pdf"]

#: The PDF's name in the output folder.
PDF_NAME = "book.pdf"


def singlehtml(src: Path) -> Path:
    """Build the staged book sources ``src`` as one HTML page; its path."""
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe), "build", str(src), "--builder", "singlehtml", "-W", "--keep-going"]
    proc = subprocess.run(
        [*cmd, "-q"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONHASHSEED="0"),
    )
    page = src / "_build" / "singlehtml" / "index.html"
    if proc.returncode != 0 or not page.exists():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise BuildError(f"jupyter-book (single page, for the PDF) failed:\n{tail}")
    # jupyter-book's index.html only redirects to the root page (book/intro.html),
    # which holds the whole book: printing the redirect printed one empty page.
    # That page names its stylesheets, scripts and images relative to the
    # build's top folder (_static/, _images/), not to book/: read from book/,
    # the print stylesheet was missing and the navigation printed. The page is
    # therefore printed from a copy in the top folder.
    redirect = _REFRESH.search(page.read_text(encoding="utf-8"))
    if redirect:
        root = page.parent / redirect.group(1)
        if not root.exists():
            raise BuildError(f"jupyter-book (single page) wrote no {root}")
        page = page.parent / SINGLE_PAGE
        shutil.copyfile(root, page)
    return page


_ALL_ROWS_JS = """() => document
  .querySelectorAll('.dt-length select, .dataTables_length select')
  .forEach(s => {
    s.value = '-1';
    s.dispatchEvent(new Event('change', {bubbles: true}));
  })"""

#: The whole book as one HTML page, in the single-page build's top folder.
SINGLE_PAGE = "book-single-page.html"
_REFRESH = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.I)


_REFRESH = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.I)


def print_pdf(page: Path, pdf: Path) -> Path:
    """Print the HTML file ``page`` to ``pdf`` (A4, print stylesheet) with Chromium.

    Raises
    ------
    BuildError
        When Chromium or Playwright is missing (saying how to install them).
    """
    if chromium_path() is None:
        raise BuildError(f"`make pdf` prints the book with Chromium: {ENABLE_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - pinned in requirements.txt
        raise BuildError(
            "`make pdf` needs Playwright for Python (requirements.txt)"
        ) from None
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            tab = browser.new_page()
            # offline: the single page names MathJax's CDN (no formula of the
            # book needs it); nothing outside the local files is fetched
            tab.route(re.compile(r"^https?://"), lambda route: route.abort())
            tab.goto(page.resolve().as_uri(), wait_until="load")
            # paper has no pages of rows: every interactive table shows all its
            # rows (the rows-per-page menu set to "All" as a reader would)
            tab.wait_for_timeout(500)
            tab.evaluate(_ALL_ROWS_JS)
            tab.emulate_media(media="print")
            pdf.parent.mkdir(parents=True, exist_ok=True)
            tab.pdf(path=str(pdf), format="A4", print_background=True, outline=True)
        finally:
            browser.close()
    return pdf
