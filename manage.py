"""Admin command line over core/. Every command uses DATABASE_URL (default: the SQLite file under data/)."""

from __future__ import annotations

import argparse
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


def cmd_import_applications(args: argparse.Namespace) -> int:
    from core.application_import import import_applications

    source = Path(args.file)
    summary = import_applications(make_engine(), source.read_bytes(), actor="manage.py", mapping=_mapping(args),
                                  dry_run=args.dry_run, reason_text=_reason)
    _print_summary(summary, source)
    return 0


def cmd_import_members(args: argparse.Namespace) -> int:
    from core.member_import import import_members

    source = Path(args.file)
    summary = import_members(make_engine(), source.read_bytes(), actor="manage.py", mapping=_mapping(args),
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


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(database_url()).render_as_string(hide_password=True)


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

    for name, func, what in (
        ("import-applications", cmd_import_applications, "applications"),
        ("import-members", cmd_import_members, "a member roster (join and leave dates)"),
    ):
        command = commands.add_parser(name, help=f"import {what} from a CSV file (UTF-8, UTF-8 with BOM or CP932)")
        command.add_argument("file")
        command.add_argument("--mapping", help="a TOML column mapping ([columns] header = field), as the page saves")
        command.add_argument("--dry-run", action="store_true", help="show what would happen and change nothing")
        command.set_defaults(func=func)

    export = commands.add_parser("export", help="write a CSV export (UTF-8 with BOM, formula-safe)")
    kinds = export.add_subparsers(dest="kind", required=True, metavar="KIND")
    applications = kinds.add_parser("applications", help="applications with their flags and decisions")
    applications.add_argument("--status", choices=APPLICATION_STATUSES)
    applications.set_defaults(func=cmd_export_applications)
    members = kinds.add_parser("members", help="members (not erased) with their profiles")
    members.set_defaults(func=cmd_export_members)
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
