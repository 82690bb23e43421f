"""The performance benchmark behind `python manage.py bench` (issue 7, item 1).

It builds a synthetic database with the demo generator (``core.setup.seed_demo``: N members, their
applications, the February survey, introductions, and the demo accounts admin / organizer / liaison),
measures the pages and the heavy operations, compares them with the budgets below, prints the
figures as Markdown tables and writes them as JSON (a list of objects with ``name``, ``kind``,
``role``, ``members``, ``runs``, ``median_s``, ``budget_s``, ``ok`` and more).

What is measured (every figure is the median of R runs, R = ``--runs``, default 5):

- **Page, cold**: the page's run through the real ``app.py`` under AppTest, as a user logged in
  through the login form, right after ``st.cache_data.clear()`` and after the matching index was
  dropped -- what anyone sees after a write (``ui.frame.data_changed`` clears ``st.cache_data`` and a
  changed member or a new introduction rebuilds the matching index). It is the first run of that page
  in its AppTest session, which is a fresh login per run of R; only ``home`` has run once before,
  because every login lands there. Kept warm across runs, as in a server process that has been up:
  imports, the engine (``st.cache_resource``), SQLite's file cache.
- **Page, warm**: the rerun right after the cold run in the same session (nothing cleared).
- **Floor** of a page: the warm rerun of an empty one-line Streamlit page under AppTest plus the SQL
  that a run of the page issues, uncached: app.py's (the accounts for the login library, the
  signed-in account, the settings; ``_frame_sql``) and the page's own (the data functions it calls,
  see ``PAGE_SQL``).
- **Memory**: the peak of Python's heap during a page's cold run (``tracemalloc``, which also sees
  numpy's arrays but not SQLite's own C allocations), measured in a separate pass because tracing
  slows the run down; the process's peak resident set (``ru_maxrss``, seeding included) is reported
  as well, without a budget.
- Operations: the queue listing, the growth aggregation the page loads, the survey tally the results
  page shows, the matching index build and top-10 matching for one member (warm index), pairing 300
  attendees for one round, the CSV export of all members, and importing a Google Forms CSV of 10,000
  new applications (new rows in every run, so every run really inserts them; run last, so the pages
  and the queue see the demo data only).

A database given with ``--database-url`` must be empty; it keeps the synthetic data afterwards.
The default is a new SQLite file in a temporary directory, deleted at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import platform
import resource
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent
APP = ROOT / "app.py"
TOKYO = ZoneInfo("Asia/Tokyo")
ROLES = ("admin", "organizer", "liaison")
APPTEST_TIMEOUT_S = 900.0

DEFAULT_MEMBERS = 10_000
DEFAULT_RUNS = 5
REPORTED_RUNS = 5  # fewer runs are fine for a smoke test, not for figures you report
IMPORT_ROWS = 10_000
PAIRING_ATTENDEES = 300

# Budgets (issue 7): the same at every size.
PAGE_WARM_S = 0.5
PAGE_WARM_FLOOR_FACTOR = 3.0
PAGE_COLD_S = 3.0
TOP10_MATCHING_S = 0.05
PAIRING_S = 2.0
GROWTH_AGGREGATION_S = 0.1
EXPORT_MEMBERS_S = 3.0
IMPORT_10K_S = 10.0
PAGE_PEAK_MB = 500.0


class BenchmarkError(Exception):
    """The benchmark cannot run (a database that is not empty, a login that fails)."""


@dataclass
class Result:
    name: str
    kind: str  # page-cold, page-warm, floor, memory, operation, setup, process
    members: int
    runs: int
    median_s: float | None
    budget_s: float | None
    ok: bool
    role: str | None = None
    page: str | None = None
    min_s: float | None = None
    max_s: float | None = None
    floor_s: float | None = None  # page-warm: the page's floor (empty page + its SQL)
    compile_s: float | None = None  # page rows: compiling app.py and the page, which AppTest repeats every run
    peak_mb: float | None = None  # memory and process rows
    budget_mb: float | None = None
    error: str | None = None  # set when the measurement crashed
    note: str = ""


# ---- what each page queries (its floor) ------------------------------------------------------

def _today() -> dt.date:
    return dt.datetime.now(TOKYO).date()


def _home_sql(db, role: str) -> None:
    from core import growth
    from db.views import overview

    overview(db, _today())
    if role == "liaison":  # liaison_home_figures
        growth.k_of(db)
        growth.load_months(db)


def _growth_sql(db, role: str) -> None:
    from core import growth
    from core.introductions import liaison_outcomes

    k = growth.k_of(db)
    growth.load_months(db)
    for by in growth.COMPOSITIONS:
        growth.group_counts(db, by, _today())
    liaison_outcomes(db, k if role == "liaison" else 1)


def _surveys_sql(db, role: str) -> None:
    from core import surveys

    k = surveys.suppression_k(db, role)
    summaries = surveys.list_surveys(db)
    if not summaries:
        return
    first = summaries[0].id
    result = surveys.results(db, first, k)
    if result.survey.kind == "responses":
        surveys.crosstab(db, first, "industry", k)
    if len(summaries) > 1:
        surveys.compare(db, (first, summaries[1].id), k)
    if role != "liaison":
        surveys.free_text(db, first, role)
        surveys.other_answers(db, first, role)
        surveys.demand_supply(db, _today())


def _queue_sql(db, role: str) -> None:
    from core import review
    from db.applications import QueueFilter

    review.figures(db)
    items = review.queue(db, QueueFilter())
    if items:
        review.detail(db, items[0].id)


def _members_sql(db, role: str) -> None:
    from core import members

    members.search(db, "", False, limit=100)  # the rows the page lists (SHOWN in app_pages/members.py)


def _matching_sql(db, role: str) -> None:
    from core import matching, vocab

    profiles = matching.matchable_members(db)
    if profiles:
        matching.suggest(db, profiles[0].id, 10)
        matching.offerers(db, vocab.need_tags()[0], 50)


def _introductions_sql(db, role: str) -> None:
    from core import introductions
    from core.settings import get_setting

    introductions.log(db, ())
    introductions.outcomes_by_need(db)
    if introductions.new_members(db, _today().replace(day=1)):
        get_setting(db, "network_name")


def _survey_admin_sql(db, role: str) -> None:
    from core import surveys

    surveys.list_surveys(db)


def _audit_sql(db, role: str) -> None:
    from core import audit

    audit.actions(db)
    audit.entries(db, audit.AuditFilter((), "", None, None))


def _frame_sql(db, role: str) -> None:
    """What app.py queries on every run before the page draws: the accounts for the login library,
    the signed-in account (is it still active?) and the settings (uncached here)."""
    from core import accounts
    from core.settings import forget_settings, get_setting

    accounts.credentials(db)
    accounts.find_account(db, role)
    forget_settings()
    get_setting(db, "demo_mode")


def _accounts_sql(db, role: str) -> None:
    from core import accounts

    accounts.list_accounts(db)


def _settings_sql(db, role: str) -> None:
    from core import questions

    questions.all_questions(db)


def _imports_sql(db, role: str) -> None:
    from core import application_import

    application_import.question_texts(db)  # the screening questions' texts are column names


# page script -> the data functions it calls (None: nothing beyond the frame's SQL).
PAGE_SQL: dict[str, Callable[[Any, str], None] | None] = {
    "app_pages/home.py": _home_sql,
    "app_pages/growth.py": _growth_sql,
    "app_pages/surveys.py": _surveys_sql,
    "app_pages/queue.py": _queue_sql,
    "app_pages/members.py": _members_sql,
    "app_pages/imports.py": _imports_sql,
    "app_pages/matching.py": _matching_sql,
    "app_pages/introductions.py": _introductions_sql,
    "app_pages/survey_admin.py": _survey_admin_sql,
    "app_pages/accounts.py": _accounts_sql,
    "app_pages/settings.py": _settings_sql,  # and the settings, read by the frame
    "app_pages/person.py": None,  # nothing until an e-mail is typed
    "app_pages/audit.py": _audit_sql,
}


# ---- measuring -----------------------------------------------------------------------------

def _samples(action: Callable[[], Any], runs: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def _timed(name: str, kind: str, members: int, times: Sequence[float], budget: float | None, **extra) -> Result:
    median = statistics.median(times)
    return Result(name=name, kind=kind, members=members, runs=len(times), median_s=median, budget_s=budget,
                  ok=budget is None or median <= budget, min_s=min(times), max_s=max(times), **extra)


def _failed(name: str, kind: str, members: int, error: BaseException | str, **extra) -> Result:
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return Result(name=name, kind=kind, members=members, runs=0, median_s=None, budget_s=None, ok=False,
                  error=text, **extra)


def _progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _environment(url: str) -> Iterator[None]:
    """DATABASE_URL for the app under AppTest, no demo seeding by the app, quiet Streamlit loggers."""
    import streamlit.logger
    from streamlit import config

    saved = {name: os.environ.get(name) for name in ("DATABASE_URL", "ALUMNI_DEMO")}
    level = config.get_option("logger.level")
    os.environ["DATABASE_URL"] = url
    os.environ["ALUMNI_DEMO"] = "0"
    # Quiet: "No runtime found", "missing ScriptRunContext" (bare mode). AppTest applies the option on every run.
    config.set_option("logger.level", "error")
    streamlit.logger.set_log_level("error")
    try:
        yield
    finally:
        config.set_option("logger.level", level)
        streamlit.logger.set_log_level(level)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _empty_caches() -> None:
    """What a write leaves behind: no cached query results (st.cache_data) and no matching index."""
    import streamlit as st

    from core import matching

    st.cache_data.clear()
    matching._CACHE.clear()  # the in-process index (rebuilt when members or introductions change)


class _Pages:
    """Logged-in AppTest sessions of the real app, one per role and run."""

    def __init__(self, cookie_key: str) -> None:
        self.cookie_key = cookie_key

    def login(self, role: str):
        from streamlit.testing.v1 import AppTest

        from core.setup import DEMO_ACCOUNTS

        password = {username: password for username, _, _, password in DEMO_ACCOUNTS}[role]
        with contextlib.redirect_stdout(io.StringIO()):  # streamlit-authenticator prints cookie notes
            at = AppTest.from_file(str(APP), default_timeout=APPTEST_TIMEOUT_S)
            at.secrets["cookie_key"] = self.cookie_key
            at.run()
            if len(at.text_input) < 2:
                raise BenchmarkError(f"the login form did not appear: {_exception_text(at)}")
            at.text_input[0].input(role)
            at.text_input[1].input(password)
            at.button[0].click().run()
            if at.session_state["authentication_status"] is not True:
                raise BenchmarkError(f"could not log in as the demo account {role!r}")
            at.session_state["auth-cookie-write"] = True  # what the browser answers once it has the login cookie
            at.run()  # the landing page (home) with the role's navigation
        return at

    @staticmethod
    def run(at, script: str | None = None) -> float:
        """Seconds of one run (switching to `script` first); raises BenchmarkError when the page failed."""
        with contextlib.redirect_stdout(io.StringIO()):
            if script is not None:
                try:
                    at.switch_page(script)
                except ValueError as error:  # not registered in st.navigation for this session
                    raise BenchmarkError(f"cannot open {script}: {error}") from None
            start = time.perf_counter()
            at.run()
            seconds = time.perf_counter() - start
        if at.exception:
            raise BenchmarkError(_exception_text(at))
        return seconds


def _exception_text(at) -> str:
    return "; ".join(str(e.message) for e in at.exception) or "no exception"


def _page_specs(role: str):
    from ui.navigation import PAGES

    return [spec for spec in PAGES if role in spec.roles]


def _page_name(script: str) -> str:
    return Path(script).stem


def _measure_pages(pages: _Pages, members: int, runs: int) -> tuple[dict, dict, dict]:
    """(cold, warm, errors) keyed by (script, role): R sessions per role, each page once per session."""
    cold: dict[tuple[str, str], list[float]] = {}
    warm: dict[tuple[str, str], list[float]] = {}
    errors: dict[tuple[str, str], str] = {}
    for run in range(runs):
        for role in ROLES:
            _progress(f"pages as {role}, run {run + 1}/{runs}")
            at = pages.login(role)
            for spec in _page_specs(role):
                key = (spec.script, role)
                if key in errors:
                    continue
                try:
                    _empty_caches()
                    cold.setdefault(key, []).append(pages.run(at, spec.script))
                    warm.setdefault(key, []).append(pages.run(at))
                except BenchmarkError as error:
                    errors[key] = str(error)
    return cold, warm, errors


def _measure_memory(pages: _Pages) -> dict[tuple[str, str], float]:
    """MB at the tracemalloc peak of each page's cold run."""
    peaks: dict[tuple[str, str], float] = {}
    for role in ROLES:
        _progress(f"memory of the pages as {role}")
        at = pages.login(role)
        for spec in _page_specs(role):
            _empty_caches()
            tracemalloc.start()
            try:
                tracemalloc.reset_peak()
                with contextlib.suppress(BenchmarkError):  # reported by the timing pass
                    pages.run(at, spec.script)
                peaks[(spec.script, role)] = tracemalloc.get_traced_memory()[1] / 1_000_000
            finally:
                tracemalloc.stop()
    return peaks


