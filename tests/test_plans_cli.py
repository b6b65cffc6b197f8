"""The command line with several plans: --plan on import, export, evaluation and shell;
`pst-bot plans` lists, closes and reopens; --dry-run previews."""

import subprocess
import sys
from pathlib import Path

from storage import plans
from storage.db import open_db

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "storage" / "data" / "pst-cpas-frameries-2019-2024.md"
COMMUNE = "os,oo,action,title,indicators,pilots,deadline\n1,1.1,1.1.1,Voirie,,SV,2026\n"


def pst_bot(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=ROOT,
    )


def two_plans(tmp_path) -> Path:
    db = tmp_path / "pst.db"
    assert pst_bot("import", str(EXAMPLE), "--db", str(db), "--plan", "cpas").returncode == 0
    commune = tmp_path / "commune.csv"
    commune.write_text(COMMUNE, encoding="utf-8")
    result = pst_bot("import", str(commune), "--db", str(db), "--plan", "commune")
    assert result.returncode == 0, result.stderr
    return db


def test_import_into_an_empty_database_without_plan_keeps_working(tmp_path):
    result = pst_bot("import", str(EXAMPLE), "--db", str(tmp_path / "pst.db"))
    assert result.returncode == 0 and result.stdout.startswith("PST « pst » :")


def test_plans_lists_each_plan_with_its_counts(tmp_path):
    db = two_plans(tmp_path)
    out = pst_bot("plans", "--db", str(db)).stdout.splitlines()
    assert out == [
        "commune — PST commune : 1 OS, 1 OO, 1 actions",
        "cpas — PST cpas : 6 OS, 25 OO, 127 actions",
    ]


def test_export_needs_plan_when_the_database_has_several(tmp_path):
    db = two_plans(tmp_path)
    refused = pst_bot("export", "--db", str(db), "-o", str(tmp_path / "x.csv"))
    assert refused.returncode != 0 and "plusieurs PST (commune, cpas)" in refused.stderr
    done = pst_bot("export", "--db", str(db), "--plan", "commune", "-o", str(tmp_path / "c.csv"))
    assert done.returncode == 0
    assert "1.1.1" in (tmp_path / "c.csv").read_text(encoding="utf-8-sig")


def test_shell_works_on_the_plan_it_is_given(tmp_path):
    db = two_plans(tmp_path)
    result = pst_bot("shell", "--db", str(db), "--plan", "commune", stdin="!action 1.1.1\n")
    assert "Action 1.1.1 — Voirie" in result.stdout


def test_a_closed_plan_refuses_updates_until_reopened(tmp_path):
    db = two_plans(tmp_path)
    closing = pst_bot("plans", "--db", str(db), "--close", "commune")
    assert "PST « commune » : clôturé (lecture seule)." in closing.stdout
    assert "commune — PST commune : 1 OS, 1 OO, 1 actions (clôturé)" in closing.stdout
    shell = ["shell", "--db", str(db), "--plan", "commune", "--admin"]
    assert "clôturé" in pst_bot(*shell, stdin="!maj 1.1.1 fait\n").stdout
    pst_bot("plans", "--db", str(db), "--reopen", "commune")
    assert "Action 1.1.1 : à démarrer → fait" in pst_bot(*shell, stdin="!maj 1.1.1 fait\n").stdout


def test_dry_run_previews_and_writes_nothing(tmp_path):
    db = two_plans(tmp_path)
    bigger = tmp_path / "commune2.csv"
    bigger.write_text(COMMUNE + "1,1.1,1.1.2,Éclairage,,SV,2027\n", encoding="utf-8")
    result = pst_bot("import", str(bigger), "--db", str(db), "--plan", "commune", "--dry-run")
    assert result.returncode == 0 and "1 nouvelles" in result.stdout
    assert "rien n'a été enregistré" in result.stdout
    commune = plans.plan_by_code(open_db(db), "commune")
    assert plans.counts(open_db(db), commune.id)["actions"] == 1


def test_a_wrong_plan_import_is_refused_with_its_reason(tmp_path):
    db = two_plans(tmp_path)
    other = tmp_path / "autre.csv"
    rows = "".join(f"1,1.1,{n},Autre chose {n},,LM,2026\n" for n in range(1, 10))
    other.write_text("os,oo,action,title,indicators,pilots,deadline\n" + rows, encoding="utf-8")
    refused = pst_bot("import", str(other), "--db", str(db), "--plan", "cpas")
    assert refused.returncode == 2 and "--plan NOUVEAU-CODE" in refused.stderr
