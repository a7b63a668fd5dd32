"""The desk sends an X-Request-ID with every call and logs it; the hub logs the same id."""

from __future__ import annotations

import json
import logging
import re

from ozq_desktop.sync.client import HubCallError, HubClient
from ozq_hub.db import sqlite_url
from ozq_hub.devtools import HubProcess


def test_desk_and_hub_log_the_same_request_id(tmp_path, caplog):
    process = HubProcess(
        sqlite_url(tmp_path / "hub.sqlite3"), tmp_path / "blobs", log_level="info"
    ).start()
    try:
        caplog.set_level(logging.INFO, logger="ozq_desktop.sync.client")
        with HubClient(process.base_url, token="not-a-token") as client:
            client.health()
            try:
                client.device()
            except HubCallError as error:
                refused = error
    finally:
        process.stop()
    desk_ids = re.findall(r"request_id=([0-9a-f]{32})", caplog.text)
    assert len(desk_ids) == 2 and desk_ids[0] != desk_ids[1]
    assert refused.status == 401 and refused.request_id == desk_ids[1]
    hub_lines = [
        json.loads(line)
        for line in process.log_path.read_text().splitlines()
        if line.startswith("{")
    ]
    logged = {line["request_id"]: line for line in hub_lines if "route" in line}
    assert logged[desk_ids[0]]["route"] == "/health"
    assert logged[desk_ids[1]]["status"] == 401
