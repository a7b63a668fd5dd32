"""Emitting a Qt signal from Python, safely with every PySide6 build we meet.

PySide6 6.12.0 on CPython 3.11 returns a borrowed `True` from `SignalInstance.emit()`: each
emit takes one reference away from `True`, and after a few thousand emits the interpreter
aborts with "bool_dealloc: deallocating True or False". 6.11.3 does not, and on CPython 3.12+
`True` is immortal. So UI code emits through `emit()`, which measures the loss once and
gives the reference back when there is one; with a fixed PySide6 it is a plain emit.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBE_EMITS = 16

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    ping = Signal()


def _references_lost_per_emit() -> int:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBE_EMITS):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    per_emit = max(0, round(lost / _PROBE_EMITS))
    for _ in range(per_emit * _PROBE_EMITS):
        _incref(True)  # give back what the probe itself took
    return per_emit


LOST_PER_EMIT = _references_lost_per_emit()


def emit(signal: SignalInstance, *args: Any) -> None:
    signal.emit(*args)
    for _ in range(LOST_PER_EMIT):
        _incref(True)
