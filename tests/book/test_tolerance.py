"""Tests of ucmsc_repro.book.tolerance and its nbval plugin (book.nbval_tolerance).

The regression checks must be blind to last-bit noise (another CPU's BLAS
kernel) and must see every real change of a reported number. The references
are hand computations: a relative change of 1e-6 is 1000 times the stated
tolerance (1e-9) and must fail; 1e-13 (about 450 ulps of a double) is 10,000
times below it and must pass; and a whole chapter recomputed on inputs moved
by one ulp (``numpy.nextafter``) is what another kernel looks like.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ucmsc_repro.book.chapter import Chapter, open_chapter
from ucmsc_repro.book.results import Recorder
from ucmsc_repro.book.tolerance import (
    ATOL,
    RECORD_MIME,
    RTOL,
    close,
    compare_glued,
    compare_results,
    glued_values,
)
from ucmsc_repro.chapters import chapter, results_function
from ucmsc_repro.core.paths import NOTEBOOKS, ROOT


def _record(name, text):
    return {
        "output_type": "display_data",
        "data": {RECORD_MIME: text},
        "metadata": {"scrapbook": {"name": name, "mime_prefix": "application/papermill."}},
    }


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (4.379509364302098, 4.379509364302097, True),  # the two kernels of issue 8
        (0.2209611491944282, 0.2209611491944271, True),
        (1.0, 1.0 + 1e-13, True),
        (1.0, 1.0 + 1e-6, False),
        (0.0, 6.9e-18, True),  # zero and its rounding noise
        (0.0, 1e-9, False),
        (float("nan"), float("nan"), True),
        (float("inf"), float("inf"), True),
        (float("inf"), 1e308, False),
    ],
)
def test_numbers_are_equal_at_the_stated_precision(a, b, equal):
    assert close(a, b) is equal
    assert RTOL == 1e-9 and ATOL == 1e-12


def test_text_values_are_compared_exactly():
    ref = [_record("p.text", "'p = 0.041'")]
    assert compare_glued(ref, [_record("p.text", "'p = 0.041'")]) == []
    assert compare_glued(ref, [_record("p.text", "'p = 0.042'")]) != []


def test_a_value_glued_in_only_one_run_is_a_difference():
    problems = compare_glued([_record("a", "1.0")], [_record("b", "1.0")])
    assert problems == [
        "a: recorded, but not glued in this run",
        "b: glued in this run, but not recorded",
    ]


def test_results_frames_compare_numbers_at_tolerance_and_methods_exactly():
    import pandas as pd

    ref = pd.DataFrame(
        {"key": ["x", "y"], "value": [0.1 + 0.2, 2.0], "method": ["mean", "t test"]}
    )
    same = ref.assign(value=[0.3, 2.0])
    assert compare_results(ref, same, columns=("value",)) == []
    moved = ref.assign(value=[0.3, 2.0 * (1 + 1e-6)])
    assert compare_results(ref, moved, columns=("value",)) == [
        "y (value): 2.000002 differs from the recorded 2.0 "
        "(relative difference 1e-06 > 1e-09)"
    ]
    renamed = ref.assign(method=["mean", "Welch test"])
    assert compare_results(ref, renamed, columns=("value",)) == [
        "y (method): 'Welch test' differs from 't test'"
    ]


# --- the nbval run itself -------------------------------------------------------

NOTEBOOK = "15_audit.ipynb"  # data-independent and quick: the check, not the chapter


def _perturbed_copy(tmp_path, relative: float) -> tuple[str, str]:
    """The committed notebook with one glued statistic moved by ``relative``."""
    nb = json.loads((NOTEBOOKS / NOTEBOOK).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            values = glued_values([out])
            if not values:
                continue
            ((name, text),) = values.items()
            try:
                x = float(text)
            except ValueError:
                continue
            if x != 0 and x != round(x):  # a computed statistic, not a count
                out["data"][RECORD_MIME] = repr(x * (1 + relative))
                path = tmp_path / NOTEBOOK
                path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
                return str(path), name
    raise AssertionError(f"{NOTEBOOK} glues no non-integer statistic")


def _nbval(path: str, *extra: str) -> subprocess.CompletedProcess:
    # the project's own pytest configuration (sanitizer and plugin), on one notebook
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"]
    cmd += ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(Path(path).parent)]
    return subprocess.run(
        [*cmd, *extra, path], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_nbval_fails_when_a_glued_statistic_changes_by_1e_6_relative(tmp_path):
    path, name = _perturbed_copy(tmp_path, 1e-6)
    run = _nbval(path)
    assert run.returncode == 1, run.stdout[-2000:]
    assert f"{name}: " in run.stdout and "relative difference 1e-06" in run.stdout


def test_nbval_passes_when_a_glued_statistic_moves_by_1e_13_relative(tmp_path):
    # what another BLAS kernel does to the last digits of the committed values
    path, _ = _perturbed_copy(tmp_path, 1e-13)
    run = _nbval(path)
    assert run.returncode == 0, run.stdout[-2000:]
    assert " passed" in run.stdout


def test_nbval_without_the_tolerance_would_see_the_last_bits(tmp_path):
    # the placeholder hides the text of a glued number from nbval: the plugin is what
    # compares it, so a 1e-6 change is caught only because the plugin runs
    path, _ = _perturbed_copy(tmp_path, 1e-6)
    run = _nbval(path, "-p", "no:ucmsc_repro.book.nbval_tolerance")
    assert run.returncode == 0, run.stdout[-2000:]


# --- a whole chapter under a perturbed computation ------------------------------
# Chapters whose results go through logistic fits and the 2x2 tests. Not the
# secondary chapter: its Wilcoxon signed-rank tests rank paired differences, and
# moving both values of a pair by one ulp breaks ties that the decimal data have
# (7.3 - 6.6 against 8.0 - 7.3), which is a property of the data, not noise that
# another CPU adds (parsing a CSV and subtracting are correctly rounded, the same
# on every CPU).


#: Measurements (not visit months, counts or dates): what arithmetic noise can touch.
MEASURED = (
    "age_years",
    "duration_months",
    "bmi_kg_m2",
    "weight_kg",
    "msc_cells_total",
    "hba1c_pct",
    "fcp_pmol_l",
    "pcp_pmol_l",
    "insulin_iu_kg_day",
    "glucose_fasting_mmol_l",
    "glucose_2h_mmol_l",
)


def _one_ulp_up(frame):
    out = frame.copy()
    for col in out.columns.intersection(MEASURED):
        out[col] = np.nextafter(out[col].to_numpy(dtype=float), np.inf)
    return out


@pytest.mark.parametrize("slug", ["subgroups", "factors"])
def test_a_chapter_recomputed_on_inputs_moved_by_one_ulp_passes_the_comparison(slug):
    ch = open_chapter(slug, show_banner=False, glue=False)
    results = results_function(chapter(slug))
    reference = results(ch)
    data = dataclasses.replace(
        ch.data, subjects=_one_ulp_up(ch.data.subjects), visits=_one_ulp_up(ch.data.visits)
    )
    moved = Chapter(
        slug, data, ch.settings, Recorder(slug, glue=False), data.table(ch.settings)
    )
    perturbed = results(moved)
    # the perturbation reaches the last bits of the results (as another kernel does) ...
    a = reference["value"].to_numpy(dtype=object)
    b = perturbed["value"].to_numpy(dtype=object)
    assert any(x != y and x == x for x, y in zip(a, b, strict=True))
    # ... and the regression comparison is blind to it
    assert compare_results(reference, perturbed) == []
    # while a real change of one reported number is seen
    changed = copy.deepcopy(perturbed)
    i = next(i for i, v in enumerate(changed["value"]) if isinstance(v, float) and v)
    changed.loc[i, "value"] = changed.loc[i, "value"] * (1 + 1e-6)
    assert len(compare_results(reference, changed)) == 1


def test_iterative_fits_are_compared_at_1e6_and_still_fail_at_a_printed_digit():
    # Measured: OPENBLAS_CORETYPE=Sandybridge moves the MMRM's REML numbers by about
    # 1e-8 relative (trial_models.mmrm.hba1c.m3.diff.ci_high 0.4998868982 against
    # 0.4998868791) and an interval bound near 0 by 7e-9 absolute.
    from ucmsc_repro.book import tolerance as tol

    meta = {"scrapbook": {"name": "trial_models.mmrm.hba1c.m3.diff.ci_high"}}
    ref = [{"data": {tol.RECORD_MIME: "0.49988687908374857"}, "metadata": meta}]
    cpu = [{"data": {tol.RECORD_MIME: "0.4998868982136383"}, "metadata": meta}]
    digit = [{"data": {tol.RECORD_MIME: "0.5000868791"}, "metadata": meta}]
    assert tol.compare_glued(ref, cpu) == []
    assert len(tol.compare_glued(ref, digit)) == 1  # 0.4999 -> 0.5001
    # any other key keeps 1e-9
    other = {"scrapbook": {"name": "primary.pval_fisher"}}
    a = [{"data": {tol.RECORD_MIME: "0.49988687908374857"}, "metadata": other}]
    b = [{"data": {tol.RECORD_MIME: "0.4998868982136383"}, "metadata": other}]
    assert len(tol.compare_glued(a, b)) == 1
