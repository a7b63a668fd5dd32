"""The desk's local preferences, declared once: each key with its type and default.

These are this computer's preferences (the language, the printer, folders, how often to
sync), kept in `settings.ini` in the data folder. What belongs to the branch (auto-lock
minutes) or to a user (their EDS) is in the database instead.

    settings.get(SYNC_INTERVAL_MINUTES)            # an int within 1..120, 5 if unset or bad
    settings.set(COPIES, 2, kind="receipt")         # the key "printing/copies/receipt"

Qt-free: the store is anything with QSettings' `value(key, default)` and `setValue(key,
value)`; the app gives a QSettings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


class Store(Protocol):
    def value(self, key: str, defaultValue: Any = None) -> Any: ...

    def setValue(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One preference: its key (may hold `{placeholders}`), its default, and how a stored value
    is read back (QSettings' INI files give strings); a value that does not parse is the
    default."""

    key: str
    default: T
    parse: Callable[[Any], T]
    description: str = ""

    def key_for(self, **parts: str) -> str:
        return self.key.format(**parts) if parts else self.key

    def read(self, raw: Any) -> T:
        if raw is None or raw == "":
            return self.default
        try:
            return self.parse(raw)
        except (TypeError, ValueError):
            return self.default


def text() -> Callable[[Any], str]:
    return str


def whole(low: int, high: int) -> Callable[[Any], int]:
    def parse(raw: Any) -> int:
        return min(high, max(low, int(raw)))

    return parse


def flag() -> Callable[[Any], bool]:
    """A yes/no: QSettings' INI files give back "true"/"false" strings."""

    def parse(raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text not in ("true", "false", "1", "0"):
            raise ValueError(raw)
        return text in ("true", "1")

    return parse


def lines() -> Callable[[Any], tuple[str, ...]]:
    """A list of text lines (one stored line is given back as a plain string)."""

    def parse(raw: Any) -> tuple[str, ...]:
        return (str(raw),) if isinstance(raw, str) else tuple(str(line) for line in raw)

    return parse


def one_of(*choices: str) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        if str(raw) not in choices:
            raise ValueError(raw)
        return str(raw)

    return parse


LANGUAGE = Setting("ui/language", "kk", one_of("kk", "ru"), "the interface language")
LAST_LOGIN = Setting(
    "ui/last_login", "", text(), "the login signed in last: filled in, the password focused"
)
SYNC_INTERVAL_MINUTES = Setting(
    "sync/interval_minutes", 5, whole(1, 120), "minutes between automatic syncs"
)
PRINTER = Setting("printing/printer", "", text(), "the printer chosen last")
COPIES = Setting("printing/copies/{kind}", 1, whole(1, 99), "copies printed last, per document")
DUPLEX = Setting("printing/duplex/{kind}", False, flag(), "both sides, per document")
RECEIPT_AT_ONCE = Setting(
    "printing/receipt_at_once", False, flag(), "print receipts at once, without the preview"
)
SAVE_FOLDER = Setting("printing/save_folder", "", text(), "where documents were saved last")
SCAN_FOLDER = Setting("scans/last_folder", "", text(), "where scans were attached from last")
SCANNER_DEVICE = Setting("scanner/device", "", text(), "the scanner used last")
SCANNER_SOURCE = Setting(
    "scanner/source", "flatbed", one_of("flatbed", "feeder"), "flatbed or document feeder"
)
SCANNER_DPI = Setting("scanner/dpi", 300, whole(200, 300), "scanning resolution")
SCANNER_MODE = Setting("scanner/mode", "grey", one_of("grey", "colour"), "greyscale or colour")
SCANNER_OPTIONS = Setting(
    "scanner/device_options",
    (),
    lines(),
    'options a scanner model needs, as "--name=value" lines (rarely set)',
)

REGISTRY: tuple[Setting[Any], ...] = (
    LANGUAGE,
    LAST_LOGIN,
    SYNC_INTERVAL_MINUTES,
    PRINTER,
    COPIES,
    SAVE_FOLDER,
    SCAN_FOLDER,
    DUPLEX,
    RECEIPT_AT_ONCE,
    SCANNER_DEVICE,
    SCANNER_SOURCE,
    SCANNER_DPI,
    SCANNER_MODE,
    SCANNER_OPTIONS,
)


class Settings:
    """Typed access to the declared preferences; an undeclared key is refused."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, setting: Setting[T], **parts: str) -> T:
        self._declared(setting)
        return setting.read(self.store.value(setting.key_for(**parts)))

    def set(self, setting: Setting[T], value: T, **parts: str) -> None:
        self._declared(setting)
        self.store.setValue(setting.key_for(**parts), value)

    @staticmethod
    def _declared(setting: Setting[Any]) -> None:
        if setting not in REGISTRY:
            raise KeyError(f"undeclared setting {setting.key!r}: add it to settings.REGISTRY")
