"""Every message marked in the source has both a Kazakh and a Russian text."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

from ozq_desktop import i18n

ROOT = Path(__file__).resolve().parent.parent
MARKERS = {"tr", "N_", "both", "lazy"}
ERROR_CLASSES_SUFFIX = "Error"


def _marked_messages() -> dict[str, str]:
    """msgid -> where it is used, for every literal passed to tr/N_/both or to an OzqError."""
    found: dict[str, str] = {}
    for package in ("ozq_desktop", "ozq_hub", "ozq_wire"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                is_marker = name in MARKERS or (
                    name.endswith(ERROR_CLASSES_SUFFIX)
                    and name[:1].isupper()
                    and not hasattr(builtins, name)
                )
                first = node.args[0]
                if is_marker and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.setdefault(first.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_marked_message_is_translated_into_both_languages():
    catalog = i18n.catalog()
    missing = [
        f"{where}: {msgid!r} lacks {lang}"
        for msgid, where in sorted(_marked_messages().items())
        for lang in i18n.LANGUAGES
        if not catalog.get(msgid, {}).get(lang, "").strip()
    ]
    assert not missing, "\n".join(missing)


def test_placeholders_agree_between_languages():
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    bad = [
        msgid
        for msgid, forms in i18n.catalog().items()
        if not (fields(msgid) == fields(forms.get("kk", "")) == fields(forms.get("ru", "")))
    ]
    assert not bad, bad


def test_tr_switches_language_and_formats():
    i18n.set_language("ru")
    assert i18n.current_language() == "ru"
    text = i18n.tr(
        "Catalog file {file}, field {field}: {reason}", file="a.json", field="x", reason="y"
    )
    assert "a.json" in text and "x" in text
    assert text != i18n.tr(
        "Catalog file {file}, field {field}: {reason}", "kk", file="a.json", field="x", reason="y"
    )
