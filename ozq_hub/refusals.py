"""What the hub's rules raise when they refuse: a machine code and an English detail.

The service layer knows no HTTP. `ozq_hub.api.handlers` maps each code to its status; the
CLI prints the detail. Kept free of FastAPI so the CLI can use the rules without the web stack.
"""

from __future__ import annotations

from ozq_wire.protocol import ErrorCode


class Refusal(Exception):
    """A rule said no. `extra` carries the ApiError fields that go with some codes
    (`offset`, `missing_blobs`, `retry_after`)."""

    def __init__(self, code: ErrorCode, detail: str, **extra: object) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.extra = extra
