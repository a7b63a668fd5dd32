"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from ozq_hub import console as console_pages
from ozq_hub import logs, migrate
from ozq_hub.api import committee, desk, ops, uploads
from ozq_hub.api.deps import HubContext
from ozq_hub.api.handlers import install_problem_handlers
from ozq_hub.api.limits import BodyLimitMiddleware
from ozq_hub.blobstore import BlobSettings, open_store
from ozq_hub.db import Database, utcnow
from ozq_hub.observability import RequestContextMiddleware
from ozq_hub.service import due, maintenance
from ozq_hub.service.signatures import TrustStore
from ozq_hub.settings import ENV_SETTINGS, HubSettings
from ozq_wire.protocol import API_PREFIX, PROTOCOL_VERSION

log = logging.getLogger(__name__)

ENV_DB = "OZQ_HUB_DB"
ENV_BLOB_DIR = "OZQ_HUB_BLOB_DIR"
# Bootstrap only (docs/hub.md): a committee token accepted besides the issued ones, which
# cannot be listed or revoked. Issue tokens with `ozq-hub committee-token` instead.
ENV_COMMITTEE_TOKEN = "OZQ_HUB_COMMITTEE_TOKEN"


def default_blob_dir(database_url: str) -> Path:
    """Next to the SQLite file; a PostgreSQL hub must be told where its blobs go."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise ValueError("give a blob directory for a PostgreSQL hub")
    return Path(url.database).resolve().parent / "blobs"


def blob_settings_from_environment(
    database_url: str, blob_dir: str | Path | None = None, env: dict[str, str] | None = None
) -> BlobSettings:
    """The blob store the OZQ_HUB_BLOB_* and OZQ_HUB_S3_* variables describe (docs/hub.md)."""
    env = dict(os.environ if env is None else env)
    kind = env.get("OZQ_HUB_BLOB_STORE", "filesystem")
    root = blob_dir or env.get(ENV_BLOB_DIR) or None
    if kind == "filesystem" and root is None:
        root = default_blob_dir(database_url)
    key_file = env.get("OZQ_HUB_BLOB_KEY_FILE")
    return BlobSettings(
        kind=kind,
        root=Path(root) if root else None,
        s3_bucket=env.get("OZQ_HUB_S3_BUCKET"),
        s3_endpoint=env.get("OZQ_HUB_S3_ENDPOINT"),
        s3_region=env.get("OZQ_HUB_S3_REGION"),
        s3_prefix=env.get("OZQ_HUB_S3_PREFIX", ""),
        encryption=env.get("OZQ_HUB_BLOB_ENCRYPTION", "envelope"),
        s3_sse=env.get("OZQ_HUB_S3_SSE"),
        s3_sse_kms_key=env.get("OZQ_HUB_S3_SSE_KMS_KEY"),
        key_text=env.get("OZQ_HUB_BLOB_KEY"),
        key_file=Path(key_file) if key_file else None,
    )


def trust_store(settings: HubSettings) -> TrustStore:
    """ValueError at once for an unreadable CA or CRL file."""
    return TrustStore.from_files(
        settings.paths("trusted_ca_files"),
        settings.paths("crl_files"),
        ocsp=settings.ocsp,
        revocation_mode=settings.revocation_mode,
    )


def create_app(
    database_url: str,
    *,
    committee_token: str | None = None,
    blob_dir: str | Path | None = None,
    settings: HubSettings | None = None,
    blob_settings: BlobSettings | None = None,
    migrate_schema: bool = False,
) -> FastAPI:
    """The hub as an ASGI app.

    `committee_token`: a bootstrap token accepted on /committee routes besides those issued
    with `ozq-hub committee-token` (stored hashed). `migrate_schema`: run the migrations
    first; otherwise the schema must already be at head (`ozq-hub migrate`). `settings`:
    limits, quotas, trusted CAs and CRLs (docs/hub.md), and the committee console's and the
    status page's settings (`settings.console`, docs/console.md). `blob_settings`: where
    blobs go (default: the OZQ_HUB_BLOB_* environment, else a `blobs` folder next to a
    SQLite database, or `blob_dir`).
    """
    settings = settings or HubSettings()
    limits = settings.limits
    logs.bound_accept_errors()
    database = Database(database_url, pool_size=limits.db_connections)
    if migrate_schema:
        migrate.upgrade(database)
    elif not migrate.is_current(database):
        database.dispose()
        raise RuntimeError("the hub database is not at the current schema: run `ozq-hub migrate`")
    context = HubContext(
        db=database,
        store=open_store(
            blob_settings or blob_settings_from_environment(database_url, blob_dir),
            connections=limits.db_connections * 2,
        ),
        limits=limits,
        committee_token=committee_token or None,
        trust=trust_store(settings),
        console=settings.console,
        tz=due.zone(settings.console.timezone),
    )
    holder = f"{socket.gethostname()}:{os.getpid()}"

    async def housekeeping() -> None:
        """Daily maintenance, taken by whichever hub process holds the lease."""
        check_every = min(settings.maintenance_seconds, 300.0)
        while True:
            await asyncio.sleep(check_every)
            try:
                await anyio.to_thread.run_sync(
                    lambda: maintenance.run_if_due(
                        context.db, context.store, settings, holder=holder, now=utcnow()
                    )
                )
            except Exception:  # a busy database today is tomorrow's run
                log.exception("maintenance failed; it will be tried again")

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # One database connection per worker thread: a thread never waits for the pool,
        # and requests beyond that queue in order for a thread.
        anyio.to_thread.current_default_thread_limiter().total_tokens = limits.db_connections
        task = asyncio.create_task(housekeeping())
        yield
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        assert context.executor is not None
        context.executor.shutdown(wait=True)
        database.dispose()

    app = FastAPI(
        title="OZQ hub",
        version=f"{PROTOCOL_VERSION}",
        summary="Receives accepted packages from service-centre desks; returns decisions.",
        lifespan=lifespan,
    )
    app.state.hub = context
    install_problem_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=limits.max_json_bytes,
        upload_limit=limits.max_chunk_bytes,
        upload_prefix=f"{API_PREFIX}/uploads/",
    )
    console_pages.install(app)  # its pages, and their security headers (a middleware)
    # Outermost: every answer, a 413 from the limit included, carries the request id.
    app.add_middleware(RequestContextMiddleware, upload_prefix=f"{API_PREFIX}/uploads/")
    for router in (desk.router, uploads.router, committee.router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(ops.router)
    return app


def app_from_environment() -> FastAPI:
    """For `uvicorn --factory ozq_hub.app:app_from_environment` (several workers)."""
    return create_app(
        os.environ[ENV_DB],
        committee_token=os.environ.get(ENV_COMMITTEE_TOKEN),
        blob_dir=os.environ.get(ENV_BLOB_DIR) or None,
        settings=HubSettings.from_environment(os.environ.get(ENV_SETTINGS)),
    )
