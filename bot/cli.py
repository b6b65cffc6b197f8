"""`pst-bot`: import a plan, export it, try it in a shell, or run the Matrix bot."""

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

from bot.config import ConfigError, Settings, load_config
from commands.engine import Organisation
from storage import store
from storage.db import open_db
from storage.importing import ImportFormatError, parse_file, plan_from_rows

EXPORT_FORMATS = ("csv", "xlsx", "ods", "md", "html", "ecomptes")


def _settings(path: str | None) -> Settings | None:
    return load_config(path) if path else None


def _database(args, settings: Settings | None) -> str:
    if getattr(args, "db", None):
        return args.db
    if settings:
        return str(settings.storage.database)
    return "pst.db"


def read_plan(path: str):
    """A plan from any file we import; eComptes XML is read by the reports package."""
    if path.lower().endswith(".xml"):
        from commands.reports import EcomptesError, parse_ecomptes

        try:
            return plan_from_rows(parse_ecomptes(Path(path).read_bytes()))
        except EcomptesError as error:
            raise ImportFormatError(str(error)) from error
    return parse_file(path)


def cmd_import(args) -> int:
    settings = _settings(args.config)
    db = open_db(_database(args, settings))
    try:
        report = store.import_plan(db, read_plan(args.file))
    except ImportFormatError as error:
        print(f"Import refusé, rien n'a été modifié. {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"Impossible de lire {args.file} : {error.strerror}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def cmd_shell(args) -> int:
    from bot.shell import resolve_sender, run_shell, seed_if_empty, shell_directory
    from commands.engine import Engine

    settings = _settings(args.config)
    db = open_db(args.db or ":memory:")
    seed_if_empty(db, sys.stdout)
    sender = resolve_sender(settings, args.as_ or "console")
    organisation = settings.organisation_info() if settings else None
    engine = Engine(db, shell_directory(settings, sender, args.admin), organisation=organisation)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    return run_shell(engine, sender, out_dir)


def _plan_db(args, settings: Settings | None):
    db = open_db(_database(args, settings))
    if store.action_range(db) is None:
        raise SystemExit("La base ne contient aucun PST : importez-en un d'abord (pst-bot import).")
    return db


def _write(attachment, output: str | None) -> int:
    target = Path(output or attachment.filename)
    target.write_bytes(attachment.data)
    print(f"{target} ({len(attachment.data)} octets)")
    return 0


def cmd_export(args) -> int:
    from commands.exports import ecomptes_file, table_file

    settings = _settings(args.config)
    db = _plan_db(args, settings)
    today = store.now_utc().date()
    if args.format == "ecomptes":
        organisation = settings.organisation_info() if settings else Organisation()
        return _write(ecomptes_file(db, organisation, today), args.output)
    return _write(table_file(db, args.format, today), args.output)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date « {text} » illisible (AAAA-MM-JJ)") from None


def cmd_evaluation(args) -> int:
    from commands.exports import evaluation_file

    db = _plan_db(args, _settings(args.config))
    return _write(evaluation_file(db, args.format, store.now_utc().date(), args.since), args.output)


def cmd_run(args) -> int:
    import asyncio

    from bot.matrix import run_bot

    settings = load_config(args.config)
    if settings.matrix is None:
        raise ConfigError(f"{args.config} : section [matrix] manquante")
    return asyncio.run(run_bot(settings))


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
    imp.set_defaults(func=cmd_import)

    shell = sub.add_parser("shell", help="essayer le bot en console, sans serveur")
    shell.add_argument("--db", help="base SQLite (défaut : base neuve avec le PST d'exemple)")
    shell.add_argument(
        "--as", dest="as_", metavar="WHO", help="initiales d'un pilote ou id de chat"
    )
    shell.add_argument("--config", help="annuaire des pilotes et rôles du bot")
    shell.add_argument("--admin", action="store_true", help="droits d'administrateur (DG)")
    shell.add_argument("--out", default=".", help="dossier des fichiers reçus (défaut : .)")
    shell.set_defaults(func=cmd_shell)

    exp = sub.add_parser("export", help="exporter le tableau consolidé")
    exp.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
    exp.add_argument("--db")
    exp.add_argument("--config")
    exp.add_argument("-o", "--output")
    exp.set_defaults(func=cmd_export)

    ev = sub.add_parser("evaluation", help="rapport d'évaluation (mi-législature, fin de mandat)")
    ev.add_argument("--format", choices=("odt", "docx", "html", "md"), default="odt")
    ev.add_argument("--since", type=_iso_date, metavar="AAAA-MM-JJ", help="période résumée")
    ev.add_argument("--db")
    ev.add_argument("--config")
    ev.add_argument("-o", "--output")
    ev.set_defaults(func=cmd_evaluation)

    run = sub.add_parser("run", help="lancer le bot Matrix")
    run.add_argument("--config", default="config.toml")
    run.set_defaults(func=cmd_run)
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
        print(f"Configuration invalide : {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
