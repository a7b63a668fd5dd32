from __future__ import annotations

import hashlib
import os

import pytest

from ozq_desktop.errors import ScanRejectedError
from ozq_desktop.storage.scans import ScanStore

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
TIFF = b"II*\x00" + b"\x00" * 40


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
