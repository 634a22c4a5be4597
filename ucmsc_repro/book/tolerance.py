"""Numbers compared at a stated precision, never at their last bit.

A chapter's numbers come out of BLAS and LAPACK (logistic fits, the synthetic
cohort's solver), whose kernels differ between CPUs in the order they add
things up: the same computation gives ``4.379509364302098`` on one machine and
``4.379509364302097`` on another. What the book promises is that every
*reported* number is the same everywhere, so regression checks compare
numbers with a relative tolerance far above that noise and far below any
printed digit:

- :data:`RTOL` (1e-9 relative) is about a million times the last-bit
  noise of a double (2.2e-16) and a thousand times finer than the
  finest number the book prints (p-values and ORs at 3 significant digits,
  claims at up to 4), so a change of 1e-6 relative fails and one of 1e-13
  passes;
- :data:`ATOL` (1e-12) lets a quantity that is exactly 0 in theory (a
  difference of two equal means) compare equal to its 1e-17 rounding noise;
- :data:`ITERATIVE_RTOL` and :data:`ITERATIVE_ATOL` (1e-6 relative or
  absolute) are for the numbers of an iterative optimizer that stops at a
  gradient tolerance (:data:`ITERATIVE_KEYS`: the MMRM's REML fit by BFGS),
  which are determined to about 1e-8 only: another CPU's arithmetic moves them
  by 1e-8 (measured with ``OPENBLAS_CORETYPE=Sandybridge``; an interval bound
  near 0 by 7e-9 absolute), still a thousand times below the finest digit the
  book prints of them (differences and bounds at 2 or 3 decimals).

Text (labels, test names, formatted p-values) is compared exactly.

The functions here are used by the nbval plugin
(:mod:`ucmsc_repro.book.nbval_tolerance`), by the tests of the synthetic cohort and
by anyone who wants to check a ``results.csv`` from another machine against
their own (:func:`compare_results`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd

__all__ = [
    "ATOL",
    "ITERATIVE_ATOL",
    "ITERATIVE_KEYS",
    "ITERATIVE_RTOL",
    "RECORD_MIME",
    "RTOL",
    "close",
    "compare_glued",
    "compare_results",
    "glued_values",
    "parse_number",
    "tolerance_for",
]

#: Relative tolerance of every regression comparison of a number.
RTOL = 1e-9
#: Absolute tolerance, for quantities that are 0 up to rounding noise.
ATOL = 1e-12
#: Relative and absolute tolerance of the numbers of iterative fits stopped at a
#: gradient tolerance.
ITERATIVE_RTOL = 1e-6
ITERATIVE_ATOL = 1e-6
#: Key prefixes of such numbers.
ITERATIVE_KEYS = ("trial_models.mmrm.",)


def tolerance_for(name: str, rtol: float = RTOL, atol: float = ATOL):
    """The (relative, absolute) tolerance of the number glued or recorded as ``name``.

    >>> tolerance_for("primary.pval_fisher")
    (1e-09, 1e-12)
    >>> tolerance_for("trial_models.mmrm.hba1c.m3.diff")
    (1e-06, 1e-06)
    """
    if name.startswith(ITERATIVE_KEYS):
        return max(rtol, ITERATIVE_RTOL), max(atol, ITERATIVE_ATOL)
    return rtol, atol


#: The MIME type under which myst-nb's ``glue`` stores a value in a notebook.
RECORD_MIME = "application/papermill.record/text/plain"


def parse_number(text) -> float | None:
    """The float a glued value's text stands for, or None if it is not a number.

    Examples
    --------
    >>> parse_number("4.379509364302098"), parse_number("nan"), parse_number("'p = 0.041'")
    (4.379509364302098, nan, None)
    """
    if isinstance(text, list):
        text = "".join(text)
    if not isinstance(text, str):
        return None
    s = text.strip()
    try:
        return float(s)
    except ValueError:
        return None


def close(a: float, b: float, *, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Whether two numbers are equal at the stated precision (NaN equals NaN).

    Examples
    --------
    >>> close(4.379509364302098, 4.379509364302097)
    True
    >>> close(4.3795, 4.3795 * (1 + 1e-6))
    False
    >>> close(float("nan"), float("nan")), close(float("nan"), 0.0)
    (True, False)
    """
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def glued_values(outputs: Iterable[Mapping]) -> dict[str, str]:
    """Name -> text of every value glued in a cell's outputs.

    Examples
    --------
    >>> out = {"data": {RECORD_MIME: "1.5"}, "metadata": {"scrapbook": {"name": "x"}}}
    >>> glued_values([out])
    {'x': '1.5'}
    """
    found: dict[str, str] = {}
    for out in outputs:
        data = out.get("data") or {}
        if RECORD_MIME not in data:
            continue
        name = ((out.get("metadata") or {}).get("scrapbook") or {}).get("name")
        text = data[RECORD_MIME]
        found[str(name)] = "".join(text) if isinstance(text, list) else str(text)
    return found


