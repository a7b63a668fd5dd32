"""Alembic migrations of the hub database, run through `ozq_hub.migrate`."""
