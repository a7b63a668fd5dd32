"""Finding 2 (high), the desk's part: a scan file that changed between `ScanStore.add_file`'s
`stat()` and its read was recorded with the wrong size; the desk then sent empty PATCHes
without end (2,881 in 8 s in the review). Size and hash now come from the very bytes stored."""

from __future__ import annotations

import hashlib
from pathlib import PosixPath

import pytest

from ozq_desktop.storage.scans import ScanStore

BIG = b"%PDF-1.4\n" + b"x" * 5000 + b"\n%%EOF\n"
SMALL = b"%PDF-1.4\n(short)\n%%EOF\n"


class ChangesAfterStat(PosixPath):
    """A file that is rewritten by someone else right after it was stat()-ed."""

    replacement = SMALL

    def stat(self, *args, **kwargs):
        result = super().stat(*args, **kwargs)
        with open(self, "wb") as f:
            f.write(self.replacement)
        return result


@pytest.mark.parametrize("before,after", [(BIG, SMALL), (SMALL, BIG)], ids=["shrinks", "grows"])
def test_size_and_hash_come_from_the_bytes_stored(tmp_path, before, after):
    source = ChangesAfterStat(tmp_path / "scan.pdf")
    source.write_bytes(before)
    ChangesAfterStat.replacement = after
    store = ScanStore(tmp_path / "scans", key=bytes(32))
    ref = store.add_file(source)
    stored = store.read(ref.sha256)
    assert ref.size == len(stored)
    assert ref.sha256 == hashlib.sha256(stored).hexdigest()
