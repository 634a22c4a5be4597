"""Tables for the book: journal-style (:func:`html_table`) and interactive
(:class:`InteractiveTable`, itables in offline mode).

Every table is one self-contained piece of HTML in a ``<div class="ucm-table">``:
a numbered caption (``Table 2.1: ...``), the table, its footnotes, and a
"Download CSV" link whose ``href`` is a ``data:`` URI holding the table's
numbers at full precision. The link works from ``file://`` and needs no file
beside the page (nothing for the runner to copy, nothing to go stale in the
cache); nbval ignores the URI's text (``tests/nbval_sanitize.cfg``), since
the last bits of an unrounded float may differ between CPUs, and the unit
tests check that the CSV carries the shown numbers.

Neither kind of table carries a random id (pandas' Styler and itables would
add one; the interactive table takes a fixed ``table_id``), so a re-run gives
identical HTML. No cell is truncated (pandas' ``to_html`` cuts text at
``display.max_colwidth``; this module writes the cells itself), no printed
zero carries a minus sign, and an empty table is a sentence, not a bare header.

The interactive table is DataTables through itables, offline: the DataTables
bundle is not in the notebook but in the book's ``_static/itables_offline.js``,
which the Sphinx extension :mod:`ucmsc_repro.book.sphinx_tables` writes from
the installed itables and adds to the pages that hold an interactive table.
"""

from __future__ import annotations

import html
import math
import re
from urllib.parse import quote

import pandas as pd

from ..core.formatting import no_negative_zero
from ..core.labels import relabel, words

__all__ = ["html_table", "table_html", "csv_link", "InteractiveTable", "interactive_html"]

_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_NUMBER = re.compile(r"^[<>=≤≥ ]*[-+−]?\d[\d,]*(?:\.\d+)?%?$")
#: Columns of a display frame that carry layout, not data (not shown, not in the CSV).
LEVEL = "_level"


def _cell_text(value) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if value is pd.NaT:
        return ""
    return no_negative_zero(str(value))


def _is_numeric_column(values) -> bool:
    texts = [t for t in (_cell_text(v) for v in values) if t]
    return bool(texts) and all(_NUMBER.match(t) for t in texts)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


def csv_link(frame: pd.DataFrame, filename: str, *, text: str = "Download CSV") -> str:
    """An ``<a download>`` link whose ``data:`` URI is ``frame`` as CSV.

    The CSV has a header row, no index, and every float at full precision
    (pandas writes the shortest text that reads back as the same float);
    missing values are empty fields.

    Examples
    --------
    >>> link = csv_link(pd.DataFrame({"x": [0.1 + 0.2]}), "t.csv")
    >>> "download=\\"t.csv\\"" in link, "0.30000000000000004" in link
    (True, True)
    """
    body = frame.to_csv(index=False, lineterminator="\n")
    href = "data:text/csv;charset=utf-8," + quote(body, safe="")
    return (
        f'<a class="ucm-csv" href="{href}" download="{html.escape(filename)}">'
        f"{html.escape(text)}</a>"
    )


def _caption(number: str | None, caption: str | None) -> str:
    if number and caption:
        return f"Table {number}: {caption}"
    if number:
        return f"Table {number}"
    return caption or ""


