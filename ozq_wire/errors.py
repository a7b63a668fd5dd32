"""The error base both programs share: an English message id with its parameters.

The desk renders `msgid` in the clerk's language through its translation catalogue; the hub
logs it or renders it through its own. `str(error)` is the English text."""

from __future__ import annotations


class MessageError(Exception):
    """An error whose message is a translatable id plus named parameters."""

    def __init__(self, msgid: str, /, **params: object) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(
            msgid.format(**{k: str(v) for k, v in params.items()}) if params else msgid
        )


class CatalogError(MessageError):
    """A service-catalog file that does not match the schema."""


class UnknownServiceError(MessageError, LookupError):
    """A service id the catalog does not define."""
