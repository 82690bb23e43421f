"""Domain errors: each names a catalogue message so every layer can show it in the user's language."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class; `key` is a message key of core.i18n, `params` fill its placeholders."""

    key = "error.generic"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(f"{self.key} {params}" if params else self.key)


class InvalidCredentials(DomainError):
    key = "auth.invalid_credentials"


class AccountLocked(DomainError):
    key = "auth.locked"


class PasswordTooShort(DomainError):
    key = "accounts.password_too_short"


class PasswordTooLong(DomainError):
    key = "accounts.password_too_long"


class PasswordHasOuterSpaces(DomainError):
    key = "accounts.password_spaces"


class PasswordsDiffer(DomainError):
    key = "accounts.passwords_differ"


class InvalidUsername(DomainError):
    key = "accounts.invalid_username"


class UsernameTaken(DomainError):
    key = "accounts.username_taken"


class InvalidRole(DomainError):
    key = "accounts.invalid_role"


class AccountNotFound(DomainError):
    key = "accounts.not_found"


class LastAdmin(DomainError):
    key = "accounts.last_admin"


class InsecureCookieKey(DomainError):
    key = "config.insecure_cookie_key"
