"""How fast the printed documents are made, and whether memory stays flat.

    python bench/bench_printing.py

Targets (issue 4): acceptance receipt ≤ 40 ms; daily register of 2,000 rows ≤ 1.5 s;
RSS flat across 1,000 receipts made in one process.
"""

from __future__ import annotations

import gc
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ozq_desktop.printing import (  # noqa: E402
    render_annex1,
    render_handover,
    render_receipt,
    render_refusal,
    render_register,
    render_register_xlsx,
    render_transfer,
)
from tests.printing import samples  # noqa: E402


def rss_mib() -> float:
    """Resident memory now (Linux /proc), or the peak where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_seconds(make: Callable[[], bytes], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds; CPU time shows the cost on a machine that is busy."""
    make()  # warm-up: fonts, catalog, imports
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        make()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    receipt = samples.receipt(1)
    register = samples.register(2000)
    from reportlab.lib import rl_accel

    accelerated = "with" if rl_accel._c_funcs else "WITHOUT"
    print(f"reportlab {accelerated} its C accelerator (the rl_accel package)")
    print(f"median time per document, wall clock (CPU); load average {os.getloadavg()[0]:.2f}")
    rows = [
        ("acceptance receipt (2 copies)", lambda: render_receipt(receipt, "kk"), 60, 0.040),
        ("daily register, 2,000 rows, PDF", lambda: render_register(register, "kk"), 5, 1.5),
        ("daily register, 2,000 rows, XLSX", lambda: render_register_xlsx(register, "kk"), 3, None),
        ("Annex 2 refusal (2 copies)", lambda: render_refusal(samples.refusal(1), "kk"), 30, None),
        ("Annex 1 application", lambda: render_annex1(samples.annex1(2), "kk"), 30, None),
        (
            "hand-over receipt (2 copies)",
            lambda: render_handover(samples.handover(), "ru"),
            30,
            None,
        ),
        (
            "transfer register, 100 packages",
            lambda: render_transfer(samples.transfer(100), "ru"),
            5,
            None,
        ),
    ]
    for name, make, runs, target in rows:
        seconds, cpu = median_seconds(make, runs)
        verdict = "" if target is None else ("  ok" if seconds <= target else "  OVER TARGET")
        limit = "" if target is None else f"  target ≤ {target * 1000:.0f} ms"
        print(f"  {name:36s} {seconds * 1000:8.1f} ms ({cpu * 1000:7.1f}){limit}{verdict}")

    print("\nmemory across 1,000 acceptance receipts in one process")
    for _ in range(20):
        render_receipt(receipt, "kk")
    gc.collect()
    before = rss_mib()
    marks = []
    for n in range(1, 1001):
        render_receipt(receipt, "ru" if n % 2 else "kk")
        if n % 250 == 0:
            gc.collect()
            marks.append((n, rss_mib()))
    print(f"  RSS before: {before:.1f} MiB")
    for n, mib in marks:
        print(f"  after {n:4d}: {mib:.1f} MiB ({mib - before:+.1f})")
    growth = marks[-1][1] - marks[0][1]
    print(f"  growth from receipt 250 to 1,000: {growth:+.1f} MiB")


if __name__ == "__main__":
    main()
