"""Routes for the operator's tools, outside the desk protocol: liveness, readiness, metrics.

- `GET /livez`: the process answers (no database call). A supervisor restarts it when not.
- `GET /readyz`: the database and the blob store answer; a load balancer sends requests
  to this instance only while it says 200.
- `GET /metrics`: Prometheus text; nginx keeps it off the public address (deploy/).
"""

from __future__ import annotations

import datetime as dt
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import text

from ozq_hub.api.deps import HubContext
from ozq_hub.api.handlers import problem_response
from ozq_hub.db import utcnow
from ozq_hub.observability import DatabaseCollector, exposition
from ozq_hub.service.queue import queue_figures
from ozq_wire.protocol import ErrorCode

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


@router.get("/livez")
async def livez() -> JSONResponse:
    return JSONResponse({"status": "alive"})


@router.get("/readyz")
def readyz(request: Request) -> Response:
    hub: HubContext = request.app.state.hub
    try:
        with hub.db.reading() as session:
            session.execute(text("SELECT epoch FROM hub_meta WHERE id = 1")).scalar_one()
        hub.store.check()
    except Exception as exc:  # whatever it is, this instance must not get traffic
        log.warning("not ready: %s", exc)
        return problem_response(503, ErrorCode.UNAVAILABLE, f"not ready: {type(exc).__name__}")
    return JSONResponse({"status": "ready"})


def database_families(hub: HubContext, now: dt.datetime | None = None):
    with hub.db.reading() as session:
        figures = queue_figures(session, now=now or utcnow(), tz=hub.tz)
    waiting = GaugeMetricFamily(
        "ozq_hub_queue_depth",
        "Packages received and waiting for the committee's first decision",
        labels=["branch"],
    )
    overdue = GaugeMetricFamily(
        "ozq_hub_queue_overdue",
        "Packages waiting for a decision past their due date (as the console's queue)",
        labels=["branch"],
    )
    for branch in sorted(figures.waiting):
        waiting.add_metric([branch], figures.waiting[branch])
        overdue.add_metric([branch], figures.overdue[branch])
    yield waiting
    yield overdue
    yield GaugeMetricFamily("ozq_hub_blobs_stored", "Verified blobs held", figures.blobs)
    yield GaugeMetricFamily(
        "ozq_hub_bytes_stored", "Bytes of verified blobs held (plain size)", figures.bytes_stored
    )
    yield GaugeMetricFamily("ozq_hub_database_metrics_up", "1 when read", 1)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    hub: HubContext = request.app.state.hub
    body, content_type = exposition(DatabaseCollector(lambda: database_families(hub)))
    return Response(body, media_type=content_type)
