"""The embedded synthetic cohort: generated from a seed and the paper's numbers.

The trial's participant data are not public. The book's default data are a
synthetic cohort in the data contract, generated so that the book's own
analysis code reproduces the numbers the paper reports: the roster and the
baseline are laid out from the reported counts, means and SDs
(:mod:`ucmsc_repro.synthetic.baseline`), who reaches remission is drawn and the
baseline covariates are then tuned by numerical optimization so that the
paper's logistic models come out as reported
(:mod:`ucmsc_repro.synthetic.models`), and the follow-up is drawn so that
remission, C-peptide changes, HbA1c, insulin, insulin-free periods and adverse
events match the paper (:mod:`ucmsc_repro.synthetic.outcomes`).

Regenerate the committed cohort with ``make synthesize`` (or ``python -m
ucmsc_repro synthesize --out data/synthetic --seed 20210415``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.claims import CLAIMS_PATH
from ..data.schema import ADVERSE_EVENTS, SUBJECTS, VISITS
from ..stats.comparisons import compare_categorical, compare_continuous
from .baseline import draw_baseline, draw_roster
from .model_terms import model_frame
from .models import (
    arrange_hba1c,
    check_models,
    search_remitters,
    tune_covariates,
)
from .outcomes import (
    choose_remitters,
    cpeptide_categories,
    cpeptide_statements,
    draw_adverse_events,
    draw_cpeptide_endpoint,
    draw_insulin_free,
    draw_visits,
    endpoint_frame,
    secondary_checks,
)
from .targets import Targets, load_targets

__all__ = ["DEFAULT_SEED", "CELLS_PER_KG", "Cohort", "build_cohort", "synthesize"]

#: Seed of the committed cohort (the trial's registration date, 2021-04-15).
DEFAULT_SEED = 20210415

#: MSCs per kg body weight and infusion, in 10^6 cells (Methods, Interventions:
#: "At each time, 1.0 × 10^6 cells/kg was given as one single intravenous infusion").
CELLS_PER_KG = 1.0

#: Decimals written for each numeric column.
DECIMALS = {
    "age_years": 1,
    "duration_months": 1,
    "bmi_kg_m2": 1,
    "weight_kg": 1,
    "discontinued_month": 1,
    "infusions_received": 0,
    "msc_cells_total": 1,
    "insulin_free_start_month": 1,
    "insulin_free_end_month": 1,
    "month": 0,
    "hba1c_pct": 1,
    "fcp_pmol_l": 1,
    "pcp_pmol_l": 1,
    "insulin_iu_kg_day": 2,
    "glucose_fasting_mmol_l": 1,
    "glucose_2h_mmol_l": 1,
    "infusion": 0,
    "onset_hours": 1,
    "max_temp_c": 1,
    "resolved_hours": 1,
}

#: Baseline variables the paper calls similar between the arms (Results: "similar
#: between the MSC-treated and control groups (Table 1), with the exception of
#: daily insulin dose which was lower in the MSC-treated group").
_SIMILAR = ("age_years", "duration_months", "bmi_kg_m2", "hba1c0", "fcp0", "pcp0")

_MAX_ATTEMPTS = 200
_MAX_MODEL_ATTEMPTS = 6
_MAX_FOLLOW_UP_ATTEMPTS = 400


@dataclass
class Cohort:
    """The three tables of a generated cohort, in the data contract's layout."""

    subjects: pd.DataFrame
    visits: pd.DataFrame
    adverse_events: pd.DataFrame


def _baseline_ok(b: pd.DataFrame, alpha: float = 0.05) -> bool:
    pp = b.loc[b["pp"]]
    msc, ctl = pp.loc[pp["arm"] == "MSC"], pp.loc[pp["arm"] == "control"]
    for v in _SIMILAR:
        if compare_continuous(msc[v], ctl[v])["pval"] < alpha:
            return False
    for v in ("sex", "onset", "dka_at_onset"):
        if compare_categorical(msc[v], ctl[v])["pval"] < alpha:
            return False
    ins = compare_continuous(msc["insulin0"], ctl["insulin0"])
    return ins["pval"] < alpha and msc["insulin0"].mean() < ctl["insulin0"].mean()


def _draw_follow_up(rng_cp, rng_visit, b, remission, t):
    """C-peptide changes and visits meeting the secondary-endpoint statements, or None."""
    for _ in range(_MAX_FOLLOW_UP_ATTEMPTS):
        cats = cpeptide_categories(rng_cp, b, remission, t)
        endpoint = draw_cpeptide_endpoint(rng_cp, b, cats, t)
        if endpoint is None:
            continue
        if not all(cpeptide_statements(endpoint_frame(b, endpoint)).values()):
            continue
        free = draw_insulin_free(rng_cp, b, cats, t)
        visits = draw_visits(rng_visit, b, endpoint, free, t)
        subjects = _subjects_table(b, free)
        if all(secondary_checks(subjects, visits).values()):
            return subjects, visits
    return None


