"""The chart of waits and service times by hour of the day, painted with QPainter from the
shapes ozq_desktop.charts lays out (the printed report draws the same shapes)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ozq_desktop.charts import HourBars, Line, Rect, Shape, Text, chart_shapes, chart_texts
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui.language import follow_language

FONT_SIZE = 9.0


def paint_shapes(painter: QPainter, shapes: Sequence[Shape], font: QFont) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for shape in shapes:
        if isinstance(shape, Rect):
            painter.fillRect(QRectF(shape.x, shape.y, shape.w, shape.h), QColor(shape.fill))
        elif isinstance(shape, Line):
            pen = QPen(QColor(shape.colour), shape.width)
            if shape.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(shape.x1, shape.y1), QPointF(shape.x2, shape.y2))
        elif isinstance(shape, Text):
            f = QFont(font)
            f.setPointSizeF(shape.size)
            f.setBold(shape.bold)
            painter.setFont(f)
            painter.setPen(QColor(shape.colour))
            width = QFontMetricsF(f).horizontalAdvance(shape.text)
            shift = {"start": 0.0, "middle": width / 2, "end": width}[shape.anchor]
            painter.drawText(QPointF(shape.x - shift, shape.y), shape.text)


class TimesChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("times_chart")
        self.setMinimumSize(QSize(480, 260))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.bars: list[HourBars] = []
        follow_language(self.retranslate)
        self.retranslate()

    def set_bars(self, bars: Sequence[HourBars]) -> None:
        self.bars = list(bars)
        self.update()

    def shapes(self, width: float, height: float) -> list[Shape]:
        return chart_shapes(self.bars, width, height, chart_texts(), FONT_SIZE)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor("white"))
            paint_shapes(painter, self.shapes(self.width(), self.height()), self.font())
        finally:
            painter.end()

    def image(self, size: QSize) -> QImage:
        """The chart drawn into an image of `size` (for tests and pictures)."""
        image = QImage(size, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            paint_shapes(painter, self.shapes(size.width(), size.height()), self.font())
        finally:
            painter.end()
        return image

    def retranslate(self) -> None:
        self.setAccessibleName(tr(N_("Chart: wait and service time by hour of the day")))
        self.update()
