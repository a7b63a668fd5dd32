"""Python's cycle collector, kept from pausing the GUI.

A full collection walks every object the interpreter holds: after start-up that is Qt's
bindings, SQLAlchemy, reportlab, pydantic and the catalog, and a walk took 67–179 ms on the GUI
thread while signing in (and ~100 ms in the worker rendering the register, which holds the
interpreter lock meanwhile). Two measures, measured with bench/bench_gui.py:

- `freeze()` once start-up is done (and again once the main window stands): everything alive
  then moves to the permanent generation, which no collection walks again. It is O(1).
- Fewer young collections: the first threshold is raised from 700 to 10,000 allocations, so
  the second and third generations fill (and are walked) less often; each walk stays small
  because what is long-lived is frozen.

With OZQ_DEV=1, every collection over 20 ms is logged with its generation and duration.
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger(__name__)

THRESHOLDS = (10_000, 10, 10)
SLOW_MS = 20.0

_started: dict[int, float] = {}


def tune() -> None:
    gc.set_threshold(*THRESHOLDS)


def freeze() -> None:
    """Move what is alive now out of the collector's walks."""
    gc.freeze()


def log_slow_collections() -> None:
    def watch(phase: str, info: dict) -> None:
        generation = info.get("generation", -1)
        if phase == "start":
            _started[generation] = time.perf_counter()
        elif generation in _started:
            ms = (time.perf_counter() - _started.pop(generation)) * 1000
            if ms > SLOW_MS:
                log.warning("garbage collection of generation %d took %.0f ms", generation, ms)

    gc.callbacks.append(watch)
