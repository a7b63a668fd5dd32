"""Chunked, resumable blob uploads addressed by SHA-256, on any blob store.

Uploads are per branch: a branch's chunks go to `partial/<sha256>.<branch key>/<offset>` in
the blob store (`ozq_hub.blobstore`), and how far it has got is its `upload` row in the
database, so every hub instance sees the same offset and an upload begun on one resumes on
another. A chunk is written while that row is locked (a row lock on PostgreSQL, the write
lock on SQLite): one writer per branch's upload across every instance. An instance that dies
mid-chunk leaves the row, and so the offset, as it was; its half-written chunk object is
overwritten by the next attempt at that offset.

When the offset reaches a size that one of the branch's declared packages gives the blob, the
chunks are hashed: a match is stored as the blob (unless another branch already stored the
same bytes) and the branch is recorded as holding it; a mismatch discards the upload when no
longer declared size may still complete it.

Sizes are per declaring package: a package that declares a wrong size for a hash cannot stop
another package's upload of it, and fails alone, at its commit (409 `blob_size_mismatch`).
Deduplication is per branch: a branch that only knows a SHA-256 must still send the bytes
before a package of its own can name them (issue 12, "dedup only within a branch").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ozq_hub.blobstore import BlobStore
from ozq_hub.db import Database, utcnow
from ozq_hub.models import Blob, BranchBlob, ManifestEntryRow, Package, Upload
from ozq_hub.refusals import Refusal
from ozq_hub.service.packages import DeviceIdentity
from ozq_hub.service.sql import insert_or_ignore
from ozq_wire import protocol as p

log = logging.getLogger(__name__)


def branch_key(branch_code: str) -> str:
    """A name-safe key for a branch's partial uploads."""
    return hashlib.sha256(branch_code.encode("utf-8")).hexdigest()[:16]


def upload_name(sha256: str, branch_code: str) -> str:
    """The branch's upload of the blob, as the blob store names its chunks' folder."""
    return f"{sha256}.{branch_key(branch_code)}"


@dataclass
class PruneReport:
    partials: int = 0
    bytes: int = 0
    lock_files: int = 0  # kept for the report's wording; uploads hold no lock files now


@dataclass(frozen=True)
class _Sizes:
    accepted: frozenset[int]  # every size a pending package of the branch gives the blob
    shown: int  # the size this device's latest pending declaration gives it


def _pending_sizes(session: Session, *, sha256: str, device: DeviceIdentity) -> _Sizes | None:
    rows = session.execute(
        select(ManifestEntryRow.size, Package.device_id)
        .join(Package, Package.uuid == ManifestEntryRow.package_uuid)
        .where(
            ManifestEntryRow.sha256 == sha256,
            Package.branch_code == device.branch_code,
            Package.status == p.PackageStatus.DECLARED.value,
        )
        .order_by(Package.declared_at.desc())
    ).all()
    if not rows:
        return None
    own = [size for size, device_id in rows if device_id == device.id]
    return _Sizes(frozenset(size for size, _ in rows), own[0] if own else rows[0][0])


def _held_size(session: Session, *, sha256: str, branch_code: str) -> int | None:
    """The stored blob's size, when this branch has proved it holds the bytes."""
    return session.execute(
        select(Blob.size)
        .join(BranchBlob, BranchBlob.sha256 == Blob.sha256)
        .where(Blob.sha256 == sha256, BranchBlob.branch_code == branch_code)
    ).scalar_one_or_none()


def _record(session: Session, sha256: str, size: int, branch_code: str) -> None:
    now = utcnow()
    insert_or_ignore(
        session, Blob, {"sha256": sha256, "size": size, "stored_at": now}, key=["sha256"]
    )
    insert_or_ignore(
        session,
        BranchBlob,
        {"branch_code": branch_code, "sha256": sha256, "stored_at": now},
        key=["branch_code", "sha256"],
    )


def _complete(sha256: str, size: int) -> p.UploadStatus:
    return p.UploadStatus(sha256=sha256, size=size, offset=size, complete=True)


def _not_declared() -> Refusal:
    return Refusal(p.ErrorCode.BLOB_NOT_DECLARED, "no package of this branch waits for the blob")


def _look_up(
    db: Database, sha256: str, device: DeviceIdentity
) -> tuple[int | None, _Sizes | None, int]:
    with db.reading() as session:
        held = _held_size(session, sha256=sha256, branch_code=device.branch_code)
        sizes = None if held is not None else _pending_sizes(session, sha256=sha256, device=device)
        offset = session.execute(
            select(Upload.offset).where(
                Upload.sha256 == sha256, Upload.branch_code == device.branch_code
            )
        ).scalar_one_or_none()
    if held is None and sizes is None:
        raise _not_declared()
    return held, sizes, offset or 0


def upload_status(
    db: Database, store: BlobStore, *, sha256: str, device: DeviceIdentity
) -> p.UploadStatus:
    held, sizes, offset = _look_up(db, sha256, device)
    if held is not None:
        return _complete(sha256, held)
    assert sizes is not None
    return p.UploadStatus(
        sha256=sha256, size=sizes.shown, offset=min(offset, sizes.shown), complete=False
    )


