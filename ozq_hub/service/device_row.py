"""The columns that describe a calling device, read by `enrolment.identity_from_row`.

Two prebuilt statements select them: `enrolment._BY_TOKEN` (a device by its token) and
`changelog._POLL_AS_DEVICE` (the same, with the feed's position, for an idle poll in one
round trip). Declaring them once keeps the two in step."""

from __future__ import annotations

from ozq_hub.models import Branch, Device

DEVICE = Device.__table__
BRANCH = Branch.__table__

IDENTITY_COLUMNS = (
    DEVICE.c.id,
    DEVICE.c.branch_code,
    BRANCH.c.name.label("branch_name"),
    DEVICE.c.desk_code,
    DEVICE.c.name,
    DEVICE.c.enrolled_at,
    DEVICE.c.revoked_at,
    DEVICE.c.last_seen_at,
)
