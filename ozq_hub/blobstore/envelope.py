"""Envelope encryption of stored blobs with the hub key.

Every stored object gets its own random 256-bit data key. The data key is wrapped (AES-GCM)
with the hub key; the object's bytes are sealed (AES-GCM) in segments of 1 MiB, so objects
of any size are written and read as streams in bounded memory. The layout:

    magic "OZQB" 0x01 | hub-key id (8) | wrap nonce (12) | wrapped data key (48)
    then segments:  AES-GCM(data key, nonce = counter (11 bytes) + last-flag (1 byte),
                             plaintext ≤ 1 MiB, associated data = header + object name)

The object's name (its key in the store: the blob's SHA-256, a chunk's offset) is bound in
as associated data, so an object copied over another's name fails to open; the last-flag
makes a truncated object fail; a changed byte fails its segment's tag. Whoever reads a blob
also checks its SHA-256 (`ozq_hub.blobstore`).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"OZQB\x01"
SEGMENT = 1024 * 1024
_TAG = 16
_KEY_ID = 8
_WRAPPED = 32 + _TAG
HEADER_SIZE = len(MAGIC) + _KEY_ID + 12 + _WRAPPED


class CorruptBlob(Exception):
    """A stored object does not open, or its bytes do not hash to its name."""


class HubKey:
    """The hub key: 32 bytes that every instance of one hub shares."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the hub blob key must be 32 bytes (base64 of 32 random bytes)")
        self._aead = AESGCM(key)
        self.key_id = hashlib.sha256(b"ozq-hub-blob-key" + key).digest()[:_KEY_ID]

    @classmethod
    def from_text(cls, text: str) -> HubKey:
        try:
            raw = base64.b64decode(text.strip(), validate=True)
        except ValueError as exc:
            raise ValueError("the hub blob key is not base64") from exc
        return cls(raw)

    @classmethod
    def load_or_create(cls, path: Path) -> HubKey:
        """The embedded default: a key file made once (0600), next to the hub's data."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(base64.b64encode(os.urandom(32)).decode() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        return cls.from_text(path.read_text())

    def wrap(self, data_key: bytes, name: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data_key, b"ozq-wrap" + name)

    def unwrap(self, wrapped: bytes, name: bytes) -> bytes:
        try:
            return self._aead.decrypt(wrapped[:12], wrapped[12:], b"ozq-wrap" + name)
        except InvalidTag as exc:
            raise CorruptBlob("the object's data key does not open with the hub key") from exc


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def seal(key: HubKey, name: str, plaintext: Iterable[bytes]) -> Iterator[bytes]:
    """Ciphertext for `plaintext` (any chunking), as a stream: header, then sealed segments."""
    data_key = os.urandom(32)
    header = MAGIC + key.key_id + key.wrap(data_key, name.encode())
    aad = header + name.encode()
    aead = AESGCM(data_key)
    yield header
    buffer = bytearray()
    counter = 0
    for piece in plaintext:
        buffer += piece
        while len(buffer) > SEGMENT:  # keep at least one byte back: the last segment is flagged
            yield aead.encrypt(_nonce(counter, False), bytes(buffer[:SEGMENT]), aad)
            del buffer[:SEGMENT]
            counter += 1
    yield aead.encrypt(_nonce(counter, True), bytes(buffer), aad)


def seal_bytes(key: HubKey, name: str, data: bytes) -> bytes:
    return b"".join(seal(key, name, [data]))


def is_sealed(first_bytes: bytes) -> bool:
    return first_bytes.startswith(MAGIC)


def open_sealed(key: HubKey, name: str, ciphertext: Iterable[bytes]) -> Iterator[bytes]:
    """Plaintext of a sealed object, segment by segment; CorruptBlob on any tampering."""
    stream = _Reader(ciphertext)
    header = stream.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        raise CorruptBlob(f"{name}: not a sealed object")
    if header[len(MAGIC) : len(MAGIC) + _KEY_ID] != key.key_id:
        raise CorruptBlob(f"{name}: sealed with another hub key")
    data_key = key.unwrap(header[len(MAGIC) + _KEY_ID :], name.encode())
    aead = AESGCM(data_key)
    aad = header + name.encode()
    counter = 0
    segment = stream.read(SEGMENT + _TAG)
    while True:
        following = stream.read(SEGMENT + _TAG)
        last = not following
        try:
            yield aead.decrypt(_nonce(counter, last), segment, aad)
        except InvalidTag as exc:
            raise CorruptBlob(f"{name}: segment {counter} fails its check") from exc
        if last:
            return
        segment, counter = following, counter + 1


def open_bytes(key: HubKey, name: str, ciphertext: bytes) -> bytes:
    return b"".join(open_sealed(key, name, [ciphertext]))


class _Reader:
    """Exact-size reads over an iterator of byte strings."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces = iter(pieces)
        self._buffer = bytearray()

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            piece = next(self._pieces, None)
            if piece is None:
                break
            self._buffer += piece
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out


def sealed_size(plain_size: int) -> int:
    segments = max(1, -(-plain_size // SEGMENT))
    return HEADER_SIZE + plain_size + segments * _TAG
