"""The hub's limits and settings, in one place.

`HubSettings` travels to uvicorn's worker processes as JSON in one environment variable
(`to_environment` / `from_environment`), so every worker runs with the same settings.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

MIB = 1024 * 1024
GIB = 1024 * MIB
ENV_SETTINGS = "OZQ_HUB_SETTINGS"
ENV_PUBLIC_URL = "OZQ_HUB_PUBLIC_URL"  # e.g. https://ozq.example.kz: the status page's base
ENV_CONSOLE = "OZQ_HUB_CONSOLE"  # console settings as name=value,…, e.g. idle_minutes=20


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
class ConsoleSettings:
    """The committee's console and the public status page (docs/console.md)."""

    # The hub's public address, e.g. https://ozq.example.kz: the status page is
    # <public_url>/status, sent to desks at enrolment and by every pull.
    public_url: str | None = None
    timezone: str = "Asia/Almaty"  # the service centres' zone: "today", acceptance days
    idle_minutes: int = 30  # a console session ends after this long without a request
    session_hours: int = 12  # ... and this long after sign-in, whatever the activity
    lockout_failures: int = 5  # wrong passwords in a row lock the account ...
    lockout_minutes: int = 15  # ... for this long (an administrator can unlock it)
    page_size: int = 50  # packages per queue page
    rate_window_seconds: int = 3600
    login_per_address: int = 60  # sign-in attempts per address per window
    status_per_address: int = 60  # status look-ups per address per window
    status_per_receipt: int = 10  # status look-ups per receipt number per window
    # Cookies are always Secure; this turns that off for a hub reached by plain http on a
    # name a browser does not treat as secure (never in production; see docs/console.md).
    insecure_cookies: bool = False

    @property
    def status_page_url(self) -> str | None:
        return f"{self.public_url.rstrip('/')}/status" if self.public_url else None

    @classmethod
    def from_operator(
        cls, environ: Mapping[str, str] | None = None, *, public_url: str | None = None
    ) -> ConsoleSettings:
        """What the operator set: `public_url` (`--public-url`), else `OZQ_HUB_PUBLIC_URL`;
        any other field from `OZQ_HUB_CONSOLE="name=value,…"` (numbers, true/false or text).
        ValueError names a setting that does not exist or a number that is not one."""
        environ = os.environ if environ is None else environ
        defaults = cls()
        values: dict[str, object] = {}
        for part in environ.get(ENV_CONSOLE, "").split(","):
            name, _, raw = part.strip().partition("=")
            if not name:
                continue
            if name not in {f.name for f in fields(cls)}:
                raise ValueError(f"{ENV_CONSOLE}: no console setting {name!r}")
            default = getattr(defaults, name)
            if isinstance(default, bool):
                values[name] = raw.strip().lower() in ("1", "true", "yes", "on")
            elif isinstance(default, int):
                values[name] = int(raw)
            else:
                values[name] = raw.strip()
        url = public_url or environ.get(ENV_PUBLIC_URL) or values.get("public_url") or None
        values["public_url"] = str(url).rstrip("/") if url else None
        return replace(defaults, **values)


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
    console: ConsoleSettings = field(default_factory=ConsoleSettings)

    def to_environment(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_environment(cls, text: str | None) -> HubSettings:
        if not text:
            return cls()
        data = json.loads(text)
        data["limits"] = HubLimits(**data.get("limits", {}))
        data["console"] = ConsoleSettings(**data.get("console", {}))
        for name in ("trusted_ca_files", "crl_files"):
            data[name] = tuple(data.get(name, ()))
        return cls(**data)

    def paths(self, name: str) -> list[Path]:
        return [Path(item) for item in getattr(self, name)]
