"""What a write changed: the small value every domain write returns (after Anki's OpChanges).

A write returns a `Changes` (or a result that carries one as `.changes`, such as
`Written(value, changes)` or `AcceptanceResult`). The UI's task helper runs the write in one
transaction and, once it has committed, announces the changes on one signal; every open screen
decides for itself whether what changed concerns it (docs/architecture.md). Views therefore
never refresh by hand after a write, and session values (the signed-in clerk, the branch) are
read again when a write changes them, never patched.

Qt-free: the domain, the sync engine and the tests use it as plain data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    """What one write touched. Sets name the rows; flags say "something of this kind"."""

    packages: frozenset[str] = frozenset()  # ids of packages written (any field, status included)
    users: frozenset[int] = frozenset()  # ids of users written (accounts, passwords, signing)
    branch: bool = False  # the branch and desk settings (identity, auto-lock minutes)
    calendar: bool = False  # the working calendar, and with it open packages' result dates
    outbox: bool = False  # what waits for the hub, and why (needs attention)
    drafts: bool = False  # the wizard's saved drafts
    complaints: bool = False  # the complaints journal
    registers: frozenset[date] = frozenset()  # days whose register was signed off
    audit: bool = False  # audit rows only (printing, saving a document)
    sync: bool = False  # the hub connection: address, device, cursor, last sync

    @classmethod
    def of_packages(cls, ids: Iterable[str], **flags: Any) -> Changes:
        return cls(packages=frozenset(ids), **flags)

    @classmethod
    def of_users(cls, ids: Iterable[int], **flags: Any) -> Changes:
        return cls(users=frozenset(ids), **flags)

    def __or__(self, other: Changes) -> Changes:
        merged = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            merged[f.name] = mine | theirs
        return Changes(**merged)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @property
    def package_lists(self) -> bool:
        """Lists of packages may show something else: a package, or its result date, moved."""
        return bool(self.packages) or self.calendar


NOTHING = Changes()


@dataclass(frozen=True)
class Written(Generic[T]):
    """A write's result when it has one besides what it changed."""

    value: T
    changes: Changes


def changes_of(result: object) -> Changes | None:
    """The changes a write's result announces, or None when it announces none."""
    if isinstance(result, Changes):
        return result
    found = getattr(result, "changes", None)
    return found if isinstance(found, Changes) else None


def require_changes(result: object) -> Changes:
    """The changes of a write's result; a TypeError when the write announces none, so that a
    write that forgot to say what it changed is rolled back at once instead of leaving the
    screens stale."""
    changes = changes_of(result)
    if changes is None:
        raise TypeError(
            f"a write must return Changes (or a result with .changes), not {type(result).__name__}"
        )
    return changes


def merge(all_changes: Iterable[Changes]) -> Changes:
    merged = NOTHING
    for changes in all_changes:
        merged = merged | changes
    return merged


class Database(Protocol):
    """Units of work on the desk's database, each in its own transaction: `read(fn)` gives
    `fn(session)` a read-only snapshot; `write(fn)` runs one write transaction whose result
    must say what it changed. Code outside the UI that writes in several steps (the sync
    engine) takes one of these, so that in the app each step runs on the task helper's
    database worker (ui/tasks.py), in order with the clerk's own writes, and announces what
    it changed like any other write."""

    def read(self, fn: Callable[[Session], T]) -> T: ...

    def write(self, fn: Callable[[Session], T]) -> T: ...


class DirectDatabase:
    """A `Database` that runs each unit of work in the calling thread (scripts, tests, CLI)."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def read(self, fn: Callable[[Session], T]) -> T:
        from ozq_desktop.storage.engine import reading

        with reading(self.factory) as session:
            return fn(session)

    def write(self, fn: Callable[[Session], T]) -> T:
        from ozq_desktop.storage.engine import transaction

        with transaction(self.factory) as session:
            result = fn(session)
            require_changes(result)  # raised inside: the transaction rolls back
            return result
