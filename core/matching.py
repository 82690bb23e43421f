"""Match scores between members: reciprocal needs and offers, industry affinity, small common-ground bonuses.

The score of a pair (0–100, the same for both directions):

    100 × (0.60 × reciprocal + 0.30 × industry + 0.05 × same former company + 0.05 × same region)

- reciprocal: the harmonic mean of "the share of A's needs that B's offers meet" and the same for B,
  so it is 0 unless both sides gain. Symmetric tags (partnership, peer exchange) meet each other.
- industry: 1.0 the same JSIC medium group, 0.7 the same major group, 0.5 × the affinity of related
  major groups (core/vocab/related_industries.csv), else 0.
- Never suggested: the member themself, the same current employer, a pair introduced before, members
  who did not opt in, left or were erased (they are not in the index at all), and members proposed
  EXPOSURE_CAP times or more in the last EXPOSURE_DAYS days (exposure fairness).

The score reads only the fields of `Profile` listed in SCORED_FIELDS: no age, years of service,
former title or grade exists here, and a test shows that adding such fields changes nothing.
Everything is vectorised with numpy over one index of every eligible member, built once per data
version and kept in memory.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import Engine

from core import vocab
from core.csvio import write_table
from core.errors import DomainError
from core.i18n import t
from core.normalize import normalize_email
from db import matching as repo
from db.audit import record
from db.engine import write_session

TOKYO = ZoneInfo("Asia/Tokyo")
W_RECIPROCAL, W_INDUSTRY, W_COMPANY, W_REGION = 0.60, 0.30, 0.05, 0.05
SAME_MEDIUM, SAME_MAJOR, RELATED = 1.0, 0.7, 0.5
EXPOSURE_DAYS = 30
EXPOSURE_CAP = 3
SCORED_FIELDS = ("industry_code", "region", "former_company", "current_employer", "needs", "offers")


class MemberNotMatchable(DomainError):
    key = "matching.not_matchable"


@dataclass(frozen=True)
class Profile:
    """What the score may use (SCORED_FIELDS), plus the id, name and e-mail to show."""

    id: int
    name: str = ""
    email: str = ""
    industry_code: str | None = None
    region: str | None = None
    former_company: str | None = None
    current_employer: str | None = None
    needs: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    kind: str  # a_needs, b_needs, both_want, same_medium, same_major, related, same_company, same_region
    values: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    profile: Profile
    score: float  # 0–100
    reasons: tuple[Reason, ...]


def _key(text: str | None) -> str:
    return normalize_email(text or "")  # NFKC, trimmed, case-folded


class _Codes:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, value: str | None) -> int:
        return self.ids.setdefault(value, len(self.ids)) if value else -1


class MatchIndex:
    """Feature arrays of a set of profiles; every score is computed from these arrays only."""

    def __init__(self, profiles: Sequence[Profile]) -> None:
        self.profiles = tuple(profiles)
        n = len(self.profiles)
        pairs = vocab.needs()
        need_col = {p.need: i for i, p in enumerate(pairs)}
        offer_col = {p.offer: i for i, p in enumerate(pairs)}
        symmetric = {i for i, p in enumerate(pairs) if p.symmetric}
        self.needs = np.zeros((n, len(pairs)), dtype=np.float32)
        self.offers = np.zeros((n, len(pairs)), dtype=np.float32)
        majors = {code: i for i, code in enumerate(c for c, ind in vocab.industries().items() if ind.level == "major")}
        self.related = np.zeros((len(majors) + 1, len(majors) + 1))  # the last row and column: no industry
        for (a, b), affinity in vocab.related_industries().items():
            if a in majors and b in majors:
                self.related[majors[a], majors[b]] = affinity
        self.no_major = len(majors)
        medium_codes, company_codes, region_codes, employer_codes = _Codes(), _Codes(), _Codes(), _Codes()
        self.medium = np.full(n, -1, dtype=np.int32)
        self.major = np.full(n, self.no_major, dtype=np.int32)
        self.company = np.full(n, -1, dtype=np.int32)
        self.region = np.full(n, -1, dtype=np.int32)
        self.employer = np.full(n, -1, dtype=np.int32)
        self.position: dict[int, int] = {}
        for i, p in enumerate(self.profiles):
            self.position[p.id] = i
            for tag in p.needs:
                if tag in need_col:
                    self.needs[i, need_col[tag]] = 1
                    if need_col[tag] in symmetric:
                        self.offers[i, need_col[tag]] = 1
            for tag in p.offers:
                if tag in offer_col:
                    self.offers[i, offer_col[tag]] = 1
                    if offer_col[tag] in symmetric:
                        self.needs[i, offer_col[tag]] = 1
            code = (p.industry_code or "").strip().upper()
            major = vocab.major_of(code)
            self.major[i] = majors.get(major, self.no_major) if major else self.no_major
            self.medium[i] = medium_codes(code) if code.isdigit() and code in vocab.industries() else -1
            self.company[i] = company_codes(_key(p.former_company))
            self.region[i] = region_codes((p.region or "").strip())
            self.employer[i] = employer_codes(_key(p.current_employer))
        self.need_count = self.needs.sum(axis=1).astype(np.float64)
        self.major_ids, self.region_ids = majors, region_codes.ids

    def __len__(self) -> int:
        return len(self.profiles)

    def _combine(self, reciprocal: np.ndarray, industry: np.ndarray, company: np.ndarray,
                 region: np.ndarray) -> np.ndarray:
        return 100.0 * (W_RECIPROCAL * reciprocal + W_INDUSTRY * industry + W_COMPANY * company + W_REGION * region)

    def scores_for(self, i: int) -> np.ndarray:
        """The score of member position `i` with every member of the index (its own entry included)."""
        gets = (self.offers @ self.needs[i]).astype(np.float64) / max(self.need_count[i], 1.0)
        gives = np.divide((self.needs @ self.offers[i]).astype(np.float64), self.need_count,
                          out=np.zeros(len(self)), where=self.need_count > 0)
        reciprocal = _harmonic(gets, gives)
        same_medium = (self.medium == self.medium[i]) & (self.medium[i] >= 0)
        same_major = (self.major == self.major[i]) & (self.major[i] != self.no_major)
        industry = np.where(same_medium, SAME_MEDIUM, np.where(same_major, SAME_MAJOR,
                                                                RELATED * self.related[self.major[i], self.major]))
        company = (self.company == self.company[i]) & (self.company[i] >= 0)
        region = (self.region == self.region[i]) & (self.region[i] >= 0)
        return self._combine(reciprocal, industry, company, region)

    def pair_scores(self, positions: Sequence[int]) -> np.ndarray:
        """The m x m matrix of scores among the members at `positions` (the diagonal is meaningless)."""
        at = np.asarray(positions, dtype=np.int64)
        needs, offers = self.needs[at].astype(np.float64), self.offers[at].astype(np.float64)
        count = self.need_count[at]
        met = needs @ offers.T  # met[a, b]: how many of a's needs b's offers meet
        share = np.divide(met, count[:, None], out=np.zeros_like(met), where=count[:, None] > 0)
        reciprocal = _harmonic(share, share.T)
        medium, major = self.medium[at], self.major[at]
        same_medium = (medium[:, None] == medium[None, :]) & (medium[:, None] >= 0)
        same_major = (major[:, None] == major[None, :]) & (major[:, None] != self.no_major)
        industry = np.where(same_medium, SAME_MEDIUM, np.where(same_major, SAME_MAJOR,
                                                                RELATED * self.related[np.ix_(major, major)]))
        company, region = self.company[at], self.region[at]
        same_company = (company[:, None] == company[None, :]) & (company[:, None] >= 0)
        same_region = (region[:, None] == region[None, :]) & (region[:, None] >= 0)
        return self._combine(reciprocal, industry, same_company, same_region)

    def same_employer(self, positions: Sequence[int]) -> np.ndarray:
        employer = self.employer[np.asarray(positions, dtype=np.int64)]
        return (employer[:, None] == employer[None, :]) & (employer[:, None] >= 0)

    def excluded_for(self, i: int, member_ids: Iterable[int] = ()) -> np.ndarray:
        """Positions never to suggest to `i`: itself, the same employer, and the given member ids."""
        mask = (self.employer == self.employer[i]) & (self.employer[i] >= 0)
        mask[i] = True
        for member_id in member_ids:
            j = self.position.get(member_id)
            if j is not None:
                mask[j] = True
        return mask

    def top(self, i: int, k: int, excluded: np.ndarray, keep: np.ndarray | None = None) -> list[Candidate]:
        """The k best candidates for position `i` among those not `excluded` (and in `keep`), best first."""
        scores = self.scores_for(i)
        allowed = ~excluded if keep is None else (~excluded & keep)
        scores = np.where(allowed, scores, -np.inf)
        k = min(k, int(allowed.sum()))
        if k <= 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.lexsort((best, -scores[best]))]
        me = self.profiles[i]
        return [Candidate(self.profiles[j], round(float(scores[j]), 1), reasons(me, self.profiles[j])) for j in best]


def _harmonic(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    total = a + b
    return np.divide(2.0 * a * b, total, out=np.zeros_like(total), where=total > 0)


def reasons(a: Profile, b: Profile) -> tuple[Reason, ...]:
    """Why a and b fit, as codes a page or an export turns into words (see describe)."""
    found: list[Reason] = []
    for pair in vocab.needs():
        a_wants = pair.need in a.needs or (pair.symmetric and pair.offer in a.offers)
        b_wants = pair.need in b.needs or (pair.symmetric and pair.offer in b.offers)
        if pair.symmetric:
            if a_wants and b_wants:
                found.append(Reason("both_want", (pair.need,)))
            continue
        if a_wants and pair.offer in b.offers:
            found.append(Reason("a_needs", (pair.need, pair.offer)))
        if b_wants and pair.offer in a.offers:
            found.append(Reason("b_needs", (pair.need, pair.offer)))
    code_a, code_b = (a.industry_code or "").strip().upper(), (b.industry_code or "").strip().upper()
    major_a, major_b = vocab.major_of(code_a), vocab.major_of(code_b)
    if code_a and code_a == code_b and code_a.isdigit():
        found.append(Reason("same_medium", (code_a,)))
    elif major_a and major_a == major_b:
        found.append(Reason("same_major", (major_a,)))
    elif major_a and major_b and vocab.related_industries().get((major_a, major_b), 0.0) > 0:
        found.append(Reason("related", (major_a, major_b)))
    if _key(a.former_company) and _key(a.former_company) == _key(b.former_company):
        found.append(Reason("same_company", ((a.former_company or "").strip(),)))
    if (a.region or "").strip() and (a.region or "").strip() == (b.region or "").strip():
        found.append(Reason("same_region", ((a.region or "").strip(),)))
    return tuple(found)


def main_need(found: Sequence[Reason]) -> str | None:
    """The need an introduction answers first: the chosen member's, else the candidate's, else a shared wish."""
    for kind in ("a_needs", "b_needs", "both_want"):
        for reason in found:
            if reason.kind == kind:
                return reason.values[0]
    return None


def describe(found: Sequence[Reason], name_a: str, name_b: str, lang: str = "ja") -> str:
    """The reasons in plain words, e.g.
    「Aさんの「発注先・委託先を探している」に、Bさんの「業務を受託できる」が応えます。」"""
    sentences = []
    quote = "「{}」" if lang == "ja" else "“{}”"
    for kind, seeker, giver in (("a_needs", name_a, name_b), ("b_needs", name_b, name_a)):
        met = [reason.values for reason in found if reason.kind == kind]
        if met:
            sentences.append(t("matching.reason.needs", lang, seeker=seeker, giver=giver,
                               need=("" if lang == "ja" else ", ").join(quote.format(vocab.tag_label(n, lang))
                                                                         for n, _ in met),
                               offer=("" if lang == "ja" else ", ").join(quote.format(vocab.tag_label(o, lang))
                                                                          for _, o in met)))
    for reason in found:
        values = reason.values
        if reason.kind in ("a_needs", "b_needs"):
            continue
        if reason.kind == "both_want":
            sentences.append(t("matching.reason.both_want", lang, tag=vocab.tag_label(values[0], lang)))
        elif reason.kind == "related":
            sentences.append(t("matching.reason.related", lang, a=vocab.label("industry", values[0], lang),
                               b=vocab.label("industry", values[1], lang)))
        elif reason.kind in ("same_medium", "same_major"):
            sentences.append(t(f"matching.reason.{reason.kind}", lang,
                               industry=vocab.label("industry", values[0], lang)))
        elif reason.kind == "same_company":
            sentences.append(t("matching.reason.same_company", lang, company=vocab.label("company", values[0], lang)))
        elif reason.kind == "same_region":
            sentences.append(t("matching.reason.same_region", lang, region=vocab.label("region", values[0], lang)))
    if not sentences:
        return t("matching.reason.none", lang)
    return ("" if lang == "ja" else " ").join(sentences)


# ---- the index of the database, kept per data version ------------------------------------------

@dataclass(frozen=True)
class MatchData:
    index: MatchIndex
    partners: dict[int, frozenset[int]]  # member id -> members introduced to them before
    exposure: dict[int, int]  # member id -> introductions proposed in the last EXPOSURE_DAYS days
    search_keys: list[str]  # per profile: its name and e-mail as find_members compares them


_CACHE: dict[str, tuple[tuple, MatchData]] = {}
_LOCK = threading.Lock()


def today_in_japan() -> dt.date:
    return dt.datetime.now(TOKYO).date()


def match_data(engine: Engine, today: dt.date | None = None) -> MatchData:
    """The index of every eligible member, built once per data version and day (kept in memory)."""
    today = today or today_in_japan()
    version = (*repo.data_version(engine), today)
    key = engine.url.render_as_string(hide_password=False)
    cached = _CACHE.get(key)
    if cached and cached[0] == version:
        return cached[1]
    with _LOCK:
        cached = _CACHE.get(key)
        if cached and cached[0] == version:
            return cached[1]
        profiles = [Profile(row[0], row[1], row[2], row[3], row[4], row[5], row[6], tuple(row[7] or ()),
                            tuple(row[8] or ())) for row in repo.eligible_profiles(engine, today)]
        partners: dict[int, set[int]] = {}
        for a, b in repo.introduced_pairs(engine):
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
        since = dt.datetime.combine(today - dt.timedelta(days=EXPOSURE_DAYS), dt.time())
        data = MatchData(MatchIndex(profiles), {m: frozenset(p) for m, p in partners.items()},
                         repo.proposals_since(engine, since - dt.timedelta(hours=9)),
                         [f"{_search_key(p.name)}\x1f{_search_key(p.email)}" for p in profiles])
        _CACHE[key] = (version, data)
        return data


@dataclass(frozen=True)
class Suggestions:
    member: Profile
    candidates: list[Candidate]
    held_back: int  # good candidates left out because they were proposed often lately (the cap)


def _position(data: MatchData, member_id: int) -> int:
    position = data.index.position.get(member_id)
    if position is None:
        raise MemberNotMatchable(id=member_id)
    return position


def _filter(data: MatchData, need: str | None, industry: str | None, region: str | None) -> np.ndarray | None:
    index = data.index
    keep = np.ones(len(index), dtype=bool)
    if need:
        column = [p.need for p in vocab.needs()].index(need)
        keep &= index.offers[:, column] > 0
    if industry:
        keep &= index.major == index.major_ids.get(industry, -2)
    if region:
        keep &= index.region == index.region_ids.get(region, -2)
    return None if keep.all() else keep


def capped_ids(data: MatchData) -> set[int]:
    return {member_id for member_id, count in data.exposure.items() if count >= EXPOSURE_CAP}


def suggest(engine: Engine, member_id: int, k: int = 10, *, need: str | None = None, industry: str | None = None,
            region: str | None = None, today: dt.date | None = None, data: MatchData | None = None) -> Suggestions:
    """The k best candidates for a member, best first. Raises MemberNotMatchable for a member not opted in.

    `need`: only candidates who offer what answers it; `industry` (a JSIC major letter or medium code)
    and `region` filter the candidates. `data`: the index already fetched in this run (else it is fetched).
    """
    data = data or match_data(engine, today)
    i = _position(data, member_id)
    index = data.index
    keep = _filter(data, need, industry, region)
    introduced = data.partners.get(member_id, frozenset())
    excluded = index.excluded_for(i, introduced)
    capped = capped_ids(data) - {member_id}
    open_ = index.top(i, k, index.excluded_for(i, introduced | capped), keep)
    unlimited = index.top(i, k, excluded, keep) if capped else open_
    held_back = sum(1 for c in unlimited if c.profile.id in capped)
    return Suggestions(index.profiles[i], open_, held_back)


def offerers(engine: Engine, need: str, k: int = 20, *, industry: str | None = None, region: str | None = None,
             today: dt.date | None = None, data: MatchData | None = None) -> list[Profile]:
    """Members who offer what answers `need`, fewest recent introductions first (so nobody is flooded)."""
    data = data or match_data(engine, today)
    keep = _filter(data, need, industry, region)
    positions = np.arange(len(data.index)) if keep is None else np.nonzero(keep)[0]
    capped = capped_ids(data)
    found = [data.index.profiles[p] for p in positions if data.index.profiles[p].id not in capped]
    found.sort(key=lambda p: (data.exposure.get(p.id, 0), p.id))
    return found[:k]


def matchable_members(engine: Engine, today: dt.date | None = None) -> list[Profile]:
    return list(match_data(engine, today).index.profiles)


def profiles_of(data: MatchData, member_ids: Sequence[int]) -> list[Profile]:
    """The profiles of those of `member_ids` who may still be matched, in the order given."""
    index = data.index
    return [index.profiles[index.position[m]] for m in member_ids if m in index.position]


def _search_key(text: str) -> str:
    return "".join(_key(text).split())  # NFKC, case-folded, without spaces: 「山田太郎」 finds 「山田 太郎」


def find_members(data: MatchData, query: str, limit: int = 50) -> list[Profile]:
    """Up to `limit` members who may be matched whose name or e-mail contains `query` (by id; the first
    `limit` for an empty query)."""
    wanted = _search_key(query)
    if not wanted:
        return list(data.index.profiles[:limit])
    keys = data.search_keys
    found = []
    for position, key in enumerate(keys):
        if wanted in key:
            found.append(data.index.profiles[position])
            if len(found) == limit:
                break
    return found


def resolve_member(engine: Engine, key: str) -> int:
    """The member id named by an id or an e-mail. Raises MemberNotMatchable when there is none."""
    member_id = repo.member_id_for(engine, key, normalize_email(key))
    if member_id is None:
        raise MemberNotMatchable(id=key)
    return member_id


MATCH_COLUMNS = ("rank", "email", "name", "score", "industry", "region", "reasons")


def matches_csv(engine: Engine, member_key: str, k: int, actor: str, lang: str = "ja") -> tuple[Suggestions, bytes]:
    """The top k candidates of one member as CSV with the columns MATCH_COLUMNS (never the member themself).

    Labels and reasons are in `lang`; the export is audited. Raises MemberNotMatchable.
    """
    member_id = resolve_member(engine, member_key)
    found = suggest(engine, member_id, k)
    rows = [
        [rank, c.profile.email, c.profile.name, c.score, vocab.label("industry", c.profile.industry_code, lang),
         vocab.label("region", c.profile.region, lang), describe(c.reasons, found.member.name, c.profile.name, lang)]
        for rank, c in enumerate(found.candidates, start=1)
    ]
    with write_session(engine) as session:
        record(session, actor=actor, action="export", entity="matches", entity_id=member_id,
               details={"rows": len(rows), "top": k})
    return found, write_table(MATCH_COLUMNS, rows)

