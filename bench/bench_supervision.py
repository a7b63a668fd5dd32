#!/usr/bin/env python3
"""Supervisor views over a local database of 1,000,000 packages.

    python bench/bench_supervision.py [--packages N]

Reuses (or makes) the encrypted desk of bench_storage.py (bench/desk_db.py), then prints the median and worst time of
the deadline monitor (the three counts on the home screen, and the three lists) and of one
day's register for the whole branch. Target: ≤ 200 ms each.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_storage import timed  # noqa: E402
from bench.desk_db import describe, open_bench_desk  # noqa: E402
from ozq_desktop.domain import deadlines, registers  # noqa: E402
from ozq_desktop.domain.calendar_store import load_calendar  # noqa: E402
from ozq_desktop.models import Package  # noqa: E402
from ozq_desktop.storage.engine import reading  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages", type=int, default=1_000_000)
    parser.add_argument(
        "--plain", action="store_true", help="an unencrypted database (users run SQLCipher)"
    )
    args = parser.parse_args()
    desk = open_bench_desk(args.packages, encrypted=not args.plain)
    factory = desk.factory
    with reading(factory) as s:
        sample = s.execute(Package.__table__.select().limit(1).offset(args.packages // 2)).first()
        today = sample.accepted_day
        calendar = load_calendar(session=s)
        cases = {
            "deadline counts (home screen)": lambda: deadlines.deadline_counts(
                session=s, calendar=calendar, today=today
            ),
            "deadline lists (3 × ≤ 500 rows)": lambda: deadlines.deadline_lists(
                session=s, calendar=calendar, today=today
            ),
            "one day's register (branch)": lambda: registers.daily_register(session=s, day=today),
        }
        print(f"{describe(desk, args.packages)}; today = {today}")
        for label, fn in cases.items():
            median, worst = timed(fn, repeat=20)
            result = fn()
            detail = (
                result
                if isinstance(result, deadlines.DeadlineCounts)
                else f"{len(result.entries)} rows"
                if hasattr(result, "entries")
                else f"{len(result.overdue)}/{len(result.due_today)}/{len(result.due_soon)} rows"
            )
            print(f"  {label:<32} median {median:7.1f} ms   worst {worst:7.1f} ms   {detail}")
    desk.close()


if __name__ == "__main__":
    main()
