"""`pst-bot`: import a plan, export it, try it in a shell, run the bot (Matrix, Teams), back
it up, check an installation. Its help and its messages are in French (bot/console_texts.py).

    main(["export", "--format", "xlsx", "--db", "pst.db"])     # the exit code
"""

import argparse
import asyncio
import logging
import os
import sqlite3
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from bot import console_texts as texts
from bot.checks import print_check
from bot.cli_parser import FrenchParser
from bot.config import ConfigError, Settings, load_config
from bot.lock import AlreadyRunning, LockIsALink
from bot.run import run_bot, transports_of
from bot.runtime import Runtime
from bot.scheduler import Scheduler, rhythm_of
from bot.shell import (
    SHELL_ROOM,
    Rehearsal,
    resolve_sender,
    run_shell,
    seed_if_empty,
    shell_directory,
)
from bot.teams.manifest import package
from bot.web import add_publish
from commands import campaigns
from commands.catalogue import build_registry
from commands.chat_import import report_text
from commands.engine import Engine
from commands.errors import UserError
from commands.files import EVALUATION_FORMATS, ecomptes_file, evaluation_file, table_file
from commands.types import Directory, Organisation
from storage import plans, sends
from storage.actions import SILENT_AFTER_WEEKS
from storage.backup import backup
from storage.clock import now_utc, today
from storage.db import DatabaseTooNew, open_db, open_existing
from storage.importing import (
    ImportFormatError,
    import_plan,
    parse_file,
)
from storage.transactions import transaction

EXPORT_FORMATS = ("csv", "xlsx", "ods", "pdf", "md", "html", "ecomptes")
#: Libraries that say at INFO what nobody running the bot needs (fontTools: each font table
#: it subsets for a PDF): WARNING and above only, on the console and in the bot's log.
CHATTY_LIBRARIES = ("fontTools",)


def _settings(path: str | None) -> Settings | None:
    return load_config(path) if path else None


def _database(args, settings: Settings | None) -> str:
    if getattr(args, "db", None):
        return args.db
    if settings:
        return str(settings.storage.database)
    return "pst.db"


def read_plan(path: str):
    """A plan from any file we import, eComptes XML included (read within the size limit)."""
    return parse_file(path)


def cmd_import(args) -> int:
    settings = _settings(args.config)
    db = open_db(_database(args, settings))
    try:
        report = import_plan(
            db, read_plan(args.file), args.plan, title=args.title or "", dry_run=args.dry_run
        )
    except ImportFormatError as error:
        print(texts.IMPORT_REFUSED.format(error=error), file=sys.stderr)
        return 2
    except OSError as error:
        print(texts.CANNOT_READ.format(path=args.file, reason=error.strerror), file=sys.stderr)
        return 2
    print(report_text(report))  # what the chat import's preview says too
    return 0


def cmd_plans(args) -> int:
    db = open_db(_database(args, _settings(args.config)))
    for code, state in ((args.close, plans.CLOSED), (args.reopen, plans.ACTIVE)):
        if code:
            chosen = _chosen_plan(db, code)
            with transaction(db):
                plans.set_state(db, chosen.id, state)
            print(texts.PLAN_STATE_SET.format(code=chosen.code, state=texts.PLAN_STATES[state]))
    every = plans.all_plans(db)
    if not every:
        print(texts.NO_PLAN_YET)
        return 0
    for each in every:
        count = plans.counts(db, each.id)
        state = texts.PLAN_CLOSED if each.closed else ""
        print(texts.PLAN_ROW.format(code=each.code, title=each.title, state=state, **count))
    return 0


def cmd_shell(args) -> int:
    settings = _settings(args.config)
    db = open_db(args.db or ":memory:")
    seed_if_empty(db, sys.stdout)
    sender = resolve_sender(settings, args.as_ or "console")
    organisation = settings.organisation if settings else None
    directory = shell_directory(settings, sender, args.admin)
    room_plans = dict(settings.rooms.plans) if settings else {}
    if args.plan:
        _chosen_plan(db, args.plan)
        room_plans[SHELL_ROOM] = args.plan
    rehearsal = Rehearsal(settings or Settings(), configured=settings is not None)
    if args.now:
        rehearsal.clock.moment = rehearsal.local(args.now.strftime("%Y-%m-%d %H:%M"))
    engine = Engine(
        db,
        directory,
        build_registry(),
        organisation=organisation,
        room_plans=room_plans,
        clock=rehearsal.clock,
        rhythm=rhythm_of(rehearsal.settings),
    )
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    return run_shell(engine, sender, out_dir, rehearsal=rehearsal)


