"""manage.py as an admin uses it: real processes, DATABASE_URL honoured, passwords never in arguments."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from core import accounts
from db.engine import make_engine
from tests.conftest import ROOT

COMMANDS = ("init-db", "seed-demo", "create-user", "import-applications", "import-members", "export")
SAMPLE = ROOT.parent / "shared" / "data" / "applications_google_forms_cp932.csv"


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


@pytest.fixture
def sample_copy(tmp_path):
    if not SAMPLE.exists():
        pytest.skip("the shared sample data is not beside the checkout")
    target = tmp_path / "applications.csv"
    target.write_bytes(SAMPLE.read_bytes())
    return target


def test_import_applications_writes_the_rejected_rows_next_to_the_input(sqlite_url, sample_copy):
    manage("init-db", url=sqlite_url)
    dry = manage("import-applications", str(sample_copy), "--dry-run", url=sqlite_url)
    assert dry.returncode == 0, dry.stderr
    assert "8 would add" in dry.stdout
    result = manage("import-applications", str(sample_copy), url=sqlite_url)
    assert "8 added, 0 skipped as already imported, 2 rejected." in result.stdout
    rejected = sample_copy.with_name("applications.rejected.csv")
    assert str(rejected) in result.stdout
    assert rejected.read_bytes().startswith(b"\xef\xbb\xbf")
    again = manage("import-applications", str(sample_copy), url=sqlite_url)
    assert "0 added, 8 skipped as already imported" in again.stdout


def test_import_applications_takes_a_toml_mapping(sqlite_url, tmp_path):
    manage("init-db", url=sqlite_url)
    source = tmp_path / "custom.csv"
    source.write_text("日付,連絡先,氏名\n2025/03/01 10:00,a@example.jp,青木 一\n", encoding="utf-8")
    mapping = tmp_path / "custom.toml"
    mapping.write_text('[columns]\n"日付" = "submitted_at"\n"連絡先" = "email"\n"氏名" = "full_name"\n',
                       encoding="utf-8")
    result = manage("import-applications", str(source), "--mapping", str(mapping), url=sqlite_url)
    assert "1 added" in result.stdout, result.stdout + result.stderr


def test_export_applications_is_excel_ready_and_formula_safe(sqlite_url, sample_copy, tmp_path):
    manage("init-db", url=sqlite_url)
    manage("import-applications", str(sample_copy), url=sqlite_url)
    out = tmp_path / "out.csv"
    result = manage("export", "applications", "--out", str(out), "--status", "pending", url=sqlite_url)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("ID,申込日時,状態,メールアドレス")
    assert ",'@SUM(A1:A9)," in text and ",'-2+3+cmd" in text
    assert "同意なし" in text and "重複の可能性" in text
    assert len(text.splitlines()) == 9


def test_export_members_after_a_roster_import(sqlite_url, tmp_path):
    manage("init-db", url=sqlite_url)
    roster = tmp_path / "roster.csv"
    roster.write_text("email,full_name,joined_on\n=a@example.jp,=1+1,2024-04-01\nb@example.jp,伊藤,2024-05-01\n",
                      encoding="cp932")
    imported = manage("import-members", str(roster), url=sqlite_url)
    assert "2 added" in imported.stdout
    out = tmp_path / "members.csv"
    assert manage("export", "members", "--out", str(out), "--lang", "en", url=sqlite_url).returncode == 0
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("ID,E-mail,Name")
    assert ",'=a@example.jp,'=1+1," in lines[1]
    assert ",b@example.jp,伊藤," in lines[2]
