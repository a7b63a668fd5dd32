"""The applicant's wait and the service time, against the two 15-minute caps of the standard
(§4 3): the longest allowed wait before handing in the documents, and the longest allowed
service at the counter).

The wait runs from the moment the queue machine issued the applicant's ticket to the start of
service, which is when the clerk opened the application (the wizard's start); the service
runs from there to the receipt. A home visit has no ticket and so no wait.

The queue ticket. The clerk types its number and time, or reads its barcode with a reader
that types like a keyboard (a "keyboard wedge"). What we accept, in one line:

    NUMBER                       A123
    NUMBER TIME                  A123 09:15     A123;0915    A-015|09:15:07
    NUMBER DATE TIME             A123 2026-11-25 09:15     A123;25.11.2026 09:15
                                 A123|2026-11-25T09:15:07

NUMBER is 1 to 12 letters (Kazakh and Russian included), digits or dashes; the parts are
separated by spaces, tabs, ';', '|' or ','; TIME is HH:MM, HH:MM:SS, HHMM or HHMMSS; DATE is
YYYY-MM-DD or DD.MM.YYYY. A reader's closing Enter ends the field.

A ticket printed with a time but no date was issued on the day of service, or, when its time
is later than the start of service, the day before: a ticket taken at 23:50 and served at
00:10 waited 20 minutes. The queue machine's clock and the desk's may differ by a few
minutes; a ticket up to CLOCK_SKEW "later" than the start of service waited nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ozq_desktop.errors import ValidationError

WAIT_NORM_SECONDS = 15 * 60  # seed §4 3): the longest allowed wait before handing in
SERVICE_NORM_SECONDS = 15 * 60  # seed §4 3): the longest allowed service at the counter
CLOCK_SKEW = timedelta(minutes=10)
MAX_NUMBER = 12

_NUMBER = rf"(?P<number>[\w-]{{1,{MAX_NUMBER}}}?)"
_DATE = r"(?P<date>\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})"
_TIME = r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?|\d{4}(?:\d{2})?)"
_TICKET = re.compile(
    rf"^\s*{_NUMBER}(?:[\s;|,]+(?:{_DATE}[\sT]+)?{_TIME})?\s*$", re.UNICODE | re.IGNORECASE
)


@dataclass(frozen=True)
class Ticket:
    number: str
    issued_time: time | None = None
    issued_date: date | None = None


def parse_time(text: str) -> time:
    """HH:MM, HH:MM:SS, HHMM or HHMMSS; ValidationError otherwise."""
    raw = text.strip()
    digits = raw.replace(":", "")
    if not re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?|\d{4}(\d{2})?", raw):
        raise ValidationError("Enter the ticket's time as HH:MM, e.g. 09:15.")
    if ":" in raw:
        parts = [int(p) for p in raw.split(":")]
    else:
        parts = [int(digits[i : i + 2]) for i in range(0, len(digits), 2)]
    hour, minute, second = [*parts, 0, 0][:3]
    try:
        return time(hour, minute, second)
    except ValueError:
        raise ValidationError("Enter the ticket's time as HH:MM, e.g. 09:15.") from None


def _parse_date(text: str) -> date:
    try:
        if "-" in text:
            return date.fromisoformat(text)
        day, month, year = (int(p) for p in text.split("."))
        return date(year, month, day)
    except ValueError:
        raise ValidationError("The ticket's date {date} is not a date.", date=text) from None


def parse_ticket(text: str) -> Ticket:
    """What the clerk typed or the barcode reader sent; ValidationError when it is neither."""
    match = _TICKET.match(text)
    if match is None or not match.group("number").strip("-"):
        raise ValidationError(
            "The ticket {text} is not a queue ticket: type its number, e.g. A123, or its "
            "number and time, e.g. A123 09:15.",
            text=text.strip()[:40],
        )
    issued = parse_time(match.group("time")) if match.group("time") else None
    day = _parse_date(match.group("date")) if match.group("date") else None
    return Ticket(match.group("number").upper(), issued, day)


def ticket_issued_at(
    issued_time: time, service_start: datetime, issued_date: date | None = None
) -> datetime:
    """When the ticket was issued, as a moment: its own date when it has one, else the latest
    day on which its time is not (beyond the clock skew) after the start of service."""
    if issued_date is not None:
        return datetime.combine(issued_date, issued_time)
    same_day = datetime.combine(service_start.date(), issued_time)
    if same_day - service_start > CLOCK_SKEW:
        return same_day - timedelta(days=1)  # issued before midnight
    return same_day


def wait_seconds(issued_at: datetime | None, service_start: datetime) -> int | None:
    """Seconds from the ticket to the start of service; None when there is no issue time."""
    if issued_at is None:
        return None
    return max(0, int((service_start - issued_at).total_seconds()))


def service_seconds(service_start: datetime, finished_at: datetime) -> int:
    return max(0, int((finished_at - service_start).total_seconds()))


# -- figures over many packages -----------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least `share` of the values
    at or below it (an observed value, never an interpolation). None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return float(ordered[rank - 1])


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


@dataclass(frozen=True)
class Figures:
    """One measure (wait or service) over a group of packages."""

    count: int
    median: float | None
    p90: float | None
    within_norm: float | None  # the share at or under the 15-minute cap, 0..1

    @classmethod
    def of(cls, values: Sequence[float], norm: float) -> Figures:
        if not values:
            return cls(0, None, None, None)
        return cls(
            len(values),
            median(values),
            percentile(values, 0.9),
            sum(v <= norm for v in values) / len(values),
        )
