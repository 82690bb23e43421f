"""Admin command line over core/. Every command uses DATABASE_URL (default: the SQLite file under data/)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from core.errors import DomainError
from core.i18n import describe, t
from db.engine import database_url, make_engine


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
