"""The chapter "How the synthetic cohort was built" (slug ``cohort``): how well the
generated data meet the calibration targets (:mod:`ucmsc_repro.synthetic.targets`).

The targets are the rows of ``data/paper_claims.csv`` marked ``calibrate=yes``
(:func:`ucmsc_repro.data.claims.calibration_targets`): every numeric statement of
the paper the cohort is built to reproduce, each with its source sentence. The
generator (:mod:`ucmsc_repro.synthetic.generator`) reads them through :class:`Targets`.
The chapter "How the synthetic cohort was built" shows each target next to the
value that the book's own chapter functions (their ``results(ch)``) compute from
the generated files (:func:`target_table`), the assumptions the generator makes
where the paper is silent (:func:`assumptions`), the targets not met with the
reason (:data:`KNOWN_CONFLICTS`), and checks that the participants are
plausible (:func:`plausibility`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..core.results_table import results_frame
from ..data.claims import calibration_targets, read_claims
from .targets import KNOWN_CONFLICTS, Targets, load_targets

__all__ = [
    "other_results",
    "whole_msc_sentence",
    "record_texts",
    "target_table",
    "target_display",
    "unmet_display",
    "assumptions",
    "plausibility",
    "plausibility_display",
    "whole_msc_precision",
    "results",
]

# ---------------------------------------------------------------------------
# The chapter "How the synthetic cohort was built"
# ---------------------------------------------------------------------------


def other_results(ch) -> pd.DataFrame:
    """Every other chapter's results on this chapter's data and settings.

    In a book build the chapters before this one have already written their
    results next to this chapter's results file: those are read, so each
    target is measured by the value the book prints. Otherwise (the committed
    notebook under nbval, a test) every chapter's ``results(ch)`` runs through
    :func:`ucmsc_repro.book.chapter.collect_results`. Either way the chapter
    itself, the scorecard and the audit are left out
    (:data:`ucmsc_repro.reproduction.scorecard.OWN_CHAPTERS`): theirs are not claims about
    the trial.
    """
    from ..reproduction.scorecard import gather_results

    results_dir = ch.rec.path.parent if ch.rec.path is not None else None
    return gather_results(ch, results_dir=results_dir)[0]


def target_table(ch=None, *, results: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every calibration target next to the value the data give.

    Parameters
    ----------
    ch : Chapter, optional
        The chapter whose data and settings are used (see :func:`other_results`).
    results : pandas.DataFrame, optional
        Results already collected (columns of ``results.csv``); replaces ``ch``.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`ucmsc_repro.reproduction.scorecard.evaluate_claims` (``key``,
        ``relation``, ``reported``, ``reproduced``, ``reproduced_rounded``,
        ``difference``, ``agrees``, ``status``, ``section``, ``sentence``,
        ...), one row per target, plus ``met`` (bool: the value rounds to the
        reported number, or satisfies the stated bound) and ``reason`` (why a
        target is not met: :data:`KNOWN_CONFLICTS`, or "not explained").

    Notes
    -----
    A target is met exactly when the scorecard would count its claim as
    reproduced (rounded half up at the printed precision).

    References
    ----------
    Lu et al. 2021, every sentence listed in ``data/paper_claims.csv``.
    """
    from ..reproduction.scorecard import evaluate_claims

    if results is None:
        results = other_results(ch)
    card = evaluate_claims(calibration_targets(read_claims()), results)
    card["met"] = card["agrees"].fillna(False).astype(bool)
    card["reason"] = [
        "" if met else KNOWN_CONFLICTS.get(k, "not explained")
        for k, met in zip(card["key"], card["met"], strict=True)
    ]
    return card


def target_display(card: pd.DataFrame) -> pd.DataFrame:
    """The target table formatted for reading (text; rounded for display only).

    Returns
    -------
    pandas.DataFrame
        Columns ``#``, ``section``, ``result`` (the key in words), ``paper``,
        ``synthetic data``
        (at the paper's precision, two more decimals for a bound), ``met``
        (``yes``/``no``) and ``sentence``.
    """
    from ..reproduction.scorecard import display_frame

    shown = display_frame(card)
    return pd.DataFrame(
        {
            "#": shown["#"],
            "section": shown["section"],
            "result": shown["result"],
            "paper": shown["paper"],
            "synthetic data": shown["reproduced"],
            "met": np.where(card["met"].to_numpy(), "yes", "no"),
            "sentence": shown["sentence"],
        }
    )


