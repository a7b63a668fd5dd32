"""Finding 7 (medium), the desk's part: enrolment that cannot burn its code. On a machine with no
keyring, enrolling spent the hub's one-time code and then failed to store the token: the code
was gone. The desk now checks where the token will be kept before it sends the code (the
keyring, or the same protected key-file fallback as the data key), and sends a nonce with the
code, retrying a lost answer with the same code and nonce.

Finding 9 (low), its hub-address part: the desk refuses a plain http:// hub address except on
loopback, unless the supervisor confirms it."""

from __future__ import annotations

import json
import os
import socket
import threading

import keyring
import pytest

from ozq_desktop.errors import AuthorizationError
from ozq_desktop.sync import credentials
from ozq_desktop.sync.client import HubClient
from ozq_desktop.sync.engine import SyncEngine
from ozq_desktop.sync.hub_address import PlainHttpError
from tests.conftest import MemoryKeyring, NoKeyring


def new_code(hub) -> str:
    return hub.cli("enrol-code", "--branch", "ALA01", "--branch-name", "Алматы филиалы")


def engine(desk, scan_store, folder, **kwargs) -> SyncEngine:
    from ozq_wire.catalog import load_catalog

    return SyncEngine(
        factory=desk["factory"],
        store=scan_store,
        catalog=load_catalog(),
        folder=folder,
        sleep=lambda _s: None,
        **kwargs,
    )


def test_no_place_for_the_token_refuses_before_the_code_is_spent(
    desk, hub, scan_store, tmp_path, monkeypatch
):
    code = new_code(hub)
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    monkeypatch.setenv("OZQ_REQUIRE_KEYRING", "1")  # the file fallback refused too
    try:
        with pytest.raises(credentials.KeyringUnavailableError):
            engine(desk, scan_store, tmp_path).enrol(
                hub_url=hub.url, code=code, desk_code="D1", actor=desk["supervisor"]
            )
        monkeypatch.delenv("OZQ_REQUIRE_KEYRING")
        keyring.set_keyring(MemoryKeyring())  # the keyring is enabled: the same code works
        answer = engine(desk, scan_store, tmp_path).enrol(
            hub_url=hub.url, code=code, desk_code="D1", actor=desk["supervisor"]
        )
        assert answer.device_id
    finally:
        keyring.set_keyring(previous)


def test_with_no_keyring_the_token_goes_to_the_protected_file(desk, hub, scan_store, tmp_path):
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        sync = engine(desk, scan_store, tmp_path)
        answer = sync.enrol(
            hub_url=hub.url, code=new_code(hub), desk_code="D1", actor=desk["supervisor"]
        )
        token_file = tmp_path / credentials.TOKEN_FILE
        assert token_file.exists()
        if os.name == "posix":
            assert token_file.stat().st_mode & 0o777 == 0o600
        assert answer.token in token_file.read_text()
        report = sync.run_once()
        assert report.online and report.error is None and not report.needs_reenrolment
    finally:
        keyring.set_keyring(previous)


