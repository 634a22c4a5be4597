"""Tests of ucmsc_repro.book.tables: deterministic, self-contained, reader-grade HTML."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pandas as pd
import pytest

from ucmsc_repro.book.sphinx_tables import offline_script
from ucmsc_repro.book.tables import InteractiveTable, interactive_html, table_html

FRAME = pd.DataFrame(
    {
        "n": [10, 2, None],
        "status": ["differs", "reproduced", "missing"],
        "text": ["a < b & c", "plain", '"quoted"'],
    }
)
_CSV = re.compile(r'href="data:text/csv;charset=utf-8,([^"]*)"')


def _csv(out: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(unquote(_CSV.search(out).group(1))), dtype=str).fillna(
        ""
    )


def _interactive(**kw):
    return interactive_html(
        FRAME, table_id="t1", numeric=("n",), filter_column="status", **kw
    )


# --- journal tables ---------------------------------------------------------------


def test_table_is_identical_at_every_call():
    assert table_html(FRAME, number="2.1") == table_html(FRAME, number="2.1")


def test_caption_is_numbered_and_names_the_download():
    out = table_html(FRAME, number="2.1", caption="Baseline")
    assert "<caption>Table 2.1: Baseline</caption>" in out
    assert 'download="table-2-1.csv"' in out
    assert out.count('class="ucm-csv"') == 1


def test_every_cell_is_escaped_and_none_is_cut():
    long = "Mann-Whitney U test (two-sided, normal approximation) " * 3
    out = table_html(pd.DataFrame({"a": ["a < b & c"], "b": [long]}))
    assert "a &lt; b &amp; c" in out
    assert long.strip() in out  # pandas' to_html would cut it at max_colwidth


def test_missing_cells_are_empty_and_no_zero_is_negative():
    out = table_html(pd.DataFrame({"a": ["x", "y"], "b": [float("nan"), "-0.00"]}))
    body = re.sub(r"<[^>]+>", " ", out.split("<tbody>")[1])
    assert "nan" not in body.lower() and "-0.00" not in body and "0.00" in body


def test_no_index_and_no_empty_header_row():
    out = table_html(FRAME.set_index("status"))
    assert out.count("<tr>") + out.count("<tr ") == len(FRAME) + 1


def test_numeric_columns_and_their_headers_are_right_aligned():
    out = table_html(pd.DataFrame({"name": ["a", "b"], "p": ["0.041", "<0.001"]}))
    assert '<th scope="col" class="ucm-num">p</th>' in out
    assert '<td class="ucm-num">&lt;0.001</td>' in out
    assert '<th scope="col">name</th>' in out


def test_level_column_indents_rows_and_is_not_shown():
    frame = pd.DataFrame({"name": ["Onset", "adult"], "n": ["", "3"], "_level": [0, 1]})
    out = table_html(frame)
    assert '<tr class="ucm-level-1"><th scope="row">adult</th>' in out
    assert "_level" not in out
    assert _csv(out).columns.tolist() == ["name", "n"]


def test_csv_holds_the_full_precision_frame_given():
    full = pd.DataFrame({"x": [1 / 3, 2 / 3]})
    shown = pd.DataFrame({"x": ["0.33", "0.67"]})
    out = table_html(shown, csv=full)
    back = pd.read_csv(io.StringIO(unquote(_CSV.search(out).group(1))))
    assert back["x"].tolist() == [1 / 3, 2 / 3]  # to the last bit


def test_empty_table_is_a_sentence():
    out = table_html(FRAME.iloc[:0], number="3.2", caption="Events", empty="No events.")
    assert "<table" not in out and "No events." in out and "Table 3.2: Events" in out


def test_footnotes_follow_the_table():
    out = table_html(FRAME, notes=["t test: Student's t test, two-sided."])
    assert out.index("</table>") < out.index("Student&#x27;s t test")


def test_scroll_frame_is_opt_in():
    assert "ucm-scroll" not in table_html(FRAME)
    assert 'class="ucm-scroll"' in table_html(FRAME, scroll=True)


# --- interactive tables (itables, offline) ------------------------------------------


def test_interactive_output_is_identical_at_every_call():
    assert _interactive() == _interactive()


def test_interactive_table_loads_nothing_from_the_internet():
    out = _interactive()
    assert "unpkg" not in out and "<link" not in out and "src=" not in out
    assert not re.findall(r"https?://", out)


def test_interactive_numeric_columns_sort_as_numbers():
    out = _interactive()
    assert '"type": "num-fmt"' in out and '"targets": [0]' in out


def test_interactive_table_is_not_downsampled_and_has_search_and_paging():
    big = pd.DataFrame(
        {"n": range(3000), "status": ["x"] * 3000, "text": ["y" * 40] * 3000}
    )
    out = interactive_html(big, table_id="big", numeric=("n",))
    assert "downsampled" not in out.lower()
    assert '"topEnd": "search"' in out and '"bottomEnd": "paging"' in out


def test_interactive_cells_have_no_negative_zero_or_nan():
    frame = pd.DataFrame({"d": ["-0.00", "-0.01", None], "s": ["a", "b", "c"]})
    out = interactive_html(frame, table_id="z", numeric=("d",))
    data = re.search(r'"data_json": "(.*?)",\n', out).group(1)
    assert '\\"0.00\\"' in data and '\\"-0.01\\"' in data
    assert "-0.00" not in data and "NaN" not in data


def test_row_colours_come_with_a_legend():
    out = _interactive(
        row_classes={"differs": "background-color: #fce8e6"},
        legend={"differs": "does not match", "reproduced": "matches"},
        filter_values=("reproduced", "differs"),
    )
    assert "#fce8e6" in out.split('class="ucm-legend"')[0]  # the rows' script
    legend = out.split('class="ucm-legend"')[1]
    assert legend.index("reproduced: matches") < legend.index("differs: does not match")


def test_interactive_table_has_caption_and_csv():
    out = _interactive(number="14.3", caption="Claims")
    assert "Table 14.3: Claims" in out
    assert _csv(out)["status"].tolist() == ["differs", "reproduced", "missing"]


@pytest.mark.parametrize("bad", ["", "1abc", "a b", 'x"y'])
def test_unsafe_table_id_is_refused(bad):
    with pytest.raises(ValueError, match="table_id"):
        interactive_html(FRAME, table_id=bad)


def test_unknown_column_is_refused():
    with pytest.raises(KeyError, match="nope"):
        interactive_html(FRAME, table_id="t", numeric=("nope",))


def test_notebook_object_renders_the_same_html_and_a_short_text():
    obj = InteractiveTable(FRAME, table_id="t1", numeric=("n",), filter_column="status")
    assert obj._repr_html_() == _interactive()
    assert repr(obj) == "<interactive table t1: 3 rows x 3 columns>"


def test_offline_bundle_defines_what_the_tables_wait_for():
    script = offline_script()
    version = re.search(r"window\.(_itables_[0-9_]+)", _interactive()).group(1)
    assert f"window.{version}" in script
    assert "<script" not in script and not re.findall(r"https?://[^\s\"']*unpkg", script)


def test_identifiers_reach_the_page_as_words():
    frame = pd.DataFrame({"group_name": ["dk_or_dka", "no_dk"], "n": ["3", "4"]})
    out = table_html(frame)
    assert "DK or DKA at onset" in out and "no DK or DKA at onset" in out
    assert "dk_or_dka" not in out.split("ucm-download")[0]
    assert ">group name</th>" in out
    inter = interactive_html(
        pd.DataFrame({"status": ["not_computable"]}),
        table_id="w",
        filter_column="status",
        row_classes={"not_computable": "background-color: #eee"},
    )
    script = inter.split('"createdRow"')[1].split("\n")[0]
    assert (
        "not computable" in script and "#eee" in script and "not_computable" not in script
    )
