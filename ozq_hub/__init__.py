"""The OZQ hub: receives accepted packages from the desks and hands the committee's
decisions back to them (shared/domain/sync.md).

FastAPI routes (`ozq_hub.api`), the rules behind them (`ozq_hub.service`), SQLAlchemy
models and Alembic migrations of its own, and the `ozq-hub` command (`ozq_hub.cli`).
The wire schemas are shared with the desk: `ozq_wire.protocol`.
Never imports Qt.
"""

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from ozq_hub.app import create_app

        return create_app
    raise AttributeError(name)
