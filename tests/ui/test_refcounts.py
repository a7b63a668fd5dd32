"""None and True must outlive a long working day under PySide6 6.12.0 on CPython 3.11,
which takes a reference from them on every void call and every emit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys
    import ozq_desktop.ui  # the protection is applied on import
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication, QLabel

    class Source(QObject):
        fired = Signal()

    app = QApplication([])
    label, source = QLabel(), Source()
    for _ in range(300_000):  # far more than None's own count on an unprotected 3.11
        label.setText("x")
        source.fired.emit()
    print("alive", sys.getrefcount(None) > 1000, sys.getrefcount(True) > 1000)
    """
)


def test_a_long_run_of_void_calls_and_emits_ends_normally(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "alive True True"
