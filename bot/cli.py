"""`pst-bot`: import a plan, export it, try it in a shell, run the Matrix bot, back it up,
check an installation."""

import argparse
import asyncio
import logging
import sqlite3
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from bot import console_texts as texts
from bot.checks import FAIL, check_all
from bot.config import ConfigError, Settings, load_config
from bot.lock import AlreadyRunning, bot_lock
from bot.run import run_transports, transports_of
from bot.runtime import Runtime
from bot.scheduler import Scheduler, rhythm_of
from bot.shell import SHELL_ROOM, resolve_sender, run_shell, seed_if_empty, shell_directory
from bot.teams.manifest import package
from commands.catalogue import build_registry
from commands.engine import Engine
from commands.errors import UserError
from commands.files import EVALUATION_FORMATS, ecomptes_file, evaluation_file, table_file
from commands.types import Directory, Organisation
from storage import plans, sends
from storage.actions import SILENT_AFTER_WEEKS
from storage.backup import backup
from storage.clock import now_utc
from storage.db import DatabaseTooNew, open_db, open_existing
from storage.importing import (
    EcomptesError,
    ImportFormatError,
    import_plan,
    parse_ecomptes,
    parse_file,
    plan_from_rows,
)
from storage.transactions import transaction

EXPORT_FORMATS = ("csv", "xlsx", "ods", "pdf", "md", "html", "ecomptes")


def _settings(path: str | None) -> Settings | None:
    return load_config(path) if path else None


def _database(args, settings: Settings | None) -> str:
    if getattr(args, "db", None):
        return args.db
    if settings:
        return str(settings.storage.database)
    return "pst.db"


def read_plan(path: str):
    """A plan from any file we import, eComptes XML included."""
    if path.lower().endswith(".xml"):
        try:
            return plan_from_rows(parse_ecomptes(Path(path).read_bytes()))
        except EcomptesError as error:
            raise ImportFormatError(str(error)) from error
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
    print(texts.IMPORTED_INTO.format(code=report.plan))
    print(report.summary())
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
    engine = Engine(
        db, directory, build_registry(), organisation=organisation, room_plans=room_plans
    )
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    return run_shell(engine, sender, out_dir)


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
    attachment = evaluation_file(
        db,
        chosen,
        args.format,
        now_utc(),
        args.since,
        organisation=organisation,
        silent_after_weeks=weeks,
    )
    return _write(attachment, args.output)


def cmd_run(args) -> int:
    settings = load_config(args.config)
    if settings.matrix is None and settings.teams is None:
        raise ConfigError(f"{args.config} : ni [matrix] ni [teams] : aucun canal à servir")
    # Before the database is opened or any server contacted: one bot per database.
    with bot_lock(settings.storage.database):
        return asyncio.run(run_transports(settings))


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


