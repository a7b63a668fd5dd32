"""The layers, checked in the source and at run time:

- the Qt-free layers of the desk never import PySide6 or the UI;
- the hub and the desk are separate programs: the hub imports nothing of `ozq_desktop`, the desk
  nothing of `ozq_hub`, and the shared `ozq_wire` package neither of them;
- the desk's domain rules never import its sync layer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_ALLOWED = {"ozq_desktop/app.py", "ozq_desktop/__main__.py"}
FORBIDDEN = ("PySide6", "shiboken6", "ozq_desktop.ui")


def _qt_free_modules() -> list[Path]:
    files = []
    for package in ("ozq_desktop", "ozq_hub", "ozq_wire"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith("ozq_desktop/ui/") or rel in QT_ALLOWED:
                continue
            files.append(path)
    return files


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_no_qt_free_module_imports_qt_or_the_ui():
    leaks = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _qt_free_modules()
        for name in _imports(path)
        if name.startswith(FORBIDDEN)
    ]
    assert not leaks, "\n".join(leaks)


def test_the_check_would_catch_a_leak(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport ozq_desktop.ui.main_window\n")
    assert [n for n in _imports(bad) if n.startswith(FORBIDDEN)] == [
        "PySide6.QtCore",
        "ozq_desktop.ui.main_window",
    ]


def test_importing_every_qt_free_module_loads_no_qt():
    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in _qt_free_modules()
        if "migrations" not in p.parts and p.name != "__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "leaked = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(leaked))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


# Which package may not import which: (folder, forbidden import prefixes).
BOUNDARIES = [
    ("ozq_hub", ("ozq_desktop",)),
    ("ozq_desktop", ("ozq_hub",)),
    ("ozq_wire", ("ozq_desktop", "ozq_hub", "PySide6", "sqlalchemy")),
    ("ozq_desktop/domain", ("ozq_desktop.sync", "ozq_desktop.ui", "ozq_desktop.printing")),
]


def _crossings(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for name in _imports(path)
        if name.startswith(forbidden)
    ]


def test_the_programs_and_the_shared_package_keep_their_boundaries():
    crossings = [line for folder, forbidden in BOUNDARIES for line in _crossings(folder, forbidden)]
    assert not crossings, "\n".join(crossings)


def test_the_boundary_check_would_catch_a_crossing(tmp_path, monkeypatch):
    hub = tmp_path / "ozq_hub"
    hub.mkdir()
    (hub / "leak.py").write_text("from ozq_desktop.sync import engine\nimport ozq_wire.protocol\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _crossings("ozq_hub", ("ozq_desktop",)) == ["ozq_hub/leak.py imports ozq_desktop.sync"]


def test_the_hub_runs_without_the_desk_package_installed():
    """Import every hub module with `ozq_desktop` made unimportable."""
    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in sorted((ROOT / "ozq_hub").rglob("*.py"))
        if "migrations" not in p.parts and p.name != "__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        "sys.modules['ozq_desktop'] = None  # any import of it now fails\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
