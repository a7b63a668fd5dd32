"""An upload begun on one hub instance resumes on another: two instances on one PostgreSQL
database and one S3 bucket, no nginx between, each chunk sent to a chosen instance."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets

import pytest

from ozq_hub.devtools import HubProcess, ThrowawayPostgres
from tests.hub.helpers import HubUnderTest, Scan

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ThrowawayPostgres.available(), reason="needs PostgreSQL 15"),
]


@pytest.fixture
def two_instances(pg_cluster, s3_server, tmp_path):
    url = pg_cluster.create_database()
    env = {
        **s3_server.environment(s3_server.create_bucket()),
        "OZQ_HUB_BLOB_KEY": base64.b64encode(os.urandom(32)).decode(),
    }
    token = secrets.token_urlsafe(16)
    first = HubProcess(url, tmp_path / "a", committee_token=token, env=env).start()
    second = HubProcess(url, tmp_path / "b", committee_token=token, env=env).start()
    yield HubUnderTest(first, "postgresql"), HubUnderTest(second, "postgresql")
    first.stop()
    second.stop()


def test_an_upload_begun_on_one_instance_finishes_on_another(two_instances):
    a, b = two_instances
    desk_a = a.enrol()
    desk_b = b.client(desk_a.token)  # the same desk, through the other instance
    scan = Scan("scan.pdf", os.urandom(700_000))
    request = desk_a.declaration([scan])
    assert desk_a.declare(request).status_code == 200

    assert desk_a.chunk(scan.sha256, 0, scan.data[:300_000]).json()["offset"] == 300_000
    status = desk_b.get(f"/uploads/{scan.sha256}").json()
    assert (status["offset"], status["complete"]) == (300_000, False)  # B sees A's offset
    replayed = desk_b.patch(  # a replay of A's chunk through B skips what is held
        f"/uploads/{scan.sha256}", content=scan.data[:300_000], headers={"Upload-Offset": "0"}
    )
    assert replayed.json()["offset"] == 300_000
    ahead = desk_b.patch(
        f"/uploads/{scan.sha256}", content=b"x", headers={"Upload-Offset": "400000"}
    )
    assert (ahead.status_code, ahead.json()["offset"]) == (416, 300_000)
    rest = desk_b.patch(
        f"/uploads/{scan.sha256}", content=scan.data[300_000:], headers={"Upload-Offset": "300000"}
    )
    assert rest.status_code == 200 and rest.json()["complete"], rest.text
    assert desk_a.commit(request.package_uuid).status_code == 200  # committed through A

    with a.committee() as committee:  # read back through A: the bytes B assembled
        blob = committee.get(f"/committee/blobs/{scan.sha256}")
    assert blob.status_code == 200
    assert hashlib.sha256(blob.content).hexdigest() == scan.sha256
