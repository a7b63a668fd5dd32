"""The application's style sheet: only what the platform style leaves out.

Focus must be seen on every input a clerk reaches with Tab. Some styles (Fusion among them)
draw no focus frame on check boxes, radio buttons and item lists, so the clerk could not tell
where a Space would land; these rules draw one.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

FOCUS = "#1565c0"

STYLE_SHEET = f"""
QCheckBox:focus, QRadioButton:focus {{
    border: 1px dashed {FOCUS};
    border-radius: 2px;
    background: #e3f0fb;
}}
QListView:focus, QTreeView:focus, QTableView:focus {{
    border: 2px solid {FOCUS};
}}
"""


def install(app: QApplication) -> None:
    """Add the rules once, keeping any style sheet already set."""
    current = app.styleSheet()
    if STYLE_SHEET not in current:
        app.setStyleSheet(current + STYLE_SHEET)
