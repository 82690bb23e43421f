"""manage.py as an admin uses it: real processes, DATABASE_URL honoured, passwords never in arguments."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from core import accounts
from db.engine import make_engine
from tests.conftest import ROOT

COMMANDS = ("init-db", "seed-demo", "create-user")


def manage(*args: str, url: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "ALUMNI_PASSWORD"}
    environment.update({"DATABASE_URL": url, **(env or {})})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=environment, input=stdin, capture_output=True, text=True, timeout=300,
    )


def test_help_lists_every_command(sqlite_url):
    result = manage("--help", url=sqlite_url)
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_its_own_help(sqlite_url, command):
    result = manage(command, "--help", url=sqlite_url)
    assert result.returncode == 0
    assert "usage:" in result.stdout


def test_init_db_creates_the_database_that_database_url_names(any_url):
    assert manage("init-db", url=any_url).returncode == 0
    assert manage("init-db", url=any_url).returncode == 0
    engine = make_engine(any_url)
    assert accounts.list_accounts(engine) == []
    engine.dispose()


def test_create_user_reads_the_password_twice_from_standard_input(sqlite_url):
    manage("init-db", url=sqlite_url)
    result = manage("create-user", "Suzuki", "--role", "organizer", "--name", "鈴木 次郎", url=sqlite_url,
                    stdin="suzuki-pass-1\nsuzuki-pass-1\n")
    assert result.returncode == 0, result.stderr
    engine = make_engine(sqlite_url)
    account = accounts.authenticate(engine, "suzuki", "suzuki-pass-1")
    assert (account.role, account.display_name) == ("organizer", "鈴木 次郎")
    engine.dispose()


def test_create_user_refuses_two_different_passwords(sqlite_url):
    manage("init-db", url=sqlite_url)
    result = manage("create-user", "suzuki", "--role", "organizer", url=sqlite_url,
                    stdin="first-pass-1\nother-pass-1\n")
    assert result.returncode != 0
    assert "一致しません" in result.stderr + result.stdout
    engine = make_engine(sqlite_url)
    assert accounts.find_account(engine, "suzuki") is None
    engine.dispose()


def test_create_user_takes_the_password_from_the_environment(sqlite_url):
    manage("init-db", url=sqlite_url)
    result = manage("create-user", "tanaka", "--role", "liaison", url=sqlite_url,
                    env={"ALUMNI_PASSWORD": "tanaka-pass-1"})
    assert result.returncode == 0, result.stderr
    engine = make_engine(sqlite_url)
    assert accounts.authenticate(engine, "tanaka", "tanaka-pass-1").role == "liaison"
    engine.dispose()


def test_create_user_has_no_password_argument(sqlite_url):
    result = manage("create-user", "tanaka", "--role", "liaison", "--password", "x" * 10, url=sqlite_url)
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr


def test_create_user_explains_a_refused_password_in_both_languages(sqlite_url):
    manage("init-db", url=sqlite_url)
    result = manage("create-user", "tanaka", "--role", "liaison", url=sqlite_url, stdin="short\nshort\n")
    assert result.returncode == 2
    assert "8文字以上" in result.stderr and "at least 8 characters" in result.stderr


def test_seed_demo_fills_an_empty_database_once(sqlite_url):
    first = manage("seed-demo", "--members", "60", "--seed", "3", url=sqlite_url)
    assert first.returncode == 0, first.stderr
    engine = make_engine(sqlite_url)
    assert {a.role for a in accounts.list_accounts(engine)} == {"admin", "organizer", "liaison"}
    engine.dispose()
    second = manage("seed-demo", "--members", "60", url=sqlite_url)
    assert second.returncode == 0
    assert "nothing was added" in second.stdout
