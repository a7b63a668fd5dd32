"""The service catalog: what each state service requires, read from data files."""

from ozq_wire.catalog.loader import Catalog, load_catalog, load_service_file
from ozq_wire.catalog.schema import (
    ApplicantType,
    DocumentSpec,
    ResultKind,
    Service,
    Term,
    TermUnit,
)

__all__ = [
    "ApplicantType",
    "Catalog",
    "DocumentSpec",
    "ResultKind",
    "Service",
    "Term",
    "TermUnit",
    "load_catalog",
    "load_service_file",
]
