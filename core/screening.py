"""Screening rules: the flags an application carries and whether a decision is allowed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.errors import DomainError

UNANSWERED = "unanswered"
NO_CONSENT = "no_consent"
NOT_GROUP_COMPANY = "not_group_company"
NOT_WORKING = "not_working"
POSSIBLE_DUPLICATE = "possible_duplicate"
REFERRED_BY_MEMBER = "referred_by_member"

BLOCKING = (UNANSWERED, NO_CONSENT)
NEEDS_OVERRIDE = (NOT_GROUP_COMPANY, NOT_WORKING)
FLAG_ORDER = (UNANSWERED, NO_CONSENT, NOT_GROUP_COMPANY, NOT_WORKING, POSSIBLE_DUPLICATE, REFERRED_BY_MEMBER)
OTHER_COMPANY = "その他"

DECISIONS = ("approve", "reject", "hold", "duplicate")
REJECT_CATEGORIES = ("not_eligible", "unverifiable", "not_working", "spam", "other")
STATUS_AFTER = {"approve": "approved", "reject": "rejected", "hold": "on_hold", "duplicate": "duplicate"}
OPEN_STATUSES = ("pending", "on_hold")

_COMPANY_NOISE = re.compile(r"[\s・･（）()株式会社]")


class CannotApprove(DomainError):
    key = "review.cannot_approve"


class OverrideRequired(DomainError):
    key = "review.override_required"


class ReasonRequired(DomainError):
    key = "review.reason_required"


class DuplicateTargetRequired(DomainError):
    key = "review.duplicate_target_required"


class AlreadyDecided(DomainError):
    key = "review.already_decided"


class DecisionConflict(DomainError):
    """Someone else decided this application after it was shown; nothing was overwritten."""

    key = "review.conflict"


class AlreadyAMember(DomainError):
    key = "review.already_member"


class ApplicationNotFound(DomainError):
    key = "review.not_found"


@dataclass(frozen=True)
class ScreeningFacts:
    """What the rules need to know about one application, as plain values."""

    former_company: str | None
    currently_working: bool | None
    consented: bool
    unanswered_required: tuple[str, ...] = ()
    duplicate_hints: tuple[str, ...] = ()
    referred_by_member: bool = False
    eligible_companies: tuple[str, ...] = field(default=(), repr=False)


def company_key(name: str | None) -> str:
    """Compare company names ignoring width, spaces, middle dots, brackets and 株式会社."""
    return _COMPANY_NOISE.sub("", unicodedata.normalize("NFKC", name or "")).casefold()


def is_group_company(name: str | None, eligible: Iterable[str]) -> bool:
    key = company_key(name)
    return bool(key) and key in {company_key(company) for company in eligible}


def flags(facts: ScreeningFacts) -> list[str]:
    """The flags of an application, in display order."""
    found = set()
    if facts.unanswered_required:
        found.add(UNANSWERED)
    if not facts.consented:
        found.add(NO_CONSENT)
    if not is_group_company(facts.former_company, facts.eligible_companies):
        found.add(NOT_GROUP_COMPANY)
    if facts.currently_working is False:
        found.add(NOT_WORKING)
    if facts.duplicate_hints:
        found.add(POSSIBLE_DUPLICATE)
    if facts.referred_by_member:
        found.add(REFERRED_BY_MEMBER)
    return [flag for flag in FLAG_ORDER if flag in found]


def check_decision(
    decision: str,
    status: str,
    application_flags: Iterable[str],
    *,
    category: str | None = None,
    note: str | None = None,
    override_reason: str | None = None,
    duplicate_target: bool = False,
) -> None:
    """Raise the domain error that forbids this decision, or return when it is allowed.

    Raises AlreadyDecided, CannotApprove (unanswered required question or no consent),
    OverrideRequired (ineligible without an override reason), ReasonRequired (a rejection
    needs a category and a note; a hold needs a note) or DuplicateTargetRequired.
    """
    if status not in OPEN_STATUSES:
        raise AlreadyDecided(status=status)
    present = set(application_flags)
    if decision == "approve":
        blocking = [flag for flag in BLOCKING if flag in present]
        if blocking:
            raise CannotApprove(flags=blocking)
        if any(flag in present for flag in NEEDS_OVERRIDE) and not (override_reason or "").strip():
            raise OverrideRequired(flags=[flag for flag in NEEDS_OVERRIDE if flag in present])
    elif decision == "reject":
        if category not in REJECT_CATEGORIES or not (note or "").strip():
            raise ReasonRequired()
    elif decision == "hold":
        if not (note or "").strip():
            raise ReasonRequired()
    elif decision == "duplicate":
        if not duplicate_target:
            raise DuplicateTargetRequired()
    else:
        raise ValueError(decision)
