"""How many pages a stored scan has, Qt-free: the sheet count of a document follows from it.

A PDF's pages are counted by pypdf from its page tree; a TIFF may hold several pages (Pillow
counts its frames); a JPEG or PNG is one page. A file that cannot be read counts as 0, and
the clerk's own count stands."""

from __future__ import annotations

import io
import logging

log = logging.getLogger(__name__)


def count_pages(data: bytes, mime: str) -> int:
    try:
        if mime == "application/pdf":
            from pypdf import PdfReader

            return len(PdfReader(io.BytesIO(data)).pages)
        if mime == "image/tiff":
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                return int(getattr(image, "n_frames", 1))
        if mime in ("image/jpeg", "image/png"):
            return 1
    except Exception as exc:  # a damaged file: no count rather than a crash
        log.warning("cannot count the pages of a %s scan: %s", mime, exc)
    return 0


def stored_pages(store, sha256: str, mime: str) -> int:
    """The page count of a scan in the (encrypted) scan store."""
    return count_pages(store.read(sha256), mime)
