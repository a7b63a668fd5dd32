"""Left, centred or right-aligned plain text in one or two faces, laid out without markup.

reportlab's Paragraph parses XML for every line of a receipt; that parsing is a good share of
the 40 ms a receipt may take. Plain text needs none of it. Justified paragraphs still use
Paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscent, stringWidth
from reportlab.platypus import Flowable

# A word and its face: [(word, font), …]; a None word is a forced line break.
Word = tuple[str | None, str]


def words_of(runs: Sequence[tuple[str, str]]) -> list[Word]:
    """Runs of (text, font) cut into words at ordinary spaces; a non-breaking space holds."""
    words: list[Word] = []
    for text, font in runs:
        for n, line in enumerate(text.split("\n")):
            if n:
                words.append((None, font))
            words += [(word, font) for word in line.split(" ") if word]
    return words


class TextBlock(Flowable):
    def __init__(self, runs: Sequence[tuple[str, str]], style: ParagraphStyle) -> None:
        super().__init__()
        self.words = words_of(runs)
        self.style = style
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter
        self._laid_for: float | None = None
        self.lines: list[list[tuple[str, str, float]]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._laid_for != available_width:
            self.lines = self._break(available_width)
            self._laid_for = available_width
        self.width = available_width
        self.height = len(self.lines) * self.style.leading
        return self.width, self.height

    def _room(self, width: float, first: bool) -> float:
        style = self.style
        indent = style.leftIndent + (style.firstLineIndent if first else 0)
        return width - indent - style.rightIndent

    def _break(self, width: float) -> list[list[tuple[str, str, float]]]:
        """Greedy line filling; a word wider than a line is cut between letters."""
        size = self.style.fontSize
        lines: list[list[tuple[str, str, float]]] = []
        line: list[tuple[str, str, float]] = []
        used = 0.0
        for word, font in self.words:
            if word is None:
                lines.append(line)
                line, used = [], 0.0
                continue
            room = self._room(width, not lines)
            space = stringWidth(" ", font, size) if line else 0.0
            wide = stringWidth(word, font, size)
            if line and used + space + wide > room:
                lines.append(line)
                line, used, space = [], 0.0, 0.0
                room = self._room(width, False)
            while wide > room and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and stringWidth(word[:cut], font, size) > room:
                    cut -= 1
                piece = word[:cut]
                line.append((piece, font, stringWidth(piece, font, size)))
                lines.append(line)
                line, used, space = [], 0.0, 0.0
                word = word[cut:]
                wide = stringWidth(word, font, size)
                room = self._room(width, False)
            line.append((word, font, wide))
            used += space + wide
        if line or not lines:
            lines.append(line)
        return lines if any(lines) else []

    def draw(self) -> None:
        style, canvas = self.style, self.canv
        size, leading = style.fontSize, style.leading
        text = canvas.beginText()
        text.setFillColor(style.textColor)
        y = self.height - getAscent(style.fontName, size)
        font = None
        for n, line in enumerate(self.lines):
            chunks = _chunks(line, size)
            width = sum(w for _, _, w in chunks)
            x = style.leftIndent + (style.firstLineIndent if n == 0 else 0)
            free = self.width - x - style.rightIndent - width
            if style.alignment == TA_CENTER:
                x += free / 2
            elif style.alignment == TA_RIGHT:
                x += free
            text.setTextOrigin(x, y - n * leading)
            for chunk, face, _ in chunks:
                if face != font:
                    text.setFont(face, size, leading)
                    font = face
                text.textOut(chunk)
        canvas.drawText(text)


def _chunks(line: Sequence[tuple[str, str, float]], size: float) -> list[tuple[str, str, float]]:
    """Neighbouring words of one face joined into one string, each space in the next word's face."""
    chunks: list[tuple[str, str, float]] = []
    for word, font, width in line:
        if chunks and chunks[-1][1] == font:
            joined = f"{chunks[-1][0]} {word}"
            chunks[-1] = (joined, font, chunks[-1][2] + stringWidth(" ", font, size) + width)
        elif chunks:
            chunks.append((f" {word}", font, stringWidth(" ", font, size) + width))
        else:
            chunks.append((word, font, width))
    return chunks
