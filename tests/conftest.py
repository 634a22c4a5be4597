"""Shared fixtures: a tiny hand-made data folder and the embedded default data."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from ucmsc_repro.core.paths import DEFAULT_DATA  # noqa: E402

TINY_SUBJECTS = pd.DataFrame(
    {
        "subject_id": ["S01", "S02", "S03", "S04", "S05", "S06"],
        "arm": ["MSC", "MSC", "MSC", "control", "control", "control"],
        "sex": ["M", "F", "M", "F", "M", "F"],
        "age_years": [30.0, 12.0, 40.0, 25.0, 10.0, 19.0],
        "duration_months": [2.0, 6.0, 12.0, 1.0, 3.0, 24.0],
        "bmi_kg_m2": [20.0, 17.0, 22.0, 19.0, 16.0, 21.0],
        "weight_kg": [60.0, 35.0, 65.0, 52.0, 30.0, 58.0],
        "dka_at_onset": ["DKA", "none", "DK", "none", "DKA", "none"],
        "gada": ["positive", "negative", "", "positive", "positive", "negative"],
        "iaa": ["negative"] * 6,
        "ia2a": ["positive", "", "", "negative", "negative", "negative"],
        "ica": ["", "", "", "", "", ""],
        "status": [
            "completed",
            "completed",
            "discontinued",
            "completed",
            "completed",
            "discontinued",
        ],
        "discontinued_month": ["", "", "3", "", "", "2"],
        "discontinued_reason": [
            "",
            "",
            "did not adhere to protocol",
            "",
            "",
            "withdrew consent",
        ],
        "infusions_received": [2, 2, 1, 0, 0, 0],
        "msc_cells_total": ["120", "70", "65", "", "", ""],
        "insulin_free_start_month": ["2", "", "", "", "", ""],
        "insulin_free_end_month": ["14", "", "", "", "", ""],
    }
)

_VISIT_ROWS = [
    # subject, month, hba1c, fcp, pcp, insulin, fpg, 2hpg
    ("S01", 0, 9.0, 200.0, 400.0, 0.5, 8.0, 14.0),
    ("S01", 3, 6.5, 230.0, 480.0, 0.0, 6.0, 9.0),
    ("S01", 6, 6.8, 225.0, 470.0, 0.0, 6.2, 9.5),
    ("S01", 12, 7.0, 220.0, 440.0, 0.0, 6.5, 10.0),  # fcp +10% exactly: remission
    ("S02", 0, 11.0, 150.0, 300.0, 0.8, 9.0, 15.0),
    ("S02", 3, 7.0, 140.0, 290.0, 0.7, 7.0, 11.0),
    ("S02", 6, 7.5, 130.0, 280.0, 0.8, 7.5, 12.0),
    ("S02", 12, 8.0, 120.0, 250.0, 0.9, 8.0, 13.0),
    ("S03", 0, 10.0, 180.0, 350.0, 0.6, 8.5, 13.0),
    ("S03", 3, 7.2, 170.0, 340.0, 0.6, 7.0, 11.0),
    ("S04", 0, 8.0, 300.0, 600.0, 0.7, 7.5, 12.0),
    ("S04", 3, 7.0, 280.0, 560.0, 0.7, 7.0, 11.0),
    ("S04", 6, 7.1, 260.0, 540.0, 0.8, 7.0, 11.5),
    ("S04", 12, 7.4, 240.0, 700.0, 0.8, 7.2, 12.0),  # pcp +16.7%: remission
    ("S05", 0, 12.0, 120.0, 200.0, 1.0, 10.0, 16.0),
    ("S05", 3, 8.0, 100.0, 180.0, 1.0, 8.0, 13.0),
    ("S05", 6, 8.5, 90.0, 160.0, 1.1, 8.5, 14.0),
    ("S05", 12, 9.0, 80.0, 150.0, 1.2, 9.0, 15.0),
    ("S06", 0, 9.5, 160.0, 320.0, 0.6, 8.0, 13.5),
]
TINY_VISITS = pd.DataFrame(
    _VISIT_ROWS,
    columns=[
        "subject_id",
        "month",
        "hba1c_pct",
        "fcp_pmol_l",
        "pcp_pmol_l",
        "insulin_iu_kg_day",
        "glucose_fasting_mmol_l",
        "glucose_2h_mmol_l",
    ],
)
TINY_EVENTS = pd.DataFrame(
    {
        "subject_id": ["S01"],
        "infusion": [2],
        "term": ["fever"],
        "onset_hours": [17.0],
        "max_temp_c": [38.1],
        "severity": ["mild"],
        "serious": ["no"],
        "resolved_hours": [10.0],
    }
)


def write_tiny(folder: Path) -> Path:
    """Write the tiny hand-made data set (6 participants) to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    TINY_SUBJECTS.to_csv(folder / "subjects.csv", index=False)
    TINY_VISITS.to_csv(folder / "visits.csv", index=False)
    TINY_EVENTS.to_csv(folder / "adverse_events.csv", index=False)
    return folder


@pytest.fixture
def tiny_dir(tmp_path) -> Path:
    """A valid six-participant data folder, built by hand (see TINY_* above)."""
    return write_tiny(tmp_path / "tiny")


@pytest.fixture
def default_copy(tmp_path) -> Path:
    """A copy of the embedded synthetic cohort that a test may break."""
    dest = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, dest)
    return dest
