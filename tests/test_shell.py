"""The console transport and the command line, run as a newcomer would."""

import subprocess
import sys
from pathlib import Path

from storage import plans
from storage.actions import get_action
from storage.db import open_db

ROOT = Path(__file__).resolve().parent.parent


def pst_bot(*args: str, stdin: str = "", cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=60,
    )


def test_piped_shell_marks_action_52_done_as_pilot_lm():
    result = pst_bot("shell", "--as", "LM", stdin="!update 52 fait\n!action 52\n")
    assert result.returncode == 0, result.stderr
    assert "Action 52 : à démarrer → fait, 100 %." in result.stdout
    assert "Statut : fait" in result.stdout
    assert "salon CODIR" in result.stdout


def test_shell_refuses_update_of_someone_elses_action():
    result = pst_bot("shell", "--as", "LM", stdin="!maj 23 fait\n!action 23\n")
    assert "Vous n'êtes pas pilote de l'action 23 (pilotes : SV)" in result.stdout
    assert "Statut : à démarrer" in result.stdout


def test_shell_admin_flag_gives_the_dg_rights():
    result = pst_bot("shell", "--as", "DG", "--admin", stdin="!maj 23 fait\n")
    assert "Action 23 : à démarrer → fait, 100 %." in result.stdout


def test_shell_saves_the_table_attachment_in_the_out_dir(tmp_path):
    result = pst_bot("shell", "--admin", "--out", str(tmp_path), stdin="!tableau\n")
    assert "fichier enregistré" in result.stdout
    [saved] = tmp_path.glob("pst-tableau-*.csv")
    assert saved.read_bytes().decode("utf-8-sig").count("\n") == 128


def test_shell_with_config_acts_as_the_linked_person(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[access]\nadmins = []\n[pilots]\nSV = "@sylvie:example.org"\n')
    result = pst_bot("shell", "--config", str(config), "--as", "SV", stdin="!maj 23 fait\n")
    assert "Action 23 : à démarrer → fait" in result.stdout
    assert "SV a mis à jour l'action 23" in result.stdout


def test_shell_on_a_database_keeps_changes_between_runs(tmp_path):
    db_path = tmp_path / "pst.db"
    pst_bot("shell", "--db", str(db_path), "--as", "LM", stdin="!maj 52 en cours 40%\n")
    result = pst_bot("shell", "--db", str(db_path), "--as", "LM", stdin="!action 52\n")
    assert "Statut : en cours — 40 %" in result.stdout
    assert get_action(open_db(db_path), 52).progress == 40


def test_the_shell_is_a_direct_chat_where_the_bang_is_optional():
    result = pst_bot("shell", "--as", "LM", stdin="bonjour\n52 fait\nmes actions\n")
    answers = result.stdout.split("\n\n")
    assert answers[0].endswith(
        "Bonjour ! Écrivez par exemple « mes actions », « 47 fait », "
        "« 47 en cours 40 % » ou « aide »."
    )
    assert answers[1].startswith("Action 52 : à démarrer → fait, 100 %")
    assert answers[2].startswith("Actions de LM :")


def test_import_command_reports_counts_and_reimport_is_idempotent(tmp_path):
    db_path = tmp_path / "pst.db"
    example = ROOT / "storage" / "data" / "pst-cpas-frameries-2019-2024.md"
    first = pst_bot("import", str(example), "--db", str(db_path))
    assert first.returncode == 0, first.stderr
    assert "6 OS, 25 OO, 127 actions importés (127 nouvelles" in first.stdout
    second = pst_bot("import", str(example), "--db", str(db_path))
    assert "(0 nouvelles, 0 modifiées, 0 statuts" in second.stdout


def test_import_of_malformed_file_names_the_line_and_changes_nothing(tmp_path):
    db_path = tmp_path / "pst.db"
    bad = tmp_path / "bad.csv"
    bad.write_text("os,oo,action,title,indicators,pilots,deadline\n1,1.1,douze,A,,LM,2020\n")
    result = pst_bot("import", str(bad), "--db", str(db_path))
    assert result.returncode == 2
    assert "Ligne 2" in result.stderr and "rien n'a été modifié" in result.stderr
    assert plans.all_plans(open_db(db_path)) == []


def test_import_of_missing_file_is_a_clear_error(tmp_path):
    result = pst_bot("import", str(tmp_path / "absent.csv"), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2 and "Impossible de lire" in result.stderr
