"""The chapters' parameters reach the computation when passed through papermill.

Each case executes a chapter notebook twice with papermill (the way the
runner does for ``make book``), once with the paper's settings and once with
one setting changed, and checks that a result that depends on that setting
changed in the chapter's results CSV.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ucmsc_repro.book import runner
from ucmsc_repro.chapters import chapter
from ucmsc_repro.core.paths import DEFAULT_DATA
from ucmsc_repro.core.settings import AnalysisSettings


def _run(tmp_path, slug: str, name: str, **changes) -> pd.Series:
    info = chapter(slug)
    settings = AnalysisSettings(**changes)
    results = tmp_path / f"{slug}-{name}.csv"
    params = runner._parameters(DEFAULT_DATA, results, None, settings)
    runner.execute_chapter(info, tmp_path / f"{slug}-{name}.ipynb", parameters=params)
    return pd.read_csv(results).set_index("key")["value"]


@pytest.mark.parametrize(
    "slug,changes,key",
    [
        ("baseline", {"adult_onset_age": 25}, "baseline.onset_adult.all.events"),
        ("primary", {"remission_threshold": 0.30}, "primary.remission.msc.events"),
        ("primary", {"alpha": 0.01}, "primary.power.default"),
        ("secondary", {"endpoint_month": 6}, "secondary.fcp_pmol_l.pct.all.msc.mean"),
    ],
)
def test_a_changed_setting_changes_the_result(tmp_path, slug, changes, key):
    default = _run(tmp_path, slug, "default")
    changed = _run(tmp_path, slug, "changed", **changes)
    assert key in default.index and key in changed.index
    assert changed[key] != pytest.approx(default[key]), key
