"""`pst-bot`: import a plan, export it, try it in a shell, or run the Matrix bot."""

import argparse
import logging
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_config
from storage import store
from storage.db import open_db
from storage.importing import ImportFormatError, parse_file

EXPORT_FORMATS = ("csv", "xlsx", "ods", "md", "html", "ecomptes")


def _settings(path: str | None) -> Settings | None:
    return load_config(path) if path else None


def _database(args, settings: Settings | None) -> str:
    if getattr(args, "db", None):
        return args.db
    if settings:
        return str(settings.storage.database)
    return "pst.db"


def cmd_import(args) -> int:
    settings = _settings(args.config)
    db = open_db(_database(args, settings))
    try:
        report = store.import_plan(db, parse_file(args.file))
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
    engine = Engine(db, shell_directory(settings, sender, args.admin))
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    return run_shell(engine, sender, out_dir)


def cmd_export(args) -> int:
    from commands.exports import export_bytes, export_filename

    settings = _settings(args.config)
    db = open_db(_database(args, settings))
    if store.action_range(db) is None:
        print("La base ne contient aucun PST : importez-en un d'abord.", file=sys.stderr)
        return 2
    data = export_bytes(db, args.format, settings)
    target = Path(args.output or export_filename(args.format))
    target.write_bytes(data)
    print(f"{target} ({len(data)} octets)")
    return 0


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

    imp = sub.add_parser("import", help="importer un PST (tableau récapitulatif, CSV, XLSX)")
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
