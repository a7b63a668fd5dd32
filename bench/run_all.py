"""Run every benchmark, one after another, and print what each prints.

    python bench/run_all.py                 # all of them (the 1,000,000-package database is
                                            # built once, in bench/out/, then reused)
    python bench/run_all.py printing hub_push   # only those named

The installer's figures (bundle size, frozen start) come from `python installer/build.py`,
which builds the bundle; it is not run from here."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = (
    "storage",
    "search",
    "supervision",
    "printing",
    "startup",
    "gui",
    "scan",
    "hub_push",
    "hub_load",
    "console",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(NAMES))
    names = parser.parse_args().names or list(NAMES)
    unknown = [n for n in names if n not in NAMES]
    if unknown:
        parser.error(f"unknown benchmark: {', '.join(unknown)} (choose from {', '.join(NAMES)})")
    failed = []
    for name in names:
        script = HERE / f"bench_{name}.py"
        print(f"\n=== {script.relative_to(HERE.parent)} ===", flush=True)
        start = time.monotonic()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"=== {name}: exit {code}, {time.monotonic() - start:.0f} s ===", flush=True)
        if code:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
