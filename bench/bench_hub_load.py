"""The hub on PostgreSQL under 500 simulated desks polling and pushing, on 127.0.0.1 only.

Starts a throwaway PostgreSQL 15 cluster (fsync on) and the hub in one of two setups:
`one-fs` (one instance, the filesystem store) or `two-s3` (two instances behind nginx, blobs
in an S3 server: moto on 127.0.0.1). It enrols the desks over HTTP (50 branches of 10), then:

- `idle`: each desk takes its cursor, then 5,000 polls that find nothing new: the hub's CPU
  per 1,000 empty polls;
- `rate`: the desks together offer about --rate requests/s on an open-loop schedule; each
  round polls the change feed and every third round pushes a package (declare, upload a
  20 KB scan, commit), and the committee decides each package received;
- `saturated`: the same rounds as fast as the desks can.

Hub CPU is measured from /proc: utime+stime of every hub process (each instance's uvicorn
supervisor and its workers), read before and after the phase, divided by the requests the
phase made; PostgreSQL, nginx and the S3 server are counted the same way, apart.
It prints the load average too: on a shared machine the figures are noisy.
It stops everything it started.

Each desk holds one keep-alive connection, driven by a minimal asyncio HTTP/1.1
client. A general-purpose client costs more CPU per request than the hub does,
and on a small machine it would measure itself.

    python bench/bench_hub_load.py --setup one-fs      # (a)
    python bench/bench_hub_load.py --setup two-s3      # (b)
    [--desks 500] [--phases idle,rate,saturated] [--rate 330] [--workers 2]
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
import statistics
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from ozq_hub.db import Database, utcnow
from ozq_hub.devtools import ThrowawayPostgres
from ozq_hub.service import enrolment
from ozq_hub.topology import Topology
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
    # The target load: the desks together offer about --rate requests/s (their pauses are
    # set from it in main()); p99 here is the latency at that throughput.
    "rate": Phase("rate", rounds=12, mean_pause=0.0),
    # Desks polling as fast as they can: what the hub sustains, and how it queues.
    "saturated": Phase("saturated", rounds=10, mean_pause=0.5),
}
# Requests a desk's round makes on average: a poll, and every third round a push (declare,
# upload, commit) plus the committee's decision on it.
REQUESTS_PER_ROUND = 1 + 4 / 3


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
    loop = asyncio.get_running_loop()
    start = loop.time() + random.uniform(0, phase.mean_pause)
    for round_no in range(phase.rounds):
        if phase.name == "rate":  # open loop: round N starts on its own schedule
            await asyncio.sleep(max(0.0, start + round_no * phase.mean_pause - loop.time()))
        else:
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


def cpu_roots(topology: Topology) -> dict[str, list[int]]:
    """The processes whose CPU time is counted, by part: every hub instance (its uvicorn
    supervisor and workers), PostgreSQL, nginx and the S3 server when there are."""
    roots: dict[str, list[int]] = {"hub": [h.process.pid for h in topology.hubs if h.process]}
    assert topology.postgres is not None
    roots["postgres"] = [postmaster_pid(topology.postgres)]
    if topology.nginx and topology.nginx.process:
        roots["nginx"] = [topology.nginx.process.pid]
    if topology.s3 and topology.s3.process:
        roots["s3 (moto)"] = [topology.s3.process.pid]
    return roots


def cpu_now(roots: dict[str, list[int]]) -> dict[str, float]:
    return {part: sum(tree_cpu_seconds(pid) for pid in pids) for part, pids in roots.items()}


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
    print(f"cpu time           {spent} ({os.cpu_count()} cores shared by all)")
    per = {name: seconds / len(everything) * 1000 for name, seconds in cpu.items()}
    print(
        "cpu per request    "
        + ", ".join(f"{name} {ms:.2f} ms" for name, ms in per.items() if name != "load generator")
    )
    print(f"HUB CPU/REQUEST    {per['hub']:.2f} ms   (target <= 3 ms)")


async def idle_polls(port: int, tokens: list[str], total: int, mark) -> Recorder:
    """Every desk takes its cursor (not counted), `mark()` is called, then `total` polls that
    find nothing new are made, each desk polling in turn: what idle desks cost the hub."""
    connections = [Connection(port, token) for token in tokens]
    scratch, rec = Recorder(), Recorder()
    cursors: list[str] = []
    for start in range(0, len(tokens), 50):
        batch = connections[start : start + 50]
        cursors += await asyncio.gather(*(_drain(c, scratch) for c in batch))
    mark()

    async def desk(i: int, polls: int) -> None:
        for _ in range(polls):
            path = f"/changes?limit=100&after={cursors[i]}"
            page = await rec.call("idle poll", connections[i], "GET", path)
            assert not page["changes"], page

    share, extra = divmod(total, len(tokens))
    await asyncio.gather(*(desk(i, share + (i < extra)) for i in range(len(tokens))))
    for connection in connections:
        await connection.close()
    return rec


async def _drain(connection: Connection, rec: Recorder) -> str:
    cursor = None
    while True:
        query = f"?limit=500&after={cursor}" if cursor else "?limit=500"
        page = await rec.call("poll", connection, "GET", f"/changes{query}")
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return cursor


SETUPS = {
    # (a) one instance, the filesystem store, desks straight to it
    "one-fs": {"instances": 1, "store": "filesystem", "nginx": False},
    # (b) two instances behind nginx, blobs in S3
    "two-s3": {"instances": 2, "store": "s3", "nginx": True},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=500)
    parser.add_argument("--branches", type=int, default=50)
    parser.add_argument("--setup", choices=SETUPS, default="one-fs")
    parser.add_argument("--phases", default="idle,rate,saturated", help=", ".join(PHASES))
    parser.add_argument("--rate", type=float, default=330, help="requests/s the rate phase offers")
    parser.add_argument("--idle-polls", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers per instance")
    args = parser.parse_args()
    failed = False
    setup = SETUPS[args.setup]
    print(f"load average       {' '.join(f'{x:.2f}' for x in os.getloadavg())} (before)")
    with Topology(workers=args.workers, fsync=True, log_level="warning", **setup) as topology:
        committee_token = topology.committee_token
        global BRANCHES
        BRANCHES = args.branches
        codes = issue_codes(topology.database_url, args.desks, args.branches)
        # Straight to an instance: nginx rightly throttles 500 enrolments from one address.
        tokens = asyncio.run(enrol_all(topology.hubs[0].port, codes))
        roots = cpu_roots(topology)
        print(f"desks              {args.desks} in {args.branches} branches, enrolled over HTTP")
        print(
            f"hub                {args.setup}: {setup['instances']} instance(s) x {args.workers} "
            f"uvicorn worker(s), {setup['store']} store, "
            f"{'behind nginx' if setup['nginx'] else 'direct'}, PostgreSQL 15 fsync on"
        )
        for name in args.phases.split(","):
            name = name.strip()
            if name == "idle":
                marks: dict[str, float] = {}
                rec = asyncio.run(
                    idle_polls(
                        topology.port,
                        tokens,
                        args.idle_polls,
                        lambda marks=marks: marks.update(cpu_now(roots)),
                    )
                )
                after = cpu_now(roots)
                polls = sum(len(v) for v in rec.latencies.values())
                hub_ms = (after["hub"] - marks["hub"]) / polls * 1000
                lat = rec.latencies["idle poll"]
                print(f"--- phase idle: {polls} polls with nothing new")
                print(
                    f"idle poll          p50 {statistics.median(lat) * 1000:.1f} ms, "
                    f"p99 {percentile(lat, 0.99) * 1000:.1f} ms"
                )
                per_thousand = {part: (after[part] - marks[part]) / polls * 1000 for part in after}
                print(
                    "idle cost          "
                    + ", ".join(f"{part} {sec:.2f} s" for part, sec in per_thousand.items())
                    + " of CPU per 1,000 empty polls"
                )
                print(f"HUB CPU/1000 IDLE  {per_thousand['hub']:.2f} s ({hub_ms:.2f} ms a poll)")
                continue
            phase = PHASES[name]
            if phase.name == "rate":
                pause = args.desks * REQUESTS_PER_ROUND / args.rate
                phase = Phase("rate", phase.rounds, pause)
            before = cpu_now(roots)
            client_before = time.process_time()
            try:
                rec, elapsed, seen = asyncio.run(
                    run_phase(topology.port, tokens, committee_token, phase)
                )
            except RuntimeError as exc:
                print(f"--- phase {phase.name} failed: {exc}")
                failed = True
                continue
            spent = cpu_now(roots)
            cpu = {key: spent[key] - before[key] for key in spent}
            cpu["load generator"] = time.process_time() - client_before
            report(rec, elapsed, seen, phase, cpu)
    print(f"load average       {' '.join(f'{x:.2f}' for x in os.getloadavg())} (after)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
