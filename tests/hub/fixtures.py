"""The hub under test is a real server process, on SQLite and on a real PostgreSQL 15.

A pytest plugin (tests/conftest.py registers it), so tests/hub and tests/adversarial share
one PostgreSQL cluster and one hub per backend."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from ozq_hub import migrate
from ozq_hub.db import Database, sqlite_url
from ozq_hub.devtools import PG_BIN, HubProcess, S3Server, ThrowawayPostgres
from tests.hub.helpers import HubUnderTest

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not ThrowawayPostgres.available(),
                reason=f"PostgreSQL 15 is not installed ({PG_BIN} is absent)",
            ),
        ],
    ),
]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[ThrowawayPostgres | None]:
    """Started on first use by a PostgreSQL test, stopped at the end of the session."""
    cluster = ThrowawayPostgres().start()
    yield cluster
    cluster.stop()


def _database_url(backend: str, request: pytest.FixtureRequest, folder) -> str:
    if backend == "sqlite":
        return sqlite_url(folder / "hub.sqlite3")
    cluster: ThrowawayPostgres = request.getfixturevalue("pg_cluster")
    return cluster.create_database()


def _hub(backend: str, request: pytest.FixtureRequest, folder) -> HubUnderTest:
    url = _database_url(backend, request, folder)
    process = HubProcess(url, folder / "blobs", committee_token=secrets.token_urlsafe(16))
    return HubUnderTest(process.start(), backend)


@pytest.fixture(scope="session", params=BACKENDS)
def shared_hub(request, tmp_path_factory) -> Iterator[HubUnderTest]:
    """One hub per backend for the whole session; tests keep apart by branch."""
    hub = _hub(request.param, request, tmp_path_factory.mktemp(f"hub-{request.param}"))
    yield hub
    hub.process.stop()


@pytest.fixture(params=BACKENDS)
def fresh_hub(request, tmp_path) -> Iterator[HubUnderTest]:
    """A hub of its own, for tests that kill it, prune its log or change its epoch."""
    hub = _hub(request.param, request, tmp_path)
    yield hub
    hub.process.stop()


@pytest.fixture(params=BACKENDS)
def hub_database(request, tmp_path) -> Iterator[Database]:
    """A migrated hub database, without a server, for tests of the rules underneath."""
    database = Database(_database_url(request.param, request, tmp_path))
    migrate.upgrade(database)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[S3Server]:
    """moto's S3 server on 127.0.0.1, started on first use, stopped at the end of the session."""
    server = S3Server(tmp_path_factory.mktemp("s3") / "moto.log").start()
    yield server
    server.stop()
