"""The book runner: validate, execute every chapter with papermill, build HTML.

The book is built in a staging folder next to the output folder and swapped
in only when everything succeeded, so a failed build leaves the last good
book in place. Input data are only read; the committed notebooks are only
read (except by :func:`refresh_notebooks`, which re-executes them on the
embedded default data).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import multiprocessing.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd
import yaml

from ..chapters import CHAPTERS, ChapterInfo, book_chapters, chapter
from ..core.exceptions import BuildError
from ..core.paths import BOOK_PAGES, DEFAULT_DATA, NOTEBOOKS, ROOT, display_path
from ..core.results_table import RESULT_COLUMNS
from ..core.settings import AnalysisSettings
from ..data.loading import SNAPSHOT_ENV, Dataset, load_dataset, write_snapshot
from ..data.schema import dictionary_table
from ..reproduction.scorecard import OWN_CHAPTERS
from .cache import CACHE_DIR, ChapterCache, digest, source_digest, tree_digest

__all__ = [
    "BuildReport",
    "build",
    "execute_chapter",
    "refresh_notebooks",
    "clean_notebook_metadata",
    "OUTPUT_MARKER",
]

#: File that marks a folder as a book output folder (safe to replace).
OUTPUT_MARKER = ".ucmsc-book"
KERNEL = "python3"
#: How many times a chapter's kernel may be started when it dies before replying.
KERNEL_STARTS = 3
_KERNEL_START_FAILURE = "Kernel died before replying to kernel_info"
#: The chapter whose outputs depend on all the others.
SCORECARD = "scorecard"


@dataclass
class BuildReport:
    """What a build produced and how long each step took (seconds)."""

    out_dir: Path
    index_html: Path
    timings: dict[str, float] = field(default_factory=dict)
    #: Chapters taken from the cache, in reading order.
    reused: list[str] = field(default_factory=list)
    #: Why each executed chapter ran (e.g. "the data changed").
    reasons: dict[str, str] = field(default_factory=dict)


def _parameters(
    data_dir: Path, results_path: Path | None, output_dir: Path | None, s: AnalysisSettings
) -> dict:
    return {
        "data_dir": str(data_dir),
        "results_path": None if results_path is None else str(results_path),
        "output_dir": None if output_dir is None else str(output_dir),
        "endpoint_month": s.endpoint_month,
        "remission_threshold": s.remission_threshold,
        "adult_onset_age": s.adult_onset_age,
        "alpha": s.alpha,
    }


def clean_notebook_metadata(path: Path, *, moved: dict[str, str] | None = None) -> None:
    """Remove run-specific metadata (timestamps, durations, absolute paths).

    Papermill records start/end times and the input/output paths; dropping
    them makes an executed notebook depend only on its code, data and
    parameters. ``moved`` maps a temporary folder named in the injected
    parameters to where its files end up (the build's staging folder to the
    output folder), so the notebook names the final paths, not random ones.
    """
    nb = nbformat.read(path, as_version=4)
    moved = moved or {}

    def final(text: str) -> str:
        for old, new in moved.items():
            text = text.replace(old, new)
        return text

    pm = nb.metadata.get("papermill")
    if pm is not None:
        for k in (
            "start_time",
            "end_time",
            "duration",
            "input_path",
            "output_path",
            "environment_variables",
            "version",
        ):
            pm.pop(k, None)
        params = pm.get("parameters", {})
        for k in ("data_dir", "results_path", "output_dir"):
            if params.get(k):
                params[k] = display_path(final(params[k]))
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        _figure_alt_to_cell(cell)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            # papermill gives this cell a random id; a fixed one keeps reruns identical
            cell["id"] = "injected-parameters"
            cell.source = final(cell.source)
            if "remove-cell" not in tags:
                # it holds this machine's paths: keep it out of the HTML
                cell.metadata["tags"] = [*tags, "remove-cell"]
    nbformat.write(nb, path)


#: Output metadata key of a figure's alt text (ucmsc_repro.figures.render.ALT_KEY).
_ALT_KEY = "ucmsc_alt"


def _figure_alt_to_cell(cell) -> None:
    """Hand a figure's alt text (in its output's metadata) to myst-nb.

    myst-nb takes an image's ``alt`` from the cell's ``mystnb.image`` metadata
    only; :func:`ucmsc_repro.figures.render.show` cannot write cell metadata from
    inside the kernel, so it puts the text in the output and it is moved here.
    """
    for output in cell.get("outputs", []):
        alt = output.get("metadata", {}).get(_ALT_KEY)
        if alt:
            options = cell.metadata.setdefault("mystnb", {}).setdefault("image", {})
            options["alt"] = alt


def _failure_message(info: ChapterInfo, err: Exception) -> str:
    ename = getattr(err, "ename", type(err).__name__)
    evalue = getattr(err, "evalue", str(err))
    cell = getattr(err, "cell_index", None)
    where = f" in cell {cell + 1}" if isinstance(cell, int) else ""
    return f"Chapter '{info.title}' ({info.notebook}) failed{where}: {ename}: {evalue}"


#: Run in a shared kernel before each chapter after its first: the state a new
#: kernel starts with, the imported modules aside. ``{cwd}`` is the chapters'
#: working directory.
_FRESH_KERNEL_STATE = """\
get_ipython().run_line_magic("reset", "-f")
import os as _os, sys as _sys, warnings as _warnings
_os.chdir({cwd!r})
_filters = list(_warnings.filters)
_warnings.resetwarnings()  # every warning is shown again, as in a new kernel
_warnings.filters[:] = _filters
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
del _os, _sys, _warnings, _filters
get_ipython().execution_count = 1
"""


class SharedKernel:
    """One Python kernel for the chapters a process runs one after another.

    A new kernel for every chapter costs its start and the imports of the
    analysis stack, about 1.5 s a chapter: half of a full build's time on two
    cores. The chapters a worker process runs share one kernel instead; before
    each chapter after the first the kernel is put back in the state a new
    kernel has (:data:`_FRESH_KERNEL_STATE`: an empty namespace, execution
    count 1, no open figure, warnings shown again, the working directory), so
    the executed notebooks are the same bytes as with a kernel each
    (``tests/book/test_runner.py`` compares them). Only the imported modules
    are kept, and the package keeps no state in them (no global random
    generator, no cache between chapters; plotting settings are set by every
    chapter's :func:`ucmsc_repro.book.chapter.open_chapter`).
    """

    def __init__(self):
        self.km = _kernel_manager()

    def run(self, code: str, *, silent: bool = True) -> dict:
        """Run ``code`` in the started kernel, outputs discarded; the reply's content.

        ``silent`` code is not counted in the kernel's execution count.
        """
        from jupyter_client import BlockingKernelClient

        kc = BlockingKernelClient()
        kc.load_connection_info(self.km.get_connection_info())
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            reply = kc.execute_interactive(
                code,
                silent=silent,
                store_history=not silent,
                timeout=60,
                output_hook=lambda msg: None,
            )
        finally:
            kc.stop_channels()
        return reply["content"]

    def prepare(self, cwd: Path) -> None:
        """Reset a running kernel for the next chapter (nothing before the first)."""
        if not self.km.has_kernel:
            return  # papermill starts it with the chapter
        reply = self.run(_FRESH_KERNEL_STATE.format(cwd=str(cwd)))
        if reply["status"] != "ok":
            raise BuildError(
                "The chapters' Python kernel could not be reset between chapters: "
                f"{reply.get('ename', '')}: {reply.get('evalue', '')}"
            )

    def release(self) -> None:
        """Close the connections papermill opened to the kernel for a chapter.

        papermill leaves them open on a kernel it did not start (it would
        otherwise shut the kernel down), so they are closed here.
        """
        while self.km.clients:
            self.km.clients.pop().stop_channels()

    def close(self) -> None:
        """Shut the kernel down (if it was started)."""
        self.release()
        if self.km.has_kernel:
            import asyncio

            with contextlib.suppress(Exception):
                asyncio.run(self.km.shutdown_kernel(now=True))


def _kernel_manager():
    """A kernel manager that keeps the clients made for it (``SharedKernel.release``)."""
    from jupyter_client.manager import AsyncKernelManager

    class Manager(AsyncKernelManager):
        def client(self, **kwargs):
            kc = super().client(**kwargs)
            self.clients.append(kc)
            return kc

    km = Manager(kernel_name=KERNEL)
    km.clients = []
    return km


#: This process's shared kernel (:func:`shared_kernel`).
_SHARED: list[SharedKernel] = []


def shared_kernel() -> SharedKernel:
    """The kernel this process's chapters share, started with the first of them.

    In a worker process it is shut down when the process ends; in the build's
    own process (``--jobs 1``) :func:`close_shared_kernel` shuts it down.
    """
    if not _SHARED:
        kernel = SharedKernel()
        _SHARED.append(kernel)
        multiprocessing.util.Finalize(kernel, kernel.close, exitpriority=10)
    return _SHARED[0]


def close_shared_kernel() -> None:
    """Shut this process's shared kernel down, if there is one."""
    while _SHARED:
        _SHARED.pop().close()


def execute_chapter(
    info: ChapterInfo,
    output_path: Path,
    *,
    parameters: dict | None = None,
    cwd: Path | None = None,
    moved: dict[str, str] | None = None,
    kernel: SharedKernel | None = None,
) -> None:
    """Execute one chapter notebook with papermill.

    ``moved`` is passed to :func:`clean_notebook_metadata`. With ``kernel``
    (:func:`shared_kernel`) the chapter runs in that kernel, reset for it;
    without, in a kernel of its own.

    Raises
    ------
    BuildError
        Naming the chapter, the failing cell and its error.
    """
    import papermill as pm

    cwd = cwd or output_path.parent
    for attempt in range(1, KERNEL_STARTS + 1):
        try:
            extra = {}
            if kernel is not None:
                kernel.prepare(cwd)
                extra["km"] = kernel.km
            pm.execute_notebook(
                str(NOTEBOOKS / info.notebook),
                str(output_path),
                parameters=parameters or None,
                kernel_name=KERNEL,
                progress_bar=False,
                log_output=False,
                cwd=str(cwd),
                # keep the kernel's own log (e.g. its transport notice) off the console
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                # write the notebook once, when it ends (or fails), not after every
                # cell: rewriting a notebook with its figures after each of its
                # 20-40 cells cost about 1 s per chapter
                request_save_on_cell_execute=False,
                **extra,
            )
            break
        except pm.PapermillExecutionError as err:
            raise BuildError(_failure_message(info, err)) from None
        except RuntimeError as err:
            # A kernel that dies before its first reply ran none of the notebook:
            # with chapters starting kernels at once, another process can take one
            # of the free ports jupyter_client chose before the kernel binds it.
            # Starting again is safe; anything else is a real failure.
            if _KERNEL_START_FAILURE not in str(err):
                raise
            if kernel is not None:  # start a new one on the next attempt
                kernel.close()
                kernel.km = _kernel_manager()
            if attempt == KERNEL_STARTS:
                raise BuildError(
                    f"Chapter '{info.title}' ({info.notebook}) failed: its Python "
                    f"kernel died before it started, {KERNEL_STARTS} times"
                ) from None
        finally:
            if kernel is not None:
                kernel.release()
    clean_notebook_metadata(output_path, moved=moved)


def _check_out_dir(out_dir: Path, data_dir: Path) -> None:
    out_r, data_r = out_dir.resolve(), data_dir.resolve()
    forbidden = {ROOT.resolve(), NOTEBOOKS.resolve(), BOOK_PAGES.resolve(), Path.home()}
    if out_r in forbidden or out_r == Path(out_r.anchor):
        raise BuildError(
            f"Refusing to write the book into {out_dir}: choose an empty folder"
        )
    if out_r == data_r or data_r in out_r.parents or out_r in data_r.parents:
        raise BuildError(
            f"The output folder {out_dir} overlaps the data folder {data_dir}; "
            "input files are never written to: choose another OUT"
        )
    if out_dir.exists():
        if not out_dir.is_dir():
            raise BuildError(f"The output path {out_dir} exists and is not a folder")
        if any(out_dir.iterdir()) and not (out_dir / OUTPUT_MARKER).exists():
            raise BuildError(
                f"The output folder {out_dir} is not empty and was not made by this "
                "tool; choose an empty or new folder (nothing was changed)"
            )


def _write_book_sources(src: Path, data: dict) -> None:
    """Copy the book's pages and configuration into ``src`` for this build.

    ``data`` names the data of the build (``label``, ``synthetic``).
    """
    shutil.copytree(BOOK_PAGES, src / "book")
    (src / "_toc.yml").write_text(_toc_for(data["synthetic"]), encoding="utf-8")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    if data["synthetic"]:
        note = (
            "Built on the embedded SYNTHETIC cohort reconstructed from the paper's "
            "published aggregates: no value in this book is a trial participant's."
        )
    else:
        note = f"Built on {data['label']}."
    config.setdefault("html", {})["announcement"] = note
    (src / "_config.yml").write_text(
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    gen = src / "_generated"
    gen.mkdir()
    table = dictionary_table()
    (gen / "data_dictionary.md").write_text(_markdown_table(table), encoding="utf-8")


#: The build's take-away files, linked from the front page and the Downloads page
#: (``book/downloads.md``), which Sphinx copies into ``html/_downloads/``.
DOWNLOADS = ("results.csv", "scorecard.csv")


def _stage_downloads(final: Path, src: Path) -> None:
    """Put the build's CSV outputs where the book's pages link to them."""
    for name in DOWNLOADS:
        made = final / name
        if made.exists():
            shutil.copy2(made, src / "_generated" / name)
        else:  # a build of some chapters only: say so in the file itself
            (src / "_generated" / name).write_text(
                "note\nnot written by this build (its chapter did not run)\n",
                encoding="utf-8",
            )


def _toc_for(synthetic: bool) -> str:
    """The table of contents without the chapters these data leave out.

    The cohort chapter (:data:`ucmsc_repro.chapters.SYNTHETIC_ONLY`) tells how the
    embedded synthetic cohort was made; on other data it leaves the book, and the
    chapters after it are numbered one less (their tables too, by
    ``Chapter.table_number``).
    """
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    kept = {c.slug for c in book_chapters(synthetic=synthetic)}
    for c in CHAPTERS:
        if c.slug not in kept:
            entry = f"      - file: notebooks/{Path(c.notebook).stem}\n"
            if entry not in text:
                raise BuildError(f"_toc.yml has no line {entry.strip()!r}")
            text = text.replace(entry, "")
    return text


def _markdown_table(table: pd.DataFrame) -> str:
    """A pipe table (no external dependency), one section per file."""
    parts = []
    for fname, rows in table.groupby("file", sort=False):
        parts.append(f"## `{fname}`\n")
        parts.append("| column | type | unit | allowed | description |")
        parts.append("|---|---|---|---|---|")
        for r in rows.itertuples():
            cells = [f"`{r.column}`", r.type, r.unit, r.allowed, r.description]
            parts.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        parts.append("")
    return "\n".join(parts)


def _merge_results(results_dir: Path, out_csv: Path) -> pd.DataFrame:
    frames = []
    for info in CHAPTERS:
        f = results_dir / f"{info.slug}.csv"
        if f.exists():
            frames.append(pd.read_csv(f))
    merged = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=RESULT_COLUMNS)
    )
    dupes = merged["key"][merged["key"].duplicated()].unique()
    if len(dupes):
        raise BuildError(
            "Two chapters recorded the same result key: " + ", ".join(map(str, dupes[:10]))
        )
    merged.to_csv(out_csv, index=False)
    return merged


