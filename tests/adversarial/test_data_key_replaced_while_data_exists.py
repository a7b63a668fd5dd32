"""Finding 1 (high): the data key is never replaced while data exists.

Reproduced in the review: a keyring that answered "nothing" once for an entry that exists made
`data_key()` store a new key over it, and a deleted `data.key` was silently replaced; after
that the database, every backup and every scan were unreadable for ever. A key is made only
when there is no database, no backup and no scan; otherwise the desk retries, then stops with
a message naming the missing key and the way back (the recovery sheet), changing nothing."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import keyring
import pytest

from ozq_desktop.errors import StorageError
from ozq_desktop.storage import keys
from ozq_desktop.storage.encryption import open_database
from ozq_desktop.storage.scans import ScanStore
from tests.conftest import MemoryKeyring
from tests.storage.test_encryption import SECRET_NAME, fill, names

SCANS_FOLDER = "scans"  # beside the database, as the app opens it


class HiccupKeyring(MemoryKeyring):
    """A keyring that answers "nothing" for the first `misses` reads, then the truth."""

    def __init__(self, secrets: dict, misses: int) -> None:
        super().__init__()
        self.secrets = dict(secrets)
        self.misses = misses

    def get_password(self, service, username):
        if self.misses > 0:
            self.misses -= 1
            return None
        return super().get_password(service, username)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` and the hash of its bytes: "nothing changed on disk"."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def make_desk(folder: Path) -> bytes:
    opened = open_database(folder)
    fill(opened.engine)
    opened.engine.dispose()
    return opened.key.key


def test_a_keyring_that_answers_nothing_once_does_not_replace_the_key(tmp_path, memory_keyring):
    original = make_desk(tmp_path)
    stored = dict(memory_keyring.secrets)
    keyring.set_keyring(HiccupKeyring(stored, misses=1))
    again = open_database(tmp_path)
    try:
        assert again.key.key == original
        assert names(again.engine) == [SECRET_NAME]
    finally:
        again.engine.dispose()
    assert keyring.get_keyring().secrets == stored, "the keyring entry was not rewritten"


def test_a_keyring_entry_that_stays_missing_stops_the_desk_and_changes_nothing(
    tmp_path, memory_keyring
):
    make_desk(tmp_path)
    memory_keyring.secrets.clear()  # the entry is gone (a profile reset, another session)
    before = snapshot(tmp_path)
    for lang in ("kk", "ru"):
        with pytest.raises(StorageError) as err:
            open_database(tmp_path)
        text = err.value.message(lang)
        assert keys.SERVICE in text and "ozq-desktop recover" in text
    assert memory_keyring.secrets == {}, "no new key was stored in the keyring"
    assert snapshot(tmp_path) == before
    assert not (tmp_path / keys.KEY_FILE).exists()


def test_a_deleted_key_file_is_not_silently_replaced(tmp_path, no_keyring):
    make_desk(tmp_path)
    (tmp_path / keys.KEY_FILE).unlink()
    before = snapshot(tmp_path)
    with pytest.raises(StorageError) as err:
        open_database(tmp_path)
    assert keys.KEY_FILE in err.value.message("kk")
    assert "ozq-desktop recover" in err.value.message("ru")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("left", ["backup", "scan"])
def test_a_backup_or_a_scan_alone_also_forbids_a_new_key(tmp_path, memory_keyring, left):
    """The database may be gone, but a backup or a scan made with the key still needs it."""
    original = make_desk(tmp_path)
    ScanStore(tmp_path / SCANS_FOLDER, key=original).add_bytes(b"%PDF-1.4\n%%EOF\n", "scan.pdf")
    open_database(tmp_path).engine.dispose()  # a second start leaves a backup
    for name in os.listdir(tmp_path):
        if name.startswith("ozq.db"):
            (tmp_path / name).unlink()
    if left == "backup":
        for path in (tmp_path / SCANS_FOLDER).rglob("*"):
            if path.is_file():
                path.unlink()
    else:
        for path in (tmp_path / "backups").glob("*"):
            path.unlink()
    memory_keyring.secrets.clear()
    before = snapshot(tmp_path)
    with pytest.raises(StorageError):
        open_database(tmp_path)
    assert memory_keyring.secrets == {}
    assert snapshot(tmp_path) == before


def test_a_fresh_desk_still_makes_its_key(tmp_path, memory_keyring):
    opened = open_database(tmp_path / "new")
    opened.engine.dispose()
    assert len(opened.key.key) == 32 and opened.key.source is keys.KeySource.KEYRING
    assert (tmp_path / "new" / keys.SOURCE_FILE).read_text() == "keyring"


@pytest.mark.parametrize("content", [b"", b"\x00\x00", b"kerying\n", b"\xff\xfe"])
def test_an_empty_or_damaged_marker_gives_a_clear_message(tmp_path, memory_keyring, content):
    make_desk(tmp_path)
    (tmp_path / keys.SOURCE_FILE).write_bytes(content)
    before = snapshot(tmp_path)
    for lang in ("kk", "ru"):
        with pytest.raises(StorageError) as err:  # not ValueError / UnicodeDecodeError
            open_database(tmp_path)
        assert keys.SOURCE_FILE in err.value.message(lang)
    assert snapshot(tmp_path) == before


def test_the_marker_is_written_durably(tmp_path, memory_keyring, monkeypatch):
    """Written to a temporary file, synced, renamed over the marker, the folder synced: a power
    cut leaves the old marker or the new one, never an empty file."""
    synced: list[str] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    open_database(tmp_path).engine.dispose()
    marker = tmp_path / keys.SOURCE_FILE
    assert marker.read_text() == "keyring"
    assert str(tmp_path) in synced, "the folder holding the marker was synced"
    assert any(
        Path(p).parent == tmp_path and p != str(marker) for p in synced if p != str(tmp_path)
    ), "the marker's bytes were synced under a temporary name before the rename"
