"""The console's and the status page's messages in Kazakh and Russian.

The same mechanism as the desk's (English message ids, both languages side by side in
JSON files: `{"Sign in": {"kk": "Кіру", "ru": "Войти"}}`), with a loader of its own so
that the hub never imports the desk. Messages are marked `_("…")` in the templates and
`M_("…")` in Python; `tests/hub/console/test_console_i18n.py` checks every marked message
has both languages and the same placeholders.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("kk", "ru")
DEFAULT_LANGUAGE = "kk"
MESSAGES = Path(__file__).resolve().parent / "messages"


def M_(msgid: str) -> str:
    """Mark a console message in Python without translating it yet."""
    return msgid


@cache
def catalog() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(MESSAGES.glob("*.json")):
        for msgid, forms in json.loads(path.read_text(encoding="utf-8")).items():
            if msgid in merged and merged[msgid] != forms:
                raise ValueError(f"{path.name}: {msgid!r} is translated twice, differently")
            merged[msgid] = forms
    return merged


def translate(msgid: str, lang: str, /, **params: object) -> str:
    """`msgid` in `lang`, placeholders filled; the English id if a translation is missing
    (the test makes sure none is)."""
    text = catalog().get(msgid, {}).get(lang) or msgid
    return text.format(**params) if params else text


def language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE
