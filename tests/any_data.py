"""Valid data folders of every awkward shape, and chapters run on them in-process.

Used by ``tests/test_any_data.py``. Two pieces:

- :func:`cohorts`, a hypothesis strategy that draws data folders inside the data
  contract, with the edge cases a real data set has among its draws: zero cells
  for each remission definition, nobody or everybody remitting, one onset group
  only, no dropouts, tiny arms, missing visits, empty antibody columns, many or no
  insulin-free periods, one sex, perfect separation by a covariate, many adverse
  events, coarse rounding (ties), extra visit months, larger cohorts;
- :func:`run_chapter`, which executes a chapter notebook's code cells in this
  process (no kernel: fast enough for property-based tests), capturing what it
  displays and what it glues, and :func:`reader_problems`, which lists every
  ``nan``/``inf``/``None`` a reader would see: in a displayed table or text, or in
  a glued value the chapter's prose refers to.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pandas as pd
from hypothesis import strategies as st

matplotlib.use("Agg")

#: Shapes of data drawn by :func:`cohorts` (each draw picks one, then varies it).
KINDS = (
    "plain",
    "nobody_remits",
    "everybody_remits",
    "no_control_remits_fasting",
    "all_juvenile",
    "all_adult",
    "no_dropouts",
    "tiny_arms",
    "missing_visits",
    "no_antibodies",
    "many_insulin_free",
    "one_sex",
    "separation",
    "many_adverse_events",
    "coarse_ties",
    "extra_months",
    "large",
)

REASONS = ("withdrew consent", "did not adhere to protocol", "lost to follow-up", "other")


@st.composite
def cohorts(draw, kinds=KINDS):
    """A dict of three DataFrames (subjects, visits, adverse events) in the contract."""
    kind = draw(st.sampled_from(kinds))
    seed = draw(st.integers(0, 2**32 - 1))
    lo, hi = ARM_SIZES.get(kind, (5, 35))
    n_msc, n_ctl = draw(st.integers(lo, hi)), draw(st.integers(lo, hi))
    return build_cohort(kind, seed, n_msc, n_ctl)


#: Range of each arm's size by kind (others: 5 to 35).
ARM_SIZES = {"tiny_arms": (2, 4), "large": (80, 200)}


def build_cohort(kind: str, seed: int, n_msc: int, n_ctl: int) -> dict:
    """The cohort :func:`cohorts` draws for these choices (deterministic)."""
    rng = np.random.default_rng(seed)
    n = n_msc + n_ctl
    arm = np.array(["MSC"] * n_msc + ["control"] * n_ctl)
    if kind == "all_juvenile":
        age = rng.uniform(8, 17.5, n)
    elif kind == "all_adult":
        age = rng.uniform(18, 55, n)
    else:
        age = rng.uniform(8, 55, n)
    sex = np.array(["M"] * n) if kind == "one_sex" else rng.choice(["M", "F"], n)
    drop_share = 0.0 if kind in ("no_dropouts", "tiny_arms") else 0.2
    dropped = rng.random(n) < drop_share
    if kind == "tiny_arms":
        dropped[:] = False
    infusions = np.where(arm == "MSC", np.where(dropped, rng.integers(0, 3, n), 2), 0)
    weight = np.round(rng.uniform(25, 90, n), 1)
    status = np.where(dropped, "discontinued", "completed")
    disc_month = np.where(dropped, np.round(rng.uniform(0, 11, n), 1), np.nan)
    reason = np.where(dropped, rng.choice(REASONS, n), "")
    decimals = 0 if kind == "coarse_ties" else 1
    fcp0 = np.round(rng.uniform(100, 600, n), decimals)
    pcp0 = np.round(fcp0 * rng.uniform(1.5, 4, n), decimals)
    if kind == "separation":
        # remission determined by BMI: a covariate that separates it perfectly
        bmi = np.round(rng.uniform(14, 30, n), 1)
        remit = bmi > np.median(bmi)
    else:
        bmi = np.round(rng.uniform(14, 30, n), decimals)
        share = {"nobody_remits": 0.0, "everybody_remits": 1.0}.get(kind, 0.35)
        remit = rng.random(n) < share
    factor = np.where(remit, rng.uniform(1.15, 1.6, n), rng.uniform(0.4, 0.95, n))
    fcp_factor, pcp_factor = factor.copy(), factor.copy()
    if kind == "no_control_remits_fasting":
        fcp_factor = np.where(arm == "control", rng.uniform(0.4, 0.95, n), fcp_factor)
    months = [0, 3, 6, 12] + ([18, 24] if kind == "extra_months" else [])
    visit_rows = []
    for i in range(n):
        last = disc_month[i] if dropped[i] else np.inf
        for m in months:
            if m > last:
                break
            if kind == "missing_visits" and m in (3, 6):
                continue
            if kind == "missing_visits" and m == 12 and rng.random() < 0.5:
                continue
            frac = min(m, 12) / 12
            f = fcp0[i] * (1 + (fcp_factor[i] - 1) * frac)
            p = pcp0[i] * (1 + (pcp_factor[i] - 1) * frac)
            hba = 10.0 if m == 0 else 7.0
            visit_rows.append(
                {
                    "subject_id": f"S{i + 1:03d}",
                    "month": m,
                    "hba1c_pct": round(float(np.clip(rng.normal(hba, 1.2), 4, 16)), 1),
                    "fcp_pmol_l": round(float(f), decimals),
                    "pcp_pmol_l": round(float(p), decimals),
                    "insulin_iu_kg_day": round(float(rng.uniform(0.1, 1.2)), 2),
                    "glucose_fasting_mmol_l": round(float(rng.uniform(4, 12)), 1),
                    "glucose_2h_mmol_l": round(float(rng.uniform(6, 18)), 1),
                }
            )
    free_start = np.full(n, np.nan)
    free_end = np.full(n, np.nan)
    if kind == "many_insulin_free":
        chosen = rng.random(n) < 0.5
        free_start = np.where(chosen, np.round(rng.uniform(0, 8, n), 1), np.nan)
        still = rng.random(n) < 0.5  # open periods: still insulin-free
        free_end = np.where(
            chosen & ~still, free_start + np.round(rng.uniform(1, 20, n), 1), np.nan
        )
    antibody = (
        (lambda: [""] * n)
        if kind == "no_antibodies"
        else (lambda: list(rng.choice(["positive", "negative", ""], n)))
    )
    subjects = pd.DataFrame(
        {
            "subject_id": [f"S{i + 1:03d}" for i in range(n)],
            "arm": arm,
            "sex": sex,
            "age_years": np.round(age, 1),
            "duration_months": np.round(rng.uniform(0, 24, n), 1),
            "bmi_kg_m2": bmi,
            "weight_kg": weight,
            "dka_at_onset": rng.choice(["none", "DK", "DKA"], n),
            "gada": antibody(),
            "iaa": antibody(),
            "ia2a": antibody(),
            "ica": antibody(),
            "status": status,
            "discontinued_month": disc_month,
            "discontinued_reason": reason,
            "infusions_received": infusions,
            "msc_cells_total": np.where(
                infusions > 0, np.round(infusions * weight, 1), np.nan
            ),
            "insulin_free_start_month": free_start,
            "insulin_free_end_month": free_end,
        }
    )
    events = []
    n_events = {"many_adverse_events": 40, "plain": 3}.get(kind, 0)
    candidates = np.flatnonzero(infusions > 0)
    for _ in range(n_events if len(candidates) else 0):
        i = int(rng.choice(candidates))
        events.append(
            {
                "subject_id": f"S{i + 1:03d}",
                "infusion": int(rng.integers(1, infusions[i] + 1)),
                "term": str(rng.choice(["fever", "headache", "rash", "thrombosis"])),
                "onset_hours": round(float(rng.uniform(0, 48)), 1),
                "max_temp_c": round(float(rng.uniform(36.5, 39.5)), 1),
                "severity": str(rng.choice(["mild", "moderate", "severe"])),
                "serious": str(rng.choice(["yes", "no"], p=[0.2, 0.8])),
                "resolved_hours": round(float(rng.uniform(1, 72)), 1),
            }
        )
    columns = [
        "subject_id",
        "infusion",
        "term",
        "onset_hours",
        "max_temp_c",
        "severity",
        "serious",
        "resolved_hours",
    ]
    return {
        "kind": kind,
        "subjects.csv": subjects,
        "visits.csv": pd.DataFrame(visit_rows),
        "adverse_events.csv": pd.DataFrame(events, columns=columns),
    }


def write_cohort(cohort: dict, folder: Path) -> Path:
    """Write a drawn cohort as a data folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("subjects.csv", "visits.csv", "adverse_events.csv"):
        cohort[name].to_csv(folder / name, index=False)
    return folder


