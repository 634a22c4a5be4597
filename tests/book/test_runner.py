"""The runner: a failed build keeps the last good book; a good build has every part."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from ucmsc_repro.book import runner
from ucmsc_repro.chapters import CHAPTERS, chapter, results_function
from ucmsc_repro.core.exceptions import BuildError, DataValidationError
from ucmsc_repro.core.paths import DEFAULT_DATA, ROOT
from ucmsc_repro.data.schema import dictionary_table


def _tree_digest(folder):
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def previous_book(tmp_path):
    out = tmp_path / "book_out"
    (out / "html").mkdir(parents=True)
    (out / runner.OUTPUT_MARKER).write_text("built by ucmsc_repro\n")
    (out / "html" / "index.html").write_text("<p>the last good book</p>")
    return out


def _no_staging_left(out):
    return [
        p.name for p in out.parent.iterdir() if ".staging-" in p.name or ".old-" in p.name
    ]


def test_failing_chapter_keeps_the_previous_book(tiny_dir, previous_book, monkeypatch):
    before = _tree_digest(previous_book)

    def boom(info, output_path, **kwargs):
        raise BuildError(
            f"Chapter '{info.title}' ({info.notebook}) failed in cell 3: ValueError: broken"
        )

    monkeypatch.setattr(runner, "execute_chapter", boom)
    # jobs=1: chapters run in this process, where the patched function is seen
    with pytest.raises(BuildError, match="Chapter 'Trial profile'.*cell 3: ValueError"):
        runner.build(tiny_dir, previous_book, progress=False, jobs=1)
    assert _tree_digest(previous_book) == before
    assert _no_staging_left(previous_book) == []


def test_bad_data_stops_before_any_chapter_and_keeps_the_book(
    tiny_dir, previous_book, monkeypatch
):
    (tiny_dir / "subjects.csv").write_text("subject_id,arm\nS1,MSC\n")
    monkeypatch.setattr(runner, "execute_chapter", lambda *a, **k: pytest.fail("ran"))
    before = _tree_digest(previous_book)
    with pytest.raises(DataValidationError):
        runner.build(tiny_dir, previous_book, progress=False)
    assert _tree_digest(previous_book) == before


def test_refuses_a_folder_it_did_not_make(tiny_dir, tmp_path):
    other = tmp_path / "documents"
    other.mkdir()
    (other / "thesis.docx").write_text("precious")
    with pytest.raises(BuildError, match="not empty and was not made by this tool"):
        runner.build(tiny_dir, other, progress=False)
    assert (other / "thesis.docx").read_text() == "precious"


def test_refuses_to_write_into_the_data_folder(tiny_dir):
    with pytest.raises(BuildError, match="overlaps the data folder"):
        runner.build(tiny_dir, tiny_dir / "out", progress=False)


def test_injected_parameters_are_hidden_and_timestamps_dropped(tmp_path):
    info = chapter("baseline")
    out = tmp_path / info.notebook
    staging = tmp_path / "staging-x7q"
    params = runner._parameters(
        DEFAULT_DATA, staging / "results.csv", staging, runner.AnalysisSettings()
    )
    moved = {str(staging): str(tmp_path / "book")}
    runner.execute_chapter(info, out, parameters=params, moved=moved)
    nb = nbformat.read(out, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "remove-cell" in injected[0].metadata["tags"]
    # the temporary folder is replaced by where its files end up
    assert str(tmp_path / "book" / "results.csv") in injected[0].source
    assert "staging-x7q" not in out.read_text()
    assert all("papermill" not in c.metadata for c in nb.cells)
    assert "start_time" not in nb.metadata["papermill"]
    # same data and parameters: byte-identical notebook
    again = tmp_path / "again.ipynb"
    runner.execute_chapter(info, again, parameters=params, moved=moved)
    assert out.read_bytes() == again.read_bytes()


def test_chapters_in_a_shared_kernel_are_the_same_bytes_as_in_a_kernel_each(tmp_path):
    # the build runs a worker's chapters one after another in one kernel
    # (runner.SharedKernel); what a chapter leaves there (its variables, an open
    # figure, the execution count, warnings already shown, the working
    # directory) must not reach the next one
    params = runner._parameters(
        DEFAULT_DATA, tmp_path / "r" / "x.csv", tmp_path / "r", runner.AnalysisSettings()
    )
    order = ("primary", "baseline", "primary")
    kernel = runner.SharedKernel()
    try:
        for i, slug in enumerate(order):
            info = chapter(slug)
            p = dict(params, results_path=str(tmp_path / "r" / f"{slug}.csv"))
            runner.execute_chapter(
                info, tmp_path / f"shared{i}.ipynb", parameters=p, kernel=kernel
            )
            if i == 0:  # leave state behind, as a chapter could (counted, too)
                reply = kernel.run(
                    "import os, warnings, matplotlib.pyplot as plt\n"
                    "leftover = 1; plt.figure(); os.chdir('/')\n"
                    "warnings.warn('shown once per location')",
                    silent=False,
                )
                assert reply["status"] == "ok"
            runner.execute_chapter(info, tmp_path / f"own{i}.ipynb", parameters=p)
            shared = (tmp_path / f"shared{i}.ipynb").read_bytes()
            assert shared == (tmp_path / f"own{i}.ipynb").read_bytes(), slug
    finally:
        kernel.close()
    assert not kernel.km.has_kernel


def _kernel_that_dies(times, calls):
    """papermill's execute_notebook whose kernel dies at start ``times`` times."""

    def execute(source, output, **kwargs):
        calls.append(output)
        if len(calls) <= times:
            raise RuntimeError("Kernel died before replying to kernel_info")
        nbformat.write(nbformat.read(source, as_version=4), output)

    return execute