def _jupyter_book(src: Path) -> None:
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe), "build", str(src), "--builder", "html", "-W", "--keep-going", "-q"]
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        tail = "\n".join(lines[-25:])
        raise BuildError(f"jupyter-book failed (warnings are errors):\n{tail}")


def _swap_into_place(staged: Path, out_dir: Path) -> None:
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        out_dir.rename(old)
    staged.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


#: Chapters that read the other chapters' results of the same build (through
#: :func:`ucmsc_repro.reproduction.scorecard.gather_results`): they run after
#: every other chapter, and their cache key includes those results.
READS_RESULTS = ("cohort", "scorecard", "robustness", "checklist")
#: Chapters whose page links to sections of other chapters (``(label)=`` targets
#: found in their notebooks): their cache key includes those notebooks.
READS_NOTEBOOKS = ("robustness", "checklist")
#: Chapters that show only the name of the data (the audit checks the paper's
#: own numbers): a changed data value does not rerun them.
READS_NO_DATA = ("audit",)
#: Files a chapter writes into the output folder besides its results.
EXTRA_OUTPUTS = {"scorecard": ("scorecard.csv",)}
_DATA_FILES = ("subjects.csv", "visits.csv", "adverse_events.csv", "synthetic.json")


def _timed_chapter(info, output_path, parameters, moved) -> float:
    """Run one chapter in this process's shared kernel; seconds it took."""
    t = time.perf_counter()
    execute_chapter(
        info, output_path, parameters=parameters, moved=moved, kernel=shared_kernel()
    )
    return time.perf_counter() - t


