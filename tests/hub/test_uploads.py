"""Blob uploads: chunked, resumable across a killed hub, verified, deduplicated."""

from __future__ import annotations

import contextlib
import os
import threading

import httpx

from ozq_hub import faults
from ozq_wire import protocol as p
from tests.hub.helpers import Scan, assert_exactly_once, scans


def test_upload_resumes_from_the_hub_s_offset(shared_hub):
    desk = shared_hub.enrol()
    (scan,) = scans(1_000_000)
    request = desk.declaration([scan])
    desk.declare(request)
    assert desk.status(scan.sha256) == p.UploadStatus(
        sha256=scan.sha256, size=1_000_000, offset=0, complete=False
    )
    assert desk.chunk(scan.sha256, 0, scan.data[:300_000]).json()["offset"] == 300_000
    head = desk.http.head(f"/uploads/{scan.sha256}")
    assert head.headers[p.UPLOAD_OFFSET] == "300000"
    assert head.headers[p.UPLOAD_LENGTH] == "1000000"
    # A chunk past the hub's offset: 416 with the offset to resume from.
    ahead = desk.chunk(scan.sha256, 600_000, scan.data[600_000:])
    assert (ahead.status_code, ahead.json()["code"]) == (416, p.ErrorCode.OFFSET_MISMATCH)
    assert ahead.json()["offset"] == 300_000
    assert p.handling_for(416, ahead.json()["code"]) is p.Handling.RESUME_UPLOAD
    # A replayed, overlapping chunk: the bytes the hub has are skipped.
    overlap = desk.chunk(scan.sha256, 200_000, scan.data[200_000:700_000])
    assert overlap.json()["offset"] == 700_000
    done = desk.upload(scan)
    assert done.complete and done.offset == 1_000_000
    desk.commit(request.package_uuid)
    assert_exactly_once(shared_hub, request, [scan])


def test_one_flipped_byte_is_rejected_and_the_partial_discarded(shared_hub):
    desk = shared_hub.enrol()
    (scan,) = scans(500_000)
    request = desk.declaration([scan])
    desk.declare(request)
    damaged = bytearray(scan.data)
    damaged[123_456] ^= 0x01
    assert desk.chunk(scan.sha256, 0, bytes(damaged[:250_000])).status_code == 200
    answer = desk.chunk(scan.sha256, 250_000, bytes(damaged[250_000:]))
    assert (answer.status_code, answer.json()["code"]) == (422, p.ErrorCode.BLOB_HASH_MISMATCH)
    assert p.handling_for(422, answer.json()["code"]) is p.Handling.VERIFY_AND_REUPLOAD
    assert desk.status(scan.sha256).offset == 0
    assert desk.commit(request.package_uuid).status_code == 412
    desk.upload(scan)  # the desk's own copy still hashes right: send it again
    assert desk.commit(request.package_uuid).status_code == 200
    assert_exactly_once(shared_hub, request, [scan])


def test_a_flipped_byte_in_a_single_chunk_upload_is_rejected_too(shared_hub):
    desk = shared_hub.enrol()
    (scan,) = scans(100_000)
    desk.declare(desk.declaration([scan]))
    damaged = bytearray(scan.data)
    damaged[-1] ^= 0x80
    answer = desk.chunk(scan.sha256, 0, bytes(damaged))
    assert (answer.status_code, answer.json()["code"]) == (422, p.ErrorCode.BLOB_HASH_MISMATCH)
    assert desk.status(scan.sha256) == p.UploadStatus(
        sha256=scan.sha256, size=100_000, offset=0, complete=False
    )
    assert desk.chunk(scan.sha256, 0, scan.data).json()["complete"] is True


def test_a_chunk_past_the_declared_size_or_over_the_chunk_limit_is_refused(shared_hub):
    desk = shared_hub.enrol()
    (scan,) = scans(1000)
    desk.declare(desk.declaration([scan]))
    answer = desk.chunk(scan.sha256, 0, scan.data + b"extra")
    assert (answer.status_code, answer.json()["code"]) == (422, p.ErrorCode.UPLOAD_OVERFLOW)
    too_big = desk.chunk(scan.sha256, 0, b"x" * (8 * 1024 * 1024 + 1))
    assert (too_big.status_code, too_big.json()["code"]) == (413, p.ErrorCode.PAYLOAD_TOO_LARGE)

    def streamed():  # no Content-Length: the limit is counted while reading
        for _ in range(9):
            yield b"y" * (1024 * 1024)

    answer = desk.http.patch(
        f"/uploads/{scan.sha256}", content=streamed(), headers={p.UPLOAD_OFFSET: "0"}
    )
    assert answer.status_code == 413
    assert desk.status(scan.sha256).offset == 0


