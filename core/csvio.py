"""The one CSV reader and writer: UTF-8, UTF-8 with BOM or CP932 in; Excel-safe UTF-8 with BOM out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import DomainError

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
ENCODING_NAMES = {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "cp932": "CP932 (Shift_JIS)"}
MAX_FIELD_SIZE = 1_000_000


class CsvUnreadable(DomainError):
    key = "csv.unreadable"


class CsvEmpty(DomainError):
    key = "csv.empty"


@dataclass(frozen=True)
class CsvRow:
    number: int  # 1 = the first data row after the header
    cells: dict[str, str]


@dataclass(frozen=True)
class CsvTable:
    encoding: str
    header: list[str]
    rows: list[CsvRow]

    @property
    def encoding_name(self) -> str:
        return ENCODING_NAMES.get(self.encoding, self.encoding)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) trying UTF-8 with or without BOM, then CP932. Raises CsvUnreadable."""
    candidates = ("utf-8-sig",) if data.startswith(b"\xef\xbb\xbf") else ("utf-8", "cp932")
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise CsvUnreadable(reason="encoding")


def read_table(data: bytes) -> CsvTable:
    """Parse CSV bytes (CRLF or LF, quoted multi-line cells) into rows keyed by header.

    Raises CsvUnreadable for undecodable bytes or broken quoting, CsvEmpty when there is no header.
    """
    text, encoding = decode(data)
    if "\x00" in text:
        raise CsvUnreadable(reason="binary")
    csv.field_size_limit(MAX_FIELD_SIZE)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise CsvUnreadable(reason=str(error)) from error
    records = [record for record in records if any(cell.strip() for cell in record)]
    if not records:
        raise CsvEmpty()
    header = [cell.strip() for cell in records[0]]
    rows = []
    for number, record in enumerate(records[1:], start=1):
        padded = record + [""] * (len(header) - len(record))
        rows.append(CsvRow(number, {name: padded[i] for i, name in enumerate(header) if name}))
    return CsvTable(encoding, header, rows)


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas: text starting with = + - @ tab CR or LF gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with BOM, CRLF, RFC 4180 quoting, every text cell formula-safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")
