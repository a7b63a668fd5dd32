"""The working calendar's days off named in the clerk's language.

The counting rule itself is shared with the hub (`ozq_wire.calendar`); naming days is the
desk's business, through its one translation mechanism."""

from __future__ import annotations

import re
from datetime import date

from ozq_desktop.i18n import N_, tr
from ozq_wire.calendar import OverrideKind, WorkingCalendar


def days_off(
    calendar: WorkingCalendar, year: int, lang: str | None = None
) -> list[tuple[date, str]]:
    """Every day off of `year` in order, each with its name in `lang`."""
    listed = []
    for day, reason in calendar.days_off_with_reasons(year):
        if reason.override is not None:
            name = reason.override.note or tr("Additional day off", lang)
        elif reason.holidays:
            name = "; ".join(holiday_name(n, lang) for n in reason.holidays)
        else:
            name = tr("Weekend", lang)
        listed.append((day, name))
    return listed


_OVERRIDE_KIND_NAMES = {
    OverrideKind.DAY_OFF: N_("Day off"),
    OverrideKind.WORKING_DAY: N_("Working day"),
}

# The names holidays.KZ gives in English; a name missing here is shown as the library gives it.
_HOLIDAY_NAMES = frozenset(
    {
        N_("New Year's Day"),
        N_("Orthodox Christmas"),
        N_("International Women's Day"),
        N_("Nowruz Holiday"),
        N_("Kazakhstan's People Solidarity Holiday"),
        N_("Defender of the Fatherland Day"),
        N_("Victory Day"),
        N_("Capital Day"),
        N_("Eid al-Adha"),
        N_("Constitution Day"),
        N_("Republic Day"),
        N_("First President Day"),
        N_("Independence Day"),
    }
)
_SUFFIXED = re.compile(r"^(?P<name>.+) \((?P<suffix>observed|estimated|observed, estimated)\)$")
_SUFFIX_TEMPLATES = {
    "observed": N_("{holiday} (moved day off)"),
    "estimated": N_("{holiday} (estimated date)"),
    "observed, estimated": N_("{holiday} (moved day off, estimated date)"),
}
_SUBSTITUTED = re.compile(r"^Day off \(substituted from (?P<m>\d\d)/(?P<d>\d\d)/(?P<y>\d{4})\)$")


def override_kind_name(kind: OverrideKind | str, lang: str | None = None) -> str:
    return tr(_OVERRIDE_KIND_NAMES[OverrideKind(kind)], lang)


def holiday_name(library_name: str, lang: str | None = None) -> str:
    """One holidays.KZ name (in English) in `lang`."""
    moved = _SUBSTITUTED.match(library_name)
    if moved:
        return tr("Day off moved from {date}", lang, date="{d}.{m}.{y}".format(**moved.groupdict()))
    suffixed = _SUFFIXED.match(library_name)
    if suffixed:
        template = _SUFFIX_TEMPLATES[suffixed["suffix"]]
        return tr(template, lang, holiday=holiday_name(suffixed["name"], lang))
    return tr(library_name, lang) if library_name in _HOLIDAY_NAMES else library_name
