"""Suite-wide set-up: Qt offscreen, every test on its own data folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import NoKeyringError

from ozq_desktop import i18n

# The hub's real-process fixtures, for tests/hub and tests/adversarial alike.
pytest_plugins = ["tests.hub.fixtures"]


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    data = tmp_path / "ozq-data"
    data.mkdir()
    monkeypatch.setenv("OZQ_DATA_DIR", str(data))
    yield data
    i18n.set_language(i18n.DEFAULT_LANGUAGE)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "desk.db"


@pytest.fixture
def engine(db_path):
    from ozq_desktop.storage.engine import make_engine
    from ozq_desktop.storage.migrations import upgrade

    eng = make_engine(db_path)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def factory(engine):
    from ozq_desktop.storage.engine import make_session_factory

    return make_session_factory(engine)


def set_up_test_desk(session, clerk_role=None):
    """The desk every test starts from, as on first run: branch ALA01, desk D1, the supervisor
    «boss» and the clerk «clerk» (whose role can be changed). Returns (supervisor, clerk)."""
    from ozq_desktop.domain import accounts

    boss = accounts.set_up_desk(
        session=session,
        setup=accounts.BranchSetup(
            branch_code="ALA01",
            branch_name="«Азаматтарға арналған үкімет» филиалы, Алматы",
            department_no="3",
            address="Алматы қ., Абай даңғ., 10",
            desk_code="D1",
            phone="+7 727 000 00 00",
            branch_name_ru="Филиал «Правительство для граждан», Алматы",
            address_ru="г. Алматы, пр. Абая, 10",
        ),
        supervisor=accounts.NewUser(
            "boss", "Сейітова Ләззат", "supersecret", accounts.Role.SUPERVISOR
        ),
    )
    clerk = accounts.create_user(
        session=session,
        actor=boss,
        new=accounts.NewUser(
            "clerk",
            "Жұмабаев Нұрлан Серікұлы",
            "clerkpass1",
            clerk_role or accounts.Role.CLERK,
            "+7 701 111 22 33",
        ),
    )
    return boss, clerk


@pytest.fixture
def desk(factory):
    """A desk set up as on first run (see set_up_test_desk)."""
    from ozq_desktop.storage.engine import transaction

    with transaction(factory) as s:
        boss, clerk = set_up_test_desk(s)
    return {"factory": factory, "supervisor": boss, "clerk": clerk}


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


class NoKeyring(KeyringBackend):
    """A machine without any usable keyring, as keyring reports it."""

    priority = 1

    def get_password(self, service, username):
        raise NoKeyringError("No recommended backend was available.")

    def set_password(self, service, username, password):
        raise NoKeyringError("No recommended backend was available.")

    def delete_password(self, service, username):
        raise NoKeyringError("No recommended backend was available.")


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    yield
    keyring.set_keyring(previous)
