"""One typed hierarchy for the errors the rules raise.

Each carries an English message id and its parameters; `message()` renders it in
the clerk's language through `ozq_desktop.i18n`, so the UI shows it as is. The base,
`MessageError`, lives in the shared `ozq_wire` package: the catalog's errors are of it too.
"""

from __future__ import annotations

from ozq_desktop.i18n import tr
from ozq_wire.errors import MessageError


def message_of(error: MessageError, lang: str | None = None) -> str:
    """Any message-carrying error (the desk's or the shared package's) in `lang`."""
    return tr(error.msgid, lang, **error.params)


class OzqError(MessageError):
    """The root of every error of the desk's own rules that a user may be shown."""

    def message(self, lang: str | None = None) -> str:
        return message_of(self, lang)


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


class StorageError(OzqError):
    """The local database could not be opened, backed up or migrated."""
