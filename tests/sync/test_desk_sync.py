"""The desk's outbox and change feed against the real hub process, with faults.

After every fault: each package accepted on the desk exists exactly once on the hub with the
same manifest hash and every blob intact; the outbox is empty or each item has a reason; every
decision for the branch is on the desk at its latest version (sync.md)."""

from __future__ import annotations

import hashlib
import json
import random
import threading
from datetime import date, datetime, timedelta

import httpx
from sqlalchemy import select

from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.domain.drafts import ScanDraft
from ozq_desktop.models import OutboxItem, Package, PackageFile
from ozq_desktop.storage.engine import reading, transaction
from ozq_desktop.sync import push, state
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, draft_for
from tests.signing.pki import sign_draft

CATALOG = load_catalog()
CODES = ["application", "declaration", "expert_conclusion"]


def accept_with_scans(desk, store, sizes=(20_000, 30_000, 40_000), seed=0, at=None):
    rng = random.Random(seed)
    draft = draft_for("declaration-registration", "legal_entity", VALID_BIN, CODES)
    for code, size in zip(CODES, sizes, strict=True):
        body = b"%PDF-1.4\n" + rng.randbytes(size) + b"\n%%EOF\n"
        ref = store.add_bytes(body, f"{code}.pdf")
        draft.documents[code].scans = [ScanDraft(ref.sha256, ref.size, ref.mime, ref.name)]
    with transaction(desk["factory"]) as s:
        return accept_package(
            session=s,
            catalog=CATALOG,
            draft=draft,
            clerk=desk["clerk"],
            at=at or datetime.now().replace(microsecond=0),
            signature=sign_draft(draft),
        )


def hub_packages(hub) -> list[dict]:
    with httpx.Client(
        base_url=hub.process.api_url,
        timeout=10,
        headers={"Authorization": f"Bearer {hub.process.committee_token}"},
    ) as c:
        answer = c.get("/committee/packages", params={"limit": 1000})
        assert answer.status_code == 200, answer.text
        return answer.json()["packages"]


def assert_exactly_once(desk, hub, store) -> None:
    on_hub = hub_packages(hub)
    with reading(desk["factory"]) as s:
        mine = s.scalars(select(Package).where(Package.status != "refused_at_counter")).all()
        for pkg in mine:
            copies = [h for h in on_hub if h["package_uuid"] == pkg.id]
            assert len(copies) == 1, (pkg.receipt_no, len(copies))
            assert copies[0]["manifest_hash"] == pkg.manifest_hash
            assert copies[0]["status"] == "received"
            for entry in copies[0]["manifest"]:
                # Through the committee's download: the stored object is encrypted, and the
                # hub checks it on the way out.
                with httpx.Client(
                    base_url=hub.process.api_url,
                    timeout=10,
                    headers={"Authorization": f"Bearer {hub.process.committee_token}"},
                ) as c:
                    blob = c.get(f"/committee/blobs/{entry['sha256']}")
                assert blob.status_code == 200, entry["name"]
                assert hashlib.sha256(blob.content).hexdigest() == entry["sha256"]
        leftover = s.scalars(select(OutboxItem).where(OutboxItem.state != "done")).all()
        assert all(item.last_error for item in leftover)


def status_of(desk, package_id):
    with reading(desk["factory"]) as s:
        return s.get(Package, package_id).status


def test_the_whole_path_accept_push_decide_pull(desk, hub, enrolled, scan_store):
    a = accept_with_scans(desk, scan_store, seed=1)
    b = accept_with_scans(desk, scan_store, seed=2)
    report = enrolled.run_once()
    assert (report.online, report.pushed, report.queued, report.error) == (True, 2, 0, None)
    assert status_of(desk, a.package_id) == "received"
    assert_exactly_once(desk, hub, scan_store)

    hub.cli(
        "decide",
        "--receipt",
        a.receipt_no,
        "granted",
        "--kind",
        "registration",
        "--number",
        "ДПБ-0042",
        "--date",
        "2026-12-01",
    )
    hub.cli("decide", "--receipt", b.receipt_no, "refused", "--reason", "Декларация толық емес")
    report = enrolled.run_once()
    assert sorted(report.decisions) == sorted([a.receipt_no, b.receipt_no])
    with reading(desk["factory"]) as s:
        pa, pb = s.get(Package, a.package_id), s.get(Package, b.package_id)
        assert (pa.status, pa.decision_number, pa.decision_kind) == (
            "decision_granted",
            "ДПБ-0042",
            "registration",
        )
        assert (pb.status, pb.decision_reason) == ("decision_refused", "Декларация толық емес")
    # A replayed feed changes nothing.
    assert enrolled.run_once().decisions == []


