"""Emitting from Python must not eat references to True (PySide6 6.12.0 on CPython 3.11)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ozq_desktop.ui.signals import emit

UI = Path(__file__).resolve().parents[2] / "ozq_desktop" / "ui"


class Emitter(QObject):
    fired = Signal(object)


def test_emitting_thousands_of_times_leaves_true_alone():
    source, received = Emitter(), []
    source.fired.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(5000):
        emit(source.fired, i)
    # Unrepaired, the count would have dropped by 5000; a few may come and go meanwhile.
    assert abs(sys.getrefcount(True) - before) < 50
    assert received[-1] == 4999 and len(received) == 5000


def test_ui_code_emits_only_through_the_helper():
    raw = [
        f"{path.relative_to(UI)}:{n}"
        for path in UI.rglob("*.py")
        if path.name != "signals.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.emit\(", line)
    ]
    assert not raw, raw