def cmd_check(args) -> int:
    failures = 0
    for finding in check_all(args.config):
        print(finding, flush=True)
        failures += finding.mark == FAIL
    print(texts.CHECK_TO_FIX.format(count=failures) if failures else texts.CHECK_ALL_GOOD)
    return 1 if failures else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pst-bot", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="journal détaillé")
    sub = parser.add_subparsers(dest="command", required=True)

    imp = sub.add_parser(
        "import", help="importer un PST (tableau récapitulatif, CSV, XLSX, eComptes)"
    )
    imp.add_argument("file")
    imp.add_argument("--db")
    imp.add_argument("--config")
    imp.add_argument(
        "--plan", metavar="CODE", help="le PST visé (cpas, commune…) ; un code neuf le crée"
    )
    imp.add_argument("--title", help="titre d'un nouveau PST")
    imp.add_argument(
        "--dry-run", action="store_true", help="aperçu : ce qui serait créé ou modifié, rien écrit"
    )
    imp.set_defaults(func=cmd_import)

    pls = sub.add_parser("plans", help="les PST de la base, avec leurs nombres d'OS, OO, actions")
    pls.add_argument("--db")
    pls.add_argument("--config")
    pls.add_argument("--close", metavar="CODE", help="clôturer un PST (lecture seule)")
    pls.add_argument("--reopen", metavar="CODE", help="rouvrir un PST clôturé")
    pls.set_defaults(func=cmd_plans)

    shell = sub.add_parser("shell", help="essayer le bot en console, sans serveur")
    shell.add_argument("--db", help="base SQLite (défaut : base neuve avec le PST d'exemple)")
    shell.add_argument(
        "--as", dest="as_", metavar="WHO", help="initiales d'un pilote ou id de chat"
    )
    shell.add_argument("--config", help="annuaire des pilotes et rôles du bot")
    shell.add_argument("--admin", action="store_true", help="droits d'administrateur (DG)")
    shell.add_argument("--out", default=".", help="dossier des fichiers reçus (défaut : .)")
    shell.add_argument("--plan", metavar="CODE", help="le PST de la console")
    shell.set_defaults(func=cmd_shell)

    exp = sub.add_parser("export", help="exporter le tableau consolidé")
    exp.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
    exp.add_argument("--db")
    exp.add_argument("--config")
    exp.add_argument("-o", "--output")
    exp.add_argument("--plan", metavar="CODE", help="le PST exporté (si la base en a plusieurs)")
    exp.add_argument(
        "--force",
        action="store_true",
        help="eComptes : exporter même avec les identifiants d'exemple (INS 00000)",
    )
    exp.set_defaults(func=cmd_export)

    ev = sub.add_parser("evaluation", help="rapport d'évaluation (mi-législature, fin de mandat)")
    ev.add_argument("--format", choices=tuple(EVALUATION_FORMATS), default="odt")
    ev.add_argument("--since", type=_iso_date, metavar="AAAA-MM-JJ", help="période résumée")
    ev.add_argument("--db")
    ev.add_argument("--config")
    ev.add_argument("-o", "--output")
    ev.add_argument("--plan", metavar="CODE", help="le PST évalué (si la base en a plusieurs)")
    ev.set_defaults(func=cmd_evaluation)

    run = sub.add_parser("run", help="lancer le bot (Matrix, Teams, ou les deux)")
    run.add_argument("--config", default="config.toml")
    run.set_defaults(func=cmd_run)

    plan = sub.add_parser("schedule", help=texts.SCHEDULE_HELP, description=texts.SCHEDULE_EPILOG)
    plan.add_argument("--config", help="rythme, annuaire et canaux (défaut : sans canal)")
    plan.add_argument("--db", help="base SQLite (défaut : storage.database de la configuration)")
    plan.add_argument(
        "--now", type=_local_moment, metavar="'AAAA-MM-JJ HH:MM'", help="défaut : maintenant"
    )
    plan.add_argument("--dry-run", action="store_true", help="aperçu : rien n'est enregistré")
    plan.set_defaults(func=cmd_schedule)

    save = sub.add_parser("backup", help="sauvegarder la base, même pendant que le bot tourne")
    save.add_argument("--db")
    save.add_argument("--config", help="prendre la base de la configuration (storage.database)")
    save.add_argument("-o", "--output", required=True, help="fichier de sauvegarde à écrire")
    save.set_defaults(func=cmd_backup)

    pack = sub.add_parser("teams-package", help="le paquet de l'application Teams à téléverser")
    pack.add_argument("--config", default="config.toml")
    pack.add_argument("-o", "--output", default="pst-bot-teams.zip")
    pack.set_defaults(func=cmd_teams_package)

    check = sub.add_parser("check", help="vérifier l'installation (base, serveur, salon CODIR)")
    check.add_argument("--config", default="config.toml")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except ConfigError as error:
        print(texts.BAD_CONFIG.format(error=error), file=sys.stderr)
        return 2
    except AlreadyRunning as error:
        pid = texts.RUNNING_PID.format(pid=error.pid) if error.pid else ""
        print(texts.ALREADY_RUNNING.format(database=error.database, pid=pid), file=sys.stderr)
        return 2
    except DatabaseTooNew as error:
        found, known = error.found, error.known
        message = texts.DATABASE_TOO_NEW.format(path=error.path, found=found, known=known)
        print(message, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
