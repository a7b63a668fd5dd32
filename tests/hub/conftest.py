"""The hub fixtures live in `tests.hub.fixtures`, registered suite-wide by tests/conftest.py
(the adversarial tests use the same hubs and PostgreSQL cluster)."""

from tests.hub.fixtures import BACKENDS

__all__ = ["BACKENDS"]
