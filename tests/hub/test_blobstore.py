"""The blob-store contract, run against both implementations: a local folder and an S3 bucket
on moto's S3 server (the real S3 HTTP protocol, on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import os

import pytest

from ozq_hub.blobstore import BlobStore, CorruptBlob, HubKey, chunk_key, object_key
from ozq_hub.blobstore.backends import FilesystemObjects, S3Objects
from ozq_hub.blobstore.envelope import SEGMENT

KEY = HubKey(os.urandom(32))


def _backend(kind: str, request, tmp_path, **s3_options):
    if kind == "filesystem":
        return FilesystemObjects(tmp_path / "blobs")
    server = request.getfixturevalue("s3_server")
    bucket = server.create_bucket()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", server.ACCESS_KEY)
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", server.SECRET_KEY)
    return S3Objects(bucket=bucket, endpoint=server.endpoint, region="us-east-1", **s3_options)


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path) -> BlobStore:
    return BlobStore(_backend(request.param, request, tmp_path), KEY)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 17])
def test_a_blob_reads_back_exactly(store, size):
    data = os.urandom(size)
    store.put_blob(_sha(data), [data[: size // 3], data[size // 3 :]])
    assert store.exists(_sha(data))
    assert store.read_all(_sha(data)) == data


def test_what_is_stored_is_encrypted(store):
    data = b"%PDF-1.7 applicant 940140000385 " * 1000
    sha = _sha(data)
    store.put_blob(sha, [data])
    raw = b"".join(store.backend.get(object_key(sha)))
    assert b"940140000385" not in raw and raw.startswith(b"OZQB\x01")
    store.put_chunk(f"{sha}.branchkey", 0, data[:5000])
    chunk = b"".join(store.backend.get(chunk_key(f"{sha}.branchkey", 0)))
    assert b"940140000385" not in chunk


def test_chunks_join_into_the_blob_and_are_then_discarded(store):
    data = os.urandom(2 * SEGMENT + 5)
    sha = _sha(data)
    upload = f"{sha}.branchkey"
    for offset in range(0, len(data), 700_000):
        store.put_chunk(upload, offset, data[offset : offset + 700_000])
    assert store.partial_uploads() == {upload}
    assert store.chunks_digest(upload, len(data)) == sha
    assert store.chunks_digest(upload, 700_000) == _sha(data[:700_000])  # a shorter size
    store.put_blob(sha, store.chunks(upload, len(data)))
    assert store.read_all(sha) == data
    assert store.discard_partial(upload) == 3
    assert store.partial_uploads() == set()


def test_a_missing_chunk_is_an_integrity_error(store):
    data = os.urandom(300_000)
    upload = f"{_sha(data)}.branchkey"
    store.put_chunk(upload, 0, data[:100_000])
    store.put_chunk(upload, 200_000, data[200_000:])  # the middle one never arrived
    with pytest.raises((CorruptBlob, FileNotFoundError)):
        store.chunks_digest(upload, len(data))


def test_a_chunk_copied_to_another_offset_fails(store):
    upload = "0" * 64 + ".branchkey"
    store.put_chunk(upload, 0, b"a" * 1000)
    raw = b"".join(store.backend.get(chunk_key(upload, 0)))
    store.backend.put(chunk_key(upload, 1000), [raw])
    with pytest.raises(CorruptBlob):
        list(store.chunks(upload, 2000))


def test_a_changed_byte_fails_on_read(store):
    data = os.urandom(SEGMENT + 100)
    sha = _sha(data)
    store.put_blob(sha, [data])
    raw = bytearray(b"".join(store.backend.get(object_key(sha))))
    raw[len(raw) // 2] ^= 0x01
    store.backend.put(object_key(sha), [bytes(raw)])
    with pytest.raises(CorruptBlob):
        store.read_all(sha)


def test_a_truncated_object_fails_on_read(store):
    data = os.urandom(2 * SEGMENT + 100)
    sha = _sha(data)
    store.put_blob(sha, [data])
    raw = b"".join(store.backend.get(object_key(sha)))
    store.backend.put(object_key(sha), [raw[: -(100 + 16)]])  # the last segment dropped
    with pytest.raises(CorruptBlob):
        store.read_all(sha)


def test_an_object_copied_over_another_name_fails(store):
    first, second = os.urandom(1000), os.urandom(1000)
    store.put_blob(_sha(first), [first])
    store.put_blob(_sha(second), [second])
    stolen = b"".join(store.backend.get(object_key(_sha(first))))
    store.backend.put(object_key(_sha(second)), [stolen])
    with pytest.raises(CorruptBlob):
        store.read_all(_sha(second))


def test_another_hub_key_cannot_read(store):
    data = os.urandom(1000)
    store.put_blob(_sha(data), [data])
    with pytest.raises(CorruptBlob):
        BlobStore(store.backend, HubKey(os.urandom(32))).read_all(_sha(data))


def test_a_plain_blob_from_before_encryption_is_read_and_checked(store):
    data = os.urandom(5000)
    store.backend.put(object_key(_sha(data)), [data])
    assert store.read_all(_sha(data)) == data
    store.backend.put(object_key(_sha(data)), [data[:-1] + b"\x00"])
    with pytest.raises(CorruptBlob):
        store.read_all(_sha(data))


def test_a_missing_blob_is_file_not_found(store):
    with pytest.raises(FileNotFoundError):
        store.read_all("0" * 64)


def test_s3_large_blobs_go_up_in_parts(request, tmp_path):
    backend = _backend("s3", request, tmp_path)
    store = BlobStore(backend, KEY)
    data = os.urandom(9 * 1024 * 1024)  # more than one 8 MiB part once sealed
    store.put_blob(_sha(data), (data[i : i + SEGMENT] for i in range(0, len(data), SEGMENT)))
    assert store.read_all(_sha(data)) == data


def test_s3_with_server_side_encryption_asks_for_it_on_every_write(request, tmp_path):
    backend = _backend("s3", request, tmp_path, sse="AES256")
    store = BlobStore(backend, None)
    data = os.urandom(4000)
    store.put_blob(_sha(data), [data])
    head = backend._client.head_object(Bucket=backend.bucket, Key=object_key(_sha(data)))
    assert head["ServerSideEncryption"] == "AES256"
    assert store.read_all(_sha(data)) == data
