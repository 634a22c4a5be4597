"""HTML tables for the book: plain (:func:`html_table`) and sortable, filterable
(:class:`InteractiveTable`), with inline JavaScript and nothing fetched.

Neither carries a random id (pandas' Styler would add a random uuid that breaks
nbval). The book is read offline and checked by nbval, so an interactive table is one piece
of self-contained HTML: the rows, a ``<style>`` block scoped to the table and
a small ``<script>`` (no library, no CDN). Clicking a column header sorts by
it (numbers as numbers), a text box filters rows by their text, and an
optional drop-down filters by one column (e.g. the scorecard's status). The
output depends only on the input frame and the ``table_id`` given, never on
random ids or the time, so a notebook re-run gives identical HTML.
"""

from __future__ import annotations

import html
import math
import re

import pandas as pd

__all__ = ["html_table", "interactive_html", "InteractiveTable"]

_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")

_SCRIPT = """
(function () {
  var t = document.getElementById("%(id)s");
  if (!t || t.getAttribute("data-ready")) { return; }
  t.setAttribute("data-ready", "1");
  var q = document.getElementById("%(id)s-q");
  var f = document.getElementById("%(id)s-f");
  var c = document.getElementById("%(id)s-n");
  var body = t.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  function apply() {
    var text = q.value.toLowerCase(), want = f ? f.value : "", shown = 0;
    rows.forEach(function (r) {
      var ok = (!want || r.getAttribute("data-filter") === want) &&
               (!text || r.textContent.toLowerCase().indexOf(text) >= 0);
      r.style.display = ok ? "" : "none";
      if (ok) { shown += 1; }
    });
    c.textContent = shown + " of " + rows.length + " rows shown";
  }
  function key(r, i) { return r.cells[i].getAttribute("data-sort"); }
  function sortBy(th, i) {
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var numeric = th.getAttribute("data-type") === "number";
    rows.sort(function (a, b) {
      var x = key(a, i), y = key(b, i), cmp;
      var nx = numeric ? parseFloat(x) : NaN, ny = numeric ? parseFloat(y) : NaN;
      var ex = x === "" || (numeric && isNaN(nx)), ey = y === "" || (numeric && isNaN(ny));
      if (ex || ey) {
        cmp = ex === ey ? 0 : (ex ? 1 : -1);  /* empty cells last, either direction */
      } else if (numeric) {
        cmp = dir * (nx === ny ? 0 : (nx < ny ? -1 : 1));
      } else {
        cmp = dir * x.localeCompare(y);
      }
      return cmp !== 0 ? cmp :
        parseInt(a.getAttribute("data-i"), 10) - parseInt(b.getAttribute("data-i"), 10);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, i) {
    th.addEventListener("click", function () { sortBy(th, i); });
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th, i); }
    });
  });
  q.addEventListener("input", apply);
  if (f) { f.addEventListener("change", apply); }
  apply();
})();
"""

_STYLE = """
#%(id)s-box .ucm-controls { margin: 0.5em 0; display: flex; gap: 0.75em;
  flex-wrap: wrap; align-items: center; }
#%(id)s-box .ucm-scroll { max-height: 36em; overflow: auto; }
#%(id)s { border-collapse: collapse; font-size: 0.85em; width: max-content;
  min-width: 100%%; }
#%(id)s th, #%(id)s td { border-bottom: 1px solid #ddd; padding: 0.25em 0.5em;
  vertical-align: top; text-align: left; max-width: 32em; }
#%(id)s td.ucm-num { text-align: right; font-variant-numeric: tabular-nums; }
#%(id)s thead th { position: sticky; top: 0; background: #f3f3f3; cursor: pointer; }
#%(id)s thead th[aria-sort="ascending"]::after { content: " \\25B2"; }
#%(id)s thead th[aria-sort="descending"]::after { content: " \\25BC"; }
"""


def _cell_text(value) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


def _sort_key(value, numeric: bool) -> str:
    text = _cell_text(value)
    if not numeric or text == "":
        return text
    return repr(float(value))


def html_table(frame: pd.DataFrame, *, rename: dict | None = None):
    """An HTML display of ``frame`` for the book.

    The index is dropped (it carries no meaning in the book's tables),
    columns can be renamed for reading, and the HTML carries no random ids,
    so a re-run gives the same output (pandas' Styler would add a random
    uuid).
    """
    from IPython.display import HTML

    shown = frame.rename(columns=rename or {})
    return HTML(shown.to_html(index=False, border=0, classes=["dataframe"], na_rep=""))


