"""Issue 12, finding 2 (hub side): the hub answered a blob's size with `.limit(1)` across all
packages, so one package declaring a SHA-256 with a wrong size poisoned every later upload of
it in the branch: the honest desk looped, then got 412 on commit for ever."""

from __future__ import annotations

import os

from ozq_wire import protocol as p
from tests.hub.helpers import Scan


def test_a_wrong_size_declared_by_one_package_hurts_only_that_package(shared_hub):
    desk = shared_hub.enrol()
    scan = Scan("scan.pdf", os.urandom(5000))
    wrong = scan.entry().model_copy(update={"size": 4000})
    liar = desk.declaration([], manifest=[wrong], manifest_hash=p.manifest_hash([wrong]))
    assert desk.declare(liar).status_code == 200

    honest = desk.declaration([scan])
    assert desk.declare(honest).status_code == 200
    assert desk.status(scan.sha256).size == 5000  # the size this desk's package gives it
    desk.upload(scan)
    committed = desk.commit(honest.package_uuid)
    assert committed.status_code == 200, committed.text

    # The package that lied fails alone, with a reason, and permanently.
    refused = desk.commit(liar.package_uuid)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == p.ErrorCode.BLOB_SIZE_MISMATCH
    assert p.handling_for(409, refused.json()["code"]) is p.Handling.PERMANENT
    # A new declaration with the wrong size is refused at once.
    again = desk.declaration([], manifest=[wrong], manifest_hash=p.manifest_hash([wrong]))
    answer = desk.declare(again)
    assert (answer.status_code, answer.json()["code"]) == (409, p.ErrorCode.BLOB_SIZE_MISMATCH)


def test_a_larger_wrong_size_does_not_stop_the_honest_upload_either(shared_hub):
    desk = shared_hub.enrol()
    scan = Scan("scan.pdf", os.urandom(3000))
    wrong = scan.entry().model_copy(update={"size": 9000})
    liar = desk.declaration([], manifest=[wrong], manifest_hash=p.manifest_hash([wrong]))
    honest = desk.declaration([scan])
    assert desk.declare(honest).status_code == 200
    assert desk.declare(liar).status_code == 200
    desk.upload(scan)
    assert desk.commit(honest.package_uuid).status_code == 200
    assert desk.commit(liar.package_uuid).json()["code"] == p.ErrorCode.BLOB_SIZE_MISMATCH