def compare_glued(
    reference: Iterable[Mapping],
    tested: Iterable[Mapping],
    *,
    rtol: float = RTOL,
    atol: float = ATOL,
) -> list[str]:
    """Differences between the glued values of two runs of a cell.

    Numbers are compared with :func:`close`, text exactly; a value glued in
    one run and not the other is a difference too.

    Returns
    -------
    list of str
        One sentence per difference (empty when the runs agree).

    Examples
    --------
    >>> meta = {"scrapbook": {"name": "or"}}
    >>> ref = [{"data": {RECORD_MIME: "2.0"}, "metadata": meta}]
    >>> new = [{"data": {RECORD_MIME: "2.000002"}, "metadata": meta}]
    >>> compare_glued(ref, new)
    ['or: 2.000002 differs from the recorded 2.0 (relative difference 1e-06 > 1e-09)']
    >>> compare_glued(ref, ref)
    []
    """
    ref, new = glued_values(reference), glued_values(tested)
    problems = []
    for name in ref.keys() - new.keys():
        problems.append(f"{name}: recorded, but not glued in this run")
    for name in new.keys() - ref.keys():
        problems.append(f"{name}: glued in this run, but not recorded")
    for name in ref.keys() & new.keys():
        a, b = parse_number(ref[name]), parse_number(new[name])
        if a is None or b is None:
            if ref[name] != new[name]:
                problems.append(
                    f"{name}: {new[name]} differs from the recorded {ref[name]}"
                )
            continue
        t = tolerance_for(name, rtol, atol)
        if not close(a, b, rtol=t[0], atol=t[1]):
            problems.append(_number_difference(name, a, b, t[0]))
    return sorted(problems)


def _number_difference(name: str, recorded: float, now: float, rtol: float) -> str:
    scale = max(abs(recorded), abs(now))
    rel = abs(now - recorded) / scale if scale and math.isfinite(scale) else float("inf")
    return (
        f"{name}: {now!r} differs from the recorded {recorded!r} "
        f"(relative difference {rel:.2g} > {rtol:g})"
    )


def compare_results(
    reference: pd.DataFrame,
    tested: pd.DataFrame,
    *,
    rtol: float = RTOL,
    atol: float = ATOL,
    columns: tuple[str, ...] = ("value", "ci_low", "ci_high", "n"),
) -> list[str]:
    """Differences between two results frames (``results.csv``), key by key.

    Parameters
    ----------
    reference, tested : pandas.DataFrame
        Frames with a ``key`` column and the numeric ``columns``; ``method``
        (and any text value) is compared exactly when present.

    Returns
    -------
    list of str
        One sentence per key and column that differ (empty when they agree).

    Examples
    --------
    >>> a = pd.DataFrame({"key": ["x"], "value": [0.1 + 0.2]})
    >>> compare_results(a, pd.DataFrame({"key": ["x"], "value": [0.3]}), columns=("value",))
    []
    """
    ref = reference.set_index("key")
    new = tested.set_index("key")
    problems = [f"{k}: missing from this run" for k in ref.index.difference(new.index)]
    problems += [f"{k}: not in the reference" for k in new.index.difference(ref.index)]
    text_columns = [c for c in ("method",) if c in ref.columns and c in new.columns]
    for key in ref.index.intersection(new.index):
        for col in (*columns, *text_columns):
            if col not in ref.columns or col not in new.columns:
                continue
            a, b = ref.at[key, col], new.at[key, col]
            na, nb = _as_number(a), _as_number(b)
            if na is None or nb is None:
                if _text(a) != _text(b):
                    problems.append(
                        f"{key} ({col}): {_text(b)!r} differs from {_text(a)!r}"
                    )
            elif not close(
                na, nb, rtol=(t := tolerance_for(key, rtol, atol))[0], atol=t[1]
            ):
                problems.append(_number_difference(f"{key} ({col})", na, nb, t[0]))
    return problems


def _as_number(x) -> float | None:
    if isinstance(x, bool):
        return float(x)
    if isinstance(x, int | float):
        return float(x)
    if x is None or (isinstance(x, str) and x == ""):
        return float("nan")
    return parse_number(x)


def _text(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return str(x)
