"""Trim the shared libraries of the Linux onedir bundle (used by ozq_desktop.spec).

PyInstaller copies every library the collected binaries link, from the build machine. Two
kinds are dead weight:

- libraries only the plugins we dropped needed (GTK theme → cairo/pango/gdk-pixbuf,
  EGLFS → QtOpenGL, …): after the plugins are filtered out nothing links them any more;
- libraries every Linux desktop has and that must match the machine rather than the build
  host: the font stack, GLib, Xlib, CUPS (the same set AppImage's exclude list leaves to the
  system). The bundle then uses the desktop's own copies, as every other program there does.
"""

from __future__ import annotations

import struct
from pathlib import Path

# Part of every desktop install; bundling them risks a mismatch with the machine's own
# configuration (fonts.conf, the CUPS daemon, the X server) and only costs space.
DESKTOP_LIBRARIES = {
    "libfontconfig.so.1",  # fontconfig: reads the machine's /etc/fonts
    "libfreetype.so.6",
    "libexpat.so.1",
    "libglib-2.0.so.0",  # GLib: Qt's event dispatcher
    "libgthread-2.0.so.0",
    "libX11.so.6",  # Xlib (libx11-6, also under XWayland)
    "libcups.so.2",  # printing goes through the machine's CUPS; loaded by the print plugin only
}


def needed(path: Path) -> list[str]:
    """DT_NEEDED names of a little-endian ELF64 file ([] for anything else)."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    names = []
    for _, kind, _, _, offset, size, link, _, _, _ in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strings_at = sections[link][4]
        for at in range(offset, offset + size, 16):
            tag, value = struct.unpack_from("<qQ", data, at)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                start = strings_at + value
                names.append(data[start : data.index(b"\0", start)].decode())
    return names


def _is_root(dest: str) -> bool:
    """Binaries loaded by Python or by Qt's plugin loader rather than by the dynamic linker."""
    name = dest.rsplit("/", 1)[-1]
    return (
        ".cpython-" in name
        or name.endswith(".abi3.so")
        or "/plugins/" in dest
        or name.startswith("libpython")
    )


def trim(binaries: list[tuple]) -> list[tuple]:
    """The entries (dest, source, kind) still needed: desktop libraries out, then everything
    that no remaining root reaches through DT_NEEDED."""
    entries = [b for b in binaries if b[0].rsplit("/", 1)[-1] not in DESKTOP_LIBRARIES]
    by_name = {dest.rsplit("/", 1)[-1]: (dest, source) for dest, source, _ in entries}
    reached: set[str] = set()
    todo = [dest for dest, _, _ in entries if _is_root(dest)]
    while todo:
        dest = todo.pop()
        if dest in reached:
            continue
        reached.add(dest)
        source = next(s for d, s, _ in entries if d == dest)
        for name in needed(Path(source)):
            if name in by_name:
                todo.append(by_name[name][0])
    return [b for b in entries if b[0] in reached]


def report(before: list[tuple], after: list[tuple]) -> None:
    kept = {b[0] for b in after}
    gone = sorted(b[0] for b in before if b[0] not in kept)
    size = sum(Path(b[1]).stat().st_size for b in before if b[0] not in kept)
    print(
        f"linux_bundle: left out {len(gone)} libraries, {size / 1048576:.1f} MB: {' '.join(gone)}"
    )
