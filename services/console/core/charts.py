"""Dashboard charts as geometry for server-side SVG (no chart library, no script).

Horizontal bars: labels are read left to right whatever their length, and a chart with one
bar still reads. Stacked bars split a total into named parts (SLA states, decision kinds); each
part carries a CSS class so colours live in the stylesheet (the CSP forbids inline styles).
Every bar keeps its numbers in a <title> so a screen reader or a hover gives the exact figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

LABEL_WIDTH = 150
PLOT_WIDTH = 360
ROW_HEIGHT = 26
BAR_HEIGHT = 16
TOP = 8
VALUE_GAP = 6


@dataclass(frozen=True, slots=True)
class Segment:
    """One rectangle of a bar."""

    x: float
    width: float
    css: str
    title: str


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled bar (one segment, or several stacked)."""

    label: str
    y: float
    segments: tuple[Segment, ...]
    text: str
    text_x: float


@dataclass(frozen=True, slots=True)
class Chart:
    """A horizontal bar chart ready for the `chart` template macro."""

    title: str
    width: int
    height: int
    rows: tuple[Row, ...]
    legend: tuple[tuple[str, str], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.rows


def _scale(maximum: float) -> float:
    return PLOT_WIDTH / maximum if maximum > 0 else 0.0


def _height(count: int) -> int:
    return TOP * 2 + ROW_HEIGHT * count


def bar_chart(title: str, items: Sequence[tuple[str, float, str]], css: str = "bar") -> Chart:
    """One bar per (label, value, text shown after the bar); longest bar = full width."""
    scale = _scale(max((v for _, v, _ in items), default=0.0))
    rows = []
    for i, (label, value, text) in enumerate(items):
        width = value * scale
        segment = Segment(LABEL_WIDTH, width, css, f"{label}: {text}")
        y = TOP + i * ROW_HEIGHT
        rows.append(Row(label, y, (segment,), text, LABEL_WIDTH + width + VALUE_GAP))
    return Chart(title, LABEL_WIDTH + PLOT_WIDTH + 90, _height(len(rows)), tuple(rows))


def stacked_chart(
    title: str, items: Sequence[tuple[str, Mapping[str, int]]], series: Sequence[str]
) -> Chart:
    """One bar per label, split into `series` parts (CSS class `part-<series>`)."""
    totals = [sum(parts.get(s, 0) for s in series) for _, parts in items]
    scale = _scale(float(max(totals, default=0)))
    rows = []
    for i, ((label, parts), total) in enumerate(zip(items, totals, strict=True)):
        x, segments = float(LABEL_WIDTH), []
        for name in series:
            count = parts.get(name, 0)
            if count:
                title_text = f"{label} — {name.replace('_', ' ')}: {count}"
                segments.append(Segment(x, count * scale, f"part-{name}", title_text))
                x += count * scale
        rows.append(Row(label, TOP + i * ROW_HEIGHT, tuple(segments), str(total), x + VALUE_GAP))
    legend = tuple((s.replace("_", " "), f"part-{s}") for s in series)
    return Chart(title, LABEL_WIDTH + PLOT_WIDTH + 90, _height(len(rows)), tuple(rows), legend)


def rate_chart(title: str, items: Sequence[tuple[str, int, int]]) -> Chart:
    """False-positive rates: bar = rate on a fixed 0-100 % scale, text = "37 % (12 of 32)".

    The scale is fixed, not the largest rate, so 5 % never looks like 100 %.
    """
    rows = []
    for i, (label, false_positives, decided) in enumerate(items):
        rate = false_positives / decided if decided else 0.0
        text = f"{rate:.0%} ({false_positives} of {decided})"
        segment = Segment(LABEL_WIDTH, rate * PLOT_WIDTH, "bar-rate", f"{label}: {text}")
        x = LABEL_WIDTH + rate * PLOT_WIDTH + VALUE_GAP
        rows.append(Row(label, TOP + i * ROW_HEIGHT, (segment,), text, x))
    return Chart(title, LABEL_WIDTH + PLOT_WIDTH + 130, _height(len(rows)), tuple(rows))