def _chosen_plan(db, code: str | None) -> plans.Plan:
    """The plan `--plan` names, or the only one; exits with a clear message otherwise."""
    try:
        return plans.choose_plan(db, code=code)
    except plans.NoPlan:
        raise SystemExit(texts.NO_PLAN_YET) from None
    except plans.PlanAmbiguous as error:
        raise SystemExit(texts.WHICH_PLAN.format(codes=", ".join(error.codes))) from None
    except plans.PlanUnknown as error:
        codes = ", ".join(error.codes)
        raise SystemExit(texts.UNKNOWN_PLAN.format(code=code, codes=codes)) from None


def _plan_db(args, settings: Settings | None):
    db = open_db(_database(args, settings))
    return db, _chosen_plan(db, args.plan)


def _write(attachment, output: str | None) -> int:
    target = Path(output or attachment.filename)
    target.write_bytes(attachment.data)
    print(texts.FILE_WRITTEN.format(path=target, size=len(attachment.data)))
    return 0


def cmd_export(args) -> int:
    settings = _settings(args.config)
    db, chosen = _plan_db(args, settings)
    now = now_utc()
    organisation = settings.organisation if settings else Organisation()
    if args.format == "ecomptes":
        try:
            attachment = ecomptes_file(db, chosen, organisation, now, force=args.force)
        except UserError as error:
            print(error, file=sys.stderr)
            return 2
        return _write(attachment, args.output)
    return _write(table_file(db, chosen, args.format, now, organisation=organisation), args.output)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(texts.BAD_DATE.format(text=text)) from None


def cmd_evaluation(args) -> int:
    settings = _settings(args.config)
    db, chosen = _plan_db(args, settings)
    organisation = settings.organisation if settings else None
    weeks = settings.rhythm.silent_after_weeks if settings else SILENT_AFTER_WEEKS
    now = now_utc()
    if args.campagne is not None:
        with transaction(db):  # a campaign closed since the bot last ran: its situation kept
            campaigns.keep_closed(db, now, today(now))
    try:
        attachment = evaluation_file(
            db,
            chosen,
            args.format,
            now,
            args.since,
            organisation=organisation,
            silent_after_weeks=weeks,
            conseil=args.conseil,
            annex=args.annexe,
            campaign=args.campagne,
        )
    except UserError as error:
        print(error, file=sys.stderr)
        return 2
    return _write(attachment, args.output)


