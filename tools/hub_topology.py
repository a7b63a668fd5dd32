#!/usr/bin/env python3
"""Bring the documented scale-out topology up on 127.0.0.1 and smoke-test it (docs/deploy.md).

PostgreSQL 15 (a throwaway cluster), an S3 server (moto), three hub instances with two
workers each, and nginx in front with TLS, rendered from deploy/nginx/ozq-hub-instances.conf.template.
The smoke test goes through nginx only: readiness, enrolment, a push with a chunked scan,
the committee's decision and download, the desk's change feed, the request id, metrics.
Everything it started is stopped at the end, also on failure. CI runs it.

    .venv/bin/python tools/hub_topology.py            # up, smoke test, down
    .venv/bin/python tools/hub_topology.py --keep     # leave it running until Ctrl+C
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import os
import sys
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ozq_hub import cli
from ozq_hub.topology import Topology
from ozq_wire import protocol as p


def step(text: str) -> None:
    print(f"  - {text}", flush=True)


def smoke(topology: Topology) -> None:
    assert topology.nginx is not None
    cert = topology.nginx.folder / "hub.crt"
    front = topology.nginx.base_url
    with httpx.Client(base_url=front, verify=str(cert), timeout=30) as ops:
        for _ in range(3):  # least_conn spreads these over the instances
            assert ops.get("/readyz").status_code == 200
        step(f"ready through nginx (TLS) at {front}")
        assert ops.get("/metrics").status_code == 200

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["enrol-code", "--db", topology.database_url, "--branch", "SMOKE-1"]) == 0
    api = topology.api_url
    with httpx.Client(base_url=api, verify=str(cert), timeout=30) as anonymous:
        enrolled = anonymous.post(
            "/enrol",
            json={"code": out.getvalue().strip(), "desk_code": "window-1", "device_name": "smoke"},
        )
        assert enrolled.status_code == 200, enrolled.text
    token = enrolled.json()["token"]
    step("a desk enrolled")

    scans = [os.urandom(3 * 1024 * 1024 + 123), b"%PDF-1.7 small scan"]
    entries = [
        p.ManifestEntry(
            name=f"scan-{i}.pdf",
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            mime="application/pdf",
        )
        for i, data in enumerate(scans)
    ]
    request = p.DeclareRequest(
        package_uuid=uuid.uuid4(),
        receipt_no="SMOKE-1-window-1-0000001",
        service_id="attestation",
        clerk=p.Clerk(login="smoke", full_name="Smoke Test"),
        device_time=dt.datetime.now(dt.UTC),
        manifest=entries,
        manifest_hash=p.manifest_hash(entries),
    )
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=api, verify=str(cert), timeout=30, headers=headers) as desk:
        declared = desk.post(
            "/packages",
            content=request.model_dump_json(),
            headers={"Content-Type": "application/json", "X-Request-ID": "smoke-declare-1"},
        )
        assert declared.status_code == 200, declared.text
        assert declared.headers["X-Request-ID"] == "smoke-declare-1"
        for data, entry in zip(scans, entries, strict=True):
            offset = 0
            while True:  # 1 MiB chunks: consecutive chunks land on different instances
                sent = desk.patch(
                    f"/uploads/{entry.sha256}",
                    content=data[offset : offset + 1024 * 1024],
                    headers={p.UPLOAD_OFFSET: str(offset)},
                )
                assert sent.status_code == 200, sent.text
                offset = sent.json()["offset"]
                if sent.json()["complete"]:
                    break
        committed = desk.post(f"/packages/{request.package_uuid}/commit")
        assert committed.status_code == 200, committed.text
        step("a package pushed: declare, a 3 MB scan in chunks across instances, commit")

        committee_headers = {"Authorization": f"Bearer {topology.committee_token}"}
        with httpx.Client(
            base_url=api, verify=str(cert), timeout=30, headers=committee_headers
        ) as committee:
            decided = committee.post(
                f"/committee/packages/{request.package_uuid}/decisions",
                json={"outcome": "granted", "kind": "attestation_certificate",
                      "number": "SMOKE-1", "date": "2026-12-01"},
            )  # fmt: skip
            assert decided.status_code == 200, decided.text
            for data, entry in zip(scans, entries, strict=True):
                blob = committee.get(f"/committee/blobs/{entry.sha256}")
                assert blob.status_code == 200 and blob.content == data
        step("the committee decided and read both scans back, byte for byte")

        deadline = time.monotonic() + 10
        while True:
            page = desk.get("/changes").json()
            kinds = [change["kind"] for change in page["changes"]]
            if "decision" in kinds or time.monotonic() > deadline:
                break
        assert kinds == ["package_received", "decision"], kinds
        step("the desk pulled the decision from the change feed")

    with httpx.Client(base_url=front, verify=str(cert), timeout=30) as ops:
        metrics = ops.get("/metrics").text
    assert 'ozq_hub_queue_depth{branch="SMOKE-1"} 0.0' in metrics, metrics[-2000:]
    assert "ozq_hub_blobs_stored 2.0" in metrics
    access = (topology.nginx.folder / "logs" / "ozq-hub.access.log").read_text()
    assert '"request_id":"smoke-declare-1"' in access
    step("metrics and nginx's JSON access log agree")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="stay up until Ctrl+C")
    args = parser.parse_args()
    started = time.monotonic()
    print("bringing the topology up on 127.0.0.1 …", flush=True)
    with Topology(instances=args.instances, workers=args.workers, tls=True) as topology:
        assert topology.nginx is not None
        step(f"PostgreSQL on port {topology.postgres.port}")  # type: ignore[union-attr]
        step(f"S3 (moto) at {topology.s3.endpoint}, bucket {topology.bucket}")  # type: ignore[union-attr]
        step(f"{len(topology.hubs)} hub instances on ports {[h.port for h in topology.hubs]}")
        step(f"nginx at {topology.nginx.base_url}")
        smoke(topology)
        print(f"smoke test passed in {time.monotonic() - started:.1f} s", flush=True)
        if args.keep:
            print("running; Ctrl+C stops everything", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
