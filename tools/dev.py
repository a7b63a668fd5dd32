#!/usr/bin/env python3
"""One front door for developers, on Linux, macOS and Windows alike.

    python3 tools/dev.py run      # install into .venv (first time) and start the app
    python3 tools/dev.py test     # install into .venv (first time), lint, run the whole suite

Only the standard library is used here: this runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".ozq-installed"


def _want() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_installed() -> None:
    if not PY.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _want():
        return
    print("Installing OZQ Desktop and its dependencies …", flush=True)
    subprocess.check_call([PY, "-m", "pip", "install", "-q", "--upgrade", "pip"])
    subprocess.check_call([PY, "-m", "pip", "install", "-q", "-e", f"{ROOT}[hub,test]"])
    STAMP.write_text(_want())


def run(argv: list[str]) -> int:
    ensure_installed()
    return subprocess.call([PY, "-m", "ozq_desktop", *argv], cwd=ROOT)


def test(argv: list[str]) -> int:
    ensure_installed()
    for check in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        if subprocess.call([PY, "-m", *check], cwd=ROOT) != 0:
            return 1
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.call([PY, "-m", "pytest", *argv], cwd=ROOT, env=env)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    return run(rest) if command == "run" else test(rest)


if __name__ == "__main__":
    sys.exit(main())