def test_a_kernel_that_dies_at_start_is_started_again(tmp_path, monkeypatch):
    import papermill

    calls = []
    monkeypatch.setattr(papermill, "execute_notebook", _kernel_that_dies(1, calls))
    runner.execute_chapter(chapter("baseline"), tmp_path / "b.ipynb")
    assert len(calls) == 2 and (tmp_path / "b.ipynb").exists()


def test_a_kernel_that_never_starts_names_the_chapter(tmp_path, monkeypatch):
    import papermill

    calls = []
    dies = _kernel_that_dies(runner.KERNEL_STARTS, calls)
    monkeypatch.setattr(papermill, "execute_notebook", dies)
    with pytest.raises(BuildError, match=r"Chapter 'Baseline.*died before it started"):
        runner.execute_chapter(chapter("baseline"), tmp_path / "b.ipynb")
    assert len(calls) == runner.KERNEL_STARTS


def test_other_runtime_errors_are_not_retried(tmp_path, monkeypatch):
    import papermill

    calls = []

    def broken(source, output, **kwargs):
        calls.append(output)
        raise RuntimeError("something else")

    monkeypatch.setattr(papermill, "execute_notebook", broken)
    with pytest.raises(RuntimeError, match="something else"):
        runner.execute_chapter(chapter("baseline"), tmp_path / "b.ipynb")
    assert len(calls) == 1


def test_chapter_kernels_load_the_runners_snapshot_not_the_csv_files(
    tiny_dir, tmp_path, monkeypatch
):
    # A snapshot of tiny_dir whose subjects table lost one participant, with the
    # fingerprint of the files as they are: a kernel that uses the snapshot (and does
    # not validate the CSV files again) reports one participant fewer.
    from ucmsc_repro.data import loading

    data = loading.load_dataset(tiny_dir)
    data.subjects = data.subjects.iloc[:-1]
    snapshot = loading.write_snapshot(data, tmp_path / "snap.pkl")
    info = chapter("trial_profile")
    results = tmp_path / "tp.csv"
    params = runner._parameters(
        tiny_dir.resolve(), results, None, runner.AnalysisSettings()
    )
    with runner._environment(loading.SNAPSHOT_ENV, str(snapshot)):
        runner.execute_chapter(info, tmp_path / "tp.ipynb", parameters=params)
    got = pd.read_csv(results).set_index("key")["value"]
    assert got["trial_profile.enrolled.all.n"] == len(data.subjects) == 5
    # the same chapter without the snapshot validates the folder: all six
    monkeypatch.delenv(loading.SNAPSHOT_ENV, raising=False)
    runner.execute_chapter(info, tmp_path / "tp2.ipynb", parameters=params)
    assert (
        pd.read_csv(results).set_index("key")["value"]["trial_profile.enrolled.all.n"] == 6
    )


