"""Finding 1 (high), the scan store's part: scans are encrypted with their own key derived from
the data key (`scan_key()` existed but was unused); `ScanStore.read()` returned a plain file
swapped in as if it were the scan; `.incoming-*` files left by a crash were never cleaned."""

from __future__ import annotations

import hashlib
import os
import time

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ozq_desktop.app import open_desk
from ozq_desktop.errors import StorageError
from ozq_desktop.storage import keys
from ozq_desktop.storage.scans import ScanStore, scan_key

DATA_KEY = bytes(range(32))
SCAN = b"%PDF-1.4\n(IIN 900101300017)\n%%EOF\n"
OTHER = b"%PDF-1.4\n(a different document)\n%%EOF\n"
SHA = hashlib.sha256(SCAN).hexdigest()
V1 = b"OZQ-AESGCM-1\n"  # the format written before: AES-GCM with the data key itself


def decrypts_with(raw: bytes, key: bytes, sha: str) -> bool:
    body = raw[raw.index(b"\n") + 1 :]
    try:
        AESGCM(key).decrypt(body[:12], body[12:], sha.encode())
        return True
    except InvalidTag:
        return False


def write_v1(store: ScanStore, data: bytes, key: bytes) -> str:
    """A scan as the desk stored it before this change."""
    sha = hashlib.sha256(data).hexdigest()
    nonce = os.urandom(12)
    path = store.path_of(sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(V1 + nonce + AESGCM(key).encrypt(nonce, data, sha.encode()))
    return sha


def test_scans_are_encrypted_with_their_own_key_not_the_data_key(tmp_path):
    store = ScanStore(tmp_path / "scans", key=DATA_KEY)
    ref = store.add_bytes(SCAN, "scan.pdf")
    raw = store.path_of(ref.sha256).read_bytes()
    assert not decrypts_with(raw, DATA_KEY, ref.sha256)
    assert decrypts_with(raw, scan_key(DATA_KEY), ref.sha256)
    assert store.read(ref.sha256) == SCAN


@pytest.mark.parametrize("swapped", [OTHER, SCAN], ids=["other-content", "same-content"])
def test_a_plain_file_swapped_in_is_refused(tmp_path, swapped):
    store = ScanStore(tmp_path / "scans", key=DATA_KEY)
    ref = store.add_bytes(SCAN, "scan.pdf")
    store.path_of(ref.sha256).write_bytes(swapped)
    with pytest.raises(StorageError) as err:
        store.read(ref.sha256)
    assert ref.sha256[:12] in err.value.message("kk")


def test_a_store_without_a_key_refuses_a_file_whose_hash_is_not_its_name(tmp_path):
    store = ScanStore(tmp_path / "scans")
    ref = store.add_bytes(SCAN, "scan.pdf")
    store.path_of(ref.sha256).write_bytes(OTHER)
    with pytest.raises(StorageError):
        store.read(ref.sha256)


def test_a_swapped_file_is_rewritten_when_the_scan_is_attached_again(tmp_path):
    store = ScanStore(tmp_path / "scans", key=DATA_KEY)
    ref = store.add_bytes(SCAN, "scan.pdf")
    store.path_of(ref.sha256).write_bytes(OTHER)
    assert store.add_bytes(SCAN, "again.pdf").sha256 == ref.sha256
    assert store.read(ref.sha256) == SCAN


def test_scans_stored_before_are_read_and_moved_to_the_scan_key_at_start(tmp_path, no_keyring):
    open_desk(tmp_path).close()
    data_key = keys.data_key(tmp_path).key
    store = ScanStore(tmp_path / "scans", key=data_key)
    sha = write_v1(store, SCAN, data_key)
    (tmp_path / "scans" / ".format").unlink(missing_ok=True)  # as a desk before the change
    assert store.read(sha) == SCAN  # read both, safely (AES-GCM authenticates either)
    desk = open_desk(tmp_path)
    desk.close()
    raw = store.path_of(sha).read_bytes()
    assert decrypts_with(raw, scan_key(data_key), sha) and not raw.startswith(V1)
    assert desk.scans.read(sha) == SCAN


def test_plain_scans_from_before_encryption_are_encrypted_at_start_if_whole(tmp_path, no_keyring):
    open_desk(tmp_path).close()
    (tmp_path / "scans" / ".format").unlink(missing_ok=True)  # as a desk before the change
    plain = ScanStore(tmp_path / "scans")  # how scans were kept before encryption at rest
    whole = plain.add_bytes(SCAN, "scan.pdf").sha256
    damaged = plain.add_bytes(OTHER, "other.pdf").sha256
    plain.path_of(damaged).write_bytes(b"%PDF-1.4 replaced behind the desk's back %%EOF")
    desk = open_desk(tmp_path)
    desk.close()
    assert desk.scans.read(whole) == SCAN
    assert SCAN not in desk.scans.path_of(whole).read_bytes()
    with pytest.raises(StorageError):
        desk.scans.read(damaged)
    assert (tmp_path / "scans" / ".format").read_text() == "2"


def test_incoming_files_left_by_a_crash_are_cleaned_at_start(tmp_path, no_keyring):
    open_desk(tmp_path).close()
    scans = tmp_path / "scans"
    old = scans / ".incoming-crashed"
    old.write_bytes(b"half a scan")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    fresh = scans / ".incoming-being-written-now"
    fresh.write_bytes(b"another process is writing this one")
    open_desk(tmp_path).close()
    assert not old.exists()
    assert fresh.exists(), "a temporary file of a running writer is left alone"