class AnswerLosingProxy:
    """Between desk and hub: forwards each request, but drops the hub's answer to the first
    POST /enrol (the code is spent at the hub; the desk never hears back)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = upstream_port
        self.enrol_bodies: list[dict] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    @staticmethod
    def _read_message(conn: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            body += conn.recv(65536)
        return head + b"\r\n\r\n" + body

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            with client:
                request = self._read_message(client)
                if not request:
                    continue
                is_enrol = request.startswith(b"POST /api/v1/enrol ")
                if is_enrol:
                    self.enrol_bodies.append(json.loads(request.partition(b"\r\n\r\n")[2]))
                request = request.replace(b"Connection: keep-alive", b"Connection: close")
                with socket.create_connection(("127.0.0.1", self.upstream)) as hub:
                    hub.sendall(request)
                    answer = self._read_message(hub)
                if is_enrol and len(self.enrol_bodies) == 1:
                    continue  # the answer is lost on the way back
                client.sendall(answer)

    def close(self) -> None:
        self.sock.close()


def test_a_lost_answer_is_retried_with_the_same_code_and_nonce(desk, hub, scan_store, tmp_path):
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    proxy = AnswerLosingProxy(hub.process.port)
    try:
        sync = engine(desk, scan_store, tmp_path)
        code = new_code(hub)
        answer = sync.enrol(hub_url=proxy.url, code=code, desk_code="D1", actor=desk["supervisor"])
        first, *retries = proxy.enrol_bodies
        assert retries, "the lost answer was retried"
        assert all(r["code"] == first["code"] == code for r in retries)
        assert first["nonce"] and all(r["nonce"] == first["nonce"] for r in retries)
        assert answer.device_id
        report = sync.run_once()
        assert report.online and report.error is None
    finally:
        proxy.close()
        keyring.set_keyring(previous)


def test_a_clerk_cannot_enrol_and_nothing_is_sent(desk, hub, scan_store, tmp_path, memory_keyring):
    code = new_code(hub)
    with pytest.raises(AuthorizationError):
        engine(desk, scan_store, tmp_path).enrol(
            hub_url=hub.url, code=code, desk_code="D1", actor=desk["clerk"]
        )
    assert (
        engine(desk, scan_store, tmp_path)
        .enrol(hub_url=hub.url, code=code, desk_code="D1", actor=desk["supervisor"])
        .device_id
    )


# ---------------------------------------------------------------- plain http


@pytest.mark.parametrize(
    "url", ["http://hub.branch.lan:8470", "http://10.20.30.40", "HTTP://192.0.2.7:80/"]
)
def test_a_plain_http_address_off_this_computer_is_refused_before_anything_is_sent(
    desk, hub, scan_store, tmp_path, memory_keyring, url
):
    sent: list[str] = []

    def recording(target: str, token: str | None) -> HubClient:
        sent.append(target)
        return HubClient(hub.url, token)

    code = new_code(hub)
    with pytest.raises(PlainHttpError) as err:
        engine(desk, scan_store, tmp_path, client_factory=recording).enrol(
            hub_url=url, code=code, desk_code="D1", actor=desk["supervisor"]
        )
    assert sent == [] and "http://" in err.value.message("kk")
    # Confirmed by the supervisor (the address is routed to the real hub, as a LAN name would):
    answer = engine(desk, scan_store, tmp_path, client_factory=recording).enrol(
        hub_url=url,
        code=code,
        desk_code="D1",
        actor=desk["supervisor"],
        allow_plain_http=True,
    )
    assert answer.device_id and sent == [url.rstrip("/")]
    from sqlalchemy import select

    from ozq_desktop.models import AuditRow
    from ozq_desktop.storage.engine import reading

    with reading(desk["factory"]) as s:
        row = s.scalars(select(AuditRow).where(AuditRow.action == "enrolled")).one()
    assert row.details["plain_http_confirmed"] is True and row.user_id == desk["supervisor"].id


@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}", "http://localhost:{port}"])
def test_loopback_needs_no_confirmation(desk, hub, scan_store, tmp_path, memory_keyring, url):
    answer = engine(desk, scan_store, tmp_path).enrol(
        hub_url=url.format(port=hub.process.port),
        code=new_code(hub),
        desk_code="D1",
        actor=desk["supervisor"],
    )
    assert answer.device_id


def test_the_address_rules():
    from ozq_desktop.errors import ValidationError
    from ozq_desktop.sync.hub_address import check_hub_url

    assert check_hub_url("https://hub.example.kz/") == "https://hub.example.kz"
    assert check_hub_url("http://[::1]:8470") == "http://[::1]:8470"
    assert check_hub_url("http://127.0.0.5:8470") == "http://127.0.0.5:8470"
    for bad in ("ftp://hub.example.kz", "hub.example.kz", "https://", "javascript:alert(1)"):
        with pytest.raises(ValidationError):
            check_hub_url(bad)
    with pytest.raises(PlainHttpError):
        check_hub_url("http://localhost.evil.example")
