"""Derived variables: onset group, per-protocol set, changes, remission.

Nothing here is stored in the input files; every chapter derives these the
same way from the validated data, with the analysis settings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.settings import AnalysisSettings

__all__ = [
    "MEASURES",
    "per_protocol_mask",
    "onset_group",
    "visit_wide",
    "analysis_table",
]

#: Visit measures, in the order the book shows them.
MEASURES: tuple[str, ...] = (
    "hba1c_pct",
    "fcp_pmol_l",
    "pcp_pmol_l",
    "insulin_iu_kg_day",
    "glucose_fasting_mmol_l",
    "glucose_2h_mmol_l",
)

# Relative tolerance for the remission threshold, so that a rise of exactly
# 10% computed in floating point (e.g. 110/100 - 1) counts as 10%.
_THRESHOLD_TOL = 1e-9


def per_protocol_mask(subjects: pd.DataFrame) -> pd.Series:
    """Who belongs to the per-protocol set.

    The paper's main analysis "was done on the per-protocol participant
    dataset, which comprised subjects who received the allocated treatment and
    completed follow-up": status ``completed`` and, in the MSC arm, both
    infusions received.

    Returns
    -------
    pandas.Series of bool, indexed like ``subjects``.
    """
    completed = subjects["status"].eq("completed")
    treated = subjects["arm"].eq("control") | subjects["infusions_received"].eq(2)
    return completed & treated


def onset_group(subjects: pd.DataFrame, settings: AnalysisSettings) -> pd.Series:
    """Adult- or juvenile-onset, from the age at diagnosis.

    Age at diagnosis = ``age_years - duration_months / 12``; onset is
    ``"adult"`` from ``settings.adult_onset_age`` years on, else ``"juvenile"``.
    """
    age_at_dx = subjects["age_years"] - subjects["duration_months"] / 12.0
    return pd.Series(
        np.where(age_at_dx >= settings.adult_onset_age, "adult", "juvenile"),
        index=subjects.index,
    )


def visit_wide(visits: pd.DataFrame, month: float, suffix: str) -> pd.DataFrame:
    """The visit measures at one month, one row per participant.

    Columns are the measures with ``suffix`` appended (e.g. ``fcp_pmol_l_0``).
    """
    at = visits.loc[np.isclose(visits["month"].astype(float), float(month))]
    at = at.set_index("subject_id")[list(MEASURES)]
    return at.add_suffix(suffix)


def analysis_table(
    subjects: pd.DataFrame, visits: pd.DataFrame, settings: AnalysisSettings
) -> pd.DataFrame:
    """One row per enrolled participant with every derived variable.

    Parameters
    ----------
    subjects, visits : pandas.DataFrame
        Validated input tables.
    settings : AnalysisSettings
        Endpoint month, remission threshold and adult-onset cut-off.

    Returns
    -------
    pandas.DataFrame
        The subject columns plus: ``msc`` (1 = MSC arm), ``male`` (1 = M),
        ``age_at_onset``, ``onset`` (``adult``/``juvenile``), ``dk_or_dka``
        (1 = DK or DKA at onset), ``per_protocol`` (bool); for every measure
        ``m`` in :data:`MEASURES`: ``m_0`` (baseline), ``m_end`` (endpoint
        month), ``m_change`` (end - baseline), ``m_pct`` (100 * change /
        baseline) and ``m_ratio`` (change / baseline); ``fcp_rose`` and
        ``pcp_rose`` (1 when the endpoint value exceeds baseline);
        ``remission_fcp``, ``remission_pcp`` and ``remission`` (1 when the
        relative rise is at least the threshold in fasting, postprandial, or
        either C-peptide; missing when a value needed is missing);
        ``insulin_free`` (1 when an insulin-free period started).

    Notes
    -------
    The remission threshold is compared with a relative tolerance of 1e-9
    so that a rise of exactly 10% counts. A ratio whose baseline is 0 is
    missing.
    """
    t = subjects.copy().set_index("subject_id", drop=False)
    t.index.name = None
    t["msc"] = t["arm"].eq("MSC").astype(int)
    t["male"] = t["sex"].eq("M").astype(int)
    t["age_at_onset"] = t["age_years"] - t["duration_months"] / 12.0
    t["onset"] = onset_group(t, settings)
    t["dk_or_dka"] = t["dka_at_onset"].isin(["DK", "DKA"]).astype(int)
    t["per_protocol"] = per_protocol_mask(t)
    t = t.join(visit_wide(visits, 0, "_0"))
    t = t.join(visit_wide(visits, settings.endpoint_month, "_end"))
    for m in MEASURES:
        base = t[f"{m}_0"].astype(float)
        end = t[f"{m}_end"].astype(float)
        t[f"{m}_change"] = end - base
        ratio = (end - base) / base.where(base != 0)
        t[f"{m}_ratio"] = ratio
        t[f"{m}_pct"] = 100.0 * ratio
    for short, m in (("fcp", "fcp_pmol_l"), ("pcp", "pcp_pmol_l")):
        change = t[f"{m}_change"]
        t[f"{short}_rose"] = (change > 0).astype(float).where(change.notna())
        ratio = t[f"{m}_ratio"]
        hit = ratio >= settings.remission_threshold * (1 - _THRESHOLD_TOL)
        t[f"remission_{short}"] = hit.astype(float).where(ratio.notna())
    either = (t["remission_fcp"] == 1) | (t["remission_pcp"] == 1)
    known = t[["remission_fcp", "remission_pcp"]].notna().all(axis=1)
    t["remission"] = either.astype(float).where(either | known)
    t["insulin_free"] = t["insulin_free_start_month"].notna().astype(int)
    return t.reset_index(drop=True)
