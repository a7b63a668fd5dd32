"""The adversarial desk tests use the same real hub process as the sync tests."""

from tests.sync.conftest import engine_for, enrolled, hub, scan_store  # noqa: F401
