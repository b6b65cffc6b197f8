"""The core commands: !action, !update, !mine, !table, !aide, and their refusals."""

import csv
import io

import pytest

from commands.engine import Engine
from commands.registry import Command, Registry
from commands.types import Message
from storage import history
from storage.actions import get_action
from tests.conftest import ADMIN, LUC, NOW, REGISTRY, STRANGER, SYLVIE, snapshot


def test_action_shows_objectives_pilots_deadline_and_status(say):
    reply = say(SYLVIE, "!action 29")
    assert reply.text.startswith("Action 29 — Mise en place du plan « 0 contention »")
    assert "OS 2 › OO 2.2" in reply.text
    assert "Indicateurs : Nombre de contentions" in reply.text
    assert "Pilotes : LW, DC" in reply.text
    assert "Échéance : 2020-2024 (fin : 31/12/2024)" in reply.text
    assert "Statut : à démarrer" in reply.text
    assert "<b>Action 29 — " in reply.html


def test_action_is_late_when_deadline_past_and_not_done(say):
    assert "en retard" in say(SYLVIE, "!action 29").text
    say(ADMIN, "!maj 29 fait")
    assert "en retard" not in say(SYLVIE, "!action 29").text


def test_action_alias_a_and_case_insensitive_command(say):
    assert say(SYLVIE, "!A 29").text == say(SYLVIE, "!action 29").text


def test_action_lists_the_last_three_updates_newest_first(say):
    for step in ("en cours 10% étude", "en cours 20%", "en cours 30%", "en cours 40% presque"):
        say(ADMIN, f"!maj 29 {step}")
    text = say(SYLVIE, "!action 29").text
    history = text.split("Dernières mises à jour :")[1]
    assert history.count("•") == 3
    assert history.index("40 %") < history.index("30 %") < history.index("20 %")
    assert "10 %" not in history


def test_update_by_pilot_states_old_and_new_status_and_posts_to_codir(say, db):
    reply = say(SYLVIE, "!update 23 fait")
    assert reply.text == "Action 23 : à démarrer → fait, 100 %."
    assert len(reply.posts) == 1
    post = reply.posts[0]
    assert post.room == "codir"
    assert "SV" in post.text and "action 23" in post.text and "à démarrer → fait" in post.text
    assert get_action(db, 23).status == "fait"


def test_update_with_progress_and_comment(say, db):
    reply = say(SYLVIE, "!maj 32 en cours 40% plan validé en CODIR")
    assert reply.text == "Action 32 : à démarrer → en cours, 40 % — « plan validé en CODIR »."
    action = get_action(db, 32)
    assert (action.status, action.progress) == ("en cours", 40)
    assert action.last_comment == "plan validé en CODIR"
    assert "plan validé en CODIR" in reply.posts[0].text


@pytest.mark.parametrize("word", ["fait", "Fait", "réalisé", "realise", "TERMINÉ", "done"])
def test_update_accepts_status_synonyms_regardless_of_accents_and_case(say, db, word):
    say(SYLVIE, f"!maj 23 {word}")
    assert get_action(db, 23).status == "fait"


def test_update_with_bare_percentage_means_in_progress(say, db):
    assert say(SYLVIE, "!maj 24 60%").text == "Action 24 : à démarrer → en cours, 60 %."


def test_update_history_keeps_who_when_old_new_and_source(db, engine):
    engine.handle(Message(sender=SYLVIE, text="!maj 23 en cours 50% go", event_id="$e1"))
    [entry] = history.entries(db, 23)
    assert entry["who"] == SYLVIE
    assert entry["at"] == NOW.isoformat()
    assert (entry["old_status"], entry["new_status"]) == ("à démarrer", "en cours")
    assert (entry["old_progress"], entry["new_progress"]) == (None, 50)
    assert entry["comment"] == "go" and entry["source_id"] == "$e1"


def test_current_status_is_always_the_last_status_of_the_history(say, db):
    for text in ("!maj 23 en cours", "!maj 23 suspendu", "!maj 23 en cours 80%", "!maj 23 fait"):
        say(SYLVIE, text)
    last = history.entries(db, 23)[-1]
    action = get_action(db, 23)
    assert (action.status, action.progress) == (last["new_status"], last["new_progress"])


def test_update_refused_for_non_pilot_names_the_pilots(say, db):
    before = snapshot(db)
    reply = say(STRANGER, "!maj 47 fait")
    assert reply.refused
    assert "pas pilote de l'action 47" in reply.text and "DB, GR" in reply.text
    assert reply.posts == []
    assert snapshot(db) == before


def test_update_allowed_for_admin_on_any_action(say, db):
    assert not say(ADMIN, "!maj 47 fait").refused
    assert get_action(db, 47).status == "fait"


def test_update_allowed_for_member_of_a_pilot_group(say, db):
    assert not say(LUC, "!maj 64 en cours").refused  # action 64: "chefs de service"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!maj", "Il manque le numéro"),
        ("!maj 23", "Il manque le statut"),
        ("!maj 23 peut-être", "« peut » : quel statut ?"),
        ("!maj 23 en cours 150%", "de 0 à 100"),
        ("!maj 23 -5%", "de 0 à 100"),
        ("!maj 999 fait", "L'action 999 n'existe pas : les actions vont de 1 à 127."),
        ("!maj abc fait", "« abc » n'est pas un numéro d'action"),
        ("!maj 99999999999999999999999 fait", "n'est pas un numéro d'action"),
    ],
)
def test_update_refusals_are_clear_and_write_nothing(say, db, text, expected):
    before = snapshot(db)
    reply = say(SYLVIE, text)
    assert reply.refused
    assert expected in reply.text
    assert snapshot(db) == before


