"""The committee's console and the applicant's status page: console users and their
departments, sessions, rate limits, review drafts, the hub's audit trail; the package's
applicant, acceptance day and due dates for the queue; a refusal's reasons in kk and ru.

Revision ID: 0005_console
Revises: 0004_upload
Create Date: 2026-12-04
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0005_console"
down_revision = "0004_upload"
branch_labels = None
depends_on = None

AWARE = sa.DateTime(timezone=True)
_PACKAGE_COLUMNS = (
    sa.Column("applicant_idn", sa.String(12), nullable=False, server_default=""),
    sa.Column("applicant_name", sa.String(300), nullable=False, server_default=""),
    sa.Column("applicant_name_fold", sa.String(300), nullable=False, server_default=""),
    sa.Column("accepted_on", sa.Date(), nullable=True),
    sa.Column("due_date", sa.Date(), nullable=True),
    sa.Column("legal_due_date", sa.Date(), nullable=True),
    sa.Column("review_state", sa.String(16), nullable=False, server_default="new"),
)
_PACKAGE_INDEXES = (
    ("ix_package_queue", ["due_date", "uuid"]),
    ("ix_package_branch_due", ["branch_code", "due_date", "uuid"]),
    ("ix_package_state_due", ["review_state", "due_date", "uuid"]),
)
# The packages still to decide, in the queue's order, with the columns its filters test: the
# "not yet decided" queue and the overdue / due-today counts read this small index alone.
OPEN = "status = 'received' AND review_state IN ('new', 'in_review')"
OPEN_INDEX = "ix_package_open_due"
# Search by a part of the applicant's name or of a receipt number: trigram indexes
# (PostgreSQL's pg_trgm) answer LIKE '%part%'. Without the extension the search still
# works, by reading the table.
TRIGRAM_INDEXES = (
    ("ix_package_name_trgm", "applicant_name_fold"),
    ("ix_package_receipt_trgm", "receipt_no"),
)

log = logging.getLogger(__name__)


def upgrade() -> None:
    # Plain ALTER TABLE … ADD COLUMN: a batch rebuild of "package" on SQLite would
    # cascade-delete its manifest entries (see 0002).
    for column in _PACKAGE_COLUMNS:
        op.add_column("package", column)
    for name, columns in _PACKAGE_INDEXES:
        op.create_index(name, "package", columns)
    op.create_index(
        OPEN_INDEX,
        "package",
        ["due_date", "uuid", "branch_code", "service_id"],
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        if _trigrams(bind):
            for name, column in TRIGRAM_INDEXES:
                op.create_index(
                    name,
                    "package",
                    [column],
                    postgresql_using="gin",
                    postgresql_ops={column: "gin_trgm_ops"},
                )
        else:
            log.warning(
                "PostgreSQL's pg_trgm extension is not available to this database user: the "
                "console's search by a part of a name or of a receipt number reads the whole "
                "package table. To add its indexes later, see docs/console.md (Search)."
            )
    # Search by the beginning of an IIN/BIN: LIKE 'prefix%' can use a b-tree on PostgreSQL
    # only with the pattern operator class (any collation).
    for name, column in _PREFIX_INDEXES:
        op.create_index(name, "package", [column], postgresql_ops={column: "text_pattern_ops"})
    # Packages already received get their applicant and state from what the hub holds;
    # their due dates are filled by `ozq-hub recompute-due-dates` (the rule needs the catalog).
    op.execute(
        "UPDATE package SET review_state = (SELECT d.outcome FROM decision d"
        " WHERE d.package_uuid = package.uuid ORDER BY d.version DESC LIMIT 1)"
        " WHERE uuid IN (SELECT package_uuid FROM decision)"
    )
    op.add_column("decision", sa.Column("reason_kk", sa.Text(), nullable=True))
    op.add_column("decision", sa.Column("reason_ru", sa.Text(), nullable=True))

    op.create_table(
        "console_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", AWARE, nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_console_user"),
        sa.UniqueConstraint("login", name="uq_console_user_login"),
    )
    op.create_table(
        "console_user_branch",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("branch_code", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["console_user.id"],
            name="fk_console_user_branch_user_id_console_user",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["branch_code"], ["branch.code"], name="fk_console_user_branch_branch_code_branch"
        ),
        sa.PrimaryKeyConstraint("user_id", "branch_code", name="pk_console_user_branch"),
    )
    op.create_table(
        "console_session",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.Column("last_seen_at", AWARE, nullable=False),
        sa.Column("expires_at", AWARE, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["console_user.id"],
            name="fk_console_session_user_id_console_user",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_console_session"),
    )
    op.create_index("ix_console_session_user_id", "console_session", ["user_id"])
    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("window_start", AWARE, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limit"),
    )
    op.create_index("ix_rate_limit_window_start", "rate_limit", ["window_start"])
    op.create_table(
        "review_draft",
        sa.Column("package_uuid", sa.Uuid(), nullable=False),
        sa.Column("checked", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", AWARE, nullable=False),
        sa.ForeignKeyConstraint(
            ["package_uuid"],
            ["package.uuid"],
            name="fk_review_draft_package_uuid_package",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["console_user.id"], name="fk_review_draft_updated_by_console_user"
        ),
        sa.PrimaryKeyConstraint("package_uuid", name="pk_review_draft"),
    )
    op.create_table(
        "hub_audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("at", AWARE, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_login", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("package_uuid", sa.Uuid(), nullable=True),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_audit"),
    )
    op.create_index("ix_hub_audit_package", "hub_audit", ["package_uuid", "id"])


_PREFIX_INDEXES = (("ix_package_idn_prefix", "applicant_idn"),)


def _trigrams(bind) -> bool:
    """pg_trgm is there, or this user may create it (it is a trusted extension: the
    database's owner may). A failed CREATE EXTENSION is rolled back to a savepoint."""
    installed = "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"
    if bind.exec_driver_sql(installed).first():
        return True
    available = "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
    if not bind.exec_driver_sql(available).first():
        return False
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION pg_trgm")
    except DBAPIError as exc:
        log.warning("CREATE EXTENSION pg_trgm failed: %s", str(exc.orig).strip())
        return False
    return True


def downgrade() -> None:
    # The extension stays: other objects of the database may use it.
    for name, _column in TRIGRAM_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index(OPEN_INDEX, table_name="package")
    for name, _column in _PREFIX_INDEXES:
        op.drop_index(name, table_name="package")
    op.drop_index("ix_hub_audit_package", table_name="hub_audit")
    op.drop_table("hub_audit")
    op.drop_table("review_draft")
    op.drop_index("ix_rate_limit_window_start", table_name="rate_limit")
    op.drop_table("rate_limit")
    op.drop_index("ix_console_session_user_id", table_name="console_session")
    op.drop_table("console_session")
    op.drop_table("console_user_branch")
    op.drop_table("console_user")
    for column in ("reason_ru", "reason_kk"):
        op.drop_column("decision", column)
    for name, _columns in reversed(_PACKAGE_INDEXES):
        op.drop_index(name, table_name="package")
    for column in reversed(_PACKAGE_COLUMNS):
        op.drop_column("package", column.name)
