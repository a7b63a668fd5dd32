"""The chart of waits and service times by hour of the day, as plain shapes, and how the
figures are written (minutes:seconds, shares in per cent) on screen and on paper alike.

One layout, two painters: the supervisor's screen draws these shapes with Qt's QPainter
(ui/supervisor/times_chart.py) and the printed report with reportlab
(printing/times_report.py), so the chart on paper is the chart on screen. Qt-free and
reportlab-free, so both sides import it cheaply.

Two panels share one scale in minutes, so that the two 15-minute caps sit at the same height:
above, the applicant's wait; below, the service. For each hour of the day a dark bar is the
median and a light bar beside it the 90th percentile; the dashed red line is the cap.
Coordinates are in the painter's units (pixels or points), y downwards, origin top left.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ozq_desktop.domain.waiting import SERVICE_NORM_SECONDS, WAIT_NORM_SECONDS, Figures
from ozq_desktop.i18n import tr

if TYPE_CHECKING:
    from ozq_desktop.domain.service_times import TimesReport

WAIT_COLOURS = ("#1565c0", "#90caf9")  # median, 90th percentile
SERVICE_COLOURS = ("#2e7d32", "#a5d6a7")
CAP_COLOUR = "#c62828"
GRID_COLOUR = "#dddddd"
AXIS_COLOUR = "#555555"
TEXT_COLOUR = "#222222"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float = 1.0
    dashed: bool = False


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float
    colour: str = TEXT_COLOUR
    anchor: str = "start"  # start | middle | end
    bold: bool = False


Shape = Rect | Line | Text


@dataclass(frozen=True)
class ChartTexts:
    """The chart's words, already in the document's language."""

    wait: str  # "Wait, minutes"
    service: str  # "Service, minutes"
    median: str
    p90: str
    cap: str  # "15-minute cap"
    no_data: str


def minutes_text(seconds: float | None) -> str:
    """mm:ss, or a dash for no value."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def share_text(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def chart_texts(lang: str | None = None) -> ChartTexts:
    return ChartTexts(
        wait=tr("Wait, minutes", lang),
        service=tr("Service, minutes", lang),
        median=tr("Median", lang),
        p90=tr("90th percentile", lang),
        cap=tr("15-minute cap", lang),
        no_data=tr("No packages in this period.", lang),
    )


@dataclass(frozen=True)
class HourBars:
    hour: int
    wait: Figures | None
    service: Figures | None


def hour_bars(report: TimesReport) -> list[HourBars]:
    """Every hour the chart shows, with its figures (None for an hour without packages)."""
    bars = []
    for hour in report.hours():
        line = report.hour_line(hour)
        bars.append(HourBars(hour, line.wait if line else None, line.service if line else None))
    return bars


def _scale_minutes(bars: list[HourBars]) -> int:
    """The top of the shared scale: above both caps and every bar, on a 5-minute step."""
    top = max(WAIT_NORM_SECONDS, SERVICE_NORM_SECONDS) / 60 + 5
    for bar in bars:
        for figures in (bar.wait, bar.service):
            if figures is not None and figures.p90 is not None:
                top = max(top, figures.p90 / 60)
    return int(math.ceil(top / 5) * 5)


def _step(top: int) -> int:
    for step in (5, 10, 15, 30, 60, 120):
        if top / step <= 6:
            return step
    return 240


def chart_shapes(
    bars: Sequence[HourBars], width: float, height: float, texts: ChartTexts, font: float = 9
) -> list[Shape]:
    """The chart in a `width` × `height` box; `font` is the size of its text."""
    bars = list(bars)
    shapes: list[Shape] = []
    legend_y = font * 1.4
    _legend(shapes, width, legend_y, texts, font)
    if not any(b.wait or b.service for b in bars):
        shapes.append(Text(width / 2, height / 2, texts.no_data, font * 1.2, anchor="middle"))
        return shapes
    top = _scale_minutes(bars)
    gap = font * 1.6
    first_top = legend_y + font * 1.2
    panel_h = (height - first_top - gap) / 2
    panels = (
        (texts.wait, WAIT_COLOURS, WAIT_NORM_SECONDS, lambda b: b.wait),
        (texts.service, SERVICE_COLOURS, SERVICE_NORM_SECONDS, lambda b: b.service),
    )
    for index, (title, colours, cap, pick) in enumerate(panels):
        y0 = first_top + index * (panel_h + gap)
        _panel(shapes, bars, pick, colours, cap, top, title, width, y0, panel_h, font)
    return shapes


def _legend(shapes: list[Shape], width: float, y: float, texts: ChartTexts, font: float) -> None:
    box = font * 0.9
    items = [
        (WAIT_COLOURS[0], SERVICE_COLOURS[0], texts.median),
        (WAIT_COLOURS[1], SERVICE_COLOURS[1], texts.p90),
    ]
    x = font * 4
    for first, second, label in items:
        shapes.append(Rect(x, y - box, box, box, first))
        shapes.append(Rect(x + box + 1, y - box, box, box, second))
        shapes.append(Text(x + 2 * box + font * 0.6, y, label, font))
        x += width * 0.28
    shapes.append(Line(x, y - box / 2, x + font * 2.5, y - box / 2, CAP_COLOUR, 1.5, True))
    shapes.append(Text(x + font * 3, y, texts.cap, font))


def _panel(
    shapes: list[Shape],
    bars: list[HourBars],
    pick,
    colours: tuple[str, str],
    cap_seconds: int,
    top: int,
    title: str,
    width: float,
    y0: float,
    height: float,
    font: float,
) -> None:
    left, right = font * 4, font * 1.0
    title_h, axis_h = font * 1.5, font * 1.6
    plot_top, plot_bottom = y0 + title_h, y0 + height - axis_h
    plot_w, plot_h = width - left - right, plot_bottom - plot_top
    shapes.append(Text(left, y0 + font, title, font, bold=True))

    def y_of(minutes: float) -> float:
        return plot_bottom - plot_h * min(minutes, top) / top

    step = _step(top)
    for minutes in range(0, top + 1, step):
        y = y_of(minutes)
        shapes.append(Line(left, y, left + plot_w, y, GRID_COLOUR, 0.6))
        shapes.append(Text(left - font * 0.4, y + font * 0.35, str(minutes), font * 0.85,
                           AXIS_COLOUR, "end"))  # fmt: skip
    slot = plot_w / max(1, len(bars))
    bar_w = slot * 0.36
    for i, bar in enumerate(bars):
        x = left + i * slot
        shapes.append(Text(x + slot / 2, plot_bottom + font * 1.2, f"{bar.hour:02d}",
                           font * 0.85, AXIS_COLOUR, "middle"))  # fmt: skip
        figures = pick(bar)
        if figures is None or figures.median is None:
            continue
        for j, value in enumerate((figures.median, figures.p90)):
            if value is None:
                continue
            bx = x + slot * 0.12 + j * bar_w
            by = y_of(value / 60)
            shapes.append(Rect(bx, by, bar_w, max(0.8, plot_bottom - by), colours[j]))
    cap_y = y_of(cap_seconds / 60)
    shapes.append(Line(left, cap_y, left + plot_w, cap_y, CAP_COLOUR, 1.5, True))
    shapes.append(Line(left, plot_top, left, plot_bottom, AXIS_COLOUR, 0.8))
    shapes.append(Line(left, plot_bottom, left + plot_w, plot_bottom, AXIS_COLOUR, 0.8))
