"""The form names, receipt numbers and identifiers are searched in, and the clerk's query is
brought to: ONE normalisation for both sides, so what the clerk types finds what was stored.

- case is ignored (casefold);
- the Kazakh letters equal their Russian look-alikes: қ/к, ұ/у, ү/у, і/и, ә/а, ө/о, ғ/г, ң/н,
  һ/х (and ё/е, й/и, as clerks type them either way);
- quotes and punctuation are spaces: «Алатау» ЖШС, "Алатау" ЖШС and Алатау, ЖШС are alike;
- the legal-form words are dropped (ЖШС, ТОО, АҚ, АО, LLP, …): nobody finds a firm by them.

The stored form keeps the words' order; a query's words are matched anywhere in it, each as
a substring (storage/search: SQLite FTS5 with the trigram tokenizer over this text).
"""

from __future__ import annotations

import re

LOOK_ALIKES = str.maketrans(
    {
        "қ": "к",
        "ұ": "у",
        "ү": "у",
        "і": "и",
        "ә": "а",
        "ө": "о",
        "ғ": "г",
        "ң": "н",
        "һ": "х",
        "ё": "е",
        "й": "и",
    }
)

# Abbreviated legal forms, as they stand in names (already folded: lower case, look-alikes).
LEGAL_FORMS = frozenset(
    {
        # Kazakh: ЖШС, АҚ, ЖАҚ, ААҚ, ЖК, ШҚ, ҚБ, МКК, РМК, ШЖҚ
        "жшс",
        "ак",
        "жак",
        "аак",
        "жк",
        "шк",
        "кб",
        "мкк",
        "рмк",
        "шжк",
        # Russian: ТОО, АО, ЗАО, ОАО, ПАО, ИП, ГКП, РГП, ООО, ОО
        "тоо",
        "ао",
        "зао",
        "оао",
        "пао",
        "ип",
        "гкп",
        "ргп",
        "ооо",
        # Latin: LLP, LLC, JSC, LTD, INC, GMBH, PLC, CORP
        "llp",
        "llc",
        "jsc",
        "ltd",
        "inc",
        "gmbh",
        "plc",
        "corp",
    }
)

_SEPARATORS = re.compile(r"[^\w]+|_")


def words(text: str) -> list[str]:
    """The text's words, normalised, legal forms dropped, in order."""
    folded = text.casefold().translate(LOOK_ALIKES)
    return [w for w in _SEPARATORS.split(folded) if w and w not in LEGAL_FORMS]


def fold(text: str) -> str:
    """The stored search form of a name: its normalised words joined by single spaces."""
    return " ".join(words(text))


def query_words(text: str) -> list[str]:
    """A query's words; a receipt number's hyphens are kept inside it ("ALA01-D1-00")."""
    folded = text.casefold().translate(LOOK_ALIKES)
    found = []
    for chunk in folded.split():
        if re.fullmatch(r"[0-9a-z]+(-[0-9a-z]*)+", chunk):
            found.append(chunk)  # a receipt number, whole or in part
        else:
            found += [w for w in _SEPARATORS.split(chunk) if w and w not in LEGAL_FORMS]
    return found
