"""The validator names every problem by file, line, column, value and what is allowed."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from ucmsc_repro.core.exceptions import DataValidationError
from ucmsc_repro.data.validation import read_folder


def _digest(folder):
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
    }


def _problems(folder) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        read_folder(folder)
    return info.value.problems


def _edit(folder, fname, fn):
    path = folder / fname
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = fn(frame)
    (frame if out is None else out).to_csv(path, index=False)


def test_valid_folder_reads_with_types(tiny_dir):
    tables = read_folder(tiny_dir)
    subjects = tables["subjects.csv"]
    assert list(tables) == ["subjects.csv", "visits.csv", "adverse_events.csv"]
    assert subjects["age_years"].dtype == float
    assert subjects.loc[0, "gada"] == "positive"
    assert subjects.loc[2, "gada"] is None  # empty cell -> missing


def test_missing_or_misspelled_column_is_named_with_a_suggestion(tiny_dir):
    _edit(tiny_dir, "visits.csv", lambda f: f.rename(columns={"hba1c_pct": "hba1c"}))
    problems = _problems(tiny_dir)
    assert problems == [
        "visits.csv, line 1: required column 'hba1c_pct' is missing; "
        "found 'hba1c': is it misspelled?"
    ]


def test_misspelling_in_another_case_is_suggested(tiny_dir):
    _edit(tiny_dir, "visits.csv", lambda f: f.rename(columns={"hba1c_pct": "HbA1c_Pct"}))
    assert _problems(tiny_dir) == [
        "visits.csv, line 1: required column 'hba1c_pct' is missing; "
        "found 'HbA1c_Pct': is it misspelled?"
    ]


def test_unknown_arm_label_names_line_column_value_and_allowed(tiny_dir):
    _edit(
        tiny_dir,
        "subjects.csv",
        lambda f: f.__setitem__("arm", f["arm"].replace({"MSC": "msc"})),
    )
    problems = _problems(tiny_dir)
    assert (
        "subjects.csv, line 2, column 'arm': 'msc' is not allowed; "
        "allowed: one of MSC, control" in problems
    )
    assert sum("column 'arm'" in p for p in problems) == 3


def test_unknown_sex_label(tiny_dir):
    def edit(f):
        f.loc[3, "sex"] = "female"

    _edit(tiny_dir, "subjects.csv", edit)
    assert _problems(tiny_dir) == [
        "subjects.csv, line 5, column 'sex': 'female' is not allowed; allowed: one of M, F"
    ]


def test_duplicate_subject_id(tiny_dir):
    def edit(f):
        f.loc[1, "subject_id"] = "S01"

    _edit(tiny_dir, "subjects.csv", edit)
    problems = _problems(tiny_dir)
    assert any(
        "subjects.csv, line 3, column 'subject_id': 'S01' appears more than once" in p
        for p in problems
    )


def test_visits_and_events_of_unknown_subjects(tiny_dir):
    def visit(f):
        f.loc[0, "subject_id"] = "S99"

    def event(f):
        f.loc[0, "subject_id"] = "X7"

    _edit(tiny_dir, "visits.csv", visit)
    _edit(tiny_dir, "adverse_events.csv", event)
    problems = _problems(tiny_dir)
    assert (
        "visits.csv, line 2, column 'subject_id': 'S99' is not in subjects.csv; "
        "allowed: an id listed in subjects.csv" in problems
    )
    assert any(
        p.startswith("adverse_events.csv, line 2, column 'subject_id': 'X7'")
        for p in problems
    )


def test_value_out_of_range(tiny_dir):
    def edit(f):
        f.loc[4, "age_years"] = "150"

    _edit(tiny_dir, "subjects.csv", edit)
    assert _problems(tiny_dir) == [
        "subjects.csv, line 6, column 'age_years': 150 is not allowed; "
        "allowed: a number from 0 to 100 (years)"
    ]


def test_text_in_a_number_column(tiny_dir):
    def edit(f):
        f.loc[0, "bmi_kg_m2"] = "twenty"

    _edit(tiny_dir, "subjects.csv", edit)
    assert _problems(tiny_dir)[0].startswith(
        "subjects.csv, line 2, column 'bmi_kg_m2': 'twenty' is not a number"
    )


def test_c_peptide_in_nmol_per_litre_is_caught(tiny_dir):
    def edit(f):
        f["fcp_pmol_l"] = (f["fcp_pmol_l"].astype(float) / 1000).map(str)

    _edit(tiny_dir, "visits.csv", edit)
    problems = _problems(tiny_dir)
    assert len(problems) == 1
    assert problems[0].startswith("visits.csv, column 'fcp_pmol_l': the median is 0.17")
    assert "nmol/L or ng/mL" in problems[0]


def test_hba1c_in_mmol_per_mol_gets_a_conversion_hint(tiny_dir):
    def edit(f):
        f.loc[0, "hba1c_pct"] = "75"

    _edit(tiny_dir, "visits.csv", edit)
    (problem,) = _problems(tiny_dir)
    assert problem.startswith("visits.csv, line 2, column 'hba1c_pct': 75 is not allowed")
    assert "looks like IFCC mmol/mol" in problem


def test_empty_file(tiny_dir):
    (tiny_dir / "visits.csv").write_bytes(b"")
    assert _problems(tiny_dir) == [
        "visits.csv: the file is empty; it needs at least the header row"
    ]


def test_header_only_adverse_events_means_no_events(tiny_dir):
    (tiny_dir / "adverse_events.csv").write_text(
        "subject_id,infusion,term,onset_hours,max_temp_c,severity,serious,resolved_hours\n"
    )
    assert len(read_folder(tiny_dir)["adverse_events.csv"]) == 0


def test_spreadsheet_instead_of_csv(tiny_dir):
    (tiny_dir / "subjects.csv").write_bytes(b"PK\x03\x04\x14\x00\x06\x00binary")
    (problem,) = _problems(tiny_dir)
    assert problem.startswith("subjects.csv: is a spreadsheet workbook, not a CSV file")


def test_not_utf8(tiny_dir):
    path = tiny_dir / "subjects.csv"
    text = path.read_text().replace("did not adhere", "n\u00e9gligence")
    path.write_bytes(text.encode("latin-1"))
    (problem,) = _problems(tiny_dir)
    assert problem.startswith("subjects.csv, line 4: not UTF-8 text (byte 0xe9)")


def test_semicolon_separated_file(tiny_dir):
    path = tiny_dir / "visits.csv"
    path.write_text(path.read_text().replace(",", ";"))
    (problem,) = _problems(tiny_dir)
    assert problem == (
        "visits.csv, line 1: the header is separated by ';'; the contract expects commas"
    )


def test_all_problems_of_all_files_are_reported_together(tiny_dir):
    def subj(f):
        f.loc[0, "sex"] = "x"

    def vis(f):
        f.loc[2, "fcp_pmol_l"] = "-5"

    _edit(tiny_dir, "subjects.csv", subj)
    _edit(tiny_dir, "visits.csv", vis)
    problems = _problems(tiny_dir)
    assert len(problems) == 2
    assert problems[0].startswith("subjects.csv, line 2, column 'sex'")
    assert problems[1].startswith("visits.csv, line 4, column 'fcp_pmol_l': -5")


def test_many_rows_with_one_problem_are_summarized(tiny_dir):
    _edit(tiny_dir, "visits.csv", lambda f: f.__setitem__("insulin_iu_kg_day", "9"))
    problems = _problems(tiny_dir)
    assert len(problems) == 6
    assert problems[-1] == (
        "visits.csv, column 'insulin_iu_kg_day': 14 more rows with the same problem "
        "(not allowed)"
    )


def test_cross_column_rules(tiny_dir):
    def edit(f):
        f.loc[2, "discontinued_month"] = ""
        f.loc[3, "msc_cells_total"] = "50"
        f.loc[0, "insulin_free_end_month"] = "1"

    _edit(tiny_dir, "subjects.csv", edit)
    problems = _problems(tiny_dir)
    assert len(problems) == 3
    assert any("'discontinued_month': is empty" in p for p in problems)
    assert any("'msc_cells_total': is set in the control arm" in p for p in problems)
    assert any("'insulin_free_end_month': 1 is before the start (2)" in p for p in problems)


def test_event_after_an_infusion_not_received(tiny_dir):
    def edit(f):
        f.loc[0, "subject_id"] = "S03"  # S03 received one infusion; the event says 2

    _edit(tiny_dir, "adverse_events.csv", edit)
    (problem,) = _problems(tiny_dir)
    assert "column 'infusion': 2 but subject 'S03' received 1 infusion(s)" in problem


def test_missing_file_and_missing_folder(tiny_dir, tmp_path):
    (tiny_dir / "adverse_events.csv").unlink()
    assert _problems(tiny_dir) == [f"adverse_events.csv: file not found in {tiny_dir}"]
    assert _problems(tmp_path / "nope") == [f"{tmp_path / 'nope'} is not a folder"]


def test_input_files_are_never_modified(tiny_dir):
    def edit(f):
        f.loc[0, "arm"] = "placebo"

    _edit(tiny_dir, "subjects.csv", edit)
    before = _digest(tiny_dir)
    _problems(tiny_dir)
    assert _digest(tiny_dir) == before


def test_error_message_lists_every_problem_and_points_to_help(tiny_dir):
    def edit(f):
        f.loc[0, "arm"] = "placebo"

    _edit(tiny_dir, "subjects.csv", edit)
    with pytest.raises(DataValidationError) as info:
        read_folder(tiny_dir)
    text = str(info.value)
    assert text.startswith(
        f"The data in {tiny_dir} do not follow the data contract (1 problem):"
    )
    assert "template DIR" in text