def table_html(
    frame: pd.DataFrame,
    *,
    rename: dict | None = None,
    number: str | None = None,
    caption: str | None = None,
    notes: tuple[str, ...] | list[str] = (),
    csv: pd.DataFrame | None = None,
    csv_name: str | None = None,
    scroll: bool = False,
    empty: str = "No rows to show.",
) -> str:
    """The HTML of :func:`html_table` as a string (see there for the parameters)."""
    esc = html.escape
    shown = frame.rename(columns=rename or {})
    levels = shown[LEVEL].tolist() if LEVEL in shown else [None] * len(shown)
    cols = [c for c in shown.columns if not str(c).startswith("_")]
    # the reader's words for every identifier (core.labels), in cells and headers
    shown = relabel(shown[cols]).rename(columns=lambda c: words(str(c)))
    cols = list(shown.columns)
    title = _caption(number, caption)
    name = csv_name or (
        f"table-{_slug(number)}.csv" if number else f"{_slug(caption or 'table')}.csv"
    )
    parts = ['<div class="ucm-table' + (" ucm-wide" if scroll else "") + '">']
    if shown.empty:
        if title:
            parts.append(f'<p class="ucm-caption">{esc(title)}</p>')
        parts.append(f'<p class="ucm-empty">{esc(empty)}</p></div>')
        return "\n".join(parts)
    numeric = {c: _is_numeric_column(shown[c]) for c in cols}
    numeric[cols[0]] = False  # the first column names the rows
    parts.append('<div class="ucm-scroll">' if scroll else "<div>")
    parts.append('<table class="dataframe ucm">')
    if title:
        parts.append(f"<caption>{esc(title)}</caption>")
    num_cls = ' class="ucm-num"'
    head = "".join(
        f'<th scope="col"{num_cls if numeric[c] else ""}>{esc(str(c))}</th>' for c in cols
    )
    parts.append(f"<thead><tr>{head}</tr></thead><tbody>")
    for level, row in zip(levels, shown[cols].itertuples(index=False), strict=True):
        cls = ""
        if level is not None and not (isinstance(level, float) and math.isnan(level)):
            cls = f' class="ucm-level-{int(level)}"'
        cells = []
        for i, (c, v) in enumerate(zip(cols, row, strict=True)):
            tag = "th" if i == 0 else "td"
            scope = ' scope="row"' if i == 0 else ""
            num = ' class="ucm-num"' if numeric[c] else ""
            cells.append(f"<{tag}{scope}{num}>{esc(_cell_text(v))}</{tag}>")
        parts.append(f"<tr{cls}>{''.join(cells)}</tr>")
    parts.append("</tbody></table></div>")
    if notes:
        parts.append(
            '<ol class="ucm-notes">'
            + "".join(f"<li>{esc(n)}</li>" for n in notes)
            + "</ol>"
        )
    data = csv if csv is not None else shown[cols].map(_cell_text)
    parts.append(f'<p class="ucm-download">{csv_link(data, name)}</p>')
    parts.append("</div>")
    return "\n".join(parts)


def html_table(frame: pd.DataFrame, **kwargs):
    """A journal-style HTML table for the book.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows, formatted for reading (the table shows ``str(value)``;
        missing values are empty cells). The index is not shown. A column
        ``_level`` (0, 1, ...), if present, is not shown but indents the
        row (gtsummary's levels under their variable); every other column
        whose name starts with ``_`` is left out too.
    rename : dict, optional
        Column name -> header text.
    number : str, optional
        The book's table number (``"2.1"``): the caption reads
        ``Table 2.1: <caption>`` and the CSV is ``table-2-1.csv``.
    caption : str, optional
        What the table shows.
    notes : sequence of str
        Footnotes under the table (one per test, abbreviations).
    csv : pandas.DataFrame, optional
        What the "Download CSV" link holds: the table's numbers unrounded
        (default: the shown cells).
    csv_name : str, optional
        File name of the download.
    scroll : bool
        Let the table scroll inside its own frame with a sticky first column
        (only for a table that cannot fit the page).
    empty : str
        The sentence shown instead of an empty table.

    Returns
    -------
    IPython.display.HTML

    Notes
    -----
    Every cell and header that is an internal identifier (``dk_or_dka``,
    ``not_computable``, a dotted result key) is shown in the reader's words
    (:mod:`ucmsc_repro.core.labels`); the CSV given in ``csv`` keeps them.
    Columns whose every non-empty cell is a number (``12``, ``0.041``,
    ``<0.001``, ``56.3%``) are right-aligned, header included; the first
    column is a row header. No random id: the output depends only on the
    arguments.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": ["x<y"], "p": ["-0.0"]})
    >>> t = table_html(frame, number="1.1", caption="Demo")
    >>> "Table 1.1: Demo" in t, "x&lt;y" in t, "-0.0" in t, 'download="table-1-1.csv"' in t
    (True, True, False, True)
    """
    from IPython.display import HTML

    return HTML(table_html(frame, **kwargs))


