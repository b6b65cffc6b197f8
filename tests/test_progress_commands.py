"""Richer updates: !note, !indicateur, !sante, !echeance, !annuler, and their refusals."""

from datetime import date

import pytest

from commands.engine import Engine
from commands.types import Message
from storage import history
from storage.actions import Action, get_action
from tests.conftest import ADMIN, LUC, REGISTRY, STRANGER, SYLVIE, MovingClock, snapshot


@pytest.fixture
def clock():
    return MovingClock()


@pytest.fixture
def say(db, directory, clock):
    """Like conftest's `say`, with a clock that moves, and event ids when given."""
    engine = Engine(db, directory, REGISTRY, clock=clock)

    def send(sender: str, text: str, event_id: str | None = None):
        clock.wait(0.5)
        return engine.handle(Message(sender=sender, text=text, event_id=event_id))

    return send


def action(db, number: int) -> Action:
    return get_action(db, number)


# ---------------------------------------------------------------- !note


def test_note_adds_a_comment_without_changing_status(say, db):
    say(SYLVIE, "!maj 23 en cours 20%")
    reply = say(SYLVIE, "!note 23 réunion avec le SPW le 5 juin")
    assert reply.text == "Note ajoutée à l'action 23."
    after = action(db, 23)
    assert (after.status, after.progress) == ("en cours", 20)
    assert after.last_comment == "réunion avec le SPW le 5 juin"
    entry = history.entries(db, 23)[-1]
    assert (entry["kind"], entry["who"], entry["comment"]) == (
        "note",
        SYLVIE,
        after.last_comment,
    )


def test_note_over_several_lines_is_kept_on_one_line(say, db):
    say(SYLVIE, "!note 23 première ligne\n   deuxième ligne")
    assert action(db, 23).last_comment == "première ligne deuxième ligne"


@pytest.mark.parametrize(
    ("sender", "text", "expected"),
    [
        (SYLVIE, "!note", "Il manque le numéro"),
        (SYLVIE, "!note 23", "Il manque le texte de la note"),
        (SYLVIE, "!note 23 " + "x" * 1001, "Note trop long (1001 caractères, maximum 1000)"),
        (SYLVIE, "!note 999 x", "L'action 999 n'existe pas"),
        (LUC, "!note 23 x", "Vous n'êtes pas pilote de l'action 23"),
        (STRANGER, "!commentaire 23 x", "Vous n'êtes pas pilote de l'action 23"),
    ],
)
def test_note_refusals_write_nothing(say, db, sender, text, expected):
    before = snapshot(db)
    reply = say(sender, text)
    assert reply.refused and expected in reply.text
    assert snapshot(db) == before


# ---------------------------------------------------------------- !indicateur


def test_indicator_records_the_reached_value(say, db):
    reply = say(SYLVIE, "!indicateur 36 2 conventions signées")
    assert reply.text.startswith("Action 36 : ") and "→ 2 conventions signées." in reply.text
    assert action(db, 36).indicator_value == "2 conventions signées"
    entry = history.entries(db, 36)[-1]
    assert (entry["kind"], entry["value"]) == ("indicator", "2 conventions signées")
    assert "Valeur atteinte : 2 conventions signées" in say(STRANGER, "!action 36").text


@pytest.mark.parametrize(
    ("sender", "text", "expected"),
    [
        (SYLVIE, "!indicateur 23", "Il manque la valeur atteinte"),
        (SYLVIE, "!indicator 23 " + "9" * 201, "Valeur trop long"),
        (LUC, "!indicateur 23 4", "Vous n'êtes pas pilote de l'action 23"),
        (SYLVIE, "!indicateur x 4", "« x » n'est pas un numéro d'action"),
    ],
)
def test_indicator_refusals_write_nothing(say, db, sender, text, expected):
    before = snapshot(db)
    reply = say(sender, text)
    assert reply.refused and expected in reply.text
    assert snapshot(db) == before


def test_same_indicator_value_is_refused(say, db):
    say(SYLVIE, "!indicateur 23 Fait")
    before = snapshot(db)
    reply = say(SYLVIE, "!indicateur 23 fait")
    assert reply.refused and "vaut déjà « fait »" in reply.text
    assert snapshot(db) == before


# ---------------------------------------------------------------- !sante


def test_health_at_risk_is_recorded_and_signalled_to_codir(say, db):
    reply = say(SYLVIE, "!sante 23 risque marché en retard")
    assert reply.text == "Action 23 : santé à risque."
    assert action(db, 23).health == "risque"
    assert action(db, 23).last_comment == "marché en retard"
    [post] = reply.posts
    assert post.room == "codir" and "santé à risque — marché en retard" in post.text


@pytest.mark.parametrize(("word", "health"), [("BLOQUÉ", "bloque"), ("blocage", "bloque")])
def test_health_words_forgive_accents_and_case(say, db, word, health):
    say(SYLVIE, f"!health 23 {word}")
    assert action(db, 23).health == health


