"""A smaller ICU data library for the Linux bundle.

The PySide6 wheel's QtCore links ICU, whose data library (libicudata.so.NN) is 31 MB: every
locale's names of languages, currencies and units, CJK dictionaries and 200 legacy code pages.
QtCore calls ICU only for collation, locale-aware case mapping, time-zone display names and
code-page converters (checked with `nm -D --undefined-only libQt6Core.so.6`). This module keeps
the data those calls need for Kazakh, Russian and English (≈ 4.6 MB) and builds a library with
the same soname and data symbol, so QtCore loads it unchanged. Missing data is an ordinary ICU
error code, which Qt already handles (it then falls back to its own Unicode tables).

The data is an ICU "common data" package: a header, a table of contents
({name offset, data offset} pairs, sorted by name), the names, then the items.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

LOCALES = r"(root|res_index|pool|en|en_001|en_US|kk|kk_KZ|ru|ru_RU|ru_KZ)\.res"
# windows-1251, windows-1252, KOI8-R, IBM866, ISO-8859-5: the code pages of Cyrillic text files.
CODE_PAGES = {
    "ibm-5347_P100-1998.cnv",
    "ibm-5348_P100-1997.cnv",
    "ibm-878_P100-1996.cnv",
    "ibm-866_P100-1995.cnv",
    "ibm-915_P100-1995.cnv",
}


def wanted(item: str) -> bool:
    """Whether an item ("coll/ru.res", "uprops.icu", "ibm-866_P100-1995.cnv") is kept."""
    folder, _, name = item.rpartition("/")
    if folder in ("coll", "zone"):  # collation; time-zone display names
        return bool(re.fullmatch(LOCALES, name)) or name.endswith(".icu")
    if folder == "brkitr":  # QtCore does its own text boundaries
        return False
    if folder:  # curr, lang, region, unit, rbnf, translit: QtCore never asks for them
        return name in ("root.res", "res_index.res", "pool.res")
    if name.endswith(".cnv"):
        return name in CODE_PAGES
    if re.fullmatch(r"[a-z]{2,3}(_[A-Za-z0-9]+)*\.res", name):  # a locale's own bundle
        return bool(re.fullmatch(LOCALES, name))
    return name != "unames.icu"  # Unicode character names: only u_charName reads them


def _items(package: bytes) -> tuple[int, list[tuple[str, bytes]]]:
    header_size = struct.unpack_from("<H", package, 0)[0]
    if package[2:4] != b"\xda\x27" or package[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    count = struct.unpack_from("<I", package, header_size)[0]
    toc = [struct.unpack_from("<II", package, header_size + 4 + 8 * i) for i in range(count)]
    ends = [offset for _, offset in toc[1:]] + [len(package) - header_size]
    items = []
    for (name_at, data_at), end in zip(toc, ends, strict=True):
        start = header_size + name_at
        name = package[start : package.index(b"\0", start)].decode("ascii")
        items.append((name, package[header_size + data_at : header_size + end]))
    return header_size, items


def _pad(size: int) -> int:
    return -size % 16


def filter_package(package: bytes) -> bytes:
    """The package with only the wanted items, in the same layout ICU's icupkg writes."""
    header_size, items = _items(package)
    kept = [(name, data) for name, data in items if wanted(name.split("/", 1)[1])]
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in kept)
    toc_size = 4 + 8 * len(kept)
    data_at = toc_size + len(names) + _pad(header_size + toc_size + len(names))
    toc, blobs = [struct.pack("<I", len(kept))], []
    name_at = toc_size
    for name, data in kept:
        toc.append(struct.pack("<II", name_at, data_at))
        name_at += len(name) + 1
        blobs.append(data + b"\0" * _pad(len(data)))
        data_at += len(blobs[-1])
    head = package[:header_size] + b"".join(toc) + names
    return head + b"\0" * _pad(len(head)) + b"".join(blobs)


def _data_symbol(library: bytes, symbol: bytes) -> bytes:
    """The bytes of a defined dynamic symbol of a little-endian ELF64 shared library."""
    shoff = struct.unpack_from("<Q", library, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", library, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", library, shoff + i * shentsize) for i in range(shnum)
    ]
    for _, kind, _, _, offset, size, link, _, _, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strings_at = sections[link][4]
        for at in range(offset, offset + size, entsize):
            name, _, _, home, value, length = struct.unpack_from("<IBBHQQ", library, at)
            end = library.index(b"\0", strings_at + name)
            if library[strings_at + name : end] == symbol:
                _, _, _, address, file_at, *_ = sections[home]  # the section holding it
                start = file_at + value - address
                return library[start : start + length]
    raise ValueError(f"{symbol.decode()} not found")


def build_small_library(source: Path, work: Path) -> Path | None:
    """Write a filtered copy of `source` (…/libicudata.so.NN) into `work`; None when no C
    compiler is at hand (the bundle then keeps the full library)."""
    version = source.name.rsplit(".", 1)[1]
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        return None
    symbol = f"icudt{version}_dat"
    package = filter_package(_data_symbol(source.read_bytes(), symbol.encode()))
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        blob = Path(scratch) / "icudata.dat"
        blob.write_bytes(package)
        assembly = Path(scratch) / "icudata.S"
        assembly.write_text(
            f"\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n"
            f'{symbol}:\n\t.incbin "{blob}"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        target = work / source.name
        subprocess.run(
            [
                compiler,
                "-shared",
                "-nostdlib",
                f"-Wl,-soname,{source.name}",
                "-o",
                str(target),
                str(assembly),
            ],
            check=True,
        )
    return target
