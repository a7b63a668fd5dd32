"""The hub on PostgreSQL under 500 simulated desks polling and pushing, on 127.0.0.1 only.

Starts a throwaway PostgreSQL 15 cluster (fsync on) and a hub on it, enrols the
desks (50 branches of 10), then lets every desk run a bounded loop: poll the change
feed, and now and then push a package (declare, upload a 20 KB scan, commit), while
the committee records a decision for each package received. Prints requests per
second and p50/p99 latency, overall and per call; stops everything it started.

    python bench/bench_hub_load.py [--desks 500] [--phases paced,saturated] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
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
from functools import partial
from pathlib import Path

import httpx

from ozq_desktop.sync import protocol as p
from ozq_hub.db import Database, utcnow
from ozq_hub.devtools import HubProcess, ThrowawayPostgres
from ozq_hub.service import enrolment


@dataclass(frozen=True)
class Phase:
    name: str
    rounds: int
    mean_pause: float  # seconds between a desk's rounds, on average
    push_every: int = 3  # a push every N rounds


PHASES = {
    # Desks polling about every 20 s: the hub keeps up.
    "paced": Phase("paced", rounds=5, mean_pause=20.0),
    # Desks polling as fast as they can: what the hub sustains, and its queueing.
    "saturated": Phase("saturated", rounds=10, mean_pause=0.5),
}


class Recorder:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter[tuple[str, int]] = Counter()

    async def call(self, label: str, send) -> httpx.Response:
        """`send()` makes the request; a dropped connection is counted and retried once,
        as a desk's sync worker would."""
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                answer = await send()
            except httpx.TransportError:
                self.statuses[(label, 0)] += 1
                if attempt == 2:
                    raise
                continue
            self.latencies[label].append(time.perf_counter() - started)
            self.statuses[(label, answer.status_code)] += 1
            return answer
        raise AssertionError("unreachable")


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


async def enrol_all(api: str, codes: list[str]) -> list[str]:
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=api, limits=limits, timeout=60) as client:

        async def enrol(i: int, code: str) -> str:
            body = {"code": code, "desk_code": f"desk-{i:03d}", "device_name": f"pc-{i}"}
            answer = await client.post("/enrol", json=body)
            answer.raise_for_status()
            return answer.json()["token"]

        return await asyncio.gather(*(enrol(i, c) for i, c in enumerate(codes)))


def new_package(index: int) -> tuple[p.DeclareRequest, bytes]:
    data = f"%PDF-1.7 load {index} {uuid.uuid4()} ".encode() + os.urandom(20_000)
    entry = p.ManifestEntry(
        name="scan.pdf", sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        mime="application/pdf",
    )  # fmt: skip
    request = p.DeclareRequest(
        package_uuid=uuid.uuid4(), receipt_no=f"L-{uuid.uuid4().hex[:12]}",
        service_id="declaration-registration",
        clerk=p.Clerk(login="load", full_name="Load Clerk"), device_time=dt.datetime.now(dt.UTC),
        manifest=[entry], manifest_hash=p.manifest_hash([entry]), metadata={"i": index},
    )  # fmt: skip
    return request, data


async def push(client: DeskClient, rec: Recorder, index: int) -> uuid.UUID:
    request, data = new_package(index)
    declared = await rec.call(
        "declare",
        lambda: client.post("/packages", content=request.model_dump_json(),
                            headers={"Content-Type": "application/json"}),
    )  # fmt: skip
    declared.raise_for_status()
    sha = request.manifest[0].sha256
    uploaded = await rec.call(
        "upload",
        lambda: client.patch(f"/uploads/{sha}", content=data, headers={p.UPLOAD_OFFSET: "0"}),
    )
    uploaded.raise_for_status()
    committed = await rec.call(
        "commit", lambda: client.post(f"/packages/{request.package_uuid}/commit")
    )
    committed.raise_for_status()
    return request.package_uuid


async def desk_loop(
    client: httpx.AsyncClient,
    token: str,
    index: int,
    phase: Phase,
    rec: Recorder,
    received: asyncio.Queue,
) -> int:
    """One desk: its own token, a connection from the shared pool, a bounded loop."""
    client = DeskClient(client, token)
    cursor, seen = None, 0
    for round_no in range(phase.rounds):
        await asyncio.sleep(random.uniform(0, 2 * phase.mean_pause))
        while True:
            params = {"limit": 100, **({"after": cursor} if cursor else {})}
            answer = await rec.call("poll", partial(client.get, "/changes", params=params))
            answer.raise_for_status()
            page = answer.json()
            seen += len(page["changes"])
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        if (round_no + index) % phase.push_every == 0:
            await received.put(await push(client, rec, index))
    return seen