def test_a_stored_blob_is_never_asked_for_again_in_its_branch(shared_hub):
    desk = shared_hub.enrol()
    other_desk = shared_hub.enrol(branch=desk.branch, desk="window-2")
    shared = Scan("same.pdf", os.urandom(50_000))
    first = desk.declaration([shared])
    desk.push(first, [shared])
    second = other_desk.declaration([Scan("copy.pdf", shared.data)])
    answer = p.DeclareResponse.model_validate(other_desk.declare(second).json())
    assert answer.missing_blobs == []
    status = other_desk.chunk(shared.sha256, 0, b"")
    assert status.json()["complete"] is True
    assert other_desk.commit(second.package_uuid).status_code == 200
    assert_exactly_once(shared_hub, second, [shared])
    # Another branch must send the bytes itself (tests/adversarial: dedup within a branch).
    stranger = shared_hub.enrol()
    third = stranger.declaration([shared])
    answer = p.DeclareResponse.model_validate(stranger.declare(third).json())
    assert answer.missing_blobs == [shared.sha256]
    stranger.push(third, [shared])
    assert_exactly_once(shared_hub, third, [shared])


def test_an_empty_file_uploads_too(shared_hub):
    desk = shared_hub.enrol()
    empty = Scan("empty.txt", b"", mime="text/plain")
    files = [empty, *scans(10)]
    request = desk.declaration(files)
    desk.push(request, files)
    assert desk.status(empty.sha256).complete
    assert_exactly_once(shared_hub, request, files)


def test_the_hub_killed_mid_blob_resumes_where_its_disk_says(fresh_hub):
    desk = fresh_hub.enrol()
    (scan,) = scans(4_000_000)
    request = desk.declaration([scan])
    desk.declare(request)
    for offset in (0, 1_000_000):
        assert desk.chunk(scan.sha256, offset, scan.data[offset : offset + 1_000_000]).is_success
    halfway, killed = threading.Event(), threading.Event()

    def third_chunk():  # the hub dies with half of this body on the wire
        yield scan.data[2_000_000:2_500_000]
        halfway.set()
        killed.wait(10)
        yield scan.data[2_500_000:3_000_000]

    def kill_at_halfway():
        halfway.wait(10)
        fresh_hub.process.kill()
        killed.set()

    killer = threading.Thread(target=kill_at_halfway)
    killer.start()
    with contextlib.suppress(httpx.TransportError):
        desk.http.patch(
            f"/uploads/{scan.sha256}", content=third_chunk(), headers={p.UPLOAD_OFFSET: "2000000"}
        )
    killer.join()
    fresh_hub.process.start()
    assert desk.status(scan.sha256).offset == 2_000_000  # the half chunk was never written
    desk.upload(scan, chunk_size=700_000)
    assert desk.commit(request.package_uuid).status_code == 200
    assert_exactly_once(fresh_hub, request, [scan])


def test_a_crash_after_commit_before_the_answer_replays_the_same_answer(fresh_hub):
    desk = fresh_hub.enrol()
    files = scans(20_000)
    request = desk.declaration(files)
    desk.declare(request)
    desk.upload(files[0])
    fresh_hub.process.stop()
    fresh_hub.process.env[faults.ENV] = faults.CRASH_AFTER_COMMIT
    fresh_hub.process.start()
    try:
        lost = desk.commit(request.package_uuid)
        raise AssertionError(f"the hub answered {lost.status_code}")
    except httpx.TransportError:
        pass  # committed, then died before answering
    fresh_hub.process.env.pop(faults.ENV)
    fresh_hub.process.start()
    replay = desk.commit(request.package_uuid)
    assert replay.status_code == 200
    assert_exactly_once(fresh_hub, request, files)
    changes, _ = desk.all_changes()
    assert [c.package_uuid for c in changes] == [request.package_uuid]
    assert changes[0].received_at == p.CommitResponse.model_validate(replay.json()).received_at


class _CutByTheDesk(Exception):
    pass


def test_a_connection_cut_mid_chunk_leaves_the_acknowledged_offset(shared_hub):
    desk = shared_hub.enrol()
    (scan,) = scans(600_000)
    request = desk.declaration([scan])
    desk.declare(request)
    assert desk.chunk(scan.sha256, 0, scan.data[:200_000]).is_success

    def cut_after_some_bytes():  # the desk process dies with the chunk half sent
        yield scan.data[200_000:300_000]
        raise _CutByTheDesk

    with contextlib.suppress(_CutByTheDesk, httpx.TransportError):
        desk.http.patch(
            f"/uploads/{scan.sha256}",
            content=cut_after_some_bytes(),
            headers={p.UPLOAD_OFFSET: "200000", "Content-Length": "400000"},
        )
    assert desk.status(scan.sha256).offset == 200_000
    desk.upload(scan)
    assert desk.commit(request.package_uuid).status_code == 200
    assert_exactly_once(shared_hub, request, [scan])
    assert shared_hub.process.process.poll() is None  # still serving
