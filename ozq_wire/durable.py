"""Putting a file in place so that a power cut cannot undo it: the file's bytes are synced,
it is renamed over its target, then its folder is synced so the new name itself is on disk.
Used for scans, the key files and their marker, the recovery file, the encrypted database
and the hub's blobs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Sync a folder's entries (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_synced(source: Path, target: Path) -> None:
    """Rename the already-synced `source` over `target`, and sync the folder."""
    os.replace(source, target)
    fsync_dir(target.parent)


def write_durably(target: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `target` so that a power cut leaves the old file or the new one, never a
    half-written or empty one: a private temporary file beside it, synced, then renamed."""
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    tmp = Path(tmp_name)
    try:
        if hasattr(os, "fchmod"):  # mkstemp already makes it 0600; POSIX only
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        replace_synced(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
