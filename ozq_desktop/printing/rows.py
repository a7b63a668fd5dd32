"""A plain-text grid that pages 2,000 rows fast.

reportlab's Table recomputes every remaining row at each page break and writes each line as
its own text object. Here each row's lines and height are worked out once, a page break only
slices the list, and a page's text goes out in one text object.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from ozq_desktop.printing.fonts import BOLD, REGULAR, register_fonts

SIZE, LEADING = 9, 10.5
PAD_X, PAD_TOP, PAD_BOTTOM = 3, 2, 3
HEADER_FILL = colors.Color(0.9, 0.9, 0.9)


@dataclass(frozen=True)
class Row:
    """Cells as lists of lines; `across` is one line of text over the full width (a heading)."""

    cells: tuple[tuple[str, ...], ...] = ()
    across: tuple[str, ...] = ()
    bold: bool = False
    shaded: bool = False
    right: frozenset[int] = frozenset()  # columns aligned right

    @property
    def height(self) -> float:
        lines = len(self.across) if self.across else max((len(c) for c in self.cells), default=1)
        return max(lines, 1) * LEADING + PAD_TOP + PAD_BOTTOM


def wrap_cell(text: str, width: float, bold: bool = False) -> tuple[str, ...]:
    """`text` broken into lines that fit a column `width` points wide.

    A word longer than the column is cut between letters rather than run over the border.
    """
    font, room = (BOLD if bold else REGULAR), width - 2 * PAD_X
    lines: list[str] = []
    for line in simpleSplit(text, font, SIZE, room):
        while stringWidth(line, font, SIZE) > room and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], font, SIZE) > room:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return tuple(lines) or ("",)


def fitted(
    widths: Sequence[float], column: int, values: Sequence[str], flexible: int, total: float
) -> list[float]:
    """`widths` with `column` wide enough for the longest of `values` on one line (a receipt
    number must never break), the room taken from the `flexible` column."""
    register_fonts()
    need = max((stringWidth(v, REGULAR, SIZE) for v in values), default=0.0) + 2 * PAD_X + 1
    out = list(widths)
    out[column] = max(out[column], need)
    out[flexible] = 0.0
    out[flexible] = total - sum(out)
    return out


def text_row(values: Sequence[str], widths: Sequence[float], **kind) -> Row:
    bold = kind.get("bold", False)
    return Row(
        cells=tuple(wrap_cell(v, w, bold) for v, w in zip(values, widths, strict=True)), **kind
    )


def across_row(text: str, width: float, **kind) -> Row:
    return Row(across=wrap_cell(text, width, kind.get("bold", False)), **kind)


class Grid(Flowable):
    """Rows under header rows; the header rows repeat at the top of every page."""

    def __init__(
        self,
        widths: Sequence[float],
        header: Sequence[Row],
        rows: Sequence[Row],
        heights: Sequence[float] | None = None,
    ) -> None:
        super().__init__()
        self.widths = list(widths)
        self.header = list(header)
        self.rows = list(rows)
        self.heights = list(heights) if heights is not None else [r.height for r in rows]
        self.header_height = sum(r.height for r in self.header)
        self.width = sum(self.widths)
        self.height = self.header_height + sum(self.heights)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        room, count = available_height - self.header_height, 0
        for height in self.heights:
            if height > room:
                break
            room -= height
            count += 1
        if count == 0 or count == len(self.rows):
            return [] if count == 0 else [self]
        head = Grid(self.widths, self.header, self.rows[:count], self.heights[:count])
        tail = Grid(self.widths, self.header, self.rows[count:], self.heights[count:])
        return [head, tail]

    def draw(self) -> None:
        canvas = self.canv
        rows = self.header + self.rows
        heights = [r.height for r in self.header] + self.heights
        lefts = [sum(self.widths[:i]) for i in range(len(self.widths) + 1)]
        tops = [self.height - sum(heights[:i]) for i in range(len(heights) + 1)]
        canvas.saveState()
        canvas.setFillColor(HEADER_FILL)
        for i, row in enumerate(rows):
            if row.shaded:
                canvas.rect(0, tops[i + 1], self.width, heights[i], stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        self._draw_lines(rows, lefts, tops)
        self._draw_text(rows, lefts, tops)
        canvas.restoreState()

    def _draw_lines(
        self, rows: Sequence[Row], lefts: Sequence[float], tops: Sequence[float]
    ) -> None:
        path = self.canv.beginPath()
        for y in tops:
            path.moveTo(0, y)
            path.lineTo(self.width, y)
        for i, row in enumerate(rows):
            xs = lefts if not row.across else (lefts[0], lefts[-1])
            for x in xs:
                path.moveTo(x, tops[i])
                path.lineTo(x, tops[i + 1])
        self.canv.setLineWidth(0.5)
        self.canv.drawPath(path, stroke=1, fill=0)

    def _draw_text(
        self, rows: Sequence[Row], lefts: Sequence[float], tops: Sequence[float]
    ) -> None:
        text = self.canv.beginText()
        font = None
        for i, row in enumerate(rows):
            wanted = BOLD if row.bold else REGULAR
            if wanted != font:
                text.setFont(wanted, SIZE, LEADING)
                font = wanted
            y = tops[i] - PAD_TOP - SIZE
            cells = [row.across] if row.across else row.cells
            for c, lines in enumerate(cells):
                if not any(lines):
                    continue
                if c in row.right:
                    right = lefts[c + 1] - PAD_X
                    for n, line in enumerate(lines):
                        width = self.canv.stringWidth(line, font, SIZE)
                        text.setTextOrigin(right - width, y - n * LEADING)
                        text.textOut(line)
                    continue
                text.setTextOrigin(lefts[c] + PAD_X, y)
                text.textLines(lines, trim=0)
        self.canv.drawText(text)
