"""The hub on PostgreSQL under 500 simulated desks polling and pushing, on 127.0.0.1 only.

Starts a throwaway PostgreSQL 15 cluster (fsync on) and a hub on it, enrols the
desks over HTTP (50 branches of 10), then runs two phases in which every desk
runs a bounded loop: poll the change feed and, every third round, push a package
(declare, upload a 20 KB scan, commit). The committee records a decision for
each package received. For each phase it prints requests per second, p50/p99
latency overall and per call, and the CPU time the hub and PostgreSQL spent per
request. It stops everything it started.

Each desk holds one keep-alive connection, driven by a minimal asyncio HTTP/1.1
client. A general-purpose client costs more CPU per request than the hub does,
and on a small machine it would measure itself.

    python bench/bench_hub_load.py [--desks 500] [--phases paced,saturated] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import itertools
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from ozq_hub.db import Database, utcnow
from ozq_hub.devtools import HubProcess, ThrowawayPostgres
from ozq_hub.service import enrolment
from ozq_wire import protocol as p


@dataclass(frozen=True)
class Phase:
    name: str
    rounds: int
    mean_pause: float  # seconds between a desk's rounds, on average
    push_every: int = 3  # a push every N rounds


PHASES = {
    # Desks polling about every 20 s: what a busy day looks like.
    "paced": Phase("paced", rounds=5, mean_pause=20.0),
    # Desks polling as fast as they can: what the hub sustains, and how it queues.
    "saturated": Phase("saturated", rounds=10, mean_pause=0.5),
}


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects once when the hub dropped it."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port = port
        self.auth = f"Authorization: Bearer {token}\r\n" if token else ""
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _exchange(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("closed by the hub")
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        payload = await self.reader.readexactly(length)
        if close:
            await self.close()
        return int(status_line.split()[1]), payload

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: str = ""
    ) -> tuple[int, bytes, bool]:
        """Status, body, and whether the connection had to be made again."""
        head = (
            f"{method} {p.API_PREFIX}{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.auth}{headers}"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        try:
            status, payload = await self._exchange(head, body)
            return status, payload, False
        except (ConnectionError, asyncio.IncompleteReadError):
            await self.close()
            status, payload = await self._exchange(head, body)
            return status, payload, True

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = self.reader = None


class Recorder:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.reconnects = 0

    async def call(self, label: str, connection: Connection, method: str, path: str, **kw):
        started = time.perf_counter()
        status, payload, reconnected = await connection.request(method, path, **kw)
        self.latencies[label].append(time.perf_counter() - started)
        self.statuses[(label, status)] += 1
        self.reconnects += reconnected
        if status != 200:
            raise RuntimeError(f"{label}: {status} {payload[:200]!r}")
        return json.loads(payload)


# Desk i is desk "desk-<i>" of branch "BR-<i mod branches>"; its receipt numbers carry both
# (the hub refuses any other). Set by main() once the branch count is known.
BRANCHES = 50
_receipts = itertools.count(1)


def receipt_for(desk_index: int) -> str:
    return f"BR-{desk_index % BRANCHES:03d}-desk-{desk_index:03d}-{next(_receipts):07d}"


def issue_codes(url: str, desks: int, branches: int) -> list[str]:
    database = Database(url)
    try:
        with database.writing() as session:
            return [
                enrolment.issue_enrolment_code(
                    session,
                    branch_code=f"BR-{i % branches:03d}",
                    branch_name=None,
                    hours=1,
                    now=utcnow(),
                )
                for i in range(desks)
            ]
    finally:
        database.dispose()


async def enrol_all(port: int, codes: list[str]) -> list[str]:
    async def enrol(i: int, code: str) -> str:
        connection = Connection(port)
        body = json.dumps({"code": code, "desk_code": f"desk-{i:03d}", "device_name": f"pc-{i}"})
        status, payload, _ = await connection.request(
            "POST", "/enrol", body.encode(), "Content-Type: application/json\r\n"
        )
        await connection.close()
        assert status == 200, payload
        return json.loads(payload)["token"]

    tokens = []
    for start in range(0, len(codes), 50):
        batch = codes[start : start + 50]
        tokens += await asyncio.gather(*(enrol(start + i, c) for i, c in enumerate(batch)))
    return tokens


def new_package(index: int) -> tuple[bytes, str, bytes, uuid.UUID]:
    """The declaration body, the scan's hash, the scan, the package UUID."""
    data = f"%PDF-1.7 load {index} {uuid.uuid4()} ".encode() + os.urandom(20_000)
    entry = p.ManifestEntry(
        name="scan.pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mime="application/pdf",
    )
    package_uuid = uuid.uuid4()
    body = {
        "package_uuid": str(package_uuid),
        "receipt_no": receipt_for(index),
        "service_id": "declaration-registration",
        "clerk": {"login": "load", "full_name": "Load Clerk"},
        "device_time": dt.datetime.now(dt.UTC).isoformat(),
        "manifest": [entry.model_dump()],
        "manifest_hash": p.manifest_hash([entry]),
        "metadata": {"i": index},
    }
    return json.dumps(body).encode(), entry.sha256, data, package_uuid


async def push(connection: Connection, rec: Recorder, index: int) -> uuid.UUID:
    body, sha, data, package_uuid = new_package(index)
    json_type = "Content-Type: application/json\r\n"
    await rec.call("declare", connection, "POST", "/packages", body=body, headers=json_type)
    offset = f"{p.UPLOAD_OFFSET}: 0\r\n"
    await rec.call("upload", connection, "PATCH", f"/uploads/{sha}", body=data, headers=offset)
    await rec.call("commit", connection, "POST", f"/packages/{package_uuid}/commit")
    return package_uuid