def interactive_html(
    frame: pd.DataFrame,
    *,
    table_id: str,
    labels: dict[str, str] | None = None,
    numeric: tuple[str, ...] = (),
    filter_column: str | None = None,
    filter_values: tuple[str, ...] | None = None,
    row_classes: dict[str, str] | None = None,
    caption: str | None = None,
) -> str:
    """A sortable, filterable HTML table as one self-contained string.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show, already formatted for display (the table shows
        ``str(value)``; missing values are empty cells).
    table_id : str
        HTML id of the table, unique on the page (letters, digits, ``-``,
        ``_``); every element id derives from it, so the output is the same
        at every run.
    labels : dict, optional
        Column name -> header text (default: the column name).
    numeric : tuple of str
        Columns sorted as numbers and right-aligned.
    filter_column : str, optional
        Column offered as a drop-down filter (e.g. ``"status"``).
    filter_values : tuple of str, optional
        Options of the drop-down, in order (default: the column's values in
        order of first appearance).
    row_classes : dict, optional
        Value of ``filter_column`` -> inline CSS for the rows with that value
        (e.g. a background colour per status).
    caption : str, optional
        Table caption (plain text, escaped).

    Returns
    -------
    str
        HTML: a ``<div>`` with the controls, the ``<table>``, a ``<style>``
        and a ``<script>`` block. Every cell, header and option is
        HTML-escaped.

    Notes
    -----
    Sorting is stable (ties keep the original order); a second click on a
    header reverses the order; empty cells (and, in a numeric column, cells
    that are not numbers) always sort last. The text filter matches the row's text,
    case-insensitively. Nothing is loaded from the internet.

    Examples
    --------
    >>> t = interactive_html(pd.DataFrame({"a": [2, 10], "b": ["x<y", "z"]}),
    ...                table_id="demo", numeric=("a",))
    >>> "x&lt;y" in t, 'data-sort="10.0"' in t, "http" in t
    (True, True, False)
    """
    if not _ID_RE.match(table_id):
        raise ValueError(f"table_id must be letters, digits, '-' or '_', got {table_id!r}")
    labels = labels or {}
    unknown = [
        c for c in (*numeric, *([filter_column] if filter_column else [])) if c not in frame
    ]
    if unknown:
        raise KeyError(f"columns not in the frame: {', '.join(unknown)}")
    esc = html.escape
    tid = esc(table_id)
    parts = [
        f'<div id="{tid}-box" class="ucm-table">',
        f"<style>{_STYLE % {'id': tid}}</style>",
    ]
    parts.append('<div class="ucm-controls">')
    parts.append(
        f'<label>Filter <input type="search" id="{tid}-q" placeholder="text in any column"'
        ' aria-label="Filter rows by text"></label>'
    )
    if filter_column is not None:
        values = (
            tuple(filter_values)
            if filter_values is not None
            else tuple(dict.fromkeys(_cell_text(v) for v in frame[filter_column]))
        )
        label = esc(labels.get(filter_column, filter_column))
        opts = ['<option value="">all</option>'] + [
            f'<option value="{esc(v)}">{esc(v)}</option>' for v in values
        ]
        parts.append(
            f'<label>{label} <select id="{tid}-f">{"".join(opts)}</select></label>'
        )
    parts.append(f'<span id="{tid}-n" aria-live="polite">{len(frame)} rows</span>')
    parts.append("</div>")
    parts.append(f'<div class="ucm-scroll"><table id="{tid}">')
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    head = []
    for col in frame.columns:
        kind = "number" if col in numeric else "text"
        head.append(
            f'<th scope="col" tabindex="0" data-type="{kind}">'
            f"{esc(labels.get(col, str(col)))}</th>"
        )
    parts.append("<thead><tr>" + "".join(head) + "</tr></thead><tbody>")
    styles = row_classes or {}
    for i, row in enumerate(frame.itertuples(index=False)):
        attrs = f' data-i="{i}"'
        if filter_column is not None:
            fv = _cell_text(getattr(row, filter_column))
            attrs += f' data-filter="{esc(fv)}"'
            if fv in styles:
                attrs += f' style="{esc(styles[fv])}"'
        cells = []
        for col, value in zip(frame.columns, row, strict=True):
            is_num = col in numeric
            cls = ' class="ucm-num"' if is_num else ""
            cells.append(
                f'<td{cls} data-sort="{esc(_sort_key(value, is_num))}">'
                f"{esc(_cell_text(value))}</td>"
            )
        parts.append(f"<tr{attrs}>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table></div>")
    parts.append(f"<script>{_SCRIPT % {'id': tid}}</script>")
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
