from __future__ import annotations

import hashlib
import os
import struct
import zlib

import pytest

from ozq_desktop.errors import ScanRejectedError
from ozq_desktop.storage.scans import ScanStore

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TIFF = b"II*\x00" + b"\x00" * 40


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(min(height, 4)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


PNG = png(20, 10)
JPEG = jpeg(640, 480)


@pytest.fixture
def store(tmp_path):
    return ScanStore(tmp_path / "scans", max_bytes=1024 * 1024)


@pytest.mark.parametrize(
    ("data", "mime"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (TIFF, "image/tiff")],
)
def test_accepted_types_are_stored_under_their_hash(store, tmp_path, data, mime):
    src = tmp_path / "scan.bin"
    src.write_bytes(data)
    ref = store.add_file(src)
    assert ref.mime == mime
    assert ref.sha256 == hashlib.sha256(data).hexdigest()
    assert ref.size == len(data)
    assert store.read(ref.sha256) == data
    assert store.path_of(ref.sha256).name == ref.sha256


def test_same_content_is_kept_once(store):
    a = store.add_bytes(PDF, "a.pdf")
    b = store.add_bytes(PDF, "b.pdf")
    assert a.sha256 == b.sha256
    files = [p for p in store.root.rglob("*") if p.is_file()]
    assert len(files) == 1


def test_wrong_extension_is_judged_by_content(store, tmp_path):
    src = tmp_path / "looks-like.pdf"
    src.write_bytes(b"PK\x03\x04 a zip file, not a scan")
    with pytest.raises(ScanRejectedError) as err:
        store.add_file(src)
    assert "looks-like.pdf" in err.value.message("kk")
    assert not [p for p in store.root.rglob("*") if p.is_file()]


def test_empty_file_is_refused(store, tmp_path):
    src = tmp_path / "empty.pdf"
    src.write_bytes(b"")
    with pytest.raises(ScanRejectedError) as err:
        store.add_file(src)
    assert err.value.msgid == "The file {name} is empty."


def test_huge_sparse_file_is_refused_without_reading_it(tmp_path):
    store = ScanStore(tmp_path / "scans")  # the shipped 50 MB limit
    src = tmp_path / "huge.pdf"
    with src.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        f.seek(2 * 1024**3)
        f.write(b"\n%%EOF")
    with pytest.raises(ScanRejectedError) as err:
        store.add_file(src)
    assert "MB" in err.value.message("ru") or "МБ" in err.value.message("ru")
    assert not [p for p in store.root.rglob("*") if p.is_file()]


def test_missing_file_gives_a_clear_error(store, tmp_path):
    with pytest.raises(ScanRejectedError):
        store.add_file(tmp_path / "nope.pdf")


def test_no_temporary_files_are_left_behind(store):
    store.add_bytes(PNG, "x.png")
    assert not list(store.root.glob(".incoming-*"))
    assert os.listdir(store.root)


@pytest.mark.parametrize(
    ("name", "data", "msgid"),
    [
        (
            "truncated.pdf",
            PDF[: len(PDF) // 2],
            "The PDF {name} is incomplete (cut off while copying or scanning). Scan it again.",
        ),
        (
            "locked.pdf",
            b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<</Encrypt 5 0 R>>\n%%EOF\n",
            "The PDF {name} is protected by a password and cannot be read. Ask for an unprotected copy.",
        ),
        (
            "bomb.zip",
            b"PK\x03\x04" + zlib.compress(b"\x00" * 10_000_000),
            "The file {name} is not a PDF, JPEG, PNG or TIFF scan.",
        ),
        (
            "bomb.png",
            png(100_000, 100_000),
            "The image {name} declares {width} × {height} pixels, which no scan has. It is damaged or made to exhaust memory.",
        ),
        (
            "zero.png",
            png(0, 0),
            "The image {name} declares {width} × {height} pixels, which no scan has. It is damaged or made to exhaust memory.",
        ),
        (
            "broken.jpg",
            b"\xff\xd8\xff\xe0" + b"\x00" * 40,
            "The image {name} is damaged: its size cannot be read.",
        ),
        (
            "scan.pdf",
            b"GIF89a not a scan we take",
            "The file {name} is not a PDF, JPEG, PNG or TIFF scan.",
        ),
    ],
)
def test_malformed_scans_are_refused_with_a_clear_message(store, tmp_path, name, data, msgid):
    src = tmp_path / name
    src.write_bytes(data)
    with pytest.raises(ScanRejectedError) as err:
        store.add_file(src)
    assert err.value.msgid == msgid
    for lang in ("kk", "ru"):
        assert name in err.value.message(lang)
    assert not [p for p in store.root.rglob("*") if p.is_file()], "nothing is kept"


def test_an_a3_600_dpi_scan_is_within_the_pixel_limit(store):
    assert store.add_bytes(jpeg(7016, 9921), "a3.jpg").mime == "image/jpeg"


def test_encrypted_store_keeps_no_plain_content_and_detects_tampering(tmp_path):
    from ozq_desktop.errors import StorageError
    from ozq_desktop.storage.scans import scan_key

    store = ScanStore(tmp_path / "enc", key=scan_key(b"k" * 32))
    secret = "%PDF-1.4\n(ЖСН 900101300017 Құпия)\n%%EOF\n".encode()
    ref = store.add_bytes(secret, "secret.pdf")
    on_disk = store.path_of(ref.sha256).read_bytes()
    assert ref.sha256 == hashlib.sha256(secret).hexdigest()
    assert b"900101300017" not in on_disk and b"%PDF" not in on_disk
    assert store.read(ref.sha256) == secret
    assert ScanStore(tmp_path / "enc", key=scan_key(b"k" * 32)).add_bytes(
        secret, "again.pdf"
    ) == ref.__class__(ref.sha256, ref.size, ref.mime, "again.pdf")
    flipped = bytearray(on_disk)
    flipped[-20] ^= 0x01
    store.path_of(ref.sha256).write_bytes(bytes(flipped))
    with pytest.raises(StorageError):
        store.read(ref.sha256)
    with pytest.raises(StorageError):
        ScanStore(tmp_path / "enc", key=scan_key(b"other key" * 4)).read(ref.sha256)


def test_a_scan_of_many_chunks_is_stored_in_aesgcm_format_and_reads_back(tmp_path):
    """Written a megabyte at a time (so a worker never holds the interpreter lock for a whole
    50 MB scan), the file is still what AESGCM writes: the format line, the nonce, the cipher
    text and its tag, bound to the scan's SHA-256."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from ozq_desktop.storage.scans import CHUNK, FORMAT_V2, NONCE_BYTES, scan_key

    data_key = b"d" * 32
    store = ScanStore(tmp_path / "enc", key=data_key)
    body = os.urandom(3 * CHUNK + 12345)  # three whole chunks and a part
    scan = b"%PDF-1.4\n%" + body + b"\n%%EOF\n"
    ref = store.add_bytes(scan, "big.pdf")
    on_disk = store.path_of(ref.sha256).read_bytes()
    assert on_disk.startswith(FORMAT_V2)
    sealed = on_disk[len(FORMAT_V2) :]
    nonce, rest = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    assert AESGCM(scan_key(data_key)).decrypt(nonce, rest, ref.sha256.encode()) == scan
    assert store.read(ref.sha256) == scan
