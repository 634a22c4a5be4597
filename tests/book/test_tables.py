"""Tests of ucmsc_repro.book.tables: self-contained, deterministic HTML."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ucmsc_repro.book.tables import InteractiveTable, interactive_html

FRAME = pd.DataFrame(
    {
        "n": [10, 2, None],
        "status": ["differs", "reproduced", "missing"],
        "text": ["a < b & c", "plain", '"quoted"'],
    }
)


def _table(**kw):
    return interactive_html(
        FRAME, table_id="t1", numeric=("n",), filter_column="status", **kw
    )


def test_output_is_identical_at_every_call():
    assert _table() == _table()


def test_nothing_is_loaded_from_the_internet():
    out = _table()
    assert "http" not in out
    assert "src=" not in out
    assert "<link" not in out


def test_every_cell_is_escaped():
    out = _table()
    assert "a &lt; b &amp; c" in out
    assert "&quot;quoted&quot;" in out
    assert "a < b" not in out


def test_numeric_columns_sort_by_number_and_missing_cells_are_empty():
    out = _table()
    assert 'data-sort="10.0"' in out and 'data-sort="2.0"' in out
    assert '<td class="ucm-num" data-sort=""></td>' in out
    assert out.count('data-type="number"') == 1


def test_every_id_derives_from_the_table_id():
    ids = re.findall(r'id="([^"]+)"', _table())
    assert ids and all(i.startswith("t1") for i in ids)
    assert len(ids) == len(set(ids))


def test_filter_select_lists_given_values_in_order_with_all_first():
    out = _table(filter_values=("reproduced", "differs", "missing"))
    options = re.findall(r'<option value="([^"]*)">', out)
    assert options == ["", "reproduced", "differs", "missing"]
    assert out.count("data-filter=") == len(FRAME)


def test_row_style_follows_the_filter_column():
    out = _table(row_classes={"differs": "background-color: #fce8e6"})
    assert '<tr data-i="0" data-filter="differs" style="background-color: #fce8e6">' in out
    assert '<tr data-i="1" data-filter="reproduced">' in out


@pytest.mark.parametrize("bad", ["1abc", "has space", 'x"y', ""])
def test_unsafe_table_id_is_refused(bad):
    with pytest.raises(ValueError):
        interactive_html(FRAME, table_id=bad)


def test_unknown_column_is_refused():
    with pytest.raises(KeyError, match="nope"):
        interactive_html(FRAME, table_id="t", numeric=("nope",))


def test_notebook_object_renders_the_same_html_and_a_short_text():
    obj = InteractiveTable(FRAME, table_id="t1", numeric=("n",), filter_column="status")
    assert obj._repr_html_() == _table()
    assert repr(obj) == "<interactive table t1: 3 rows x 3 columns>"
