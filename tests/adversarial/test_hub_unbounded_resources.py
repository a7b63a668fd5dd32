"""Issue 12, finding 6: the hub's resources were unbounded. One package declared
1,000 × 100 MiB and was accepted; abandoned uploads and lock files stayed for ever; committee
tokens could be neither listed nor revoked; 300 idle sockets grew the log 645 MB in 40 s."""

from __future__ import annotations

import datetime as dt
import os
import resource
import socket
import subprocess
import time

from sqlalchemy import update

from ozq_hub import devtools
from ozq_hub.db import Database, sqlite_url, utcnow
from ozq_hub.devtools import HubProcess
from ozq_hub.models import Upload
from ozq_wire import protocol as p
from tests.adversarial.hub_helpers import run_cli
from tests.hub.helpers import HubUnderTest, Scan, scans

MIB = 1024 * 1024


def test_a_package_over_the_quota_is_413(shared_hub):
    desk = shared_hub.enrol()
    entries = [
        p.ManifestEntry(
            name=f"f{i}.pdf", sha256=f"{i:064x}", size=100 * MIB, mime="application/pdf"
        )
        for i in range(1000)
    ]
    request = desk.declaration([], manifest=entries, manifest_hash=p.manifest_hash(entries))
    answer = desk.declare(request)
    assert answer.status_code == 413, answer.text
    assert answer.json()["code"] == p.ErrorCode.QUOTA_EXCEEDED
    assert p.handling_for(413, answer.json()["code"]) is p.Handling.PERMANENT


def test_a_device_over_its_daily_quota_is_429_until_midnight(tmp_path):
    process = HubProcess(
        sqlite_url(tmp_path / "hub.sqlite3"),
        tmp_path / "blobs",
        extra_args=["--quota-device-bytes-per-day", "25000"],
    )
    hub = HubUnderTest(process.start(), "sqlite")
    try:
        desk = hub.enrol()
        assert desk.declare(desk.declaration(scans(10_000, 10_000))).status_code == 200
        answer = desk.declare(desk.declaration(scans(10_000)))
        assert answer.status_code == 429, answer.text
        assert answer.json()["code"] == p.ErrorCode.QUOTA_EXCEEDED
        assert 0 < int(answer.headers["Retry-After"]) <= 86_400
        assert p.handling_for(429, answer.json()["code"]) is p.Handling.RETRY
        other = hub.enrol()  # another desk's day is its own
        assert other.declare(other.declaration(scans(10_000))).status_code == 200
    finally:
        process.stop()


def test_committee_tokens_can_be_listed_and_revoked(shared_hub):
    token = shared_hub.cli("committee-token", "--name", "reviewer-7").strip()
    with shared_hub.client(token) as committee:
        assert committee.get("/committee/packages").status_code == 200
        listed = [
            line
            for line in shared_hub.cli("committee-token", "list").splitlines()
            if "reviewer-7" in line
        ]
        assert len(listed) == 1 and "active" in listed[0]
        token_id = listed[0].split()[0]
        assert "revoked" in shared_hub.cli("committee-token", "revoke", "--id", token_id)
        refused = committee.get("/committee/packages")
        assert (refused.status_code, refused.json()["code"]) == (401, p.ErrorCode.UNAUTHENTICATED)
    assert "revoked" in shared_hub.cli("committee-token", "list")


def _age_uploads(database_url: str, *, hours: float) -> None:
    """Make every upload look untouched for `hours` (the hub keeps upload offsets and their
    age in the database, so every instance sees them)."""
    database = Database(database_url)
    with database.writing() as session:
        session.execute(update(Upload).values(updated_at=utcnow() - dt.timedelta(hours=hours)))
    database.dispose()


def test_abandoned_uploads_and_stray_lock_files_are_pruned(fresh_hub):
    desk = fresh_hub.enrol()
    abandoned, mismatched = Scan("a.pdf", os.urandom(50_000)), Scan("b.pdf", os.urandom(5_000))
    desk.declare(desk.declaration([abandoned, mismatched]))
    assert desk.chunk(abandoned.sha256, 0, abandoned.data[:20_000]).status_code == 200
    bad = desk.chunk(mismatched.sha256, 0, os.urandom(5_000))
    assert bad.json()["code"] == p.ErrorCode.BLOB_HASH_MISMATCH
    partial = fresh_hub.process.blob_dir / "partial"
    leftovers = sorted(path.name for path in partial.iterdir())
    assert not any(mismatched.sha256 in name for name in leftovers), leftovers  # nothing left
    _age_uploads(fresh_hub.db, hours=9 * 24)  # an upload's age is its row's, in the database
    code, out = run_cli(
        fresh_hub.db,
        "prune-uploads",
        "--older-than",
        "7d",
        "--blob-dir",
        str(fresh_hub.process.blob_dir),
    )  # the partial chunks' files are fresh: the database's age decides
    assert code == 0 and "removed 1 abandoned partial upload(s) (20000 bytes)" in out, out
    assert list(partial.iterdir()) == []
    assert desk.status(abandoned.sha256).offset == 0  # the desk simply starts again


def test_the_hub_prunes_by_itself_under_a_database_lease(tmp_path):
    process = HubProcess(
        sqlite_url(tmp_path / "hub.sqlite3"),
        tmp_path / "blobs",
        extra_args=["--maintenance-every", "1", "--prune-uploads-after", "1h"],
    )
    hub = HubUnderTest(process.start(), "sqlite")
    try:
        desk = hub.enrol()
        scan = Scan("a.pdf", os.urandom(10_000))
        desk.declare(desk.declaration([scan]))
        desk.chunk(scan.sha256, 0, scan.data[:4000])
        partial = process.blob_dir / "partial"
        assert any(partial.iterdir())
        _age_uploads(hub.db, hours=2)
        deadline = time.monotonic() + 15
        while any(partial.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert list(partial.iterdir()) == []
        code, out = run_cli(hub.db, "devices")  # the hub still serves and its data is whole
        assert code == 0 and str(desk.device_id) in out
    finally:
        process.stop()


def test_accept_errors_are_logged_at_a_bounded_rate(tmp_path, monkeypatch):
    """In miniature: a hub allowed 64 open files, 150 idle sockets, 3 seconds. Before the
    fix its log grew by megabytes (one traceback per failed accept, in a loop)."""
    real_popen = subprocess.Popen

    def few_files(*args, **kwargs):
        kwargs["preexec_fn"] = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(devtools.subprocess, "Popen", few_files)
    process = HubProcess(sqlite_url(tmp_path / "hub.sqlite3"), tmp_path / "blobs").start()
    sockets = []
    try:
        before = process.log_path.stat().st_size
        sockets = [socket.create_connection(("127.0.0.1", process.port)) for _ in range(150)]
        time.sleep(3)
        grown = process.log_path.stat().st_size - before
        assert grown < 64 * 1024, f"the log grew {grown} bytes in 3 s"
        assert "out of system resource" in process.log_path.read_text(errors="replace")
    finally:
        for sock in sockets:
            sock.close()
        process.stop()