def _empty_page_seconds(directory: Path, runs: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    script = directory / "empty_page.py"
    script.write_text("import streamlit as st  # an empty page: the floor of every page\n", encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=APPTEST_TIMEOUT_S)
    return _samples(lambda: at.run(), runs)


def _compile_seconds(script: str, runs: int) -> float:
    """Compiling app.py and the page as AppTest does on every run (a new ScriptCache each run; a server keeps one)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    return statistics.median(_samples(lambda: [ScriptCache().get_bytecode(str(path))
                                               for path in (APP, ROOT / script)], runs))


def _page_results(db, members: int, runs: int, pages: _Pages, directory: Path) -> list[Result]:
    results: list[Result] = []
    empty = _empty_page_seconds(directory, runs)
    results.append(_timed("empty page (AppTest rerun)", "floor", members, empty, None,
                          note="a one-line Streamlit script: the floor of every page"))
    empty_s = statistics.median(empty)
    cold, warm, errors = _measure_pages(pages, members, runs)
    peaks = _measure_memory(pages)
    _progress("floors: the SQL of each page")
    from core import matching

    matching.match_data(db)  # the floor is compared with warm runs: the index is built
    for role in ROLES:
        for spec in _page_specs(role):
            key, name = (spec.script, role), _page_name(spec.script)
            if key in errors:
                results.append(_failed(f"page {name}", "page-cold", members, errors[key], role=role,
                                       page=spec.script))
                continue
            page_sql = PAGE_SQL.get(spec.script)

            def sql(page_sql=page_sql, role=role) -> None:
                _frame_sql(db, role)
                if page_sql is not None:
                    page_sql(db, role)

            sql_times = _samples(sql, runs)
            floor_s, note = empty_s + statistics.median(sql_times), "empty page + the SQL of app.py and the page"
            results.append(_timed(f"floor {name} (SQL only)", "floor", members, sql_times, None, role=role,
                                  page=spec.script))
            compile_s = _compile_seconds(spec.script, runs)
            results.append(_timed(f"page {name} cold", "page-cold", members, cold[key], PAGE_COLD_S, role=role,
                                  page=spec.script, compile_s=compile_s))
            budget = min(PAGE_WARM_S, PAGE_WARM_FLOOR_FACTOR * floor_s)
            results.append(_timed(f"page {name} warm", "page-warm", members, warm[key], budget, role=role,
                                  page=spec.script, floor_s=floor_s, compile_s=compile_s,
                                  note=f"budget: min({PAGE_WARM_S} s, 3 x floor); floor: {note}"))
            peak = peaks.get(key)
            if peak is not None:
                results.append(Result(name=f"page {name} peak memory", kind="memory", members=members, runs=1,
                                      median_s=None, budget_s=None, ok=peak <= PAGE_PEAK_MB, role=role,
                                      page=spec.script, peak_mb=peak, budget_mb=PAGE_PEAK_MB,
                                      note="tracemalloc peak of the cold run"))
    return results


# ---- operations ----------------------------------------------------------------------------

def _operation(results: list[Result], name: str, members: int, action: Callable[[], Any], runs: int,
               budget: float | None = None, warmup: int = 1, note: str = "") -> None:
    _progress(name)
    try:
        results.append(_timed(name, "operation", members, _samples(action, runs, warmup), budget, note=note))
    except Exception as error:  # a crash is reported and makes the exit code 1
        results.append(_failed(name, "operation", members, error, note=note))


def application_csv(db, rows: int, batch: int) -> bytes:
    """A Google Forms export of `rows` new applications (Japanese headers and labels; `batch` makes them new)."""
    from core import vocab
    from core.application_import import FIELDS, question_texts
    from core.csvio import write_table
    from core.settings import get_setting

    questions = question_texts(db)
    fields = ("submitted_at", "email", "full_name", "name_kana", "former_company", "former_division",
              "currently_working", "current_employer", "industry", "region", "referrer", "needs", "offers")
    header = [FIELDS[field][0] for field in fields] + questions + [FIELDS["consent"][0]]
    companies = list(get_setting(db, "eligible_companies")) or ["ソニー株式会社"]
    industries = [ind.name_ja for ind in vocab.industries().values() if ind.level == "medium"]
    regions = [region.name_ja for region in vocab.regions()]
    needs = [vocab.tag_label(tag, "ja") for tag in vocab.need_tags()]
    offers = [vocab.tag_label(tag, "ja") for tag in vocab.offer_tags()]
    families = (("佐藤", "さとう"), ("鈴木", "すずき"), ("高橋", "たかはし"), ("田中", "たなか"), ("伊藤", "いとう"))
    givens = (("花子", "はなこ"), ("太郎", "たろう"), ("美咲", "みさき"), ("健", "けん"), ("由紀", "ゆき"))
    start = dt.datetime(2026, 1, 5, 9, 0, 0) + dt.timedelta(days=batch)
    table = []
    for i in range(rows):
        at = start + dt.timedelta(seconds=7 * i)
        family, given = families[i % len(families)], givens[(i // len(families)) % len(givens)]
        table.append([
            f"{at.year}/{at.month:02d}/{at.day:02d} {at.hour}:{at.minute:02d}:{at.second:02d}",
            f"bench{batch}.applicant{i:05d}@example.com", f"{family[0]} {given[0]}", f"{family[1]} {given[1]}",
            companies[i % len(companies)], "事業部", "はい", f"株式会社ベンチ{i % 997}",
            industries[i % len(industries)], regions[i % len(regions)], "",
            ", ".join({needs[i % len(needs)], needs[(i // 3) % len(needs)]}), offers[(i // 2) % len(offers)],
            *(f"回答 {i}" for _ in questions), "同意します",
        ])
    return write_table(header, table)


def _operation_results(db, members: int, runs: int, import_rows: int) -> list[Result]:
    from core import matching, pairing, review, surveys
    from core.application_import import import_applications
    from core.exports import members_csv
    from core.growth import load_months
    from db.applications import QueueFilter

    results: list[Result] = []
    _operation(results, "queue listing (queue + figures)", members,
               lambda: (review.queue(db, QueueFilter()), review.figures(db)), runs,
               note="the pending and on-hold applications with their flags (at most 500), and the figures")
    _operation(results, "growth aggregation", members, lambda: load_months(db), runs, GROWTH_AGGREGATION_S,
               note="core.growth.load_months: the monthly counts the growth page loads")
    summaries = surveys.list_surveys(db)
    if summaries:
        survey_id = summaries[0].id
        _operation(results, "survey aggregation", members, lambda: surveys.results(db, survey_id), runs,
                   note="core.surveys.results: the ranked tally of the results page (organizer's view)")
        _operation(results, "survey aggregation (liaison, k)", members, lambda: surveys.results(db, survey_id, 5),
                   runs, note="the same with small counts merged (k = 5)")

    def build_index() -> None:
        matching._CACHE.clear()
        matching.match_data(db)

    _operation(results, "matching index build", members, build_index, runs, warmup=0,
               note="every eligible member's features in numpy arrays (after any change to members)")
    profiles = matching.matchable_members(db)
    if profiles:
        member_id = profiles[len(profiles) // 2].id
        _operation(results, "top-10 matching for one member", members,
                   lambda: matching.suggest(db, member_id, 10), runs, TOP10_MATCHING_S,
                   note=f"{len(profiles):,} eligible members, index warm")
        attendees = [p.id for p in profiles[:: max(1, len(profiles) // PAIRING_ATTENDEES)]][:PAIRING_ATTENDEES]
        _operation(results, f"pairing {len(attendees)} attendees (one round)", members,
                   lambda: pairing.plan_event(db, attendees, 1), runs, PAIRING_S,
                   note="core.pairing.plan_event, reasons included")
    _operation(results, "export all members (CSV)", members, lambda: members_csv(db, "bench"), runs,
               EXPORT_MEMBERS_S, note="core.exports.members_csv")
    files = [application_csv(db, import_rows, batch) for batch in range(runs)]
    batches = iter(files)

    def import_batch() -> None:
        summary = import_applications(db, next(batches), actor="bench")
        if summary.added != import_rows:
            raise BenchmarkError(f"the import added {summary.added} of {import_rows} rows")

    budget = IMPORT_10K_S * import_rows / IMPORT_ROWS
    _operation(results, f"import {import_rows:,} applications (CSV)", members, import_batch, runs, budget,
               warmup=0, note="core.application_import.import_applications, new rows in every run"
               + ("" if import_rows == IMPORT_ROWS else f"; budget scaled from {IMPORT_10K_S} s per 10,000"))
    return results


# ---- the whole benchmark -------------------------------------------------------------------

def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _check_empty(engine) -> None:
    from sqlalchemy import inspect

    tables = inspect(engine).get_table_names()
    if tables:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise BenchmarkError(f"the database {_safe(str(engine.url))} is not empty (tables: {shown}). The benchmark "
                             "fills a database with synthetic members; give it an empty one.")


def run_benchmark(members: int = DEFAULT_MEMBERS, runs: int = DEFAULT_RUNS, database_url: str | None = None,
                  import_rows: int = IMPORT_ROWS) -> list[Result]:
    """Build the synthetic database, measure everything and return the results (see the module docstring).

    Raises BenchmarkError when the given database is not empty or a demo login fails.
    """
    from core.setup import seed_demo
    from db.engine import make_engine

    if members < 1 or runs < 1 or import_rows < 1:
        raise BenchmarkError("--members, --runs and --import-rows must be at least 1")
    with tempfile.TemporaryDirectory(prefix="alumni-bench-") as directory:
        url = database_url or f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        engine = make_engine(url)
        try:
            _check_empty(engine)
            with _environment(url):
                try:
                    _progress(f"seeding {members:,} members into {_safe(url)}")
                    start = time.perf_counter()
                    seed_demo(engine, members=members)
                    results = [Result(name="seed demo data", kind="setup", members=members, runs=1,
                                      median_s=time.perf_counter() - start, budget_s=None, ok=True,
                                      note="core.setup.seed_demo, not a budget")]
                    pages = _Pages(secrets.token_hex(32))
                    results += _page_results(engine, members, runs, pages, Path(directory))
                    results += _operation_results(engine, members, runs, import_rows)
                    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
                    results.append(Result(name="process peak RSS", kind="process", members=members, runs=1,
                                          median_s=None, budget_s=None, ok=True, peak_mb=peak_rss,
                                          note="ru_maxrss of the whole benchmark, seeding included; not a budget"))
                finally:
                    _empty_caches()
        finally:
            engine.dispose()
    return results


# ---- output --------------------------------------------------------------------------------

def _s(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _verdict(result: Result | None) -> str:
    if result is None:
        return ""
    if result.error:
        return "CRASH"
    return "ok" if result.ok else "MISS"


def tables(results: Sequence[Result]) -> str:
    """The results as two Markdown tables: pages (per role) and operations."""
    by_key = {(r.kind, r.page, r.role): r for r in results if r.page}
    lines = ["| page | role | cold s | warm s | floor s | warm budget s | compile s | peak MB | cold | warm | memory |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|---|---|"]
    seen = []
    for r in results:
        if r.kind in ("page-cold", "page-warm") and (r.page, r.role) not in seen:
            seen.append((r.page, r.role))
    for page, role in seen:
        cold, warm = by_key.get(("page-cold", page, role)), by_key.get(("page-warm", page, role))
        memory = by_key.get(("memory", page, role))
        peak = "" if memory is None else f"{memory.peak_mb:.0f}"
        if cold is not None and cold.error:
            lines.append(f"| {_page_name(page)} | {role} | | | | | | | CRASH: {cold.error[:80]} | | |")
            continue
        lines.append(f"| {_page_name(page)} | {role} | {_s(cold and cold.median_s)} | {_s(warm and warm.median_s)} | "
                     f"{_s(warm and warm.floor_s)} | {_s(warm and warm.budget_s)} | {_s(warm and warm.compile_s)} | "
                     f"{peak} | {_verdict(cold)} | "
                     f"{_verdict(warm)} | {_verdict(memory)} |")
    lines += ["", "| measurement | median s | min s | max s | budget s | result |", "|---|---:|---:|---:|---:|---|"]
    for r in results:
        if r.kind in ("operation", "setup") or (r.kind == "floor" and r.page is None):
            result = f"CRASH: {r.error}" if r.error else ("ok" if r.budget_s is not None and r.ok else
                                                          "MISS" if not r.ok else "")
            lines.append(f"| {r.name} | {_s(r.median_s)} | {_s(r.min_s)} | {_s(r.max_s)} | {_s(r.budget_s)} | "
                         f"{result} |")
    for r in results:
        if r.kind == "process":
            lines.append(f"| {r.name}: {r.peak_mb:.0f} MB | | | | | |")
    return "\n".join(lines)


def summary(results: Sequence[Result]) -> str:
    misses = [r for r in results if not r.ok and not r.error]
    crashes = [r for r in results if r.error]
    parts = [f"{len(misses)} budget(s) missed" if misses else "every budget met"]
    if crashes:
        parts.append(f"{len(crashes)} measurement(s) crashed")
    text = "; ".join(parts) + "."
    if misses:
        text += " Missed: " + ", ".join(f"{r.name}{f' ({r.role})' if r.role else ''}" for r in misses) + "."
    return text


def write_json(results: Sequence[Result], path: Path) -> None:
    path.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS,
                        help=f"members in the synthetic database (default {DEFAULT_MEMBERS:,})")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS,
                        help=f"runs per figure, the median is reported (default {DEFAULT_RUNS}; at least "
                             f"{REPORTED_RUNS} for figures you report)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--database-url", metavar="URL",
                        help="an EMPTY database to fill and measure (e.g. PostgreSQL); default: a temporary "
                             "SQLite file, deleted afterwards")
    parser.add_argument("--import-rows", type=int, default=IMPORT_ROWS,
                        help=f"rows of the import measurement (default {IMPORT_ROWS:,}; the budget scales)")


def main(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run the benchmark for parsed arguments: 0 even when budgets are missed, 1 when something crashed."""
    out = out or sys.stdout
    try:
        results = run_benchmark(args.members, args.runs, args.database_url, args.import_rows)
    except BenchmarkError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    where = "SQLite (temporary file)" if not args.database_url else _safe(args.database_url).split(":")[0]
    print(f"## Benchmark: {args.members:,} members, {where}, median of {args.runs} runs\n", file=out)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPU(s), {dt.date.today().isoformat()}\n", file=out)
    if args.runs < REPORTED_RUNS:
        print(f"(fewer than {REPORTED_RUNS} runs: a smoke test, not figures to report)\n", file=out)
    print(tables(results), file=out)
    print(f"\n{summary(results)}", file=out)
    if args.json:
        write_json(results, Path(args.json))
        print(f"Wrote {args.json}", file=out)
    return 1 if any(r.error for r in results) else 0
