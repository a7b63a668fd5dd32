"""Request-size limits. (The enrolment throttle is kept in the database: service/throttle.py.)"""

from __future__ import annotations

from ozq_hub.api.handlers import PayloadTooLarge, problem_response
from ozq_wire.protocol import ErrorCode


class BodyLimitMiddleware:
    """Caps request bodies: `upload_limit` under `upload_prefix`, `default_limit` elsewhere.

    A declared Content-Length over the cap is refused before reading; a body that
    grows past it while streaming raises PayloadTooLarge (a 413)."""

    def __init__(self, app, *, default_limit: int, upload_limit: int, upload_prefix: str) -> None:
        self.app = app
        self.default_limit = default_limit
        self.upload_limit = upload_limit
        self.upload_prefix = upload_prefix

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["path"].startswith(self.upload_prefix)
        limit = self.upload_limit if upload else self.default_limit
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            response = problem_response(
                413, ErrorCode.PAYLOAD_TOO_LARGE, f"the request body is larger than {limit} bytes"
            )
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)
