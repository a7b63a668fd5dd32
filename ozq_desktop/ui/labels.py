"""Presentation-only words and formats the domain does not name itself."""

from __future__ import annotations

from datetime import date, datetime

from ozq_desktop.domain.drafts import Place
from ozq_desktop.i18n import N_, tr
from ozq_wire.catalog import ApplicantType

APPLICANT_TYPE_LABELS = {
    ApplicantType.LEGAL_ENTITY: N_("Legal entity"),
    ApplicantType.NATURAL_PERSON: N_("Natural person"),
    ApplicantType.NON_RESIDENT_LEGAL_ENTITY: N_("Non-resident legal entity"),
}

PLACE_LABELS = {
    Place.COUNTER: N_("At the counter"),
    Place.HOME_VISIT: N_("Home visit"),
}

# Seed, §4 3) of each standard: the longest allowed service time at the counter.
SERVICE_NORM_MINUTES = 15


def applicant_type_label(kind: ApplicantType | str, lang: str | None = None) -> str:
    return tr(APPLICANT_TYPE_LABELS[ApplicantType(kind)], lang)


def place_label(place: Place | str, lang: str | None = None) -> str:
    return tr(PLACE_LABELS[Place(place)], lang)


def day_text(day: date | datetime | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


def time_text(moment: datetime | None) -> str:
    return moment.strftime("%H:%M") if moment else ""


def minutes_seconds(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
