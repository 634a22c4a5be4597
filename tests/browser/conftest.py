"""The built book, read once in headless Chromium at 1280x900.

The session builds the book from the default data into a temporary folder
(``--jobs 2``, with ``book.pdf``), or reads an existing build named by
``UCMSC_BROWSER_BOOK`` (the ``OUT`` folder of ``make pdf`` or ``make book``;
handy while working on the pages). Every
page is visited once and what the tests assert is collected from it: console
errors, requests, table geometry, CSV links, the reader's text.

Without Chromium the tests are skipped with how to enable them
(:data:`ucmsc_repro.book.browser.ENABLE_HINT`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ucmsc_repro.book.browser import ENABLE_HINT, chromium_path, launch

VIEWPORT = {"width": 1280, "height": 900}
#: Schemes a page of the offline book may load from.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
#: A4 portrait less 12 mm margins each side, in CSS pixels (96 per inch).
PRINT_WIDTH = round((210 - 2 * 12) / 25.4 * 96)

# What the page tells about its tables, in the reader's terms:
# - width: the table's rendered width; room: the width of the article column;
# - scrolls: the table sits in a frame of its own that scrolls horizontally
#   (overflow-x auto or scroll) and is no wider than the column;
# - sticky: the first column stays in view while the frame scrolls;
# - csv: the href of the first CSV link after the table and before the next one;
# - output: the table is a notebook output (not a markdown table of a page).
_TABLES_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const room = article.getBoundingClientRect().width;
  const tables = [...article.querySelectorAll('table')]
    .filter(t => !t.closest('.dataTables_scrollHead, .dt-scroll-head'));
  const links = [...article.querySelectorAll('a[href]')]
    .filter(a => /\\.csv($|[?#])/i.test(a.getAttribute('href')) ||
                 /^data:text\\/csv/i.test(a.getAttribute('href')));
  return tables.map((t, i) => {
    let scrolls = false, el = t.parentElement;
    while (el && el !== article) {
      const ox = getComputedStyle(el).overflowX;
      if ((ox === 'auto' || ox === 'scroll') &&
          el.getBoundingClientRect().width <= room + 1) { scrolls = true; break; }
      el = el.parentElement;
    }
    const first = t.querySelector('tbody tr td, tbody tr th');
    const sticky = !!first && getComputedStyle(first).position === 'sticky';
    const next = tables[i + 1];
    const link = links.find(a =>
      (t.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING) &&
      !(t.contains(a)) &&
      (!next || (a.compareDocumentPosition(next) & Node.DOCUMENT_POSITION_FOLLOWING)));
    const cap = t.querySelector('caption');
    const head = [...t.querySelectorAll('thead th')].slice(0, 3).map(h => h.innerText);
    return {
      index: i,
      label: (cap ? cap.innerText : head.join(' | ')).slice(0, 80),
      width: t.getBoundingClientRect().width,
      room: room,
      scrolls: scrolls,
      sticky: sticky,
      csv: link ? link.href : null,
      output: !!t.closest('.cell_output, .output'),
      interactive: !!t.closest(
        '.dataTable, .dataTables_wrapper, .dt-container, .ucm-table'),
    };
  });
}"""

# The reader's text: the article without code (commands, file and column names
# of the data contract are meant to be read as code).
_TEXT_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const copy = article.cloneNode(true);
  copy.querySelectorAll('code, pre, kbd, samp, .highlight, script, style, .headerlink')
      .forEach(e => e.remove());
  document.body.appendChild(copy);
  const text = copy.innerText;
  copy.remove();
  return text;
}"""


@dataclass
class PageReport:
    """What one page showed and did when loaded at 1280x900."""

    name: str
    url: str
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    text: str = ""


def pytest_collection_modifyitems(config, items):
    if chromium_path() is not None:
        return
    skip = pytest.mark.skip(reason=f"no Chromium for the browser tests: {ENABLE_HINT}")
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def book_out(tmp_path_factory) -> Path:
    """The OUT folder of a build of the book on the default data (with its PDF)."""
    given = os.environ.get("UCMSC_BROWSER_BOOK")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("browser") / "book"
    # in a process of its own: the PDF step drives Playwright's sync API, which
    # must not share this session's thread (and its event loop) with the tests'
    cmd = [sys.executable, "-m", "ucmsc_repro", "build", "--out", str(out)]
    proc = subprocess.run(
        [*cmd, "--jobs", "2", "--pdf"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def html_dir(book_out) -> Path:
    return book_out / "html"


def reader_pages(html: Path) -> list[Path]:
    """Every page a reader can open (not the redirect index, not assets)."""
    skip = {"_static", "_sources", "_images", "_downloads"}
    return [
        p
        for p in sorted(html.rglob("*.html"))
        if not skip & set(p.relative_to(html).parts) and p.name != "index.html"
    ]


@pytest.fixture(scope="session")
def playwright_session():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_session):
    b = launch(playwright_session)
    yield b
    b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=VIEWPORT)
    yield ctx
    ctx.close()


def open_page(ctx, path: Path):
    """A page loaded from ``path``, with its console errors and outside requests."""
    page = ctx.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(LOCAL_SCHEMES) else None,
    )
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(150)  # scripts that run after load (tables, search)
    return page, errors, outside


@pytest.fixture(scope="session")
def pages(html_dir) -> list[Path]:
    """Every page a reader can open."""
    return reader_pages(html_dir)


@pytest.fixture(name="open_page")
def open_page_fixture():
    """:func:`open_page`, for the tests (conftest is not importable)."""
    return open_page


@pytest.fixture(name="print_width")
def print_width_fixture() -> int:
    return PRINT_WIDTH


@pytest.fixture(scope="session")
def page_reports(browser, html_dir) -> dict[str, PageReport]:
    """Each reader page, visited once at 1280x900."""
    ctx = browser.new_context(viewport=VIEWPORT)
    reports = {}
    try:
        for path in reader_pages(html_dir):
            name = path.relative_to(html_dir).as_posix()
            page, errors, outside = open_page(ctx, path)
            reports[name] = PageReport(
                name=name,
                url=page.url,
                console_errors=errors,
                outside_requests=outside,
                tables=page.evaluate(_TABLES_JS),
                text=page.evaluate(_TEXT_JS),
            )
            page.close()
    finally:
        ctx.close()
    return reports
