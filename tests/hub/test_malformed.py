"""Whatever a client sends, the hub answers 4xx with a JSON code, never 5xx."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ozq_wire import protocol as p
from tests.hub.conftest import BACKENDS
from tests.hub.helpers import declaration, scans

POSTGRESQL = BACKENDS[1]  # a database can be taken away from a running hub

SHA = "ab" * 32

MALFORMED = [
    ("POST", "/packages", b"{not json", {}),
    ("POST", "/packages", b"[]", {}),
    ("POST", "/packages", "\u00ff\u00fe".encode("latin-1"), {}),
    ("POST", "/packages", json.dumps({"package_uuid": "nope"}).encode(), {}),
    ("POST", "/packages/not-a-uuid/commit", b"", {}),
    ("GET", "/changes?limit=-1", b"", {}),
    ("GET", "/changes?limit=abc", b"", {}),
    ("GET", "/changes?after=" + "9" * 200, b"", {}),
    ("GET", "/changes?after=abc.-1", b"", {}),
    ("GET", "/state?after=xyz", b"", {}),
    ("GET", "/uploads/XYZ", b"", {}),
    ("PATCH", f"/uploads/{SHA}", b"data", {}),
    ("PATCH", f"/uploads/{SHA}", b"data", {p.UPLOAD_OFFSET: "-5"}),
    ("PATCH", f"/uploads/{SHA}", b"data", {p.UPLOAD_OFFSET: "ten"}),
    ("PATCH", f"/uploads/{SHA}", b"data", {p.UPLOAD_OFFSET: "0"}),
    ("DELETE", "/packages", b"", {}),
    ("GET", "/no/such/route", b"", {}),
    ("POST", "/enrol", b'{"code": 5}', {}),
    ("POST", "/committee/packages/not-a-uuid/decisions", b"{}", {}),
    ("POST", "/enrol", b'{"code": "AB\\u0000CD", "desk_code": "w", "device_name": "p"}', {}),
]


@pytest.mark.parametrize(("method", "path", "body", "headers"), MALFORMED)
def test_malformed_requests_get_a_4xx_json_answer(shared_hub, method, path, body, headers):
    desk = shared_hub.enrol()
    answer = desk.http.request(method, path, content=body, headers=headers)
    assert 400 <= answer.status_code < 500, answer.text
    error = p.ApiError.model_validate(answer.json())
    assert error.code and error.detail


def test_committee_queries_with_odd_values_never_fail_the_hub(shared_hub):
    with shared_hub.committee() as committee:
        for query in ("status=lost", "after=1", "limit=0"):
            answer = committee.get(f"/committee/packages?{query}")
            assert answer.status_code == 422, (query, answer.text)
        for query in ("receipt_no=R%00", "branch=%00"):  # nothing matches, or refused
            answer = committee.get(f"/committee/packages?{query}")
            assert answer.status_code in (200, 422), (query, answer.text)


@pytest.mark.parametrize("field", ["receipt_no", "clerk"])
def test_nul_characters_are_422_on_every_backend(shared_hub, field):
    desk = shared_hub.enrol()
    body = json.loads(declaration(scans(10)).model_dump_json())
    body[field] = "R\x00" if field == "receipt_no" else {"login": "a\x00", "full_name": "b"}
    answer = desk.http.post("/packages", json=body)
    assert (answer.status_code, answer.json()["code"]) == (422, p.ErrorCode.INVALID_REQUEST)


@pytest.mark.parametrize("number", ["Infinity", "NaN", "-Infinity"])
def test_non_standard_json_numbers_in_metadata_are_422(shared_hub, number):
    desk = shared_hub.enrol()
    text = declaration(scans(10)).model_dump_json()
    text = text.replace('"metadata":{', '"metadata":{"x":' + number + ",")
    answer = desk.http.post("/packages", content=text, headers={"Content-Type": "application/json"})
    assert (answer.status_code, answer.json()["code"]) == (422, p.ErrorCode.INVALID_REQUEST)


def test_one_blob_listed_with_two_sizes_is_422(shared_hub):
    desk = shared_hub.enrol()
    body = json.loads(declaration(scans(10, 10)).model_dump_json())
    first, second = body["manifest"]
    second["sha256"], second["size"] = first["sha256"], first["size"] + 1
    body["manifest_hash"] = p.manifest_hash([p.ManifestEntry(**e) for e in body["manifest"]])
    answer = desk.http.post("/packages", json=body)
    assert (answer.status_code, answer.json()["code"]) == (422, p.ErrorCode.INVALID_REQUEST)
    assert "two different sizes" in answer.text


def test_an_oversized_json_body_is_413(shared_hub):
    desk = shared_hub.enrol()
    request = json.loads(declaration(scans(10)).model_dump_json())
    request["metadata"] = {"padding": "x" * (3 * 1024 * 1024)}
    answer = desk.http.post("/packages", json=request)
    assert (answer.status_code, answer.json()["code"]) == (413, p.ErrorCode.PAYLOAD_TOO_LARGE)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mutation=st.dictionaries(
        st.sampled_from(list(p.DeclareRequest.model_fields)), json_values, min_size=1
    )
)
def test_mangled_declarations_never_make_the_hub_fail(shared_hub, mutation):
    desk = _fuzz_desk(shared_hub)
    body = json.loads(declaration(scans(10)).model_dump_json())
    body.update(mutation)
    answer = desk.http.post("/packages", json=body)
    assert answer.status_code < 500, answer.text


_desks: dict[int, object] = {}


def _fuzz_desk(hub):
    if id(hub) not in _desks:
        _desks[id(hub)] = hub.enrol()
    return _desks[id(hub)]


def test_the_hub_serves_its_openapi_document(shared_hub):
    with shared_hub.client() as client:
        document = client.get(shared_hub.process.base_url + "/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/enrol",
        "/api/v1/packages",
        "/api/v1/packages/{package_uuid}/commit",
        "/api/v1/uploads/{sha256}",
        "/api/v1/changes",
        "/api/v1/state",
        "/api/v1/committee/packages/{package_uuid}/decisions",
    ):
        assert path in paths
    assert {"get", "head", "patch"} <= set(paths["/api/v1/uploads/{sha256}"])
    assert "ApiError" in document["components"]["schemas"]


@pytest.mark.parametrize("fresh_hub", [POSTGRESQL], indirect=True)
def test_an_unreachable_database_is_503_with_retry_after(fresh_hub, request):
    import psycopg

    desk = fresh_hub.enrol()
    cluster = request.getfixturevalue("pg_cluster")
    name = fresh_hub.db.rsplit("/", 1)[1]
    admin = psycopg.connect(
        f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres", autocommit=True
    )
    try:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        answer = desk.changes()
        assert answer.status_code == 503
        assert answer.json()["code"] == p.ErrorCode.UNAVAILABLE
        assert int(answer.headers["Retry-After"]) > 0
        assert p.handling_for(503, answer.json()["code"]) is p.Handling.RETRY
    finally:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()
    assert desk.changes().status_code == 200
