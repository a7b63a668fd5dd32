"""The content-addressed scan store: each file is kept once, named by the SHA-256 of its content.

A scan is written to a temporary file in the store, fsynced, then renamed into place, so a
power cut leaves either the whole file or none. Only PDF, JPEG, PNG and TIFF are taken,
recognised by their first bytes (the file name's extension is not trusted), and only whole,
readable ones (scan_checks). With a key, each file is stored encrypted with AES-256-GCM: the
name is still the hash of the plain content, which is also bound to the ciphertext as
associated data, so a file swapped or altered on disk fails to decrypt."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ozq_desktop.errors import ScanRejectedError, StorageError
from ozq_desktop.storage.scan_checks import check_content
from ozq_wire.durable import replace_synced

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CHUNK = 1024 * 1024
ENCRYPTED_MAGIC = b"OZQ-AESGCM-1\n"
NONCE_BYTES = 12
TAG_BYTES = 16

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


def scan_key(data_key: bytes) -> bytes:
    """The scans' own key, derived from the desk's data key."""
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=b"ozq scans v1").derive(data_key)


class ScanStore:
    def __init__(
        self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, key: bytes | None = None
    ) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.key = key
        self.root.mkdir(parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).exists()

    def read(self, sha256: str) -> bytes:
        """The scan's plain content. StorageError when a stored file was altered or damaged."""
        raw = self.path_of(sha256).read_bytes()
        if not raw.startswith(ENCRYPTED_MAGIC):
            return raw
        if self.key is None:
            raise StorageError(
                "The scan {sha} is encrypted and this desk has no key for it.", sha=sha256[:12]
            )
        body = raw[len(ENCRYPTED_MAGIC) :]
        nonce, tag = body[:NONCE_BYTES], body[-TAG_BYTES:]
        decryptor = Cipher(algorithms.AES(self.key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(sha256.encode())
        try:
            return decryptor.update(body[NONCE_BYTES:-TAG_BYTES]) + decryptor.finalize()
        except InvalidTag:
            raise StorageError(
                "The stored scan {sha} is damaged or was altered.", sha=sha256[:12]
            ) from None

    def add_file(self, source: Path) -> ScanRef:
        """Check and store a file; a ScanRejectedError says why a file is refused."""
        name = source.name
        try:
            size = source.stat().st_size
        except OSError as exc:
            raise ScanRejectedError(
                "The file {name} cannot be opened: {reason}", name=name, reason=exc.strerror or ""
            ) from exc
        return self._add(lambda: source.open("rb"), size, name)

    def add_bytes(self, data: bytes, name: str) -> ScanRef:
        return self._add(lambda: io.BytesIO(data), len(data), name)

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

    def _add(self, open_: Callable[[], BinaryIO], size: int, name: str) -> ScanRef:
        self._check_size(name, size)
        with open_() as stream:
            mime = sniff_mime(stream.read(16))
        if mime is None:
            raise ScanRejectedError(
                "The file {name} is not a PDF, JPEG, PNG or TIFF scan.", name=name
            )
        check_content(open_, size, mime, name)
        with open_() as stream:
            digest = hashlib.sha256()
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
        sha = digest.hexdigest()
        if not self.has(sha):
            with open_() as stream:
                self._write(stream, sha, name)
        return ScanRef(sha256=sha, size=size, mime=mime, name=name)

    def _write(self, stream: BinaryIO, sha: str, name: str) -> None:
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                encryptor = None
                if self.key is not None:
                    nonce = os.urandom(NONCE_BYTES)
                    encryptor = Cipher(algorithms.AES(self.key), modes.GCM(nonce)).encryptor()
                    encryptor.authenticate_additional_data(sha.encode())
                    out.write(ENCRYPTED_MAGIC + nonce)
                written = hashlib.sha256()
                size = 0
                while chunk := stream.read(CHUNK):
                    written.update(chunk)
                    size += len(chunk)
                    if size > self.max_bytes:
                        self._check_size(name, size)
                    out.write(encryptor.update(chunk) if encryptor else chunk)
                if written.hexdigest() != sha:
                    raise ScanRejectedError(
                        "The file {name} changed while it was being read. Attach it again.",
                        name=name,
                    )
                if encryptor is not None:
                    out.write(encryptor.finalize() + encryptor.tag)
                out.flush()
                os.fsync(out.fileno())
            target = self.path_of(sha)
            target.parent.mkdir(exist_ok=True)
            replace_synced(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
