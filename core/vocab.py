"""Loads the bilingual vocabularies (industries, needs/offers, companies, regions).

The data lives in CSV files in the ``vocab`` folder next to this module (UTF-8; a byte order
mark is tolerated, so an admin may edit them in a spreadsheet). Every loader is cached; call
``reload()`` after the files change. Returned containers are shared between callers: do not
mutate them.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from pathlib import Path

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"

LANGS = ("ja", "en")
KINDS = ("industry", "tag", "company", "region")


@dataclass(frozen=True)
class Industry:
    """A JSIC group: a major group (letter A–T) or a medium group (two digits)."""

    code: str
    level: str  # "major" or "medium"
    parent: str | None  # the major letter of a medium group, None for a major group
    name_ja: str
    name_en: str

    def name(self, lang: str = "ja") -> str:
        return _pick(self.name_ja, self.name_en, lang)


@dataclass(frozen=True)
class NeedPair:
    """A need and the offer that answers it; symmetric when both are the same tag."""

    need: str
    need_ja: str
    need_en: str
    offer: str
    offer_ja: str
    offer_en: str

    @property
    def symmetric(self) -> bool:
        return self.need == self.offer


@dataclass(frozen=True)
class Company:
    name_ja: str
    name_en: str

    def name(self, lang: str = "ja") -> str:
        return _pick(self.name_ja, self.name_en, lang)


@dataclass(frozen=True)
class Region:
    """A prefecture (JIS code ``01``–``47``) or ``abroad``."""

    code: str
    name_ja: str
    name_en: str

    def name(self, lang: str = "ja") -> str:
        return _pick(self.name_ja, self.name_en, lang)


def _pick(ja: str, en: str, lang: str) -> str:
    return en if lang == "en" and en else ja


def _rows(filename: str) -> list[dict[str, str]]:
    data = (VOCAB_DIR / filename).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # saved as Shift_JIS by a spreadsheet on Japanese Windows
        text = data.decode("cp932")
    rows = []
    for raw in csv.DictReader(io.StringIO(text, newline="")):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        if any(row.values()):
            rows.append(row)
    return rows


@functools.cache
def industries() -> dict[str, Industry]:
    """Code -> Industry for the JSIC major and medium groups, in file order."""
    result: dict[str, Industry] = {}
    for row in _rows("industries.csv"):
        code = row["code"].upper()
        result[code] = Industry(
            code=code,
            level=row["level"],
            parent=row["parent"].upper() or None,
            name_ja=row["name_ja"],
            name_en=row["name_en"],
        )
    return result


def major_of(code: str | None) -> str | None:
    """The major group letter of a JSIC code (major, medium, or a longer minor/detail code)."""
    if not code:
        return None
    code = code.strip().upper()
    table = industries()
    if code.isdigit() and len(code) > 2:
        code = code[:2]
    if code.isdigit() and len(code) == 1:
        code = code.zfill(2)
    found = table.get(code)
    if found is None:
        return None
    return code if found.level == "major" else found.parent


@functools.cache
def related_industries() -> dict[tuple[str, str], float]:
    """(major, major) -> affinity in 0..1, stored in both orders."""
    result: dict[tuple[str, str], float] = {}
    for row in _rows("related_industries.csv"):
        a, b = row["code_a"].upper(), row["code_b"].upper()
        affinity = min(1.0, max(0.0, float(row["affinity"])))
        result[(a, b)] = result[(b, a)] = affinity
    return result


def industry_affinity(code_a: str | None, code_b: str | None) -> float:
    """1.0 for the same major group, the related_industries affinity, else 0.0."""
    a, b = major_of(code_a), major_of(code_b)
    if a is None or b is None:
        return 0.0
    if a == b:
        return 1.0
    return related_industries().get((a, b), 0.0)


@functools.cache
def needs() -> list[NeedPair]:
    """The complementary need/offer pairs, in file order."""
    return [
        NeedPair(
            need=row["need"],
            need_ja=row["need_ja"],
            need_en=row["need_en"],
            offer=row["offer"],
            offer_ja=row["offer_ja"],
            offer_en=row["offer_en"],
        )
        for row in _rows("needs.csv")
    ]


@functools.cache
def need_tags() -> list[str]:
    """Tags a member can ask for (symmetric tags included)."""
    return [pair.need for pair in needs()]


@functools.cache
def offer_tags() -> list[str]:
    """Tags a member can offer (symmetric tags included)."""
    return [pair.offer for pair in needs()]


@functools.cache
def _complements() -> dict[str, str]:
    result: dict[str, str] = {}
    for pair in needs():
        result[pair.need] = pair.offer
        result[pair.offer] = pair.need
    return result


def complement_of(tag: str) -> str:
    """The tag that answers ``tag``: need -> offer, offer -> need, symmetric -> itself."""
    try:
        return _complements()[tag]
    except KeyError:
        raise KeyError(f"unknown need/offer tag: {tag!r}") from None


@functools.cache
def _tag_labels() -> dict[str, tuple[str, str]]:
    result: dict[str, tuple[str, str]] = {}
    for pair in needs():
        result[pair.need] = (pair.need_ja, pair.need_en)
        result.setdefault(pair.offer, (pair.offer_ja, pair.offer_en))
    return result


def tag_label(tag: str, lang: str = "ja") -> str:
    """The label of a need/offer tag; an unknown tag is shown as is."""
    labels = _tag_labels().get(tag)
    return _pick(*labels, lang) if labels else tag


@functools.cache
def group_companies() -> list[Company]:
    """The default list of eligible group companies (the settings may override it)."""
    return [Company(name_ja=row["name_ja"], name_en=row["name_en"]) for row in _rows("group_companies.csv")]


@functools.cache
def regions() -> list[Region]:
    """The 47 prefectures in JIS order, then abroad."""
    result = []
    for row in _rows("regions.csv"):
        code = row["code"]
        if code.isdigit():
            code = code.zfill(2)
        result.append(Region(code=code, name_ja=row["name_ja"], name_en=row["name_en"]))
    return result


@functools.cache
def _region_index() -> dict[str, Region]:
    return {region.code: region for region in regions()}


@functools.cache
def _company_index() -> dict[str, Company]:
    index: dict[str, Company] = {}
    for company in group_companies():
        index.setdefault(company.name_ja, company)
        index.setdefault(company.name_en, company)
    return index


def label(kind: str, code: str | None, lang: str = "ja") -> str:
    """A display label: kind is 'industry', 'tag', 'company' or 'region'.

    Unknown codes come back unchanged (data edited by hand stays visible); None gives ''.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown vocabulary kind: {kind!r} (expected one of {KINDS})")
    if code is None or code == "":
        return ""
    if kind == "tag":
        return tag_label(code, lang)
    if kind == "industry":
        found = industries().get(code.strip().upper())
        return found.name(lang) if found else code
    if kind == "region":
        key = code.strip()
        region = _region_index().get(key.zfill(2) if key.isdigit() else key)
        return region.name(lang) if region else code
    company = _company_index().get(code.strip())
    return company.name(lang) if company else code


def reload() -> None:
    """Forget every cached vocabulary so the next call reads the files again."""
    for cached in (
        industries,
        related_industries,
        needs,
        need_tags,
        offer_tags,
        _complements,
        _tag_labels,
        group_companies,
        regions,
        _region_index,
        _company_index,
    ):
        cached.cache_clear()
