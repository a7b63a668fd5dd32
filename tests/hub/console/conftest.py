"""A hub process for the console's HTTP tests, on SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from ozq_hub.devtools import HubProcess
from tests.hub.console.helpers import Browser, make_user, unique
from tests.hub.fixtures import BACKENDS, _database_url
from tests.hub.helpers import HubUnderTest

PUBLIC_URL = "https://ozq.example.kz"
# Small pages and a low per-receipt limit, so that paging and rate limits show quickly.
CONSOLE = "page_size=3,status_per_receipt=4,status_per_address=1000,login_per_address=1000"


def start_console_hub(url: str, folder, **env: str) -> HubProcess:
    return HubProcess(
        url,
        folder / "blobs",
        committee_token=secrets.token_urlsafe(16),
        env={"OZQ_HUB_PUBLIC_URL": PUBLIC_URL, "OZQ_HUB_CONSOLE": CONSOLE, **env},
    ).start()


@pytest.fixture(scope="module", params=BACKENDS)
def console_hub(request, tmp_path_factory) -> Iterator[HubUnderTest]:
    folder = tmp_path_factory.mktemp(f"console-{request.param}")
    process = start_console_hub(_database_url(request.param, request, folder), folder)
    yield HubUnderTest(process, request.param)
    process.stop()


@pytest.fixture
def browser(console_hub) -> Iterator[Browser]:
    visitor = Browser(console_hub.process.base_url)
    yield visitor
    visitor.close()


@pytest.fixture
def another_browser(console_hub) -> Iterator[Browser]:
    visitor = Browser(console_hub.process.base_url)
    yield visitor
    visitor.close()


@pytest.fixture
def dept(console_hub):
    """A branch with an enrolled desk, and a reviewer, a head and an administrator."""
    desk = console_hub.enrol()
    users = {role: unique(role[:3]) for role in ("reviewer", "head", "administrator")}
    for role, login in users.items():
        make_user(console_hub.db, login, role, {desk.branch})
    return desk, users
