"""Tests of ucmsc_repro.synthesis: the committed cohort is what the generator writes.

The reference here is the committed cohort itself (``data/synthetic/``): the
generator must rewrite it byte for byte from the default seed, so that a
change to the generator or to the targets that changes the cohort fails until
the cohort (and the notebooks' outputs) are regenerated.
"""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from ucmsc_repro.claims import CLAIMS_PATH
from ucmsc_repro.loading import load_dataset
from ucmsc_repro.paths import DEFAULT_DATA
from ucmsc_repro.synthesis import CELLS_PER_KG, DECIMALS, DEFAULT_SEED, synthesize

FILES = ("subjects.csv", "visits.csv", "adverse_events.csv", "synthetic.json")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    synthesize(out, seed=DEFAULT_SEED)
    return out


@pytest.mark.parametrize("name", FILES)
def test_default_seed_rewrites_the_committed_file_byte_for_byte(regenerated, name):
    assert (regenerated / name).read_bytes() == (DEFAULT_DATA / name).read_bytes(), (
        f"{name} differs from data/synthetic/{name}: run `make synthesize` and "
        "refresh the notebooks"
    )


def test_provenance_marks_the_cohort_synthetic_with_seed_and_no_timestamp(regenerated):
    prov = json.loads((regenerated / "synthetic.json").read_text(encoding="utf-8"))
    assert set(prov) == {"synthetic", "seed", "generator", "claims_sha256", "note"}
    assert prov["synthetic"] is True
    assert prov["seed"] == DEFAULT_SEED
    assert prov["generator"] == "ucmsc_repro.synthesis"
    assert prov["claims_sha256"] == hashlib.sha256(CLAIMS_PATH.read_bytes()).hexdigest()
    text = json.dumps(prov)
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}", text)  # no date or time


def test_regenerated_cohort_passes_the_data_contract(regenerated):
    data = load_dataset(regenerated)
    assert data.synthetic
    assert len(data.subjects) == 67


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("visits.csv", "fcp_pmol_l"),
        ("visits.csv", "hba1c_pct"),
        ("visits.csv", "insulin_iu_kg_day"),
        ("subjects.csv", "bmi_kg_m2"),
        ("subjects.csv", "weight_kg"),
        ("adverse_events.csv", "onset_hours"),
    ],
)
def test_numbers_are_written_with_the_column_decimals(name, column):
    lines = (DEFAULT_DATA / name).read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    i = header.index(column)
    pattern = re.compile(rf"^-?\d+\.\d{{{DECIMALS[column]}}}$")
    cells = [line.split(",")[i] for line in lines[1:]]
    assert all(pattern.match(c) for c in cells if c != "")


def test_each_infusion_gives_one_million_cells_per_kg():
    s = load_dataset().subjects
    msc = s.loc[s["arm"] == "MSC"]
    expected = CELLS_PER_KG * msc["infusions_received"] * msc["weight_kg"]
    assert (msc["msc_cells_total"] - expected).abs().max() < 1e-9
