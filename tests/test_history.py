"""!historique: every change of an action, or of a person, newest first; the history is
append-only. (Its pages: tests/test_phone_replies.py.)"""

from datetime import timedelta

import pytest

from commands.engine import Engine
from commands.types import Message
from storage import history
from tests.conftest import ADMIN, LUC, NOW, REGISTRY, STRANGER, SYLVIE, snapshot


def test_history_lists_every_change_with_who_when_what_newest_first(say):
    say(SYLVIE, "!maj 23 en cours 20% étude lancée")
    say(SYLVIE, "!note 23 réunion le 5/06")
    say(SYLVIE, "!sante 23 risque")
    say(SYLVIE, "!indicateur 23 fait")
    say(ADMIN, "!echeance 23 2026")
    text = say(STRANGER, "!historique 23").text
    lines = text.splitlines()
    assert lines[0].startswith("Historique de l'action 23 — Etablissement du tronc commun")
    assert lines[1:] == [
        "• 14/03/2025 10:30 dg : échéance : 2026",
        "• 14/03/2025 10:30 SV : indicateur : fait",
        "• 14/03/2025 10:30 SV : santé : risque",
        "• 14/03/2025 10:30 SV : note — réunion le 5/06",
        "• 14/03/2025 10:30 SV : à démarrer → en cours, 20 % — étude lancée",
    ]


def test_history_shows_an_undo_in_french(say):
    say(SYLVIE, "!maj 23 fait")
    say(SYLVIE, "!annuler")
    newest = say(STRANGER, "!history 23").text.splitlines()[1]
    assert newest == "• 14/03/2025 10:30 SV : annulation : fait, 100 % → à démarrer"


def test_history_still_shows_an_undone_line_marked_as_undone(say):
    say(SYLVIE, "!maj 23 en cours 20%")
    say(SYLVIE, "!maj 23 fait")
    say(SYLVIE, "!annuler")
    lines = say(STRANGER, "!historique 23").text.splitlines()[1:]
    mine = say(SYLVIE, "!historique moi").text.splitlines()[1:]

    assert lines == [
        "• 14/03/2025 10:30 SV : annulation : fait, 100 % → en cours, 20 %",
        "• 14/03/2025 10:30 SV : en cours → fait, 100 % (annulé)",
        "• 14/03/2025 10:30 SV : à démarrer → en cours, 20 %",
    ]
    assert [line.endswith("(annulé)") for line in mine] == [False, True, False]


def test_history_of_an_untouched_action_says_so(say):
    reply = say(STRANGER, "!historique 23")
    assert not reply.refused
    assert reply.text == "Aucune modification enregistrée pour l'action 23."


def test_long_history_shows_the_latest_first_and_how_to_see_older_ones(say):
    for percent in range(1, 61):
        say(SYLVIE, f"!maj 23 en cours {percent}% étude en cours")
    lines = say(STRANGER, "!historique 23").text.splitlines()
    assert lines[1].endswith("SV : 60 % — étude en cours")
    assert lines[-1].startswith("… et ") and lines[-1].endswith(" : !historique 23 page 2")


@pytest.mark.parametrize(
    ("sender", "text", "expected"),
    [
        (STRANGER, "!historique", "Il manque le numéro"),
        (STRANGER, "!historique 999", "L'action 999 n'existe pas"),
        (STRANGER, "!historique douze", "« douze » n'est pas un numéro d'action"),
        (SYLVIE, f"!historique {LUC}", "Seuls les administrateurs voient l'historique"),
        (ADMIN, "!historique @", "n'est pas un identifiant de chat"),
    ],
)
def test_history_refusals_write_nothing(say, db, sender, text, expected):
    say(LUC, "!maj 52 en cours")
    before = snapshot(db)
    reply = say(sender, text)
    assert reply.refused and expected in reply.text
    assert snapshot(db) == before


def test_refusal_for_another_persons_history_says_who_can_and_offers_ones_own(say):
    text = say(SYLVIE, f"!historique {LUC}").text
    assert ADMIN in text and "Le vôtre : !historique moi" in text


def test_admin_sees_a_persons_changes_newest_first(say):
    say(LUC, "!maj 52 en cours")
    say(LUC, "!note 53 devis reçu")
    say(SYLVIE, "!maj 23 fait")
    text = say(ADMIN, f"!historique {LUC}").text
    lines = text.splitlines()
    assert lines[0] == "Modifications de LM : 2"
    assert lines[1].startswith("• 53 — ") and "devis reçu" in lines[1]
    assert lines[2].startswith("• 52 — ") and "à démarrer → en cours" in lines[2]


def test_a_person_sees_their_own_changes(say):
    say(LUC, "!maj 52 en cours")
    assert say(LUC, f"!historique {LUC}").text.startswith("Modifications de LM : 1")


def test_a_person_without_changes(say):
    reply = say(ADMIN, "!historique @nobody:example.org")
    assert reply.text == "Aucune modification enregistrée par nobody."


def test_history_is_append_only(db, directory):
    """Whatever commands run, earlier history rows stay exactly as they were."""
    clock = iter(NOW + timedelta(minutes=i) for i in range(100))
    engine = Engine(db, directory, REGISTRY, clock=lambda: next(clock))
    commands = [
        (SYLVIE, "!maj 23 en cours 10%"),
        (SYLVIE, "!maj 23 fait"),
        (SYLVIE, "!annuler"),
        (SYLVIE, "!sante 23 risque"),
        (ADMIN, "!echeance 23 2026"),
        (ADMIN, "!annuler"),
        (SYLVIE, "!maj 23 à démarrer\n!maj 24 fait"),
        (SYLVIE, "!annuler"),
        (SYLVIE, "!annuler"),
    ]
    seen: list[dict] = []
    for sender, text in commands:
        engine.handle(Message(sender=sender, text=text))
        rows = list(db.query("select * from updates order by id"))
        assert rows[: len(seen)] == seen
        assert len(rows) >= len(seen)
        seen = rows
    assert [r["kind"] for r in history.entries(db, 23)].count("undo") == 3
