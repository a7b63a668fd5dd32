"""A refusal the hub's rules raise; `ozq_hub.api.handlers` turns it into a JSON answer.

Kept free of FastAPI so the CLI can use the rules without loading the web stack.
"""

from __future__ import annotations

from ozq_wire.protocol import ErrorCode


class HubProblem(Exception):
    """A refusal with its HTTP status, machine code and English detail."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: object,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra
