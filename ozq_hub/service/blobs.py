"""Chunked, resumable blob uploads addressed by SHA-256, on any blob store.

The offset an upload has reached lives in the database (`upload` row), so every hub instance
sees it and an upload begun on one resumes on another. A chunk is written while its upload
row is locked (a row lock on PostgreSQL, the write lock on SQLite): one writer per blob
across every instance, and a writer that dies mid-chunk leaves the row, and so the offset,
as it was (its half-written chunk object is overwritten by the next attempt at that offset).

When the last byte arrives the chunks are joined into the blob, hashed on the way: a match is
recorded in the `blob` table (the authority for "stored"), a mismatch discards the upload.
A blob that is already stored is never asked for again (dedup by hash).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from ozq_hub.blobstore import BlobStore
from ozq_hub.db import Database, utcnow
from ozq_hub.models import Blob, ManifestEntryRow, Package, Upload
from ozq_hub.problems import HubProblem
from ozq_hub.service.sql import insert_or_ignore
from ozq_wire import protocol as p

log = logging.getLogger(__name__)

_ENTRY = ManifestEntryRow.__table__
_PACKAGE = Package.__table__
_DECLARED_SIZE = (
    select(_ENTRY.c.size)
    .join(_PACKAGE, _PACKAGE.c.uuid == _ENTRY.c.package_uuid)
    .where(_ENTRY.c.sha256 == bindparam("sha256"), _PACKAGE.c.branch_code == bindparam("branch"))
    .limit(1)
)
_STORED = select(Blob.__table__.c.size).where(Blob.__table__.c.sha256 == bindparam("sha256"))
_OFFSET = select(Upload.__table__.c.offset).where(Upload.__table__.c.sha256 == bindparam("sha256"))


def declared_size(session: Session, *, sha256: str, branch_code: str) -> int:
    """The size a manifest of the branch gives the blob; 404 if none names it."""
    size = (
        session.connection()
        .execute(_DECLARED_SIZE, {"sha256": sha256, "branch": branch_code})
        .scalar_one_or_none()
    )
    if size is None:
        raise HubProblem(
            404, p.ErrorCode.BLOB_NOT_DECLARED, "no package of this branch lists the blob"
        )
    return size


def _complete(sha256: str, size: int) -> p.UploadStatus:
    return p.UploadStatus(sha256=sha256, size=size, offset=size, complete=True)


def upload_status(db: Database, *, sha256: str, branch_code: str) -> p.UploadStatus:
    with db.reading() as session:
        size = declared_size(session, sha256=sha256, branch_code=branch_code)
        connection = session.connection()
        if connection.execute(_STORED, {"sha256": sha256}).first() is not None:
            return _complete(sha256, size)
        offset = connection.execute(_OFFSET, {"sha256": sha256}).scalar_one_or_none() or 0
    return p.UploadStatus(sha256=sha256, size=size, offset=min(offset, size), complete=False)


@dataclass
class _Outcome:
    status: p.UploadStatus | None = None
    mismatch: bool = False
    finished: bool = False


def _locked_upload(session: Session, sha256: str, size: int) -> Upload:
    now = utcnow()
    insert_or_ignore(
        session,
        Upload,
        {"sha256": sha256, "size": size, "offset": 0, "started_at": now, "updated_at": now},
        key=["sha256"],
    )
    upload = session.execute(
        select(Upload)
        .where(Upload.sha256 == sha256)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    return upload


def write_chunk(
    db: Database, store: BlobStore, *, sha256: str, branch_code: str, offset: int, data: bytes
) -> p.UploadStatus:
    """Write `data` at `offset`. Bytes the hub already holds are skipped, so a replayed
    chunk is harmless; a chunk starting beyond the hub's offset gets 416 and the offset."""
    outcome = _Outcome()
    with db.writing() as session:
        size = declared_size(session, sha256=sha256, branch_code=branch_code)
        if session.connection().execute(_STORED, {"sha256": sha256}).first() is not None:
            return _complete(sha256, size)
        upload = _locked_upload(session, sha256, size)
        outcome = _write_locked(session, store, upload, sha256, size, offset, data)
    if outcome.finished:
        try:
            store.discard_partial(sha256)
        except Exception:  # left for `ozq-hub prune-uploads`; the blob itself is safe
            log.warning("could not remove the chunks of %s", sha256, exc_info=True)
    if outcome.mismatch:
        raise HubProblem(
            422,
            p.ErrorCode.BLOB_HASH_MISMATCH,
            "the bytes received do not hash to the blob's name; the upload was discarded",
            offset=0,
        )
    assert outcome.status is not None
    return outcome.status


def _write_locked(
    session: Session,
    store: BlobStore,
    upload: Upload,
    sha256: str,
    size: int,
    offset: int,
    data: bytes,
) -> _Outcome:
    current = min(upload.offset, size)
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
    if current == 0 and len(data) == size:  # the whole blob in one chunk: no partial at all
        if hashlib.sha256(data).hexdigest() != sha256:
            return _discard(session, sha256)
        store.put_blob(sha256, [data])
        return _stored(session, sha256, size)
    if data:
        store.put_chunk(sha256, current, data)
        current += len(data)
        upload.offset = current
        upload.updated_at = utcnow()
    if current < size:
        return _Outcome(p.UploadStatus(sha256=sha256, size=size, offset=current, complete=False))
    if not store.assemble(sha256, size):
        return _discard(session, sha256)
    return _stored(session, sha256, size)


def _stored(session: Session, sha256: str, size: int) -> _Outcome:
    insert_or_ignore(
        session, Blob, {"sha256": sha256, "size": size, "stored_at": utcnow()}, key=["sha256"]
    )
    session.execute(delete(Upload).where(Upload.sha256 == sha256))
    return _Outcome(_complete(sha256, size), finished=True)


def _discard(session: Session, sha256: str) -> _Outcome:
    session.execute(delete(Upload).where(Upload.sha256 == sha256))
    return _Outcome(mismatch=True, finished=True)
