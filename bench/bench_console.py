"""The committee's console and the status page with 100,000 packages on PostgreSQL.

Starts a throwaway PostgreSQL 15 cluster (fsync on), migrates it, writes 100,000
received packages (20 branches, the three services, due dates spread over four
months; most past their term decided) straight into the tables in bulk, then starts a
real hub process on it and measures, over HTTP on 127.0.0.1 with one keep-alive
client, p50 and p95 of:

- the queue, first page (a reviewer whose department is 5 branches);
- the queue, filtered (service and "not yet decided");
- the queue, searched (a whole receipt number, its last seven digits, an IIN/BIN, a part
  of a name);
- the package page;
- the status page (a POST look-up, with its two rate-limit counters).

    python bench/bench_console.py [--packages 100000] [--rounds 200] [--without-trigram-index]

Targets: the queue and the package page <= 150 ms at p95; the status page <= 50 ms.
It prints the machine, PostgreSQL's version, whether the search's trigram indexes are
there, and the load average before the run and after each line: on a shared machine the
figures mean little without it. Exit status 0 when every target is met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, inspect, text  # noqa: E402

from ozq_hub import migrate  # noqa: E402
from ozq_hub.db import Database, utcnow  # noqa: E402
from ozq_hub.devtools import HubProcess, ThrowawayPostgres  # noqa: E402
from ozq_hub.models import Branch, DecisionRow, Device, ManifestEntryRow, Package  # noqa: E402
from ozq_hub.service.packages import fold  # noqa: E402
from tests.hub.console.helpers import Browser, make_user  # noqa: E402

TRIGRAM_INDEXES = ("ix_package_name_trgm", "ix_package_receipt_trgm")
SERVICES = ("attestation", "technology-permit", "declaration-registration")
WORDS = ("Алатау", "Қазмұнай", "Energy", "Сервис", "Құрылыс", "Steppe", "Темір", "Nur", "Жол")


def seed(database: Database, count: int) -> list[tuple[str, str]]:
    """Bulk rows; returns some (receipt, idn) pairs for look-ups."""
    rng = random.Random(7)
    now = utcnow()
    today = dt.date.today()
    with database.writing() as session:
        session.execute(
            insert(Branch),
            [
                {"code": f"BR{b:02d}", "name": f"Филиал {b:02d}", "created_at": now}
                for b in range(20)
            ],
        )
        devices = [uuid.uuid4() for _ in range(20)]
        session.execute(
            insert(Device),
            [
                {
                    "id": devices[b],
                    "branch_code": f"BR{b:02d}",
                    "desk_code": "D1",
                    "name": "pc",
                    "token_hash": uuid.uuid4().hex + uuid.uuid4().hex,
                    "enrolled_at": now,
                }
                for b in range(20)
            ],
        )
    samples = []
    batch = 5000
    for start in range(0, count, batch):
        packages, manifests, decisions = [], [], []
        for i in range(start, min(count, start + batch)):
            b = i % 20
            ident = uuid.uuid4()
            receipt = f"BR{b:02d}-D1-{i:07d}"
            idn = f"{rng.randrange(10**11, 10**12):012d}"
            name = f"«{rng.choice(WORDS)} {rng.choice(WORDS)}-{i}» ЖШС"
            accepted = today - dt.timedelta(days=rng.randrange(0, 120))
            due = accepted + dt.timedelta(days=rng.randrange(5, 25))
            # A committee that keeps up: most packages past their term are decided.
            decided = rng.random() < (0.95 if due < today else 0.1)
            state = (
                rng.choice(("granted", "refused")) if decided else rng.choice(("new", "in_review"))
            )
            packages.append(
                {
                    "uuid": ident, "branch_code": f"BR{b:02d}", "device_id": devices[b],
                    "desk_code": "D1", "receipt_no": receipt, "service_id": SERVICES[i % 3],
                    "clerk_login": "clerk", "clerk_name": "Әлия Сейітова", "device_time": now,
                    "details": {"applicant_idn": idn, "applicant_name": name,
                                "accepted_at": f"{accepted.isoformat()}T10:00:00",
                                "documents": [{"code": "expert_conclusion", "presented": True, "pages": 40}]},
                    "manifest_hash": "0" * 64, "status": "received", "declared_at": now,
                    "received_at": now, "received_seq": i + 1, "signature_verified": False,
                    "applicant_idn": idn, "applicant_name": name, "applicant_name_fold": fold(name),
                    "accepted_on": accepted, "due_date": due, "legal_due_date": due,
                    "review_state": state,
                }
            )  # fmt: skip
            manifests.append(
                {"package_uuid": ident, "name": "conclusion.pdf", "position": 0,
                 "sha256": f"{i:064x}", "size": 1000, "mime": "application/pdf"}
            )  # fmt: skip
            if decided:
                decisions.append(
                    {"package_uuid": ident, "version": 1, "outcome": state, "kind": None,
                     "number": None, "decision_date": None, "reason": "x" if state == "refused" else None,
                     "decided_by": "head", "decided_at": now, "seq": 0}
                )  # fmt: skip
            if i % 997 == 0:
                samples.append((receipt, idn, ident))
        with database.writing() as session:
            session.execute(insert(Package), packages)
            session.execute(insert(ManifestEntryRow), manifests)
            if decisions:
                session.execute(insert(DecisionRow), decisions)
    with database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE"
        )  # what autovacuum does on a live hub: statistics, and the visibility map
    return samples


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} × {model}, Python {platform.python_version()}"


def describe(database: Database) -> str:
    with database.engine.connect() as connection:
        version = connection.exec_driver_sql("SHOW server_version").scalar()
        fsync = connection.exec_driver_sql("SHOW fsync").scalar()
    indexes = {index["name"] for index in inspect(database.engine).get_indexes("package")}
    trigram = ", ".join(name for name in TRIGRAM_INDEXES if name in indexes) or "none"
    return f"PostgreSQL {version} (fsync {fsync}); search's trigram indexes: {trigram}"


def measure(label: str, call, rounds: int) -> tuple[float, float]:
    for _ in range(5):
        call()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        answer = call()
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (label, answer.status_code, answer.text[:300])
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{label:<34} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   (n={rounds})   load {load()}",
        flush=True,
    )
    return p50, p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--without-trigram-index",
        action="store_true",
        help="drop the pg_trgm indexes after migrating: a hub whose database user could not "
        "create the extension (docs/console.md)",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ozq-bench-console-"))
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, {machine()}")
    print(f"load average (1, 5, 15 min) before: {load()}")
    with ThrowawayPostgres(fsync=True) as cluster:
        url = cluster.create_database()
        database = Database(url)
        migrate.upgrade(database)
        if args.without_trigram_index:
            with database.writing() as session:
                for name in TRIGRAM_INDEXES:
                    session.execute(text(f"DROP INDEX {name}"))
        started = time.perf_counter()
        samples = seed(database, args.packages)
        print(f"seeded {args.packages} packages in {time.perf_counter() - started:.1f} s")
        print(describe(database), flush=True)
        database.dispose()
        make_user(url, "reviewer", "reviewer", {f"BR{b:02d}" for b in range(5)})
        limits = "status_per_address=1000000,status_per_receipt=1000000,login_per_address=1000"
        with HubProcess(url, folder / "blobs", env={"OZQ_HUB_CONSOLE": limits}) as hub:
            web = Browser(hub.base_url)
            assert web.sign_in("reviewer").status_code == 303
            mine = [s for s in samples if int(s[0][2:4]) < 5]
            rng = random.Random(1)
            results = {
                "queue, first page": measure(
                    "queue, first page", lambda: web.get("/console/queue"), args.rounds
                ),
                "queue, filtered": measure(
                    "queue, filtered (service, open)",
                    lambda: web.get("/console/queue?service=attestation&decided=no"),
                    args.rounds,
                ),
                "queue, receipt": measure(
                    "queue, searched: receipt №",
                    lambda: web.get(f"/console/queue?q={rng.choice(mine)[0]}"),
                    args.rounds,
                ),
                "queue, receipt part": measure(
                    "queue, searched: its last 7 digits",
                    lambda: web.get(f"/console/queue?q={rng.choice(mine)[0][-7:]}"),
                    args.rounds,
                ),
                "queue, IIN": measure(
                    "queue, searched: IIN/BIN",
                    lambda: web.get(f"/console/queue?q={rng.choice(mine)[1]}"),
                    args.rounds,
                ),
                "queue, name": measure(
                    "queue, searched: part of a name",
                    lambda: web.get("/console/queue?q=алатау қаз"),
                    args.rounds,
                ),
                "package page": measure(
                    "package page",
                    lambda: web.get(f"/console/packages/{rng.choice(mine)[2]}"),
                    args.rounds,
                ),
            }
            status = Browser(hub.base_url)
            token = status.csrf("/status")

            def look_up():
                receipt, idn, _ = rng.choice(samples)
                return status.post("/status", {"csrf": token, "receipt": receipt, "idn": idn})

            results["status page"] = measure("status page (POST look-up)", look_up, args.rounds)
            web.close()
            status.close()
    ok = all(p95 <= 150 for name, (_p50, p95) in results.items() if name != "status page")
    ok = ok and results["status page"][1] <= 50
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
