"""The parts documents are built from: page geometry, styles, text, blanks and signature lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable, Paragraph, Table

from ozq_desktop.errors import ValidationError
from ozq_desktop.i18n import tr
from ozq_desktop.printing.data import BranchInfo, local
from ozq_desktop.printing.fonts import BOLD, REGULAR, register_fonts
from ozq_desktop.printing.text import TextBlock

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT_MARGIN = 25 * mm
RIGHT_MARGIN = 15 * mm
TOP_MARGIN = 15 * mm
BOTTOM_MARGIN = 18 * mm
TEXT_WIDTH = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    justified: ParagraphStyle
    indented: ParagraphStyle
    field: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    label: ParagraphStyle
    caption: ParagraphStyle
    corner: ParagraphStyle
    copy_mark: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    small: ParagraphStyle  # the notice to the applicant at the foot of a receipt


@cache
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=11, leading=13.5, spaceAfter=2)
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=9.5, leading=11)
    return Styles(
        body=body,
        justified=ParagraphStyle("justified", body, alignment=TA_JUSTIFY),
        indented=ParagraphStyle(
            "indented", body, alignment=TA_JUSTIFY, firstLineIndent=12.5 * mm, spaceAfter=3
        ),
        field=ParagraphStyle("field", body, leftIndent=8 * mm),
        title=ParagraphStyle(
            "title",
            body,
            fontName=BOLD,
            fontSize=13,
            leading=16,
            alignment=TA_CENTER,
            spaceBefore=6,
            spaceAfter=6,
        ),
        subtitle=ParagraphStyle("subtitle", body, alignment=TA_CENTER, spaceAfter=8),
        label=ParagraphStyle("label", body, fontName=BOLD),
        caption=ParagraphStyle("caption", body, fontSize=8, leading=9.5, alignment=TA_CENTER),
        corner=ParagraphStyle("corner", body, fontSize=9, leading=11, alignment=TA_CENTER),
        copy_mark=ParagraphStyle(
            "copy_mark", body, fontName=BOLD, fontSize=10, alignment=TA_RIGHT, spaceAfter=4
        ),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", cell, fontName=BOLD),
        cell_right=ParagraphStyle("cell_right", cell, alignment=TA_RIGHT),
        small=ParagraphStyle(
            "small", body, fontSize=7, leading=8.2, alignment=TA_JUSTIFY, spaceAfter=1
        ),
    )


def keep(text: str) -> str:
    """`text` with non-breaking spaces, so a date or «№ 12» never splits across lines."""
    return text.replace(" ", "\u00a0")


def para(text: str, style: ParagraphStyle) -> Flowable:
    """Plain text in `style`; justified text goes through Paragraph (with markup escaped)."""
    if style.alignment == TA_JUSTIFY:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)
    return TextBlock([(text, style.fontName)], style)


def labelled(label: str, value: str, style: ParagraphStyle) -> Flowable:
    """«Label: value», the label bold."""
    if style.alignment == TA_JUSTIFY:
        return Paragraph(f"<b>{escape(label)}</b> {escape(value)}".replace("\n", "<br/>"), style)
    return TextBlock([(label, BOLD), (value, style.fontName)], style)


def check_language(lang: str) -> None:
    if lang not in ("kk", "ru"):
        raise ValidationError("Unknown document language {lang}", lang=lang)


def branch_lines(branch: BranchInfo, lang: str) -> list[Paragraph]:
    """The branch, department, address and desk, for the top of a receipt."""
    s = styles()
    lines = [
        para(local(branch.name, lang), s.label),
        para(tr("Department No. {number}", lang, number=branch.department_no), s.body),
        para(local(branch.address, lang), s.body),
    ]
    extra = []
    if branch.desk_code:
        extra.append(tr("Desk {desk}", lang, desk=branch.desk_code))
    if branch.phone:
        extra.append(tr("Tel. {phone}", lang, phone=branch.phone))
    if extra:
        lines.append(para(", ".join(extra), s.body))
    return lines


def corner_note(text: str, width: float = 80 * mm) -> Table:
    """The «Annex N to the standard …» block in the top right corner."""
    table = Table([[para(text, styles().corner)]], colWidths=[width], hAlign="RIGHT")
    table.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    return table


class SignatureLine(Flowable):
    """«Label  ________  Name» with «(signature)» under the blank, drawn straight on the canvas."""

    LABEL_WIDTH, BLANK_WIDTH, GAP = 55 * mm, 45 * mm, 8
    SIZE, LEADING, CAPTION_SIZE = 11, 13.5, 8

    def __init__(self, label: str, name: str, caption: str) -> None:
        super().__init__()
        self.label, self.name, self.caption = label, name, caption

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        name_width = available_width - self.LABEL_WIDTH - self.BLANK_WIDTH - self.GAP
        self._label_lines = simpleSplit(self.label, REGULAR, self.SIZE, self.LABEL_WIDTH - 4)
        self._name_lines = simpleSplit(self.name, REGULAR, self.SIZE, name_width)
        lines = max(len(self._label_lines), len(self._name_lines), 1)
        self.width = available_width
        self.height = lines * self.LEADING + self.CAPTION_SIZE + 4
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        base = self.CAPTION_SIZE + 4  # baseline of the last line, above the caption
        canvas.setFont(REGULAR, self.SIZE)
        for column, lines in ((0, self._label_lines), (1, self._name_lines)):
            x = 0 if column == 0 else self.LABEL_WIDTH + self.BLANK_WIDTH + self.GAP
            top = base + (len(lines) - 1) * self.LEADING
            for n, line in enumerate(lines):
                canvas.drawString(x, top - n * self.LEADING, line)
        canvas.setLineWidth(0.6)
        canvas.line(self.LABEL_WIDTH, base - 2, self.LABEL_WIDTH + self.BLANK_WIDTH, base - 2)
        canvas.setFont(REGULAR, self.CAPTION_SIZE)
        canvas.drawCentredString(self.LABEL_WIDTH + self.BLANK_WIDTH / 2, 1.5, self.caption)


def signature_line(label: str, name: str, lang: str, caption: str | None = None) -> Flowable:
    """«Label  ________  Name» with «(signature)» under the blank."""
    return SignatureLine(label, name, caption if caption is not None else tr("(signature)", lang))


def filled_blank(value: str, caption: str, width: float, h_align: str = "LEFT") -> Table:
    """A form's blank filled in: the value on an underline, the blank's caption beneath."""
    s = styles()
    table = Table(
        [[para(value, s.body)], [para(caption, s.caption)]], colWidths=[width], hAlign=h_align
    )
    table.setStyle(
        [
            ("LINEBELOW", (0, 0), (0, 0), 0.6, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 1), (0, 1), 1),
            ("BOTTOMPADDING", (0, 0), (0, 0), 1),
        ]
    )
    return table


def blanks_in_a_row(cells: Sequence[tuple[str, str, float]], gap: float = 10 * mm) -> Table:
    """Several filled blanks side by side: (value, caption, width) each."""
    row = []
    widths = []
    for index, (value, caption, width) in enumerate(cells):
        if index:
            row.append("")
            widths.append(gap)
        row.append(filled_blank(value, caption, width))
        widths.append(width)
    table = Table([row], colWidths=widths, hAlign="LEFT")
    table.setStyle(
        [
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ]
    )
    return table


def notice_block(heading: str, paragraphs: Sequence[str]) -> list[Flowable]:
    """The notice to the applicant at the foot of a receipt: a small bold heading, then small
    justified paragraphs (where to learn the status of the case, how to complain)."""
    s = styles()
    if not paragraphs:
        return []
    head = ParagraphStyle("small_head", s.small, fontName=BOLD, alignment=TA_LEFT)
    return [para(heading, head), *(para(text, s.small) for text in paragraphs)]


def grid_style(header_rows: int = 1) -> list[tuple]:
    """Thin black grid, bold shaded header, the project's font in every cell."""
    return [
        ("FONT", (0, 0), (-1, -1), REGULAR, 9.5, 11),
        ("FONT", (0, 0), (-1, header_rows - 1), BOLD, 9.5, 11),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.Color(0.9, 0.9, 0.9)),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