class _Inline(Executor):
    """Runs each task when submitted, in this process (``jobs=1``)."""

    def submit(self, fn, /, *args, **kwargs):
        fut = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as err:  # noqa: BLE001 - handed to the caller
            fut.set_exception(err)
        return fut


def _executor(jobs: int) -> Executor:
    """Where chapters run: worker processes, or this process for ``jobs=1``.

    papermill changes the process's working directory while it runs a
    notebook, so parallel chapters need processes of their own, not threads.
    """
    if jobs <= 1:
        return _Inline()
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn")
    )


def workers() -> int:
    """Chapters run at once: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _book_sources_digest() -> str:
    """The book's own pages and configuration (what the HTML build reads besides
    the chapters)."""
    files = sorted([p for p in BOOK_PAGES.rglob("*") if p.is_file()])
    files += [ROOT / "_toc.yml", ROOT / "_config.yml"]
    return digest(
        *[str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes() for p in files]
    )


@contextlib.contextmanager
def _environment(name: str, value: str):
    """``os.environ[name] = value`` for the block (chapter kernels inherit it)."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def _validated_name(data_dir: Path, data_key: str) -> str:
    return f"{digest(data_key, display_path(data_dir), source_digest())}.json"


def _load_summary(
    data_dir: Path, data_key: str, cache: ChapterCache
) -> tuple[dict, Dataset | None]:
    """Label, kind and size of the data, validating them once per content, and
    the validated data (None when an earlier build's snapshot holds them).

    The same bytes, in the same folder, checked by the same package, pass or
    fail the same way: a folder validated by an earlier build into this output
    folder is not validated again, and the chapters validate nothing either:
    they load the snapshot (:data:`ucmsc_repro.data.loading.SNAPSHOT_ENV`).
    """
    marker = cache.root / "validated" / _validated_name(data_dir, data_key)
    if marker.exists() and marker.with_suffix(".pkl").exists():
        return json.loads(marker.read_text(encoding="utf-8")), None
    data = load_dataset(data_dir)
    summary = {
        "label": data.label,
        "synthetic": data.synthetic,
        "participants": int(len(data.subjects)),
    }
    return summary, data


