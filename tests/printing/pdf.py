"""Reading generated PDFs back: text per page, fonts, metadata."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject


def flat(text: str) -> str:
    """Whitespace (line breaks, non-breaking spaces) folded to single spaces."""
    return " ".join(text.split())


def pages_text(pdf: bytes) -> list[str]:
    return [flat(page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


def metadata(pdf: bytes) -> dict[str, str]:
    info = PdfReader(io.BytesIO(pdf)).metadata or {}
    return {key: str(value) for key, value in info.items()}


@dataclass(frozen=True)
class FontUse:
    name: str
    embedded: bool


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _fonts_in(resources, found: dict[str, FontUse], seen: set[int]) -> None:
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject):
        return
    for ref in _resolve(resources.get("/Font", DictionaryObject())).values():
        font = _resolve(ref)
        descriptor = _resolve(font.get("/FontDescriptor"))
        for child in _resolve(font.get("/DescendantFonts", [])) or []:
            descriptor = descriptor or _resolve(_resolve(child).get("/FontDescriptor"))
        embedded = descriptor is not None and any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        )
        name = str(font.get("/BaseFont"))
        found[name] = FontUse(name, embedded or found.get(name, FontUse(name, False)).embedded)
    for ref in _resolve(resources.get("/XObject", DictionaryObject())).values():
        xobject = _resolve(ref)
        if id(xobject) in seen or "/Resources" not in xobject:
            continue
        seen.add(id(xobject))
        _fonts_in(xobject["/Resources"], found, seen)


def fonts(pdf: bytes) -> list[FontUse]:
    """Every font any page or form refers to, and whether its program is embedded."""
    found: dict[str, FontUse] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        _fonts_in(page.get("/Resources"), found, set())
    return sorted(found.values(), key=lambda f: f.name)
