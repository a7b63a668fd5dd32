"""The one typeface of every printed document: Liberation Serif, shipped in resources/fonts.

It covers the Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І) and is metric-compatible with Times New Roman.
Fonts are registered once per process. reportlab's own defaults are pointed at it, so no PDF
refers to a standard, non-embedded Helvetica.
"""

from __future__ import annotations

import threading

from reportlab import rl_config
from reportlab.lib.fonts import addMapping

from ozq_desktop.paths import resource

REGULAR = "LiberationSerif"
BOLD = "LiberationSerif-Bold"
ITALIC = "LiberationSerif-Italic"
BOLD_ITALIC = "LiberationSerif-BoldItalic"

_FILES = {
    REGULAR: "LiberationSerif-Regular.ttf",
    BOLD: "LiberationSerif-Bold.ttf",
    ITALIC: "LiberationSerif-Italic.ttf",
    BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}

# Before any reportlab module reads them at import time (reportlab.lib.styles maps the base
# name to its bold and italic faces on import, so the family mapping comes first too).
addMapping(REGULAR, 0, 0, REGULAR)
addMapping(REGULAR, 1, 0, BOLD)
addMapping(REGULAR, 0, 1, ITALIC)
addMapping(REGULAR, 1, 1, BOLD_ITALIC)
rl_config.canvas_basefontname = REGULAR
rl_config.defaultGraphicsFontName = REGULAR

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the family with reportlab; cheap after the first call."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        from reportlab.graphics import shapes
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.platypus import tables

        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
        # registerFont maps each face to itself; <b> and <i> need the family back.
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        # In case reportlab was imported before this module read rl_config: graphics and
        # table cells would otherwise still default to Helvetica.
        shapes.STATE_DEFAULTS["fontName"] = REGULAR
        tables.CellStyle.fontname = REGULAR
        _registered = True