def test_a_revised_decision_reaches_the_desk_at_its_latest_version(desk, hub, enrolled, scan_store):
    a = accept_with_scans(desk, scan_store, seed=3)
    enrolled.run_once()
    hub.cli("decide", "--receipt", a.receipt_no, "refused", "--reason", "Бірінші")
    hub.cli(
        "decide",
        "--receipt",
        a.receipt_no,
        "granted",
        "--kind",
        "registration",
        "--number",
        "R-2",
        "--date",
        "2026-12-02",
    )
    enrolled.run_once()
    with reading(desk["factory"]) as s:
        p = s.get(Package, a.package_id)
        assert (p.status, p.decision_number, p.decision_version) == ("decision_granted", "R-2", 2)


def test_requests_sent_twice_and_concurrently_make_one_package(
    desk, hub, enrolled, engine_for, scan_store
):
    for seed in range(4):
        accept_with_scans(desk, scan_store, seed=10 + seed)
    # Two engines (say, two windows of the app) race; the lease lets one send at a time.
    other = engine_for(owner="second-window")
    reports = []
    threads = [
        threading.Thread(target=lambda e=e: reports.append(e.run_once())) for e in (enrolled, other)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    enrolled.run_once()
    # Replaying the whole push of a package the hub already holds is harmless.
    with transaction(desk["factory"]) as s:
        for item in s.scalars(select(OutboxItem)):
            item.state = "pending"
        for pkg in s.scalars(select(Package)):
            pkg.status = "queued"
    assert enrolled.run_once().pushed == 4
    assert_exactly_once(desk, hub, scan_store)


def test_hub_down_keeps_everything_and_resumes(desk, hub, enrolled, scan_store):
    a = accept_with_scans(desk, scan_store, seed=20)
    hub.process.kill()
    report = enrolled.run_once()
    assert not report.online and report.queued == 1
    assert "офлайн" in report.error.message("ru") or "offline" in report.error.message("ru")
    with reading(desk["factory"]) as s:
        item = s.scalars(select(OutboxItem)).one()
        assert item.state == "pending" and item.next_attempt_at is not None and item.last_error
    hub.restart()
    with transaction(desk["factory"]) as s:
        state.put(s, state.HUB_URL, hub.url)
    assert enrolled.run_once(reset_backoff=True).pushed == 1
    assert status_of(desk, a.package_id) == "received"
    assert_exactly_once(desk, hub, scan_store)


def test_desk_clock_moved_back_three_days_does_not_strand_the_outbox(
    desk, hub, enrolled, scan_store
):
    accept_with_scans(desk, scan_store, seed=30, at=datetime.now() + timedelta(days=3))
    with transaction(desk["factory"]) as s:
        s.scalars(select(OutboxItem)).one().next_attempt_at = datetime.now() + timedelta(days=3)
    assert enrolled.run_once().pushed == 1
    accept_with_scans(desk, scan_store, seed=31, at=datetime.now() - timedelta(days=3))
    assert enrolled.run_once(now=datetime.now() - timedelta(days=3)).pushed == 1
    assert_exactly_once(desk, hub, scan_store)


def test_token_revoked_while_offline_keeps_data_and_asks_for_reenrolment(
    desk, hub, enrolled, scan_store
):
    a = accept_with_scans(desk, scan_store, seed=40)
    _, device_id = enrolled.hub_settings()
    hub.cli("revoke", "--device", device_id)
    report = enrolled.run_once()
    assert report.needs_reenrolment and report.queued == 1
    assert "тіркелу" in report.error.message("kk")
    assert status_of(desk, a.package_id) in ("queued", "sent")
    assert enrolled.run_once().needs_reenrolment  # stays visible until re-enrolled
    code = hub.cli("enrol-code", "--branch", "ALA01")
    enrolled.enrol(hub_url=hub.url, code=code, desk_code="D1", actor=desk["supervisor"])
    report = enrolled.run_once()
    assert (report.pushed, report.needs_reenrolment) == (1, False)
    assert_exactly_once(desk, hub, scan_store)


def test_same_uuid_with_a_different_manifest_needs_attention(desk, hub, enrolled, scan_store):
    a = accept_with_scans(desk, scan_store, seed=50)
    enrolled.run_once()
    extra = scan_store.add_bytes(b"%PDF-1.4 extra page\n%%EOF\n", "extra.pdf")
    with transaction(desk["factory"]) as s:
        pkg = s.get(Package, a.package_id)
        pkg.files.append(
            PackageFile(
                document_code="declaration",
                name="declaration.2.extra.pdf",
                sha256=extra.sha256,
                size=extra.size,
                mime=extra.mime,
            )
        )
        s.flush()
        from ozq_desktop.domain.acceptance import manifest_hash

        pkg.manifest_hash = manifest_hash(
            [
                {"name": f.name, "sha256": f.sha256, "size": f.size, "mime": f.mime}
                for f in pkg.files
            ]
        )
        pkg.status = "queued"
        s.scalars(select(OutboxItem)).one().state = "pending"
    report = enrolled.run_once()
    assert report.failed == 1
    with reading(desk["factory"]) as s:
        (row,) = push.needs_attention(session=s)
    assert row[0] == a.receipt_no and "409" in row[2]


def test_a_corrupted_local_scan_is_reported_not_retried_forever(desk, hub, enrolled, scan_store):
    a = accept_with_scans(desk, scan_store, seed=60)
    with reading(desk["factory"]) as s:
        sha = s.get(Package, a.package_id).files[0].sha256
    path = scan_store.path_of(sha)
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01  # one flipped bit on the disk
    path.write_bytes(bytes(data))
    report = enrolled.run_once()
    assert report.failed == 1
    with reading(desk["factory"]) as s:
        (row,) = push.needs_attention(session=s)
    assert "damaged" in row[2]
    assert not [
        p
        for p in hub_packages(hub)
        if p["package_uuid"] == a.package_id and p["status"] == "received"
    ]


def test_expired_cursor_makes_the_desk_refetch(desk, hub, enrolled, scan_store):
    a = accept_with_scans(desk, scan_store, seed=70)
    enrolled.run_once()
    hub.cli(
        "decide",
        "--receipt",
        a.receipt_no,
        "granted",
        "--kind",
        "registration",
        "--number",
        "X-1",
        "--date",
        "2026-12-01",
    )
    hub.cli("new-epoch")  # as after restoring the hub from a backup
    report = enrolled.run_once()
    assert report.decisions == [a.receipt_no]
    assert status_of(desk, a.package_id) == "decision_granted"
    assert enrolled.run_once().error is None


def test_calendar_override_from_the_hub_moves_open_deadlines(desk, hub, enrolled, scan_store):
    a = accept_with_scans(desk, scan_store, seed=80, at=datetime(2026, 11, 25, 11, 0))
    assert a.result_date == date(2026, 12, 3)
    hub.cli("calendar-override", "--date", "2026-12-01", "--kind", "day_off", "--note", "Decree")
    enrolled.run_once()
    with reading(desk["factory"]) as s:
        assert s.get(Package, a.package_id).result_date in (date(2026, 12, 4),)


def test_enrolment_with_a_used_code_is_refused_clearly(hub, engine_for, desk):
    code = hub.cli("enrol-code", "--branch", "ALA01")
    engine_for().enrol(hub_url=hub.url, code=code, desk_code="D1", actor=desk["supervisor"])
    import pytest

    from ozq_desktop.sync.engine import SyncError

    with pytest.raises(SyncError) as err:
        engine_for(owner="other").enrol(
            hub_url=hub.url, code=code, desk_code="D2", actor=desk["supervisor"]
        )
    assert "код регистрации" in err.value.message("ru").lower()


def test_token_is_kept_in_the_keyring_not_in_the_database(desk, enrolled, memory_keyring, db_path):
    _, device_id = enrolled.hub_settings()
    token = memory_keyring.secrets[("ozq-desktop-hub", device_id)]
    assert len(token) > 20
    assert token.encode() not in db_path.read_bytes()
    assert json.dumps(token) not in (db_path.parent / "desk.db").read_text(errors="ignore")


def test_the_desk_killed_mid_upload_resumes_and_delivers_once(
    desk, hub, enrolled, scan_store, memory_keyring, db_path
):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    a = accept_with_scans(desk, scan_store, sizes=(3_000_000, 3_000_000, 3_000_000), seed=90)
    _, device_id = enrolled.hub_settings()
    token = memory_keyring.secrets[("ozq-desktop-hub", device_id)]
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.sync.push_child",
            str(db_path),
            str(scan_store.root),
            device_id,
            token,
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
    )
    assert child.stdout.readline().strip() == b"pushing"
    with reading(desk["factory"]) as s:
        shas = [f.sha256 for f in s.get(Package, a.package_id).files]
    deadline = time.monotonic() + 60
    with httpx.Client(
        base_url=hub.process.api_url, timeout=10, headers={"Authorization": f"Bearer {token}"}
    ) as c:

        def uploaded() -> int:
            total = 0
            for sha in shas:
                answer = c.get(f"/uploads/{sha}")
                if answer.status_code == 200:
                    total += answer.json()["offset"]
            return total

        while uploaded() < 500_000 and time.monotonic() < deadline:
            time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    with reading(desk["factory"]) as s:
        item = s.scalars(select(OutboxItem)).one()
        assert item.state == "attempting"  # the crash left it marked, not lost
    assert status_of(desk, a.package_id) in ("queued", "sent")
    report = enrolled.run_once()
    assert report.pushed == 1, report.error
    assert_exactly_once(desk, hub, scan_store)


def test_a_lease_held_by_a_live_process_elsewhere_is_respected(desk):
    from datetime import timedelta as td

    with transaction(desk["factory"]) as s:
        assert state.take_lease(s, "other-host:1:abc", datetime.now(), td(minutes=2))
        assert not state.take_lease(s, state.lease_owner(), datetime.now(), td(minutes=2))
        assert state.take_lease(
            s, state.lease_owner(), datetime.now() + td(minutes=3), td(minutes=2)
        )
