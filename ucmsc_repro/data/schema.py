"""The data contract: every column of the three input files, in one place.

The validator (:mod:`ucmsc_repro.data.validation`), the data-dictionary page of the
book and the ``template`` command all read the specifications below, so the
contract has a single source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "ColumnSpec",
    "FileSpec",
    "SUBJECTS",
    "VISITS",
    "ADVERSE_EVENTS",
    "FILES",
    "DISCONTINUATION_REASONS",
    "dictionary_table",
]


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an input file.

    Attributes
    ----------
    name : str
        Column header, exactly as it must appear in the CSV file.
    kind : {"id", "category", "integer", "number", "text"}
        How the value is parsed.
    description : str
        What the column holds.
    unit : str
        Unit of measurement ("" when none).
    allowed : tuple of str
        Allowed labels for ``kind="category"``.
    low, high : float or None
        Inclusive bounds for numbers.
    nullable : bool
        Whether an empty cell is allowed.
    """

    name: str
    kind: str
    description: str
    unit: str = ""
    allowed: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    nullable: bool = False

    def allowed_text(self) -> str:
        """Plain-language description of the values this column accepts."""
        if self.kind == "category":
            text = "one of " + ", ".join(self.allowed)
        elif self.kind in ("integer", "number"):
            word = "a whole number" if self.kind == "integer" else "a number"
            text = f"{word} from {_fmt(self.low)} to {_fmt(self.high)}"
            if self.unit:
                text += f" ({self.unit})"
        elif self.kind == "id":
            text = "a non-empty identifier"
        else:
            text = "free text"
        if self.nullable:
            text += "; may be empty"
        return text


@dataclass(frozen=True)
class FileSpec:
    """One input file: its name, columns and row key."""

    filename: str
    description: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = ()
    may_be_empty: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _fmt(x: float | None) -> str:
    if x is None:
        return "any"
    return f"{x:g}"


_ANTIBODY = ("positive", "negative")

#: Allowed discontinuation reasons (the paper's two, and the usual others).
DISCONTINUATION_REASONS = (
    "withdrew consent",
    "did not adhere to protocol",
    "lost to follow-up",
    "adverse event",
    "other",
)

SUBJECTS = FileSpec(
    filename="subjects.csv",
    description="One row per enrolled participant, including those who discontinued.",
    key=("subject_id",),
    columns=(
        ColumnSpec("subject_id", "id", "Participant identifier, unique in the file."),
        ColumnSpec(
            "arm",
            "category",
            "Assigned arm: umbilical-cord MSC infusions or standard care.",
            allowed=("MSC", "control"),
        ),
        ColumnSpec("sex", "category", "Sex.", allowed=("M", "F")),
        ColumnSpec(
            "age_years",
            "number",
            "Age at enrolment (protocol: 8 to 55 years).",
            unit="years",
            low=0,
            high=100,
        ),
        ColumnSpec(
            "duration_months",
            "number",
            "Time from diagnosis of type 1 diabetes to enrolment.",
            unit="months",
            low=0,
            high=600,
        ),
        ColumnSpec(
            "bmi_kg_m2",
            "number",
            "Body-mass index at enrolment.",
            unit="kg/m2",
            low=10,
            high=60,
        ),
        ColumnSpec(
            "weight_kg", "number", "Body weight at enrolment.", unit="kg", low=10, high=250
        ),
        ColumnSpec(
            "dka_at_onset",
            "category",
            "Diabetic ketosis (DK) or ketoacidosis (DKA) at diagnosis.",
            allowed=("none", "DK", "DKA"),
        ),
        ColumnSpec(
            "gada",
            "category",
            "Glutamic acid decarboxylase autoantibody.",
            allowed=_ANTIBODY,
            nullable=True,
        ),
        ColumnSpec(
            "iaa", "category", "Insulin autoantibody.", allowed=_ANTIBODY, nullable=True
        ),
        ColumnSpec(
            "ia2a",
            "category",
            "Insulinoma-associated antigen-2 autoantibody.",
            allowed=_ANTIBODY,
            nullable=True,
        ),
        ColumnSpec(
            "ica", "category", "Islet cell antibody.", allowed=_ANTIBODY, nullable=True
        ),
        ColumnSpec(
            "status",
            "category",
            "Whether the participant completed follow-up.",
            allowed=("completed", "discontinued"),
        ),
        ColumnSpec(
            "discontinued_month",
            "number",
            "Months from enrolment to discontinuation; empty when completed.",
            unit="months",
            low=0,
            high=240,
            nullable=True,
        ),
        ColumnSpec(
            "discontinued_reason",
            "category",
            "Why the participant discontinued; empty when completed. A fixed "
            "vocabulary, so that reasons can be counted across data sets.",
            allowed=DISCONTINUATION_REASONS,
            nullable=True,
        ),
        ColumnSpec(
            "infusions_received",
            "integer",
            "Number of MSC infusions received (0 in the control arm).",
            low=0,
            high=2,
        ),
        ColumnSpec(
            "msc_cells_total",
            "number",
            "Total MSCs infused over all infusions; empty in the control arm.",
            unit="10^6 cells",
            low=0,
            high=10000,
            nullable=True,
        ),
        ColumnSpec(
            "insulin_free_start_month",
            "number",
            "Month (from first infusion or enrolment) when insulin was stopped; "
            "empty when never insulin-free.",
            unit="months",
            low=0,
            high=240,
            nullable=True,
        ),
        ColumnSpec(
            "insulin_free_end_month",
            "number",
            "Month when insulin was restarted; may lie after the last visit; "
            "empty when never insulin-free.",
            unit="months",
            low=0,
            high=240,
            nullable=True,
        ),
    ),
)