def _locked_upload(session: Session, sha256: str, branch: str, size: int) -> Upload:
    now = utcnow()
    insert_or_ignore(
        session,
        Upload,
        {
            "sha256": sha256,
            "branch_code": branch,
            "size": size,
            "offset": 0,
            "started_at": now,
            "updated_at": now,
        },
        key=["sha256", "branch_code"],
    )
    return session.execute(
        select(Upload)
        .where(Upload.sha256 == sha256, Upload.branch_code == branch)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


@dataclass
class _Outcome:
    status: p.UploadStatus | None = None
    mismatch: bool = False
    finished: bool = False


def write_chunk(
    db: Database,
    store: BlobStore,
    *,
    sha256: str,
    device: DeviceIdentity,
    offset: int,
    data: bytes,
) -> p.UploadStatus:
    """Write `data` at `offset`. Bytes the hub already holds are skipped, so a replayed
    chunk is harmless; a chunk starting beyond the hub's offset gets 416 and the offset."""
    held, sizes, current = _look_up(db, sha256, device)
    if held is not None:
        return _complete(sha256, held)
    assert sizes is not None
    branch = device.branch_code
    if offset == 0 == current and len(data) in sizes.accepted:
        whole = _whole(db, store, sha256, branch, sizes, data)
        if whole is not None:
            return whole
    with db.writing() as session:
        upload = _locked_upload(session, sha256, branch, max(sizes.accepted))
        outcome = _write_locked(session, store, upload, sizes, offset, data)
    if outcome.finished:
        try:
            store.discard_partial(upload_name(sha256, branch))
        except Exception:  # left for prune-uploads; the blob itself is safe
            log.warning("could not remove the chunks of %s", sha256, exc_info=True)
    if outcome.mismatch:
        raise Refusal(
            p.ErrorCode.BLOB_HASH_MISMATCH,
            "the bytes received do not hash to the blob's name; the upload was discarded",
            offset=0,
        )
    assert outcome.status is not None
    return outcome.status


def _whole(
    db: Database, store: BlobStore, sha256: str, branch: str, sizes: _Sizes, data: bytes
) -> p.UploadStatus | None:
    """The whole blob in one chunk, the usual case: hashed in memory and stored with no
    partial state and no lock (a second writer of the same bytes writes the same blob).
    None when the bytes do not match but a longer declared size may still complete them."""
    if hashlib.sha256(data).hexdigest() != sha256:
        if len(data) != max(sizes.accepted):
            return None
        with db.writing() as session:
            _discard(session, sha256, branch)
        raise Refusal(
            p.ErrorCode.BLOB_HASH_MISMATCH,
            "the bytes received do not hash to the blob's name; the upload was discarded",
            offset=0,
        )
    with db.reading() as session:
        stored = session.get(Blob, sha256) is not None
    if not stored:  # else another branch stored these bytes: this one only proved it has them
        store.put_blob(sha256, [data])
    with db.writing() as session:
        _stored(session, sha256, len(data), branch)
    return _complete(sha256, len(data))


def _write_locked(
    session: Session, store: BlobStore, upload: Upload, sizes: _Sizes, offset: int, data: bytes
) -> _Outcome:
    sha256, branch = upload.sha256, upload.branch_code
    name = upload_name(sha256, branch)
    limit = max(sizes.accepted)
    current = upload.offset
    if offset > current:
        raise Refusal(
            p.ErrorCode.OFFSET_MISMATCH,
            f"the upload is at byte {current}, not {offset}",
            offset=current,
        )
    data = data[current - offset :]
    if current + len(data) > limit:
        raise Refusal(
            p.ErrorCode.UPLOAD_OVERFLOW,
            f"the chunk runs past the declared size of {limit} bytes",
            offset=current,
        )
    if current == 0 and len(data) in sizes.accepted:  # the whole blob in one chunk
        if hashlib.sha256(data).hexdigest() == sha256:
            if session.get(Blob, sha256) is None:  # else another branch stored the bytes
                store.put_blob(sha256, [data])
            return _stored(session, sha256, len(data), branch)
        if len(data) == limit:
            return _discard(session, sha256, branch)
    if data:
        store.put_chunk(name, current, data)
        current += len(data)
        upload.offset = current
        upload.updated_at = utcnow()
    incomplete = _Outcome(
        p.UploadStatus(sha256=sha256, size=sizes.shown, offset=current, complete=False)
    )
    if current not in sizes.accepted:
        return incomplete
    if store.chunks_digest(name, current) != sha256:
        # A longer declared size may still complete it; at the longest, it is wrong.
        return _discard(session, sha256, branch) if current == limit else incomplete
    if session.get(Blob, sha256) is None:
        store.put_blob(sha256, store.chunks(name, current))
    return _stored(session, sha256, current, branch)


def _stored(session: Session, sha256: str, size: int, branch: str) -> _Outcome:
    _record(session, sha256, size, branch)
    session.execute(delete(Upload).where(Upload.sha256 == sha256, Upload.branch_code == branch))
    return _Outcome(_complete(sha256, size), finished=True)


def _discard(session: Session, sha256: str, branch: str) -> _Outcome:
    session.execute(delete(Upload).where(Upload.sha256 == sha256, Upload.branch_code == branch))
    return _Outcome(mismatch=True, finished=True)


def prune_uploads(db: Database, store: BlobStore, *, older_than: dt.datetime) -> PruneReport:
    """Forget uploads untouched since `older_than` and remove their chunks, and chunks that no
    upload row names any more (a hub stopped between the two) once they are as old."""
    report = PruneReport()
    with db.writing() as session:
        stale = session.execute(
            select(Upload.sha256, Upload.branch_code, Upload.offset).where(
                Upload.updated_at < older_than
            )
        ).all()
        for sha256, branch, offset in stale:
            session.execute(
                delete(Upload).where(Upload.sha256 == sha256, Upload.branch_code == branch)
            )
            report.partials += 1
            report.bytes += offset
        live = {
            upload_name(sha256, branch)
            for sha256, branch in session.execute(select(Upload.sha256, Upload.branch_code))
        }
    for sha256, branch, _offset in stale:
        store.discard_partial(upload_name(sha256, branch))
    for name, newest in store.partial_uploads_with_age().items():
        if name not in live and newest < older_than:
            store.discard_partial(name)
    return report
