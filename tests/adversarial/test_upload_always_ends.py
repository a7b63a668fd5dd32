"""Finding 2 (high), the desk's part: uploads always end. A scan recorded with a size other than
its stored bytes' (what `add_file` did when the file changed under it) made the desk send
empty PATCHes without end: 2,881 in 8 s in the review. A hub offset or size that does not match
the local blob is now a permanent failure ("needs attention", with the reason), and a PATCH
that makes no progress stops the upload."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select

from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.domain.drafts import ScanDraft
from ozq_desktop.models import OutboxItem
from ozq_desktop.storage.engine import reading, transaction
from ozq_desktop.sync import push
from ozq_desktop.sync.client import HubClient
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, draft_for
from tests.signing.pki import sign_draft

CODES = ["application", "declaration", "expert_conclusion"]
PATCH_LIMIT = 50  # far beyond what three small scans need


class TooManyPatches(AssertionError):
    pass


class CountingClient(HubClient):
    """The real client, counting its PATCHes and stopping a runaway loop in the test."""

    patches = 0

    def upload_chunk(self, sha256, offset, data):
        CountingClient.patches += 1
        if CountingClient.patches > PATCH_LIMIT:
            raise TooManyPatches(f"{CountingClient.patches} PATCHes, the last one {len(data)} B")
        return super().upload_chunk(sha256, offset, data)


def accept_with_a_wrong_size(desk, store, grown_by: int):
    """A package whose first scan was recorded `grown_by` bytes larger than what is stored."""
    rng = random.Random(7)
    draft = draft_for("declaration-registration", "legal_entity", VALID_BIN, CODES)
    for n, code in enumerate(CODES):
        ref = store.add_bytes(b"%PDF-1.4\n" + rng.randbytes(20_000) + b"\n%%EOF\n", f"{code}.pdf")
        size = ref.size + grown_by if n == 0 else ref.size
        draft.documents[code].scans = [ScanDraft(ref.sha256, size, ref.mime, ref.name)]
    with transaction(desk["factory"]) as s:
        return accept_package(
            session=s,
            catalog=load_catalog(),
            draft=draft,
            clerk=desk["clerk"],
            at=datetime.now().replace(microsecond=0),
            signature=sign_draft(draft),
        )


def push_once(desk, enrolled, scan_store, package_id):
    hub_url, device_id = enrolled.hub_settings()
    from ozq_desktop.sync import credentials

    token = credentials.load_token(device_id, enrolled.folder)
    CountingClient.patches = 0
    with CountingClient(hub_url, token) as client:
        return push.push_package(
            factory=desk["factory"], store=scan_store, client=client, package_id=package_id
        )


def test_a_declared_size_larger_than_the_blob_ends_in_needs_attention(desk, enrolled, scan_store):
    accepted = accept_with_a_wrong_size(desk, scan_store, grown_by=1000)
    outcome = push_once(desk, enrolled, scan_store, accepted.package_id)
    assert not outcome.ok and outcome.handling.value == "permanent"
    assert CountingClient.patches <= 3
    with reading(desk["factory"]) as s:
        item = s.scalars(select(OutboxItem)).one()
        assert item.state == push.FAILED
        assert "20016" in item.last_error and "21016" in item.last_error  # local and hub sizes
        assert push.needs_attention(session=s)[0][0] == accepted.receipt_no


def test_a_declared_size_smaller_than_the_blob_ends_too(desk, enrolled, scan_store):
    accepted = accept_with_a_wrong_size(desk, scan_store, grown_by=-1000)
    outcome = push_once(desk, enrolled, scan_store, accepted.package_id)
    assert not outcome.ok and outcome.handling.value == "permanent"
    assert CountingClient.patches <= 3


def test_a_whole_sync_cycle_with_such_a_package_ends(desk, enrolled, scan_store):
    bad = accept_with_a_wrong_size(desk, scan_store, grown_by=1000)
    enrolled.client_factory = CountingClient
    CountingClient.patches = 0
    report = enrolled.run_once()
    assert report.failed == 1 and report.pushed == 0
    with reading(desk["factory"]) as s:
        assert [r for r, *_ in push.needs_attention(session=s)] == [bad.receipt_no]


def test_a_change_feed_that_never_advances_stops_the_cycle(desk, enrolled):
    """A hub (broken, or hostile) that answers "more" with the same cursor for ever: the desk
    stops after the page that did not move, and says so, instead of asking without end."""
    import httpx

    calls = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) > PATCH_LIMIT:
            raise TooManyPatches(f"{len(calls)} calls")
        if request.url.path.endswith("/changes"):
            return httpx.Response(200, json={"changes": [], "next_cursor": "7", "has_more": True})
        if request.url.path.endswith("/audit"):
            body = request.read()
            import json

            head = json.loads(body)["head"]
            return httpx.Response(
                200, json={"head": head, "acknowledged_at": "2026-11-25T10:00:00+05:00"}
            )
        return httpx.Response(404, json={"code": "not_found", "detail": request.url.path})

    enrolled.client_factory = lambda url, token: HubClient(
        url, token, transport=httpx.MockTransport(answer)
    )
    report = enrolled.run_once()
    assert report.error is not None and not report.pushed
    assert calls.count("/api/v1/changes") <= 2
