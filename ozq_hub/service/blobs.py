"""Content-addressed blob storage with chunked, resumable uploads.

A branch uploads a blob to `partial/<sha256>.<branch key>`; its offset is that file's size,
fsynced after every chunk, so a hub killed mid-blob resumes where the disk says. When the
offset reaches a size that one of the branch's declared packages gives the blob, the whole
file is hashed: a match is moved atomically to `objects/<aa>/<sha256>` (or dropped, when
another branch already stored the same bytes) and the branch is recorded as holding it.

Sizes are per declaring package: a package that declares a wrong size for a hash cannot stop
another package's upload of it, and fails alone, at its commit (409 `blob_size_mismatch`).
Deduplication is per branch: a branch that only knows a SHA-256 must still send the bytes
before a package of its own can name them (issue 12, "dedup only within a branch").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozq_hub.db import Database, utcnow
from ozq_hub.models import Blob, BranchBlob, ManifestEntryRow, Package
from ozq_hub.refusals import Refusal
from ozq_hub.service.packages import DeviceIdentity
from ozq_hub.service.sql import insert_or_ignore
from ozq_wire import protocol as p
from ozq_wire.durable import replace_synced

try:
    import fcntl
except ImportError:  # Windows: one hub process, the thread locks suffice
    fcntl = None  # type: ignore[assignment]

_HASH_BLOCK = 1024 * 1024


def branch_key(branch_code: str) -> str:
    """A file-name-safe key for a branch's partial uploads."""
    return hashlib.sha256(branch_code.encode("utf-8")).hexdigest()[:16]


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        (self.root / "partial").mkdir(parents=True, exist_ok=True)
        self._locks = [threading.Lock() for _ in range(64)]

    def path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def partial_path(self, sha256: str, branch: str) -> Path:
        return self.root / "partial" / f"{sha256}.{branch_key(branch)}"

    def _lock_path(self, sha256: str, branch: str) -> Path:
        return self.root / "partial" / f".{sha256}.{branch_key(branch)}.lock"

    def is_stored(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def offset(self, sha256: str, branch: str) -> int:
        try:
            return self.partial_path(sha256, branch).stat().st_size
        except FileNotFoundError:
            return 0

    @contextlib.contextmanager
    def locked(self, sha256: str, branch: str) -> Iterator[None]:
        """One writer per branch's upload of a blob: a thread lock, and a file lock across
        hub processes."""
        with self._locks[int(sha256[:2], 16) % len(self._locks)]:
            if fcntl is None:
                yield
                return
            with open(self._lock_path(sha256, branch), "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def discard_lock_file(self, sha256: str, branch: str) -> None:
        self._lock_path(sha256, branch).unlink(missing_ok=True)

    def append(self, sha256: str, branch: str, data: bytes) -> int:
        """Append to the partial, durably; the new offset."""
        with open(self.partial_path(sha256, branch), "ab") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            return handle.tell()

    def seal(self, sha256: str, branch: str, *, whole: bytes | None, last_chance: bool) -> bool:
        """Hash the partial; a match goes into place (or is dropped when the bytes are already
        stored). A mismatch discards the partial when no longer size may still complete it.
        `whole`: the blob's bytes when they came in one chunk, hashed without reading back."""
        partial = self.partial_path(sha256, branch)
        partial.touch()  # an empty blob never got a chunk
        digest = hashlib.sha256()
        if whole is not None:
            digest.update(whole)
        else:
            with open(partial, "rb") as handle:
                while block := handle.read(_HASH_BLOCK):
                    digest.update(block)
        if digest.hexdigest() != sha256:
            if last_chance:
                partial.unlink(missing_ok=True)
            return False
        final = self.path(sha256)
        if final.is_file():
            partial.unlink(missing_ok=True)  # another branch sent the same bytes first
            return True
        final.parent.mkdir(exist_ok=True)
        replace_synced(partial, final)
        return True

    def prune(self, *, older_than: dt.datetime) -> PruneReport:
        """Remove partial uploads untouched since `older_than`, and lock files left behind
        (after a hash mismatch, a replay or a crash) whose upload is gone or as stale."""
        cutoff = older_than.timestamp()
        report = PruneReport()
        folder = self.root / "partial"
        for entry in os.scandir(folder):
            if entry.name.startswith(".") or not entry.is_file():
                continue
            with contextlib.suppress(FileNotFoundError):
                if entry.stat().st_mtime < cutoff:
                    report.bytes += entry.stat().st_size
                    os.unlink(entry.path)
                    report.partials += 1
        for entry in os.scandir(folder):
            if not (entry.name.startswith(".") and entry.name.endswith(".lock")):
                continue
            partial = folder / entry.name[1:].removesuffix(".lock")
            with contextlib.suppress(FileNotFoundError):
                if entry.stat().st_mtime < cutoff and not partial.exists():
                    os.unlink(entry.path)
                    report.lock_files += 1
        return report


@dataclass
class PruneReport:
    partials: int = 0
    bytes: int = 0
    lock_files: int = 0


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


def _record(db: Database, sha256: str, size: int, branch_code: str) -> None:
    now = utcnow()
    with db.writing() as session:
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


def _look_up(db: Database, sha256: str, device: DeviceIdentity) -> tuple[int | None, _Sizes | None]:
    with db.reading() as session:
        held = _held_size(session, sha256=sha256, branch_code=device.branch_code)
        sizes = None if held is not None else _pending_sizes(session, sha256=sha256, device=device)
    if held is None and sizes is None:
        raise _not_declared()
    return held, sizes


def upload_status(
    db: Database, store: BlobStore, *, sha256: str, device: DeviceIdentity
) -> p.UploadStatus:
    held, sizes = _look_up(db, sha256, device)
    if held is not None:
        return _complete(sha256, held)
    assert sizes is not None
    offset = min(store.offset(sha256, device.branch_code), sizes.shown)
    return p.UploadStatus(sha256=sha256, size=sizes.shown, offset=offset, complete=False)


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
    held, sizes = _look_up(db, sha256, device)
    if held is not None:
        return _complete(sha256, held)
    assert sizes is not None
    branch = device.branch_code
    limit = max(sizes.accepted)
    with store.locked(sha256, branch):
        current = store.offset(sha256, branch)
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
        whole = data if current == 0 and len(data) in sizes.accepted else None
        if data:
            current = store.append(sha256, branch, data)
        incomplete = p.UploadStatus(sha256=sha256, size=sizes.shown, offset=current, complete=False)
        if current not in sizes.accepted:
            return incomplete
        last_chance = current == limit
        if not store.seal(sha256, branch, whole=whole, last_chance=last_chance):
            if not last_chance:
                return incomplete  # a longer declared size may still complete it
            store.discard_lock_file(sha256, branch)
            raise Refusal(
                p.ErrorCode.BLOB_HASH_MISMATCH,
                "the bytes received do not hash to the blob's name; the upload was discarded",
                offset=0,
            )
        _record(db, sha256, current, branch)
    store.discard_lock_file(sha256, branch)
    return _complete(sha256, current)


def prune_uploads(store: BlobStore, *, older_than: dt.datetime) -> PruneReport:
    return store.prune(older_than=older_than)
