"""indexes found by the benchmark (python manage.py bench) at 100,000 members

- members (left_on, joined_on): current members newest first (the members page, the new-member
  introductions of a month) read the newest rows instead of sorting every current member.
- applications (status, decided_at): approvals this month and recent decision times (the queue's
  figures) are a range lookup instead of a scan of every approved application.
- introductions (proposed_at): the introductions log (newest first, at most 500) and the recent
  proposals that cap a member's exposure.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 06:00:00
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index("ix_members_left_on_joined_on", ["left_on", "joined_on"], unique=False)
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index("ix_applications_status_decided_at", ["status", "decided_at"], unique=False)
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_introductions_proposed_at"), ["proposed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_introductions_proposed_at"))
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_status_decided_at")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_left_on_joined_on")
