"""Back the hub up, lose it, restore it into a fresh PostgreSQL cluster and bucket: the desk
goes on syncing, re-sends what the backup lacked, its audit chain still verifies, and so does
the restored hub's audit check for the device."""

from __future__ import annotations

import base64
import contextlib
import io
import os
import re
import secrets

import pytest

from ozq_desktop.domain.audit import verify_chain
from ozq_desktop.storage.engine import reading
from ozq_hub import cli
from ozq_hub.devtools import HubProcess, S3Server, ThrowawayPostgres
from tests.sync.conftest import Hub
from tests.sync.test_desk_sync import accept_with_scans, assert_exactly_once, status_of

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not ThrowawayPostgres.available(), reason="needs PostgreSQL 15"),
]


@pytest.fixture
def s3(tmp_path):
    with S3Server(tmp_path / "moto.log") as server:
        yield server


@pytest.fixture
def hub(tmp_path, s3):
    """Overrides the plain hub: PostgreSQL and S3, as the scale-out deployment runs."""
    cluster = ThrowawayPostgres().start()
    env = {**s3.environment(s3.create_bucket()), "OZQ_HUB_BLOB_KEY": _key()}
    process = HubProcess(
        cluster.create_database(),
        tmp_path / "unused-blobs",
        committee_token=secrets.token_urlsafe(16),
        env=env,
    ).start()
    h = Hub(process, tmp_path / "hub")
    h.cluster = cluster  # type: ignore[attr-defined]
    yield h
    h.process.stop()
    h.cluster.stop()  # type: ignore[attr-defined]


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _ozq_hub(monkeypatch, env: dict[str, str], *args: str) -> None:
    with monkeypatch.context() as m:
        for name, value in env.items():
            m.setenv(name, value)
        assert cli.main(list(args)) == 0


def test_restored_hub_takes_the_desk_back(
    desk, hub, enrolled, scan_store, s3, tmp_path, monkeypatch
):
    first = accept_with_scans(desk, scan_store, seed=1)
    second = accept_with_scans(desk, scan_store, seed=2)
    assert enrolled.run_once().error is None
    hub.cli(
        "decide", "--receipt", first.receipt_no, "granted", "--kind", "registration",
        "--number", "R-1", "--date", "2026-12-01",
    )  # fmt: skip
    assert enrolled.run_once().error is None
    assert status_of(desk, first.package_id) == "decision_granted"

    old_env = hub.process.env
    _url, device_id = enrolled.hub_settings()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _ozq_hub(monkeypatch, old_env, "audit", "verify", "--db", hub.process.database_url,
                 "--device", device_id)  # fmt: skip
    rows_at_backup = int(re.search(r"(\d+) audit row\(s\)", out.getvalue()).group(1))
    assert rows_at_backup > 0
    backup = tmp_path / "backup"
    _ozq_hub(monkeypatch, old_env, "backup", "--db", hub.process.database_url, "--out", str(backup))

    third = accept_with_scans(desk, scan_store, seed=3)  # reaches the hub after the backup
    assert enrolled.run_once().error is None

    # The hub is lost: its process, its database cluster and its bucket.
    hub.process.stop()
    hub.cluster.stop()
    fresh = ThrowawayPostgres().start()
    hub.cluster = fresh
    new_env = {
        **s3.environment(s3.create_bucket()),
        "OZQ_HUB_BLOB_KEY": old_env["OZQ_HUB_BLOB_KEY"],
    }
    url = fresh.create_database()
    _ozq_hub(monkeypatch, new_env, "restore", "--db", url, "--from", str(backup))
    hub.process = HubProcess(
        url,
        tmp_path / "unused-blobs",
        committee_token=hub.process.committee_token,
        env=new_env,
        port=hub.process.port,  # the address the desk knows
    ).start()

    report = enrolled.run_once()  # 410 must_refetch: the state, and the third package again
    assert report.error is None and report.audit_problem is None
    assert enrolled.run_once().error is None
    assert_exactly_once(desk, hub, scan_store)  # all three, the third sent again
    assert status_of(desk, first.package_id) == "decision_granted"

    hub.cli("decide", "--receipt", third.receipt_no, "refused", "--reason", "Incomplete")
    assert enrolled.run_once().error is None
    assert status_of(desk, third.package_id) == "decision_refused"
    assert status_of(desk, second.package_id) in ("received", "sent")
    with reading(desk["factory"]) as s:
        assert verify_chain(session=s) is None  # the desk's audit chain is whole
    # The audit-head check: the desk's trail on the restored hub is whole, every head matches,
    # and it covers the rows the desk wrote after the backup (sent again after the restore).
    final = enrolled.run_once()
    assert final.error is None and final.audit_problem is None
    _url, device_id = enrolled.hub_settings()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _ozq_hub(monkeypatch, new_env, "audit", "verify", "--db", url, "--device", device_id)
    rows = int(re.search(r"(\d+) audit row\(s\)", out.getvalue()).group(1))
    assert "OK: the chain is whole" in out.getvalue()
    assert rows >= rows_at_backup + 2, (rows, rows_at_backup)  # the third package's rows too
