"""Log records that can repeat without end, let through at a bounded rate.

When the hub runs out of file descriptors (hundreds of idle or slow sockets), asyncio logs
"socket.accept() out of system resource" with a traceback for every connection it fails to
accept, thousands of times a second: a review saw the log grow 645 MB in 40 s. This filter
keeps the first such record of each window and counts the rest into the next one.
"""

from __future__ import annotations

import logging
import threading
import time

FLOODING = ("socket.accept() out of system resource",)


class RateLimitFilter(logging.Filter):
    """At most one record per `every` seconds for each message prefix in `prefixes`."""

    def __init__(self, prefixes: tuple[str, ...] = FLOODING, every: float = 10.0) -> None:
        super().__init__()
        self.prefixes = prefixes
        self.every = every
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        prefix = next((p for p in self.prefixes if message.startswith(p)), None)
        if prefix is None:
            return True
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(prefix, -self.every) < self.every:
                self._suppressed[prefix] = self._suppressed.get(prefix, 0) + 1
                return False
            self._last[prefix] = now
            suppressed = self._suppressed.pop(prefix, 0)
        if suppressed:
            record.msg = f"{message} ({suppressed} more like it in the last {self.every:.0f} s)"
        record.exc_info = None  # the traceback is always the same EMFILE
        record.exc_text = None
        return True


_installed = False


def bound_accept_errors(every: float = 10.0) -> None:
    """Install the filter on asyncio's logger, once per process."""
    global _installed
    if not _installed:
        logging.getLogger("asyncio").addFilter(RateLimitFilter(every=every))
        _installed = True


def raise_open_file_limit() -> None:
    """Use the hard limit on open files, not the (often 1024) soft one: more sockets before
    accept() fails at all."""
    try:
        import resource
    except ImportError:  # Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