def unmet_display(card: pd.DataFrame) -> pd.DataFrame:
    """The targets not met, with the reason (an empty table when all are met)."""
    shown = target_display(card)
    keep = ~card["met"].to_numpy()
    out = shown.loc[keep, ["result", "paper", "synthetic data"]].copy()
    out["why"] = card.loc[keep, "reason"].to_numpy()
    return out.reset_index(drop=True)


def assumptions() -> pd.DataFrame:
    """What the generator assumes where the paper gives no number.

    Returns
    -------
    pandas.DataFrame
        Columns ``topic``, ``assumption`` and ``why``, one row per
        assumption, in the order the generator uses them.
    """
    from .baseline import HEIGHT_SD_CM, JUVENILE_AGE_MEAN, JUVENILE_AGE_SD
    from .generator import CELLS_PER_KG, DEFAULT_SEED
    from .outcomes import FALL_MEAN

    rows = [
        (
            "Seed",
            f"{DEFAULT_SEED} for the committed cohort; every random draw comes from it.",
            "Regenerating with the same seed writes the same files, byte for byte.",
        ),
        (
            "Arm split of counts",
            "Onset group, sex and DK/DKA counts of the 53 analysed are split between the "
            "arms in proportion to the arm sizes.",
            "The paper gives totals only (Table 1 is an image); the arms were 'similar'.",
        ),
        (
            "Discontinuation months",
            "Controls who withdrew consent: months 1-3; controls who stopped "
            "adhering: months 4-6 (drawn in half months).",
            "'Five withdrew their consent within 3 months and four ... no more than half "
            "a year'.",
        ),
        (
            "Age by onset group",
            f"Juvenile-onset ages: mean {JUVENILE_AGE_MEAN:g}, SD {JUVENILE_AGE_SD:g} "
            "years; adult-onset ages take whatever the reported overall mean and SD "
            "then require.",
            "Only the overall mean and SD are reported; paediatric onset is mostly "
            "before 14 years.",
        ),
        (
            "Body size",
            f"BMI around an age-dependent mean, within age-dependent limits; weight = "
            f"BMI x height^2 with height at the median for age and sex plus an SD "
            f"score (SD {HEIGHT_SD_CM:g} cm, within 2.2 SD).",
            "Weight must agree with BMI and age; the cell dose depends on weight.",
        ),
        (
            "Cells infused",
            f"{CELLS_PER_KG:g} × 10⁶ cells per kg of baseline weight at each infusion "
            "received; the cell total counted in 10⁶ cells.",
            "'At each time, 1.0 × 10⁶ cells/kg was given'. The unit 10⁶ cells is the "
            "one whose smallest possible Wald SE is compatible with the reported CI "
            "(see the table of the cell-count unit below).",
        ),
        (
            "Whole-population model",
            # the covariates of chapters.factors.WHOLE_POPULATION_COVARIATES
            "Remission on arm, age, sex, duration, BMI, baseline HbA1c and baseline "
            "fasting C-peptide (the remission factors chapter's model).",
            "The paper does not list the covariates; this is the MSC-arm model's "
            "adjustment set plus the arm and the two baseline measures.",
        ),
        (
            "Forward selection",
            "SPSS 'Forward: LR': age, duration, sex and BMI forced; candidates enter by "
            "score test p < 0.05, leave by likelihood-ratio p > 0.10.",
            "SPSS 22's forward stepwise default; the paper names only 'step-wise forward "
            "selection'.",
        ),
        (
            "Who remits",
            "Drawn with the reported odds ratios of BMI and fasting C-peptide, then "
            "swapped within arms towards the reported models, keeping remitters and "
            "non-remitters of the MSC arm alike in age at onset, sex, DK/DKA and "
            "duration.",
            "Remission is then produced by the C-peptide values, never stored.",
        ),
        (
            "Other model terms",
            "Kept non-significant (|z| < 1.9) in both models; HbA1c kept out of the "
            "forward selection; baseline variables kept similar between arms.",
            "The paper names only the significant factors; Table 1 calls the arms "
            "similar except for the insulin dose.",
        ),
        (
            "C-peptide falls",
            "Mean relative fall among those whose C-peptide fell: "
            + ", ".join(f"{a} {o}-onset {100 * v:g}%" for (a, o), v in FALL_MEAN.items())
            + "; rises of 10% or more are scaled to the reported mean percent change, "
            "at most 250%.",
            "Natural history cited by the paper (about 18-40% loss in the first year); "
            "the subgroup statements (benefit among adult-onset participants only).",
        ),
        (
            "Intermediate visits",
            "C-peptide at 3 and 6 months lies between baseline and endpoint with noise; "
            "HbA1c keeps a personal level (correlation about 0.85); controls follow a "
            "course like the MSC arm's; glucose values are plausible draws.",
            "The paper reports the MSC arm's HbA1c means and SDs only.",
        ),
        (
            "Insulin-free periods",
            "Two start in months 1.0-2.9 (within 3 months of the first infusion), one "
            "at month 9 (6 months after the second infusion at month 3); insulin dose 0 "
            "at visits within a period.",
            "'within 3 months after the 1st transplantation ... 6 months after the 2nd'.",
        ),
        (
            "Fevers",
            "Which onset time belongs to the first infusion is drawn; the highest "
            "temperature is 38.3 C; each fever resolves by 24 h after the infusion.",
            "'1.5, 17, and 20 h ... Two of them occurred at the second time'.",
        ),
    ]
    return pd.DataFrame(rows, columns=["topic", "assumption", "why"])


