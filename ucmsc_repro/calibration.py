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

from .claims import CLAIMS_PATH, calibration_targets, read_claims

__all__ = ["CLAIMS_PATH", "Targets", "load_targets"]


@dataclass(frozen=True)
class Targets:
    """The paper's numbers the generator aims at, by result key.

    Attributes
    ----------
    claims : pandas.DataFrame
        Calibration rows of the claims file, as
        :func:`ucmsc_repro.claims.calibration_targets` returns them (``key``,
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
    ucmsc_repro.claims.ClaimsFileError
        When the claims file is missing or malformed.
    """
    p = Path(path) if path is not None else CLAIMS_PATH
    return Targets(calibration_targets(read_claims(p)), p.name)