# --- interactive tables: itables (DataTables), offline ---------------------------

_ITABLES_EXTERNAL = (
    (re.compile(r"\s*\(need <a href=https://itables\.org/[^>]*>help</a>\?\)"), ""),
    (re.compile(r"<sup>.*?</sup>", re.S), ""),
    (
        re.compile(
            r"Loading ITables v[\d.]+ from the <code>init_notebook_mode</code> cell..."
        ),
        "Loading the interactive table...",
    ),
)


def _itables_html(frame: pd.DataFrame, table_id: str, **dt_args) -> str:
    import warnings

    from itables import to_html_datatable

    with warnings.catch_warnings():
        # createdRow is a DataTables option itables passes on but does not list
        warnings.filterwarnings("ignore", message="These arguments are not documented")
        out = to_html_datatable(
            frame,
            table_id=table_id,
            connected=False,
            maxBytes=0,  # never downsample: every claim is shown
            showIndex=False,
            display_logo_when_loading=False,
            # a click anywhere on a header sorts (itables' default sorts from
            # the header's small icon only, so that header text can be selected)
            text_in_header_can_be_selected=False,
            **dt_args,
        )
    for pattern, repl in _ITABLES_EXTERNAL:
        out = pattern.sub(repl, out)
    # itables' static fallback (a second, hidden table of the first rows, shown
    # without JavaScript) cuts the rows and doubles the table on the page; the
    # book's reader has the interactive table and, for all of it, the CSV link
    fallback = re.compile(
        rf'<div id="{re.escape(table_id)}_fallback">.*?</table></div>'
        r"<script>[^<]*_fallback[^<]*</script>",
        re.S,
    )
    out = fallback.sub("", out)
    shown = f'<table id="{table_id}">'
    return out.replace(f'<table id="{table_id}" hidden="hidden">', shown)


