"""Keep None, True and False alive under a PySide6 build that returns them borrowed.

PySide6 6.12.0 on CPython 3.11 gives back `None` from every void method (`setText`,
`setFocus`, …) and `True` from `Signal.emit()` without a reference of their own: each call
takes one reference away, and after some tens of thousands of calls the interpreter aborts
with "none_dealloc" or "bool_dealloc". CPython 3.12 made these singletons immortal, which is
why only 3.11 is hit; PySide6 6.11.3 does not have the bug. Here we do what CPython 3.12 does:
when a probe shows the loss, the three singletons get a reference count no run can use up.
They are statically allocated and never freed, so a larger count changes nothing else.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

PROBE_CALLS = 64
# Far more calls than a desk makes in years; the count is otherwise untouched.
RESERVE = 1 << 40


class _Probe(QObject):
    ping = Signal()


def leaks() -> bool:
    """Whether this PySide6 takes references from None or True on plain calls."""
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(PROBE_CALLS):
        probe.setObjectName("probe")
        probe.ping.emit()
    lost_none = none_before - sys.getrefcount(None)
    lost_true = true_before - sys.getrefcount(True)
    return max(lost_none, lost_true) >= PROBE_CALLS // 2


def _reserve(obj: object) -> None:
    # CPython (non-debug, < 3.12): ob_refcnt is the first field of every object.
    count = ctypes.c_ssize_t.from_address(id(obj))
    count.value += RESERVE


def protect() -> bool:
    """Apply the reserve when needed; True when it was applied."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython" or not leaks():
        return False
    for singleton in (None, True, False):
        _reserve(singleton)
    return True


PROTECTED = protect()
