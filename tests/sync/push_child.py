"""Run by the kill test: one sync cycle from a separate desk process, in small chunks, until
it is killed mid-upload."""

from __future__ import annotations

import sys
from pathlib import Path

import keyring

from ozq_desktop.storage.engine import make_engine, make_session_factory
from ozq_desktop.storage.scans import ScanStore
from ozq_desktop.sync import push
from ozq_desktop.sync.credentials import SERVICE
from ozq_desktop.sync.engine import SyncEngine
from ozq_wire.catalog import load_catalog
from tests.conftest import MemoryKeyring


def main(db: str, scans: str, device_id: str, token: str) -> None:
    ring = MemoryKeyring()
    ring.set_password(SERVICE, device_id, token)
    keyring.set_keyring(ring)
    push.CHUNK_BYTES = 64 * 1024  # many small requests: the kill lands mid-upload
    engine = SyncEngine(
        factory=make_session_factory(make_engine(Path(db))),
        store=ScanStore(Path(scans)),
        catalog=load_catalog(),
    )
    print("pushing", flush=True)
    engine.run_once()


if __name__ == "__main__":
    main(*sys.argv[1:5])
