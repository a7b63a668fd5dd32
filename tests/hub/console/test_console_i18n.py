"""Every console message marked in a template (`_("…")`) or in Python (`M_("…")`, and the
messages given to PageError and AccountProblem) has a Kazakh and a Russian text with the
same placeholders."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from ozq_hub.console import i18n

ROOT = Path(__file__).resolve().parents[3]
CONSOLE = ROOT / "ozq_hub" / "console"
_TEMPLATE_MARK = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def marked() -> dict[str, str]:
    found: dict[str, str] = {}
    for template in sorted((CONSOLE / "templates").glob("*.html")):
        for match in _TEMPLATE_MARK.finditer(template.read_text(encoding="utf-8")):
            msgid = match.group(1) if match.group(1) is not None else match.group(2)
            found.setdefault(msgid, template.name)
    for path in sorted((ROOT / "ozq_hub").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            index = {"M_": 0, "AccountProblem": 0, "PageError": 1}.get(name)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_walk_finds_the_messages():
    found = marked()
    assert "Sign in" in found and "Wrong login or password." in found
    assert "No such package in your department." in found  # a PageError
    assert "The login {login} is taken." in found  # an AccountProblem
    assert len(found) > 150


def test_every_marked_console_message_has_both_languages_and_the_same_placeholders():
    catalog = i18n.catalog()
    problems = []
    for msgid, where in sorted(marked().items()):
        forms = catalog.get(msgid, {})
        for lang in i18n.LANGUAGES:
            if not forms.get(lang, "").strip():
                problems.append(f"{where}: {msgid!r} lacks {lang}")
            elif _fields(forms[lang]) != _fields(msgid):
                problems.append(f"{where}: {msgid!r} in {lang} has other placeholders")
    assert not problems, "\n".join(problems)


def test_no_translation_is_left_unused():
    unused = sorted(set(i18n.catalog()) - set(marked()))
    assert not unused, unused
