"""Content-addressed blob storage with chunked, resumable uploads.

A blob is uploaded to `partial/<sha256>`; its offset is that file's size, fsynced
after every chunk, so a hub killed mid-blob resumes where the disk says. When the
last byte arrives the whole file is hashed: a match is moved atomically to
`objects/<aa>/<sha256>` and recorded in the `blob` table; a mismatch discards the
partial. A blob that is already stored is never asked for again (dedup by hash).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozq_hub.db import Database, utcnow
from ozq_hub.models import Blob, ManifestEntryRow, Package
from ozq_hub.problems import HubProblem
from ozq_hub.service.sql import insert_or_ignore
from ozq_wire import protocol as p
from ozq_wire.durable import replace_synced

try:
    import fcntl
except ImportError:  # Windows: one hub process, the thread locks suffice
    fcntl = None  # type: ignore[assignment]

_HASH_BLOCK = 1024 * 1024


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        (self.root / "partial").mkdir(parents=True, exist_ok=True)
        self._locks = [threading.Lock() for _ in range(64)]

    def path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def partial_path(self, sha256: str) -> Path:
        return self.root / "partial" / sha256

    def is_stored(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def offset(self, sha256: str) -> int:
        try:
            return self.partial_path(sha256).stat().st_size
        except FileNotFoundError:
            return 0

    @contextlib.contextmanager
    def locked(self, sha256: str) -> Iterator[None]:
        """One writer per blob: a thread lock, and a file lock across hub processes."""
        with self._locks[int(sha256[:2], 16) % len(self._locks)]:
            if fcntl is None:
                yield
                return
            with open(self.root / "partial" / f".{sha256}.lock", "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def append(self, sha256: str, data: bytes) -> int:
        """Append to the partial, durably; the new offset."""
        with open(self.partial_path(sha256), "ab") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            return handle.tell()

    def seal(self, sha256: str, *, whole: bytes | None = None) -> bool:
        """Verify the complete partial; move it into place if its hash matches, else discard it.
        `whole`: the blob's bytes when they came in one chunk, hashed without reading back."""
        partial = self.partial_path(sha256)
        partial.touch()  # an empty blob never got a chunk
        digest = hashlib.sha256()
        if whole is not None:
            digest.update(whole)
        else:
            with open(partial, "rb") as handle:
                while block := handle.read(_HASH_BLOCK):
                    digest.update(block)
        if digest.hexdigest() != sha256:
            partial.unlink(missing_ok=True)
            return False
        final = self.path(sha256)
        final.parent.mkdir(exist_ok=True)
        replace_synced(partial, final)
        return True

    def discard_lock_file(self, sha256: str) -> None:
        (self.root / "partial" / f".{sha256}.lock").unlink(missing_ok=True)


def declared_size(session: Session, *, sha256: str, branch_code: str) -> int:
    """The size a manifest of the branch gives the blob; 404 if none names it."""
    size = session.execute(
        select(ManifestEntryRow.size)
        .join(Package, Package.uuid == ManifestEntryRow.package_uuid)
        .where(ManifestEntryRow.sha256 == sha256, Package.branch_code == branch_code)
        .limit(1)
    ).scalar_one_or_none()
    if size is None:
        raise HubProblem(
            404, p.ErrorCode.BLOB_NOT_DECLARED, "no package of this branch lists the blob"
        )
    return size


def _record(db: Database, sha256: str, size: int) -> None:
    with db.writing() as session:
        insert_or_ignore(
            session, Blob, {"sha256": sha256, "size": size, "stored_at": utcnow()}, key=["sha256"]
        )


def _complete(sha256: str, size: int) -> p.UploadStatus:
    return p.UploadStatus(sha256=sha256, size=size, offset=size, complete=True)


def upload_status(
    db: Database, store: BlobStore, *, sha256: str, branch_code: str
) -> p.UploadStatus:
    with db.reading() as session:
        size = declared_size(session, sha256=sha256, branch_code=branch_code)
        recorded = session.get(Blob, sha256) is not None
    if store.is_stored(sha256):
        if not recorded:  # the hub stopped between the rename and the insert
            _record(db, sha256, size)
        return _complete(sha256, size)
    offset = min(store.offset(sha256), size)
    return p.UploadStatus(sha256=sha256, size=size, offset=offset, complete=False)


def write_chunk(
    db: Database, store: BlobStore, *, sha256: str, branch_code: str, offset: int, data: bytes
) -> p.UploadStatus:
    """Write `data` at `offset`. Bytes the hub already holds are skipped, so a replayed
    chunk is harmless; a chunk starting beyond the hub's offset gets 416 and the offset."""
    with db.reading() as session:
        size = declared_size(session, sha256=sha256, branch_code=branch_code)
    with store.locked(sha256):
        if store.is_stored(sha256):
            _record(db, sha256, size)
            return _complete(sha256, size)
        current = store.offset(sha256)
        if offset > current:
            raise HubProblem(
                416,
                p.ErrorCode.OFFSET_MISMATCH,
                f"the upload is at byte {current}, not {offset}",
                offset=current,
            )
        data = data[current - offset :]
        if current + len(data) > size:
            raise HubProblem(
                422,
                p.ErrorCode.UPLOAD_OVERFLOW,
                f"the chunk runs past the declared size of {size} bytes",
                offset=current,
            )
        whole = data if current == 0 and len(data) == size else None
        if data:
            current = store.append(sha256, data)
        if current < size:
            return p.UploadStatus(sha256=sha256, size=size, offset=current, complete=False)
        if not store.seal(sha256, whole=whole):
            raise HubProblem(
                422,
                p.ErrorCode.BLOB_HASH_MISMATCH,
                "the bytes received do not hash to the blob's name; the upload was discarded",
                offset=0,
            )
        _record(db, sha256, size)
    store.discard_lock_file(sha256)
    return _complete(sha256, size)
