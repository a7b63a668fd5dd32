"""What an operator relies on: request ids in answers and JSON logs, liveness and readiness,
and Prometheus metrics added up over several workers, queue and overdue counts per branch."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import shutil

import httpx
import pytest

from ozq_hub.blobstore import BlobSettings, open_store
from ozq_hub.db import sqlite_url
from ozq_hub.devtools import HubProcess
from tests.hub.helpers import HubUnderTest, scans


@pytest.fixture
def logged_hub(tmp_path):
    """A hub with two workers and its access log on."""
    process = HubProcess(
        sqlite_url(tmp_path / "hub.sqlite3"),
        tmp_path / "blobs",
        committee_token=secrets.token_urlsafe(16),
        workers=2,
        log_level="info",
    ).start()
    yield HubUnderTest(process, "sqlite")
    process.stop()


def _log_lines(hub: HubUnderTest) -> list[dict]:
    lines = hub.process.log_path.read_text(errors="replace").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def test_the_request_id_is_answered_and_on_the_log_line(logged_hub):
    with logged_hub.client() as client:
        given = client.get("/health", headers={"X-Request-ID": "desk-0042-abc"})
        made_up = client.get("/health", headers={"X-Request-ID": "not a sane id; " + "x" * 80})
        none = client.get("/health")
    assert given.headers["X-Request-ID"] == "desk-0042-abc"
    assert re.fullmatch(r"[0-9a-f]{32}", made_up.headers["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", none.headers["X-Request-ID"])
    lines = _log_lines(logged_hub)
    mine = [line for line in lines if line.get("request_id") == "desk-0042-abc"]
    assert mine and mine[0]["route"] == "/health" and mine[0]["status"] == 200
    assert any(line["request_id"] == made_up.headers["X-Request-ID"] for line in lines)


def test_liveness_and_readiness(logged_hub, tmp_path):
    base = logged_hub.process.base_url
    assert httpx.get(base + "/livez").json() == {"status": "alive"}
    assert httpx.get(base + "/readyz").status_code == 200
    shutil.rmtree(tmp_path / "blobs")  # the blob store is gone: not ready, still alive
    answer = httpx.get(base + "/readyz")
    assert answer.status_code == 503 and answer.json()["code"] == "unavailable"
    assert httpx.get(base + "/livez").status_code == 200


def _gauge(metrics: str, name: str, branch: str) -> float:
    match = re.search(rf'^{name}{{branch="{re.escape(branch)}"}} (\S+)$', metrics, re.M)
    assert match, f"{name} for {branch} missing"
    return float(match.group(1))


def test_metrics_add_up_workers_and_count_the_queue_per_branch(logged_hub):
    desk = logged_hub.enrol()
    old_files, new_files = scans(1000), scans(1200)
    # Accepted 40 days ago: past any of the three services' terms.
    old = desk.declaration(old_files, device_time=dt.datetime.now(dt.UTC) - dt.timedelta(days=40))
    new = desk.declaration(new_files)
    desk.push(old, old_files)
    desk.push(new, new_files)
    base = logged_hub.process.base_url
    for _ in range(6):  # spread over both workers
        httpx.get(base + "/livez")
    metrics = httpx.get(base + "/metrics").text
    assert _gauge(metrics, "ozq_hub_queue_depth", desk.branch) == 2
    assert _gauge(metrics, "ozq_hub_queue_overdue", desk.branch) == 1
    livez = re.search(
        r'^ozq_hub_requests_total{method="GET",route="/livez",status="200"} (\S+)$', metrics, re.M
    )
    assert livez and float(livez.group(1)) == 6
    assert 'ozq_hub_request_seconds_bucket{le="0.5",method="POST",route="/packages"}' in metrics
    assert "ozq_hub_blobs_stored 2.0" in metrics and "ozq_hub_bytes_stored 2200.0" in metrics
    with logged_hub.committee() as committee:
        decided = committee.post(
            f"/committee/packages/{old.package_uuid}/decisions",
            json={"outcome": "refused", "reason": "late"},
        )
        assert decided.status_code == 200
    metrics = httpx.get(base + "/metrics").text
    assert _gauge(metrics, "ozq_hub_queue_depth", desk.branch) == 1
    assert _gauge(metrics, "ozq_hub_queue_overdue", desk.branch) == 0


def test_an_s3_store_without_the_hub_key_refuses_to_start(tmp_path):
    with pytest.raises(ValueError, match="hub key"):
        open_store(BlobSettings(kind="s3", s3_bucket="b", s3_endpoint="http://127.0.0.1:9"))
    with pytest.raises(ValueError, match="server-side encryption is for the S3 store"):
        open_store(BlobSettings(kind="filesystem", root=tmp_path, encryption="sse"))