def _local_moment(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise argparse.ArgumentTypeError(texts.SCHEDULE_BAD_NOW.format(text=text)) from None


def cmd_schedule(args) -> int:
    """What the running bot's scheduler does at --now (bot/scheduler.py), printed; recorded
    unless --dry-run. Never logs in to a server: the running bot holds the sessions."""
    settings = _settings(args.config) or Settings()
    # --now is a time in the Rhythm's zone, the one the scheduler reads its moment in.
    zone = rhythm_of(settings).zone
    local = args.now or now_utc().astimezone(zone).replace(tzinfo=None, second=0)
    moment = local.replace(tzinfo=zone).astimezone(UTC)
    db = open_db(_database(args, settings))
    # Without a configuration, initials stand for the pilots (as in `pst-bot shell`).
    directory = settings.directory() if args.config else Directory(initials_as_ids=True)
    engine = Engine(db, directory, build_registry())
    scheduler = Scheduler(Runtime(settings, db, engine))
    if args.dry_run:
        messages = asyncio.run(scheduler.preview(moment))
    else:
        messages = asyncio.run(scheduler.run_once(moment, deliver=False))
    for outgoing in messages:
        print(texts.SCHEDULE_MESSAGE.format(recipient=outgoing.label, text=outgoing.text))
    if not messages:
        print(texts.SCHEDULE_NOTHING.format(moment=local.strftime("%d/%m/%Y %H:%M")))
    elif args.dry_run:
        print(texts.SCHEDULE_DRY_RUN)
    elif transports_of(settings):
        print(texts.SCHEDULE_RECORDED.format(count=len(messages)))
    else:
        for outgoing in messages:
            sends.mark_sent(db, outgoing.key)
        print(texts.SCHEDULE_PRINTED_ONLY.format(count=len(messages)))
    db.close()
    return 0


def cmd_backup(args) -> int:
    """A consistent copy, taken while the bot may be running (no lock, no migration)."""
    source = _database(args, _settings(args.config))
    try:
        db = open_existing(source)
    except FileNotFoundError:
        print(texts.NO_DATABASE.format(path=source), file=sys.stderr)
        return 2
    try:
        target = backup(db, Path(args.output))
    except (OSError, sqlite3.Error) as error:
        reason = getattr(error, "strerror", None) or error
        print(texts.CANNOT_WRITE.format(path=args.output, reason=reason), file=sys.stderr)
        return 2
    finally:
        db.close()
    copy = open_existing(target)
    actions = copy["actions"].count if copy["actions"].exists() else 0
    copy.close()
    size = target.stat().st_size
    print(texts.BACKUP_WRITTEN.format(path=target, size=size, actions=actions))
    return 0


def cmd_teams_package(args) -> int:
    settings = load_config(args.config)
    if settings.teams is None:
        raise ConfigError(f"{args.config} : section [teams] manquante (app_id, tenant_id)")
    data = package(settings.teams.app_id, settings.organisation.name)
    Path(args.output).write_bytes(data)
    print(texts.TEAMS_PACKAGE_WRITTEN.format(path=args.output, app_id=settings.teams.app_id))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line; every help text is in console_texts (COMMAND_HELP, ARGUMENT_HELP), so
    that an argument without one fails here, at once."""
    parser = FrenchParser(prog="pst-bot", description=texts.CLI_DESCRIPTION)
    parser.add_argument("-v", "--verbose", action="store_true", help=texts.VERBOSE_HELP)
    sub = parser.add_subparsers(
        dest="command", required=True, title="commandes", metavar="COMMANDE"
    )

    def command(name: str, func, db: bool = False, **options):
        """A subcommand (with --db and --config when it reads a database); returns its
        `arg(*flags, **options)`, which adds an argument with its help text."""
        each = sub.add_parser(name, help=texts.COMMAND_HELP[name], **options)
        each.set_defaults(func=func)
        helps = texts.ARGUMENT_HELP[name]

        def arg(*flags: str, **options) -> None:
            if flags[-1].startswith("--") and "action" not in options:
                options.setdefault("metavar", "FICHIER")
            each.add_argument(*flags, help=helps[flags[-1]], **options)

        for flag in ("--db", "--config") if db else ():
            arg(flag)
        return arg

    arg = command("import", cmd_import, db=True, description=texts.IMPORT_DESCRIPTION)
    arg("file", metavar="FICHIER")
    arg("--plan", metavar="CODE")
    arg("--title", metavar="TITRE")
    arg("--dry-run", action="store_true")

    arg = command("plans", cmd_plans, db=True)
    arg("--close", metavar="CODE")
    arg("--reopen", metavar="CODE")

    arg = command("shell", cmd_shell)
    arg("--db")
    arg("--as", dest="as_", metavar="QUI")
    arg("--config")
    arg("--admin", action="store_true")
    arg("--out", default=".", metavar="DOSSIER")
    arg("--plan", metavar="CODE")
    arg("--now", type=_local_moment, metavar="'AAAA-MM-JJ HH:MM'")

    arg = command("export", cmd_export, db=True)
    arg("--format", choices=EXPORT_FORMATS, default="csv", metavar="FORMAT")
    arg("-o", "--output")
    arg("--plan", metavar="CODE")
    arg("--force", action="store_true")

    arg = command("evaluation", cmd_evaluation, db=True)
    arg("--format", choices=tuple(EVALUATION_FORMATS), default="odt", metavar="FORMAT")
    arg("--since", type=_iso_date, metavar="AAAA-MM-JJ")
    arg("--conseil", type=_iso_date, metavar="AAAA-MM-JJ")
    arg("--annexe", action="store_true")
    arg("--campagne", type=int, metavar="N")
    arg("-o", "--output")
    arg("--plan", metavar="CODE")

    arg = command("run", lambda args: run_bot(args.config))
    arg("--config", default="config.toml")

    arg = command("schedule", cmd_schedule, db=True, description=texts.SCHEDULE_EPILOG)
    arg("--now", type=_local_moment, metavar="'AAAA-MM-JJ HH:MM'")
    arg("--dry-run", action="store_true")

    arg = command("backup", cmd_backup, db=True)
    arg("-o", "--output", required=True)

    arg = command("teams-package", cmd_teams_package)
    arg("--config", default="config.toml")
    arg("-o", "--output", default="pst-bot-teams.zip")

    arg = command("check", lambda args: print_check(args.config))
    arg("--config", default="config.toml")
    add_publish(command, _settings, _plan_db)  # pst-bot publish, bot/web.py
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        code = args.func(args)
        sys.stdout.flush()  # here, where a reader gone is handled, not at exit
        return code
    except BrokenPipeError:
        # The reader left (`pst-bot shell … | head`): stop quietly, as Unix tools do (exit
        # 128 + SIGPIPE); what stdout still buffers would make Python complain at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except ConfigError as error:
        print(texts.BAD_CONFIG.format(error=error), file=sys.stderr)
    except AlreadyRunning as error:
        pid = texts.RUNNING_PID.format(pid=error.pid) if error.pid else ""
        print(texts.ALREADY_RUNNING.format(database=error.database, pid=pid), file=sys.stderr)
    except LockIsALink as error:
        print(texts.LOCK_IS_A_LINK.format(path=error.path), file=sys.stderr)
    except DatabaseTooNew as error:
        found, known = error.found, error.known
        message = texts.DATABASE_TOO_NEW.format(path=error.path, found=found, known=known)
        print(message, file=sys.stderr)
    return 2  # a wrong configuration, a second bot, a database newer than the code


if __name__ == "__main__":
    sys.exit(main())