# --- chapters in this process ----------------------------------------------------

_GLUE_REF = re.compile(r"\{glue(?::\w*)?\}`(?:[^`:]*::)?([^`:]+)(?::[^`]*)?`")
_BAD = re.compile(r"(?<![\w.-])(nan|NaN|inf|-inf|None|<NA>|NaT)(?![\w-])")


class _Captured:
    def __init__(self):
        self.displayed: list[str] = []
        self.glued: dict[str, object] = {}


def _as_text(obj) -> str:
    import IPython.display

    if isinstance(obj, IPython.display.Image):
        return ""
    if isinstance(obj, dict):  # a raw MIME bundle (figures.render.show): its words only
        return "\n".join(str(v) for k, v in obj.items() if not k.startswith("image/"))
    if hasattr(obj, "_repr_html_") and obj._repr_html_() is not None:
        return obj._repr_html_()
    if hasattr(obj, "data") and isinstance(obj.data, str):
        return obj.data
    if isinstance(obj, matplotlib.figure.Figure):
        return ""
    return str(obj)


def chapter_parameters(folder) -> dict:
    """A chapter notebook's papermill parameters for ``folder`` (None: the default
    data), with the paper's settings and nothing written."""
    return {
        "data_dir": None if folder is None else str(folder),
        "results_path": None,
        "output_dir": None,
        "endpoint_month": 12,
        "remission_threshold": 0.10,
        "adult_onset_age": 18,
        "alpha": 0.05,
    }


