"""The install explains itself (issue 21, item 7): what a newcomer following the README meets,
each test named for the place an administrator would otherwise give up. Real processes where
the newcomer would run one."""

import argparse
import fnmatch
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from bot.checks import FAIL, check_all
from bot.cli import EXPORT_FORMATS, build_parser, main
from bot.config import ENV_SECRETS, MatrixConfig, TeamsConfig, parse_config
from bot.lock import lock_path
from bot.run import refusals
from commands.access import EVERYONE
from tests.conftest import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = ROOT / "storage" / "data" / "pst-cpas-frameries-2019-2024.md"
#: The README's own prose, before the generated command reference.
PROSE = README.split("<!-- commands:start -->")[0]


def section(title: str) -> str:
    """The README section under `## title`, up to the next `## `."""
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def without_pst_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("PST_BOT_")}


def pst_bot(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=without_pst_env(),
        **kwargs,
    )


def required(model) -> list[str]:
    return [name for name, field in model.model_fields.items() if field.is_required()]


# ---------------------------------------------------------------- the README's steps


def test_readme_matrix_steps_name_every_setting_run_requires():
    steps = section("Running on Matrix")
    secrets = [variable for variable, (where, _) in ENV_SECRETS.items() if where == "matrix"]
    for name in [*required(MatrixConfig), *secrets, "pickle_key", "password", "access_token"]:
        assert name in steps, f"README, Running on Matrix: {name} is not named"
    assert "[e2e]" in steps  # when the pickle key is needed


def test_readme_teams_steps_name_every_setting_run_requires():
    steps = section("Running on Microsoft Teams")
    secrets = [variable for variable, (where, _) in ENV_SECRETS.items() if where == "teams"]
    for name in [*required(TeamsConfig), *secrets, "app_secret", "public_url", "service_url"]:
        assert name in steps, f"README, Running on Microsoft Teams: {name} is not named"


def test_readme_describes_grouped_codir_posts_where_it_describes_the_rhythm():
    rhythm = " ".join(section("The rhythm of the plan").split())
    assert "codir_posts" in rhythm and '"each"' in rhythm and '"grouped"' in rhythm
    assert "quarter hour" in rhythm and "undo" in rhythm


# ---------------------------------------------------------------- check and run agree


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_check_refuses_exactly_what_run_refuses(tmp_path, capsys, monkeypatch):
    for variable in ENV_SECRETS:
        monkeypatch.delenv(variable, raising=False)
    config = write(
        tmp_path,
        f'[storage]\ndatabase = "{tmp_path / "pst.db"}"\nbackup_dir = ""\n'
        '[matrix]\nhomeserver = "http://127.0.0.1:9"\nuser_id = "@pst-bot:localhost"\n'
        f'password = "change-me"\nstore_path = "{tmp_path / "state"}"\n'
        '[teams]\napp_id = "00000000-0000-0000-0000-000000000000"\ntenant_id = "t"\n'
        'app_secret = "s"\ndangerously_allow_unauthenticated = true\nhost = "0.0.0.0"\n',
    )
    problems = refusals(parse_config(tomllib.loads(config.read_text(encoding="utf-8"))))
    for kind in ("change-me", "que des zéros", "dangerously_allow_unauthenticated"):
        assert any(kind in problem for problem in problems), kind
    failed = [f.text for f in check_all(str(config)) if f.mark == FAIL]
    for problem in problems:
        assert any(line.startswith(problem) for line in failed), problem
    assert main(["run", "--config", str(config)]) == 2
    said = capsys.readouterr().err
    for problem in problems:
        assert problem in said
    assert not (tmp_path / "pst.db").exists() and not (tmp_path / "state").exists()


def test_a_config_check_accepts_is_not_refused_by_run_for_its_settings(tmp_path):
    settings = parse_config(
        {
            "matrix": {
                "homeserver": "https://matrix.example.org",
                "user_id": "@pst-bot:example.org",
                "password": "a real one",
                "pickle_key": "another real one",
            }
        }
    )
    assert refusals(settings) == []


# ---------------------------------------------------------------- run's log


def test_an_unreachable_homeserver_is_named_in_runs_log_with_the_cause(tmp_path):
    config = write(
        tmp_path,
        '[matrix]\nhomeserver = "http://127.0.0.1:9"\nuser_id = "@pst-bot:localhost"\n'
        f'store_path = "{tmp_path / "state"}"\n'
        f'[storage]\ndatabase = "{tmp_path / "pst.db"}"\nbackup_dir = ""\n',
    )
    env = without_pst_env() | {"PST_BOT_MATRIX_PASSWORD": "pw", "PST_BOT_PICKLE_KEY": "key"}
    log = tmp_path / "bot.log"
    with log.open("w") as out:
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    wanted = "Serveur Matrix injoignable : http://127.0.0.1:9 (Connection refused)"
    try:
        deadline = time.monotonic() + 60
        while wanted not in log.read_text(encoding="utf-8"):
            assert bot.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.1)
    finally:
        bot.send_signal(signal.SIGTERM)
        code = bot.wait(timeout=30)
    text = log.read_text(encoding="utf-8")
    assert code == 0, text
    assert "WARNING bot.matrix.login: " + wanted in text
    assert text.count(wanted) == 1  # once, then every minute: not at every retry
    assert "Traceback" not in text


