"""The Recorder glues and writes every statistic with a stable key."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ucmsc_repro.book.results import Recorder
from ucmsc_repro.core.results_table import RESULT_COLUMNS


def test_record_writes_the_chapter_csv(tmp_path):
    path = tmp_path / "r" / "demo.csv"
    rec = Recorder("demo", path, glue=False)
    rec.record("demo.x.mean", np.float64(1.25), method="mean", n=4)
    rec.record("demo.or", 2.0, ci=(1.1, 3.5), method="logistic")
    out = pd.read_csv(path)
    assert list(out.columns) == RESULT_COLUMNS
    assert out["key"].tolist() == ["demo.x.mean", "demo.or"]
    assert out.loc[1, "ci_low"] == 1.1 and out.loc[1, "ci_high"] == 3.5
    assert out.loc[0, "chapter"] == "demo"


def test_values_are_plain_python_floats():
    rec = Recorder("demo", glue=False)
    assert type(rec.record("k", np.int64(3))) is float
    assert type(rec.record("b", np.True_)) is float


def test_recording_a_key_again_replaces_it():
    rec = Recorder("demo", glue=False)
    rec.record("k", 1)
    rec.record("k", 2)
    assert rec.frame()["value"].tolist() == [2.0]


@pytest.mark.parametrize("key", ["", "has space", "tab\tkey"])
def test_keys_must_be_dotted_names(key):
    with pytest.raises(ValueError):
        Recorder("demo", glue=False).record(key, 1)


def test_record_frame_takes_tidy_results():
    frame = pd.DataFrame(
        {
            "key": ["a", "b"],
            "value": [1.0, 2.0],
            "ci_low": [np.nan, 0.5],
            "ci_high": [np.nan, 3.0],
            "method": ["m", "m"],
            "n": [np.nan, 10],
        }
    )
    rec = Recorder("demo", glue=False)
    rec.record_frame(frame)
    got = rec.frame()
    assert got["n"].tolist()[1] == 10
    assert np.isnan(got["ci_low"][0]) or got["ci_low"][0] is None
