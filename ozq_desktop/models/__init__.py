"""SQLAlchemy 2 typed models of the desk's local database (one Base)."""

from ozq_desktop.models.base import Base
from ozq_desktop.models.branch import BranchSettings, User
from ozq_desktop.models.calendar import CalendarOverrideRow
from ozq_desktop.models.package import Package, PackageDocument, PackageFile
from ozq_desktop.models.supervision import Complaint, DaySignOff
from ozq_desktop.models.system import AuditRow, Draft, OutboxItem, ReceiptCounter, SyncState

__all__ = [
    "AuditRow",
    "Base",
    "BranchSettings",
    "CalendarOverrideRow",
    "Complaint",
    "DaySignOff",
    "Draft",
    "OutboxItem",
    "Package",
    "PackageDocument",
    "PackageFile",
    "ReceiptCounter",
    "SyncState",
    "User",
]
