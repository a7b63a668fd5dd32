#!/usr/bin/env python3
"""Search benchmark: the home screen's one search box over 1,000,000 packages, on the
ENCRYPTED database (SQLCipher) that desks run.

    python bench/bench_search.py [--packages N] [--fresh]

Fills (or reuses) bench/out/search-N.db, a SQLCipher file keyed with bench/out/search-N.key,
through the real migrations (the search index is filled by its trigger, as on a desk), then
prints the median and worst time of `packages.search` for: a word from the middle of a name,
a rarer middle-of-name word, two words, a partial receipt number, a partial IIN (its first
seven digits) and a partial BIN (seven digits from its middle); and the database size.
Target: ≤ 10 ms each. Each query is timed in a fresh read transaction, as the screen runs it.
With --rebuild it first times the search migrations (0007, 0008) over the whole database, as a
desk upgrading with that many packages would run them.
"""

from __future__ import annotations

import argparse
import os
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

from bench.bench_storage import CLERKS, NAMES, SURNAMES, valid_idn  # noqa: E402
from ozq_desktop.domain import packages  # noqa: E402
from ozq_desktop.domain.receipts import format_receipt_number  # noqa: E402
from ozq_desktop.domain.search_text import fold  # noqa: E402
from ozq_desktop.models import Package, User  # noqa: E402
from ozq_desktop.storage.engine import make_engine, make_session_factory, reading  # noqa: E402
from ozq_desktop.storage.migrations import downgrade, upgrade  # noqa: E402

# Parts of firm names, joined as firms are named («Қазмұнайсервис», «Алатау Құрылыс»).
STEMS = [
    "Қазмұнай",
    "Алатау",
    "Ертіс",
    "Балқаш",
    "Тараз",
    "Каспий",
    "Атырау",
    "Жайық",
    "Сарыарқа",
    "Нұра",
    "Есіл",
    "Іле",
    "Тобыл",
    "Маңғыстау",
    "Қарағанды",
    "Ақтөбе",
    "Шымкент",
    "Өскемен",
    "Павлодар",
    "Қостанай",
    "Жетісу",
    "Алтай",
    "Көкшетау",
    "Steppe",
    "Eurasia",
    "Silk Way",
    "Nomad",
    "Altyn",
    "Temir",
    "Kazakh",
    "Дала",
    "Бәйтерек",
    "Самұрық",
    "Ұлытау",
    "Бурабай",
]
SUFFIXES = [
    "сервис",
    "газ",
    "мұнай",
    "құрылыс",
    "энерго",
    "транс",
    "техника",
    "химия",
    "мыс",
    "металл",
    "жабдық",
    "монтаж",
    "строй",
    "пром",
    "геология",
    "бұрғылау",
    " Energy",
    " Engineering",
    " Mining",
    " Logistics",
    " Group",
    " Holding",
]
FORMS = ["ЖШС", "ТОО", "АҚ", "АО", "LLP", "ЖШС", "ТОО"]


def firm(rng: random.Random) -> str:
    name = rng.choice(STEMS) + rng.choice(SUFFIXES)
    if rng.random() < 0.4:
        name += " " + rng.choice(STEMS)
    form = rng.choice(FORMS)
    return f"«{name}» {form}" if rng.random() < 0.5 else f"{form} «{name}»"


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(NAMES)} {rng.choice(NAMES)}ұлы"


def key_of(path: Path) -> bytes:
    key_file = path.with_suffix(".key")
    if not key_file.exists():
        key_file.write_bytes(os.urandom(32))
    return key_file.read_bytes()


def fill(path: Path, count: int) -> None:
    engine = make_engine(path, key=key_of(path))
    upgrade(engine)
    rng = random.Random(1)
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
                    "created_at": datetime(2025, 1, 1),
                }
                for i in range(1, CLERKS + 1)
            ],
        )
    start_day, batch, t0 = date(2024, 1, 1), [], time.perf_counter()
    for n in range(1, count + 1):
        legal = rng.random() < 0.7
        name = firm(rng) if legal else person(rng)
        day = start_day + timedelta(days=(n * 700) // count)
        at = datetime.combine(day, datetime.min.time()) + timedelta(minutes=540 + n % 600)
        batch.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
                "receipt_no": format_receipt_number("ALA01", f"D{n % 4}", n),
                "service_id": rng.choice(
                    ["attestation", "technology-permit", "declaration-registration"]
                ),
                "status": rng.choice(["queued", "received", "issued", "refused_at_counter"]),
                "applicant_type": "legal_entity" if legal else "natural_person",
                "applicant_idn": valid_idn(rng, legal),
                "applicant_name": name,
                "applicant_name_fold": fold(name),
                "clerk_id": 1 + n % CLERKS,
                "accepted_at": at,
                "accepted_day": day,
                "result_date": day + timedelta(days=21),
                "promised_date": day + timedelta(days=21),
                "created_at": at,
                "updated_at": at,
            }
        )
        if len(batch) == 20000 or n == count:
            with engine.begin() as conn:
                conn.execute(insert(Package), batch)
            batch = []
            print(
                f"\r  filled {n:,} packages ({time.perf_counter() - t0:.0f} s)", end="", flush=True
            )
    print()
    engine.dispose()


def timed(fn, repeat: int) -> tuple[float, float]:
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
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument(
        "--rebuild", action="store_true", help="time the search migrations on the database"
    )
    args = parser.parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"search-{args.packages}.db"
    if args.fresh or not path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        print(f"Filling {path.name} (SQLCipher) with {args.packages:,} packages …")
        t0 = time.perf_counter()
        fill(path, args.packages)
        print(f"  filled in {time.perf_counter() - t0:.0f} s")
    engine = make_engine(path, key=key_of(path))
    if args.rebuild:
        # What a desk with a million packages goes through once: the search migrations
        # (fold every name anew, fill the trigram index, index the receipt numbers backwards).
        downgrade(engine, "0006")
        t0 = time.perf_counter()
        upgrade(engine)
        print(
            f"  the search migrations over {args.packages:,} packages: "
            f"{time.perf_counter() - t0:.0f} s"
        )
    upgrade(engine)  # as the app does on start
    factory = make_session_factory(engine)
    with reading(factory) as s:
        some = s.execute(Package.__table__.select().limit(3).offset(args.packages // 2)).all()
    person_row = next((r for r in some if r.applicant_type == "natural_person"), some[0])
    firm_row = next((r for r in some if r.applicant_type == "legal_entity"), some[0])
    cases = {
        "middle-of-name word «сервис»": "сервис",
        "middle-of-name word «бұрғылау»": "бұрғылау",
        "two words «алатау құрылыс»": "алатау құрылыс",
        "receipt number, last digits": person_row.receipt_no[-9:],
        "IIN, first 7 digits": person_row.applicant_idn[:7],
        "BIN, 7 digits from the middle": firm_row.applicant_idn[3:10],
    }
    print(
        f"Database: {path.name} (SQLCipher), {path.stat().st_size / 1048576:.0f} MB, "
        f"{args.packages:,} packages; {args.repeat} runs each"
    )

    def search(query: str) -> int:
        with reading(factory) as session:
            return len(packages.search(session=session, text=query))

    for label, query in cases.items():
        median, worst = timed(lambda q=query: search(q), args.repeat)
        rows = search(query)
        print(
            f"  {label:<32} {query!r:<18} median {median:6.2f} ms   worst {worst:6.2f} ms"
            f"   ({rows} rows)"
        )
    engine.dispose()


if __name__ == "__main__":
    main()
