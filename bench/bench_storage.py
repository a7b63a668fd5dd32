#!/usr/bin/env python3
"""Storage benchmark: a local database of 1,000,000 packages.

    python bench/bench_storage.py [--packages N] [--fresh]

Fills (or reuses) bench/out/storage-N.db through the real migrations, then prints the median
and worst time of: look-up by receipt number, by IIN/BIN, by applicant name (prefix), one
clerk's day and the whole branch's day; and the database size. Target: ≤ 10 ms each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from ozq_desktop.domain import packages  # noqa: E402
from ozq_desktop.domain.identifiers import check_digit  # noqa: E402
from ozq_desktop.domain.receipts import format_receipt_number  # noqa: E402
from ozq_desktop.domain.search_text import fold  # noqa: E402
from ozq_desktop.models import Package, PackageDocument, User  # noqa: E402
from ozq_desktop.storage.engine import make_engine, make_session_factory, reading  # noqa: E402
from ozq_desktop.storage.migrations import upgrade  # noqa: E402

SURNAMES = [
    "Ахметов",
    "Жұмабаев",
    "Сейітов",
    "Әбілқасымов",
    "Нұрланов",
    "Иванов",
    "Петров",
    "Қасымов",
    "Омаров",
    "Серікбаев",
    "Төлегенов",
    "Ким",
    "Ли",
    "Бекболатов",
    "Смағұлов",
]
NAMES = ["Нұрлан", "Әсел", "Болат", "Гүлнар", "Айгүл", "Ерлан", "Дина", "Сергей", "Мария", "Арман"]
FIRMS = ["Қазмұнай", "Алатау Құрылыс", "Steppe Energy", "Балқаш Мыс", "Ертіс Газ", "Тараз Химия"]
CLERKS = 20
DAYS = 500


def valid_idn(rng: random.Random, bin_: bool) -> str:
    while True:
        if bin_:
            head = f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}40{rng.randint(0, 99999):05d}"
        else:
            head = f"{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}3{rng.randint(0, 9999):04d}"
        digit = check_digit(head)
        if digit is not None:
            return head + str(digit)


def fill(path: Path, count: int) -> None:
    engine = make_engine(path)
    upgrade(engine)
    rng = random.Random(1)
    start_day = date(2025, 1, 1)
    with engine.begin() as conn:
        conn.execute(
            insert(User),
            [
                {
                    "id": i,
                    "login": f"clerk{i}",
                    "full_name": f"Clerk {i}",
                    "role": "clerk",
                    "password_hash": "x",
                    "phone": "",
                    "is_active": True,
                    "failed_attempts": 0,
                    "created_at": datetime(2025, 1, 1),
                }
                for i in range(1, CLERKS + 1)
            ],
        )
    batch, docs = [], []
    t0 = time.perf_counter()
    for n in range(1, count + 1):
        legal = rng.random() < 0.7
        name = (
            f"«{rng.choice(FIRMS)} {n % 997}» ЖШС"
            if legal
            else f"{rng.choice(SURNAMES)} {rng.choice(NAMES)}"
        )
        day = start_day + timedelta(days=(n * DAYS) // count)
        at = datetime.combine(day, datetime.min.time()) + timedelta(minutes=540 + n % 600)
        pid = str(uuid.UUID(int=rng.getrandbits(128)))
        batch.append(
            {
                "id": pid,
                "receipt_no": format_receipt_number("ALA01", f"D{n % 4}", n),
                "service_id": rng.choice(
                    ["attestation", "technology-permit", "declaration-registration"]
                ),
                "status": rng.choice(["queued", "received", "issued", "refused_at_counter"]),
                "place": "counter",
                "visit_address": "",
                "visit_reason": "",
                "applicant_type": "legal_entity" if legal else "natural_person",
                "applicant_idn": valid_idn(rng, legal),
                "applicant_name": name,
                "applicant_name_fold": fold(name),
                "applicant_address": "Алматы қ.",
                "applicant_phone": "+7 700 000 0000",
                "applicant_email": "",
                "representative": None,
                "clerk_id": 1 + n % CLERKS,
                "accepted_at": at,
                "accepted_day": day,
                "result_date": day + timedelta(days=21),
                "service_seconds": 600 + n % 600,
                "annex1": {},
                "consent": True,
                "missing_documents": [],
                "manifest_hash": "0" * 64,
                "decision_version": 0,
                "created_at": at,
                "updated_at": at,
            }
        )
        for pos, code in enumerate(("application", "expert_conclusion", "declaration")):
            docs.append(
                {
                    "package_id": pid,
                    "position": pos,
                    "code": code,
                    "name_kk": code,
                    "name_ru": code,
                    "presented": True,
                    "pages": 3,
                }
            )
        if len(batch) == 20000 or n == count:
            with engine.begin() as conn:
                conn.execute(insert(Package), batch)
                conn.execute(insert(PackageDocument), docs)
            batch, docs = [], []
            print(
                f"\r  filled {n:,} packages ({time.perf_counter() - t0:.0f} s)", end="", flush=True
            )
    print()
    engine.dispose()


def timed(fn, repeat: int = 50) -> tuple[float, float]:
    fn()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs), max(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages", type=int, default=1_000_000)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"storage-{args.packages}.db"
    if args.fresh or not path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        print(f"Filling {path.name} with {args.packages:,} packages …")
        fill(path, args.packages)
    engine = make_engine(path)
    upgrade(engine)  # as the app does on start
    factory = make_session_factory(engine)
    rng = random.Random(7)
    with reading(factory) as s:
        sample = s.execute(Package.__table__.select().limit(1).offset(args.packages // 2)).first()
    mid_day = sample.accepted_day
    cases = {
        "by receipt number": lambda: packages.by_receipt(
            session=s,
            receipt_no=format_receipt_number(
                "ALA01", f"D{(n := rng.randint(1, args.packages)) % 4}", n
            ),
        ),
        "by IIN/BIN": lambda: packages.by_idn(session=s, idn=sample.applicant_idn),
        "by applicant name (prefix)": lambda: packages.by_name(session=s, text="әбілқасымов гүл"),
        "one clerk's day": lambda: packages.day_listing(session=s, day=mid_day, clerk_id=3),
        "the whole branch's day": lambda: packages.day_listing(session=s, day=mid_day),
    }
    print(
        f"Database: {path.name}, {path.stat().st_size / 1048576:.0f} MB, {args.packages:,} packages"
    )
    with reading(factory) as s:
        for label, fn in cases.items():
            median, worst = timed(fn)
            rows = fn()
            size = len(rows) if isinstance(rows, list) else 1
            print(f"  {label:<28} median {median:7.2f} ms   worst {worst:7.2f} ms   ({size} rows)")
    engine.dispose()


if __name__ == "__main__":
    main()
