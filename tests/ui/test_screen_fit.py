"""Issue 13, item 8: every top-level window and dialog fits a 1366×768 screen, and a
1920×1080 one scaled to 150 %, and the main window uses a 1920×1080 one. Each size is a real X server (Xvfb) running the real program's
windows (tests/ui/fit_probe.py); a title bar's height is kept free on top of each window."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ozq_desktop.ui.screen_fit import FRAME

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (.ci/run)")


def _probe(tmp_path: Path, width: int, height: int, scale: str | None = None) -> list[dict]:
    display = f":{200 + os.getpid() % 500}"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", OZQ_DATA_DIR=str(tmp_path))
        env.pop("QT_SCALE_FACTOR", None)
        if scale is not None:  # high-DPI scaling, as a laptop set to 150 % runs it
            env["QT_SCALE_FACTOR"] = scale
        run = subprocess.run(
            [sys.executable, "-m", "tests.ui.fit_probe", str(tmp_path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        return json.loads(run.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(10)


def _within(entry: dict) -> bool:
    x, y, w, h = entry["frame"]
    ax, ay, aw, ah = entry["area"]
    return (
        x >= ax
        and y >= ay
        and x + w <= ax + aw
        and y + h <= ay + ah
        and w + FRAME.width() <= aw
        and h + FRAME.height() <= ah
    )


def test_every_window_fits_1366x768(tmp_path):
    found = _probe(tmp_path, 1366, 768)
    windows = [e for e in found if "frame" in e]
    assert {e["name"] for e in windows} >= {
        "login",
        "main_window",
        "supervision",
        "handover_dialog",
        "attention_dialog",
        "hub_dialog",
        "signing_dialog",
        "scan_dialog",
        "pdf_preview",
    }
    assert [e["name"] for e in windows if not _within(e)] == [], windows
    status = next(e for e in found if e["name"] == "status_user_text")
    assert status["has"] >= status["need"], status  # "Выездной оператор" is not cut off


def test_the_main_window_uses_1920x1080(tmp_path):
    found = _probe(tmp_path, 1920, 1080)
    main = next(e for e in found if e["name"] == "main_window")
    assert _within(main)
    assert main["frame"][2] >= 0.9 * main["area"][2] and main["frame"][3] >= 0.85 * main["area"][3]
    preview = next(e for e in found if e["name"] == "pdf_preview")
    assert _within(preview) and preview["frame"][3] >= 880  # the whole page is tall enough


def test_every_window_fits_a_1920x1080_screen_scaled_to_150_percent(tmp_path):
    """At 150 % a 1920×1080 screen has room for 1280×720 logical pixels, less than a
    1366×768 one: every window still fits, the status bar's user text included."""
    found = _probe(tmp_path, 1920, 1080, scale="1.5")
    windows = [e for e in found if "frame" in e]
    main = next(e for e in windows if e["name"] == "main_window")
    assert main["area"][2] <= 1280 and main["area"][3] <= 720, main  # logical pixels
    assert [e["name"] for e in windows if not _within(e)] == [], windows
    status = next(e for e in found if e["name"] == "status_user_text")
    assert status["has"] >= status["need"], status