def whole_msc_precision(pp: pd.DataFrame, t: Targets | None = None) -> dict:
    """How precise the arm's odds ratio of the whole-population model can be.

    Parameters
    ----------
    pp : pandas.DataFrame
        The per-protocol set with derived variables.
    t : Targets, optional
        For the paper's OR and p (default :func:`load_targets`).

    Returns
    -------
    dict
        ``se_data`` (Wald SE of the arm's log OR in the data), ``se_paper``
        (the SE the paper's OR and p imply: ``log(OR) / z(p)``), ``se_table``
        (``sqrt(1/a + 1/b + 1/c + 1/d)`` of the 2x2 table of remission by arm:
        the SE with no covariate and the smallest any fitted model can reach),
        ``se_bound`` (``sqrt(1/W1 + 1/W0)``, W the arm's sum of ``p (1 - p)``
        over the fitted probabilities: no model with these fitted
        probabilities can have a smaller SE), ``pval_data``. All but
        ``se_paper`` are NaN when the model cannot be fitted on these data.

    Notes
    -----
    The information about the arm coefficient, after adjustment for the
    intercept and the other covariates, is at most that of the model with the
    intercept and the arm alone at the same fitted probabilities, whose
    inverse is ``1/W1 + 1/W0``. With the arm's event counts fixed, each ``W``
    is largest when the fitted probabilities do not vary within the arm, which
    gives the 2x2 table's SE.

    References
    ----------
    Lu et al. 2021, Results ("OR = 4.38, p = 0.044") and Table S3.
    """
    from ..chapters.factors import WHOLE_POPULATION_COVARIATES
    from ..core.exceptions import ModelFitError
    from ..stats.logistic import fit_logit, logit_table

    t = t or load_targets()
    z = stats.norm.isf(t.value("factors.whole.msc.pval") / 2.0)
    se_paper = float(np.log(t.value("factors.whole.msc.or")) / z)
    try:
        table = logit_table(pp, covariates=WHOLE_POPULATION_COVARIATES).set_index("term")
        fit = fit_logit(pp, covariates=WHOLE_POPULATION_COVARIATES)
    except ModelFitError:
        # the model cannot be fitted on these data (the factors chapter says why)
        nan = float("nan")
        return {
            "se_data": nan,
            "se_paper": se_paper,
            "se_table": nan,
            "se_bound": nan,
            "pval_data": nan,
        }
    p = np.asarray(fit.result.predict(fit.X), dtype=float)
    arm = fit.X["msc"].to_numpy() == 1
    w = p * (1 - p)
    y = fit.y
    a, b = y[arm].sum(), (1 - y[arm]).sum()
    c, d = y[~arm].sum(), (1 - y[~arm]).sum()
    return {
        "se_data": float(table.at["msc", "se"]),
        "se_paper": se_paper,
        "se_table": float(np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)),
        "se_bound": float(np.sqrt(1 / w[arm].sum() + 1 / w[~arm].sum())),
        "pval_data": float(table.at["msc", "pval"]),
    }


