"""Issue 12, finding 8: inputs that still made the hub answer 500."""

from __future__ import annotations

import json

import pytest

from ozq_wire import protocol as p
from tests.hub.helpers import scans


def test_a_cursor_with_a_superscript_digit_is_422(shared_hub):
    desk = shared_hub.enrol()
    for cursor in ("x.²", "x.١٢", "x.𝟗"):  # str.isdigit() says yes, int() says no
        answer = desk.changes(after=cursor)
        assert (answer.status_code, answer.json()["code"]) == (422, p.ErrorCode.CURSOR_INVALID)


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_device_time_that_overflows_in_utc_is_422(shared_hub, moment):
    desk = shared_hub.enrol()
    body = json.loads(desk.declaration(scans(10)).model_dump_json())
    body["device_time"] = moment
    answer = desk.http.post("/packages", json=body)
    assert (answer.status_code, answer.json()["code"]) == (422, p.ErrorCode.INVALID_REQUEST)
    assert "device_time" in answer.json()["detail"]


def test_declaring_without_a_token_is_401_before_the_body_is_judged(shared_hub):
    with shared_hub.client() as anonymous:
        for body in ({}, {"package_uuid": "nope"}, []):
            answer = anonymous.post("/packages", json=body)
            assert answer.status_code == 401, answer.text
            assert answer.json()["code"] == p.ErrorCode.UNAUTHENTICATED
