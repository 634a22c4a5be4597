"""Validate once per build: the runner's snapshot of a validated folder.

A chapter's kernel loads the tables from the snapshot named by SNAPSHOT_ENV
instead of validating the CSV files again, but only when the snapshot is of the
same folder and every file still has the bytes that were validated; otherwise
it validates as a notebook opened by hand does.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ucmsc_repro.data import loading


@pytest.fixture
def counted(monkeypatch):
    """read_folder, counting its calls (each call validates a folder)."""
    calls = []
    real = loading.read_folder

    def read_folder(folder):
        calls.append(folder)
        return real(folder)

    monkeypatch.setattr(loading, "read_folder", read_folder)
    return calls


def _snapshot(folder, tmp_path, monkeypatch):
    path = loading.write_snapshot(loading.load_dataset(folder), tmp_path / "snap.pkl")
    monkeypatch.setenv(loading.SNAPSHOT_ENV, str(path))
    return path


def test_the_snapshot_gives_the_validated_tables_without_validating(
    tiny_dir, tmp_path, monkeypatch, counted
):
    validated = loading.load_dataset(tiny_dir)
    _snapshot(tiny_dir, tmp_path, monkeypatch)
    counted.clear()
    again = loading.load_dataset(tiny_dir)
    assert counted == []
    for a, b in [
        (validated.subjects, again.subjects),
        (validated.visits, again.visits),
        (validated.adverse_events, again.adverse_events),
    ]:
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert again.provenance == validated.provenance and again.label == validated.label


def test_a_changed_file_is_validated_again(tiny_dir, tmp_path, monkeypatch, counted):
    _snapshot(tiny_dir, tmp_path, monkeypatch)
    visits = tiny_dir / "visits.csv"
    visits.write_text(visits.read_text().replace(",", ",", 1) + "\n")  # one more byte
    counted.clear()
    loading.load_dataset(tiny_dir)
    assert len(counted) == 1


def test_a_snapshot_of_another_folder_is_not_used(
    tiny_dir, default_copy, tmp_path, monkeypatch, counted
):
    _snapshot(tiny_dir, tmp_path, monkeypatch)
    counted.clear()
    data = loading.load_dataset(default_copy)
    assert len(counted) == 1 and len(data.subjects) > 6


def test_without_the_variable_a_folder_is_validated(tiny_dir, monkeypatch, counted):
    monkeypatch.delenv(loading.SNAPSHOT_ENV, raising=False)
    loading.load_dataset(tiny_dir)
    assert len(counted) == 1
