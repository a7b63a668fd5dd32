"""Push 1,000 packages, each with a 1 MB scan, to a real hub over loopback (target <= 60 s).

Starts its own hub in a temporary folder: SQLite and the filesystem store by default,
PostgreSQL with --backend postgresql, or with --setup nginx-s3 two instances behind nginx
on PostgreSQL with blobs in an S3 server (moto on 127.0.0.1). Enrols a desk, pushes every
package through the three steps of the protocol (declare, upload, commit) from a few threads
with httpx, checks that the hub holds each package exactly once, and stops everything.

    python bench/bench_hub_push.py [--packages 1000] [--size 1048576] [--threads 4]
    python bench/bench_hub_push.py --setup nginx-s3
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import httpx

from ozq_hub import cli
from ozq_hub.db import sqlite_url
from ozq_hub.devtools import HubProcess, ThrowawayPostgres
from ozq_hub.topology import Topology
from ozq_wire import protocol as p


def scan_bytes(base: bytes, index: int) -> bytes:
    """A distinct 'scan' per package: a unique prefix on shared random bytes."""
    prefix = f"%PDF-1.7 package {index:08d} ".encode()
    return prefix + base[len(prefix) :]


def enrol(hub: HubProcess) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        cli.main(["enrol-code", "--db", hub.database_url, "--branch", "BENCH"])
    answer = httpx.post(
        hub.api_url + "/enrol",  # type: ignore[operator]
        json={"code": out.getvalue().strip(), "desk_code": "bench", "device_name": "bench"},
    )
    answer.raise_for_status()
    return answer.json()["token"]


def push_one(client: httpx.Client, base: bytes, index: int, sha: str) -> float:
    data = scan_bytes(base, index)
    entry = p.ManifestEntry(name="scan.pdf", sha256=sha, size=len(data), mime="application/pdf")
    request = p.DeclareRequest(
        package_uuid=uuid.uuid4(),
        receipt_no=f"BENCH-bench-{index + 1:07d}",  # branch BENCH, desk "bench"
        service_id="attestation",
        clerk=p.Clerk(login="bench", full_name="Bench Clerk"),
        device_time=dt.datetime.now(dt.UTC),
        manifest=[entry],
        manifest_hash=p.manifest_hash([entry]),
        metadata={"index": index},
    )
    started = time.perf_counter()
    declared = client.post(
        "/packages", content=request.model_dump_json(), headers={"Content-Type": "application/json"}
    )
    declared.raise_for_status()
    if sha in declared.json()["missing_blobs"]:
        uploaded = client.patch(
            f"/uploads/{sha}",
            content=data,
            headers={p.UPLOAD_OFFSET: "0", "Content-Type": "application/offset+octet-stream"},
        )
        uploaded.raise_for_status()
        assert uploaded.json()["complete"], uploaded.text
    client.post(f"/packages/{request.package_uuid}/commit").raise_for_status()
    return time.perf_counter() - started


def count_received(hub: HubProcess) -> int:
    seen, after = 0, None
    with httpx.Client(
        base_url=hub.api_url,
        headers={"Authorization": f"Bearer {hub.committee_token}"},
        timeout=60,
    ) as committee:
        while True:
            params = {"status": "received", "branch": "BENCH", "limit": 500}
            if after:
                params["after"] = after
            page = committee.get("/committee/packages", params=params).json()
            seen += len(page["packages"])
            after = page["next_after"]
            if not page["has_more"]:
                return seen


@dataclass
class _Front:
    """nginx in front of the instances, as much of a HubProcess as this script uses."""

    api_url: str
    database_url: str
    committee_token: str


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=1000)
    parser.add_argument("--size", type=int, default=1024 * 1024)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--setup", choices=["direct", "nginx-s3"], default="direct")
    args = parser.parse_args()

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ozq-bench-")))
        if args.setup == "nginx-s3":
            args.backend = "postgresql, 2 instances behind nginx, S3 (moto)"
            topology = stack.enter_context(Topology(instances=2, workers=1, fsync=True))
            hub = _Front(topology.api_url, topology.database_url, topology.committee_token)  # type: ignore[assignment]
        elif args.backend == "postgresql":
            cluster = stack.enter_context(ThrowawayPostgres(fsync=True))
            url = cluster.create_database()
        else:
            url = sqlite_url(folder / "hub.sqlite3")
        if args.setup == "direct":
            hub = stack.enter_context(
                HubProcess(url, folder / "blobs", committee_token=secrets.token_urlsafe(16))
            )
        token = enrol(hub)
        base = os.urandom(args.size)
        hashes = [hashlib.sha256(scan_bytes(base, i)).hexdigest() for i in range(args.packages)]
        local = threading.local()
        clients: list[httpx.Client] = []

        def client() -> httpx.Client:
            if not hasattr(local, "client"):
                local.client = httpx.Client(
                    base_url=hub.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
                )
                clients.append(local.client)
            return local.client

        started = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            latencies = list(
                pool.map(lambda i: push_one(client(), base, i, hashes[i]), range(args.packages))
            )
        elapsed = time.perf_counter() - started
        for each in clients:
            each.close()
        received = count_received(hub)

    megabytes = args.packages * args.size / 1e6
    latencies.sort()
    print(f"backend            {args.backend} (client: {args.threads} threads)")
    print(f"packages pushed    {args.packages} x {args.size} bytes, {received} received once each")
    print(f"wall time          {elapsed:.1f} s   (target <= 60 s)")
    print(
        f"throughput         {args.packages / elapsed:.1f} packages/s, {megabytes / elapsed:.1f} MB/s"
    )
    print(
        f"per package        p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f} ms"
    )
    return 0 if received == args.packages and elapsed <= 60 else 1


if __name__ == "__main__":
    sys.exit(main())
