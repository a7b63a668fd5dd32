"""The one translation mechanism for every user-visible string, Kazakh and Russian.

Strings are written in code in English as message ids, wrapped in `tr(...)` where
they are shown, or marked with `N_(...)` where they are only declared. The
translations live side by side in `resources/i18n/*.json`, one file per area:

    {"Next": {"kk": "Келесі", "ru": "Далее"}}

so that a reviewer reads the Kazakh and the Russian of one message together.
A test walks the source and fails on any marked message lacking either language.
Qt widgets call the same `tr` and re-read their texts when the language changes.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from ozq_desktop.paths import resource

log = logging.getLogger(__name__)

LANGUAGES: tuple[str, ...] = ("kk", "ru")
DEFAULT_LANGUAGE = "kk"

_state = threading.local()
_global_language = DEFAULT_LANGUAGE
_listeners: list[Callable[[str], None]] = []


def N_(msgid: str) -> str:
    """Mark a message for translation without translating it now."""
    return msgid


@cache
def catalog() -> dict[str, dict[str, str]]:
    """All messages, merged from every file in resources/i18n."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(resource("i18n").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for msgid, forms in data.items():
            if msgid in merged and merged[msgid] != forms:
                raise ValueError(f"{path.name}: message {msgid!r} is translated twice, differently")
            merged[msgid] = forms
    return merged


def current_language() -> str:
    return getattr(_state, "language", None) or _global_language


def set_language(lang: str) -> None:
    """Switch the language of the whole program and tell every listener."""
    global _global_language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _global_language = lang
    for listener in list(_listeners):
        listener(lang)


def on_language_changed(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


@dataclass(frozen=True)
class LazyText:
    """A message to be translated when it is shown, in the language of that moment.

    Use it for parameters of errors and labels that are rendered later, perhaps after the
    clerk switched languages."""

    msgid: str
    params: dict[str, object] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        return tr(self.msgid, lang, **self.params)

    def __str__(self) -> str:
        return self.render()


def lazy(msgid: str, /, **params: object) -> LazyText:
    return LazyText(msgid, params)


@dataclass(frozen=True)
class Bilingual:
    """A text that exists in both languages already (a catalog name), rendered like LazyText."""

    kk: str
    ru: str

    def render(self, lang: str | None = None) -> str:
        return self.ru if (lang or current_language()) == "ru" else self.kk

    def __str__(self) -> str:
        return self.render()


def tr(msgid: str, /, lang: str | None = None, **params: object) -> str:
    """The message in `lang` (the current language by default), formatted with `params`."""
    lang = lang or current_language()
    forms = catalog().get(msgid)
    text = forms.get(lang) if forms else None
    if text is None:
        log.warning("untranslated message %r (%s)", msgid, lang)
        text = msgid
    if not params:
        return text
    rendered = {
        k: v.render(lang) if isinstance(v, LazyText | Bilingual) else v for k, v in params.items()
    }
    return text.format(**rendered)


def both(msgid: str, /, **params: object) -> dict[str, str]:
    """The message in every language, for data that is stored or printed bilingually."""
    return {lang: tr(msgid, lang, **params) for lang in LANGUAGES}