class DeskClient:
    """The shared client with this desk's token on every request."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.auth = {"Authorization": f"Bearer {token}"}

    def get(self, url: str, **kwargs):
        return self.client.get(url, headers=self.auth, **kwargs)

    def post(self, url: str, *, headers: dict | None = None, **kwargs):
        return self.client.post(url, headers={**self.auth, **(headers or {})}, **kwargs)

    def patch(self, url: str, *, headers: dict | None = None, **kwargs):
        return self.client.patch(url, headers={**self.auth, **(headers or {})}, **kwargs)


async def committee_loop(api: str, token: str, rec: Recorder, received: asyncio.Queue) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=api, headers=headers, timeout=120) as client:
        while True:
            package_uuid = await received.get()
            if package_uuid is None:
                return
            body = {"outcome": "granted", "kind": "registration", "number": "R-1",
                    "date": "2026-12-01"}  # fmt: skip
            answer = await rec.call(
                "decision",
                partial(client.post, f"/committee/packages/{package_uuid}/decisions", json=body),
            )
            answer.raise_for_status()


async def run_load(
    api: str, tokens: list[str], committee_token: str, phase: Phase
) -> tuple[Recorder, float, int]:
    rec = Recorder()
    received: asyncio.Queue = asyncio.Queue()
    committee = asyncio.create_task(committee_loop(api, committee_token, rec, received))
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(base_url=api, limits=limits, timeout=120) as shared:
        started = time.perf_counter()
        seen = await asyncio.gather(
            *(desk_loop(shared, t, i, phase, rec, received) for i, t in enumerate(tokens))
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
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def tree_cpu_seconds(root: int) -> float:
    """CPU time of a process and all its living descendants (Linux /proc), plus what its
    exited children left in its own counters."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            children[int(fields[1])].append(int(entry.name))
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        fields = _stat(pid)
        if fields:
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


def report(rec: Recorder, elapsed: float, seen: int, phase: Phase) -> None:
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
        f"{label} {status or 'dropped'}": n
        for (label, status), n in rec.statuses.items()
        if status != 200
    }
    print(f"non-200 answers    {failures or 'none'}")
    print(f"changes delivered  {seen}")


def report_cpu(rec: Recorder, cpu: dict[str, float]) -> None:
    requests = sum(len(v) for v in rec.latencies.values())
    spent = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in cpu.items())
    print(f"cpu time           {spent} ({os.cpu_count()} cores shared by all three)")
    per_request = (cpu["hub"] + cpu["postgres"]) / requests * 1000
    print(
        f"hub cost           {cpu['hub'] / requests * 1000:.1f} ms CPU per request in the hub "
        f"+ {cpu['postgres'] / requests * 1000:.1f} ms in PostgreSQL "
        f"= about {1000 / per_request:.0f} req/s per core with the CPU to itself"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=500)
    parser.add_argument("--branches", type=int, default=50)
    parser.add_argument("--phases", default="paced,saturated", help=", ".join(PHASES))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    ok = True
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ozq-load-")))
        cluster = stack.enter_context(ThrowawayPostgres(fsync=True, max_connections=300))
        url = cluster.create_database()
        committee_token = secrets.token_urlsafe(16)
        hub = stack.enter_context(
            HubProcess(url, folder / "blobs", committee_token=committee_token, workers=args.workers)
        )
        codes = issue_codes(url, args.desks, args.branches)
        tokens = asyncio.run(enrol_all(hub.api_url, codes))
        assert hub.process is not None
        roots = {"hub": hub.process.pid, "postgres": postmaster_pid(cluster)}
        print(f"desks              {args.desks} in {args.branches} branches, enrolled over HTTP")
        print(f"hub                {args.workers} uvicorn worker(s), PostgreSQL 15, fsync on")
        for name in args.phases.split(","):
            phase = PHASES[name.strip()]
            before = {key: tree_cpu_seconds(pid) for key, pid in roots.items()}
            client_before = time.process_time()
            rec, elapsed, seen = asyncio.run(run_load(hub.api_url, tokens, committee_token, phase))
            cpu = {key: tree_cpu_seconds(pid) - before[key] for key, pid in roots.items()}
            cpu["load generator"] = time.process_time() - client_before
            report(rec, elapsed, seen, phase)
            report_cpu(rec, cpu)
            ok = ok and all(status == 200 for _, status in rec.statuses)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