def run_chapter(notebook: Path, parameters: dict, monkeypatch) -> _Captured:
    """Execute a chapter notebook's code cells here, capturing displays and glue.

    Parameters replace the notebook's ``parameters`` cell, as papermill does.
    """
    import IPython.display
    import myst_nb

    cap = _Captured()

    def display(*objs, **kwargs):
        for o in objs:
            cap.displayed.append(_as_text(o))
        # a figure's alt text is read to the reader too
        cap.displayed += [str(v) for v in (kwargs.get("metadata") or {}).values()]

    def glue(name, value, display=True):  # noqa: ARG001 - myst_nb's signature
        cap.glued[name] = value

    monkeypatch.setattr(IPython.display, "display", display)
    monkeypatch.setattr(myst_nb, "glue", glue)
    nb = nbformat.read(notebook, as_version=4)
    namespace: dict = {"display": display}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "parameters" in cell.metadata.get("tags", []):
            namespace.update(parameters)
            continue
        tree = ast.parse(cell.source)
        last = (
            tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        )
        exec(compile(tree, notebook.name, "exec"), namespace)  # noqa: S102
        if last is not None:
            value = eval(
                compile(ast.Expression(last.value), notebook.name, "eval"), namespace
            )  # noqa: S307
            if value is not None:
                display(value)
    matplotlib.pyplot.close("all")
    cap.markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return cap


def _bad_value(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float):
        return not math.isfinite(v)
    if isinstance(v, str):
        return bool(_BAD.search(v))
    return False


def reader_problems(cap: _Captured) -> list[str]:
    """Every nan/inf/None that would reach a reader of this chapter."""
    problems = []
    for text in cap.displayed:
        # what a reader sees: no script or style bodies (a sort function's NaN is code)
        shown = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
        plain = re.sub(r"<[^>]+>", " ", shown)
        for m in _BAD.finditer(plain):
            start = max(0, m.start() - 60)
            problems.append(f"displayed: ...{plain[start : m.end() + 20].strip()}...")
    for key in sorted(set(_GLUE_REF.findall(cap.markdown))):
        if key not in cap.glued:
            problems.append(f"prose refers to {key}, which was not glued")
        elif _bad_value(cap.glued[key]):
            problems.append(f"prose shows {key} = {cap.glued[key]!r}")
    return problems
