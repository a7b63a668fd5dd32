"""A document as a whole: A4 pages, metadata, copies, QR codes and «page X of Y»."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate

from ozq_desktop.i18n import N_, tr
from ozq_desktop.printing.fonts import BOLD, REGULAR, register_fonts
from ozq_desktop.printing.layout import (
    BOTTOM_MARGIN,
    FRAME_HEIGHT,
    LEFT_MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT_MARGIN,
    TEXT_WIDTH,
    TOP_MARGIN,
    para,
    styles,
)

CREATOR = "OZQ Desktop"


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
    mark: str = ""  # across every page, e.g. training mode's «training, not valid»


TRAINING_MARK = N_("TRAINING — NOT VALID")


def training_mark(training: bool, lang: str) -> str:
    """The mark every document printed in training mode carries, or ""."""
    return tr(TRAINING_MARK, lang) if training else ""


def draw_mark(canvas: Canvas, text: str) -> None:
    """`text` large and grey across the page, and small at its top and bottom edges, so no
    part of the page can be cut off and shown without it."""
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.55, 0.55, 0.55, alpha=0.35))
    canvas.setFont(BOLD, 40)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(45)
    canvas.drawCentredString(0, -14, text)
    canvas.restoreState()
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.6, 0, 0))
    canvas.setFont(BOLD, 9)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - TOP_MARGIN / 2, text)
    canvas.drawCentredString(PAGE_WIDTH / 2, BOTTOM_MARGIN / 2 - 6, text)
    canvas.restoreState()


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
    on_page = (lambda canvas, _doc: draw_mark(canvas, meta.mark)) if meta.mark else None
    template = PageTemplate(id="page", frames=[frame])
    if on_page is not None:
        template = PageTemplate(id="page", frames=[frame], onPage=on_page)
    doc.addPageTemplates([template])
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
