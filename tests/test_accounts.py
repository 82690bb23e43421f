import datetime as dt

import pytest
from sqlalchemy import select

from core import accounts
from core.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidUsername,
    LastAdmin,
    PasswordHasOuterSpaces,
    PasswordTooLong,
    PasswordTooShort,
    UsernameTaken,
)
from db.engine import make_engine, read_session
from db.models import AuditLog

T0 = dt.datetime(2026, 11, 1, 9, 0, 0)
PASSWORD = "correct-horse-1"


@pytest.fixture
def organizer(engine):
    accounts.create_account(engine, "sato", "佐藤 花子", "organizer", PASSWORD, actor="test")
    return "sato"


def fail_login(engine, username, times, start=T0, step=dt.timedelta(seconds=30)):
    for i in range(times):
        with pytest.raises((InvalidCredentials, AccountLocked)):
            accounts.authenticate(engine, username, "wrong-password", now=start + i * step)


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("short", PasswordTooShort),
        (" leading-space", PasswordHasOuterSpaces),
        ("あ" * 25, PasswordTooLong),
        ("a" * 73, PasswordTooLong),
    ],
    ids=["too-short", "outer-space", "25-kanji", "73-bytes"],
)
def test_unsafe_or_unusable_passwords_are_refused_with_a_named_error(password, error):
    with pytest.raises(error):
        accounts.validate_password(password)


def test_a_password_of_24_kanji_fits_bcrypt_and_logs_in(engine):
    accounts.create_account(engine, "kanji", "漢字", "organizer", "漢" * 24, actor="test")
    assert accounts.authenticate(engine, "kanji", "漢" * 24).role == "organizer"


def test_the_fifth_failure_within_15_minutes_locks_the_account():
    state = accounts.FailureState(0, None, None)
    for minute in range(4):
        state = accounts.after_failure(state, T0 + dt.timedelta(minutes=minute))
        assert state.locked_until is None
    state = accounts.after_failure(state, T0 + dt.timedelta(minutes=14))
    assert state.locked_until == T0 + dt.timedelta(minutes=29)


def test_failures_spread_over_more_than_15_minutes_do_not_lock():
    state = accounts.FailureState(0, None, None)
    for minute in (0, 5, 10, 14, 16):
        state = accounts.after_failure(state, T0 + dt.timedelta(minutes=minute))
    assert state.locked_until is None
    assert state.failed_attempts == 1


def test_a_locked_account_refuses_even_the_right_password_until_the_lock_ends(engine, organizer):
    fail_login(engine, organizer, 5)
    with pytest.raises(AccountLocked) as raised:
        accounts.authenticate(engine, organizer, PASSWORD, now=T0 + dt.timedelta(minutes=5))
    assert raised.value.params["until"] == T0 + dt.timedelta(minutes=2, seconds=0) + dt.timedelta(minutes=15)
    account = accounts.authenticate(engine, organizer, PASSWORD, now=T0 + dt.timedelta(minutes=18))
    assert account.locked_until is None


def test_the_failure_count_survives_a_restart(any_url, organizer, engine):
    fail_login(engine, organizer, 4)
    engine.dispose()
    restarted = make_engine(any_url)
    with pytest.raises(AccountLocked):
        accounts.authenticate(restarted, organizer, "wrong-password", now=T0 + dt.timedelta(minutes=3))
    restarted.dispose()


def test_a_successful_login_resets_the_failure_count(engine, organizer):
    fail_login(engine, organizer, 4)
    accounts.authenticate(engine, organizer, PASSWORD, now=T0 + dt.timedelta(minutes=3))
    fail_login(engine, organizer, 4, start=T0 + dt.timedelta(minutes=4))
    assert accounts.find_account(engine, organizer).locked_until is None


def test_a_disabled_account_cannot_log_in_and_its_cookies_stop_working(engine, organizer):
    accounts.create_account(engine, "boss", "管理者", "admin", PASSWORD, actor="test")
    issued = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1)
    assert accounts.cookie_still_valid(accounts.find_account(engine, organizer), issued)
    accounts.set_active(engine, organizer, False, actor="boss")
    with pytest.raises(InvalidCredentials):
        accounts.authenticate(engine, organizer, PASSWORD)
    assert not accounts.cookie_still_valid(accounts.find_account(engine, organizer), issued)
    assert organizer not in accounts.credentials(engine)["usernames"]


def test_logging_out_invalidates_cookies_issued_before(engine, organizer):
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)
    accounts.end_sessions(engine, organizer)
    account = accounts.find_account(engine, organizer)
    assert not accounts.cookie_still_valid(account, before)
    assert accounts.cookie_still_valid(account, dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(seconds=1))


def test_the_last_active_admin_cannot_be_disabled_or_demoted(engine):
    accounts.create_account(engine, "boss", "管理者", "admin", PASSWORD, actor="test")
    with pytest.raises(LastAdmin):
        accounts.set_active(engine, "boss", False, actor="test")
    with pytest.raises(LastAdmin):
        accounts.change_role(engine, "boss", "organizer", actor="test")
    accounts.create_account(engine, "deputy", "副管理者", "admin", PASSWORD, actor="test")
    accounts.change_role(engine, "boss", "organizer", actor="test")
    assert accounts.find_account(engine, "boss").role == "organizer"


def test_usernames_are_unique_and_stored_in_lower_case(engine, organizer):
    with pytest.raises(UsernameTaken):
        accounts.create_account(engine, "SATO", "別人", "liaison", PASSWORD, actor="test")
    with pytest.raises(InvalidUsername):
        accounts.create_account(engine, "佐藤", "別人", "liaison", PASSWORD, actor="test")


def test_resetting_a_password_lifts_the_lock(engine, organizer):
    fail_login(engine, organizer, 5, start=dt.datetime.now(dt.UTC).replace(tzinfo=None))
    accounts.reset_password(engine, organizer, "new-password-2", actor="boss")
    assert accounts.authenticate(engine, organizer, "new-password-2").username == organizer


def test_logins_and_failures_are_audited(engine, organizer):
    fail_login(engine, organizer, 1)
    accounts.authenticate(engine, organizer, PASSWORD, now=T0 + dt.timedelta(minutes=1))
    with read_session(engine) as session:
        actions = list(session.scalars(select(AuditLog.action).where(AuditLog.actor == organizer)))
    assert actions == ["login_failed", "login"]
    assert all("password" not in str(row) for row in actions)
