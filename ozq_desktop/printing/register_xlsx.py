"""The daily register as an XLSX workbook: the same grouped table and totals as the PDF."""

from __future__ import annotations

import io
from datetime import datetime, time

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from ozq_desktop.i18n import tr
from ozq_desktop.printing.data import Outcome, RegisterData, local
from ozq_desktop.printing.dates import format_date, format_datetime
from ozq_desktop.printing.layout import check_language
from ozq_desktop.printing.register_table import (
    RegisterTable,
    column_titles,
    outcome_summary,
    outcome_text,
    register_table,
)

BOLD = Font(name="Times New Roman", bold=True)
TITLE = Font(name="Times New Roman", bold=True, size=14)
PLAIN = Font(name="Times New Roman")
SHADE = PatternFill("solid", fgColor="E6E6E6")
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
# Named once per workbook: assigning a named style to a cell is far cheaper than four objects.
CELL, HEADING, TOTAL, TIME = "ozq-cell", "ozq-heading", "ozq-total", "ozq-time"
COLUMN_WIDTHS = (6, 8, 16, 34, 46, 18)


def render_register_xlsx(data: RegisterData, lang: str) -> bytes:
    """The register of one branch and date as XLSX bytes."""
    check_language(lang)
    table = register_table(data, lang)
    book = Workbook()
    _add_styles(book)
    sheet = book.active
    sheet.title = tr("Daily register", lang)[:31]
    row = _heading(sheet, data, lang)
    row = _groups(sheet, table, lang, row + 1)
    _signatures(sheet, data, lang, row + 1)
    for column, width in zip("ABCDEF", COLUMN_WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    _totals(book, table, lang)
    book.properties.title = f"{tr('Daily register', lang)}: {format_date(data.date, lang, 'plain')}"
    book.properties.creator = local(data.branch.name, lang)
    book.properties.subject = data.date.isoformat()
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _heading(sheet: Worksheet, data: RegisterData, lang: str) -> int:
    branch = data.branch
    department = tr("Department No. {number}", lang, number=branch.department_no)
    lines = [
        (local(branch.name, lang), BOLD),
        (f"{department}, {local(branch.address, lang)}", PLAIN),
        (tr("Daily register", lang), TITLE),
        (format_date(data.date, lang, "plain"), PLAIN),
    ]
    for row, (text, font) in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=text).font = font
    return len(lines) + 1


def _add_styles(book: Workbook) -> None:
    for name, font, fill, number_format in (
        (CELL, PLAIN, None, "General"),
        (HEADING, BOLD, SHADE, "General"),
        (TOTAL, BOLD, None, "General"),
        (TIME, PLAIN, None, "HH:MM"),
    ):
        style = NamedStyle(name=name, font=font, border=BOX, alignment=WRAP)
        style.number_format = number_format
        if fill is not None:
            style.fill = fill
        book.add_named_style(style)


def _put_row(sheet: Worksheet, row: int, values: list, style: str = CELL) -> None:
    for column, value in enumerate(values, start=1):
        sheet.cell(row=row, column=column, value=value).style = style


def _spanning(sheet: Worksheet, row: int, text: str, style: str) -> None:
    _put_row(sheet, row, [text] + [None] * (len(COLUMN_WIDTHS) - 1), style)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMN_WIDTHS))


def _as_time(value: str) -> time | str:
    try:
        return datetime.strptime(value, "%H:%M").time()
    except ValueError:
        return value


def _groups(sheet: Worksheet, table: RegisterTable, lang: str, row: int) -> int:
    _put_row(sheet, row, column_titles(lang), HEADING)
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)
    row += 1
    for group in table.groups:
        _spanning(sheet, row, f"{tr('Clerk:', lang)} {group.clerk}", HEADING)
        row += 1
        for line in group.lines:
            values = [line.number, _as_time(line.time), line.receipt_no]
            _put_row(sheet, row, [*values, line.service, line.applicant, line.outcome])
            sheet.cell(row=row, column=2).style = TIME
            row += 1
        _spanning(sheet, row, outcome_summary(group.by_outcome, lang), TOTAL)
        row += 1
    return row


def _totals(book: Workbook, table: RegisterTable, lang: str) -> None:
    """A second sheet: one row per service, one column per outcome, and the sums."""
    sheet = book.create_sheet(tr("Totals (sheet name)", lang)[:31])
    titles = [tr("Requested state service", lang), *(outcome_text(o, lang) for o in Outcome)]
    _put_row(sheet, 1, [*titles, tr("Sum total", lang)], HEADING)
    row = 2
    for service in table.services:
        counts = [service.by_outcome.get(o, 0) for o in Outcome]
        _put_row(sheet, row, [service.service, *counts, service.total])
        row += 1
    counts = [table.by_outcome.get(o, 0) for o in Outcome]
    _put_row(sheet, row, [tr("Sum total", lang), *counts, table.total], TOTAL)
    for column, width in zip("ABCDE", (44, 16, 16, 16, 12), strict=True):
        sheet.column_dimensions[column].width = width


def _signatures(sheet: Worksheet, data: RegisterData, lang: str, row: int) -> None:
    sheet.cell(row=row + 1, column=1, value=tr("Supervisor (signs)", lang)).font = PLAIN
    sheet.cell(row=row + 1, column=4, value="______________________")
    sheet.cell(row=row + 1, column=5, value=data.supervisor_name)
    if data.printed_at:
        printed = format_datetime(data.printed_at, lang, "plain")
        sheet.cell(row=row + 3, column=1, value=f"{tr('Printed:', lang)} {printed}")
