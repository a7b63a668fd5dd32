"""What the screens are given by the composition root: no globals, no hidden singletons.

`DeskServices` lives as long as the program; `SignedIn` as long as one clerk's session. The
session's values (the clerk's account, the branch) are frozen; when a write changes them the
session reads them again and replaces them (`replaced`), so no screen patches a copy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from ozq_desktop.devices.printer import PrintSystem
from ozq_desktop.devices.scanner import Scanner, system_scanner
from ozq_desktop.domain.changes import Changes
from ozq_desktop.domain.profiles import Account, Branch
from ozq_desktop.domain.recovery import DeskKeys
from ozq_desktop.settings import Settings
from ozq_desktop.storage.scans import ScanStore
from ozq_desktop.ui.qt_printing import system_print_system
from ozq_desktop.ui.tasks import TaskRunner
from ozq_wire.catalog import Catalog


@dataclass(frozen=True)
class DeskServices:
    tasks: TaskRunner
    catalog: Catalog
    scans: ScanStore
    settings: Settings
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
    """Who is signed in, and at which desk: one snapshot."""

    user: Account
    branch: Branch


def read_clerk(session: Session, user_id: int) -> Clerk:
    from ozq_desktop.domain.profiles import account, branch_profile

    return Clerk(account(session=session, user_id=user_id), branch_profile(session=session))


class SignedIn(QObject):
    """The signed-in session: `clerk` (with `user` and `branch`) is replaced, never edited,
    when a write announces that this user or the branch changed."""

    replaced = Signal(object)  # the new Clerk

    def __init__(self, tasks: TaskRunner, clerk: Clerk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._clerk = clerk
        tasks.changed.connect(self._changed)

    @property
    def clerk(self) -> Clerk:
        return self._clerk

    @property
    def user(self) -> Account:
        return self._clerk.user

    @property
    def branch(self) -> Branch:
        return self._clerk.branch

    def _changed(self, changes: Changes) -> None:
        if changes.branch or self._clerk.user.id in changes.users:
            user_id = self._clerk.user.id
            self._tasks.read(lambda s: read_clerk(s, user_id), self._replace, owner=self)

    def _replace(self, clerk: SignedIn) -> None:
        if clerk != self._clerk:
            self._clerk = clerk
            self.replaced.emit(clerk)