def _subjects_table(b: pd.DataFrame, free: pd.DataFrame) -> pd.DataFrame:
    s = b.copy()
    cells = CELLS_PER_KG * s["infusions_received"] * s["weight_kg"]
    s["msc_cells_total"] = np.where(s["arm"] == "MSC", np.round(cells, 1), np.nan)
    s["insulin_free_start_month"] = free["insulin_free_start_month"]
    s["insulin_free_end_month"] = free["insulin_free_end_month"]
    return s[SUBJECTS.names].reset_index(drop=True)


def build_cohort(seed: int = DEFAULT_SEED, targets: Targets | None = None) -> Cohort:
    """Generate the synthetic cohort in memory.

    Parameters
    ----------
    seed : int
        Seed of every random draw; the same seed gives the same cohort.
    targets : Targets, optional
        Default: :func:`ucmsc_repro.synthetic.targets.load_targets`.

    Returns
    -------
    Cohort
        ``subjects``, ``visits`` and ``adverse_events`` in the contract's columns.

    Raises
    ------
    RuntimeError
        When no draw meets the paper's statements within the attempt limits
        (up to 6 draws of remitters and covariates, each with up to 400 draws
        of the follow-up).

    Notes
    -----
    Independent random streams (``numpy.random.SeedSequence(seed).spawn``) feed
    the roster and baseline, remission, the tuning of the covariates, the
    C-peptide changes, the visits and the adverse events, so that a change in
    one step leaves the draws of the others unchanged.

    References
    ----------
    Lu et al. 2021, the whole Results section.
    """
    t = targets if targets is not None else load_targets()
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    rng_base, rng_rem, rng_tune, rng_cp, rng_visit, rng_ae = streams
    for _ in range(_MAX_ATTEMPTS):
        roster = draw_roster(rng_base, t)
        b = draw_baseline(rng_base, roster, t)
        if _baseline_ok(b):
            break
    else:
        raise RuntimeError("no baseline draw met the paper's Table 1 statements")
    order = rng_base.permutation(len(b))
    b = b.iloc[order].reset_index(drop=True)
    b.insert(0, "subject_id", [f"P{i + 1:02d}" for i in range(len(b))])
    drawn = b
    for _ in range(_MAX_MODEL_ATTEMPTS):
        remission = choose_remitters(rng_rem, drawn, t)
        remission = search_remitters(rng_tune, drawn, remission, t)
        b = arrange_hba1c(rng_tune, drawn, remission)
        b, _ = tune_covariates(b, remission, t)
        checks = check_models(model_frame(b, remission), t)
        if not (all(checks.values()) and _baseline_ok(b)):
            continue
        follow_up = _draw_follow_up(rng_cp, rng_visit, b, remission, t)
        if follow_up is not None:
            subjects, visits = follow_up
            break
    else:
        raise RuntimeError("no draw met the paper's statements; try another seed")
    events = draw_adverse_events(rng_ae, b, t)
    return Cohort(
        subjects=subjects,
        visits=visits[VISITS.names].reset_index(drop=True),
        adverse_events=events.reindex(columns=ADVERSE_EVENTS.names),
    )


def _format(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        s = frame[col]
        if col in DECIMALS:
            d = DECIMALS[col]
            out[col] = [
                "" if pd.isna(x) else f"{float(x):.{d}f}" for x in s.astype(float).tolist()
            ]
        else:
            out[col] = [
                "" if x is None or (isinstance(x, float) and np.isnan(x)) else x
                for x in s.tolist()
            ]
    return out


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    _format(frame).to_csv(path, index=False, lineterminator="\n")


def _claims_sha256(path: Path = CLAIMS_PATH) -> str | None:
    if not path.exists():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def synthesize(out_dir, *, seed: int = DEFAULT_SEED) -> None:
    """Generate the synthetic cohort and write it to ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write ``subjects.csv``, ``visits.csv``, ``adverse_events.csv``
        and ``synthetic.json`` (provenance) to; created when missing.
    seed : int
        The same seed writes the same files, byte for byte.

    Notes
    -----
    ``synthetic.json`` holds ``synthetic`` (true), ``seed``, ``generator``,
    ``claims_sha256`` (SHA-256 of the targets file used) and ``note``; no
    timestamp, so the files depend on the seed and the targets only.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    targets = load_targets()
    cohort = build_cohort(seed, targets)
    _write_csv(cohort.subjects, out / SUBJECTS.filename)
    _write_csv(cohort.visits, out / VISITS.filename)
    _write_csv(cohort.adverse_events, out / ADVERSE_EVENTS.filename)
    provenance = {
        "synthetic": True,
        "seed": int(seed),
        # the name the committed cohort was generated under (now synthetic.generator);
        # kept so that `make synthesize` rewrites data/synthetic/ byte for byte
        "generator": "ucmsc_repro.synthesis",
        "claims_sha256": _claims_sha256(),
        "note": (
            "Synthetic participants generated from the aggregates published in Lu et al. "
            "2021 (Stem Cell Res Ther 12:340) and calibrated so that the book's analysis "
            "reproduces the paper's numbers. Not trial data: no row describes a real "
            "person."
        ),
    }
    text = json.dumps(provenance, indent=2, sort_keys=True) + "\n"
    (out / "synthetic.json").write_text(text, encoding="utf-8")
