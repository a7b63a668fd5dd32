#!/usr/bin/env python3
"""Draw the application icon (a blue shield with a white check and «ОҚ») into PNG and ICO.

python tools/make_icon.py     # writes installer/icons/ozq-desktop.{png,ico}
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPainterPath, QPen

OUT = Path(__file__).resolve().parent.parent / "installer" / "icons"


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    shield = QPainterPath()
    shield.moveTo(128 * s, 12 * s)
    shield.lineTo(228 * s, 48 * s)
    shield.cubicTo(228 * s, 150 * s, 190 * s, 210 * s, 128 * s, 246 * s)
    shield.cubicTo(66 * s, 210 * s, 28 * s, 150 * s, 28 * s, 48 * s)
    shield.closeSubpath()
    p.fillPath(shield, QColor("#0b5cab"))
    pen = QPen(QColor("#f2c230"), 14 * s)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.drawPolyline([QPointF(78 * s, 120 * s), QPointF(114 * s, 156 * s), QPointF(182 * s, 84 * s)])
    p.setPen(QColor("white"))
    font = QFont("DejaVu Sans", max(6, int(30 * s)))
    font.setBold(True)
    p.setFont(font)
    p.drawText(QRectF(0, 158 * s, size, 48 * s), Qt.AlignmentFlag.AlignCenter, "ОҚ")
    p.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(OUT / "ozq-desktop.png"))
    draw(256).save(str(OUT / "ozq-desktop.ico"))
    print("wrote", OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
