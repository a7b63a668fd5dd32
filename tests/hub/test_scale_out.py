"""Three hub instances behind nginx, on PostgreSQL and S3, with one instance killed mid-upload
and another restarted: every package arrives exactly once, every blob intact, and every
decision reaches its desk (docs/deploy.md)."""

from __future__ import annotations

import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import func, select

from ozq_hub.db import Database
from ozq_hub.devtools import NginxProcess, ThrowawayPostgres
from ozq_hub.models import Upload
from ozq_hub.topology import Topology
from ozq_wire import protocol as p
from tests.hub.helpers import HubUnderTest, Scan, assert_exactly_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(
        not (ThrowawayPostgres.available() and NginxProcess.available()),
        reason="needs PostgreSQL 15 and nginx",
    ),
]

PACKAGES = 200
DESKS = 4
CHUNK = 256 * 1024  # a 1 MB scan goes up in four chunks: a kill can land between them
TRANSIENT = (502, 503, 504)


@dataclass
class Front:
    """What tests.hub.helpers needs of a hub: here nginx in front of the instances."""

    api_url: str
    committee_token: str
    database_url: str


def retrying(call):
    """Run `call` until nginx gets an answer from a live instance (bounded)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            answer = call()
            if answer.status_code not in TRANSIENT:
                return answer
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("no instance answered for 60 s")
        time.sleep(random.uniform(0.05, 0.3))


def push(http: httpx.Client, request: p.DeclareRequest, scan: Scan, started: threading.Event):
    body = request.model_dump_json()
    json_type = {"Content-Type": "application/json"}
    declared = retrying(lambda: http.post("/packages", content=body, headers=json_type))
    assert declared.status_code == 200, declared.text
    while True:
        status = retrying(lambda: http.get(f"/uploads/{scan.sha256}"))
        assert status.status_code == 200, status.text
        offset = status.json()["offset"]
        if status.json()["complete"]:
            break
        chunk = scan.data[offset : offset + CHUNK]
        headers = {p.UPLOAD_OFFSET: str(offset), "Content-Type": "application/offset+octet-stream"}
        try:
            sent = http.patch(f"/uploads/{scan.sha256}", content=chunk, headers=headers)
        except httpx.TransportError:
            continue  # the instance died under it: ask where the upload stands, go on
        started.set()
        assert sent.status_code in (200, 416, *TRANSIENT), sent.text
    committed = retrying(lambda: http.post(f"/packages/{request.package_uuid}/commit"))
    assert committed.status_code == 200, committed.text


def test_three_instances_one_killed_one_restarted_every_package_once(tmp_path):
    with Topology(instances=3, workers=1, folder=tmp_path / "topology") as topology:
        front = Front(topology.api_url, topology.committee_token, topology.database_url)
        hub = HubUnderTest(front, "postgresql")  # type: ignore[arg-type]
        desks = [hub.enrol(branch=f"SCALE-{i % 2}", desk=f"window-{i}") for i in range(DESKS)]
        base = os.urandom(1024 * 1024)
        work = []
        for index in range(PACKAGES):
            scan = Scan("scan.pdf", f"%PDF-1.7 {index:06d} ".encode() + base[16:])
            desk = desks[index % DESKS]
            work.append((desk, desk.declaration([scan]), scan))
        started = threading.Event()
        done: list[int] = []
        done_at_kill: list[int] = []

        def faults() -> None:
            started.wait(60)
            time.sleep(1.0)  # uploads are under way on every instance
            done_at_kill.append(len(done))
            topology.hubs[0].kill()  # SIGKILL, mid-upload
            time.sleep(1.0)
            topology.restart(1)  # a graceful restart of another
            topology.restart(0)  # and the killed one comes back

        with ThreadPoolExecutor(DESKS + 1) as pool:
            fault = pool.submit(faults)

            def job(item) -> None:
                push(item[0].http, item[1], item[2], started)
                done.append(1)  # list.append is atomic

            list(pool.map(job, work))
            fault.result()
        assert done_at_kill[0] < PACKAGES // 2, done_at_kill  # the kill landed mid-run

        for _desk, request, scan in work:
            assert_exactly_once(hub, request, [scan])

        with hub.committee() as committee:
            for _desk, request, _scan in work:
                decided = committee.post(
                    f"/committee/packages/{request.package_uuid}/decisions",
                    json={"outcome": "refused", "reason": "test"},
                )
                assert decided.status_code == 200, decided.text
        for branch in ("SCALE-0", "SCALE-1"):
            desk = next(d for d in desks if d.branch == branch)
            changes, _cursor = desk.all_changes()
            decided = {c.decision.package_uuid for c in changes if c.kind == "decision"}
            mine = {r.package_uuid for d, r, _ in work if d.branch == branch}
            assert decided == mine
        # Every upload finished: no offset is left in the database; the figures add up.
        database = Database(topology.database_url)
        with database.reading() as session:
            assert session.execute(select(func.count()).select_from(Upload)).scalar_one() == 0
        database.dispose()
        with httpx.Client(base_url=topology.nginx.base_url) as ops:
            metrics = ops.get("/metrics").text
        assert f"ozq_hub_blobs_stored {float(PACKAGES)}" in metrics
        assert 'ozq_hub_queue_depth{branch="SCALE-0"} 0.0' in metrics
        assert 'route="/uploads/{sha256}",status="200"' in metrics
