from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, MetaData
from sqlalchemy.orm import DeclarativeBase

from ozq_wire.naming import NAMING


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


def now() -> datetime:
    """The desk's wall-clock time, as printed on receipts (device time: information only)."""
    return datetime.now().replace(microsecond=0)
