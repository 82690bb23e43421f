"""Secrets and run-time configuration that do not live in the database."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from core.errors import InsecureCookieKey

MIN_COOKIE_KEY_LENGTH = 32
KNOWN_DEFAULT_KEYS = {"some_key", "some_signature_key", "abcdef", "changeme"}


def check_cookie_key(key: str) -> str:
    """Raises InsecureCookieKey for the library's default key or a key shorter than 32 characters."""
    if key.strip().lower() in KNOWN_DEFAULT_KEYS:
        raise InsecureCookieKey(reason="default")
    if len(key.strip()) < MIN_COOKIE_KEY_LENGTH:
        raise InsecureCookieKey(reason=f"{len(key.strip())} < {MIN_COOKIE_KEY_LENGTH}")
    return key.strip()


def resolve_cookie_key(configured: str | None, key_file: Path) -> str:
    """The configured key if any, else the key kept in `key_file`, generated on first use.

    Raises InsecureCookieKey when the configured or kept key is unsafe.
    """
    if configured:
        return check_cookie_key(configured)
    if key_file.exists():
        return check_cookie_key(key_file.read_text(encoding="utf-8"))
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def demo_wanted(default_database: bool) -> bool:
    """Seed demo data into an empty database: ALUMNI_DEMO=1/0, else only on the default SQLite file."""
    value = os.environ.get("ALUMNI_DEMO")
    if value is None:
        return default_database
    return value.strip().lower() in {"1", "true", "yes", "on"}
