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
    db_connections: int = 24  # per worker process; also its number of request threads


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
