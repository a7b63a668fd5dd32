"""The content-addressed scan store: each file is kept once, named by its SHA-256.

A scan is written to a temporary file in the store, fsynced, then renamed into place,
so a power cut leaves either the whole file or none. Only PDF, JPEG, PNG and TIFF are
taken, recognised by their first bytes (the file name's extension is not trusted).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ozq_desktop.errors import ScanRejectedError
from ozq_desktop.storage.scan_checks import check_content

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CHUNK = 1024 * 1024

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


@dataclass(frozen=True)
class ScanRef:
    sha256: str
    size: int
    mime: str
    name: str


def sniff_mime(head: bytes) -> str | None:
    for magic, mime in MAGIC:
        if head.startswith(magic):
            return mime
    return None


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ScanStore:
    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.root.mkdir(parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).exists()

    def read(self, sha256: str) -> bytes:
        return self.path_of(sha256).read_bytes()

    def add_file(self, source: Path) -> ScanRef:
        """Check and store a file; a ScanRejectedError says why a file is refused."""
        name = source.name
        try:
            size = source.stat().st_size
        except OSError as exc:
            raise ScanRejectedError(
                "The file {name} cannot be opened: {reason}", name=name, reason=exc.strerror or ""
            ) from exc
        self._check_size(name, size)
        with source.open("rb") as stream:
            return self._store(stream, name)

    def add_bytes(self, data: bytes, name: str) -> ScanRef:
        self._check_size(name, len(data))
        return self._store(io.BytesIO(data), name)

    def _check_size(self, name: str, size: int) -> None:
        if size == 0:
            raise ScanRejectedError("The file {name} is empty.", name=name)
        if size > self.max_bytes:
            raise ScanRejectedError(
                "The file {name} is {size_mb} MB; the limit is {limit_mb} MB.",
                name=name,
                size_mb=round(size / 1048576, 1),
                limit_mb=self.max_bytes // 1048576,
            )

    def _store(self, stream, name: str) -> ScanRef:
        head = stream.read(16)
        mime = sniff_mime(head)
        if mime is None:
            raise ScanRejectedError(
                "The file {name} is not a PDF, JPEG, PNG or TIFF scan.", name=name
            )
        digest = hashlib.sha256(head)
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        tmp = Path(tmp_name)
        size = len(head)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(head)
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        self._check_size(name, size)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            check_content(tmp, mime, name)
            sha = digest.hexdigest()
            target = self.path_of(sha)
            if target.exists():
                tmp.unlink()
            else:
                target.parent.mkdir(exist_ok=True)
                os.replace(tmp, target)
                _fsync_dir(target.parent)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return ScanRef(sha256=sha, size=size, mime=mime, name=name)