def _reason(previous: dict | None, parts: dict) -> str:
    if previous is None:
        return "no earlier run"
    changed = [name for name, v in parts.items() if previous.get(name) != v]
    words = {
        "notebook": "its notebook changed",
        "data": "the data changed",
        "settings": "the settings changed",
        "output": "the output folder changed",
        "source": "the package or its requirements changed",
        "inputs": "the results it reads changed",
        "linked": "a chapter it links to changed",
    }
    return ", ".join(words[c] for c in changed) or "its cached run was missing"


def build(
    data_dir: str | Path | None = None,
    out_dir: str | Path = "_build",
    *,
    settings: AnalysisSettings | None = None,
    chapters: tuple[ChapterInfo, ...] | None = None,
    progress: bool = True,
    force: bool = False,
    jobs: int | None = None,
    pdf: bool = False,
) -> BuildReport:
    """Validate the data, run every chapter, build the HTML book.

    Parameters
    ----------
    data_dir : path, optional
        Folder with the three CSV files (default: the embedded synthetic cohort).
    out_dir : path
        Output folder: ``html/index.html``, ``notebooks/*.ipynb`` (executed),
        ``results.csv`` and whatever chapters write (``scorecard.csv``).
    settings : AnalysisSettings, optional
        Passed to every chapter as papermill parameters.
    force : bool
        Rerun every chapter and the HTML build, whatever the cache holds.
    jobs : int, optional
        Chapters run at once (default: :func:`workers`).
    pdf : bool
        Also write the whole book as one PDF, ``out_dir/book.pdf`` (the
        single-page HTML book printed by headless Chromium:
        :mod:`ucmsc_repro.book.pdf`).

    Raises
    ------
    DataValidationError
        When the data break the contract (before any chapter runs).
    BuildError
        When a chapter or the HTML build fails; the previous book in
        ``out_dir`` is left untouched.

    Notes
    -----
    Chapters run in parallel, the ones in :data:`READS_RESULTS` after all
    others. A chapter whose inputs (notebook, data bytes, settings, output
    folder, package source, requirements, and the results it reads) are those
    of a cached run is not executed: its executed notebook and results are
    taken from ``out_dir/.cache`` (see :mod:`ucmsc_repro.book.cache`). The
    HTML build is skipped when every chapter was reused and the book's pages
    are unchanged. The outputs are byte-identical to a sequential uncached
    build.
    """
    from tqdm import tqdm

    settings = settings or AnalysisSettings()
    data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA
    # absolute: the chapters run with their own working directory
    out_dir = Path(out_dir).resolve()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    cache = ChapterCache(out_dir)
    data_key = tree_digest(data_dir / f for f in _DATA_FILES)
    summary, validated = _load_summary(data_dir, data_key, cache)
    _check_out_dir(out_dir, data_dir)
    timings["validate"] = time.perf_counter() - t0
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    reused: list[str] = []
    reasons: dict[str, str] = {}
    keys: dict[str, str] = {}
    try:
        src, final = staging / "src", staging / "out"
        (src / "notebooks").mkdir(parents=True)
        (final / "results").mkdir(parents=True)
        (final / OUTPUT_MARKER).write_text("built by ucmsc_repro\n", encoding="utf-8")
        (final / CACHE_DIR / "validated").mkdir(parents=True)
        marker = final / CACHE_DIR / "validated" / _validated_name(data_dir, data_key)
        marker.write_text(json.dumps(summary), encoding="utf-8")
        # the validated tables, for every chapter's kernel (validate once)
        snapshot = marker.with_suffix(".pkl")
        if validated is not None:
            write_snapshot(validated, snapshot)
        else:
            shutil.copy2(cache.root / "validated" / snapshot.name, snapshot)
        del validated
        if chapters is None:
            chapters = book_chapters(synthetic=summary["synthetic"])
        _write_book_sources(src, summary)
        print(
            f"Data: {summary['label']}; {summary['participants']} participants.", flush=True
        )
        common = {
            "data": digest(data_key, display_path(data_dir.resolve())),
            "settings": digest(settings.__dict__),
            "output": display_path(out_dir),
            "source": source_digest(),
        }

        def parts_of(info: ChapterInfo) -> dict:
            parts = {"notebook": tree_digest([NOTEBOOKS / info.notebook]), **common}
            if info.slug in READS_NO_DATA:
                # such a chapter shows the data's name and provenance, not their values
                parts["data"] = digest(
                    display_path(data_dir.resolve()),
                    summary["label"],
                    tree_digest([data_dir / "synthetic.json"]),
                )
            if info.slug in READS_RESULTS:
                read = [
                    final / "results" / f"{c.slug}.csv"
                    for c in chapters
                    if c.slug not in OWN_CHAPTERS  # what gather_results reads
                ]
                parts["inputs"] = tree_digest(read)
            if info.slug in READS_NOTEBOOKS:
                parts["linked"] = tree_digest([NOTEBOOKS / c.notebook for c in chapters])
            return parts

        def reuse(info: ChapterInfo, key: str) -> bool:
            hit = None if force else cache.lookup(info.slug, key)
            if hit is None:
                return False
            shutil.copy2(hit / "notebook.ipynb", src / "notebooks" / info.notebook)
            if (hit / "results.csv").exists():
                shutil.copy2(hit / "results.csv", final / "results" / f"{info.slug}.csv")
            for name in EXTRA_OUTPUTS.get(info.slug, ()):
                if (hit / name).exists():
                    shutil.copy2(hit / name, final / name)
            cache.keep(final, info.slug, key)
            return True

        def remember(info: ChapterInfo, key: str, parts: dict, ran: bool) -> None:
            if ran:
                files = {
                    "notebook.ipynb": src / "notebooks" / info.notebook,
                    "results.csv": final / "results" / f"{info.slug}.csv",
                }
                files |= {n: final / n for n in EXTRA_OUTPUTS.get(info.slug, ())}
                cache.store(final, info.slug, key, files)
            (final / CACHE_DIR / info.slug).mkdir(parents=True, exist_ok=True)
            (final / CACHE_DIR / info.slug / "last.json").write_text(
                json.dumps(parts, sort_keys=True), encoding="utf-8"
            )

        bar = tqdm(
            total=len(chapters) + 1,
            disable=not progress,
            unit="chapter",
            bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}]",
        )
        first = [c for c in chapters if c.slug not in READS_RESULTS]
        then = [c for c in chapters if c.slug in READS_RESULTS]
        pool = _executor(jobs or workers())
        with _environment(SNAPSHOT_ENV, str(snapshot)), bar, pool:
            for stage in (first, then):
                running = {}
                for info in stage:
                    parts = parts_of(info)
                    key = keys[info.slug] = digest(parts)
                    if reuse(info, key):
                        reused.append(info.slug)
                        remember(info, key, parts, ran=False)
                        bar.write(f"  {info.title}: reused")
                        bar.update(1)
                        continue
                    last = cache.root / info.slug / "last.json"
                    previous = json.loads(last.read_text()) if last.exists() else None
                    reasons[info.slug] = "forced" if force else _reason(previous, parts)
                    res_out = final / "results" / f"{info.slug}.csv"
                    params = _parameters(data_dir.resolve(), res_out, final, settings)
                    fut = pool.submit(
                        _timed_chapter,
                        info,
                        src / "notebooks" / info.notebook,
                        params,
                        {str(final): str(out_dir)},
                    )
                    running[fut] = (info, key, parts)
                    if fut.done() and fut.exception() is not None:
                        break  # inline (jobs=1): stop at the first failing chapter
                try:
                    for fut in as_completed(running):
                        seconds = fut.result()
                        info, key, parts = running[fut]
                        timings[info.slug] = seconds
                        remember(info, key, parts, ran=True)
                        bar.write(f"  {info.title}: {seconds:.1f} s")
                        bar.update(1)
                except BaseException:
                    for f in running:
                        f.cancel()
                    raise
            t = time.perf_counter()
            _merge_results(final / "results", final / "results.csv")
            _stage_downloads(final, src)
            html_key = digest(
                [keys[c.slug] for c in chapters], _book_sources_digest(), summary["label"]
            )
            old_key = cache.root / "html.key"
            same_html = (
                not force
                and len(reused) == len(chapters)
                and old_key.exists()
                and old_key.read_text(encoding="utf-8") == html_key
                and (out_dir / "html").is_dir()
            )
            if same_html:
                shutil.copytree(out_dir / "html", final / "html")
                bar.write("  HTML (jupyter-book): reused")
            else:
                bar.set_description_str("HTML (jupyter-book)")
                _jupyter_book(src)
                shutil.move(str(src / "_build" / "html"), str(final / "html"))
                bar.write(f"  HTML (jupyter-book): {time.perf_counter() - t:.1f} s")
            (final / CACHE_DIR / "html.key").write_text(html_key, encoding="utf-8")
            timings["html"] = time.perf_counter() - t
            if pdf:
                from .pdf import PDF_NAME, print_pdf, singlehtml

                t = time.perf_counter()
                bar.set_description_str("PDF (single page, Chromium)")
                print_pdf(singlehtml(src), final / PDF_NAME)
                timings["pdf"] = time.perf_counter() - t
                bar.write(f"  PDF: {timings['pdf']:.1f} s")
            bar.update(1)
        shutil.copytree(src / "notebooks", final / "notebooks")
        _swap_into_place(final, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        close_shared_kernel()  # the one of --jobs 1, which ran in this process
    timings["total"] = time.perf_counter() - t0
    index = out_dir / "html" / "index.html"
    order = [c.slug for c in chapters]
    return BuildReport(
        out_dir=out_dir,
        index_html=index,
        timings=timings,
        reused=[s for s in order if s in reused],
        reasons={s: reasons[s] for s in order if s in reasons},
    )


def refresh_notebooks(
    only: list[str] | None = None, *, progress: bool = True
) -> list[Path]:
    """Re-execute the committed notebooks in place on the embedded default data.

    Their outputs are what the nbval tests compare against. No parameters
    are injected, so the notebooks keep their default parameter cell. The
    scorecard, which shows every chapter's results, is refreshed last
    whenever another chapter is.
    """
    from tqdm import tqdm

    selected = [c for c in CHAPTERS if not only or c.notebook in only or c.slug in only]
    unknown = set(only or ()) - {c.notebook for c in selected} - {c.slug for c in selected}
    if unknown:
        raise BuildError(f"No chapter named {', '.join(sorted(unknown))}")
    # the scorecard shows every other chapter's results: refresh it after them
    if any(c.slug != SCORECARD for c in selected):
        selected = [c for c in selected if c.slug != SCORECARD] + [chapter(SCORECARD)]
    load_dataset(DEFAULT_DATA)
    done = []
    for info in tqdm(selected, disable=not progress, unit="chapter"):
        target = NOTEBOOKS / info.notebook
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / info.notebook
            execute_chapter(info, out, cwd=NOTEBOOKS)
            shutil.copyfile(out, target)
        done.append(target)
    return done
