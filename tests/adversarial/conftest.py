"""The adversarial tests use the same real hub process as the sync tests."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from tests.sync.conftest import engine_for, enrolled, hub, scan_store  # noqa: F401


@cache
def hub_has_route(path: str) -> bool:
    """Whether the hub on this branch serves `path` (under the API prefix), without starting it:
    parts of issue 12 are built on the hub side in parallel."""
    from fastapi import APIRouter

    import ozq_hub.api

    for info in pkgutil.iter_modules(ozq_hub.api.__path__):
        module = importlib.import_module(f"ozq_hub.api.{info.name}")
        for value in vars(module).values():
            if isinstance(value, APIRouter) and any(
                getattr(route, "path", "") == path for route in value.routes
            ):
                return True
    return False
