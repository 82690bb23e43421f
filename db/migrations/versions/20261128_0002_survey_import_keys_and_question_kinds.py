"""survey import keys and question kinds

Surveys get the hash of the file they were imported from (importing it again adds nothing), a
poll's respondent count, and which extra questions hold free text (shown to organizers only) or
closed answers. A survey is identified by its title and date. Extra answers already stored count
as free text, the cautious choice.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 04:02:07.469946
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('respondent_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('free_text_questions', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('other_questions', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_surveys_source_key'), ['source_key'])
        batch_op.create_unique_constraint(batch_op.f('uq_surveys_title'), ['title', 'held_on'])

    surveys = sa.table('surveys', sa.column('id', sa.Integer()), sa.column('free_text_questions', sa.JSON()))
    responses = sa.table('survey_responses', sa.column('survey_id', sa.Integer()),
                         sa.column('extra_answers', sa.JSON()))
    connection = op.get_bind()
    keys: dict[int, dict[str, None]] = {}
    for survey_id, extra in connection.execute(sa.select(responses.c.survey_id, responses.c.extra_answers)):
        keys.setdefault(survey_id, {}).update(dict.fromkeys(extra or {}))
    for survey_id, names in keys.items():
        connection.execute(surveys.update().where(surveys.c.id == survey_id).values(free_text_questions=list(names)))


def downgrade() -> None:
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_surveys_title'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_surveys_source_key'), type_='unique')
        batch_op.drop_column('other_questions')
        batch_op.drop_column('free_text_questions')
        batch_op.drop_column('respondent_count')
        batch_op.drop_column('source_key')
