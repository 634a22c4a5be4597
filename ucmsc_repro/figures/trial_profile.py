"""The trial profile as a CONSORT-style flow diagram, drawn with matplotlib.

No network and no Graphviz: boxes and arrows are laid out here, top to bottom,
in the CONSORT 2010 stages (enrolment, allocation, follow-up, analysis), one
column per arm. Participants who stay in the trial flow straight down their
arm's column; those lost (discontinued) or excluded from the analysis leave it
sideways, into side boxes off the vertical flow, outside the two columns.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from ..chapters.trial_profile import ARMS, discontinuations, flow_counts
from .render import set_alt

__all__ = ["trial_profile_figure", "flow_boxes"]

#: Width of the figure (inches): the SVG is 768 px wide, shown at the content
#: width (688-790 px) with 9 pt text at 10.8 px or more.
WIDTH = 8.0
FONT = 9.0
_LINE = FONT * 1.25 / 72  # inches per text line
_PAD = 0.09
_GAP = 0.22  # vertical space between boxes
_BAND = 0.26  # height of a stage band
_EDGE = "0.15"
_BAND_FACE = "#e3ebf6"

#: Horizontal place (inches) of each arm's main column and of its side boxes:
#: MSC losses to the left, control losses to the right, the flow in the middle.
_COLUMNS = {
    "MSC": {"main": (2.17, 1.78), "side": (0.1, 1.95), "side_of": "left"},
    "control": {"main": (4.05, 1.78), "side": (5.95, 1.95), "side_of": "right"},
}
_LABEL = {"MSC": "MSC-treated", "control": "control"}


@dataclass
class Box:
    """One box of the diagram (inches from the bottom left, text as drawn)."""

    stage: str
    arm: str
    kind: str  # "main" or "side"
    x: float
    width: float
    text: str
    top: float = 0.0

    @property
    def height(self) -> float:
        return self.text.count("\n") * _LINE + _LINE + 2 * _PAD

    @property
    def bottom(self) -> float:
        return self.top - self.height

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.top - self.height / 2


def _n(counts: pd.DataFrame, stage: str, arm: str) -> int:
    hit = counts.loc[counts["stage"].eq(stage) & counts["arm"].eq(arm), "n"]
    return int(hit.iloc[0]) if len(hit) else 0


def _wrap(text: str, width: float, indent: str = "") -> str:
    chars = max(12, int(width * 72 / (FONT * 0.52)) - 2)
    return "\n".join(
        "\n".join(
            textwrap.wrap(line, chars, subsequent_indent=indent, break_on_hyphens=False)
        )
        or line
        for line in text.split("\n")
    )


#: A space where a box's text is never wrapped ("n = 5", "month 3").
_NB = "\u00a0"


def _eq(n: int) -> str:
    return f"n{_NB}={_NB}{n}"


def _when(lo: float, hi: float) -> str:
    return f"month{_NB}{lo:g}" if lo == hi else f"months{_NB}{lo:g}\u2013{hi:g}"


def _losses(disc: pd.DataFrame, arm: str, n: int) -> str:
    lines = [f"Discontinued, {_eq(n)}"]
    for r in disc.loc[disc["arm"].eq(arm)].itertuples():
        lines.append(f"\u2022 {r.reason}, {_eq(r.n)} ({_when(r.month_min, r.month_max)})")
    return "\n".join(lines)


def flow_boxes(subjects: pd.DataFrame) -> list[Box]:
    """The diagram's boxes, in drawing order, without coordinates on the page.

    Returns
    -------
    list of Box
        ``stage`` is one of enrolment, allocation, follow-up, analysis;
        ``kind`` is ``main`` for the boxes on the vertical flow and ``side``
        for losses and exclusions. An exclusion box is drawn only when some
        participant completed follow-up without the allocated treatment.
    """
    counts = flow_counts(subjects)
    disc = discontinuations(subjects)
    boxes = [
        Box(
            "enrolment",
            "all",
            "main",
            WIDTH / 2 - 1.2,
            2.4,
            f"Enrolled\n{_eq(_n(counts, 'enrolled', 'all'))}",
        )
    ]
    for arm, _ in ARMS:
        x, w = _COLUMNS[arm]["main"]
        text = f"Allocated to {_LABEL[arm]}\n{_eq(_n(counts, 'assigned', arm))}"
        in_arm = subjects.loc[subjects["arm"].eq(arm), "infusions_received"]
        if arm == "MSC":
            text += f"\nreceived at least one infusion, {_eq(int((in_arm > 0).sum()))}"
        boxes.append(Box("allocation", arm, "main", x, w, _wrap(text, w)))
    for arm, _ in ARMS:
        x, w = _COLUMNS[arm]["side"]
        text = _losses(disc, arm, _n(counts, "discontinued", arm))
        boxes.append(Box("follow-up", arm, "side", x, w, _wrap(text, w, "  ")))
    for arm, _ in ARMS:
        extra = _n(counts, "completed_not_per_protocol", arm)
        if extra:
            x, w = _COLUMNS[arm]["side"]
            text = (
                "Excluded from analysis\ncompleted follow-up without the allocated "
                f"treatment, {_eq(extra)}"
            )
            boxes.append(Box("analysis", arm, "side", x, w, _wrap(text, w)))
    for arm, _ in ARMS:
        x, w = _COLUMNS[arm]["main"]
        text = f"Analysed (per protocol)\n{_eq(_n(counts, 'analysed', arm))}"
        boxes.append(Box("analysis", arm, "main", x, w, _wrap(text, w)))
    return boxes


def _alt(subjects: pd.DataFrame) -> str:
    counts = flow_counts(subjects)
    n = {
        stage: [_n(counts, stage, arm) for arm, _ in ARMS]
        for stage in ("assigned", "discontinued", "analysed")
    }
    return (
        "CONSORT-style flow diagram of the trial, one column per arm: "
        f"{_n(counts, 'enrolled', 'all')} enrolled; allocated {n['assigned'][0]} to "
        f"MSC-treated and {n['assigned'][1]} to control; discontinued, in side boxes "
        f"off the flow with their reasons, {n['discontinued'][0]} (MSC-treated) and "
        f"{n['discontinued'][1]} (control); analysed per protocol {n['analysed'][0]} "
        f"(MSC-treated) and {n['analysed'][1]} (control)."
    )


def _layout(boxes: list[Box]) -> tuple[float, dict[str, float]]:
    """Set each box's top (inches from the figure's top, negative down); bands."""
    y = -0.05
    bands = {}
    for stage in ("enrolment", "allocation", "follow-up", "analysis"):
        bands[stage] = y
        y -= _BAND + _GAP
        here = [b for b in boxes if b.stage == stage]
        sides = [b for b in here if b.kind == "side"]
        mains = [b for b in here if b.kind == "main"]
        if stage == "analysis" and sides:
            for b in sides:
                b.top = y
            y -= max(b.height for b in sides) + _GAP
            sides = []
        for b in sides + mains:
            b.top = y
        if here:
            y -= max(b.height for b in sides + mains) + _GAP
    return -y, bands


def trial_profile_figure(subjects: pd.DataFrame) -> Figure:
    """Flow of participants from enrolment to analysis, by arm (CONSORT style).

    Parameters
    ----------
    subjects : pandas.DataFrame
        Validated ``subjects.csv``.

    Returns
    -------
    matplotlib.figure.Figure
        Stage bands (enrolment, allocation, follow-up, analysis); the enrolled
        participants, then one column per arm from allocation to the
        per-protocol analysis set; discontinuations (with reasons and timing)
        and exclusions from the analysis in side boxes, reached by a sideways
        arrow from the arm's vertical flow. The figure carries its alt text
        (:func:`ucmsc_repro.figures.render.set_alt`).

    Examples
    --------
    >>> s = pd.DataFrame({"arm": ["MSC", "MSC", "control"],
    ...                   "status": ["completed", "discontinued", "completed"],
    ...                   "infusions_received": [2, 1, 0],
    ...                   "discontinued_month": [None, 3.0, None],
    ...                   "discontinued_reason": [None, "withdrew consent", None]})
    >>> fig = trial_profile_figure(s)
    >>> [b.kind for b in flow_boxes(s) if b.stage == "follow-up"]
    ['side', 'side']
    >>> plt.close(fig)
    """
    boxes = flow_boxes(subjects)
    height, bands = _layout(boxes)
    fig = plt.figure(figsize=(WIDTH, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(-height, 0)
    ax.axis("off")

    for stage, top in bands.items():
        ax.add_patch(
            FancyBboxPatch(
                (0.1, top - _BAND),
                WIDTH - 0.2,
                _BAND,
                boxstyle="round,pad=0,rounding_size=0.05",
                facecolor=_BAND_FACE,
                edgecolor="none",
            )
        )
        ax.text(
            WIDTH / 2,
            top - _BAND / 2,
            stage.capitalize(),
            ha="center",
            va="center",
            fontsize=FONT,
            fontweight="bold",
            color="#1f3b63",
        )
    for b in boxes:
        ax.add_patch(
            FancyBboxPatch(
                (b.x, b.bottom),
                b.width,
                b.height,
                boxstyle="round,pad=0,rounding_size=0.04",
                facecolor="white",
                edgecolor=_EDGE,
                linewidth=0.9,
            )
        )
        left = b.kind == "side"
        ax.text(
            b.x + _PAD if left else b.x + b.width / 2,
            b.top - _PAD,
            b.text,
            ha="left" if left else "center",
            va="top",
            fontsize=FONT,
            linespacing=1.25,
            multialignment="left" if left else "center",
        )

    def arrow(x0, y0, x1, y1, head=True):
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={
                "arrowstyle": "-|>" if head else "-",
                "color": _EDGE,
                "linewidth": 0.9,
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 9,
            },
        )

    enrolled = boxes[0]
    alloc = {b.arm: b for b in boxes if b.stage == "allocation"}
    analysed = {b.arm: b for b in boxes if b.stage == "analysis" and b.kind == "main"}
    split = (enrolled.bottom + bands["allocation"]) / 2  # above the allocation band
    xs = [alloc[arm].centre[0] for arm, _ in ARMS]
    arrow(enrolled.centre[0], enrolled.bottom, enrolled.centre[0], split, head=False)
    arrow(min(xs), split, max(xs), split, head=False)
    for arm, _ in ARMS:
        x = alloc[arm].centre[0]
        arrow(x, split, x, alloc[arm].top)
        arrow(x, alloc[arm].bottom, x, analysed[arm].top)  # the flow, straight down
        for side in (b for b in boxes if b.kind == "side" and b.arm == arm):
            y = side.centre[1]
            edge = side.x + side.width if _COLUMNS[arm]["side_of"] == "left" else side.x
            arrow(x, y, edge, y)  # a loss or exclusion leaves the flow sideways
    return set_alt(fig, _alt(subjects))
