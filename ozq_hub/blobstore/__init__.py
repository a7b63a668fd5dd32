"""Blob storage behind one interface: scans and partial uploads, encrypted, checked on read.

`BlobStore` keeps two kinds of object in an `ObjectBackend` (a local folder by default, or an
S3-compatible bucket, `ozq_hub.blobstore.backends`):

- a finished blob at `objects/<aa>/<sha256>`;
- a partial upload's chunks at `partial/<upload>/<offset>`, one object per chunk received
  (`<upload>` is `<sha256>.<branch key>`: uploads are per branch, `ozq_hub.service.blobs`).
  Which offset an upload has reached is kept in the database (`upload` table), not here:
  every instance sees the same offset, and an upload begun on one resumes on another.

Encryption at rest: with a hub key (`HubKey`, the default), every object is sealed with
envelope encryption (`ozq_hub.blobstore.envelope`) before it leaves the process, on both
backends. On S3 the operator may instead rely on the store's server-side encryption
(`encryption="sse"`); the hub then stores plain bytes and asks for SSE on every write.

Integrity on read: `read()` streams a blob's bytes and raises `CorruptBlob` when a
segment fails its tag or when the bytes do not hash to the blob's name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ozq_hub.blobstore import envelope
from ozq_hub.blobstore.backends import FilesystemObjects, ObjectBackend, S3Objects
from ozq_hub.blobstore.envelope import CorruptBlob, HubKey

__all__ = ["BlobSettings", "BlobStore", "CorruptBlob", "HubKey", "open_store"]

log = logging.getLogger(__name__)


def object_key(sha256: str) -> str:
    return f"objects/{sha256[:2]}/{sha256}"


def chunk_key(upload: str, offset: int) -> str:
    return f"partial/{upload}/{offset:012d}"


class BlobStore:
    def __init__(self, backend: ObjectBackend, key: HubKey | None) -> None:
        """`key` None: no envelope encryption (the backend's SSE must be configured)."""
        self.backend = backend
        self.key = key

    @property
    def description(self) -> str:
        how = "envelope encryption with the hub key" if self.key else "the store's SSE"
        return f"{self.backend.description}, {how}"

    def check(self) -> None:
        self.backend.check()

    # -- writing

    def _sealed(self, name: str, pieces: Iterable[bytes]) -> Iterable[bytes]:
        return envelope.seal(self.key, name, pieces) if self.key else pieces

    def put_blob(self, sha256: str, pieces: Iterable[bytes]) -> None:
        """Store a blob's bytes (already verified by the caller, or verified on read)."""
        self.backend.put(object_key(sha256), self._sealed(object_key(sha256), pieces))

    def put_chunk(self, upload: str, offset: int, data: bytes) -> None:
        """One chunk of an upload (`upload`: the name its chunks share), at `offset`."""
        key = chunk_key(upload, offset)
        self.backend.put(key, self._sealed(key, [data]))

    def chunks(self, upload: str, size: int) -> Iterator[bytes]:
        """The upload's bytes, chunk after chunk, up to `size`."""
        offset = 0
        while offset < size:
            data = b"".join(self._open(chunk_key(upload, offset)))
            if not data:
                raise CorruptBlob(f"the chunk at {offset} of {upload} is empty")
            yield data
            offset += len(data)

    def chunks_digest(self, upload: str, size: int) -> str:
        digest = hashlib.sha256()
        for piece in self.chunks(upload, size):
            digest.update(piece)
        return digest.hexdigest()

    def discard_partial(self, upload: str) -> int:
        """Remove an upload's chunks; how many there were."""
        removed = 0
        for key in list(self.backend.keys(f"partial/{upload}/")):
            self.backend.delete(key)
            removed += 1
        return removed

    def partial_uploads(self) -> set[str]:
        return set(self.partial_uploads_with_age())

    def partial_uploads_with_age(self) -> dict[str, dt.datetime]:
        """Every upload with chunks in the store, and when its newest chunk was written."""
        newest: dict[str, dt.datetime] = {}
        for key, modified in self.backend.listing("partial/"):
            name = key.split("/")[1]
            newest[name] = max(modified, newest.get(name, modified))
        return newest

    # -- reading

    def _open(self, key: str) -> Iterator[bytes]:
        raw = self.backend.get(key)
        first = next(raw, b"")
        rest = _prepend(first, raw)
        if self.key and envelope.is_sealed(first):
            return envelope.open_sealed(self.key, key, rest)
        if self.key and key.startswith("partial/"):
            raise CorruptBlob(f"{key}: a chunk that is not sealed")
        return rest  # a blob stored before encryption, or SSE mode: the hash still decides

    def read(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes, checked: CorruptBlob (mid-stream at worst) if they are not
        exactly what was stored. FileNotFoundError if there is no such blob."""
        source = self._open(object_key(sha256))
        return _hash_checked(sha256, source)

    def open_for_sending(self, sha256: str) -> Iterator[bytes]:
        """`read`, with the object opened now (FileNotFoundError here, so a missing blob can
        be answered with a 404 rather than a cut answer), and an integrity failure later
        logged as it ends the stream short of its Content-Length."""
        stream = self.read(sha256)
        first = next(stream, b"")
        return _logged(_prepend(first, stream))

    def read_all(self, sha256: str) -> bytes:
        return b"".join(self.read(sha256))

    def exists(self, sha256: str) -> bool:
        return self.backend.exists(object_key(sha256))

    def blob_hashes(self) -> Iterator[str]:
        for key in self.backend.keys("objects/"):
            yield key.rsplit("/", 1)[-1]


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def _logged(pieces: Iterator[bytes]) -> Iterator[bytes]:
    try:
        yield from pieces
    except CorruptBlob:
        log.error("a stored blob failed its integrity check while being sent", exc_info=True)
        raise


def _hash_checked(sha256: str, pieces: Iterator[bytes]) -> Iterator[bytes]:
    digest = hashlib.sha256()
    for piece in pieces:
        digest.update(piece)
        yield piece
    if digest.hexdigest() != sha256:
        raise CorruptBlob(f"the stored bytes of {sha256} do not hash to its name")


@dataclass(frozen=True)
class BlobSettings:
    """Where blobs go and how they are protected (docs/hub.md, "Blob storage")."""

    kind: str = "filesystem"  # or "s3"
    root: Path | None = None  # filesystem
    s3_bucket: str | None = None
    s3_endpoint: str | None = None
    s3_region: str | None = None
    s3_prefix: str = ""
    encryption: str = "envelope"  # or "sse" (S3 only: the store encrypts)
    s3_sse: str | None = None  # "AES256" or "aws:kms", asked for on every write
    s3_sse_kms_key: str | None = None
    key_text: str | None = None  # base64 of the 32-byte hub key
    key_file: Path | None = None


def open_store(settings: BlobSettings, *, connections: int = 16) -> BlobStore:
    if settings.kind == "s3":
        if not settings.s3_bucket:
            raise ValueError("the S3 blob store needs a bucket")
        backend: ObjectBackend = S3Objects(
            bucket=settings.s3_bucket,
            endpoint=settings.s3_endpoint,
            region=settings.s3_region,
            prefix=settings.s3_prefix,
            sse=settings.s3_sse or ("AES256" if settings.encryption == "sse" else None),
            sse_kms_key=settings.s3_sse_kms_key,
            connections=connections,
        )
    elif settings.kind == "filesystem":
        if settings.root is None:
            raise ValueError("the filesystem blob store needs a folder")
        backend = FilesystemObjects(settings.root)
    else:
        raise ValueError(f"unknown blob store {settings.kind!r}: filesystem or s3")
    if settings.encryption == "sse":
        if settings.kind != "s3":
            raise ValueError("server-side encryption is for the S3 store; use envelope")
        return BlobStore(backend, None)
    if settings.encryption != "envelope":
        raise ValueError(f"unknown blob encryption {settings.encryption!r}: envelope or sse")
    return BlobStore(backend, _hub_key(settings))


def _hub_key(settings: BlobSettings) -> HubKey:
    if settings.key_text:
        return HubKey.from_text(settings.key_text)
    if settings.key_file is not None:
        if settings.kind == "s3" and not settings.key_file.exists():
            raise ValueError(f"the hub key file {settings.key_file} is missing")
        return HubKey.load_or_create(settings.key_file)
    if settings.kind == "s3":
        # Every instance must hold the same key: never make one up per instance.
        raise ValueError("an S3 blob store needs the hub key: OZQ_HUB_BLOB_KEY or a key file")
    assert settings.root is not None
    return HubKey.load_or_create(settings.root.resolve().parent / "hub-blob.key")