def plausibility(ch) -> pd.DataFrame:
    """Checks that the participants are believable, as tidy rows.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``value``, ``method``, ``n``: ranges of age, BMI,
        weight, baseline fasting C-peptide and HbA1c at every visit; cells
        infused per kg and infusion in the MSC arm; the largest insulin dose at
        a visit inside an insulin-free period; visits after discontinuation.
    """
    t = ch.table
    v = ch.data.visits
    rows = []

    def rng_rows(key, s, what):
        s = pd.Series(s, dtype=float).dropna()
        rows.append(
            {"key": f"{key}.min", "value": s.min(), "method": f"min of {what}", "n": s.size}
        )
        rows.append(
            {"key": f"{key}.max", "value": s.max(), "method": f"max of {what}", "n": s.size}
        )

    rng_rows("cohort.age_years.all", t["age_years"], "age at enrolment, all enrolled")
    rng_rows("cohort.bmi_kg_m2.all", t["bmi_kg_m2"], "BMI, all enrolled")
    rng_rows("cohort.weight_kg.all", t["weight_kg"], "weight, all enrolled")
    rng_rows("cohort.fcp_pmol_l_0.all", t["fcp_pmol_l_0"], "baseline fasting C-peptide")
    rng_rows("cohort.hba1c_pct.visits", v["hba1c_pct"], "HbA1c at every visit")
    msc = t.loc[(t["arm"] == "MSC") & (t["infusions_received"] > 0)]
    per_kg = msc["msc_cells_total"] / msc["infusions_received"] / msc["weight_kg"]
    rng_rows(
        "cohort.cells_per_kg_infusion.msc",
        per_kg,
        "10⁶ cells per kg and infusion, MSC recipients",
    )
    merged = v.merge(
        t[
            [
                "subject_id",
                "insulin_free_start_month",
                "insulin_free_end_month",
                "status",
                "discontinued_month",
            ]
        ],
        on="subject_id",
    )
    inside = (merged["month"] >= merged["insulin_free_start_month"]) & (
        merged["month"] < merged["insulin_free_end_month"]
    )
    rows.append(
        {
            "key": "cohort.insulin_free.visits.max_dose",
            "value": float(merged.loc[inside, "insulin_iu_kg_day"].max())
            if inside.any()
            else 0.0,
            "method": "largest insulin dose (IU/kg/day) at a visit while insulin-free",
            "n": int(inside.sum()),
        }
    )
    after = (merged["status"] == "discontinued") & (
        merged["month"] > merged["discontinued_month"]
    )
    rows.append(
        {
            "key": "cohort.visits_after_discontinuation.all.n",
            "value": float(after.sum()),
            "method": "visits later than the participant's discontinuation",
            "n": int(len(merged)),
        }
    )
    return pd.DataFrame(rows)


def plausibility_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The plausibility checks for reading: ``check``, ``value`` (4 significant
    digits, display only) and ``n``."""
    return pd.DataFrame(
        {
            "check": frame["method"],
            "value": [f"{v:.4g}" for v in frame["value"]],
            "n": frame["n"].astype(int),
        }
    )


def whole_msc_sentence(res: pd.DataFrame) -> str:
    """The SE of the arm's log OR in these data against its bounds, in words.

    On data where the whole-population model cannot be fitted, says so
    instead of printing missing numbers.

    Examples
    --------
    >>> res = pd.DataFrame({"key": ["cohort.whole_msc.se_table"], "value": [float("nan")]})
    >>> whole_msc_sentence(res).startswith("On these data the whole-population model")
    True
    """
    v = res.set_index("key")["value"]
    keys = ("se_table", "se_bound", "se_data", "pval_data")
    got = {k: v.get(f"cohort.whole_msc.{k}") for k in keys}
    if any(x is None or not np.isfinite(x) for x in got.values()):
        return (
            "On these data the whole-population model cannot be fitted (the chapter "
            "Factors associated with remission says why), so neither the SE of the "
            "arm's log OR nor its lower bounds can be computed."
        )
    return (
        "The 2x2 table of remission by arm alone, with no covariate, has SE "
        f"{got['se_table']:.3f}, and no logistic model of these outcomes can be more "
        "precise than that. A model whose fitted probabilities vary within the arms, as "
        "they must when BMI and fasting C-peptide are significant predictors, has an SE "
        "of at least sqrt(1/W1 + 1/W0), W being the sum of p(1 - p) over each arm's "
        f"fitted probabilities: in these data that bound is {got['se_bound']:.3f} and the "
        f"SE is {got['se_data']:.3f}, so the arm's p-value is {got['pval_data']:.3f}."
    )


def record_texts(ch, res: pd.DataFrame) -> None:
    """Glue the chapter's sentences (``cohort.text.*``)."""
    ch.rec.text("cohort.text.whole_msc", whole_msc_sentence(res))


