"""Putting a file in place so that a power cut cannot undo it: the file's bytes are synced,
it is renamed over its target, then its folder is synced so the new name itself is on disk.
Used for scans, the key file, the encrypted database and the hub's blobs."""

from __future__ import annotations

import os
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
