"""Search by a part of a name or of a receipt number on PostgreSQL: migration 0005 adds
pg_trgm indexes when the hub's database user may create the extension (it is trusted: a
database owner may), and the migration and the search still work when it may not."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import psycopg
import pytest
from sqlalchemy import insert, inspect

from ozq_hub import migrate
from ozq_hub.console import queue
from ozq_hub.db import Database, utcnow
from ozq_hub.devtools import ThrowawayPostgres
from ozq_hub.models import Branch, Device, Package
from ozq_hub.service.packages import fold

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ThrowawayPostgres.available(), reason="PostgreSQL 15 is not installed"),
]


def _as_superuser(cluster: ThrowawayPostgres, *statements: str, database: str = "postgres"):
    with psycopg.connect(
        f"host=127.0.0.1 port={cluster.port} user=postgres dbname={database}", autocommit=True
    ) as connection:
        for statement in statements:
            connection.execute(statement)


def _database_for(cluster: ThrowawayPostgres, *, owner: bool) -> str:
    """A new database and a new login role: its owner, or a user with rights on the public
    schema only (no CREATE on the database, so no CREATE EXTENSION)."""
    tag = uuid.uuid4().hex[:8]
    role, name = f"hub_user_{tag}", f"hub_{tag}"
    _as_superuser(cluster, f"CREATE ROLE {role} LOGIN")
    if owner:
        _as_superuser(cluster, f"CREATE DATABASE {name} OWNER {role}")
    else:
        _as_superuser(
            cluster, f"CREATE DATABASE {name}", f"GRANT CONNECT ON DATABASE {name} TO {role}"
        )
        _as_superuser(cluster, f"GRANT ALL ON SCHEMA public TO {role}", database=name)
    return f"postgresql+psycopg://{role}@127.0.0.1:{cluster.port}/{name}"


def _packages(database: Database, names: list[str]) -> None:
    now = utcnow()
    device = uuid.uuid4()
    with database.writing() as session:
        session.execute(insert(Branch).values(code="ALA01", name="Алматы", created_at=now))
        session.execute(
            insert(Device).values(
                id=device, branch_code="ALA01", desk_code="D1", name="pc",
                token_hash=uuid.uuid4().hex * 2, enrolled_at=now,
            )
        )  # fmt: skip
        for i, name in enumerate(names):
            session.execute(
                insert(Package).values(
                    uuid=uuid.uuid4(), branch_code="ALA01", device_id=device, desk_code="D1",
                    receipt_no=f"ALA01-D1-{i + 1:07d}", service_id="attestation",
                    clerk_login="clerk", clerk_name="Clerk", device_time=now, details={},
                    manifest_hash="0" * 64, status="received", declared_at=now, received_at=now,
                    applicant_name=name, applicant_name_fold=fold(name),
                    due_date=dt.date(2026, 12, 1 + i), review_state="new",
                )
            )  # fmt: skip


def _search(database: Database, text: str) -> list[str]:
    with database.reading() as session:
        page = queue.page(
            session,
            branches=frozenset({"ALA01"}),
            f=queue.QueueFilter(q=text),
            today=dt.date(2026, 12, 2),
            size=10,
        )
    return [row.applicant_name for row in page.rows]


def _indexes(database: Database) -> set[str]:
    return {index["name"] for index in inspect(database.engine).get_indexes("package")}


@pytest.mark.parametrize("owner", [True, False], ids=["database owner", "no CREATE right"])
def test_the_name_search_index_where_the_extension_can_be_had(pg_cluster, owner, caplog):
    database = Database(_database_for(pg_cluster, owner=owner))
    try:
        with caplog.at_level(logging.WARNING):
            migrate.upgrade(database)
        indexes = _indexes(database)
        assert ("ix_package_name_trgm" in indexes) is owner
        assert ("ix_package_receipt_trgm" in indexes) is owner
        assert ("pg_trgm extension is not available" in caplog.text) is not owner
        assert migrate.is_current(database)
        _packages(database, ["«Алатау Энерго» ЖШС", "«Қазмұнай» АҚ", "ТОО «Алатау-Сервис»"])
        assert _search(database, "АЛАТАУ") == ["«Алатау Энерго» ЖШС", "ТОО «Алатау-Сервис»"]
        assert _search(database, "мұнай") == ["«Қазмұнай» АҚ"]
        assert _search(database, "50%_off") == []
        # A part of a receipt number: its last digits, or the desk and the number.
        assert _search(database, "0000002") == ["«Қазмұнай» АҚ"]
        assert _search(database, "d1-0000003") == ["ТОО «Алатау-Сервис»"]
        assert _search(database, "ALA01-D1-0000001") == ["«Алатау Энерго» ЖШС"]
    finally:
        database.dispose()
