"""A scripted quarter in the console, as a DG rehearses it: `pst-bot shell --now` and the
console's own lines (`:as`, `:date`, `:quitte`) drive a plan through requests validated and
refused, a campaign with its rate and its one reminder, a legal notice and a pilot leaving.
Everything goes through the real command line and the scheduler's real rules."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CONFIG = """
[access]
admins = ["@dg:example.org"]
[pilots]
LM = ["@luc:example.org"]
MAC = ["@marie:example.org"]
DG = ["@dg:example.org"]
[rhythm]
digest = ""
[organisation]
installation = "2024-06-10"
"""

SCRIPT = """
:as LM
!demande 125 échéance 2027-06-30 raison marché relancé
!demande 127 échéance 2029-12-31 raison travaux
:as DG
!valider 1
!refuser 2 budget non disponible
:date 2027-02-22 10:05
!campagne 2027-03-01 2027-03-15 OS 6
:date 2027-03-01 09:30
:as MAC
119 en cours 30 %
126 ras
:as DG
!campagne
:date 2027-03-11 09:30
:date 2027-03-11 09:45
:date 2027-03-12 09:30
:date 2027-03-12 09:45
:quitte LM
:date 2027-03-16 09:30
!campagne
!action 125
!action 127
"""


def blocks(stdout: str) -> list[str]:
    """The console's output, one block per reply or sent message (blank-line separated)."""
    return [block.strip() for block in stdout.split("\n\n") if block.strip()]


def sent_to(out: list[str], who: str, start: str) -> list[str]:
    return [b for b in out if b.startswith(f"→ {who} :\n{start}")]


@pytest.fixture(scope="module")
def quarter(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("quarter")
    config = folder / "config.toml"
    config.write_text(CONFIG, "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "shell", "--config", str(config)]
        + ["--db", str(folder / "pst.db"), "--now", "2027-02-22 10:00"],
        input=SCRIPT,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return blocks(result.stdout)


def test_a_pilots_requests_change_nothing_until_the_dg_decides(quarter):
    [asked] = [b for b in quarter if b.startswith("Demande n° 1 envoyée au DG")]
    assert "Rien ne change avant sa décision" in asked
    assert "📨 Demande n° 1 de LM : report de l'action 125 au 2027-06-30" in asked


def test_a_validated_request_moves_the_deadline_and_the_pilot_is_told(quarter):
    [validated] = [b for b in quarter if b.startswith("Demande n° 1 validée")]
    assert "→ 2027-06-30" in validated and "salon CODIR" in validated
    assert sent_to(quarter, "LM", "✅ Votre demande n° 1 est validée")
    [action] = [b for b in quarter if b.startswith("Action 125")]
    assert "2027-06-30" in action


def test_a_refused_request_changes_nothing_and_the_pilot_is_told_why(quarter):
    [told] = sent_to(quarter, "LM", "❌ Votre demande n° 2")
    assert "budget non disponible" in told
    [action] = [b for b in quarter if b.startswith("Action 127")]
    assert "2029-12-31" not in action


def test_the_campaign_asks_each_pilot_of_its_scope_once(quarter):
    assert len(sent_to(quarter, "LM", "Campagne de suivi")) == 1
    assert len(sent_to(quarter, "MAC", "Campagne de suivi")) == 1


def test_the_campaign_rate_counts_the_pilot_who_answered(quarter):
    rates = [b for b in quarter if b.startswith("Campagne n° 1 (01/03 → 15/03/2027, OS 6)")]
    assert len(rates) == 2
    assert re.search(r": 1/\d+ pilotes, 2/\d+ actions", rates[0]), rates[0]
    assert "MAC" not in rates[0].split("Sans réponse :")[1]
    assert "LM (2)" in rates[0]


def test_one_campaign_reminder_goes_to_the_missing_pilot_and_none_to_who_answered(quarter):
    assert len(sent_to(quarter, "LM", "Rappel : 2 de vos actions")) == 1
    assert not sent_to(quarter, "MAC", "Rappel :")


def test_the_closed_campaign_keeps_its_situation(quarter):
    assert "Close : la situation est gardée (pst-bot evaluation --campagne 1)" in quarter[-3]


def test_a_legal_notice_goes_once_to_the_codir_room_and_once_to_the_dg(quarter):
    codir = [b for b in quarter if b.startswith("→ salon CODIR (calendrier légal) :")]
    dg = [b for b in quarter if b.startswith("→ DG (calendrier légal) :")]
    assert len(codir) == 1 and len(dg) == 1
    assert "l'évaluation à mi-législature" in codir[0] and "dans 90 jours" in codir[0]


def test_a_pilot_who_leaves_is_reported_once_to_the_dg_with_the_lines_to_reassign(quarter):
    [left] = sent_to(quarter, "DG", "👋 LM a quitté tous les salons du bot")
    assert "!pilote LM" in left and "• 1 Acquisition" in left and "… et 14 autres" in left
    after = quarter[quarter.index(left) :]
    assert not sent_to(after, "LM", "Bonjour LM")  # their reminders stopped


def test_a_console_line_it_does_not_know_is_explained_and_changes_nothing(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "shell", "--db", str(tmp_path / "pst.db")],
        input=":date demain\n:what\n:date 2027-02-30 10:00\n!action 52\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "moment « demain » illisible (AAAA-MM-JJ HH:MM, heure locale)" in lines
    assert "moment « 2027-02-30 10:00 » illisible (AAAA-MM-JJ HH:MM, heure locale)" in lines
    assert any(line.startswith("« :what » : la console connaît « :as QUI »") for line in lines)
    assert "Statut : à démarrer — ⚠ en retard" in lines
