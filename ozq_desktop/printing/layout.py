"""What every printed document shares: A4 page, styles, metadata, signature lines, page numbers."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
)

from ozq_desktop.errors import ValidationError
from ozq_desktop.i18n import tr
from ozq_desktop.printing.data import BranchInfo, local
from ozq_desktop.printing.fonts import BOLD, ITALIC, REGULAR, register_fonts
from ozq_desktop.printing.text import TextBlock

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT_MARGIN = 25 * mm
RIGHT_MARGIN = 15 * mm
TOP_MARGIN = 15 * mm
BOTTOM_MARGIN = 18 * mm
TEXT_WIDTH = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN
CREATOR = "OZQ Desktop"


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
    note: ParagraphStyle
    corner: ParagraphStyle
    copy_mark: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle


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
        note=ParagraphStyle(
            "note", body, fontName=ITALIC, fontSize=8, leading=9.5, alignment=TA_CENTER
        ),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", cell, fontName=BOLD),
        cell_right=ParagraphStyle("cell_right", cell, alignment=TA_RIGHT),
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


class QrCodeFlowable(Flowable):
    """A QR code computed once and drawn as filled runs of modules, for speed."""

    def __init__(self, value: str, size: float = 28 * mm, border: int = 2) -> None:
        super().__init__()
        from reportlab.graphics.barcode import qrencoder

        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(value)
        code.make()
        self.value = value
        self.modules = [list(map(bool, row)) for row in code.modules]
        self.width = self.height = size
        self.border = border

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        count = len(self.modules)
        box = self.width / (count + 2 * self.border)
        path = self.canv.beginPath()
        for r, row in enumerate(self.modules):
            y = self.height - (r + self.border + 1) * box
            c = 0
            while c < count:
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < count and row[c]:
                    c += 1
                path.rect((start + self.border) * box, y, (c - start) * box, box * 1.02)
        self.canv.drawPath(path, stroke=0, fill=1)


FRAME_HEIGHT = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN


class SameOnEveryCopy(Flowable):
    """Flowables laid out once, drawn once into a PDF form, and shown wherever this appears.

    The copies of a receipt are then the same by construction, and the second costs nothing.
    """

    def __init__(self, flowables: Sequence[Flowable], name: str) -> None:
        super().__init__()
        self.flowables = list(flowables)
        self.form_name = name
        self._placed: list[tuple[Flowable, float, float]] = []
        self._laid_for: float | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._laid_for != available_width:
            self._lay_out(available_width)
        return self.width, self.height

    def _lay_out(self, width: float) -> None:
        placed, y = [], 0.0
        for index, flowable in enumerate(self.flowables):
            if index:
                y += flowable.getSpaceBefore()
            w, h = flowable.wrap(width, FRAME_HEIGHT)
            placed.append((flowable, w, y + h))
            y += h + flowable.getSpaceAfter()
        self.width, self.height, self._laid_for = width, y, width
        self._placed = placed

    def draw(self) -> None:
        canvas = self.canv
        drawn = canvas.__dict__.setdefault("_ozq_forms", set())
        if self.form_name not in drawn:
            canvas.beginForm(self.form_name, 0, 0, self.width, self.height)
            for flowable, w, bottom_from_top in self._placed:
                flowable.drawOn(canvas, 0, self.height - bottom_from_top, _sW=self.width - w)
            canvas.endForm()
            drawn.add(self.form_name)
        canvas.doForm(self.form_name)


def copies(
    build: Callable[[], Sequence[Flowable]], marks: Sequence[str], name: str
) -> list[Flowable]:
    """One page per copy, each headed by its mark («applicant's copy»); the content built once."""
    s = styles()
    mark_height = max(para(m, s.copy_mark).wrap(TEXT_WIDTH, FRAME_HEIGHT)[1] for m in marks)
    block = SameOnEveryCopy(build(), name)
    fits = block.wrap(TEXT_WIDTH, FRAME_HEIGHT)[1] + mark_height + 12 <= FRAME_HEIGHT
    story: list[Flowable] = []
    for index, mark in enumerate(marks):
        if index:
            story.append(PageBreak())
        story.append(para(mark, s.copy_mark))
        # Content longer than a page cannot be one form: each copy flows over its own pages.
        story += [block] if fits else list(build())
    return story


class _PagedCanvas(Canvas):
    """Holds every page back until the end, so each footer can say «page X of Y»."""

    def __init__(self, *args, footer: Callable[[Canvas, int, int], None], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held: list[dict] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._footer(self, number, total)
            super().showPage()
        super().save()


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    lang: str


def build_pdf(
    story: Sequence[Flowable],
    meta: Metadata,
    footer: Callable[[Canvas, int, int], None] | None = None,
) -> bytes:
    """The story laid out on A4 pages; `footer(canvas, page, pages)` runs on every page."""
    register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT_MARGIN,
        rightMargin=RIGHT_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        creator=CREATOR,
        lang={"kk": "kk-KZ", "ru": "ru-RU"}[meta.lang],
        initialFontName=REGULAR,
        pageCompression=1,
    )
    frame = Frame(
        LEFT_MARGIN,
        BOTTOM_MARGIN,
        TEXT_WIDTH,
        PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    if footer is None:
        doc.build(list(story))
    else:
        doc.build(list(story), canvasmaker=partial(_PagedCanvas, footer=footer))
    return buffer.getvalue()


def page_footer(left_text: str, lang: str) -> Callable[[Canvas, int, int], None]:
    """A footer with `left_text` on the left and «page X of Y» on the right."""

    def draw(canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 8.5)
        y = BOTTOM_MARGIN - 10 * mm
        canvas.drawString(LEFT_MARGIN, y, left_text)
        canvas.drawRightString(
            PAGE_WIDTH - RIGHT_MARGIN, y, tr("Page {page} of {pages}", lang, page=page, pages=pages)
        )
        canvas.restoreState()

    return draw
