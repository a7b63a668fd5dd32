"""A desk and a real hub process talking over loopback HTTP."""

from __future__ import annotations

import contextlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

from ozq_desktop.storage.scans import ScanStore
from ozq_desktop.sync.engine import SyncEngine
from ozq_hub import cli
from ozq_hub.db import sqlite_url
from ozq_hub.devtools import HubProcess
from ozq_wire.catalog import load_catalog


@dataclass
class Hub:
    process: HubProcess
    folder: Path

    @property
    def url(self) -> str:
        return self.process.base_url

    def cli(self, *args: str) -> str:
        command, *rest = args
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert cli.main([command, "--db", self.process.database_url, *rest]) == 0
        return out.getvalue().strip()

    def restart(self) -> None:
        """A new process on the same database and blobs (and a new port)."""
        self.process.stop()
        self.process = HubProcess(
            self.process.database_url,
            self.process.blob_dir,
            committee_token=self.process.committee_token,
        ).start()


@pytest.fixture
def hub(tmp_path):
    folder = tmp_path / "hub"
    process = HubProcess(
        sqlite_url(folder / "hub.sqlite3"),
        folder / "blobs",
        committee_token=secrets.token_urlsafe(16),
    ).start()
    h = Hub(process, folder)
    yield h
    h.process.stop()


@pytest.fixture
def scan_store(tmp_path):
    return ScanStore(tmp_path / "scans")


@pytest.fixture
def engine_for(desk, scan_store, memory_keyring):
    def make(owner: str = "desk-test") -> SyncEngine:
        return SyncEngine(
            factory=desk["factory"], store=scan_store, catalog=load_catalog(), owner=owner
        )

    return make


@pytest.fixture
def enrolled(hub, engine_for, desk):
    engine = engine_for()
    code = hub.cli("enrol-code", "--branch", "ALA01", "--branch-name", "Алматы филиалы")
    engine.enrol(hub_url=hub.url, code=code, desk_code="D1", actor=desk["supervisor"])
    return engine
