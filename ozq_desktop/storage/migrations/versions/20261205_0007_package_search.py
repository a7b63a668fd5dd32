"""package search: an FTS5 trigram index over each package's searchable text

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 11:00:00

`package_search` holds one row per package: its id and its searchable text (the name folded
by domain/search_text.fold, the receipt number, the IIN/BIN, the foreign registration number).
Triggers keep it in step with `packages`. Existing packages are folded anew and indexed here.

A later migration that rebuilds the `packages` table (Alembic's batch "move and copy") drops
these triggers with it and must create them again (`create_triggers`).
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def searchable(row: str) -> str:
    return (
        f"{row}.applicant_name_fold || ' ' || lower({row}.receipt_no) || ' ' || "
        f"{row}.applicant_idn || ' ' || lower({row}.applicant_foreign_reg_no)"
    )


TRIGGERS = {
    "package_search_insert": "AFTER INSERT ON packages BEGIN "
    f"INSERT INTO package_search(package_id, text) VALUES (new.id, {searchable('new')}); END",
    "package_search_update": "AFTER UPDATE OF applicant_name_fold, receipt_no, applicant_idn, "
    "applicant_foreign_reg_no ON packages BEGIN "
    "DELETE FROM package_search WHERE package_id = old.id; "
    f"INSERT INTO package_search(package_id, text) VALUES (new.id, {searchable('new')}); END",
    "package_search_delete": "AFTER DELETE ON packages BEGIN "
    "DELETE FROM package_search WHERE package_id = old.id; END",
}


def create_triggers() -> None:
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def _fold_existing_names() -> None:
    """Every stored name folded anew, in one statement: the fold is lent to SQLite as a
    function of this connection for the length of the migration."""
    from ozq_desktop.domain.search_text import fold

    op.get_bind().connection.driver_connection.create_function(
        "ozq_fold", 1, lambda name: fold(name or ""), deterministic=True
    )
    op.execute("UPDATE packages SET applicant_name_fold = ozq_fold(applicant_name)")


def upgrade() -> None:
    _fold_existing_names()
    op.execute(
        "CREATE VIRTUAL TABLE package_search USING fts5("
        "package_id UNINDEXED, text, tokenize = 'trigram')"
    )
    op.execute(
        f"INSERT INTO package_search(package_id, text) SELECT id, {searchable('packages')} "
        "FROM packages ORDER BY accepted_at, id"
    )
    create_triggers()


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS package_search")
