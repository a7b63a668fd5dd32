"""Where the program finds its shipped resources and keeps its user data."""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "OZQDesktop"
APP_AUTHOR = "OZQ"
DB_FILENAME = "ozq.db"  # the desk's database, in the data folder


@cache
def resources_dir() -> Path:
    """The `resources/` folder: next to the package in a checkout, inside the bundle when frozen."""
    override = os.environ.get("OZQ_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def data_dir() -> Path:
    """The per-user data folder (database, scans, backups). `OZQ_DATA_DIR` overrides it."""
    override = os.environ.get("OZQ_DATA_DIR")
    path = Path(override) if override else user_data_path(APP_NAME, APP_AUTHOR)
    path.mkdir(parents=True, exist_ok=True)
    return path
