"""The verdict that opens the robustness part: each conclusion of the paper against
the analyses of the robustness chapters.

The verdict is data. :data:`CONCLUSIONS` lists the conclusions the paper draws
(in its own words); :data:`EVIDENCE` lists, for each, the analyses of the book
that bear on it: the chapter and the section that computes it, the result keys
it reads, a :class:`Rule` that says whether the result *supports* the
conclusion, and a sentence for the reader. :func:`evaluate` applies every rule
to a results table (the other chapters' ``results.csv``) and gives each row a
status:

``supports``
    the rule holds (e.g. p below alpha and the effect in the paper's direction);
``does not support``
    it does not;
``cannot be computed on these data``
    the chapter recorded the key, but without a value (e.g. a model that
    could not be fitted on these data);
``not yet computed``
    no chapter recorded the key (a chapter still being written, or a key to
    correct in :data:`GUESSED_KEYS`).

The keys of the other chapters' results that the rules read are collected in
:data:`GUESSED_KEYS` (the name is historical: they were guessed while those
chapters were written; the confounding keys are now the recorded ones). A key no
chapter records reads "not yet computed".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import nbformat
import pandas as pd

from ..chapters import CHAPTERS
from ..core.formatting import p_text
from ..core.paths import NOTEBOOKS
from ..core.results_table import result_row, results_frame

__all__ = [
    "STATUSES",
    "STATUS_KEYS",
    "CONCLUSIONS",
    "GUESSED_KEYS",
    "EVIDENCE",
    "Evidence",
    "Rule",
    "PBelow",
    "IntervalExcludes",
    "OnlyFirst",
    "Exceeds",
    "evaluate",
    "summary_counts",
    "summary_display",
    "conclusion_sentence",
    "chapter_link",
    "notebook_labels",
    "markdown_table",
    "results",
    "build_verdict",
]

#: Statuses of an evidence row, in the order the page counts them.
STATUSES = (
    "supports",
    "does not support",
    "cannot be computed on these data",
    "not yet computed",
)
#: The part of a result key that names each status.
STATUS_KEYS = {
    "supports": "supports",
    "does not support": "does_not_support",
    "cannot be computed on these data": "not_computable",
    "not yet computed": "not_yet_computed",
}
_NOT_COMPUTABLE, _NOT_YET = STATUSES[2], STATUSES[3]


# ------------------------------------------------------------------ reading results


class _Results:
    """Results keyed by ``key``: a value or an interval bound, absent or NaN."""

    def __init__(self, results: pd.DataFrame):
        if "key" not in results.columns:
            results = pd.DataFrame({"key": pd.Series(dtype=str)})
        frame = results.drop_duplicates("key", keep="last").set_index("key")
        self._rows: Mapping = {
            k: {
                c: _float(frame.at[k, c]) if c in frame.columns else math.nan
                for c in ("value", "ci_low", "ci_high")
            }
            for k in frame.index
        }

        #: the chapters (key prefixes) that recorded anything in this build
        self._chapters = {_chapter_of(k) for k in self._rows}

    def has(self, key: str) -> bool:
        return key in self._rows

    def ran(self, key: str) -> bool:
        """Whether the chapter that records ``key`` recorded anything at all."""
        return _chapter_of(key) in self._chapters

    def get(self, key: str, column: str = "value") -> float:
        return self._rows[key][column] if key in self._rows else math.nan


def _chapter_of(key: str) -> str:
    return key.split(".", 1)[0]


def _float(x) -> float:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return math.nan
    return x


def _fmt(x: float) -> str:
    """A number for a table cell (display only): three significant digits."""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


# ------------------------------------------------------------------------- rules


class Rule:
    """Whether a result supports a conclusion.

    A rule names the keys it reads (:meth:`keys`) and, given every one of
    them with a value, says :meth:`holds` and describes the result
    (:meth:`detail`). :func:`evaluate` decides "not yet computed" and
    "cannot be computed" before a rule is asked.
    """

    def keys(self) -> tuple[str, ...]:  # pragma: no cover - interface
        raise NotImplementedError

    def needs(self, res: _Results) -> list[tuple[str, str]]:
        """(key, column) pairs that must have a value."""
        return [(k, "value") for k in self.keys()]

    def holds(self, res: _Results, alpha: float) -> bool:  # pragma: no cover
        raise NotImplementedError

    def detail(self, res: _Results) -> str:  # pragma: no cover
        raise NotImplementedError

    def text(self) -> str:  # pragma: no cover
        raise NotImplementedError


_DIRECTION = {+1: "above", -1: "below"}


@dataclass(frozen=True)
class PBelow(Rule):
    """Supports when ``p < alpha`` and the effect lies on the paper's side of ``null``.

    Parameters
    ----------
    p : str
        Key of the p-value.
    effect : str, optional
        Key of the effect estimate (risk difference, odds ratio, mean
        difference, ...); None when the p-value has no sign to check.
    minus : str, optional
        Key subtracted from ``effect`` (an effect that is the difference of
        two recorded means).
    null : float
        Value of no effect (0 for a difference, 1 for a ratio).
    direction : {+1, -1}
        +1: the paper's conclusion is an effect above ``null``; -1: below.

    Examples
    --------
    >>> res = _Results(pd.DataFrame({"key": ["a.pval", "a.rd"], "value": [0.01, 0.2]}))
    >>> rule = PBelow("a.pval", effect="a.rd")
    >>> rule.holds(res, 0.05)
    True
    >>> PBelow("a.pval", effect="a.rd", direction=-1).holds(res, 0.05)
    False
    """

    p: str
    effect: str | None = None
    minus: str | None = None
    null: float = 0.0
    direction: int = +1

    def keys(self):
        return tuple(k for k in (self.p, self.effect, self.minus) if k)

    def _effect(self, res):
        e = res.get(self.effect)
        return e - res.get(self.minus) if self.minus else e

    def holds(self, res, alpha):
        if not res.get(self.p) < alpha:
            return False
        return self.effect is None or (self._effect(res) - self.null) * self.direction > 0

    def detail(self, res):
        parts = [p_text(res.get(self.p))]
        if self.effect is not None:
            word = "difference" if self.minus else "estimate"
            parts.append(f"{word} {_fmt(self._effect(res))}")
        return "; ".join(parts)

    def text(self):
        if self.effect is None:
            return "p < α"
        return f"p < α and the estimate {_DIRECTION[self.direction]} {self.null:g}"


@dataclass(frozen=True)
class IntervalExcludes(Rule):
    """Supports when the key's confidence interval lies wholly on the paper's side.

    Examples
    --------
    >>> res = _Results(pd.DataFrame({"key": ["a.rr"], "value": [3.0],
    ...                              "ci_low": [1.1], "ci_high": [11.0]}))
    >>> IntervalExcludes("a.rr", null=1).holds(res, 0.05)
    True
    """

    key: str
    null: float = 0.0
    direction: int = +1

    def keys(self):
        return (self.key,)

    def needs(self, res):
        return [(self.key, c) for c in ("value", "ci_low", "ci_high")]

    def holds(self, res, alpha):
        if self.direction > 0:
            return res.get(self.key, "ci_low") > self.null
        return res.get(self.key, "ci_high") < self.null

    def detail(self, res):
        v, lo, hi = (res.get(self.key, c) for c in ("value", "ci_low", "ci_high"))
        return f"{_fmt(v)} ({_fmt(lo)} to {_fmt(hi)})"

    def text(self):
        return f"the interval lies wholly {_DIRECTION[self.direction]} {self.null:g}"


@dataclass(frozen=True)
class OnlyFirst(Rule):
    """Supports when the first count is above 0 and the second is 0.

    Examples
    --------
    >>> res = _Results(pd.DataFrame({"key": ["a", "b"], "value": [3.0, 0.0]}))
    >>> OnlyFirst("a", "b").holds(res, 0.05), OnlyFirst("b", "a").holds(res, 0.05)
    (True, False)
    """

    first: str
    second: str

    def keys(self):
        return (self.first, self.second)

    def holds(self, res, alpha):
        return res.get(self.first) > 0 and res.get(self.second) == 0

    def detail(self, res):
        return f"{_fmt(res.get(self.first))} against {_fmt(res.get(self.second))}"

    def text(self):
        return "events in the MSC arm and none in the control arm"


@dataclass(frozen=True)
class Exceeds(Rule):
    """Supports when the key's value exceeds a bound: a number, or the sum of keys.

    Examples
    --------
    >>> res = _Results(pd.DataFrame({"key": ["f", "d1", "d2"], "value": [1.0, 5.0, 9.0]}))
    >>> Exceeds("f", over=("d1", "d2")).holds(res, 0.05)
    False
    >>> Exceeds("f", bound=0.5).holds(res, 0.05)
    True
    """

    key: str
    over: tuple[str, ...] = ()
    bound: float = 0.0
    what: str = ""

    def keys(self):
        return (self.key, *self.over)

    def _bound(self, res):
        return sum(res.get(k) for k in self.over) if self.over else self.bound

    def holds(self, res, alpha):
        return res.get(self.key) > self._bound(res)

    def detail(self, res):
        return f"{_fmt(res.get(self.key))} against {_fmt(self._bound(res))}"

    def text(self):
        return f"the value exceeds {self.what or _fmt(self.bound)}"


# ----------------------------------------------------------------- the verdict data

#: The paper's conclusions: id -> (short statement, the paper's words, where).
CONCLUSIONS: dict[str, tuple[str, str, str]] = {
    "remission": (
        "Remission is more frequent with MSC",
        "40.7% subjects in MSC-treated group achieved the primary endpoint, "
        "significantly higher than that in the control arm",
        "Abstract, Results",
    ),
    "insulin_free": (
        "Insulin independence only with MSC",
        "Three subjects in MSC-treated group, in contrast to none in control group, "
        "achieved insulin independence",
        "Abstract, Results",
    ),
    "adult_pcp": (
        "Postprandial C-peptide is preserved with MSC in adult-onset diabetes",
        "Among the adult-onset T1D, the percent change of postprandial C-peptide was "
        "significantly increased in MSC-treated group than in the control group",
        "Abstract, Results",
    ),
    "lower_fcp": (
        "Lower baseline fasting C-peptide goes with remission",
        "lower fasting C-peptide and higher dose of UC-MSC correlated with achievement "
        "of clinical remission after transplantation",
        "Abstract, Results",
    ),
    "cell_dose": (
        "A higher cell dose goes with remission",
        "lower fasting C-peptide and higher dose of UC-MSC correlated with achievement "
        "of clinical remission after transplantation",
        "Abstract, Results",
    ),
}

#: Keys of the confounding and trial-models chapters that the rules read: the ONE
#: place to correct them (name used below -> result key).
GUESSED_KEYS: dict[str, str] = {
    # confounding (notebooks/10_confounding.ipynb)
    "ow_pval": "confounding.overlap.pval_rd",
    "ow_rd": "confounding.overlap.rd",
    "ow_rr": "confounding.overlap.rr",
    "ipw_pval": "confounding.ipw.pval_rd",
    "ipw_rd": "confounding.ipw.rd",
    "evalue_ci": "confounding.evalue.overlap.ci",
    "fasting_only_pval": "confounding.definition.fasting.m12.pval_mn",
    "fasting_only_rd": "confounding.definition.fasting.m12.rd",
    "postprandial_only_pval": "confounding.definition.postprandial.m12.pval_mn",
    "postprandial_only_rd": "confounding.definition.postprandial.m12.rd",
    "both_rise_pval": "confounding.definition.both.m12.pval_mn",
    "both_rise_rd": "confounding.definition.both.m12.rd",
    "month6_pval": "confounding.definition.either.m6.pval_mn",
    "month6_rd": "confounding.definition.either.m6.rd",
    "threshold_share": "confounding.threshold.share_significant",
    "multiverse_share": "confounding.multiverse.share_significant",
    # trial_models (notebooks/11_trial_models.ipynb)
    "ancova_pcp_pval": "trial_models.ancova.pcp.pval",
    "ancova_pcp_ratio": "trial_models.ancova.pcp.ratio",
    "ancova_pcp_adult_pval": "trial_models.ancova.pcp_onset.adult.pval",
    "ancova_pcp_adult_ratio": "trial_models.ancova.pcp_onset.adult.ratio",
    "mmrm_pcp_pval": "trial_models.mmrm.log_pcp.m12.pval",
    "mmrm_pcp_diff": "trial_models.mmrm.log_pcp.m12.diff",
    "firth_msc_pval": "trial_models.firth.whole.msc.pval",
    "firth_msc_or": "trial_models.firth.whole.msc.or",
    "firth_whole_fcp_pval": "trial_models.firth.whole.fcp_pmol_l_0.pval",
    "firth_whole_fcp_or": "trial_models.firth.whole.fcp_pmol_l_0.or",
    "firth_step_fcp_pval": "trial_models.firth.stepwise.fcp_pmol_l_0.pval",
    "firth_step_fcp_or": "trial_models.firth.stepwise.fcp_pmol_l_0.or",
    "firth_step_cells_pval": "trial_models.firth.stepwise.msc_cells_total.pval",
    "firth_step_cells_or": "trial_models.firth.stepwise.msc_cells_total.or",
    "boot_fcp_share": "trial_models.bootstrap.fcp_pmol_l_0.share",
    "boot_cells_share": "trial_models.bootstrap.msc_cells_total.share",
    "dose_pcp_pval": "trial_models.dose.pcp_pmol_l.pval",
    "dose_pcp_r": "trial_models.dose.pcp_pmol_l.r",
    "dose_fcp_pval": "trial_models.dose.fcp_pmol_l.pval",
    "dose_fcp_r": "trial_models.dose.fcp_pmol_l.r",
}
_G = GUESSED_KEYS


@dataclass(frozen=True)
class Evidence:
    """One analysis bearing on one conclusion.

    Attributes
    ----------
    conclusion : str
        A key of :data:`CONCLUSIONS`.
    chapter : str
        Slug of the chapter that computes it.
    section : str
        The MyST label of its section (``(label)=`` in the chapter's notebook);
        the link goes to the chapter page until the label exists.
    section_title : str
        The section's heading, for the reader.
    rule : Rule
        Reads the result keys and says whether they support the conclusion.
    description : str
        The analysis, in the reader's words.
    """

    conclusion: str
    chapter: str
    section: str
    section_title: str
    rule: Rule
    description: str
    guessed: bool = field(default=False)

    @property
    def keys(self) -> tuple[str, ...]:
        return self.rule.keys()


def _ev(conclusion, chapter, section, title, rule, description) -> Evidence:
    guessed = any(k in _G.values() for k in rule.keys())
    return Evidence(conclusion, chapter, section, title, rule, description, guessed)


_PP = "dropouts.pp.rd_mn"  # per-protocol risk difference, the sign of the exact tests
_SMALL = ("dropouts-small-sample", "Small-sample inference for the 2×2 result")
_ITT = ("dropouts-itt", "Intention to treat: every assigned participant")
_ADJ = ("confounding-weighting", "Propensity weighting")
_DEF = ("confounding-definitions", "Alternative definitions")

#: Every analysis the verdict weighs, conclusion by conclusion.
EVIDENCE: tuple[Evidence, ...] = (
    # --- remission ---------------------------------------------------------------
    _ev(
        "remission",
        "primary",
        "primary-tests",
        "Which test, which p-value?",
        PBelow("primary.remission.pval", effect="primary.remission.risk_difference"),
        "The paper's test (chi-square or Fisher by its rule), per protocol",
    ),
    _ev(
        "remission",
        "primary",
        "primary-tests",
        "Which test, which p-value?",
        PBelow("primary.remission.pval_fisher", effect="primary.remission.risk_difference"),
        "Fisher's exact test, per protocol",
    ),
    _ev(
        "remission",
        "primary",
        "primary-difference",
        "How large is the difference?",
        IntervalExcludes("primary.remission.risk_ratio", null=1.0),
        "Risk ratio with its interval (log method), per protocol",
    ),
    _ev(
        "remission",
        "dropouts",
        *_SMALL,
        PBelow("dropouts.pp.pval_barnard", effect=_PP),
        "Barnard's unconditional exact test, per protocol",
    ),
    _ev(
        "remission",
        "dropouts",
        *_SMALL,
        PBelow("dropouts.pp.pval_boschloo", effect=_PP),
        "Boschloo's unconditional exact test, per protocol",
    ),
    _ev(
        "remission",
        "dropouts",
        *_SMALL,
        PBelow("dropouts.pp.pval_midp", effect=_PP),
        "Fisher's mid-p, per protocol",
    ),
    _ev(
        "remission",
        "dropouts",
        *_SMALL,
        IntervalExcludes("dropouts.pp.rd_mn"),
        "Risk difference, Miettinen-Nurminen score interval",
    ),
    _ev(
        "remission",
        "dropouts",
        *_SMALL,
        IntervalExcludes("dropouts.pp.rd_newcombe"),
        "Risk difference, Newcombe hybrid score interval",
    ),
    _ev(
        "remission",
        "dropouts",
        *_ITT,
        PBelow("dropouts.composite.pval_fisher", effect="dropouts.composite.rd"),
        "Intention to treat, dropouts counted as non-remitters",
    ),
    _ev(
        "remission",
        "dropouts",
        *_ITT,
        PBelow("dropouts.mi.pval_rd", effect="dropouts.mi.rd"),
        "Intention to treat, multiple imputation of the dropouts' outcome",
    ),
    _ev(
        "remission",
        "dropouts",
        *_ITT,
        PBelow("dropouts.worst.pval_fisher", effect="dropouts.worst.rd"),
        "Worst case: every MSC dropout fails, every control dropout remits",
    ),
    _ev(
        "remission",
        "dropouts",
        "dropouts-tipping-point",
        "Tipping point",
        PBelow("dropouts.tipping.pval_at_expected"),
        "Tipping point: dropouts remit at their own arm's observed rate",
    ),
    _ev(
        "remission",
        "dropouts",
        "dropouts-fragility",
        "Fragility",
        Exceeds(
            "dropouts.fragility.remission.index",
            over=("dropouts.n_missing_msc", "dropouts.n_missing_control"),
            what="the number of dropouts",
        ),
        "Fragility index: more outcomes would have to change than there were dropouts",
    ),
    _ev(
        "remission",
        "factors",
        "factors-whole",
        "All participants: multivariable logistic regression (Table S3)",
        PBelow("factors.whole.msc.pval", effect="factors.whole.msc.or", null=1.0),
        "MSC in the multivariable logistic model of all participants",
    ),
    _ev(
        "remission",
        "confounding",
        *_ADJ,
        PBelow(_G["ow_pval"], effect=_G["ow_rd"]),
        "Overlap-weighted risk difference (propensity score)",
    ),
    _ev(
        "remission",
        "confounding",
        *_ADJ,
        PBelow(_G["ipw_pval"], effect=_G["ipw_rd"]),
        "Inverse-probability-weighted risk difference",
    ),
    _ev(
        "remission",
        "confounding",
        *_ADJ,
        IntervalExcludes(_G["ow_rr"], null=1.0),
        "Overlap-weighted risk ratio with its robust (sandwich) interval",
    ),
    _ev(
        "remission",
        "confounding",
        "confounding-evalue",
        "E-values",
        Exceeds(_G["evalue_ci"], bound=2.0),
        "E-value of the confidence limit: a confounder would need risk ratios above 2",
    ),
    _ev(
        "remission",
        "confounding",
        *_DEF,
        PBelow(_G["fasting_only_pval"], effect=_G["fasting_only_rd"]),
        "Remission by fasting C-peptide only",
    ),
    _ev(
        "remission",
        "confounding",
        *_DEF,
        PBelow(_G["postprandial_only_pval"], effect=_G["postprandial_only_rd"]),
        "Remission by postprandial C-peptide only",
    ),
    _ev(
        "remission",
        "confounding",
        *_DEF,
        PBelow(_G["both_rise_pval"], effect=_G["both_rise_rd"]),
        "Remission when both C-peptides rise",
    ),
    _ev(
        "remission",
        "confounding",
        *_DEF,
        PBelow(_G["month6_pval"], effect=_G["month6_rd"]),
        "Remission at month 6",
    ),
    _ev(
        "remission",
        "confounding",
        "confounding-threshold",
        "Remission threshold",
        Exceeds(_G["threshold_share"], bound=0.5),
        "Remission thresholds from 0% to 50%: p < α at more than half of them",
    ),
    _ev(
        "remission",
        "confounding",
        "confounding-multiverse",
        "Specification curve",
        Exceeds(_G["multiverse_share"], bound=0.5),
        "Specification curve: p < α in more than half of the specifications",
    ),
    _ev(
        "remission",
        "trial_models",
        "trial-models-firth",
        "Firth-penalised logistic regression",
        PBelow(_G["firth_msc_pval"], effect=_G["firth_msc_or"], null=1.0),
        "MSC in the Firth-penalised model of all participants",
    ),
    # --- insulin independence ----------------------------------------------------
    _ev(
        "insulin_free",
        "primary",
        "primary-insulin-independence",
        "Insulin independence",
        OnlyFirst("primary.insulin_free.msc.events", "primary.insulin_free.control.events"),
        "Participants insulin-free by the endpoint, MSC against control",
    ),
    _ev(
        "insulin_free",
        "primary",
        "primary-insulin-independence",
        "Insulin independence",
        PBelow(
            "primary.insulin_free.pval_fisher",
            effect="primary.insulin_free.msc.pct",
            minus="primary.insulin_free.control.pct",
        ),
        "Fisher's exact test of insulin independence (the paper: not significant)",
    ),
    # --- adult-onset postprandial C-peptide ----------------------------------------
    _ev(
        "adult_pcp",
        "subgroups",
        "subgroups-onset",
        "C-peptide by age at onset",
        PBelow(
            "subgroups.pcp_pmol_l.ratio.adult.pval",
            effect="subgroups.pcp_pmol_l.ratio.adult.msc.mean",
            minus="subgroups.pcp_pmol_l.ratio.adult.control.mean",
        ),
        "The paper's test of the relative change in postprandial C-peptide, adults",
    ),
    _ev(
        "adult_pcp",
        "subgroups",
        "subgroups-remission",
        "Remission by subgroup",
        IntervalExcludes("subgroups.remission.adult.risk_difference"),
        "Remission among adults: risk difference with its interval",
    ),
    _ev(
        "adult_pcp",
        "subgroups",
        "subgroups-remission",
        "Remission by subgroup",
        PBelow("subgroups.remission.interaction.onset.pval"),
        "Interaction of arm and onset group on remission (is the effect onset-specific?)",
    ),
    _ev(
        "adult_pcp",
        "trial_models",
        "trial-models-ancova",
        "ANCOVA of C-peptide on the log scale",
        PBelow(_G["ancova_pcp_adult_pval"], effect=_G["ancova_pcp_adult_ratio"], null=1.0),
        "Baseline-adjusted ANCOVA of log postprandial C-peptide, adults",
    ),
    _ev(
        "adult_pcp",
        "trial_models",
        "trial-models-ancova",
        "ANCOVA of C-peptide on the log scale",
        PBelow(_G["ancova_pcp_pval"], effect=_G["ancova_pcp_ratio"], null=1.0),
        "Baseline-adjusted ANCOVA of log postprandial C-peptide, all participants",
    ),
    _ev(
        "adult_pcp",
        "trial_models",
        "trial-models-mmrm",
        "Repeated measures",
        PBelow(_G["mmrm_pcp_pval"], effect=_G["mmrm_pcp_diff"]),
        "Mixed model for repeated measures of log postprandial C-peptide, month 12",
    ),
    # --- lower baseline fasting C-peptide ------------------------------------------
    _ev(
        "lower_fcp",
        "factors",
        "factors-whole",
        "All participants: multivariable logistic regression (Table S3)",
        PBelow(
            "factors.whole.fcp_pmol_l_0.pval",
            effect="factors.whole.fcp_pmol_l_0.or",
            null=1.0,
            direction=-1,
        ),
        "Baseline fasting C-peptide in the model of all participants",
    ),
    _ev(
        "lower_fcp",
        "factors",
        "factors-msc-remitters",
        "MSC recipients with and without remission (Figure 4)",
        PBelow(
            "factors.msc_remitters.fcp_pmol_l_0.pval",
            effect="factors.msc_remitters.fcp_pmol_l_0.diff",
            direction=-1,
        ),
        "Baseline fasting C-peptide, MSC remitters against non-remitters",
    ),
    _ev(
        "lower_fcp",
        "factors",
        "factors-stepwise",
        "Forward stepwise selection in the MSC arm (exploratory)",
        PBelow(
            "factors.stepwise.fcp_pmol_l_0.pval",
            effect="factors.stepwise.fcp_pmol_l_0.or",
            null=1.0,
            direction=-1,
        ),
        "Baseline fasting C-peptide in the stepwise model of the MSC arm",
    ),
    _ev(
        "lower_fcp",
        "trial_models",
        "trial-models-firth",
        "Firth-penalised logistic regression",
        PBelow(
            _G["firth_whole_fcp_pval"],
            effect=_G["firth_whole_fcp_or"],
            null=1.0,
            direction=-1,
        ),
        "Baseline fasting C-peptide, Firth-penalised model of all participants",
    ),
    _ev(
        "lower_fcp",
        "trial_models",
        "trial-models-firth",
        "Firth-penalised logistic regression",
        PBelow(
            _G["firth_step_fcp_pval"],
            effect=_G["firth_step_fcp_or"],
            null=1.0,
            direction=-1,
        ),
        "Baseline fasting C-peptide, Firth-penalised model of the MSC arm",
    ),
    _ev(
        "lower_fcp",
        "trial_models",
        "trial-models-bootstrap",
        "How stable is the stepwise selection?",
        Exceeds(_G["boot_fcp_share"], bound=0.5),
        "Selected in more than half of the bootstrap repetitions of the stepwise selection",
    ),
    # --- cell dose -------------------------------------------------------------------
    _ev(
        "cell_dose",
        "factors",
        "factors-stepwise",
        "Forward stepwise selection in the MSC arm (exploratory)",
        PBelow(
            "factors.stepwise.msc_cells_total.pval",
            effect="factors.stepwise.msc_cells_total.or",
            null=1.0,
        ),
        "Number of cells infused in the stepwise model of the MSC arm",
    ),
    _ev(
        "cell_dose",
        "factors",
        "factors-msc-remitters",
        "MSC recipients with and without remission (Figure 4)",
        PBelow(
            "factors.msc_remitters.msc_cells_total.pval",
            effect="factors.msc_remitters.msc_cells_total.diff",
        ),
        "Number of cells infused, MSC remitters against non-remitters",
    ),
    _ev(
        "cell_dose",
        "trial_models",
        "trial-models-firth",
        "Firth-penalised logistic regression",
        PBelow(_G["firth_step_cells_pval"], effect=_G["firth_step_cells_or"], null=1.0),
        "Number of cells infused, Firth-penalised model of the MSC arm",
    ),
    _ev(
        "cell_dose",
        "trial_models",
        "trial-models-bootstrap",
        "How stable is the stepwise selection?",
        Exceeds(_G["boot_cells_share"], bound=0.5),
        "Selected in more than half of the bootstrap repetitions of the stepwise selection",
    ),
    _ev(
        "cell_dose",
        "trial_models",
        "trial-models-dose",
        "Dose and response",
        PBelow(_G["dose_pcp_pval"], effect=_G["dose_pcp_r"]),
        "Correlation of cells infused with the change in postprandial C-peptide",
    ),
    _ev(
        "cell_dose",
        "trial_models",
        "trial-models-dose",
        "Dose and response",
        PBelow(_G["dose_fcp_pval"], effect=_G["dose_fcp_r"]),
        "Correlation of cells infused with the change in fasting C-peptide",
    ),
)


# ------------------------------------------------------------------- evaluation


def evaluate(
    results: pd.DataFrame,
    *,
    alpha: float = 0.05,
    evidence: tuple[Evidence, ...] = EVIDENCE,
) -> pd.DataFrame:
    """Apply every evidence row's rule to a results table.

    Parameters
    ----------
    results : pandas.DataFrame
        Columns ``key``, ``value`` and optionally ``ci_low``, ``ci_high``
        (the runner's ``results.csv``, or :func:`gather_results`).
    alpha : float
        Significance level of the rules that compare a p-value.
    evidence : tuple of Evidence
        The rows to evaluate (default :data:`EVIDENCE`).

    Returns
    -------
    pandas.DataFrame
        One row per evidence row, in order, with columns ``conclusion``,
        ``chapter``, ``section``, ``section_title``, ``description``,
        ``keys`` (comma-separated), ``rule`` (the rule in words), ``status``
        (one of :data:`STATUSES`), ``result`` (the values the rule read, in
        words) and ``guessed`` (the keys are guesses of a chapter not yet
        merged).

    Notes
    -----
    A row is "not yet computed" when a key it reads is absent from
    ``results`` and its chapter (the key's first part) recorded nothing: the
    book has no such analysis. It "cannot be computed on these data" when
    its chapter ran but did not record the key on these data (a term the
    stepwise selection did not reach, a model that could not be fitted), or
    when every key is present but one of the values it needs is missing or
    not finite. Only then is the rule asked.

    Examples
    --------
    >>> ev = (Evidence("remission", "primary", "x", "X", PBelow("a.pval"), "a test"),)
    >>> res = pd.DataFrame({"key": ["a.pval"], "value": [0.2]})
    >>> evaluate(res, evidence=ev)["status"].tolist()
    ['does not support']
    >>> evaluate(res.iloc[:0], evidence=ev)["status"].tolist()
    ['not yet computed']
    >>> ran = pd.DataFrame({"key": ["a.other"], "value": [1.0]})
    >>> evaluate(ran, evidence=ev)["status"].tolist()
    ['cannot be computed on these data']
    """
    res = _Results(results)
    rows = []
    for e in evidence:
        rule = e.rule
        missing = [k for k in rule.keys() if not res.has(k)]
        if missing and not all(res.ran(k) for k in missing):
            status, detail = _NOT_YET, "no chapter has recorded this result yet"
        elif missing:
            status, detail = (
                _NOT_COMPUTABLE,
                "the chapter did not record it on these data",
            )
        elif not all(math.isfinite(res.get(k, c)) for k, c in rule.needs(res)):
            status, detail = (
                _NOT_COMPUTABLE,
                "the chapter could not compute it on these data",
            )
        else:
            status = STATUSES[0] if rule.holds(res, alpha) else STATUSES[1]
            detail = rule.detail(res)
        rows.append(
            {
                "conclusion": e.conclusion,
                "chapter": e.chapter,
                "section": e.section,
                "section_title": e.section_title,
                "description": e.description,
                "keys": ", ".join(rule.keys()),
                "rule": rule.text(),
                "status": status,
                "result": detail,
                "guessed": e.guessed,
            }
        )
    return pd.DataFrame(rows)


def summary_counts(verdict: pd.DataFrame) -> pd.DataFrame:
    """Evidence rows per conclusion and status.

    Returns
    -------
    pandas.DataFrame
        One row per conclusion of :data:`CONCLUSIONS` (in order, those with no
        evidence row included), columns ``conclusion``, ``rows`` and one
        column per status of :data:`STATUSES` (counts).

    Examples
    --------
    >>> v = pd.DataFrame({"conclusion": ["remission"] * 2,
    ...                   "status": ["supports", "not yet computed"]})
    >>> row = summary_counts(v).iloc[0]
    >>> [int(row[c]) for c in ("rows", "supports", "not yet computed")]
    [2, 1, 1]
    """
    out = []
    for cid in CONCLUSIONS:
        sub = verdict.loc[verdict["conclusion"].eq(cid), "status"]
        row = {"conclusion": cid, "rows": int(len(sub))}
        row |= {s: int(sub.eq(s).sum()) for s in STATUSES}
        out.append(row)
    return pd.DataFrame(out, columns=["conclusion", "rows", *STATUSES])


def summary_display(verdict: pd.DataFrame) -> pd.DataFrame:
    """The counts of :func:`summary_counts` for reading, one row per conclusion.

    Returns
    -------
    pandas.DataFrame
        Columns ``conclusion`` (in words), ``analyses`` and one per status.
    """
    counts = summary_counts(verdict)
    out = counts.rename(columns={"rows": "analyses"})
    out["conclusion"] = [CONCLUSIONS[c][0] for c in counts["conclusion"]]
    return out


def _analyses(n: int) -> str:
    return "analysis is" if n == 1 else f"{n} analyses are"


def conclusion_sentence(counts: Mapping) -> str:
    """What the analyses say about one conclusion, in one sentence.

    Parameters
    ----------
    counts : mapping
        A row of :func:`summary_counts`.

    Examples
    --------
    >>> conclusion_sentence({"rows": 3, "supports": 1, "does not support": 1,
    ...     "cannot be computed on these data": 0, "not yet computed": 1})
    'Of 3 analyses, 1 supports it and 1 does not; 1 is not yet computed.'
    >>> conclusion_sentence({"rows": 2, "supports": 0, "does not support": 0,
    ...     "cannot be computed on these data": 0, "not yet computed": 2})
    'Its 2 analyses are not yet computed.'
    """
    n = int(counts["rows"])
    sup, dns = int(counts["supports"]), int(counts["does not support"])
    nc, ny = int(counts[_NOT_COMPUTABLE]), int(counts[_NOT_YET])
    if n == 0:
        return "No analysis of the book bears on it yet."
    if sup + dns == 0:
        if ny == n:
            return f"Its {_analyses(n)} not yet computed."
        if nc == n:
            return f"Its {_analyses(n)} not computable on these data."
        return (
            f"Of {n} analyses, {nc} cannot be computed on these data and {ny} "
            f"{'is' if ny == 1 else 'are'} not yet computed."
        )
    verb = "supports" if sup == 1 else "support"
    aux = "does not" if dns == 1 else "do not"
    text = f"Of {n} analyses, {sup} {verb} it and {dns} {aux}"
    extra = []
    if nc:
        extra.append(f"{nc} cannot be computed on these data")
    if ny:
        extra.append(f"{ny} {'is' if ny == 1 else 'are'} not yet computed")
    return text + ("; " + " and ".join(extra) if extra else "") + "."


# ----------------------------------------------------------------------- links

_LABEL_RE = re.compile(r"^\(([A-Za-z0-9_.:-]+)\)=\s*$", re.MULTILINE)


def notebook_labels(notebook: str) -> frozenset[str]:
    """The MyST labels (``(label)=`` lines) of a chapter notebook's markdown cells.

    A notebook that does not exist has none.
    """
    path = NOTEBOOKS / notebook
    if not path.exists():
        return frozenset()
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return frozenset(_LABEL_RE.findall(text))


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def chapter_link(slug: str, label: str | None = None, text: str | None = None) -> str:
    """A MyST link to a chapter's section, or to the chapter, or its name in words.

    Links to the section's label when the chapter's notebook defines it
    (``(label)=``), else to the chapter page (a notebook in ``notebooks/``,
    next to the page that links); a chapter whose notebook is not yet in
    the book is named in words, so no link is ever broken.

    Examples
    --------
    >>> chapter_link("primary")
    '[Primary endpoint](04_primary_endpoint.ipynb)'
    >>> chapter_link("no_such_chapter")
    'no_such_chapter (not yet in the book)'
    """
    info = next((c for c in CHAPTERS if c.slug == slug), None)
    if info is None or not (NOTEBOOKS / info.notebook).exists():
        return f"{text or slug} (not yet in the book)"
    shown = info.title if text is None else f"{info.title}: {text}"
    if label and label in notebook_labels(info.notebook):
        return f"{{ref}}`{_escape(shown)} <{label}>`"
    return f"[{_escape(shown)}]({info.notebook})"


_STATUS_MARK = {
    "supports": "**supports**",
    "does not support": "**does not support**",
    "cannot be computed on these data": "cannot be computed on these data",
    "not yet computed": "not yet computed",
}


def markdown_table(verdict: pd.DataFrame, conclusion: str) -> str:
    """The evidence rows of one conclusion as a MyST pipe table with links.

    Columns: the analysis, where the book computes it (a link), the result,
    the rule and the status. Glue it with ``Recorder.markdown`` and show it
    with the ``{glue:md}`` directive (``:format: myst``), so the links are
    Sphinx cross-references the build checks.

    Examples
    --------
    >>> v = pd.DataFrame([{"conclusion": "remission", "chapter": "primary",
    ...     "section": "x", "section_title": "Tests", "description": "a test",
    ...     "rule": "p < α", "status": "supports", "result": "p = 0.010"}])
    >>> for cell in markdown_table(v, "remission").splitlines()[2].split(" | "):
    ...     print(cell)
    | a test
    [Primary endpoint: Tests](04_primary_endpoint.ipynb)
    p = 0.010
    p < α
    **supports** |
    """
    sub = verdict.loc[verdict["conclusion"].eq(conclusion)]
    lines = [
        "| analysis | where | result | supports it when | verdict |",
        "|---|---|---|---|---|",
    ]
    if sub.empty:
        lines.append("| no analysis of the book bears on it yet | | | | |")
    for r in sub.itertuples():
        lines.append(
            "| "
            + " | ".join(
                [
                    _escape(r.description),
                    chapter_link(r.chapter, r.section, r.section_title),
                    _escape(r.result),
                    _escape(r.rule),
                    _STATUS_MARK[r.status],
                ]
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------- results


def results(ch, *, verdict: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every statistic of the verdict page: counts of evidence rows.

    Parameters
    ----------
    ch : Chapter
        The ``robustness`` chapter.
    verdict : pandas.DataFrame, optional
        As returned by :func:`evaluate`; computed from the other chapters'
        results (recomputed on the chapter's data) when not given.

    Returns
    -------
    pandas.DataFrame
        Keys ``robustness.<conclusion>.rows.n`` and
        ``robustness.<conclusion>.<status>.n`` for every conclusion and
        status (status keys of :data:`STATUS_KEYS`), and the same over all
        conclusions under ``robustness.all``.
    """
    if verdict is None:
        from .scorecard import gather_results

        verdict = evaluate(gather_results(ch)[0], alpha=ch.settings.alpha)
    counts = summary_counts(verdict)
    rows = []
    method = "count of evidence rows (verdict rules)"
    for r in counts.to_dict("records"):
        base = f"robustness.{r['conclusion']}"
        rows.append(result_row(f"{base}.rows.n", r["rows"], method))
        rows += [result_row(f"{base}.{STATUS_KEYS[s]}.n", r[s], method) for s in STATUSES]
    rows.append(result_row("robustness.all.rows.n", int(counts["rows"].sum()), method))
    rows += [
        result_row(f"robustness.all.{STATUS_KEYS[s]}.n", int(counts[s].sum()), method)
        for s in STATUSES
    ]
    return results_frame(rows)


def build_verdict(ch, *, results_path=None) -> pd.DataFrame:
    """Everything the verdict page computes, in one call.

    Gathers the other chapters' results (from the folder of ``results_path``
    when the book runner has written them there, else recomputed),
    evaluates every evidence row, records the counts and glues, for every
    conclusion ``c``, ``robustness.<c>.sentence`` (:func:`conclusion_sentence`),
    ``robustness.<c>.claim`` (the conclusion), ``robustness.<c>.quote`` (the
    paper's words) and ``robustness.<c>.table`` (:func:`markdown_table`, as
    Markdown), and ``robustness.results_source``.
    """
    from pathlib import Path

    from .scorecard import gather_results

    results_dir = None if results_path is None else Path(results_path).parent
    res, source = gather_results(ch, results_dir=results_dir)
    verdict = evaluate(res, alpha=ch.settings.alpha)
    ch.rec.record_frame(results(ch, verdict=verdict))
    for r in summary_counts(verdict).to_dict("records"):
        cid = r["conclusion"]
        claim, quote, where = CONCLUSIONS[cid]
        ch.rec.text(f"robustness.{cid}.claim", claim)
        ch.rec.text(f"robustness.{cid}.quote", f"“{quote}” ({where})")
        ch.rec.text(f"robustness.{cid}.sentence", conclusion_sentence(r))
        ch.rec.markdown(f"robustness.{cid}.table", markdown_table(verdict, cid))
    ch.rec.text(
        "robustness.results_source",
        "recorded by the other chapters of this build"
        if source == "recorded"
        else "recomputed from the data by every chapter's results function",
    )
    ch.rec.text("robustness.alpha", f"{ch.settings.alpha:g}")
    return verdict
