"""The main window's actions, declared once. The window only connects them to its slots."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QWidget

from ozq_desktop.i18n import N_, current_language, set_language, tr
from ozq_desktop.ui.language import follow_language


class ActionId(StrEnum):
    HOME = "home"
    FIND = "find"
    REFRESH = "refresh"
    LANGUAGE_KK = "language_kk"
    LANGUAGE_RU = "language_ru"
    SIGN_OUT = "sign_out"
    SYNC_NOW = "sync_now"
    NEEDS_ATTENTION = "needs_attention"
    HUB_SETTINGS = "hub_settings"
    LOCK = "lock"
    SIGNING = "signing"
    AUTO_LOCK = "auto_lock"
    TRAINING = "training"
    BRANCH_RU = "branch_in_russian"
    HANDOVER = "handover"
    DEADLINES = "deadlines"
    REGISTER = "register"
    COMPLAINTS = "complaints"
    CALENDAR = "calendar"
    USERS = "users"
    SERVICE_TIME = "service_time"
    RECOVERY_SHEET = "recovery_sheet"
    QUIT = "quit"


@dataclass(frozen=True)
class ActionSpec:
    id: ActionId | str
    text: Callable[[], str]
    shortcut: str = ""
    checkable: bool = False
    group: str = ""


def _msg(msgid: str) -> Callable[[], str]:
    return lambda: tr(msgid)


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(ActionId.HOME, _msg(N_("Home")), "Alt+Home"),
    ActionSpec(ActionId.FIND, _msg(N_("Find a package")), "Ctrl+F"),
    ActionSpec(ActionId.REFRESH, _msg(N_("Refresh")), "F5"),
    # A language is named in that language on both interfaces.
    ActionSpec(ActionId.LANGUAGE_KK, _msg(N_("Қазақша")), "Ctrl+Shift+K", True, "language"),
    ActionSpec(ActionId.LANGUAGE_RU, _msg(N_("Русский")), "Ctrl+Shift+R", True, "language"),
    ActionSpec(ActionId.SIGN_OUT, _msg(N_("Sign out")), ""),
    ActionSpec(ActionId.SYNC_NOW, _msg(N_("Sync now")), "F9"),
    ActionSpec(ActionId.NEEDS_ATTENTION, _msg(N_("Needs attention…")), ""),
    ActionSpec(ActionId.HUB_SETTINGS, _msg(N_("Connect to the hub…")), ""),
    ActionSpec(ActionId.LOCK, _msg(N_("Lock the desk")), "Ctrl+L"),
    ActionSpec(ActionId.SIGNING, _msg(N_("Signing key (EDS)…")), ""),
    ActionSpec(ActionId.AUTO_LOCK, _msg(N_("Auto-lock…")), ""),
    ActionSpec(ActionId.TRAINING, _msg(N_("Training mode")), "", True),
    ActionSpec(ActionId.BRANCH_RU, _msg(N_("Branch name and address in Russian…")), ""),
    ActionSpec(ActionId.HANDOVER, _msg(N_("Hand over a result")), "Ctrl+H"),
    ActionSpec(ActionId.DEADLINES, _msg(N_("Deadlines")), "Ctrl+1"),
    ActionSpec(ActionId.REGISTER, _msg(N_("Daily register")), "Ctrl+2"),
    ActionSpec(ActionId.COMPLAINTS, _msg(N_("Complaints")), "Ctrl+3"),
    ActionSpec(ActionId.CALENDAR, _msg(N_("Working calendar")), "Ctrl+4"),
    ActionSpec(ActionId.USERS, _msg(N_("Users")), "Ctrl+5"),
    ActionSpec(ActionId.SERVICE_TIME, _msg(N_("Service time")), "Ctrl+6"),
    ActionSpec(ActionId.RECOVERY_SHEET, _msg(N_("Recovery sheet of the data key…")), ""),
    ActionSpec(ActionId.QUIT, _msg(N_("Quit")), "Ctrl+Q"),
)

# The supervisor's screens, each a tab of the supervision window (ui/supervisor/window.py).
SUPERVISOR_ACTIONS = (
    ActionId.DEADLINES,
    ActionId.REGISTER,
    ActionId.COMPLAINTS,
    ActionId.CALENDAR,
    ActionId.USERS,
    ActionId.SERVICE_TIME,
)

LANGUAGE_ACTIONS = {ActionId.LANGUAGE_KK: "kk", ActionId.LANGUAGE_RU: "ru"}


class ActionRegistry(QObject):
    """QActions built from specs, owned by one window, retranslated on a language switch."""

    def __init__(self, owner: QWidget, specs: tuple[ActionSpec, ...] = SPECS) -> None:
        super().__init__(owner)
        self._owner = owner
        self._actions: dict[str, QAction] = {}
        self._specs: dict[str, ActionSpec] = {}
        self._groups: dict[str, QActionGroup] = {}
        for spec in specs:
            self.add(spec)
        follow_language(self.retranslate)
        self.sync_language()

    def add(self, spec: ActionSpec) -> QAction:
        action = QAction(spec.text(), self._owner)
        action.setObjectName(f"action_{spec.id}")
        if spec.shortcut:
            action.setShortcut(QKeySequence(spec.shortcut))
        action.setCheckable(spec.checkable)
        if spec.group:
            group = self._groups.setdefault(spec.group, QActionGroup(self._owner))
            group.addAction(action)
        self._owner.addAction(action)
        self._actions[str(spec.id)] = action
        self._specs[str(spec.id)] = spec
        return action

    def __getitem__(self, action_id: ActionId | str) -> QAction:
        return self._actions[str(action_id)]

    def __iter__(self):
        return iter(self._actions.values())

    def retranslate(self) -> None:
        for key, action in self._actions.items():
            action.setText(self._specs[key].text())
        self.sync_language()

    def sync_language(self) -> None:
        lang = current_language()
        for action_id, code in LANGUAGE_ACTIONS.items():
            if str(action_id) in self._actions:
                self._actions[str(action_id)].setChecked(code == lang)


def language_actions(window: QWidget) -> ActionRegistry:
    """Ctrl+Shift+K and Ctrl+Shift+R in a window of its own (the supervision window, the
    hand-over dialog): the main window's shortcuts do not reach into other windows."""
    specs = tuple(spec for spec in SPECS if spec.id in LANGUAGE_ACTIONS)
    registry = ActionRegistry(window, specs)
    for action_id, code in LANGUAGE_ACTIONS.items():
        registry[action_id].triggered.connect(lambda _=False, c=code: set_language(c))
    return registry
