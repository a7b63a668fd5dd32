#!/usr/bin/env python3
"""Build the desk application as a onedir bundle, then prove it runs.

    python installer/build.py            # build into dist/ozq-desktop, then run --self-test
    python installer/build.py --no-test  # build only

Run it inside the project's virtual environment (tools/dev.py creates it); it installs
PyInstaller there if it is missing. Prints the bundle's size and the frozen start time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUNDLE = DIST / "ozq-desktop"
EXE = BUNDLE / ("ozq-desktop.exe" if os.name == "nt" else "ozq-desktop")


def ensure_pyinstaller() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "pyinstaller>=6.10"])


def bundle_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def self_test() -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    result = subprocess.run(
        [str(EXE), "--self-test"], env=env, capture_output=True, text=True, timeout=300
    )
    elapsed = time.perf_counter() - started
    print(result.stdout.strip())
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        raise SystemExit(f"the frozen self-test failed with exit code {result.returncode}")
    return elapsed


def start_time() -> tuple[float, float]:
    """Seconds from launching the frozen app to its sign-in window's first paint, and to the
    database being open (sign-in enabled), on a fresh data folder."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ozq-start-") as data:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "OZQ_STARTUP_PROBE": "1",
            "OZQ_DATA_DIR": data,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        started = time.perf_counter()
        proc = subprocess.Popen([str(EXE)], env=env, stdout=subprocess.PIPE, text=True)
        marks: dict[str, float] = {}
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("probe: "):
                marks[line[7:].strip()] = time.perf_counter() - started
            if "ready" in marks:
                break
        proc.wait(timeout=60)
    return marks.get("first paint", float("nan")), marks.get("ready", float("nan"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-test", action="store_true")
    args = parser.parse_args()
    ensure_pyinstaller()
    subprocess.check_call(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(ROOT / "build" / "pyinstaller"),
            str(ROOT / "installer" / "ozq_desktop.spec"),
        ]
    )
    print(f"bundle: {BUNDLE} — {bundle_size(BUNDLE) / 1048576:.0f} MB unpacked")
    if not args.no_test:
        runs = [self_test() for _ in range(3)]
        print(f"frozen --self-test: {min(runs):.2f} s best of 3 (first {runs[0]:.2f} s)")
        starts = [start_time() for _ in range(5)]
        paint = sorted(s[0] for s in starts)[2]
        ready = sorted(s[1] for s in starts)[2]
        print(
            f"frozen start: sign-in window painted {paint:.2f} s, database open {ready:.2f} s "
            "(median of 5, fresh data folder)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
