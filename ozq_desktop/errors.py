"""One typed hierarchy for the errors the rules raise.

Each carries an English message id and its parameters; `message()` renders it in
the clerk's language through `ozq_desktop.i18n`, so the UI shows it as is.
"""

from __future__ import annotations

from ozq_desktop.i18n import tr


class OzqError(Exception):
    """The root of every error a user may be shown."""

    def __init__(self, msgid: str, /, **params: object) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(
            msgid.format(**{k: str(v) for k, v in params.items()}) if params else msgid
        )

    def message(self, lang: str | None = None) -> str:
        return tr(self.msgid, lang, **self.params)


class ValidationError(OzqError):
    """Input that breaks a rule: a wrong IIN, an empty required field."""


class NotFoundError(OzqError):
    """Something asked for by number or id does not exist."""


class ConflictError(OzqError):
    """A write that contradicts what is already stored."""


class AuthorizationError(OzqError):
    """The user's role does not allow the action."""


class AuthenticationError(OzqError):
    """A wrong login or password, or a locked account."""


class IllegalTransitionError(OzqError):
    """A package asked to move between states the lifecycle does not connect."""


class ScanRejectedError(ValidationError):
    """A scan that is not an accepted file type, is too large or is damaged."""


class CatalogError(OzqError):
    """A service-catalog file that does not match the schema."""


class StorageError(OzqError):
    """The local database could not be opened, backed up or migrated."""
