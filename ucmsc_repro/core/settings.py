"""Analysis settings shared by every chapter (the papermill parameters)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["AnalysisSettings"]


@dataclass(frozen=True)
class AnalysisSettings:
    """Settings that change what the chapters compute.

    Attributes
    ----------
    endpoint_month : float
        Visit month of the primary endpoint (the paper: 12).
    remission_threshold : float
        Relative rise from baseline in fasting and/or postprandial C-peptide
        that counts as clinical remission (the paper: 0.10, i.e. 10%).
    adult_onset_age : float
        Age at diagnosis, in years, from which onset counts as adult
        (the paper: 18).
    alpha : float
        Two-sided significance level (the paper: 0.05).
    """

    endpoint_month: float = 12
    remission_threshold: float = 0.10
    adult_onset_age: float = 18
    alpha: float = 0.05

    def __post_init__(self) -> None:
        problems = []
        if not self.endpoint_month > 0:
            problems.append(f"endpoint_month must be > 0, got {self.endpoint_month!r}")
        if not 0 <= self.remission_threshold < 10:
            problems.append(
                "remission_threshold is a fraction (0.10 = 10%), "
                f"got {self.remission_threshold!r}"
            )
        if not 0 < self.adult_onset_age < 100:
            problems.append(
                f"adult_onset_age must be in (0, 100), got {self.adult_onset_age!r}"
            )
        if not 0 < self.alpha < 1:
            problems.append(f"alpha must be in (0, 1), got {self.alpha!r}")
        if problems:
            raise ValueError("; ".join(problems))

    def as_dict(self) -> dict:
        return asdict(self)
