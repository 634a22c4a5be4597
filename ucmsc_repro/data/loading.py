"""Load a validated data folder as one :class:`Dataset`."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.paths import DEFAULT_DATA, display_path
from ..core.settings import AnalysisSettings
from .derive import analysis_table
from .validation import read_folder

__all__ = [
    "Dataset",
    "load_dataset",
    "write_snapshot",
    "SNAPSHOT_ENV",
    "SYNTHETIC_MARKER",
]

#: A data folder holding this file is a synthetic cohort; its JSON says how it was made.
SYNTHETIC_MARKER = "synthetic.json"

#: Environment variable that names a snapshot of a validated folder (written by the
#: book's runner, which validates once per build): a chapter's kernel loads the
#: tables from it instead of re-reading and re-validating the CSV files, when the
#: snapshot is of the same folder and the files' bytes are still those validated.
SNAPSHOT_ENV = "UCMSC_VALIDATED_DATA"
_SNAPSHOT_FILES = ("subjects.csv", "visits.csv", "adverse_events.csv", SYNTHETIC_MARKER)


@dataclass
class Dataset:
    """The three validated tables of a data folder and where they came from."""

    subjects: pd.DataFrame
    visits: pd.DataFrame
    adverse_events: pd.DataFrame
    folder: Path
    provenance: dict | None

    @property
    def synthetic(self) -> bool:
        """True when the folder is a synthetic cohort (it holds ``synthetic.json``)."""
        return self.provenance is not None

    @property
    def label(self) -> str:
        """How the book names these data."""
        where = display_path(self.folder)
        if self.synthetic:
            return f"the synthetic cohort in {where} (not trial data)"
        return f"the data in {where}"

    def table(self, settings: AnalysisSettings) -> pd.DataFrame:
        """One row per enrolled participant with every derived variable."""
        return analysis_table(self.subjects, self.visits, settings)


def _fingerprint(folder: Path) -> dict[str, str]:
    """SHA-256 of each data file of ``folder`` ("" for a missing file)."""
    out = {}
    for name in _SNAPSHOT_FILES:
        path = folder / name
        out[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    return out


def write_snapshot(data: Dataset, path: str | Path) -> Path:
    """Write the validated tables of ``data`` to ``path``, with the fingerprint of
    the files they were read from (for :data:`SNAPSHOT_ENV`)."""
    path = Path(path)
    folder = Path(data.folder).resolve()
    content = {
        "folder": str(folder),
        "fingerprint": _fingerprint(folder),
        "tables": (data.subjects, data.visits, data.adverse_events),
        "provenance": data.provenance,
    }
    path.write_bytes(pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL))
    return path


def _from_snapshot(folder: Path) -> Dataset | None:
    """The snapshot named by :data:`SNAPSHOT_ENV` if it is of ``folder`` as it is
    now, else None (then the folder is validated as usual)."""
    path = os.environ.get(SNAPSHOT_ENV)
    if not path or not Path(path).is_file():
        return None
    # the runner wrote it in this build's own staging folder
    content = pickle.loads(Path(path).read_bytes())  # noqa: S301
    resolved = folder.resolve()
    if content["folder"] != str(resolved) or content["fingerprint"] != _fingerprint(
        resolved
    ):
        return None
    subjects, visits, adverse_events = content["tables"]
    return Dataset(
        subjects=subjects,
        visits=visits,
        adverse_events=adverse_events,
        folder=folder,
        provenance=content["provenance"],
    )


def load_dataset(folder: str | Path | None = None) -> Dataset:
    """Validate and load a data folder (default: the embedded synthetic cohort).

    Inside a book build, the runner has validated the folder already and the
    tables come from its snapshot (:data:`SNAPSHOT_ENV`), as long as the files
    are byte for byte those it validated; a notebook opened by hand validates.

    Raises
    ------
    DataValidationError
        When any file breaks the data contract.
    """
    folder = Path(folder) if folder is not None else DEFAULT_DATA
    snapshot = _from_snapshot(folder)
    if snapshot is not None:
        return snapshot
    tables = read_folder(folder)
    marker = folder / SYNTHETIC_MARKER
    provenance = json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else None
    return Dataset(
        subjects=tables["subjects.csv"],
        visits=tables["visits.csv"],
        adverse_events=tables["adverse_events.csv"],
        folder=folder,
        provenance=provenance,
    )
