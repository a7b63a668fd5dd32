"""What an operator sees of a running hub: request ids, JSON logs and Prometheus metrics.

Every request carries an id: the desk's `X-Request-ID` when it sends a sane one, else a new
one. It is answered in the same header, put on every log line written while the request runs
(a context variable, which follows the request into its worker thread), and on the access line
written when it ends. Logs are one JSON object per line on standard error.

Metrics use `prometheus-client`. `ozq-hub serve` points `PROMETHEUS_MULTIPROC_DIR` at an empty
folder before any worker starts, so the counters of every worker process add up on `/metrics`
(the client's multi-process mode); without it (an app built in-process, in tests) they live in
the process's own registry. Figures that belong to the database (queue depth, overdue packages,
bytes stored) are read from it when `/metrics` is scraped (`ozq_hub.service.queue`).
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

ENV_MULTIPROC = "PROMETHEUS_MULTIPROC_DIR"
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("ozq_request_id", default="-")

REQUESTS = Counter(
    "ozq_hub_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "ozq_hub_request_seconds",
    "Time from the request's first byte to its answer",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10, 30),
)
UPLOADS_IN_PROGRESS = Gauge(
    "ozq_hub_uploads_in_progress",
    "Upload chunks being received right now",
    multiprocess_mode="livesum",
)

access_log = logging.getLogger("ozq_hub.access")


class RequestContextMiddleware:
    """Request id in and out, one access log line and the request metrics per request.

    Pure ASGI (no BaseHTTPMiddleware): it adds a few microseconds, not a task per request."""

    def __init__(self, app, *, upload_prefix: str) -> None:
        self.app = app
        self.upload_prefix = upload_prefix

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                given = value.decode("latin-1")
                break
        rid = given if given and _SANE_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500
        header = (b"x-request-id", rid.encode("ascii"))

        async def send_with_id(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        upload = scope["method"] == "PATCH" and scope["path"].startswith(self.upload_prefix)
        if upload:
            UPLOADS_IN_PROGRESS.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if upload:
                UPLOADS_IN_PROGRESS.dec()
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):
                client = scope.get("client")
                access_log.info(
                    "request",
                    extra={
                        "http": {
                            "method": method,
                            "route": route,
                            "path": scope["path"],
                            "status": status,
                            "ms": round(elapsed * 1000, 1),
                            "client": client[0] if client else None,
                        }
                    },
                )
            request_id.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": request_id.get(),
            "pid": record.process,
        }
        http = getattr(record, "http", None)
        if http:
            entry.update(http)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime


def logging_config(level: str = "info", *, access: bool = True) -> dict:
    """`logging.config.dictConfig` for the hub and uvicorn: JSON lines on standard error."""
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "ozq_hub": {"handlers": ["stderr"], "level": level, "propagate": False},
            "ozq_hub.access": {
                "handlers": ["stderr"],
                "level": level if access else "WARNING",
                "propagate": False,
            },
        },
    }


class DatabaseCollector(Collector):
    """Gauges read from the database at scrape time, by `read()` -> families."""

    def __init__(self, read: Callable[[], Iterable[GaugeMetricFamily]]) -> None:
        self.read = read

    def collect(self) -> Iterable[GaugeMetricFamily]:
        try:
            yield from self.read()
        except Exception:  # a scrape must not fail because the database is busy
            logging.getLogger(__name__).warning("database metrics unavailable", exc_info=True)
            yield GaugeMetricFamily(
                "ozq_hub_database_metrics_up", "1 when the database figures could be read", 0
            )


def exposition(database_collector: Collector | None) -> tuple[bytes, str]:
    """The text `/metrics` answers: every worker's metrics, then the database's figures."""
    registry = CollectorRegistry()
    if os.environ.get(ENV_MULTIPROC):
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
        if database_collector is not None:
            # The process registry is shared: collect the database separately.
            return generate_latest(registry) + _render(database_collector), CONTENT_TYPE_LATEST
    if database_collector is not None:
        registry.register(database_collector)
    return generate_latest(registry), CONTENT_TYPE_LATEST


def _render(collector: Collector) -> bytes:
    registry = CollectorRegistry()
    registry.register(collector)
    return generate_latest(registry)
