"""Normalised keys for e-mail addresses and names, used to find duplicates."""

from __future__ import annotations

import re
import unicodedata

import jaconv

_SPACES = re.compile(r"\s+")


def normalize_email(raw: str) -> str:
    """NFKC, trimmed, case-folded: 'Ｔａｒｏ@Example.jp ' -> 'taro@example.jp'."""
    return unicodedata.normalize("NFKC", raw or "").strip().casefold()


def normalize_name(raw: str) -> str:
    """A name key that ignores width, spaces, case and hiragana/katakana differences."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = jaconv.hira2kata(text)
    return _SPACES.sub("", text).casefold()
