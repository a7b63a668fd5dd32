"""Windows sized from the screen they open on, not from fixed pixels.

Most counter screens are 1366×768 or 1920×1080, with a task bar taking part of the height.
`fit(window, wanted)` gives a window the size it wants where the screen's available area
has room, and no more than that area less the frame the window manager adds; it then
centres the window there. `fill(window)` gives the main window the whole available area.
Sizes are in device-independent pixels, so high-DPI scaling keeps them.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# What a window manager's title bar and borders add around a window (typical, generous).
FRAME = QSize(16, 40)


def available(window: QWidget) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit(window: QWidget, wanted: QSize | tuple[int, int]) -> QSize:
    """Resize `window` to `wanted`, shrunk to the available area; centre it; its size."""
    wanted = QSize(*wanted) if isinstance(wanted, tuple) else wanted
    area = available(window)
    room = area.size() - FRAME
    size = wanted.boundedTo(room).expandedTo(window.minimumSizeHint().boundedTo(room))
    window.resize(size)
    centre = area.center()
    window.move(
        max(area.left(), centre.x() - (size.width() + FRAME.width()) // 2),
        max(area.top(), centre.y() - (size.height() + FRAME.height()) // 2),
    )
    return size


def fill(window: QWidget) -> QSize:
    """The whole available area (the main window): everything it can show, nothing off it."""
    return fit(window, available(window).size())
