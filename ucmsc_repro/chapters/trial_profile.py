"""Trial profile (the paper's Figure 1): enrolled, assigned, discontinued, analysed."""

from __future__ import annotations

import re

import pandas as pd

from ..core.results_table import results_frame
from ..data.derive import per_protocol_mask

__all__ = ["ARMS", "flow_counts", "discontinuations", "results"]

#: Arms in display order, with their key names.
ARMS = (("MSC", "msc"), ("control", "control"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_") or "unspecified"


def flow_counts(subjects: pd.DataFrame) -> pd.DataFrame:
    """Participants at each stage of the trial, per arm.

    Parameters
    ----------
    subjects : pandas.DataFrame
        Validated ``subjects.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``stage`` (``enrolled``, ``assigned``, ``discontinued``,
        ``completed_not_per_protocol``, ``analysed``), ``arm`` (``all``,
        ``MSC``, ``control``) and ``n``. ``analysed`` is the per-protocol set;
        ``completed_not_per_protocol`` counts participants who completed
        follow-up without receiving the allocated treatment.

    Examples
    --------
    >>> s = pd.DataFrame({"arm": ["MSC", "MSC", "control"],
    ...                   "status": ["completed", "discontinued", "completed"],
    ...                   "infusions_received": [2, 1, 0]})
    >>> flow_counts(s).query("stage == 'analysed'")["n"].tolist()
    [1, 1, 2]
    """
    pp = per_protocol_mask(subjects)
    rows = [{"stage": "enrolled", "arm": "all", "n": len(subjects)}]
    for arm, _ in ARMS:
        in_arm = subjects["arm"].eq(arm)
        disc = in_arm & subjects["status"].eq("discontinued")
        rows += [
            {"stage": "assigned", "arm": arm, "n": int(in_arm.sum())},
            {"stage": "discontinued", "arm": arm, "n": int(disc.sum())},
            {
                "stage": "completed_not_per_protocol",
                "arm": arm,
                "n": int((in_arm & ~disc & ~pp).sum()),
            },
            {"stage": "analysed", "arm": arm, "n": int((in_arm & pp).sum())},
        ]
    rows.append({"stage": "analysed", "arm": "all", "n": int(pp.sum())})
    return pd.DataFrame(rows)


def discontinuations(subjects: pd.DataFrame) -> pd.DataFrame:
    """Discontinuations per arm and reason, with their timing.

    Returns
    -------
    pandas.DataFrame
        Columns ``arm``, ``reason``, ``n``, ``month_min``, ``month_max``
        (months from enrolment to discontinuation), and ``infusions``
        (how many participants received 0, 1 and 2 infusions, as text).
        One row per arm and reason; no participant-level rows.
    """
    d = subjects.loc[subjects["status"].eq("discontinued")].copy()
    d["reason"] = d["discontinued_reason"].fillna("not given")
    rows = []
    for (arm, reason), g in d.groupby(["arm", "reason"], sort=True):
        counts = g["infusions_received"].value_counts().sort_index()
        rows.append(
            {
                "arm": arm,
                "reason": reason,
                "n": len(g),
                "month_min": float(g["discontinued_month"].min()),
                "month_max": float(g["discontinued_month"].max()),
                "infusions": ", ".join(f"{int(k)}: {int(v)}" for k, v in counts.items()),
            }
        )
    return pd.DataFrame(
        rows, columns=["arm", "reason", "n", "month_min", "month_max", "infusions"]
    )


def results(ch) -> pd.DataFrame:
    """Every statistic of the trial-profile chapter.

    Keys: ``trial_profile.enrolled.all.n``, ``trial_profile.<stage>.<arm>.n``
    for assigned, discontinued and analysed, ``trial_profile.analysed.all.n``,
    and per discontinuation reason ``trial_profile.discontinued.<arm>.<reason>.n``,
    ``.month_min``, ``.month_max``; ``trial_profile.discontinued.<arm>.infusions_<k>.n``
    for the infusions the discontinued participants had received and
    ``trial_profile.discontinued.msc.infused.n`` for those with at least one.
    """
    subjects = ch.data.subjects
    counts = flow_counts(subjects)
    names = dict(ARMS) | {"all": "all"}
    rows = [
        {
            "key": f"trial_profile.{r.stage}.{names[r.arm]}.n",
            "value": float(r.n),
            "method": "count",
        }
        for r in counts.itertuples()
        if r.stage != "completed_not_per_protocol" or r.n > 0
    ]
    for r in discontinuations(subjects).itertuples():
        base = f"trial_profile.discontinued.{names[r.arm]}.{_slug(r.reason)}"
        rows += [
            {"key": f"{base}.n", "value": float(r.n), "method": "count"},
            {"key": f"{base}.month_min", "value": r.month_min, "method": "minimum"},
            {"key": f"{base}.month_max", "value": r.month_max, "method": "maximum"},
        ]
    disc = subjects.loc[subjects["status"].eq("discontinued")]
    for arm, key in ARMS:
        got = disc.loc[disc["arm"].eq(arm), "infusions_received"]
        if arm == "control":
            continue
        rows.append(
            {
                "key": f"trial_profile.discontinued.{key}.infused.n",
                "value": float((got > 0).sum()),
                "method": "count (at least one infusion received)",
            }
        )
        for k in (0, 1, 2):
            rows.append(
                {
                    "key": f"trial_profile.discontinued.{key}.infusions_{k}.n",
                    "value": float((got == k).sum()),
                    "method": "count",
                }
            )
    return results_frame(rows)