def test_good_health_is_not_signalled_to_codir(say):
    assert say(SYLVIE, "!sante 23 bon").posts == []


@pytest.mark.parametrize(
    ("sender", "text", "expected"),
    [
        (SYLVIE, "!sante 23", "Il manque la santé : bon, risque ou bloque"),
        (SYLVIE, "!sante 23 moyen", "Santé « moyen » inconnue : écrivez bon, risque ou bloque."),
        (LUC, "!sante 23 bon", "Vous n'êtes pas pilote de l'action 23"),
        (STRANGER, "!sante 23 bon", "Vous n'êtes pas pilote de l'action 23"),
    ],
)
def test_health_refusals_write_nothing(say, db, sender, text, expected):
    before = snapshot(db)
    reply = say(sender, text)
    assert reply.refused and expected in reply.text
    assert snapshot(db) == before


def test_same_health_without_comment_is_refused(say, db):
    say(SYLVIE, "!sante 23 risque")
    before = snapshot(db)
    assert "déjà « risque »" in say(SYLVIE, "!sante 23 risque").text
    assert snapshot(db) == before
    assert not say(SYLVIE, "!sante 23 risque toujours pas de budget").refused


# ---------------------------------------------------------------- !echeance


def test_deadline_change_keeps_the_old_one_in_history(say, db):
    reply = say(ADMIN, "!echeance 23 2026-06")
    assert reply.text == "Action 23 : échéance 2020 → 2026-06 (fin : 30/06/2026)."
    after = action(db, 23)
    assert (after.deadline, after.end) == ("2026-06", date(2026, 6, 30))
    entry = history.entries(db, 23)[-1]
    assert (entry["kind"], entry["value"], entry["old_value"]) == ("deadline", "2026-06", "2020")
    assert "en retard" not in say(STRANGER, "!action 23").text
    assert reply.posts[0].room == "codir"


@pytest.mark.parametrize("word", ["continu", "permanent", "Continue"])
def test_an_ongoing_deadline_has_no_end_and_is_never_late(say, db, word):
    reply = say(ADMIN, f"!echeance 23 {word} action récurrente")

    assert reply.text == f"Action 23 : échéance 2020 → {word} (sans fin : jamais en retard)."
    after = action(db, 23)
    assert (after.deadline, after.end) == (word, None)
    assert history.entries(db, 23)[-1]["comment"] == "action récurrente"
    assert not after.is_late(date(2030, 1, 1))


@pytest.mark.parametrize(
    ("text", "deadline", "reason"),
    [
        ("!echeance 23 juin 2026 marché relancé", "juin 2026", "marché relancé"),
        ("!deadline 23 31/12/2026", "31/12/2026", None),
        ("!echeance 23 2025 - 2027 phasage", "2025 - 2027", "phasage"),
        ("!echeance 23 2026-06 report de 2 mois", "2026-06", "report de 2 mois"),
    ],
)
def test_deadline_is_split_from_the_reason(say, db, text, deadline, reason):
    say(ADMIN, text)
    entry = history.entries(db, 23)[-1]
    assert (entry["value"], entry["comment"]) == (deadline, reason)


@pytest.mark.parametrize(
    ("sender", "text", "expected"),
    [
        (SYLVIE, "!echeance 23 2026-06", "réservée aux rôles : administrateur"),
        (ADMIN, "!echeance 23", "Il manque la nouvelle échéance"),
        (ADMIN, "!echeance 23 bientôt", "Échéance « bientôt » non reconnue"),
        (ADMIN, "!echeance 23 3000", "Échéance « 3000 » non reconnue"),
        (ADMIN, "!echeance 23 2020", "déjà « 2020 »"),
        (ADMIN, "!echeance 0 2026", "L'action 0 n'existe pas"),
    ],
)
def test_deadline_refusals_write_nothing(say, db, sender, text, expected):
    before = snapshot(db)
    reply = say(sender, text)
    assert reply.refused and expected in reply.text
    assert snapshot(db) == before


# ---------------------------------------------------------------- !annuler


def test_undo_restores_status_and_progress_as_a_new_history_entry(say, db):
    say(SYLVIE, "!maj 23 en cours 30%")
    say(SYLVIE, "!maj 23 fait")
    reply = say(SYLVIE, "!annuler")
    assert reply.text == "Annulé. Action 23 : fait, 100 % → en cours, 30 %."
    after = action(db, 23)
    assert (after.status, after.progress) == ("en cours", 30)
    entries = history.entries(db, 23)
    assert [e["kind"] for e in entries] == ["status", "status", "undo"]
    assert entries[-1]["value"] == str(entries[1]["id"])
    assert entries[-1]["comment"] == "annulation : fait, 100 % → en cours, 30 %"


def test_second_undo_goes_back_one_more_update_never_redoes(say, db):
    say(SYLVIE, "!maj 23 en cours 30%")
    say(SYLVIE, "!maj 23 fait")
    say(SYLVIE, "!undo")
    say(SYLVIE, "!annuler")
    after = action(db, 23)
    assert (after.status, after.progress) == ("à démarrer", None)
    before = snapshot(db)
    reply = say(SYLVIE, "!annuler")
    assert reply.refused and "Rien d'autre à annuler" in reply.text
    assert snapshot(db) == before