def results(ch, *, card: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every statistic of the chapter "How the synthetic cohort was built".

    Parameters
    ----------
    ch : ucmsc_repro.book.chapter.Chapter
    card : pandas.DataFrame, optional
        The target table (:func:`target_table`), computed when not given.

    Returns
    -------
    pandas.DataFrame
        Columns ``key, value, ci_low, ci_high, method, n``. Keys:
        ``cohort.targets.<all|met|not_met>.n`` and ``cohort.targets.met.pct``;
        ``cohort.targets.<section-free key>``: none;
        ``cohort.whole_msc.<se_data|se_paper|se_table|se_bound|pval_data>``
        (:func:`whole_msc_precision`);
        ``cohort.stepwise.<term>.slack`` (how deep inside the rounding windows
        of the paper's OR, CI and p the best coefficient and SE lie, in half
        units of the last decimal: small means the four printed numbers barely
        agree); ``cohort.cells.<unit_1e6|unit_1e7>.min_se`` and
        ``cohort.cells.paper.implied_se`` (the cell-count unit); the
        plausibility checks of :func:`plausibility`.

    References
    ----------
    Lu et al. 2021; the calibration targets are the ``calibrate=yes`` rows of
    ``data/paper_claims.csv``.
    """
    from ..stats.logistic import min_wald_se, wald_se_from_ci
    from .model_terms import interval_center, reported_term

    if card is None:
        card = target_table(ch)
    n_all = len(card)
    n_met = int(card["met"].sum())
    rows = [
        {
            "key": "cohort.targets.all.n",
            "value": n_all,
            "method": "calibration targets (calibrate=yes rows of the claims file)",
        },
        {
            "key": "cohort.targets.met.n",
            "value": n_met,
            "method": "targets met at the paper's printed precision",
            "n": n_all,
        },
        {
            "key": "cohort.targets.not_met.n",
            "value": n_all - n_met,
            "method": "targets not met",
            "n": n_all,
        },
        {
            "key": "cohort.targets.met.pct",
            "value": 100.0 * n_met / n_all if n_all else np.nan,
            "method": "percent of targets met",
            "n": n_all,
        },
    ]
    t = load_targets()
    prec = whole_msc_precision(ch.pp, t)
    labels = {
        "se_data": "Wald SE of log OR of the arm in these data",
        "se_paper": "SE implied by the paper's OR and p: log(OR) / z(p/2)",
        "se_table": "SE of the 2x2 table of remission by arm (no covariates)",
        "se_bound": "sqrt(1/W1 + 1/W0) at the fitted probabilities",
        "pval_data": "Wald p of the arm in these data",
    }
    n_pp = len(ch.pp)
    rows += [
        {"key": f"cohort.whole_msc.{k}", "value": v, "method": labels[k], "n": n_pp}
        for k, v in prec.items()
    ]
    for term in ("fcp_pmol_l_0", "msc_cells_total"):
        slack = interval_center(reported_term(t, f"factors.stepwise.{term}"))[2]
        rows.append(
            {
                "key": f"cohort.stepwise.{term}.slack",
                "value": slack,
                "method": "depth of the best (coef, SE) inside the rounding windows of the "
                "paper's OR, CI and p, in half units of the last decimal",
            }
        )
    cells = ch.pp.loc[ch.pp["msc"] == 1, "msc_cells_total"].dropna()
    key = "factors.stepwise.msc_cells_total.or"
    rows += [
        {
            "key": "cohort.cells.unit_1e6.min_se",
            "value": min_wald_se(cells),
            "method": "smallest possible Wald SE, cells in 10⁶",
            "n": cells.size,
        },
        {
            "key": "cohort.cells.unit_1e7.min_se",
            "value": min_wald_se(cells / 10.0),
            "method": "smallest possible Wald SE, cells in 10^7",
            "n": cells.size,
        },
        {
            "key": "cohort.cells.paper.implied_se",
            "value": wald_se_from_ci(t.value(f"{key}.ci_low"), t.value(f"{key}.ci_high")),
            "method": "SE of log OR implied by the paper's 95% CI",
        },
    ]
    out = results_frame(
        pd.concat([pd.DataFrame(rows), plausibility(ch)], ignore_index=True)
    )
    out["value"] = out["value"].astype(float)
    return out
