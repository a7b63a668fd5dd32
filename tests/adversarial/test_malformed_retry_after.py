"""Finding 8 (low), the desk's part: a `Retry-After: ²` header passed `isdigit`, then failed in
`float()`: a ValueError escaped HubClient and ended the sync cycle. Any malformed, huge or
date-form Retry-After is now ignored or bounded, and the call fails as a HubCallError."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from ozq_desktop.sync.client import HubCallError, HubClient
from ozq_wire import protocol as p

BODY = b'{"code":"unavailable","detail":"busy"}'


class RawHub:
    """A socket server that answers every request with 503 and the given raw header bytes."""

    def __init__(self, retry_after: bytes) -> None:
        self.retry_after = retry_after
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                conn.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    b"Retry-After: " + self.retry_after + b"\r\n"
                    b"Content-Length: "
                    + str(len(BODY)).encode()
                    + b"\r\nConnection: close\r\n\r\n"
                    + BODY
                )

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw_hub() -> Iterator[type[RawHub]]:
    made: list[RawHub] = []

    def make(value: bytes) -> RawHub:
        made.append(RawHub(value))
        return made[-1]

    yield make
    for hub in made:
        hub.close()


@pytest.mark.parametrize(
    "header",
    [
        "²".encode(),  # UTF-8, as the review sent it
        "²".encode("latin-1"),
        "١٢".encode(),  # Arabic-Indic digits
        b"1e999",
        b"-5",
        b"nan",
        b"99999999999999999999999999",
        b"soon",
        b"Wed, 99 Foo 2015 07:28:00 GMT",
    ],
)
def test_a_malformed_retry_after_is_a_hub_error_not_a_crash(raw_hub, header):
    hub = raw_hub(header)
    with HubClient(hub.url, "token") as client, pytest.raises(HubCallError) as err:
        client.health()
    assert err.value.status == 503 and err.value.handling is p.Handling.RETRY
    assert err.value.retry_after is None or 0 <= err.value.retry_after <= 24 * 3600


@pytest.mark.parametrize(("header", "seconds"), [(b"30", 30.0), (b"2.5", 2.5)])
def test_a_well_formed_retry_after_is_kept(raw_hub, header, seconds):
    with HubClient(raw_hub(header).url) as client, pytest.raises(HubCallError) as err:
        client.health()
    assert err.value.retry_after == seconds


def test_an_http_date_retry_after_in_the_past_means_now(raw_hub):
    hub = raw_hub(b"Wed, 21 Oct 2015 07:28:00 GMT")
    with HubClient(hub.url) as client, pytest.raises(HubCallError) as err:
        client.health()
    assert err.value.retry_after == 0


def test_the_sync_cycle_goes_on_after_a_malformed_retry_after(
    raw_hub, desk, memory_keyring, tmp_path
):
    """The whole cycle ends with a report saying the hub is busy, not with an exception."""
    from ozq_desktop.storage.engine import transaction
    from ozq_desktop.storage.scans import ScanStore
    from ozq_desktop.sync import credentials, state
    from ozq_desktop.sync.engine import SyncEngine
    from ozq_wire.catalog import load_catalog

    hub = raw_hub("²".encode())
    with transaction(desk["factory"]) as s:
        state.put(s, state.HUB_URL, hub.url)
        state.put(s, state.DEVICE_ID, "00000000-0000-0000-0000-000000000001")
    credentials.store_token("00000000-0000-0000-0000-000000000001", "t" * 32, tmp_path)
    engine = SyncEngine(
        factory=desk["factory"],
        store=ScanStore(tmp_path / "scans"),
        catalog=load_catalog(),
        folder=tmp_path,
    )
    report = engine.run_once()
    assert report.configured and report.error is not None
    assert report.error.message("ru")
