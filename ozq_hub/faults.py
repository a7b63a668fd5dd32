"""Fault injection for the fault tests (docs/sync.md, "Proved with faults").

`OZQ_HUB_FAULTS=crash_after_commit` makes the hub die right after a package commit
is durable and before it answers. Unset in production, where nothing here fires.
"""

from __future__ import annotations

import os

ENV = "OZQ_HUB_FAULTS"
CRASH_AFTER_COMMIT = "crash_after_commit"


def enabled(fault: str) -> bool:
    return fault in os.environ.get(ENV, "").split(",")


def crash_if(fault: str) -> None:
    if enabled(fault):
        os._exit(70)
