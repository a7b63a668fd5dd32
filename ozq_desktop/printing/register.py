"""The daily register for supervisors: PDF, grouped by clerk, with totals and «page X of Y»."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from ozq_desktop.i18n import tr
from ozq_desktop.printing.data import Outcome, RegisterData, local
from ozq_desktop.printing.dates import format_date, format_datetime
from ozq_desktop.printing.document import Metadata, build_pdf, page_footer
from ozq_desktop.printing.layout import (
    TEXT_WIDTH,
    check_language,
    labelled,
    para,
    signature_line,
    styles,
)
from ozq_desktop.printing.register_table import (
    ClerkGroup,
    RegisterTable,
    column_titles,
    outcome_summary,
    outcome_text,
    register_table,
)
from ozq_desktop.printing.rows import Grid, across_row, fitted, text_row

WIDTHS = [9 * mm, 15 * mm, 24 * mm, 40 * mm, 0.0, 27 * mm]
WIDTHS[4] = TEXT_WIDTH - sum(WIDTHS)
COUNT_WIDTH = 25 * mm


def render_register(data: RegisterData, lang: str) -> bytes:
    """The register of one branch and date as A4 PDF bytes."""
    check_language(lang)
    title = tr("Daily register", lang)
    day = format_date(data.date, lang, "plain")
    table = register_table(data, lang)
    widths = fitted(WIDTHS, 2, [r.receipt_no for r in data.rows], 4, TEXT_WIDTH)
    story = [*_heading(data, lang, title, day), *_groups(table, lang, widths)]
    # The totals and the signatures stay on one page, so nobody signs a page of blanks.
    story.append(KeepTogether([*_totals(table, lang), *_signatures(data, lang)]))
    meta = Metadata(
        title=f"{title}: {day}",
        author=local(data.branch.name, lang),
        subject=data.date.isoformat(),
        lang=lang,
    )
    footer = page_footer(f"{title} · {day}", lang)
    return build_pdf(story, meta, footer)


def _heading(data: RegisterData, lang: str, title: str, day: str) -> list[Flowable]:
    s = styles()
    branch = data.branch
    department = tr("Department No. {number}", lang, number=branch.department_no)
    return [
        para(local(branch.name, lang), s.label),
        para(f"{department}, {local(branch.address, lang)}", s.body),
        para(title, s.title),
        para(day, s.subtitle),
    ]


def _groups(table: RegisterTable, lang: str, widths: list[float]) -> list[Flowable]:
    if not table.groups:
        text = tr("Nothing was accepted, refused or handed over on this date.", lang)
        return [para(text, styles().body)]
    story: list[Flowable] = []
    for group in table.groups:
        story += [Spacer(0, 3 * mm), _group_grid(group, lang, widths)]
    return story


def _group_grid(group: ClerkGroup, lang: str, widths: list[float]) -> Grid:
    """The clerk's name and the column titles (repeated on each page), the rows, a subtotal."""
    header = [
        across_row(f"{tr('Clerk:', lang)} {group.clerk}", TEXT_WIDTH, bold=True, shaded=True),
        text_row(column_titles(lang), widths, bold=True, shaded=True),
    ]
    rows = [
        text_row([str(n.number), n.time, n.receipt_no, n.service, n.applicant, n.outcome], widths)
        for n in group.lines
    ]
    rows.append(across_row(outcome_summary(group.by_outcome, lang), TEXT_WIDTH, bold=True))
    return Grid(widths, header, rows)


def _totals(table: RegisterTable, lang: str) -> list[Flowable]:
    widths = [TEXT_WIDTH - 4 * COUNT_WIDTH] + [COUNT_WIDTH] * 4
    numbers = frozenset({1, 2, 3, 4})
    titles = [tr("Requested state service", lang), *(outcome_text(o, lang) for o in Outcome)]
    header = [text_row([*titles, tr("Sum total", lang)], widths, bold=True, shaded=True)]
    rows = [
        text_row(
            [s.service, *(str(s.by_outcome.get(o, 0)) for o in Outcome), str(s.total)],
            widths,
            right=numbers,
        )
        for s in table.services
    ]
    counts = [str(table.by_outcome.get(o, 0)) for o in Outcome]
    rows.append(
        text_row(
            [tr("Sum total", lang), *counts, str(table.total)], widths, bold=True, right=numbers
        )
    )
    heading = para(tr("Totals by service and outcome", lang), styles().label)
    return [Spacer(0, 6 * mm), heading, Grid(widths, header, rows)]


def _signatures(data: RegisterData, lang: str) -> list[Flowable]:
    story: list[Flowable] = [Spacer(0, 10 * mm)]
    story.append(signature_line(tr("Supervisor (signs)", lang), data.supervisor_name, lang))
    if data.printed_at:
        printed = format_datetime(data.printed_at, lang, "plain")
        story += [Spacer(0, 3 * mm), labelled(tr("Printed:", lang), printed, styles().body)]
    return story
