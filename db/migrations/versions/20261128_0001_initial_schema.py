"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 03:37:51.439792
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=True),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('old_value', sa.String(length=32), nullable=True),
    sa.Column('new_value', sa.String(length=32), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('email_normalized', sa.String(length=320), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('name_kana', sa.String(length=200), nullable=True),
    sa.Column('name_normalized', sa.String(length=200), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('former_company', sa.String(length=200), nullable=True),
    sa.Column('current_employer', sa.String(length=200), nullable=True),
    sa.Column('industry_code', sa.String(length=8), nullable=True),
    sa.Column('region', sa.String(length=32), nullable=True),
    sa.Column('matching_opt_in', sa.Boolean(), nullable=False),
    sa.Column('introduction_opt_in', sa.Boolean(), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('offers', sa.JSON(), nullable=False),
    sa.Column('erased', sa.Boolean(), nullable=False),
    sa.Column('erased_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('email_normalized', name=op.f('uq_members_email_normalized'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_joined_on'), ['joined_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_left_on'), ['left_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_name_normalized'), ['name_normalized'], unique=False)

    op.create_table('screening_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_questions'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('multiple_choice', sa.Boolean(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys'))
    )
    op.create_table('user_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=100), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('first_failed_at', sa.DateTime(), nullable=True),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('sessions_valid_after', sa.DateTime(), nullable=True),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'organizer', 'liaison')", name=op.f('ck_user_accounts_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_accounts')),
    sa.UniqueConstraint('username', name=op.f('uq_user_accounts_username'))
    )
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('email_normalized', sa.String(length=320), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('name_kana', sa.String(length=200), nullable=True),
    sa.Column('name_normalized', sa.String(length=200), nullable=False),
    sa.Column('former_company', sa.String(length=200), nullable=True),
    sa.Column('former_division', sa.String(length=200), nullable=True),
    sa.Column('currently_working', sa.Boolean(), nullable=True),
    sa.Column('current_employer', sa.String(length=200), nullable=True),
    sa.Column('industry_code', sa.String(length=8), nullable=True),
    sa.Column('region', sa.String(length=32), nullable=True),
    sa.Column('referrer', sa.String(length=320), nullable=True),
    sa.Column('consent_at', sa.DateTime(), nullable=True),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('offers', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_category', sa.String(length=32), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('duplicate_of_application_id', sa.Integer(), nullable=True),
    sa.Column('duplicate_of_member_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'on_hold', 'approved', 'rejected', 'duplicate', 'withdrawn')", name=op.f('ck_applications_status')),
    sa.ForeignKeyConstraint(['duplicate_of_application_id'], ['applications.id'], name=op.f('fk_applications_duplicate_of_application_id_applications')),
    sa.ForeignKeyConstraint(['duplicate_of_member_id'], ['members.id'], name=op.f('fk_applications_duplicate_of_member_id_members')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_applications_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('source_key', name=op.f('uq_applications_source_key'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_decided_at'), ['decided_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_email_normalized'), ['email_normalized'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_name_normalized'), ['name_normalized'], unique=False)
        batch_op.create_index('ix_applications_status_submitted_at', ['status', 'submitted_at'], unique=False)

    op.create_table('event_attendees',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_attendees_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_event_attendees_member_id_members')),
    sa.PrimaryKeyConstraint('event_id', 'member_id', name=op.f('pk_event_attendees'))
    )
    op.create_table('introductions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_a_id', sa.Integer(), nullable=False),
    sa.Column('member_b_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('need_tag', sa.String(length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('introduced_by', sa.String(length=64), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('event_round', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('introduced_at', sa.DateTime(), nullable=True),
    sa.Column('met_at', sa.DateTime(), nullable=True),
    sa.Column('outcome_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('proposed', 'introduced', 'met', 'closed')", name=op.f('ck_introductions_status')),
    sa.CheckConstraint('member_a_id < member_b_id', name=op.f('ck_introductions_ordered_pair')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_introductions_event_id_events')),
    sa.ForeignKeyConstraint(['member_a_id'], ['members.id'], name=op.f('fk_introductions_member_a_id_members')),
    sa.ForeignKeyConstraint(['member_b_id'], ['members.id'], name=op.f('fk_introductions_member_b_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introductions'))
    )
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_introductions_member_a_id'), ['member_a_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introductions_member_b_id'), ['member_b_id'], unique=False)

    op.create_table('survey_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('vote_count', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_options_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_options')),
    sa.UniqueConstraint('survey_id', 'label', name=op.f('uq_survey_options_survey_id'))
    )
    with op.batch_alter_table('survey_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_options_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('email_normalized', sa.String(length=320), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('extra_answers', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_survey_responses_member_id_members')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_responses_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('survey_id', 'source_key', name=op.f('uq_survey_responses_survey_id'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_responses_survey_id'), ['survey_id'], unique=False)

    op.create_table('application_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_answers_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['screening_questions.id'], name=op.f('fk_application_answers_question_id_screening_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_answers')),
    sa.UniqueConstraint('application_id', 'question_id', name=op.f('uq_application_answers_application_id'))
    )
    op.create_table('survey_choices',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['survey_options.id'], name=op.f('fk_survey_choices_option_id_survey_options'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_choices_response_id_survey_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'option_id', name=op.f('pk_survey_choices'))
    )
    with op.batch_alter_table('survey_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_choices_option_id'), ['option_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('survey_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_choices_option_id'))

    op.drop_table('survey_choices')
    op.drop_table('application_answers')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_survey_id'))
        batch_op.drop_index(batch_op.f('ix_survey_responses_member_id'))

    op.drop_table('survey_responses')
    with op.batch_alter_table('survey_options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_options_survey_id'))

    op.drop_table('survey_options')
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_introductions_member_b_id'))
        batch_op.drop_index(batch_op.f('ix_introductions_member_a_id'))

    op.drop_table('introductions')
    op.drop_table('event_attendees')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_status_submitted_at')
        batch_op.drop_index(batch_op.f('ix_applications_name_normalized'))
        batch_op.drop_index(batch_op.f('ix_applications_member_id'))
        batch_op.drop_index(batch_op.f('ix_applications_email_normalized'))
        batch_op.drop_index(batch_op.f('ix_applications_decided_at'))

    op.drop_table('applications')
    op.drop_table('user_accounts')
    op.drop_table('surveys')
    op.drop_table('settings')
    op.drop_table('screening_questions')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_name_normalized'))
        batch_op.drop_index(batch_op.f('ix_members_left_on'))
        batch_op.drop_index(batch_op.f('ix_members_joined_on'))

    op.drop_table('members')
    op.drop_table('events')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
