"""The synthetic cohort's calibration targets: the paper's numbers the generator aims at.

The targets are the rows of ``data/paper_claims.csv`` marked ``calibrate=yes``
(:func:`ucmsc_repro.data.claims.calibration_targets`): every numeric statement of
the paper the cohort is built to reproduce, each with its source sentence. The
generator (:mod:`ucmsc_repro.synthetic.generator`) reads them through :class:`Targets`;
the chapter module :mod:`ucmsc_repro.synthetic.cohort` measures them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..data.claims import CLAIMS_PATH, calibration_targets, read_claims

__all__ = ["KNOWN_CONFLICTS", "Targets", "load_targets"]

#: Calibration targets the synthetic cohort does not meet, with the reason. A
#: test fails when one of them becomes met (then remove it here) or when any
#: other target is not met.
KNOWN_CONFLICTS: dict[str, str] = {
    "factors.whole.msc.pval": (
        "Conflicts with the model's other reported numbers. The reported OR and p "
        "imply a Wald SE of log(OR) barely above the SE of the 2x2 table of "
        "remission by arm, which no logistic model of these outcomes can beat. A "
        "model's SE for the arm is at least sqrt(1/W1 + 1/W0), W being the arm's "
        "sum of p(1 - p) over the fitted probabilities, and that bound rises as the "
        "fitted probabilities spread within an arm, as they must when BMI and "
        "fasting C-peptide are significant predictors, as reported. The "
        "calibration keeps the OR and every other number of the model and lowers "
        "the SE as far as it goes; the text below gives the SEs."
    ),
}


@dataclass(frozen=True)
class Targets:
    """The paper's numbers the generator aims at, by result key.

    Attributes
    ----------
    claims : pandas.DataFrame
        Calibration rows of the claims file, as
        :func:`ucmsc_repro.data.claims.calibration_targets` returns them (``key``,
        ``relation``, ``value``, ``digits``, ...).
    source : str
        File name of the claims file.
    """

    claims: pd.DataFrame
    source: str

    def row(self, key: str) -> pd.Series:
        """The claim row of a target key (the most precise ``eq`` row if several).

        Raises
        ------
        KeyError
            When no calibration target has this key.
        """
        rows = self.claims.loc[self.claims["key"] == key]
        if rows.empty:
            raise KeyError(f"no calibration target {key!r} in {self.source}")
        eq = rows.loc[rows["relation"] == "eq"]
        if not eq.empty:
            return eq.sort_values("digits", ascending=False, kind="stable").iloc[0]
        return rows.iloc[0]

    def value(self, key: str) -> float:
        """The reported number of a target key (see :meth:`row`)."""
        return float(self.row(key)["value"])

    def decimals(self, key: str) -> int:
        """Decimals the paper prints for an ``eq`` target (-1 for a bound)."""
        return int(self.row(key)["digits"])

    def has(self, key: str) -> bool:
        """Whether a target key is present."""
        return bool((self.claims["key"] == key).any())


def load_targets(path: str | Path | None = None) -> Targets:
    """Read the calibration targets: the ``calibrate == "yes"`` rows of the claims file.

    Parameters
    ----------
    path : str or Path, optional
        Claims file (default :data:`CLAIMS_PATH`).

    Returns
    -------
    Targets

    Raises
    ------
    ucmsc_repro.data.claims.ClaimsFileError
        When the claims file is missing or malformed.
    """
    p = Path(path) if path is not None else CLAIMS_PATH
    return Targets(calibration_targets(read_claims(p)), p.name)
