"""The hub's limits and settings, in one place.

`HubSettings` travels to uvicorn's worker processes as JSON in one environment variable
(`to_environment` / `from_environment`), so every worker runs with the same settings.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

MIB = 1024 * 1024
GIB = 1024 * MIB
ENV_SETTINGS = "OZQ_HUB_SETTINGS"


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
    # Quotas (docs/hub.md): a package over them is 413, a device over its day is 429.
    package_max_blobs: int = 200
    package_max_bytes: int = 2 * GIB
    device_daily_blobs: int = 10_000
    device_daily_bytes: int = 20 * GIB


@dataclass(frozen=True)
class HubSettings:
    limits: HubLimits = field(default_factory=HubLimits)
    trusted_ca_files: tuple[str, ...] = ()
    crl_files: tuple[str, ...] = ()
    ocsp: bool = False
    revocation_mode: str = "require"
    # The daily maintenance: abandoned partial uploads older than this are removed, orphan
    # devices older than `orphan_device_hours` expire, old throttle rows go.
    maintenance_seconds: float = 24 * 3600
    prune_upload_hours: float = 7 * 24
    orphan_device_hours: float = 24

    def to_environment(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_environment(cls, text: str | None) -> HubSettings:
        if not text:
            return cls()
        data = json.loads(text)
        data["limits"] = HubLimits(**data.get("limits", {}))
        for name in ("trusted_ca_files", "crl_files"):
            data[name] = tuple(data.get(name, ()))
        return cls(**data)

    def paths(self, name: str) -> list[Path]:
        return [Path(item) for item in getattr(self, name)]
