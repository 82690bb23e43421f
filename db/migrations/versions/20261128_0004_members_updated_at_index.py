"""index on members.updated_at

The matching index is rebuilt when the member data changes; with this index the check
(the newest updated_at) is a lookup instead of a scan of every member.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 04:45:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_members_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_updated_at"))
