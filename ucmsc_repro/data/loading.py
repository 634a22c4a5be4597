"""Load a validated data folder as one :class:`Dataset`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.paths import DEFAULT_DATA, display_path
from ..core.settings import AnalysisSettings
from .derive import analysis_table
from .validation import read_folder

__all__ = ["Dataset", "load_dataset", "SYNTHETIC_MARKER"]

#: A data folder holding this file is a synthetic cohort; its JSON says how it was made.
SYNTHETIC_MARKER = "synthetic.json"


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


def load_dataset(folder: str | Path | None = None) -> Dataset:
    """Validate and load a data folder (default: the embedded synthetic cohort).

    Raises
    ------
    DataValidationError
        When any file breaks the data contract.
    """
    folder = Path(folder) if folder is not None else DEFAULT_DATA
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
