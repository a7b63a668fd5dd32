"""The FastAPI application factory."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from dataclasses import fields
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from ozq_hub import console as console_pages
from ozq_hub import migrate
from ozq_hub.api import committee, desk, uploads
from ozq_hub.api.deps import HubContext
from ozq_hub.api.handlers import install_problem_handlers
from ozq_hub.api.limits import BodyLimitMiddleware, FailureThrottle
from ozq_hub.db import Database
from ozq_hub.service import due, signatures
from ozq_hub.service.blobs import BlobStore
from ozq_hub.settings import ConsoleSettings, HubLimits
from ozq_wire.protocol import API_PREFIX, PROTOCOL_VERSION

ENV_DB = "OZQ_HUB_DB"
ENV_BLOB_DIR = "OZQ_HUB_BLOB_DIR"
ENV_COMMITTEE_TOKEN = "OZQ_HUB_COMMITTEE_TOKEN"
ENV_TRUSTED_CA = "OZQ_HUB_TRUSTED_CA"  # PEM files of trusted CAs, os.pathsep-separated
ENV_PUBLIC_URL = "OZQ_HUB_PUBLIC_URL"  # e.g. https://ozq.example.kz: the status page's base
ENV_CONSOLE = "OZQ_HUB_CONSOLE"  # console settings as name=value,…, e.g. idle_minutes=20


def default_blob_dir(database_url: str) -> Path:
    """Next to the SQLite file; a PostgreSQL hub must be told where its blobs go."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise ValueError("give a blob directory for a PostgreSQL hub")
    return Path(url.database).resolve().parent / "blobs"


def create_app(
    database_url: str,
    *,
    committee_token: str | None = None,
    blob_dir: str | Path | None = None,
    limits: HubLimits | None = None,
    migrate_schema: bool = False,
    trusted_ca_files: list[Path] | None = None,
    console: ConsoleSettings | None = None,
) -> FastAPI:
    """The hub as an ASGI app.

    `committee_token`: a token accepted on /committee routes besides those issued with
    `ozq-hub committee-token` (stored hashed). `migrate_schema`: run the migrations
    first; otherwise the schema must already be at head (`ozq-hub migrate`).
    `trusted_ca_files`: PEM files of the CAs clerks' EDS certificates chain to; with any,
    every declared package must carry a signature that verifies (docs/hub.md).
    `console`: the committee console's and the status page's settings (docs/console.md).
    """
    trusted = signatures.load_trusted_cas(trusted_ca_files or [])
    limits = limits or HubLimits()
    database = Database(database_url, pool_size=limits.db_connections)
    if migrate_schema:
        migrate.upgrade(database)
    elif not migrate.is_current(database):
        database.dispose()
        raise RuntimeError("the hub database is not at the current schema: run `ozq-hub migrate`")
    context = HubContext(
        db=database,
        store=BlobStore(Path(blob_dir) if blob_dir else default_blob_dir(database_url)),
        limits=limits,
        committee_token=committee_token or None,
        enrol_throttle=FailureThrottle(limits.enrol_failures, limits.enrol_window_seconds),
        console=console or ConsoleSettings(),
        tz=due.zone((console or ConsoleSettings()).timezone),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # One database connection per worker thread: a thread never waits for the pool,
        # and requests beyond that queue in order for a thread.
        anyio.to_thread.current_default_thread_limiter().total_tokens = limits.db_connections
        yield
        database.dispose()

    app = FastAPI(
        title="OZQ hub",
        version=f"{PROTOCOL_VERSION}",
        summary="Receives accepted packages from service-centre desks; returns decisions.",
        lifespan=lifespan,
    )
    app.state.hub = context
    app.state.trusted_cas = trusted
    install_problem_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=limits.max_json_bytes,
        upload_limit=limits.max_chunk_bytes,
        upload_prefix=f"{API_PREFIX}/uploads/",
    )
    for router in (desk.router, uploads.router, committee.router):
        app.include_router(router, prefix=API_PREFIX)
    console_pages.install(app)
    return app


def app_from_environment() -> FastAPI:
    """For `uvicorn --factory ozq_hub.app:app_from_environment` (several workers)."""
    return create_app(
        os.environ[ENV_DB],
        committee_token=os.environ.get(ENV_COMMITTEE_TOKEN),
        blob_dir=os.environ.get(ENV_BLOB_DIR) or None,
        trusted_ca_files=trusted_ca_from_environment(),
        console=console_from_environment(),
    )


def trusted_ca_from_environment() -> list[Path]:
    return [Path(part) for part in os.environ.get(ENV_TRUSTED_CA, "").split(os.pathsep) if part]


def console_from_environment(public_url: str | None = None) -> ConsoleSettings:
    """`OZQ_HUB_PUBLIC_URL`, and `OZQ_HUB_CONSOLE="name=value,…"` for any other setting of
    `ConsoleSettings` (numbers, true/false or text)."""
    values: dict[str, object] = {}
    names = {f.name: f.type for f in fields(ConsoleSettings)}
    for part in os.environ.get(ENV_CONSOLE, "").split(","):
        name, _, raw = part.strip().partition("=")
        if not name:
            continue
        if name not in names:
            raise ValueError(f"{ENV_CONSOLE}: no console setting {name!r}")
        default = getattr(ConsoleSettings(), name)
        if isinstance(default, bool):
            values[name] = raw.strip().lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            values[name] = int(raw)
        else:
            values[name] = raw.strip()
    url = public_url or os.environ.get(ENV_PUBLIC_URL) or values.get("public_url") or None
    values["public_url"] = str(url).rstrip("/") if url else None
    return ConsoleSettings(**values)  # type: ignore[arg-type]