async def desk_loop(
    port: int, token: str, index: int, phase: Phase, rec: Recorder, received: asyncio.Queue
) -> int:
    connection = Connection(port, token)
    cursor, seen = None, 0
    for round_no in range(phase.rounds):
        await asyncio.sleep(random.uniform(0, 2 * phase.mean_pause))
        while True:
            query = f"?limit=100&after={cursor}" if cursor else "?limit=100"
            page = await rec.call("poll", connection, "GET", f"/changes{query}")
            seen += len(page["changes"])
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        if (round_no + index) % phase.push_every == 0:
            await received.put(await push(connection, rec, index))
    await connection.close()
    return seen


async def committee_loop(port: int, token: str, rec: Recorder, received: asyncio.Queue) -> None:
    connection = Connection(port, token)
    body = json.dumps(
        {"outcome": "granted", "kind": "registration", "number": "R-1", "date": "2026-12-01"}
    ).encode()
    while (package_uuid := await received.get()) is not None:
        path = f"/committee/packages/{package_uuid}/decisions"
        await rec.call(
            "decision", connection, "POST", path, body=body,
            headers="Content-Type: application/json\r\n",
        )  # fmt: skip
    await connection.close()


async def run_phase(
    port: int, tokens: list[str], committee_token: str, phase: Phase
) -> tuple[Recorder, float, int]:
    rec = Recorder()
    received: asyncio.Queue = asyncio.Queue()
    committee = asyncio.create_task(committee_loop(port, committee_token, rec, received))
    started = time.perf_counter()
    seen = await asyncio.gather(
        *(desk_loop(port, t, i, phase, rec, received) for i, t in enumerate(tokens))
    )
    elapsed = time.perf_counter() - started
    await received.put(None)
    await committee
    return rec, elapsed, sum(seen)


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # from field 3 (state) on


def tree_cpu_seconds(root: int) -> float:
    """CPU time of a process and its living descendants (Linux /proc), plus what its
    exited children left in its own counters."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            children[int(fields[1])].append(int(entry.name))
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        if fields := _stat(pid):
            total += sum(int(x) for x in fields[11:13]) / ticks  # utime, stime
            if pid == root:
                total += sum(int(x) for x in fields[13:15]) / ticks  # cutime, cstime
        stack += children.get(pid, [])
    return total


def postmaster_pid(cluster: ThrowawayPostgres) -> int:
    return int((cluster.folder / "data" / "postmaster.pid").read_text().split()[0])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def report(rec: Recorder, elapsed: float, seen: int, phase: Phase, cpu: dict[str, float]) -> None:
    everything = [x for values in rec.latencies.values() for x in values]
    print(
        f"--- phase {phase.name}: {phase.rounds} rounds per desk, ~{phase.mean_pause:g} s apart, "
        f"a push every {phase.push_every} rounds"
    )
    rate = len(everything) / elapsed
    print(f"requests           {len(everything)} in {elapsed:.1f} s = {rate:.0f} req/s")
    print(
        f"latency, all       p50 {statistics.median(everything) * 1000:.0f} ms, "
        f"p99 {percentile(everything, 0.99) * 1000:.0f} ms"
    )
    for label, values in sorted(rec.latencies.items()):
        print(
            f"  {label:<10} {len(values):>6} calls   "
            f"p50 {statistics.median(values) * 1000:6.0f} ms   "
            f"p99 {percentile(values, 0.99) * 1000:6.0f} ms"
        )
    failures = {
        f"{label} {status}": n for (label, status), n in rec.statuses.items() if status != 200
    }
    print(f"non-200 answers    {failures or 'none'}; reconnections {rec.reconnects}")
    print(f"changes delivered  {seen}")
    spent = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in cpu.items())
    print(f"cpu time           {spent} ({os.cpu_count()} cores shared by all three)")
    hub_ms = cpu["hub"] / len(everything) * 1000
    pg_ms = cpu["postgres"] / len(everything) * 1000
    print(
        f"hub cost           {hub_ms:.1f} ms CPU per request in the hub + {pg_ms:.1f} ms in "
        f"PostgreSQL: about {1000 / (hub_ms + pg_ms):.0f} req/s per core it has to itself"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=500)
    parser.add_argument("--branches", type=int, default=50)
    parser.add_argument("--phases", default="paced,saturated", help=", ".join(PHASES))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    failed = False
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ozq-load-")))
        cluster = stack.enter_context(ThrowawayPostgres(fsync=True, max_connections=300))
        url = cluster.create_database()
        committee_token = secrets.token_urlsafe(16)
        hub = stack.enter_context(
            HubProcess(url, folder / "blobs", committee_token=committee_token, workers=args.workers)
        )
        global BRANCHES
        BRANCHES = args.branches
        tokens = asyncio.run(enrol_all(hub.port, issue_codes(url, args.desks, args.branches)))
        assert hub.process is not None
        roots = {"hub": hub.process.pid, "postgres": postmaster_pid(cluster)}
        print(f"desks              {args.desks} in {args.branches} branches, enrolled over HTTP")
        print(f"hub                {args.workers} uvicorn worker(s), PostgreSQL 15, fsync on")
        for name in args.phases.split(","):
            phase = PHASES[name.strip()]
            before = {key: tree_cpu_seconds(pid) for key, pid in roots.items()}
            client_before = time.process_time()
            try:
                rec, elapsed, seen = asyncio.run(
                    run_phase(hub.port, tokens, committee_token, phase)
                )
            except RuntimeError as exc:
                print(f"--- phase {phase.name} failed: {exc}")
                failed = True
                continue
            cpu = {key: tree_cpu_seconds(pid) - before[key] for key, pid in roots.items()}
            cpu["load generator"] = time.process_time() - client_before
            report(rec, elapsed, seen, phase, cpu)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