def test_undo_with_nothing_done_is_refused(say, db):
    before = snapshot(db)
    reply = say(SYLVIE, "!annuler")
    assert reply.refused and reply.text == "Rien à annuler : vous n'avez fait aucune mise à jour."
    assert snapshot(db) == before


def test_undo_after_fifteen_minutes_is_refused(say, db, clock):
    say(SYLVIE, "!maj 23 fait")
    clock.wait(15)
    before = snapshot(db)
    reply = say(SYLVIE, "!annuler")
    assert reply.refused and "date de plus de 15 minutes" in reply.text
    assert snapshot(db) == before


def test_undo_is_refused_when_someone_else_changed_the_action_since(say, db):
    say(SYLVIE, "!maj 23 en cours")
    say(ADMIN, "!maj 23 fait")
    before = snapshot(db)
    reply = say(SYLVIE, "!annuler")
    assert reply.refused
    assert "l'action 23 a été modifiée depuis par dg" in reply.text
    assert snapshot(db) == before


def test_undo_only_touches_the_senders_updates(say, db):
    say(SYLVIE, "!maj 23 en cours")
    say(ADMIN, "!maj 47 fait")
    say(ADMIN, "!annuler")
    assert action(db, 23).status == "en cours"
    assert action(db, 47).status == "à démarrer"


def test_undo_of_a_grouped_update_undoes_every_line(say, db):
    say(SYLVIE, "!maj 23 fait\n!maj 24 en cours 50%", event_id="$bulk")
    reply = say(SYLVIE, "!annuler", event_id="$undo")
    assert reply.text.startswith("Annulé (2 actions) :")
    assert action(db, 23).status == action(db, 24).status == "à démarrer"
    [post] = reply.posts
    assert len(post.text.splitlines()) == 2


def test_undo_refused_to_a_pilot_unlinked_since_and_nothing_changes(say, db):
    say(SYLVIE, "!maj 23 fait")
    say(ADMIN, f"!pilote SV retirer {SYLVIE}")
    before = snapshot(db)
    reply = say(SYLVIE, "!annuler")
    assert reply.refused and "n'êtes plus autorisé(e) à modifier l'action 23" in reply.text
    assert snapshot(db) == before


def test_undo_of_a_deadline_needs_the_admin_right_still(say, db, directory):
    say(ADMIN, "!echeance 23 2026-06")
    say(ADMIN, f"!role {ADMIN} codir")  # refused: the last admin cannot step down
    say("@other:example.org", "!moi")
    say(ADMIN, "!role @other:example.org admin")
    say("@other:example.org", f"!role {ADMIN} codir")
    reply = say(ADMIN, "!annuler")
    assert reply.refused and "l'action 23" in reply.text
    assert action(db, 23).deadline == "2026-06"


def test_undo_of_health_restores_the_previous_health(say, db):
    say(SYLVIE, "!sante 23 risque")
    say(SYLVIE, "!sante 23 bloque")
    assert say(SYLVIE, "!annuler").text == "Annulé. Action 23 : santé bloque → risque."
    assert action(db, 23).health == "risque"
    say(SYLVIE, "!annuler")
    assert action(db, 23).health is None


def test_undo_of_indicator_restores_the_previous_value(say, db):
    say(SYLVIE, "!indicateur 23 3")
    say(SYLVIE, "!indicateur 23 5")
    say(SYLVIE, "!annuler")
    assert action(db, 23).indicator_value == "3"


def test_undo_of_note_restores_the_previous_comment(say, db):
    say(SYLVIE, "!maj 23 en cours plan validé")
    say(SYLVIE, "!note 23 oups, mauvaise action")
    assert say(SYLVIE, "!annuler").text == (
        "Annulé. Action 23 : note « oups, mauvaise action » retirée."
    )
    assert action(db, 23).last_comment == "plan validé"


def test_undo_of_deadline_restores_the_old_deadline(say, db):
    say(ADMIN, "!echeance 23 2026-06")
    say(ADMIN, "!annuler")
    after = action(db, 23)
    assert (after.deadline, after.start, after.end) == (
        "2020",
        date(2020, 1, 1),
        date(2020, 12, 31),
    )


def test_undo_after_an_undone_change_by_someone_else_is_allowed(say, db):
    say(SYLVIE, "!maj 23 en cours")
    say(ADMIN, "!maj 23 fait")
    say(ADMIN, "!annuler")
    assert not say(SYLVIE, "!annuler").refused
    assert action(db, 23).status == "à démarrer"


def test_undo_never_deletes_history(say, db):
    say(SYLVIE, "!maj 23 fait")
    first = history.entries(db, 23)
    say(SYLVIE, "!annuler")
    assert history.entries(db, 23)[: len(first)] == first
