"""A desk and a real hub process talking over loopback HTTP."""

from __future__ import annotations

import contextlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from ozq_desktop.catalog import load_catalog
from ozq_desktop.storage.scans import ScanStore
from ozq_desktop.sync.engine import SyncEngine
from ozq_hub import cli
from ozq_hub.db import sqlite_url
from ozq_hub.devtools import HubProcess


class MemoryKeyring(KeyringBackend):
    """The OS keyring's stand-in: machines running the tests have no D-Bus."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


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
def enrolled(hub, engine_for):
    engine = engine_for()
    code = hub.cli("enrol-code", "--branch", "ALA01", "--branch-name", "Алматы филиалы")
    engine.enrol(hub_url=hub.url, code=code, desk_code="D1")
    return engine
