import stat

import pytest

from core.config import demo_wanted, resolve_cookie_key
from core.errors import InsecureCookieKey


@pytest.mark.parametrize("key", ["some_key", "short-but-random", " " * 40], ids=["library-default", "short", "blank"])
def test_an_unsafe_cookie_key_is_refused(tmp_path, key):
    with pytest.raises(InsecureCookieKey):
        resolve_cookie_key(key, tmp_path / "key")


def test_a_kept_default_key_is_refused_too(tmp_path):
    (tmp_path / "key").write_text("some_key")
    with pytest.raises(InsecureCookieKey):
        resolve_cookie_key(None, tmp_path / "key")


def test_without_a_configured_key_a_random_32_byte_key_is_generated_once_and_kept_private(tmp_path):
    key_file = tmp_path / "data" / ".cookie_key"
    first = resolve_cookie_key(None, key_file)
    assert len(bytes.fromhex(first)) == 32
    assert resolve_cookie_key(None, key_file) == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert resolve_cookie_key(None, tmp_path / "other") != first


def test_a_configured_key_wins_over_the_kept_one(tmp_path):
    configured = "k" * 40
    assert resolve_cookie_key(configured, tmp_path / "key") == configured
    assert not (tmp_path / "key").exists()


@pytest.mark.parametrize(
    ("env", "default_db", "expected"),
    [(None, True, True), (None, False, False), ("0", True, False), ("1", False, True)],
)
def test_demo_data_is_seeded_on_the_default_database_unless_told_otherwise(monkeypatch, env, default_db, expected):
    if env is None:
        monkeypatch.delenv("ALUMNI_DEMO", raising=False)
    else:
        monkeypatch.setenv("ALUMNI_DEMO", env)
    assert demo_wanted(default_db) is expected
