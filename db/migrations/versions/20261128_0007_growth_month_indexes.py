"""SQLite: indexes on the Japan-time month of applications, for the growth figures at 100,000 members

The growth page counts applications by the month (Asia/Tokyo) they were submitted and decided, and
the hours each decision took. On SQLite each of those is a date function of every row; with these
indexes on exactly the expressions db/growth.py uses, the counts read the index alone (0.25 s → about
0.03 s at 100,000 members). PostgreSQL keeps its plan (to_char is not immutable, so it cannot be
indexed). The expressions here and in db/growth.py must stay the same text, or SQLite stops using
the indexes; a later batch migration of `applications` must create them again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 07:00:00
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SUBMITTED_MONTH = "strftime('%Y-%m', submitted_at, '+9 hours')"
DECIDED_MONTH = "strftime('%Y-%m', decided_at, '+9 hours')"
DECISION_HOURS = "CAST((julianday(decided_at) - julianday(submitted_at)) * 24 AS INTEGER)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE INDEX IF NOT EXISTS ix_applications_submitted_month ON applications ({SUBMITTED_MONTH}, status)")
    op.execute(f"CREATE INDEX IF NOT EXISTS ix_applications_decided_month ON applications "
               f"({DECIDED_MONTH}, status, {DECISION_HOURS})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP INDEX IF EXISTS ix_applications_decided_month")
    op.execute("DROP INDEX IF EXISTS ix_applications_submitted_month")
