"""What the screens are given by the composition root: no globals, no hidden singletons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QSettings
from sqlalchemy.orm import Session

from ozq_desktop.devices.printer import PrintSystem
from ozq_desktop.devices.scanner import Scanner, system_scanner
from ozq_desktop.domain.recovery import DeskKeys
from ozq_desktop.models import BranchSettings, User
from ozq_desktop.storage.scans import ScanStore
from ozq_desktop.ui.qt_printing import system_print_system
from ozq_desktop.ui.tasks import TaskRunner
from ozq_wire.catalog import Catalog


@dataclass
class DeskServices:
    tasks: TaskRunner
    catalog: Catalog
    scans: ScanStore
    settings: QSettings
    clock: Callable[[], datetime]
    # The number of packages waiting to reach the hub; read in a background session.
    outbox_count: Callable[[Session], int]
    # The counter's devices: SANE or WIA, CUPS or the Windows spooler (devices/, qt_printing).
    scanner: Scanner = field(default_factory=system_scanner)
    printers: PrintSystem = field(default_factory=system_print_system)
    # The data folder and the data key: the recovery sheet and the hub token's fallback file.
    keys: DeskKeys | None = None


@dataclass(frozen=True)
class Clerk:
    """Who is signed in, and at which desk."""

    user: User
    branch: BranchSettings
