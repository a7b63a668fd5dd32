from __future__ import annotations

from alembic import context

from ozq_desktop.models import Base
from ozq_desktop.storage.migrations import include_name

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        render_as_batch=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