def _bad_copy(default_copy):
    path = default_copy / "subjects.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame.rename(columns={"bmi_kg_m2": "BMI"})
    frame.to_csv(path, index=False)
    return default_copy


def test_command_line_reports_bad_data_without_traceback(default_copy, tmp_path):
    data = _bad_copy(default_copy)
    before = _tree_digest(data)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ucmsc_repro",
            "build",
            "--data",
            str(data),
            "--out",
            str(tmp_path / "out"),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "subjects.csv, line 1: required column 'bmi_kg_m2' is missing" in proc.stderr
    assert _tree_digest(data) == before
    assert not (tmp_path / "out").exists()


def test_command_line_validate_and_template(tmp_path):
    ok = subprocess.run(
        [sys.executable, "-m", "ucmsc_repro", "validate", str(DEFAULT_DATA)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert ok.returncode == 0 and "OK (" in ok.stdout
    tpl = tmp_path / "tpl"
    made = subprocess.run(
        [sys.executable, "-m", "ucmsc_repro", "template", str(tpl)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert made.returncode == 0
    assert (tpl / "visits.csv").read_text().startswith("subject_id,month,hba1c_pct,")
    again = subprocess.run(
        [sys.executable, "-m", "ucmsc_repro", "template", str(tpl)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert again.returncode == 1 and "nothing was written" in again.stderr


@pytest.mark.slow
def test_whole_book_builds_from_the_default_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "book"
    report = runner.build(None, "book", progress=False)  # a relative OUT, as `make book`
    assert report.index_html.exists()
    for info in CHAPTERS:
        stem = info.notebook.removesuffix(".ipynb")
        assert (out / "html" / "notebooks" / f"{stem}.html").exists(), stem
        assert (out / "notebooks" / info.notebook).exists()
    assert sorted(p.name for p in out.iterdir()) == [
        ".cache",
        ".ucmsc-book",
        "html",
        "notebooks",
        "results",
        "results.csv",
        "scorecard.csv",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["book"]  # no staging left behind
    results = pd.read_csv(out / "results.csv")
    assert len(results) > 1000
    assert not results["key"].duplicated().any()
    for info in CHAPTERS:
        if results_function(info) is not None:
            assert (results["chapter"] == info.slug).any(), info.slug
    html = "".join(p.read_text(errors="ignore") for p in (out / "html").rglob("*.html"))
    assert str(tmp_path) not in html  # no machine paths in the rendered book
    # privacy: no participant identifier anywhere in the rendered pages
    ids = pd.read_csv(DEFAULT_DATA / "subjects.csv")["subject_id"].astype(str)
    found = re.findall(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])", html)
    assert found == []
    # index.html redirects to the front page, which names the data of the build
    assert "book/intro.html" in (out / "html" / "index.html").read_text()
    assert "SYNTHETIC cohort" in (out / "html" / "book" / "intro.html").read_text()
    scorecard = pd.read_csv(out / "scorecard.csv")
    assert scorecard.columns[:5].tolist() == [
        "key",
        "reported",
        "reproduced",
        "status",
        "section",
    ]
    dictionary = (out / "html" / "book" / "data_dictionary.html").read_text()
    cell = '<td><p><code class="docutils literal notranslate"><span class="pre">{}</span>'
    for name in dictionary_table()["column"]:
        assert cell.format(name) in dictionary, name  # one table row per contract column
    meta = json.loads((out / "notebooks" / CHAPTERS[0].notebook).read_text())
    assert "start_time" not in json.dumps(meta["metadata"])


@pytest.mark.slow
def test_whole_book_builds_on_other_data_without_touching_the_repo(tiny_dir, tmp_path):
    # six hand-made participants: models cannot be fitted, every chapter must say
    # so and the book still build; the committed notebooks and the data stay as they are
    committed = _tree_digest(ROOT / "notebooks")
    data_before = _tree_digest(tiny_dir)
    report = runner.build(tiny_dir, tmp_path / "out", progress=False)
    front = (report.out_dir / "html" / "book" / "intro.html").read_text()
    assert "Built on the data in tiny." in front
    assert "SYNTHETIC cohort" not in front
    assert _tree_digest(ROOT / "notebooks") == committed
    assert _tree_digest(tiny_dir) == data_before
    assert (report.out_dir / "scorecard.csv").exists()
