"""The chart of waits and service times as shapes, and the printed report with its chart."""

from __future__ import annotations

import io
from datetime import date, datetime

from pypdf import PdfReader

from ozq_desktop.charts import (
    CAP_COLOUR,
    SERVICE_COLOURS,
    WAIT_COLOURS,
    Line,
    Rect,
    Text,
    chart_shapes,
    chart_texts,
    hour_bars,
)
from ozq_desktop.domain.service_times import Visit, build_report
from ozq_desktop.printing.times_report import TimesReportData, TimesRow, render_times_report
from tests.printing.samples import BRANCH

DAY = date(2026, 11, 25)


def visit(hour, minute, service, wait, clerk="Жұмабаев Н."):
    return Visit(clerk, "attestation", datetime(2026, 11, 25, hour, minute), service, wait, False)


REPORT = build_report(
    [
        visit(9, 10, 600, 300),
        visit(9, 40, 900, 1500),
        visit(12, 5, 1500, 1200, "Сейітова Л."),
        visit(21, 30, 300, None),  # after hours, and no ticket time
    ],
    DAY,
    DAY,
)


def bars(shapes, colour):
    return [s for s in shapes if isinstance(s, Rect) and s.fill == colour and s.y > 30]


def test_the_chart_shapes_follow_the_figures():
    shapes = chart_shapes(hour_bars(REPORT), 800, 400, chart_texts("ru"))
    assert [b.hour for b in hour_bars(REPORT)] == list(range(9, 22))  # widened to 21:00
    wait_median, wait_p90 = bars(shapes, WAIT_COLOURS[0]), bars(shapes, WAIT_COLOURS[1])
    assert len(wait_median) == 2 and len(wait_p90) == 2  # 9:00 and 12:00 have waits
    # 9:00: median wait 15 min, p90 25 min; 12:00: 20 min, 20 min.
    assert abs(wait_p90[0].h / wait_median[0].h - 25 / 15) < 0.01
    assert abs(wait_median[1].h - wait_p90[1].h) < 0.01
    assert len(bars(shapes, SERVICE_COLOURS[0])) == 3  # 9:00, 12:00 and 21:00
    caps = [s for s in shapes if isinstance(s, Line) and s.colour == CAP_COLOUR and s.dashed]
    assert len(caps) == 3  # one per panel, and one in the legend
    # The wait panel's cap sits at 15 minutes on the same scale as its 25-minute bar.
    bottom = wait_p90[0].y + wait_p90[0].h
    wait_cap = min((c for c in caps if c.y1 > 30), key=lambda c: abs(c.y1 - wait_p90[0].y))
    assert abs((bottom - wait_cap.y1) / wait_p90[0].h - 15 / 25) < 0.01
    labels = {s.text for s in shapes if isinstance(s, Text)}
    assert {"Ожидание, минуты", "Обслуживание, минуты", "Медиана", "09", "21"} <= labels


def test_no_packages_says_so():
    empty = build_report([], DAY, DAY)
    shapes = chart_shapes(hour_bars(empty), 800, 400, chart_texts("kk"))
    assert not [s for s in shapes if isinstance(s, Rect) and s.y > 30]
    assert "Бұл кезеңде құжаттар топтамасы жоқ." in {s.text for s in shapes if isinstance(s, Text)}


def row(line, label):
    w, s = line.wait, line.service
    return TimesRow(
        label=label,
        packages=line.packages,
        wait_median=w.median,
        wait_p90=w.p90,
        wait_within=w.within_norm,
        service_median=s.median,
        service_p90=s.p90,
        service_within=s.within_norm,
        no_ticket_time=line.no_ticket_time,
    )


def test_the_report_prints_with_its_chart_in_both_languages():
    data = TimesReportData(
        branch=BRANCH,
        start=DAY,
        end=DAY,
        by_hour=[row(x, f"{x.key}:00") for x in REPORT.by_hour],
        by_clerk=[row(x, x.key) for x in REPORT.by_clerk],
        by_service=[row(x, {"kk": "Аттестаттау", "ru": "Аттестация"}) for x in REPORT.by_service],
        total=row(REPORT.total, ""),
        bars=hour_bars(REPORT),
        printed_at=datetime(2026, 11, 25, 18, 0),
    )
    for lang, title, service in (
        ("kk", "Күту және қызмет көрсету уақыты", "Аттестаттау"),
        ("ru", "Время ожидания и обслуживания", "Аттестация"),
    ):
        reader = PdfReader(io.BytesIO(render_times_report(data, lang)))
        text = " ".join(p.extract_text() or "" for p in reader.pages)
        assert title in text and service in text
        assert "20:00" in text and "25:00" in text  # the 9:00 wait median's p90: 25 minutes
        assert "Жұмабаев Н." in text and "Сейітова Л." in text
        page = reader.pages[0]
        assert round(float(page.mediabox.width)) == 595  # A4
        content = page.get_contents().get_data()
        assert b" re" in content  # the chart's bars are drawn as vector rectangles
