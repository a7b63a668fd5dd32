"""Declare and commit: idempotent, conflict-checked, branch-isolated, exactly once."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from ozq_wire import protocol as p
from tests.hub.helpers import Scan, assert_exactly_once, declaration, scans


def test_declare_is_idempotent_and_lists_missing_blobs(shared_hub):
    desk = shared_hub.enrol()
    files = scans(1000, 2000)
    request = desk.declaration(files)
    first = desk.declare(request)
    replay = desk.declare(request)
    assert first.status_code == replay.status_code == 200
    assert first.json() == replay.json()
    answer = p.DeclareResponse.model_validate(first.json())
    assert answer.status is p.PackageStatus.DECLARED
    assert sorted(answer.missing_blobs) == sorted(s.sha256 for s in files)
    desk.upload(files[0])
    later = p.DeclareResponse.model_validate(desk.declare(request).json())
    assert later.missing_blobs == [files[1].sha256]


def test_a_different_manifest_under_the_same_uuid_is_409(shared_hub):
    desk = shared_hub.enrol()
    files = scans(500)
    request = desk.declaration(files)
    assert desk.declare(request).status_code == 200
    other = scans(600)
    changed = desk.declaration(
        other, package_uuid=request.package_uuid, receipt_no=request.receipt_no
    )
    answer = desk.declare(changed)
    assert answer.status_code == 409
    assert answer.json()["code"] == p.ErrorCode.MANIFEST_CONFLICT
    assert p.handling_for(409, answer.json()["code"]) is p.Handling.PERMANENT
    desk.push(request, files)  # the original still goes through
    assert desk.declare(changed).status_code == 409  # also once received
    assert_exactly_once(shared_hub, request, files)


def test_a_declaration_without_uuid_or_with_a_wrong_hash_is_422(shared_hub):
    desk = shared_hub.enrol()
    body = json.loads(declaration(scans(10)).model_dump_json())
    del body["package_uuid"]
    answer = desk.http.post("/packages", json=body)
    assert answer.status_code == 422
    assert answer.json()["code"] == p.ErrorCode.INVALID_REQUEST
    assert "package_uuid" in answer.json()["detail"]
    wrong = declaration(scans(10), manifest_hash="0" * 64)
    answer = desk.declare(wrong)
    assert (answer.status_code, answer.json()["code"]) == (422, p.ErrorCode.MANIFEST_HASH_MISMATCH)


def test_a_scan_over_the_blob_limit_is_413(shared_hub):
    desk = shared_hub.enrol()
    huge = p.ManifestEntry(name="huge.pdf", sha256="a" * 64, size=10**12, mime="application/pdf")
    request = declaration([], manifest=[huge], manifest_hash=p.manifest_hash([huge]))
    answer = desk.declare(request)
    assert (answer.status_code, answer.json()["code"]) == (413, p.ErrorCode.BLOB_TOO_LARGE)


def test_commit_waits_for_every_blob_then_replays_the_same_answer(shared_hub):
    desk = shared_hub.enrol()
    files = scans(3000, 4000)
    request = desk.declaration(files)
    desk.declare(request)
    desk.upload(files[0])
    early = desk.commit(request.package_uuid)
    assert early.status_code == 412
    assert early.json()["code"] == p.ErrorCode.BLOBS_MISSING
    assert early.json()["missing_blobs"] == [files[1].sha256]
    desk.upload(files[1])
    first, replay = desk.commit(request.package_uuid), desk.commit(request.package_uuid)
    assert first.status_code == replay.status_code == 200
    assert first.json() == replay.json()
    declared_again = p.DeclareResponse.model_validate(desk.declare(request).json())
    assert declared_again.status is p.PackageStatus.RECEIVED
    assert declared_again.missing_blobs == []
    assert_exactly_once(shared_hub, request, files)


def test_committing_an_unknown_package_asks_to_declare_again(shared_hub):
    desk = shared_hub.enrol()
    answer = desk.commit(uuid.uuid4())
    assert answer.status_code == 404
    assert p.handling_for(404, answer.json()["code"]) is p.Handling.REDECLARE


def test_a_desk_cannot_touch_another_branch_s_package(shared_hub):
    owner, stranger = shared_hub.enrol(), shared_hub.enrol()
    files = scans(700)
    request = owner.declaration(files)
    owner.declare(request)
    for answer in (
        stranger.declare(request),
        stranger.commit(request.package_uuid),
        stranger.http.get(f"/packages/{request.package_uuid}"),
    ):
        assert answer.status_code == 403
        assert answer.json()["code"] == p.ErrorCode.FORBIDDEN_BRANCH
    # Nor upload a blob only the other branch declared.
    assert stranger.chunk(files[0].sha256, 0, files[0].data).status_code == 404
    owner.push(request, files)
    assert [c for c in stranger.all_changes()[0] if c.kind != "calendar_override"] == []
    assert_exactly_once(shared_hub, request, files)


def test_every_request_sent_concurrently_eight_times_makes_one_package(shared_hub):
    desk = shared_hub.enrol()
    files = scans(300_000, 200_000)
    request = desk.declaration(files)
    start = threading.Barrier(8)

    def everything_at_once(_):
        start.wait()
        declared = desk.declare(request)
        for scan in files:
            answer = desk.chunk(scan.sha256, 0, scan.data)
            assert answer.status_code == 200, answer.text
        return declared, desk.commit(request.package_uuid)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(everything_at_once, range(8)))
    assert {d.status_code for d, _ in results} == {200}
    assert {c.status_code for _, c in results} == {200}
    assert len({json.dumps(c.json(), sort_keys=True) for _, c in results}) == 1
    assert_exactly_once(shared_hub, request, files)
    changes, _ = desk.all_changes()
    received = [c for c in changes if c.kind == "package_received"]
    assert [c.package_uuid for c in received] == [request.package_uuid]


@pytest.mark.parametrize("shift_days", [-3, 3])
def test_the_desk_clock_is_information_only(shared_hub, shift_days):
    desk = shared_hub.enrol()
    files = [Scan("a.pdf", b"%PDF-1.7 one"), Scan("b.pdf", b"%PDF-1.7 two")]
    skewed = dt.datetime.now(dt.UTC) + dt.timedelta(days=shift_days)
    first = desk.declaration(files[:1], device_time=skewed)
    second = desk.declaration(files[1:], device_time=skewed - dt.timedelta(days=2 * shift_days))
    before = dt.datetime.now(dt.UTC)
    desk.push(first, files[:1])
    desk.push(second, files[1:])
    changes = [c for c in desk.all_changes()[0] if c.kind == "package_received"]
    assert [c.package_uuid for c in changes] == [first.package_uuid, second.package_uuid]
    for change in changes:
        assert abs(change.received_at - before) < dt.timedelta(minutes=5)
    with shared_hub.committee() as committee:
        held = committee.get(f"/committee/packages/{first.package_uuid}").json()
    assert dt.datetime.fromisoformat(held["device_time"]) == skewed.replace(
        microsecond=skewed.microsecond
    )