def interactive_html(
    frame: pd.DataFrame,
    *,
    table_id: str,
    labels: dict[str, str] | None = None,
    numeric: tuple[str, ...] = (),
    filter_column: str | None = None,
    filter_values: tuple[str, ...] | None = None,
    row_classes: dict[str, str] | None = None,
    legend: dict[str, str] | None = None,
    number: str | None = None,
    caption: str | None = None,
    notes: tuple[str, ...] | list[str] = (),
    csv: pd.DataFrame | None = None,
    csv_name: str | None = None,
    page_length: int = 25,
) -> str:
    """A sortable, filterable, paged table (DataTables via itables, offline).

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show, formatted for display (missing values are empty
        cells; printed zeros lose their minus sign).
    table_id : str
        HTML id of the table, unique on the page (letters, digits, ``-``,
        ``_``): fixed, so the output is the same at every run.
    labels : dict, optional
        Column name -> header text.
    numeric : tuple of str
        Columns sorted as numbers (DataTables' ``num-fmt``: the number in the
        text, so ``< 0.05`` sorts as 0.05; empty cells sort below every
        number) and right-aligned.
    filter_column : str, optional
        The column whose value colours the row (``row_classes``), e.g. the
        status; the search box filters on every column.
    filter_values : tuple of str, optional
        The values of ``filter_column`` in the order of the legend.
    row_classes : dict, optional
        Value of ``filter_column`` -> inline CSS of its rows (a background).
    legend : dict, optional
        Value -> what it means, shown with its colour under the table.
    number, caption, notes, csv, csv_name
        As for :func:`html_table`.
    page_length : int
        Rows per page.

    Returns
    -------
    str
        HTML: the caption, the itables table (with a static preview for a
        reader without JavaScript), the legend, the notes and the CSV link.

    Examples
    --------
    >>> t = interactive_html(pd.DataFrame({"a": [2, 10], "b": ["x<y", "z"]}),
    ...                      table_id="demo", numeric=("a",))
    >>> 'id="demo"' in t, "num-fmt" in t, "https://" in t.split("data:text/csv")[0]
    (True, True, False)
    """
    if not _ID_RE.match(table_id):
        raise ValueError(f"table_id must be letters, digits, '-' or '_', got {table_id!r}")
    unknown = [
        c for c in (*numeric, *([filter_column] if filter_column else [])) if c not in frame
    ]
    if unknown:
        raise KeyError(f"columns not in the frame: {', '.join(unknown)}")
    from itables import JavascriptFunction

    labels = labels or {}
    cols = list(frame.columns)
    in_words = relabel(frame)
    shown = pd.DataFrame(
        {labels.get(c, words(str(c))): [_cell_text(v) for v in in_words[c]] for c in cols}
    )
    num_idx = [i for i, c in enumerate(cols) if c in numeric]
    dt_args: dict = {
        "columnDefs": [{"type": "num-fmt", "className": "dt-right", "targets": num_idx}]
        if num_idx
        else [],
        "order": [],
        "pageLength": page_length,
        "lengthMenu": [10, 25, 50, 100, -1],
        # one <table> whose header is the one a reader clicks: no scrollX (it
        # splits the header into a second table, with a hidden copy in the
        # body's); a table wider than the column scrolls in its own frame with
        # a sticky first column (book.css), like the journal tables' .ucm-scroll
        "classes": ["display", "compact", "cell-border"],
        "style": {"width": "100%", "margin": "0"},
        "autoWidth": False,
        # search box, rows per page, row count and pages, whatever the table's size
        "layout": {
            "topStart": "pageLength",
            "topEnd": "search",
            "bottomStart": "info",
            "bottomEnd": "paging",
        },
    }
    if filter_column is not None and row_classes:
        index = cols.index(filter_column)
        styles = {str(words(k)): str(v) for k, v in row_classes.items()}
        import json

        dt_args["createdRow"] = JavascriptFunction(
            "function (row, data) { var s = "
            + json.dumps(styles, sort_keys=True)
            + f"[data[{index}]]; if (s) {{ row.setAttribute('style', s); }} }}"
        )
    esc = html.escape
    title = _caption(number, caption)
    name = csv_name or (
        f"table-{_slug(number)}.csv" if number else f"{_slug(caption or table_id)}.csv"
    )
    parts = [f'<div class="ucm-table ucm-interactive" id="{esc(table_id)}-box">']
    if title:
        parts.append(f'<p class="ucm-caption">{esc(title)}</p>')
    parts.append(_itables_html(shown, table_id, **dt_args))
    if legend or (row_classes and filter_column):
        order = filter_values or tuple((legend or row_classes).keys())
        swatches = {words(k): v for k, v in (row_classes or {}).items()}
        meanings = {words(k): v for k, v in (legend or {}).items()}
        items = []
        for v in map(words, order):
            swatch = swatches.get(v, "")
            meaning = meanings.get(v, "")
            text = f"{esc(v)}: {esc(meaning)}" if meaning else esc(v)
            items.append(
                f'<li><span class="ucm-swatch" style="{esc(swatch)}"></span>{text}</li>'
            )
        parts.append(
            f'<ul class="ucm-legend" aria-label="Row colours">{"".join(items)}</ul>'
        )
    if notes:
        parts.append(
            '<ol class="ucm-notes">'
            + "".join(f"<li>{esc(n)}</li>" for n in notes)
            + "</ol>"
        )
    data = csv if csv is not None else shown
    parts.append(f'<p class="ucm-download">{csv_link(data, name)}</p>')
    parts.append("</div>")
    return "\n".join(parts)


class InteractiveTable:
    """A notebook output that renders :func:`interactive_html` (text/html).

    Its plain-text form (what nbval and a terminal show) is the number of
    rows and columns, so it is as deterministic as the HTML.

    Parameters
    ----------
    frame : pandas.DataFrame
    **kwargs
        Passed to :func:`interactive_html` (``table_id`` is required).
    """

    def __init__(self, frame: pd.DataFrame, **kwargs):
        self.frame = frame
        self.kwargs = kwargs
        self.html = interactive_html(frame, **kwargs)

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        rows, cols = self.frame.shape
        return (
            f"<interactive table {self.kwargs['table_id']}: {rows} rows x {cols} columns>"
        )
