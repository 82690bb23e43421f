"""Admin command line over core/. Every command uses DATABASE_URL (default: the SQLite file under data/)."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from pathlib import Path

from core.errors import DomainError
from core.i18n import describe, t
from db.engine import database_url, make_engine
from db.models import APPLICATION_STATUSES


def cmd_init_db(args: argparse.Namespace) -> int:
    from core.setup import init_database

    init_database(make_engine())
    print(f"Database ready: {_safe_url()}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from core.setup import seed_demo

    outcome = seed_demo(make_engine(), members=args.members, seed=args.seed)
    if outcome.skipped:
        print("The database already has members; nothing was added. / 既に会員がいるため、何も追加しませんでした。")
        return 0
    print(
        f"Added {outcome.members_added} members, {outcome.applications_added} applications "
        f"and {outcome.accounts_added} demo accounts; demo mode is on."
    )
    return 0


def _read_password() -> str:
    from_env = os.environ.get("ALUMNI_PASSWORD")
    if from_env:
        return from_env
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Repeat password: ")
    else:
        lines = sys.stdin.read().splitlines()
        first, second = (lines + ["", ""])[:2]
    if first != second:
        raise SystemExit(t("accounts.passwords_differ", "en") + " / " + t("accounts.passwords_differ"))
    return first


def cmd_create_user(args: argparse.Namespace) -> int:
    from core.accounts import create_account

    password = _read_password()
    account = create_account(make_engine(), args.username, args.name or args.username, args.role, password,
                             actor="manage.py")
    print(f"Created {account.username} ({account.role}).")
    return 0


def _print_summary(summary, source: Path) -> None:
    from core.i18n import describe

    print(f"Encoding: {summary.encoding}; rows: {summary.rows}")
    for problem in summary.problems:
        verdict = "rejected" if problem.rejects else "imported"
        print(f"  row {problem.row}: {describe(problem.key, problem.params, 'en')} ({verdict})")
    verb = "added" if summary.committed else "would add (dry run, nothing changed)"
    print(f"{summary.added} {verb}, {summary.already_imported} skipped as already imported, "
          f"{summary.rejected} rejected.")
    if summary.rejected_csv:
        target = source.with_name(f"{source.stem}.rejected.csv")
        target.write_bytes(summary.rejected_csv)
        print(f"Rejected rows with the reason: {target}")


def _mapping(args: argparse.Namespace) -> dict[str, str] | None:
    from core.importing import mapping_from_toml

    return mapping_from_toml(Path(args.mapping).read_text(encoding="utf-8")) if args.mapping else None


def _reason(problem) -> str:
    from core.i18n import describe

    return describe(problem.key, problem.params, "ja")


def cmd_import(args: argparse.Namespace) -> int:
    from core.application_import import import_applications
    from core.member_import import import_members

    run = {"import-applications": import_applications, "import-members": import_members}[args.command]
    source = Path(args.file)
    summary = run(make_engine(), source.read_bytes(), actor="manage.py", mapping=_mapping(args),
                  dry_run=args.dry_run, reason_text=_reason)
    _print_summary(summary, source)
    return 0


def cmd_export_applications(args: argparse.Namespace) -> int:
    from core.exports import applications_csv

    Path(args.out).write_bytes(applications_csv(make_engine(), "manage.py", status=args.status, lang=args.lang))
    print(f"Wrote {args.out}")
    return 0


def cmd_export_members(args: argparse.Namespace) -> int:
    from core.exports import members_csv

    Path(args.out).write_bytes(members_csv(make_engine(), "manage.py", lang=args.lang))
    print(f"Wrote {args.out}")
    return 0


def _columns(args: argparse.Namespace, data: bytes):
    from dataclasses import replace

    from core.survey_import import read_columns

    if not (args.question_column or args.free_text):
        return None
    _, guessed, _ = read_columns(data)
    columns = replace(guessed, question=args.question_column or guessed.question)
    return replace(columns, free_text=tuple(args.free_text or columns.free_text))


def cmd_import_survey(args: argparse.Namespace) -> int:
    from core.survey_import import ImportRequest, import_survey

    source = Path(args.file)
    try:
        data = source.read_bytes()
    except OSError as error:
        print(f"{source}: {error.strerror}", file=sys.stderr)
        return 2
    request = ImportRequest(
        kind="counts" if args.counts else "responses", title=args.title, held_on=args.date,
        channel=args.channel or "", question=args.question or "",
        multiple_choice=False if args.single_choice else None, respondent_count=args.respondents,
        columns=None if args.counts else _columns(args, data),
    )
    outcome = import_survey(make_engine(), data, request, actor="manage.py", dry_run=args.dry_run,
                            reason_text=_reason)
    if outcome.same_file:
        print(f"This file was already imported as “{outcome.title}” ({outcome.held_on}).")
    survey = f"#{outcome.survey_id}" if outcome.survey_id else "(new)"
    print(f"Survey {survey}: {outcome.title} ({outcome.held_on})")
    _print_summary(outcome.summary, source)
    return 0


def cmd_export_survey_results(args: argparse.Namespace) -> int:
    from core.surveys import export_results

    summary, data = export_results(make_engine(), args.survey, "manage.py", lang=args.lang)
    Path(args.out).write_bytes(data)
    print(f"Wrote {args.out} (survey #{summary.id}: {summary.title}, {summary.held_on})")
    return 0


def cmd_export_growth(args: argparse.Namespace) -> int:
    from core.growth import growth_csv

    Path(args.out).write_bytes(growth_csv(make_engine(), "manage.py", lang=args.lang, liaison=args.liaison))
    print(f"Wrote {args.out}")
    return 0


def cmd_export_composition(args: argparse.Namespace) -> int:

    from core.growth import composition_csv
    from core.i18n import TOKYO

    on = args.on or dt.datetime.now(TOKYO).date()
    Path(args.out).write_bytes(composition_csv(make_engine(), "manage.py", args.by, on, lang=args.lang))
    print(f"Wrote {args.out} (members on {on.isoformat()} by {args.by}, small groups merged)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from core.report import monthly_report

    Path(args.out).write_text(monthly_report(make_engine(), args.month, "manage.py", lang=args.lang), encoding="utf-8")
    print(f"Wrote {args.out}")
    return 0


def cmd_erase_member(args: argparse.Namespace) -> int:
    from core.person_data import erase

    result = erase(make_engine(), args.email, actor="manage.py")
    print(f"Erased {result.members} member record(s), {result.applications} application(s), "
          f"{result.survey_responses} survey response(s); {result.scrubbed_cells} other text cell(s) cleaned.")
    return 0


def cmd_export_person(args: argparse.Namespace) -> int:
    from core.person_data import disclosure

    Path(args.out).write_bytes(disclosure(make_engine(), args.email))
    print(f"Wrote {args.out}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from core.backup import backup

    backup(database_url(), Path(args.out))
    print(f"Backup of {_safe_url()} written to {args.out}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from core.backup import restore

    restore(database_url(), Path(args.file))
    print(f"Restored {args.file} into {_safe_url()}")
    return 0


def cmd_pair_event(args: argparse.Namespace) -> int:
    from core.i18n import t
    from core.pairing import attendees_from_csv, event_csv, plan_event, record_event

    engine = make_engine()
    attendees = attendees_from_csv(engine, Path(args.attendees).read_bytes())
    for given, why in attendees.skipped:
        print(f"skipped {given}: {t(why, 'en')} / {t(why)}", file=sys.stderr)
    if len(attendees.member_ids) < 2:
        print(t("pairing.need_two", "en") + " / " + t("pairing.need_two"), file=sys.stderr)
        return 2
    plan = plan_event(engine, attendees.member_ids, args.rounds, lang=args.lang, table_size=args.table_size)
    Path(args.out).write_bytes(event_csv(plan))
    what = "pairs of the highest total score" if args.table_size == 2 else f"tables of at most {args.table_size}"
    print(f"Wrote {args.out}: {len(attendees.member_ids)} attendees, {len(plan.rounds)} rounds of {what} in "
          f"{plan.seconds:.2f} s")
    repeats = sum(r.repeats for r in plan.rounds)
    if repeats:
        print(f"{repeats} pairs introduced or seated together before could not be kept apart", file=sys.stderr)
    if args.record:
        done = record_event(engine, plan, args.record, args.held_on or dt.date.today(), "manage.py")
        print(f"Recorded the event {args.record!r}: {done.introductions} introductions "
              f"({done.already} pairs were already recorded)")
    return 0


def cmd_export_matches(args: argparse.Namespace) -> int:
    from core.matching import matches_csv

    found, data = matches_csv(make_engine(), args.member, args.top, "manage.py", lang=args.lang)
    Path(args.out).write_bytes(data)
    print(f"Wrote {args.out} ({len(found.candidates)} candidates for member #{found.member.id})")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    import benchmark

    return benchmark.main(args)


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(database_url()).render_as_string(hide_password=True)


def _iso_date(text: str):

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init-db", help="apply the migrations and create the default screening questions")
    init.set_defaults(func=cmd_init_db)

    seed = commands.add_parser("seed-demo", help="fill an empty database with demo data and demo accounts")
    seed.add_argument("--members", type=int, default=240, help="how many members (default 240)")
    seed.add_argument("--seed", type=int, default=7, help="random seed; the same seed gives the same data")
    seed.set_defaults(func=cmd_seed_demo)

    user = commands.add_parser(
        "create-user",
        help="add a dashboard account; the password comes from standard input (twice) or ALUMNI_PASSWORD",
    )
    user.add_argument("username")
    user.add_argument("--role", required=True, choices=["admin", "organizer", "liaison"])
    user.add_argument("--name", help="display name (default: the username)")
    user.set_defaults(func=cmd_create_user)

    for name, what in (
        ("import-applications", "applications"),
        ("import-members", "a member roster (join and leave dates)"),
    ):
        command = commands.add_parser(name, help=f"import {what} from a CSV file (UTF-8, UTF-8 with BOM or CP932)")
        command.add_argument("file")
        command.add_argument("--mapping", help="a TOML column mapping ([columns] header = field), as the page saves")
        command.add_argument("--dry-run", action="store_true", help="show what would happen and change nothing")
        command.set_defaults(func=cmd_import)

    survey = commands.add_parser("import-survey", help="import a survey: a per-respondent CSV (Google Forms) or, "
                                 "with --counts, a poll's option,count rows")
    survey.add_argument("file")
    survey.add_argument("--title", required=True, help="the survey's title (with --date it names the survey)")
    survey.add_argument("--date", required=True, type=_iso_date, help="the survey date, YYYY-MM-DD")
    survey.add_argument("--counts", action="store_true", help="the file holds each option and its vote count")
    survey.add_argument("--channel", help="how it was run, e.g. 'Google フォーム'")
    survey.add_argument("--question", help="the question asked (default: the header of the counted column)")
    survey.add_argument("--respondents", type=int, help="a poll's respondents, when known")
    survey.add_argument("--single-choice", action="store_true", help="one answer per respondent (no ', ' splitting)")
    survey.add_argument("--question-column", help="the column to count (default: guessed from the headers)")
    survey.add_argument("--free-text", action="append", metavar="COLUMN",
                        help="a free-text column (repeatable; default: guessed); shown to organizers only")
    survey.add_argument("--dry-run", action="store_true", help="show what would happen and change nothing")
    survey.set_defaults(func=cmd_import_survey)

    erase = commands.add_parser("erase-member", help="erase (anonymise) one person everywhere; totals stay the same")
    erase.add_argument("email")
    erase.set_defaults(func=cmd_erase_member)

    backup = commands.add_parser("backup", help="write a consistent backup (SQLite online backup, or pg_dump)")
    backup.add_argument("--out", required=True)
    backup.set_defaults(func=cmd_backup)
    restore = commands.add_parser("restore", help="restore a backup into an empty database")
    restore.add_argument("file")
    restore.set_defaults(func=cmd_restore)

    export = commands.add_parser("export", help="write a CSV export (UTF-8 with BOM, formula-safe)")
    kinds = export.add_subparsers(dest="kind", required=True, metavar="KIND")
    applications = kinds.add_parser("applications", help="applications with their flags and decisions")
    applications.add_argument("--status", choices=APPLICATION_STATUSES)
    applications.set_defaults(func=cmd_export_applications)
    members = kinds.add_parser("members", help="members (not erased) with their profiles")
    members.set_defaults(func=cmd_export_members)
    person = kinds.add_parser("person", help="everything held on one person, as one JSON file (disclosure)")
    person.add_argument("email")
    person.add_argument("--out", required=True, help="the JSON file to write")
    person.set_defaults(func=cmd_export_person)
    survey_results = kinds.add_parser("survey-results", help="a survey's options with their counts, ranked")
    survey_results.add_argument("--survey", required=True, metavar="ID_OR_TITLE", help="the survey's id or title")
    survey_results.add_argument("--out", required=True, help="the CSV file to write")
    survey_results.add_argument("--lang", choices=["ja", "en"], default="ja", help="column headers")
    survey_results.set_defaults(func=cmd_export_survey_results)
    growth = kinds.add_parser("growth", help="members, leavers and applications per month (Japan time), "
                              "from the first join to the latest month with data")
    growth.add_argument("--liaison", action="store_true", help="hide small numbers as the company liaison sees them")
    growth.set_defaults(func=cmd_export_growth)
    composition = kinds.add_parser("composition", help="current members per group as the company liaison sees "
                                   "them (groups smaller than k merged into 'Other')")
    composition.add_argument("--by", required=True, choices=["company", "industry", "region"])
    composition.add_argument("--on", type=_iso_date, help="the day to count members on, YYYY-MM-DD (default: today)")
    composition.set_defaults(func=cmd_export_composition)
    matches = kinds.add_parser("matches", help="the best match candidates of one member, with score and reasons "
                               "(never the member themself)")
    matches.add_argument("--member", required=True, metavar="EMAIL_OR_ID", help="the member's e-mail or id")
    matches.add_argument("--top", type=int, default=10, metavar="K", help="how many candidates (default 10)")
    matches.add_argument("--out", required=True, help="the CSV file to write")
    matches.add_argument("--lang", choices=["ja", "en"], default="ja", help="column headers and reasons")
    matches.set_defaults(func=cmd_export_matches)
    for kind in (growth, composition):
        kind.add_argument("--out", required=True, help="the CSV file to write")
        kind.add_argument("--lang", choices=["ja", "en"], default="ja", help="labels and the word for hidden figures")

    pair = commands.add_parser("pair-event", help="pair the attendees of an event for one or more rounds "
                               "(highest total score, no pair repeated) and write the pairs as CSV")
    pair.add_argument("--attendees", required=True, metavar="FILE", help="a CSV with an email column")
    pair.add_argument("--out", required=True, help="the CSV file to write (round, group, email, name, reason)")
    pair.add_argument("--rounds", type=int, default=1, help="how many rounds (default 1)")
    pair.add_argument("--table-size", type=int, default=2, choices=range(2, 11), metavar="N",
                      help="2 (default): one-to-one pairs; 3-10: tables of at most N")
    pair.add_argument("--record", metavar="TITLE", help="also record the pairs as introductions of this event, "
                      "so later events and suggestions do not pair them again")
    pair.add_argument("--held-on", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                      help="the event's date for --record (default today)")
    pair.add_argument("--lang", choices=["ja", "en"], default="ja", help="the language of the reasons")
    pair.set_defaults(func=cmd_pair_event)

    report = commands.add_parser("report", help="the monthly report for the company liaison: one printable, "
                                 "self-contained HTML page (small numbers hidden)")
    report.add_argument("--month", required=True, metavar="YYYY-MM", help="the month to report on")
    report.add_argument("--out", required=True, help="the HTML file to write")
    report.add_argument("--lang", choices=["ja", "en"], default="ja", help="the report's language (default ja)")
    report.set_defaults(func=cmd_report)

    bench = commands.add_parser("bench", help="measure pages and heavy operations on a synthetic database "
                                "against the performance budgets (a table, and JSON with --json)")
    import benchmark

    benchmark.add_arguments(bench)
    bench.set_defaults(func=cmd_bench)
    for kind in (applications, members):
        kind.add_argument("--out", required=True, help="the CSV file to write")
        kind.add_argument("--lang", choices=["ja", "en"], default="ja", help="column headers and labels")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DomainError as error:
        print(f"{describe(error.key, error.params, 'ja')} / {describe(error.key, error.params, 'en')}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
