"""The synthetic cohort's targets, and how well the generated data meet them.

The targets are the rows of ``data/paper_claims.csv`` marked ``calibrate=yes``:
every numeric statement of the paper with its source sentence. The generator
(:mod:`ucmsc_repro.synthesis`) reads them through :class:`Targets`; the chapter
"How the synthetic cohort was built" shows each target next to the value the
book's own chapter functions compute from the generated files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .paths import DATA_DIR

__all__ = ["CLAIMS_PATH", "Targets", "load_targets"]

#: The machine-readable list of the paper's numeric statements.
CLAIMS_PATH = DATA_DIR / "paper_claims.csv"

# Provisional targets used only while data/paper_claims.csv does not exist yet
# (the file is being written); removed as soon as it is committed.
_PROVISIONAL = {
    "trial_profile.enrolled.all.n": 67,
    "trial_profile.assigned.msc.n": 32,
    "trial_profile.assigned.control.n": 35,
    "trial_profile.discontinued.msc.n": 5,
    "trial_profile.discontinued.control.n": 9,
    "trial_profile.analysed.msc.n": 27,
    "trial_profile.analysed.control.n": 26,
    "trial_profile.analysed.all.n": 53,
    "baseline.male.all.pct": 53,
    "baseline.onset_adult.all.n": 33,
    "baseline.onset_juvenile.all.n": 20,
    "baseline.dk_or_dka.all.pct": 62.3,
    "baseline.age_years.all.mean": 24.9,
    "baseline.age_years.all.sd": 14.2,
    "baseline.age_years.all.min": 8,
    "baseline.age_years.all.max": 55,
    "baseline.duration_months.all.mean": 4.7,
    "baseline.duration_months.all.sd": 6.1,
    "baseline.duration_months.all.min": 0,
    "baseline.duration_months.all.max": 24,
    "baseline.bmi_kg_m2.all.mean": 18.9,
    "baseline.bmi_kg_m2.all.sd": 3.5,
    "baseline.hba1c_pct.all.mean": 9.5,
    "baseline.hba1c_pct.all.sd": 2.9,
    "baseline.fcp_pmol_l.all.min": 100,
    "primary.remission.msc.events": 11,
    "primary.remission.control.events": 3,
    "primary.insulin_free.msc.events": 3,
    "primary.insulin_free.control.events": 0,
    "primary.insulin_free.duration_months.rank1": 3.8,
    "primary.insulin_free.duration_months.rank2": 12,
    "primary.insulin_free.duration_months.rank3": 20,
    "secondary.hba1c_pct.msc.m3.mean": 6.6,
    "secondary.hba1c_pct.msc.m3.sd": 0.8,
    "secondary.hba1c_pct.msc.m6.mean": 6.9,
    "secondary.hba1c_pct.msc.m6.sd": 1.1,
    "secondary.hba1c_pct.msc.m12.mean": 7.3,
    "secondary.hba1c_pct.msc.m12.sd": 1.3,
    "secondary.fcp_pmol_l.rose.msc.events": 11,
    "secondary.fcp_pmol_l.rose.control.events": 6,
    "secondary.pcp_pmol_l.rose.msc.events": 10,
    "secondary.pcp_pmol_l.rose.control.events": 5,
    "secondary.fcp_pmol_l.pct.all.msc.mean": -9,
    "secondary.fcp_pmol_l.pct.all.control.mean": -28,
    "secondary.pcp_pmol_l.pct.all.msc.mean": 16,
    "secondary.pcp_pmol_l.pct.all.control.mean": -32,
    "adverse_events.fever.msc.events": 3,
    "adverse_events.fever.max_temp_c.max": 38.3,
    "adverse_events.fever.onset_hours.rank1": 1.5,
    "adverse_events.fever.onset_hours.rank2": 17,
    "adverse_events.fever.onset_hours.rank3": 20,
    "adverse_events.fever.infusion1.events": 1,
    "adverse_events.fever.infusion2.events": 2,
    "factors.whole.msc.or": 4.38,
    "factors.whole.msc.pval": 0.044,
    "factors.whole.bmi_kg_m2.or": 1.26,
    "factors.whole.bmi_kg_m2.pval": 0.038,
    "factors.whole.fcp_pmol_l_0.or": 0.99,
    "factors.whole.fcp_pmol_l_0.pval": 0.046,
    "factors.msc_remitters.fcp_pmol_l_0.pval": 0.040,
    "factors.stepwise.fcp_pmol_l_0.or": 0.982,
    "factors.stepwise.fcp_pmol_l_0.or.ci_low": 0.966,
    "factors.stepwise.fcp_pmol_l_0.or.ci_high": 0.997,
    "factors.stepwise.fcp_pmol_l_0.pval": 0.023,
    "factors.stepwise.msc_cells_total.or": 1.141,
    "factors.stepwise.msc_cells_total.or.ci_low": 1.017,
    "factors.stepwise.msc_cells_total.or.ci_high": 1.280,
    "factors.stepwise.msc_cells_total.pval": 0.025,
}


@dataclass(frozen=True)
class Targets:
    """The paper's numbers the generator aims at, by result key.

    Attributes
    ----------
    claims : pandas.DataFrame
        Rows of the claims file (columns ``key``, ``reported``, ``decimals``,
        ``relation``, ...), one per key.
    source : str
        Where the targets came from (file name, or ``provisional``).
    """

    claims: pd.DataFrame
    source: str

    def value(self, key: str) -> float:
        """The reported number of a target key.

        Raises
        ------
        KeyError
            When the claims file has no row with this key.
        """
        hit = self.claims.loc[self.claims["key"] == key, "reported"]
        if hit.empty:
            raise KeyError(f"no target {key!r} in {self.source}")
        return float(hit.iloc[0])

    def has(self, key: str) -> bool:
        """Whether a target key is present."""
        return bool((self.claims["key"] == key).any())


def load_targets(path: str | Path | None = None) -> Targets:
    """Read the calibration targets (``calibrate == "yes"`` rows of the claims file).

    Parameters
    ----------
    path : str or Path, optional
        Claims file (default :data:`CLAIMS_PATH`).

    Returns
    -------
    Targets
    """
    p = Path(path) if path is not None else CLAIMS_PATH
    if not p.exists() and path is None:
        rows = [{"key": k, "reported": float(v)} for k, v in _PROVISIONAL.items()]
        return Targets(pd.DataFrame(rows), "provisional targets")
    claims = pd.read_csv(p, dtype={"key": str}, keep_default_na=False)
    if "calibrate" in claims.columns:
        claims = claims.loc[claims["calibrate"].str.strip().str.lower() == "yes"]
    claims = claims.assign(reported=pd.to_numeric(claims["reported"], errors="coerce"))
    return Targets(claims.reset_index(drop=True), p.name)