VISITS = FileSpec(
    filename="visits.csv",
    description="Long format: one row per participant and visit month "
    "(0, 3, 6, 12; other months allowed).",
    key=("subject_id", "month"),
    columns=(
        ColumnSpec("subject_id", "id", "Participant identifier, as in subjects.csv."),
        ColumnSpec(
            "month",
            "number",
            "Months since enrolment (0 = baseline).",
            unit="months",
            low=0,
            high=240,
        ),
        ColumnSpec(
            "hba1c_pct",
            "number",
            "Glycated haemoglobin (DCCT %, not IFCC mmol/mol).",
            unit="%",
            low=3,
            high=20,
            nullable=True,
        ),
        ColumnSpec(
            "fcp_pmol_l",
            "number",
            "Fasting C-peptide.",
            unit="pmol/L",
            low=0,
            high=5000,
            nullable=True,
        ),
        ColumnSpec(
            "pcp_pmol_l",
            "number",
            "C-peptide 2 h after the standard meal.",
            unit="pmol/L",
            low=0,
            high=10000,
            nullable=True,
        ),
        ColumnSpec(
            "insulin_iu_kg_day",
            "number",
            "Daily exogenous insulin dose.",
            unit="IU/kg/day",
            low=0,
            high=5,
            nullable=True,
        ),
        ColumnSpec(
            "glucose_fasting_mmol_l",
            "number",
            "Fasting plasma glucose.",
            unit="mmol/L",
            low=1,
            high=50,
            nullable=True,
        ),
        ColumnSpec(
            "glucose_2h_mmol_l",
            "number",
            "Plasma glucose 2 h after the standard meal.",
            unit="mmol/L",
            low=1,
            high=60,
            nullable=True,
        ),
    ),
)

ADVERSE_EVENTS = FileSpec(
    filename="adverse_events.csv",
    description="One row per adverse event after an MSC infusion "
    "(a header-only file means no events).",
    key=(),
    may_be_empty=True,
    columns=(
        ColumnSpec("subject_id", "id", "Participant identifier, as in subjects.csv."),
        ColumnSpec(
            "infusion", "integer", "Which infusion the event followed.", low=1, high=2
        ),
        ColumnSpec("term", "text", "Event term, e.g. fever."),
        ColumnSpec(
            "onset_hours",
            "number",
            "Hours from the start of the infusion to onset.",
            unit="hours",
            low=0,
            high=2160,
        ),
        ColumnSpec(
            "max_temp_c",
            "number",
            "Highest body temperature during the event.",
            unit="°C",
            low=34,
            high=43,
            nullable=True,
        ),
        ColumnSpec(
            "severity",
            "category",
            "Severity grade.",
            allowed=("mild", "moderate", "severe"),
        ),
        ColumnSpec("serious", "category", "Serious adverse event.", allowed=("yes", "no")),
        ColumnSpec(
            "resolved_hours",
            "number",
            "Hours from onset to resolution; empty when unresolved.",
            unit="hours",
            low=0,
            high=8760,
            nullable=True,
        ),
    ),
)

FILES: tuple[FileSpec, ...] = (SUBJECTS, VISITS, ADVERSE_EVENTS)


def dictionary_table() -> pd.DataFrame:
    """The data dictionary as a tidy table.

    Returns
    -------
    pandas.DataFrame
        Columns ``file``, ``column``, ``type``, ``unit``, ``allowed``,
        ``description``; one row per column of the contract.

    Examples
    --------
    >>> t = dictionary_table()
    >>> list(t.columns)
    ['file', 'column', 'type', 'unit', 'allowed', 'description']
    >>> int((t["file"] == "subjects.csv").sum())
    19
    """
    rows = []
    for spec in FILES:
        for c in spec.columns:
            rows.append(
                {
                    "file": spec.filename,
                    "column": c.name,
                    "type": c.kind,
                    "unit": c.unit,
                    "allowed": c.allowed_text(),
                    "description": c.description,
                }
            )
    return pd.DataFrame(rows)
