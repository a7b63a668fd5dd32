"""Issue 12, finding 9: a branch that knew only a SHA-256 could commit a package that names
another branch's stored scan, and then read it back through the committee's view of its own
package. Deduplication now stays within a branch: the bytes must be sent to prove them."""

from __future__ import annotations

import os

from ozq_wire import protocol as p
from tests.hub.helpers import Scan


def test_knowing_a_hash_does_not_let_another_branch_commit_the_scan(shared_hub):
    owner, snoop = shared_hub.enrol(), shared_hub.enrol()
    secret = Scan("passport.pdf", os.urandom(20_000))
    owner.push(owner.declaration([secret]), [secret])

    borrowed = snoop.declaration([secret])  # only the name, hash and size are known
    declared = p.DeclareResponse.model_validate(snoop.declare(borrowed).json())
    assert declared.missing_blobs == [secret.sha256]
    status = snoop.status(secret.sha256)
    assert (status.offset, status.complete) == (0, False)
    refused = snoop.commit(borrowed.package_uuid)
    assert refused.status_code == 412, refused.text
    assert refused.json()["missing_blobs"] == [secret.sha256]
    # Sending wrong bytes of the right size does not prove possession either.
    wrong = snoop.chunk(secret.sha256, 0, os.urandom(20_000))
    assert (wrong.status_code, wrong.json()["code"]) == (422, p.ErrorCode.BLOB_HASH_MISMATCH)
    assert snoop.commit(borrowed.package_uuid).status_code == 412
