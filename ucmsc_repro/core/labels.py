"""The reader's words for every category, status and result key that reaches a page.

The package computes with short identifiers (``dk_or_dka``, ``not_computable``,
``factors.whole.msc.pval``); a page shows words. This module is the one map
between the two: :func:`label` for a category or status, :func:`key_label` for
a dotted result key, :func:`relabel` for the cells of a display frame. A
table's CSV download keeps the identifiers (machine-readable); the page shows
the words.

Anything not in the map is shown with its underscores as spaces, so a new
identifier never reaches a page as ``snake_case``; the tests list the
identifiers of the book's tables and require each to have a word here.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = [
    "LABELS",
    "KEY_PARTS",
    "label",
    "key_label",
    "words",
    "words_in_text",
    "relabel",
    "is_identifier",
]

#: Category and status identifiers -> the reader's words.
LABELS: dict[str, str] = {
    # derived categories (data/derive.py) and subgroups
    "dk_or_dka": "DK or DKA at onset",
    "no_dk": "no DK or DKA at onset",
    "dk": "ketosis (DK)",
    "dka": "ketoacidosis (DKA)",
    "none": "no ketosis",
    "adult": "adult-onset",
    "juvenile": "juvenile-onset",
    "all": "all",
    "msc": "MSC",
    "MSC": "MSC",
    "control": "control",
    "M": "male",
    "F": "female",
    # follow-up status (trial profile)
    "completed": "completed",
    "per_protocol": "per protocol",
    "completed_not_per_protocol": "completed, not per protocol",
    "discontinued": "discontinued",
    "withdrew_consent": "withdrew consent",
    "did_not_adhere_to_protocol": "did not adhere to protocol",
    "lost_to_follow_up": "lost to follow-up",
    # scorecard statuses
    "reproduced": "reproduced",
    "differs": "differs",
    "not_computable": "not computable",
    "inconsistent": "inconsistent within the paper",
    "missing": "not yet computed",
    "decision_changing": "decision-changing",
    "not_checkable": "not checkable",
    # reasons a claim is not compared (data/paper_claims_excluded.csv)
    "other_study": "reported from another study",
    "analysis_setting": "a setting of the analysis",
    "culture_recipe": "the cell-culture recipe",
    "data_contract_definition": "a definition of the data contract",
    "calendar_date": "a calendar date",
    "figure_marker": "a figure marker",
    # rounding conventions (audit)
    "half_up": "half up",
    "half_even": "half to even",
    "half_down": "half down",
    # tests named by identifiers (audit)
    "pooled_z": "pooled z test",
    "pooled_z_cc": "pooled z test with continuity correction",
    "unpooled_z": "unpooled z test",
    "arcsine_h": "arcsine (Cohen's h)",
    "exact_fisher": "Fisher's exact test",
    "exact_chi2": "exact chi-square test",
    "exact_yates": "exact Yates-corrected chi-square test",
    # settings (book parameters)
    "endpoint_month": "endpoint month",
    "remission_threshold": "remission threshold",
    "adult_onset_age": "adult-onset age",
    "alpha": "significance level",
}

#: Parts of a dotted result key -> words (chapters, variables, groups, statistics).
KEY_PARTS: dict[str, str] = {
    # chapters
    "trial_profile": "trial profile",
    "baseline": "baseline",
    "adverse_events": "adverse events",
    "primary": "primary endpoint",
    "secondary": "secondary endpoints",
    "subgroups": "subgroups",
    "factors": "remission factors",
    "dropouts": "dropouts",
    "cohort": "synthetic cohort",
    "scorecard": "scorecard",
    "audit": "audit",
    "methods": "methods",
    # sets and groups
    "enrolled": "enrolled",
    "assigned": "assigned",
    "analysed": "analysed",
    "participants": "participants",
    "whole": "whole sample",
    "stepwise": "stepwise model",
    "msc_remitters": "MSC remitters vs non-remitters",
    "msc_adult": "MSC, adult-onset",
    "infused": "infused",
    "infusions_0": "no infusion",
    "infusions_1": "one infusion",
    "infusions_2": "two infusions",
    "infusion1": "first infusion",
    "infusion2": "second infusion",
    # outcomes and variables
    "remission": "remission",
    "insulin_free": "insulin-free",
    "power": "power",
    "male": "male",
    "age_years": "age (years)",
    "age_at_onset": "age at onset",
    "onset": "onset",
    "onset_adult": "adult-onset",
    "onset_juvenile": "juvenile-onset",
    "duration_months": "duration (months)",
    "bmi_kg_m2": "BMI",
    "weight_kg": "weight",
    "dka_at_onset": "ketosis at onset",
    "hba1c_pct": "HbA1c",
    "hba1c_pct_0": "baseline HbA1c",
    "fcp_pmol_l": "fasting C-peptide",
    "fcp_pmol_l_0": "baseline fasting C-peptide",
    "pcp_pmol_l": "2-h C-peptide",
    "pcp_pmol_l_0": "baseline 2-h C-peptide",
    "insulin_iu_kg_day": "insulin dose",
    "glucose_fasting_mmol_l": "fasting glucose",
    "glucose_2h_mmol_l": "2-h glucose",
    "msc_cells_total": "total MSC cells",
    "msc_cells_per_kg_infusion": "MSC cells per kg per infusion",
    "gada": "GADA",
    "iaa": "IAA",
    "ia2a": "IA-2A",
    "ica": "ICA",
    "fever": "fever",
    "any": "any adverse event",
    "serious": "serious adverse events",
    "severe": "severe adverse events",
    "mild": "mild",
    "tumor": "tumour",
    "ketoacidosis": "ketoacidosis",
    "max_temp_c": "highest temperature",
    "onset_hours": "onset (hours)",
    "resolved_hours": "resolved after (hours)",
    "resolved_after_infusion_hours": "resolved after infusion (hours)",
    "infusions_received": "infusions received",
    "start_month": "start month",
    "change": "change",
    "pct": "%",
    "ratio": "ratio",
    "rose": "rose",
    "lowest_month": "lowest month",
    "selected": "selected",
    # statistics
    "n": "n",
    "events": "events",
    "mean": "mean",
    "sd": "SD",
    "median": "median",
    "q1": "lower quartile",
    "q3": "upper quartile",
    "min": "minimum",
    "max": "maximum",
    "low": "lower limit",
    "high": "upper limit",
    "or": "odds ratio",
    "diff": "difference",
    "smd": "SMD",
    "risk_ratio": "risk ratio",
    "ci_low": "lower CI limit",
    "ci_high": "upper CI limit",
    "pval": "p-value",
    "pval_chi2": "p-value (chi-square)",
    "pval_fisher": "p-value (Fisher's exact)",
    "pval_vs_m0": "p-value vs month 0",
    "rank1": "1st",
    "rank2": "2nd",
    "rank3": "3rd",
}
KEY_PARTS.update({k: v for k, v in LABELS.items() if k not in KEY_PARTS})

_IDENT = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
_MONTH = re.compile(r"^m(\d+)$")


def is_identifier(text: str) -> bool:
    """Whether ``text`` looks like an internal identifier (``snake_case`` or a key).

    Examples
    --------
    >>> [is_identifier(t) for t in ("dk_or_dka", "factors.whole.msc.pval", "MSC")]
    [True, True, False]
    """
    if not isinstance(text, str):
        return False
    if _IDENT.match(text):
        return True
    parts = text.split(".")
    return len(parts) >= 3 and all(re.match(r"^[a-z][a-z0-9_]*$", p) for p in parts)


def label(value):
    """The reader's word for a category or status; other values unchanged.

    Examples
    --------
    >>> label("not_computable"), label("dk_or_dka"), label("something_new"), label(3)
    ('not computable', 'DK or DKA at onset', 'something new', 3)
    """
    if not isinstance(value, str):
        return value
    if value in LABELS:
        return LABELS[value]
    if _IDENT.match(value):
        return value.replace("_", " ")
    return value


def key_label(key: str) -> str:
    """A dotted result key in words, its parts joined by ", ".

    Examples
    --------
    >>> key_label("factors.whole.msc.pval")
    'remission factors, whole sample, MSC, p-value'
    >>> key_label("secondary.hba1c_pct.msc.m3.mean")
    'secondary endpoints, HbA1c, MSC, month 3, mean'
    """
    words = []
    for part in str(key).split("."):
        month = _MONTH.match(part)
        if part in KEY_PARTS:
            words.append(KEY_PARTS[part])
        elif month:
            words.append(f"month {month.group(1)}")
        else:
            words.append(part.replace("_", " "))
    return ", ".join(words)


def words(value):
    """An identifier in words; anything else (numbers, words) unchanged.

    Only identifiers (:func:`is_identifier`) change: a dotted result key
    becomes :func:`key_label`, a ``snake_case`` word :func:`label`. Ordinary
    words stay as they are (``missing`` or ``adult`` in a table is already a
    word; a chapter that shows a status calls :func:`label` itself).

    Examples
    --------
    >>> words("dk_or_dka"), words("missing"), words("primary.remission.msc.pct"), words(2)
    ('DK or DKA at onset', 'missing', 'primary endpoint, remission, MSC, %', 2)
    """
    if not is_identifier(value):
        return value
    return key_label(value) if "." in value else label(value)


_IN_TEXT = re.compile(r"(?<![\w.])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?!\w|\.\w)")


def words_in_text(value):
    """A text with each known ``snake_case`` identifier inside it in words.

    Only identifiers with an underscore that the maps know (:data:`LABELS`,
    :data:`KEY_PARTS`) change, wherever they stand in a sentence; ordinary
    words, dotted keys and unknown names are left as they are. Anything not a
    string is returned unchanged.

    Examples
    --------
    >>> words_in_text("half_up: 68.48%; pooled_z: 68.48%")
    'half up: 68.48%; pooled z test: 68.48%'
    >>> words_in_text("msc_cells_total / infusions_received / weight_kg.")
    'total MSC cells / infusions received / weight.'
    """
    if not isinstance(value, str) or "_" not in value:
        return value

    def one(m: re.Match) -> str:
        ident = m.group(0)
        return LABELS.get(ident) or KEY_PARTS.get(ident) or ident

    return _IN_TEXT.sub(one, value)


def relabel(frame: pd.DataFrame, columns=None) -> pd.DataFrame:
    """A copy of ``frame``, its cells (``columns``, default all) in words.

    A cell that is an identifier goes through :func:`words`; a text with known
    identifiers inside it through :func:`words_in_text`.
    """
    out = frame.copy()
    for col in columns if columns is not None else out.columns:
        out[col] = [words_in_text(words(v)) for v in out[col]]
    return out
