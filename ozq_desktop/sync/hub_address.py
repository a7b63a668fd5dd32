"""The hub's address as the desk accepts it: https, or plain http only on this computer
(loopback) or when the supervisor has confirmed it for a network they trust."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ozq_desktop.errors import OzqError, ValidationError


class PlainHttpError(OzqError):
    """A plain http:// address off this computer: the supervisor must confirm it."""


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_plain_remote(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme.lower() == "http" and not is_loopback(parts.hostname or "")


def check_hub_url(url: str, *, allow_plain_http: bool = False) -> str:
    """The address without its trailing slash; ValidationError when it is not an address,
    PlainHttpError when it is plain http:// to another machine and not confirmed."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            "The hub address must start with https:// and name the hub, e.g. https://hub.example.kz"
        )
    if is_plain_remote(text) and not allow_plain_http:
        raise PlainHttpError(
            "The hub address {url} is not encrypted (http://): the desk's token and every "
            "package would cross the network readable by anyone on it. Use https://, or "
            "confirm that this network is trusted.",
            url=text,
        )
    return text.rstrip("/")
