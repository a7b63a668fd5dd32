"""The content-addressed scan store: each file is kept once, named by the SHA-256 of its content.

A scan is written to a temporary file in the store, fsynced, then renamed into place, so a
power cut leaves either the whole file or none (a temporary file a crash leaves behind is
removed at the next start). Only PDF, JPEG, PNG and TIFF are taken, recognised by their first
bytes (the file name's extension is not trusted), and only whole, readable ones (scan_checks).
A file is read once into memory (scans are at most tens of MB) and its size, its hash and
what is stored all come from those same bytes, so a file changing while it is attached cannot
be recorded with another size.

With the desk's data key, each file is stored encrypted with AES-256-GCM under the scans' own
key, derived from the data key (`scan_key`). The name is still the hash of the plain content,
which is also bound to the ciphertext as associated data, so a file swapped or altered on disk
fails to authenticate, and a plain file put in its place is refused. Files written before this
format (AES-GCM with the data key itself, or plain from before encryption at rest) are read
safely and moved to the current format once, at start (`ScanStore.start_up`)."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ozq_desktop.errors import ScanRejectedError, StorageError
from ozq_desktop.storage.scan_checks import check_content
from ozq_wire.durable import replace_synced, write_durably

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CHUNK = 1024 * 1024
FORMAT_V2 = b"OZQ-AESGCM-2\n"  # AES-256-GCM under scan_key(data key): what is written
FORMAT_V1 = b"OZQ-AESGCM-1\n"  # AES-256-GCM under the data key itself: read, then migrated
NONCE_BYTES = 12
TAG_BYTES = 16  # AES-GCM's tag, after the cipher text
FORMAT_FILE = ".format"  # "2" once every file in the store is in FORMAT_V2
INCOMING_PREFIX = ".incoming-"
STALE_INCOMING_SECONDS = 300  # older than any write in progress: left by a crash

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


def _damaged(sha256: str) -> StorageError:
    return StorageError("The stored scan {sha} is damaged or was altered.", sha=sha256[:12])


def _decrypt_in_chunks(key: bytes, body: memoryview, sha256: str) -> bytes:
    """AES-GCM as AESGCM writes it (the nonce, then the cipher text and its tag), decrypted a
    chunk at a time into one buffer: each call holds Python's interpreter lock for a chunk's
    worth only, so a 50 MB scan read in a worker never freezes the GUI thread for long (one
    call over the whole, and the copies around it, held it for some 60 ms). InvalidTag when
    the file does not authenticate."""
    if len(body) < NONCE_BYTES + TAG_BYTES:
        raise ValueError("too short to be an encrypted scan")
    nonce, tag = bytes(body[:NONCE_BYTES]), bytes(body[-TAG_BYTES:])
    cipher_text = body[NONCE_BYTES:-TAG_BYTES]
    decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(sha256.encode())
    out = bytearray(len(cipher_text) + 15)  # update_into wants room for a block more
    view, written = memoryview(out), 0
    for start in range(0, len(cipher_text), CHUNK):
        written += decryptor.update_into(cipher_text[start : start + CHUNK], view[written:])
    decryptor.finalize()
    return bytes(view[:written])


class ScanStore:
    def __init__(
        self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, key: bytes | None = None
    ) -> None:
        """`key` is the desk's data key; without one (tests, tools) files are kept plain and
        checked against their hash when read."""
        self.root = root
        self.max_bytes = max_bytes
        self.data_key = key
        self.key = scan_key(key) if key is not None else None
        self.root.mkdir(parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).exists()

    def read(self, sha256: str) -> bytes:
        """The scan's plain content. StorageError when the stored file does not authenticate:
        altered, damaged, or a plain file put where an encrypted one was."""
        raw = self.path_of(sha256).read_bytes()
        if raw.startswith(FORMAT_V2):
            key, body = self.key, memoryview(raw)[len(FORMAT_V2) :]
        elif raw.startswith(FORMAT_V1):
            key, body = self.data_key, memoryview(raw)[len(FORMAT_V1) :]
        elif self.key is not None:
            raise StorageError(
                "The stored scan {sha} is not encrypted as this desk keeps scans: it was "
                "replaced or damaged.",
                sha=sha256[:12],
            )
        elif hashlib.sha256(raw).hexdigest() == sha256:
            return raw
        else:
            raise _damaged(sha256)
        if key is None:
            raise StorageError(
                "The scan {sha} is encrypted and this desk has no key for it.", sha=sha256[:12]
            )
        try:
            return _decrypt_in_chunks(key, body, sha256)
        except (InvalidTag, ValueError):
            raise _damaged(sha256) from None

    def _holds(self, sha256: str) -> bool:
        """Whether a good copy is stored: one that does not authenticate is written again."""
        if not self.has(sha256):
            return False
        try:
            self.read(sha256)
        except (OSError, StorageError):
            log.warning("the stored scan %s does not authenticate; it is written again", sha256)
            return False
        return True

    def add_file(self, source: Path) -> ScanRef:
        """Check and store a file; a ScanRejectedError says why a file is refused."""
        name = source.name
        try:
            self._check_size(name, source.stat().st_size)  # a huge file is refused unread
            with source.open("rb") as stream:
                data = stream.read(self.max_bytes + 1)
        except OSError as exc:
            raise ScanRejectedError(
                "The file {name} cannot be opened: {reason}", name=name, reason=exc.strerror or ""
            ) from exc
        return self.add_bytes(data, name)

    def add_bytes(self, data: bytes, name: str) -> ScanRef:
        """Check and store these bytes: the size, the hash and the stored file all come from
        them."""
        self._check_size(name, len(data))
        mime = sniff_mime(data[:16])
        if mime is None:
            raise ScanRejectedError(
                "The file {name} is not a PDF, JPEG, PNG or TIFF scan.", name=name
            )
        check_content(lambda: io.BytesIO(data), len(data), mime, name)
        sha = hashlib.sha256(data).hexdigest()
        if not self._holds(sha):
            self._write(data, sha)
        return ScanRef(sha256=sha, size=len(data), mime=mime, name=name)

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

    def _write_sealed(self, out, data: bytes, sha: str) -> None:
        """The file as AESGCM would write it (the format line, the nonce, the cipher text and
        its tag), encrypted and written a chunk at a time: one call over a 50 MB scan, and the
        copy joining its parts, held Python's interpreter lock for tens of milliseconds, and
        the GUI thread waited for it (bench/bench_gui.py, attach-scan)."""
        if self.key is None:
            out.write(data)
            return
        nonce = os.urandom(NONCE_BYTES)
        encryptor = Cipher(algorithms.AES(self.key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(sha.encode())
        out.write(FORMAT_V2 + nonce)
        view = memoryview(data)
        for start in range(0, len(view), CHUNK):
            out.write(encryptor.update(view[start : start + CHUNK]))
        out.write(encryptor.finalize() + encryptor.tag)

    def _write(self, data: bytes, sha: str) -> None:
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=INCOMING_PREFIX)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                self._write_sealed(out, data, sha)
                out.flush()
                os.fsync(out.fileno())
            target = self.path_of(sha)
            target.parent.mkdir(exist_ok=True)
            replace_synced(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    # ---------------------------------------------------------------- at start

    def start_up(self, now: float | None = None) -> None:
        """Remove temporary files a crash left, and (once) move older files to the current
        format. Runs in the background while the sign-in window shows."""
        self.clean_incoming(now)
        if self.key is not None and not self._current_format():
            self._migrate()

    def clean_incoming(self, now: float | None = None) -> int:
        now = time.time() if now is None else now
        removed = 0
        for tmp in self.root.glob(INCOMING_PREFIX + "*"):
            try:
                if now - tmp.stat().st_mtime > STALE_INCOMING_SECONDS:
                    tmp.unlink()
                    removed += 1
            except FileNotFoundError:
                pass
        return removed

    def _current_format(self) -> bool:
        try:
            return (self.root / FORMAT_FILE).read_text().strip() == "2"
        except (OSError, UnicodeDecodeError):
            return False

    def _files(self):
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and len(p.name) == 2):
            yield from (f for f in sorted(folder.iterdir()) if f.is_file())

    def _migrate(self) -> None:
        """Every file to FORMAT_V2. A file encrypted with the data key is re-encrypted once it
        authenticates; a plain file (kept before encryption at rest) only if its content still
        hashes to its name. Anything else is left as it is, and refused when read."""
        for path in self._files():
            sha = path.name
            with path.open("rb") as f:
                head = f.read(len(FORMAT_V2))
            if head == FORMAT_V2:
                continue
            try:
                if head == FORMAT_V1:
                    data = self.read(sha)
                else:
                    data = path.read_bytes()
                    if hashlib.sha256(data).hexdigest() != sha:
                        raise _damaged(sha)
            except (OSError, StorageError):
                log.warning("scan %s left as it is: it does not authenticate", sha)
                continue
            self._write(data, sha)
        write_durably(self.root / FORMAT_FILE, b"2", 0o600)
