"""Shared parts of CSV imports: header mapping, mapping presets (TOML), problems and rejected rows."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.csvio import CsvTable, write_table
from core.errors import DomainError
from core.normalize import normalize_email

IGNORE = "ignore"
QUESTION_PREFIX = "question:"
TOKYO_OFFSET = dt.timedelta(hours=9)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_HEADER_NOISE = re.compile(r"[\s_\-・:：?？()（）「」『』\[\]【】]")

TIMESTAMP_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d",
    "%m/%d/%Y",
)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%Y年%m月%d日", "%Y.%m.%d")
TRUE_WORDS = {"はい", "yes", "y", "true", "1", "同意します", "同意する", "同意", "働いている", "現役", "agree", "ok"}
FALSE_WORDS = {"いいえ", "no", "n", "false", "0", "同意しません", "同意しない", "disagree"}


class InvalidMapping(DomainError):
    key = "import.invalid_mapping"


class MissingColumn(DomainError):
    key = "import.missing_column"


@dataclass(frozen=True)
class Problem:
    row: int  # data row number (1 = the first row after the header)
    key: str  # a catalogue key
    params: dict[str, Any]
    rejects: bool  # True: the row is not imported


@dataclass(frozen=True)
class ImportSummary:
    encoding: str
    rows: int
    added: int
    already_imported: int
    rejected: int
    problems: list[Problem]
    rejected_csv: bytes | None
    committed: bool


def header_key(text: str) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def auto_mapping(
    header: Iterable[str], synonyms: Mapping[str, Iterable[str]], questions: Iterable[str] = ()
) -> dict[str, str]:
    """Map each column to a field (its English name, a label or a synonym) or a screening question.

    A column whose header equals a question's text is that question's answer; others map to IGNORE.
    """
    lookup: dict[str, str] = {}
    for name, words in synonyms.items():
        for word in (name, *words):
            lookup.setdefault(header_key(word), name)
    question_lookup = {header_key(text): QUESTION_PREFIX + text for text in questions}
    mapping, taken = {}, set()
    for column in header:
        if not column:
            continue
        key = header_key(column)
        target = question_lookup.get(key) or lookup.get(key, IGNORE)
        if target != IGNORE and target in taken:
            target = IGNORE
        taken.add(target)
        mapping[column] = target
    return mapping


def check_mapping(mapping: Mapping[str, str], fields: Iterable[str], required: Iterable[str],
                  questions: Iterable[str] = ()) -> None:
    """Raises InvalidMapping for an unknown target and MissingColumn when a required field has no column."""
    allowed = {*fields, IGNORE, *(QUESTION_PREFIX + text for text in questions)}
    for column, target in mapping.items():
        if target not in allowed:
            raise InvalidMapping(column=column, target=target)
    for name in required:
        if name not in mapping.values():
            raise MissingColumn(field=name)


def mapping_to_toml(mapping: Mapping[str, str]) -> str:
    lines = ["# Column mapping for the alumni dashboard's CSV import", "[columns]"]
    lines += [f"{json.dumps(column, ensure_ascii=False)} = {json.dumps(target, ensure_ascii=False)}"
              for column, target in mapping.items()]
    return "\n".join(lines) + "\n"


def mapping_from_toml(text: str) -> dict[str, str]:
    """Raises InvalidMapping when the text is not a [columns] table of strings."""
    try:
        columns = tomllib.loads(text).get("columns")
    except tomllib.TOMLDecodeError as error:
        raise InvalidMapping(column="-", target=str(error)) from error
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise InvalidMapping(column="[columns]", target="-")
    return dict(columns)


def cleaned(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def valid_email(raw: str) -> str | None:
    """The address as written (NFKC, trimmed) if it looks like an e-mail address, else None."""
    email = cleaned(raw)
    return email if EMAIL_PATTERN.match(normalize_email(email)) else None


def parse_timestamp(raw: str) -> dt.datetime | None:
    """Google Forms timestamps (Japanese or English locale, Japan time) or ISO 8601, as naive UTC."""
    text = cleaned(raw)
    if not text:
        return None
    for pattern in TIMESTAMP_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern) - TOKYO_OFFSET
        except ValueError:
            continue
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed - TOKYO_OFFSET
    return parsed.astimezone(dt.UTC).replace(tzinfo=None)


def parse_date(raw: str) -> dt.date | None:
    text = cleaned(raw)
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    stamp = parse_timestamp(text)
    return (stamp + TOKYO_OFFSET).date() if stamp else None


def parse_bool(raw: str) -> bool | None:
    text = cleaned(raw).casefold()
    if not text:
        return None
    if text in TRUE_WORDS or text.startswith(("はい", "yes")):
        return True
    if text in FALSE_WORDS or text.startswith(("いいえ", "no")):
        return False
    return None


def split_list(raw: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,、;；\n]", cleaned(raw)) if part.strip()]


def rejected_rows_csv(table: CsvTable, problems: Iterable[Problem], reason_text) -> bytes | None:
    """The rejected rows as they came in, plus a reason column; None when nothing was rejected."""
    reasons: dict[int, list[str]] = {}
    for problem in problems:
        if problem.rejects:
            reasons.setdefault(problem.row, []).append(reason_text(problem))
    if not reasons:
        return None
    header = [*table.header, "row", "reason"]
    rows = [
        [*(row.cells.get(name, "") for name in table.header), row.number, " / ".join(reasons[row.number])]
        for row in table.rows
        if row.number in reasons
    ]
    return write_table(header, rows)
