"""The supervisor's report of waits and service times: the chart by hour of the day, then the
figures per hour, per clerk and per service, each against its 15-minute cap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from ozq_desktop.charts import (
    HourBars,
    Line,
    Rect,
    Shape,
    Text,
    chart_shapes,
    chart_texts,
    minutes_text,
    share_text,
)
from ozq_desktop.i18n import tr
from ozq_desktop.printing.data import BranchInfo, Localized, _frozen_tuple, local
from ozq_desktop.printing.dates import format_date, format_datetime
from ozq_desktop.printing.document import Metadata, build_pdf, page_footer
from ozq_desktop.printing.fonts import BOLD, REGULAR
from ozq_desktop.printing.layout import TEXT_WIDTH, check_language, labelled, para, styles
from ozq_desktop.printing.rows import Grid, text_row

CHART_HEIGHT = 105 * mm
NUMBER_WIDTH = 17 * mm
PACKAGES_WIDTH = 24 * mm
COLUMNS = 8  # packages, 3 × wait, 3 × service, no ticket time


@dataclass(frozen=True, kw_only=True)
class TimesRow:
    """One group's figures; times in seconds, shares 0..1, None where there were none."""

    label: Localized
    packages: int
    wait_median: float | None
    wait_p90: float | None
    wait_within: float | None
    service_median: float | None
    service_p90: float | None
    service_within: float | None
    no_ticket_time: int = 0


@dataclass(frozen=True, kw_only=True)
class TimesReportData:
    branch: BranchInfo
    start: date
    end: date
    by_hour: Sequence[TimesRow]
    by_clerk: Sequence[TimesRow]
    by_service: Sequence[TimesRow]
    total: TimesRow
    bars: Sequence[HourBars]
    printed_at: datetime | None = None

    def __post_init__(self) -> None:
        _frozen_tuple(self, "by_hour", "by_clerk", "by_service", "bars")


def period_text(start: date, end: date, lang: str) -> str:
    first, last = format_date(start, lang, "short"), format_date(end, lang, "short")
    return first if start == end else f"{first} – {last}"


class ChartFlowable(Flowable):
    """The shapes of ozq_desktop.charts drawn with reportlab (y flipped: PDF's y goes up)."""

    def __init__(self, shapes: Sequence[Shape], width: float, height: float) -> None:
        super().__init__()
        self.shapes = list(shapes)
        self.width, self.height = width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c, h = self.canv, self.height
        for shape in self.shapes:
            if isinstance(shape, Rect):
                c.setFillColor(HexColor(shape.fill))
                c.rect(shape.x, h - shape.y - shape.h, shape.w, shape.h, stroke=0, fill=1)
            elif isinstance(shape, Line):
                c.setStrokeColor(HexColor(shape.colour))
                c.setLineWidth(shape.width)
                c.setDash(4, 3) if shape.dashed else c.setDash()
                c.line(shape.x1, h - shape.y1, shape.x2, h - shape.y2)
            elif isinstance(shape, Text):
                c.setFillColor(HexColor(shape.colour))
                c.setFont(BOLD if shape.bold else REGULAR, shape.size)
                draw = {
                    "start": c.drawString,
                    "middle": c.drawCentredString,
                    "end": c.drawRightString,
                }[shape.anchor]
                draw(shape.x, h - shape.y, shape.text)
        c.setDash()


def render_times_report(data: TimesReportData, lang: str) -> bytes:
    """The report for one branch and period as A4 PDF bytes."""
    check_language(lang)
    s = styles()
    title = tr("Waits and service times", lang)
    period = period_text(data.start, data.end, lang)
    story: list[Flowable] = [
        para(local(data.branch.name, lang), s.label),
        para(title, s.title),
        para(period, s.subtitle),
        para(
            tr(
                "The wait runs from the queue ticket to the start of service, the service from "
                "there to the receipt; each is capped at 15 minutes by the service standard.",
                lang,
            ),
            s.body,
        ),
        Spacer(0, 3 * mm),
        ChartFlowable(
            chart_shapes(data.bars, TEXT_WIDTH, CHART_HEIGHT, chart_texts(lang), font=8.5),
            TEXT_WIDTH,
            CHART_HEIGHT,
        ),
    ]
    sections = (
        (tr("By hour of the day", lang), data.by_hour),
        (tr("By clerk", lang), data.by_clerk),
        (tr("By service", lang), data.by_service),
    )
    for heading, rows in sections:
        story += [Spacer(0, 5 * mm), KeepTogether([para(heading, s.label), _grid(rows, lang)])]
    total = replace(data.total, label=tr("Sum total", lang))
    story += [Spacer(0, 5 * mm), _grid([total], lang, bold=True)]
    if data.printed_at:
        printed = format_datetime(data.printed_at, lang, "plain")
        story += [Spacer(0, 3 * mm), labelled(tr("Printed:", lang), printed, s.body)]
    meta = Metadata(
        title=f"{title}: {period}",
        author=local(data.branch.name, lang),
        subject=f"{data.start.isoformat()}/{data.end.isoformat()}",
        lang=lang,
    )
    return build_pdf(story, meta, page_footer(f"{title} · {period}", lang))


def column_titles(lang: str) -> list[str]:
    return [
        tr("Packages", lang),
        tr("Wait: median", lang),
        tr("Wait: 90%", lang),
        tr("Wait ≤ 15 min", lang),
        tr("Service: median", lang),
        tr("Service: 90%", lang),
        tr("Service ≤ 15 min", lang),
        tr("No ticket time", lang),
    ]


def row_cells(row: TimesRow, lang: str) -> list[str]:
    return [
        local(row.label, lang),
        str(row.packages),
        minutes_text(row.wait_median),
        minutes_text(row.wait_p90),
        share_text(row.wait_within),
        minutes_text(row.service_median),
        minutes_text(row.service_p90),
        share_text(row.service_within),
        str(row.no_ticket_time),
    ]


def _grid(rows: Sequence[TimesRow], lang: str, bold: bool = False) -> Grid:
    numbers = [PACKAGES_WIDTH] + [NUMBER_WIDTH] * (COLUMNS - 1)
    widths = [TEXT_WIDTH - sum(numbers), *numbers]
    right = frozenset(range(1, COLUMNS + 1))
    header = [text_row(["", *column_titles(lang)], widths, bold=True, shaded=True)]
    body = [text_row(row_cells(r, lang), widths, right=right, bold=bold) for r in rows]
    return Grid(widths, header, body)
