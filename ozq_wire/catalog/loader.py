"""Loading and validating the service files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import ValidationError as PydanticValidationError

from ozq_wire.catalog.schema import RuleViolation, Service
from ozq_wire.errors import CatalogError, UnknownServiceError

SHIPPED = Path(__file__).resolve().parent / "services"


def _field_path(loc: tuple[object, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def load_service_file(path: Path) -> Service:
    """One service file, or a CatalogError naming the file and the field."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(
            "Catalog file {file} cannot be read: {reason}", file=path.name, reason=str(exc)
        ) from exc
    except RecursionError as exc:
        raise CatalogError(
            "Catalog file {file} is nested too deeply to be a service description.",
            file=path.name,
        ) from exc
    except json.JSONDecodeError as exc:
        raise CatalogError(
            "Catalog file {file} is not valid JSON (line {line}): {reason}",
            file=path.name,
            line=exc.lineno,
            reason=exc.msg,
        ) from exc
    try:
        return Service.model_validate(raw)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        rule = (first.get("ctx") or {}).get("error")
        loc = rule.loc if isinstance(rule, RuleViolation) else tuple(first["loc"])
        reason = str(rule) if isinstance(rule, RuleViolation) else first["msg"]
        raise CatalogError(
            "Catalog file {file}, field {field}: {reason}",
            file=path.name,
            field=_field_path(loc),
            reason=reason,
        ) from exc
    except RecursionError as exc:
        raise CatalogError(
            "Catalog file {file} is nested too deeply to be a service description.",
            file=path.name,
        ) from exc


@dataclass(frozen=True)
class Catalog:
    services: tuple[Service, ...]

    def __iter__(self) -> Iterator[Service]:
        return iter(self.services)

    def __len__(self) -> int:
        return len(self.services)

    def get(self, service_id: str) -> Service:
        for service in self.services:
            if service.id == service_id:
                return service
        raise UnknownServiceError("Unknown service {service}", service=service_id)


def load_catalog(folder: Path | None = None) -> Catalog:
    """Every `*.json` in the folder (the shipped catalog by default), ordered by number."""
    if folder is None:
        return _shipped_catalog()
    services = [load_service_file(p) for p in sorted(folder.glob("*.json"))]
    ids = [s.id for s in services]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise CatalogError("Two catalog files declare the service {service}", service=duplicate)
    return Catalog(tuple(sorted(services, key=lambda s: s.number)))


@cache
def _shipped_catalog() -> Catalog:
    return load_catalog(SHIPPED)
