"""The built book read in headless Chromium as a biostatistician would (issue 11).

Each test looks at every page and lists every offending page and table, so one
failure says all that is wrong of its kind: tables that fit, numeric sorting,
a CSV link under every table, the reader's words, and the whole book as one PDF.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest


def _listing(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n  " + "\n  ".join(problems)


def test_every_page_loads_without_console_errors(page_reports):
    assert len(page_reports) >= 10, sorted(page_reports)
    problems = [
        f"{r.name}: {err}" for r in page_reports.values() for err in r.console_errors
    ]
    assert not problems, _listing(problems)


def test_no_page_requests_anything_outside_the_book(page_reports):
    problems = [
        f"{r.name}: {url}" for r in page_reports.values() for url in r.outside_requests
    ]
    assert not problems, _listing(problems)


def test_front_page_is_reached_from_index_and_has_content(context, html_dir, open_page):
    page, errors, _ = open_page(context, html_dir / "index.html")
    page.wait_for_url(re.compile(r".*/book/intro\.html$"))
    text = page.inner_text("article")
    assert "SYNTHETIC" in page.inner_text("body")
    assert "scorecard" in text.lower() and len(text) > 1500
    assert not errors
    # no empty general index in the navigation
    assert (
        not (html_dir / "genindex.html").exists()
        or page.locator("a[href$='genindex.html']").count() == 0
    )


_IDENTIFIER = re.compile(
    r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"  # snake_case: dk_or_dka, not_computable
    r"|\b[a-z_]+\.[a-z_]+\.[a-z0-9_.]+\b"  # result keys: factors.whole.msc.pval
)
_NOT_A_NUMBER = re.compile(r"\b(?:nan|NaN|None|inf)\b|<NA>|\bNaT\b")
#: File and command names a reader is meant to read (outside code spans too):
#: the book's files, the paper's trial registry (quoted in the scorecard) and
#: the R function the audit names as the reference of a power formula.
_NAMES_OK = {
    "results.csv",
    "scorecard.csv",
    "subjects.csv",
    "visits.csv",
    "www.chictr.org.cn",
    "power.prop.test",
}


def _reader_problems(text: str) -> list[str]:
    found = [m.group(0) for m in _NOT_A_NUMBER.finditer(text)]
    found += [m.group(0) for m in _IDENTIFIER.finditer(text) if m.group(0) not in _NAMES_OK]
    return sorted(set(found))


def test_reader_problem_pattern_finds_identifiers_and_nan():
    text = "Among dk_or_dka, nan of 12 (factors.whole.msc.pval); p = 0.041 in results.csv"
    assert _reader_problems(text) == ["dk_or_dka", "factors.whole.msc.pval", "nan"]
    assert _reader_problems("Table 2.1: age 24.9 years (SD 14.2), e.g. a 1.0 rise") == []


def test_no_internal_identifier_or_nan_in_the_text(page_reports):
    problems = [
        f"{r.name}: {', '.join(found[:8])}"
        for r in page_reports.values()
        if (found := _reader_problems(r.text))
    ]
    assert not problems, _listing(problems)


def _too_wide(t: dict) -> bool:
    return t["width"] > t["room"] + 1


def test_tables_fit_the_column_or_scroll_in_their_own_frame(page_reports):
    # a wide table may scroll only inside its own frame, with the first column
    # kept in view (the scorecard); any other table fits the content column
    problems = [
        f"{r.name}: table {t['index'] + 1} ({t['label']!r}) is {t['width']:.0f} px "
        f"in a {t['room']:.0f} px column"
        + (" (scrolls, but its first column is not sticky)" if t["scrolls"] else "")
        for r in page_reports.values()
        for t in r.tables
        if _too_wide(t) and not (t["scrolls"] and t["sticky"])
    ]
    assert not problems, _listing(problems)


def _local_file(href: str) -> Path | None:
    url = urlparse(href)
    return Path(unquote(url.path)) if url.scheme == "file" else None


def test_every_table_has_a_working_csv_link(page_reports):
    problems = []
    for r in page_reports.values():
        for t in r.tables:
            if not t["output"]:
                continue  # markdown tables of the book's own pages
            where = f"{r.name}: table {t['index'] + 1} ({t['label']!r})"
            if t["csv"] is None:
                problems.append(f"{where}: no CSV link")
                continue
            path = _local_file(t["csv"])
            if path is not None and not path.exists():
                problems.append(f"{where}: CSV link to a missing file {path.name}")
            elif path is not None and pd.read_csv(path).empty:
                problems.append(f"{where}: the CSV file {path.name} has no rows")
    assert not problems, _listing(problems)


_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?$")


def _as_number(text: str) -> float | None:
    s = text.strip().replace("\u2212", "-").replace(",", "")
    return float(s.rstrip("%")) if _NUMBER.match(s) else None


_COLUMN_JS = """(t, i) => [...t.querySelectorAll('tbody tr')]
  .filter(r => r.offsetParent !== null && r.cells.length > i)
  .map(r => r.cells[i].innerText)"""


def _numeric_columns(table) -> list[int]:
    heads = table.locator("thead tr").last.locator("th")
    cols = []
    for i in range(heads.count()):
        cells = table.evaluate(_COLUMN_JS, i)
        values = [_as_number(c) for c in cells if c.strip()]
        if len(values) >= 3 and all(v is not None for v in values) and len(set(values)) > 2:
            cols.append(i)
    return cols


def _column(table, i) -> list[float]:
    cells = table.evaluate(_COLUMN_JS, i)
    return [v for c in cells if (v := _as_number(c)) is not None]


def _monotonic(values: list[float]) -> bool:
    up = all(a <= b for a, b in zip(values, values[1:], strict=False))
    down = all(a >= b for a, b in zip(values, values[1:], strict=False))
    return up or down


def _click_and_read(page, table, header, i, timeout_s: float = 5.0) -> list[float]:
    """Click a header and read column ``i`` once DataTables has drawn the new order.

    DataTables 2 orders after the click event returns (its processing step runs
    in a timer), so the rows read at once may still be in the old order: wait
    until the header says it is ordered the other way and the column reads in
    order, or until ``timeout_s`` passes (then the last reading is returned and
    the test judges it).
    """
    before = header.get_attribute("aria-sort")
    header.click()
    deadline = time.monotonic() + timeout_s
    while True:
        values = _column(table, i)
        turned = header.get_attribute("aria-sort") not in (None, before)
        if (turned and _monotonic(values)) or time.monotonic() > deadline:
            return values
        page.wait_for_timeout(50)


#: The tables a reader can sort (itables); the journal tables (.ucm-table) are not.
INTERACTIVE = (
    "table.dataTable, .dt-container table, .dataTables_wrapper table, "
    ".ucm-interactive table"
)


def test_interactive_tables_sort_numeric_columns_as_numbers(context, pages, open_page):
    problems, checked = [], 0
    for path in pages:
        page, _, _ = open_page(context, path)
        tables = page.locator(INTERACTIVE)
        for k in range(tables.count()):
            table = tables.nth(k)
            for i in _numeric_columns(table)[:3]:
                header = table.locator("thead tr").last.locator("th").nth(i)
                name = header.inner_text().strip()
                for _ in range(2):  # one way, then the other
                    values = _click_and_read(page, table, header, i)
                    checked += 1
                    if not _monotonic(values):
                        problems.append(
                            f"{path.name}: table {k + 1}, column {name!r} sorts as "
                            f"{values[:6]}"
                        )
        page.close()
    assert checked > 0, "no interactive table with a numeric column in the book"
    assert not problems, _listing(problems)


def test_printing_cuts_no_table(browser, html_dir, pages, open_page, print_width):
    # A4 portrait, print stylesheet: every table fits the printed width and no
    # frame clips it (a scrolling frame prints only what is in view)
    ctx = browser.new_context(viewport={"width": print_width, "height": 1000})
    problems = []
    try:
        for path in pages:
            page, _, _ = open_page(ctx, path)
            page.emulate_media(media="print")
            cut = page.evaluate(
                """(width) => [...document.querySelectorAll('article table')]
                  .map((t, i) => {
                    let el = t, clip = null;
                    while (el && el !== document.body) {
                      const s = getComputedStyle(el);
                      if (s.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
                        { clip = el.className || el.tagName; break; }
                      el = el.parentElement;
                    }
                    const r = t.getBoundingClientRect();
                    return {i: i + 1, right: r.right, clip: clip,
                            head: [...t.querySelectorAll('thead th')].slice(0, 2)
                                    .map(h => h.innerText).join(' | ')};
                  })
                  .filter(x => x.right > width + 1 || x.clip)""",
                print_width,
            )
            problems += [
                f"{path.name}: table {c['i']} ({c['head']!r}) "
                + (
                    f"clipped by {c['clip']!r}"
                    if c["clip"]
                    else f"ends at {c['right']:.0f} px"
                )
                for c in cut
            ]
            # a number printed over two lines ("-0.0" over "4") reads as another
            broken = page.evaluate(
                """() => [...document.querySelectorAll(
                      'article table td.ucm-num, article table td.dt-right')]
                  .filter(td => td.innerText.trim())
                  .filter(td => {
                    const range = document.createRange();
                    range.selectNodeContents(td);
                    const tops = [...range.getClientRects()].map(r => Math.round(r.top));
                    return new Set(tops).size > 1;
                  })
                  .map(td => td.innerText.trim())"""
            )
            problems += [
                f"{path.name}: the number {b!r} is broken across lines"
                for b in dict.fromkeys(broken)
            ]
            page.close()
        # and the printer itself runs: one chapter with a table to PDF
        page, _, _ = open_page(ctx, html_dir / "notebooks" / "02_baseline.html")
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    finally:
        ctx.close()
    assert not problems, _listing(problems)


def _chapter_titles(html_dir: Path) -> dict[str, str]:
    """Each chapter page's title (its first heading, without its number)."""
    titles = {}
    for path in sorted((html_dir / "notebooks").glob("*.html")):
        m = re.search(r"<h1>(.*?)</h1>", path.read_text(encoding="utf-8"), re.S)
        if m:
            text = re.sub(r"<[^>]+>", "", re.sub(r"<a class=\"headerlink.*?</a>", "", m[1]))
            titles[path.stem] = re.sub(r"^\d+\.\s*", "", " ".join(text.split()))
    return titles


def test_the_whole_book_prints_as_one_pdf(book_out, html_dir):
    # make pdf: every chapter, no navigation, no stray None
    pdf = book_out / "book.pdf"
    if not pdf.exists():
        pytest.skip(f"no {pdf} (build it with `make pdf OUT={book_out}`)")
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("pdftotext and pdfinfo (apt-get install poppler-utils) read the PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    titles = _chapter_titles(html_dir)
    assert len(titles) >= 10, titles
    assert pages > len(titles), f"{pages} pages for {len(titles)} chapters"
    missing = [f"{k}: {t!r}" for k, t in titles.items() if t not in flat]
    assert not missing, _listing(missing)
    assert "Ctrl+K" not in flat and "Search" not in flat.split("Table")[0][:2000]
    assert not re.search(r"\bNone\b", flat), re.findall(r".{60}\bNone\b.{60}", flat)[:5]