def test_unknown_status_lists_the_valid_ones(say):
    text = say(SYLVIE, "!maj 23 bof").text
    for status in ("à démarrer", "en cours", "fait", "suspendu", "abandonné"):
        assert status in text


def test_update_that_changes_nothing_is_refused_without_writing(say, db):
    say(SYLVIE, "!maj 23 fait")
    before = snapshot(db)
    reply = say(SYLVIE, "!maj 23 fait")
    assert reply.refused and "déjà « fait »" in reply.text
    assert snapshot(db) == before


def test_unknown_command_suggests_the_closest(say, db):
    before = snapshot(db)
    reply = say(SYLVIE, "!actoin 3")
    assert reply.refused
    assert "Commande inconnue « !actoin »" in reply.text and "!action" in reply.text
    assert snapshot(db) == before


def test_text_without_command_prefix_is_ignored(say):
    assert say(SYLVIE, "bonjour à tous") is None


def test_unknown_action_gives_the_valid_range(say):
    assert say(SYLVIE, "!action 0").text == "L'action 0 n'existe pas : les actions vont de 1 à 127."


def test_action_without_number_is_refused(say):
    assert "Il manque le numéro" in say(SYLVIE, "!action").text


def test_mine_groups_by_status_with_overdue_first(say):
    say(SYLVIE, "!maj 23 fait")
    say(SYLVIE, "!maj 36 en cours 20%")
    text = say(SYLVIE, "!mes-actions").text
    assert text.startswith("Actions de SV/chefs de service : ")
    assert text.index("En retard") < text.index("Fait (1)")
    assert "• 23 Etablissement du tronc commun" in text.split("Fait (1)")[1]
    late = text.split("Fait (1)")[0]
    assert "36 Création d'une convention" in late and "20 %" in late


def test_mine_for_someone_without_pilot_link_explains(say):
    reply = say(STRANGER, "!mine")
    assert reply.refused and "aucun pilote" in reply.text


@pytest.mark.parametrize("sender", [SYLVIE, STRANGER])
def test_table_is_for_admins_and_codir_only(say, sender):
    reply = say(sender, "!tableau")
    assert reply.refused and reply.attachments == []
    assert "administrateur, CODIR" in reply.text


def test_codir_member_gets_the_table(say):
    assert say("@codir:example.org", "!tableau").attachments


def test_table_sends_a_csv_with_every_action_and_a_summary(say):
    say(SYLVIE, "!maj 23 fait")
    reply = say(ADMIN, "!tableau")
    assert reply.text.startswith("Tableau consolidé : 127 actions")
    assert "1 fait" in reply.text and "126 à démarrer" in reply.text
    assert "OS 2 :" in reply.text
    [attachment] = reply.attachments
    assert attachment.filename.endswith(".csv") and attachment.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(attachment.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 128
    row23 = next(r for r in rows if r[4] == "23")
    assert "fait" in row23


def test_help_lists_every_declared_command(say):
    text = say(STRANGER, "!aide tout").text
    for cmd in REGISTRY.commands.values():
        assert f"!{cmd.name}" in text


def test_help_for_one_command_shows_usage_aliases_and_examples(say):
    text = say(STRANGER, "!help maj").text
    assert text.startswith("!maj N statut [NN%] [commentaire]")
    assert "!update" in text and "!maj 47 fait" in text


def test_help_for_unknown_command_suggests(say):
    reply = say(STRANGER, "!aide acton")
    assert reply.refused and "!action" in reply.text


def test_user_text_is_escaped_in_html_and_room_mentions_neutralised(say):
    reply = say(SYLVIE, "!maj 32 en cours <script>x</script> @room regardez")
    post = reply.posts[0]
    assert "<script>" not in post.html and "&lt;script&gt;" in post.html
    assert "@room" not in post.text and "@room" not in post.html


def test_action_describes_every_kind_of_update_in_french(say):
    say(SYLVIE, "!indicateur 23 12 audits")
    say(SYLVIE, "!sante 23 risque")
    say(SYLVIE, "!annuler")
    text = say(SYLVIE, "!action 23").text.split("Dernières mises à jour :")[1]
    assert "indicateur : 12 audits" in text and "santé : risque" in text
    assert "indicator" not in text and "health" not in text and "undo" not in text


def test_a_crashing_command_answers_an_internal_error_and_writes_nothing(db, directory):
    def crash(ctx, args):
        history.record_update(ctx.db, 23, "x", new_status="fait")
        raise RuntimeError("bug")

    registry = Registry()
    registry.add(Command(name="boum", handler=crash))
    engine = Engine(db, directory, registry, clock=lambda: NOW)
    without = ("handled_events", "people_seen")
    before = snapshot(db, without=without)
    reply = engine.handle(Message(sender=ADMIN, text="!boum", event_id="$crash"))
    assert reply.refused and "Erreur interne" in reply.text and "rien n'a été modifié" in reply.text
    assert snapshot(db, without=without) == before
    engine.delivered("$crash")
    assert engine.handle(Message(sender=ADMIN, text="!boum", event_id="$crash")) is None