def test_fonttools_never_speaks_on_the_console_or_in_the_log_even_with_v(tmp_path):
    database = tmp_path / "pst.db"
    assert pst_bot("import", str(EXAMPLE), "--db", str(database)).returncode == 0
    for verbose in ([], ["-v"]):
        out = tmp_path / f"pst{len(verbose)}.pdf"
        made = pst_bot(*verbose, "export", "--format", "pdf", "--db", str(database), "-o", str(out))
        assert made.returncode == 0, made.stderr
        assert out.read_bytes().startswith(b"%PDF")
        assert "fontTools" not in made.stderr and "fontTools" not in made.stdout


def test_a_shell_piped_into_head_exits_quietly():
    lines = "!aide tout\n" * 300  # far more than head reads and the pipe holds
    shown = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m bot.cli shell --as LM | head -n 2'],
        input=lines,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=without_pst_env(),
    )
    assert len(shown.stdout.splitlines()) == 2
    assert shown.stderr == ""  # no traceback, no "Exception ignored … BrokenPipeError"
    status = subprocess.run(
        [
            "bash",
            "-c",
            f'"{sys.executable}" -m bot.cli shell --as LM | head -n 1 >/dev/null; '
            'echo "${PIPESTATUS[0]}"',
        ],
        input=lines,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert status.stdout.strip() == "141" and status.stderr == ""


# ---------------------------------------------------------------- the repository


def test_gitignore_covers_the_bots_lock_file():
    patterns = [
        line.strip()
        for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith(("#", "!"))
    ]
    name = lock_path(ROOT / "pst.db").name
    assert any(fnmatch.fnmatch(name, pattern.lstrip("/")) for pattern in patterns), name


# ---------------------------------------------------------------- the README's commands


def registered(word: str) -> bool:
    command, _, _ = REGISTRY.split(word)
    return command is not None


#: Written in the README on purpose as what a pilot might mistype: proposed, not run.
NEAR_SPELLINGS = {"!mja"}


def test_every_command_the_readme_names_is_registered():
    named = set(re.findall(r"`(![^`\s]+(?: à jour)?)", PROSE))
    unknown = {word for word in named if not registered(word)} - NEAR_SPELLINGS
    assert not unknown, f"README names commands the bot does not know: {sorted(unknown)}"
    assert all(REGISTRY.find(word) is None for word in NEAR_SPELLINGS)


def test_every_registered_command_appears_in_the_readme_prose_or_reference():
    for command in REGISTRY.commands.values():
        assert f"`!{command.name}" in README, command.name


def test_the_readme_tables_say_who_may_run_each_command_as_the_rules_do():
    rows = re.findall(r"^\| `(![\w-]+)[^|]*\|", PROSE, flags=re.M)
    assert "!tableau" in rows and "!graphique" in rows
    for row in re.findall(r"^\| `![^\n]*", PROSE, flags=re.M):
        word = re.match(r"\| `(![\w-]+)", row)[1]
        command = REGISTRY.find(word)
        assert command is not None, word
        first_cell = row.split("|")[1]
        says_everyone = "(everyone)" in first_cell
        assert says_everyone == (command.who is EVERYONE), (
            f"README table: {word} {'says' if says_everyone else 'does not say'} "
            f"(everyone), its rule is « {command.who.words} »"
        )


# ---------------------------------------------------------------- the command line's help


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (choices,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(choices.choices)


def test_every_cli_argument_is_explained_in_french():
    parser = build_parser()
    for name, sub in {"pst-bot": parser, **subcommands(parser)}.items():
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"{name} {action.option_strings or action.dest}: no help"
        text = sub.format_help()
        for english in ("usage:", "show this help", "positional arguments", "optional arguments"):
            assert english not in text, f"{name} -h: « {english} »"
        assert text.startswith("utilisation : ")


def test_cli_help_names_every_import_format_and_the_default_export_format():
    parser = subcommands(build_parser())
    imported = parser["import"].format_help()
    for fmt in ("CSV", "XLSX", "ODS", "eComptes", ".md"):
        assert fmt in imported, fmt
    (fmt,) = [a for a in parser["export"]._actions if a.dest == "format"]
    assert f"{fmt.default} (défaut)" in fmt.help
    assert all(name in fmt.help for name in EXPORT_FORMATS)


def test_a_wrong_cli_argument_is_refused_in_french():
    wrong = pst_bot("export", "--format", "docx")
    assert wrong.returncode == 2
    assert "pst-bot export : erreur : argument --format : choix invalide : 'docx'" in wrong.stderr
    missing = pst_bot("backup")
    assert "arguments obligatoires manquants : -o/--output" in missing.stderr


@pytest.mark.parametrize("args", [["-h"], ["export", "-h"], ["shell", "--help"]])
def test_help_is_printed_in_french(args):
    shown = pst_bot(*args)
    assert shown.returncode == 0
    assert shown.stdout.startswith("utilisation : pst-bot")
    assert "afficher cette aide et quitter" in shown.stdout
