"""The hub's limits, in one place."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class HubLimits:
    max_blob_bytes: int = 100 * MIB  # one scan
    max_chunk_bytes: int = 8 * MIB  # one PATCH body
    max_json_bytes: int = 2 * MIB  # any other request body
    max_metadata_bytes: int = 256 * 1024  # a package's metadata, as JSON
    max_page: int = 500  # changes, state and committee lists
    enrol_failures: int = 10  # wrong enrolment codes from one address ...
    enrol_window_seconds: int = 600  # ... within this window, then 429
    enrolment_code_hours: int = 72
    db_connections: int = 8  # per worker process; also its number of request threads
