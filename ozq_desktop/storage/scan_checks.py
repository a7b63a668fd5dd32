"""Checks a scan must pass beyond its type: a PDF that is whole and not password-protected,
an image whose stated size cannot exhaust memory when it is previewed or printed."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import BinaryIO

from ozq_desktop.errors import ScanRejectedError

Opener = Callable[[], BinaryIO]

MAX_PIXELS = 150_000_000  # an A3 page at 600 dpi is about 70 megapixels
TAIL = 2048
WINDOW = 1024 * 1024


def _tail(open_: Opener, size: int) -> bytes:
    with open_() as f:
        f.seek(max(0, size - TAIL))
        return f.read()


def _contains(open_: Opener, needle: bytes) -> bool:
    """Whether the file contains `needle`, read in windows that overlap by its length."""
    carry = b""
    with open_() as f:
        while chunk := f.read(WINDOW):
            if needle in carry + chunk:
                return True
            carry = chunk[-len(needle) :]
    return False


def check_pdf(open_: Opener, size: int, name: str) -> None:
    if b"%%EOF" not in _tail(open_, size):
        raise ScanRejectedError(
            "The PDF {name} is incomplete (cut off while copying or scanning). Scan it again.",
            name=name,
        )
    if _contains(open_, b"/Encrypt"):
        raise ScanRejectedError(
            "The PDF {name} is protected by a password and cannot be read. Ask for an "
            "unprotected copy.",
            name=name,
        )


def _png_size(head: bytes) -> tuple[int, int] | None:
    if len(head) >= 24 and head[12:16] == b"IHDR":
        return struct.unpack(">II", head[16:24])
    return None


def _jpeg_size(open_: Opener) -> tuple[int, int] | None:
    with open_() as f:
        data = f.read(256 * 1024)
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def check_image(open_: Opener, mime: str, name: str) -> None:
    with open_() as f:
        head = f.read(32)
    dims = (
        _png_size(head)
        if mime == "image/png"
        else _jpeg_size(open_)
        if mime == "image/jpeg"
        else None
    )
    if mime in ("image/png", "image/jpeg") and dims is None:
        raise ScanRejectedError("The image {name} is damaged: its size cannot be read.", name=name)
    if dims is None:
        return
    width, height = dims
    if width == 0 or height == 0 or width * height > MAX_PIXELS:
        raise ScanRejectedError(
            "The image {name} declares {width} × {height} pixels, which no scan has. "
            "It is damaged or made to exhaust memory.",
            name=name,
            width=width,
            height=height,
        )


def check_content(open_: Opener, size: int, mime: str, name: str) -> None:
    """Raise ScanRejectedError when the scan opened by `open_` is damaged or hostile."""
    if mime == "application/pdf":
        check_pdf(open_, size, name)
    else:
        check_image(open_, mime, name)
