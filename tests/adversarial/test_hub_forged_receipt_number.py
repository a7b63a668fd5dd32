"""Issue 12, finding 4: a desk of branch BRB committed receipt BRA-D1-0000002, and
`ozq-hub decide --receipt BRA-D1-0000002` put the decision on the forged package. Receipt
numbers belong to their desk; one active device per branch and desk code; identifiers are
NFKC-normalised and refuse bidi, zero-width and full-width characters."""

from __future__ import annotations

import uuid

import pytest

from ozq_wire import protocol as p
from tests.adversarial.hub_helpers import run_cli
from tests.hub.helpers import scans


def test_a_desk_cannot_declare_another_desk_s_receipt_number(shared_hub):
    suffix = uuid.uuid4().hex[:6].upper()
    bra, brb = f"BRA{suffix}", f"BRB{suffix}"
    real = shared_hub.enrol(branch=bra, desk="D1")
    forger = shared_hub.enrol(branch=brb, desk="D1")
    neighbour = shared_hub.enrol(branch=bra, desk="D2")
    files = scans(100)
    genuine = real.declaration(files, receipt_no=f"{bra}-D1-0000002")
    for desk in (forger, neighbour):
        forged = desk.declaration(scans(100), receipt_no=f"{bra}-D1-0000002")
        answer = desk.declare(forged)
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == p.ErrorCode.RECEIPT_NOT_YOURS
        assert p.handling_for(422, answer.json()["code"]) is p.Handling.PERMANENT
    real.push(genuine, files)
    code, out = run_cli(
        shared_hub.db, "decide", "--receipt", f"{bra}-D1-0000002", "refused", "--reason", "x"
    )
    assert code == 0 and str(genuine.package_uuid) in out


@pytest.mark.parametrize(
    "receipt",
    [
        "{b}-D1-0000001\u200b",  # zero-width space
        "{b}-D1-\u202e1000000",  # right-to-left override
        "{b}-D1-\uff10000001",  # full-width zero
        "{b}-D1-0000001\u2066",  # bidi isolate
    ],
)
def test_invisible_bidi_and_full_width_characters_are_refused(shared_hub, receipt):
    desk = shared_hub.enrol()
    body = desk.declaration(scans(10)).model_dump(mode="json")
    body["receipt_no"] = receipt.format(b=desk.branch)
    answer = desk.http.post("/packages", json=body)
    assert (answer.status_code, answer.json()["code"]) == (422, p.ErrorCode.INVALID_REQUEST)


def test_identifiers_are_nfkc_normalised_on_both_sides():
    with pytest.raises(ValueError, match="U\\+FF21"):
        p.identifier_text("ＡBC")
    assert p.identifier_text("ALA01-D1-ﬁ") == "ALA01-D1-fi"  # a compatibility ligature
    with pytest.raises(ValueError):
        p.EnrolRequest(code="ABCD-1234", desk_code="D1\u200d", device_name="pc")


def test_only_one_active_device_per_branch_and_desk_code(shared_hub):
    first = shared_hub.enrol(desk="D1")
    code = shared_hub.cli("enrol-code", "--branch", first.branch).strip()
    with shared_hub.client() as client:
        answer = client.post("/enrol", json={"code": code, "desk_code": "D1", "device_name": "pc2"})
        assert answer.status_code == 409, answer.text
        assert answer.json()["code"] == p.ErrorCode.DESK_CODE_TAKEN
        # The refusal did not spend the code: once the old device is revoked, it enrols.
        shared_hub.cli("revoke", "--device", str(first.device_id))
        again = client.post("/enrol", json={"code": code, "desk_code": "D1", "device_name": "pc2"})
    assert again.status_code == 200, again.text


def test_a_branch_code_with_invisible_characters_is_refused_by_the_cli(shared_hub):
    code, _ = run_cli(shared_hub.db, "enrol-code", "--branch", "ALA\u200b01")
    assert code != 0
