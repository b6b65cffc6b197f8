"""What pilots mean beyond the command words: `annuler 59`, a correction, a question about one
action, their own late actions, a deadline request, English or Dutch, a mistyped command."""


import pytest

from commands.conversation import understand
from commands.engine import Engine
from commands.errors import Proposal
from commands.types import Args, Context, Message
from commands.undo import correct
from storage import history, requests
from storage.actions import get_action
from storage.plans import choose_plan
from tests.conftest import LUC, REGISTRY, SYLVIE, MovingClock, snapshot


@pytest.fixture
def clock():
    return MovingClock()


@pytest.fixture
def say(db, directory, clock):
    """A direct chat (the "!" is optional), with a clock that moves half a minute a message."""
    engine = Engine(db, directory, REGISTRY, clock=clock)

    def send(sender: str, text: str, event_id: str | None = None):
        clock.wait(0.5)
        return engine.handle(Message(sender=sender, text=text, event_id=event_id, direct=True))

    return send


def state(db, number: int) -> tuple:
    action = get_action(db, number)
    return action.status, action.progress


# ---------------------------------------------------------------- annuler N


@pytest.mark.parametrize("text", ["annuler 59", "!annuler 59"])
def test_undo_of_one_action_undoes_only_that_actions_last_update(say, db, text):
    say(LUC, "!maj 59 en cours 30%")
    say(LUC, "!maj 52 fait")
    reply = say(LUC, text)
    assert not reply.refused and "Action 59" in reply.text
    assert state(db, 59) == ("à démarrer", None)
    assert state(db, 52) == ("fait", 100)


def test_undo_of_one_action_in_a_grouped_update_leaves_the_other_actions(say, db):
    say(LUC, "!maj 59 en cours 30%\n52 fait", event_id="$group")
    say(LUC, "annuler 59")
    assert state(db, 59) == ("à démarrer", None)
    assert state(db, 52) == ("fait", 100)


def test_undo_of_one_action_skips_updates_already_undone(say, db):
    say(LUC, "!maj 59 en cours 30%")
    say(LUC, "!maj 59 en cours 60%")
    say(LUC, "annuler 59")
    say(LUC, "annuler 59")
    assert state(db, 59) == ("à démarrer", None)
    assert [e["kind"] for e in history.entries(db, 59)] == ["status", "status", "undo", "undo"]


def test_undo_alone_still_undoes_the_last_update_whatever_the_action(say, db):
    say(LUC, "!maj 59 en cours 30%")
    say(LUC, "!maj 52 fait")
    say(LUC, "annuler")
    assert state(db, 52) == ("à démarrer", None)
    assert state(db, 59) == ("en cours", 30)


def test_undo_of_an_action_this_person_never_updated_is_refused(say, db):
    say(LUC, "!maj 52 fait")
    before = snapshot(db)
    reply = say(LUC, "annuler 59")
    assert reply.refused
    assert reply.text.startswith("Rien à annuler sur l'action 59")
    assert snapshot(db) == before


def test_undo_of_an_action_updated_by_someone_else_only_is_refused(say, db):
    say(SYLVIE, "!maj 23 fait")
    before = snapshot(db)
    reply = say(LUC, "annuler 23")
    assert reply.refused and "Rien à annuler sur l'action 23" in reply.text
    assert snapshot(db) == before


def test_undo_of_one_action_after_fifteen_minutes_is_refused(say, db, clock):
    say(LUC, "!maj 59 fait")
    say(LUC, "!maj 52 fait")
    clock.wait(15)
    before = snapshot(db)
    reply = say(LUC, "annuler 59")
    assert reply.refused and "mise à jour de l'action 59" in reply.text
    assert snapshot(db) == before


def test_undo_of_an_unknown_action_is_refused(say, db):
    before = snapshot(db)
    reply = say(LUC, "annuler 9999")
    assert reply.refused and "9999" in reply.text
    assert snapshot(db) == before


# ---------------------------------------------------------------- a correction


@pytest.mark.parametrize(
    ("update", "correction", "lines"),
    [
        ("!maj 52 fait", "pardon je voulais dire 53", ("!annuler 52", "!maj 53 fait")),
        ("!maj 52 en cours 40%", "oups 4% pas 40%", ("!annuler 52", "!maj 52 en cours 4%")),
        ("!maj 52 fait", "non pas 52, 53", ("!annuler 52", "!maj 53 fait")),
        ("!maj 52 fait", "non pas 52 je voulais dire 53", ("!annuler 52", "!maj 53 fait")),
        ("!maj 52 fait", "!corriger 53 en cours", ("!annuler 52", "!maj 53 en cours")),
        ("!maj 52 en cours 40%", "pardon 53 fait", ("!annuler 52", "!maj 53 fait")),
    ],
)
def test_a_correction_right_after_an_update_proposes_undo_and_the_corrected_update(
    say, db, update, correction, lines
):
    say(LUC, update)
    before = snapshot(db)
    reply = say(LUC, correction)
    assert f"j'enregistre « {lines[1]} »" in reply.text
    assert reply.proposal == lines
    assert snapshot(db) == before


def test_a_correction_confirmed_with_oui_undoes_and_applies_the_corrected_update(say, db):
    say(LUC, "!maj 52 fait")
    say(LUC, "non pas 52, 53")
    assert not say(LUC, "oui").refused
    assert state(db, 52) == ("à démarrer", None) and state(db, 53) == ("fait", 100)


def test_a_percentage_correction_confirmed_with_oui_stores_the_right_percentage(say, db):
    say(LUC, "!maj 52 en cours 40%")
    say(LUC, "oups 4% pas 40%")
    say(LUC, "oui")
    assert state(db, 52) == ("en cours", 4)
    assert [e["kind"] for e in history.entries(db, 52)] == ["status", "undo", "status"]


def test_a_correction_proposal_carries_its_lines(say, db, directory, clock):
    say(LUC, "!maj 52 fait")
    ctx = Context(
        db=db,
        user=directory.identify(LUC),
        directory=directory,
        message=Message(sender=LUC, text="pardon je voulais dire 53"),
        now=clock(),
        registry=REGISTRY,
        plan=choose_plan(db, room="", configured={}),
    )
    with pytest.raises(Proposal) as raised:
        correct(ctx, Args(correction="pardon je voulais dire 53"))
    assert raised.value.lines == ("!annuler 52", "!maj 53 fait")


def test_a_correction_without_a_recent_update_gets_a_pointer(say, db, clock):
    before = snapshot(db)
    reply = say(LUC, "pardon je voulais dire 53")
    assert reply.refused and reply.text.startswith("Je ne vois pas de mise à jour récente")
    assert snapshot(db) == before
    say(LUC, "!maj 52 fait")
    clock.wait(16)
    assert say(LUC, "non pas 52, 53").text.startswith("Je ne vois pas de mise à jour récente")


def test_a_correction_naming_an_action_not_updated_gets_a_pointer(say, db):
    say(LUC, "!maj 52 fait")
    before = snapshot(db)
    reply = say(LUC, "non pas 59, 53")
    assert reply.refused and "sur l'action 59" in reply.text
    assert snapshot(db) == before


def test_a_correction_of_a_grouped_update_asks_which_action(say, db):
    say(LUC, "!maj 52 fait\n53 en cours", event_id="$group")
    reply = say(LUC, "pardon je voulais dire 59")
    assert reply.refused and "plusieurs actions (52, 53)" in reply.text


def test_a_correction_that_cannot_be_read_says_how_to_write_it(say, db):
    say(LUC, "!maj 52 fait")
    before = snapshot(db)
    reply = say(LUC, "!corriger n'importe quoi")
    assert reply.refused and "non pas 116, 113" in reply.text
    assert snapshot(db) == before


# ---------------------------------------------------------------- a question about one action


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("c'est quoi le 114", "114"),
        ("114 ?", "114"),
        ("114 c'est quoi ?", "114"),
        ("info 118", "118"),
        ("et le 52 ?", "52"),
    ],
)
def test_a_question_about_one_action_shows_it(say, db, question, code):
    before = snapshot(db)
    reply = say(LUC, question)
    assert not reply.refused
    assert reply.text == say(LUC, f"!action {code}").text
    assert snapshot(db) == before


# ---------------------------------------------------------------- one's own late actions


@pytest.mark.parametrize(
    "text", ["qu'est-ce qui est en retard chez moi", "en retard chez moi", "mes retards"]
)
def test_late_at_mine_is_my_late_actions_not_the_whole_plan(say, text):
    assert say(LUC, text).text == say(LUC, "!mes-retards").text


# ---------------------------------------------------------------- a deadline request


@pytest.mark.parametrize(
    "text", ["95 on demande un report a 2027", "report à 2027 pour le 95", "!report 95 2027"]
)
def test_a_deadline_request_is_recorded_for_the_dg_and_answered(say, db, directory, text):
    directory.links["VM"] = {LUC}
    reply = say(LUC, text)
    assert reply.text == "Demande de report notée pour l'action 95 (2027) : le DG la verra."
    [row] = requests.open_deadline_requests(db)
    assert (row["action_number"], row["who"], row["wanted"]) == (95, LUC, "2027")
    assert get_action(db, 95).deadline == "2023"


def test_a_deadline_request_without_an_action_asks_which(say, db):
    before = snapshot(db)
    reply = say(LUC, "on demande un report")
    assert reply.refused and reply.text.startswith("Pour quelle action demandez-vous un report ?")
    assert snapshot(db) == before


def test_a_deadline_request_by_someone_not_piloting_the_action_is_refused(say, db):
    before = snapshot(db)
    reply = say(SYLVIE, "95 on demande un report a 2027")
    assert reply.refused
    assert snapshot(db) == before


def test_an_update_mentioning_a_report_stays_an_update(say, db):
    # An update, not a request; its future (« report à mars ») is proposed, not stored.
    reply = say(LUC, "52 en cours report à mars")
    assert "Demande de report" not in reply.text
    assert reply.proposal == ("!maj 52 en cours « report à mars »",)


# ---------------------------------------------------------------- English and Dutch


@pytest.mark.parametrize("text", ["done 52", "klaar 52"])
def test_an_update_in_english_or_dutch_gets_the_french_words_as_a_proposal(say, db, text):
    before = snapshot(db)
    reply = say(LUC, text)
    assert reply.text.startswith("Je comprends le français : vouliez-vous dire « 52 fait » ?")
    assert snapshot(db) == before
    assert reply.proposal == ("!maj 52 fait",)


def test_an_english_update_the_grammar_reads_is_stored(say, db):
    # The status words know « finished », « done », « ongoing »: the line says it all.
    assert say(LUC, "52 is finished").text.startswith("Action 52 : à démarrer → fait")
    assert get_action(db, 52).status == "fait"


@pytest.mark.parametrize("text", ["good morning", "thank you", "is it done?"])
def test_other_english_gets_a_short_french_pointer(say, db, text):
    before = snapshot(db)
    reply = say(LUC, text)
    assert reply.text == "Je comprends le français : écrivez par exemple « 52 fait » ou « aide »."
    assert snapshot(db) == before


@pytest.mark.parametrize(("text", "start"), [("help", "Vos commandes"), ("hello", "Bonjour")])
def test_help_and_hello_in_english_get_the_basics(say, text, start):
    assert say(LUC, text).text.startswith(start)


# ---------------------------------------------------------------- a mistyped command word


def test_a_swapped_pair_in_a_command_word_proposes_the_corrected_line(say, db):
    before = snapshot(db)
    reply = say(LUC, "!mja 52 fait")
    assert reply.text.startswith("Commande inconnue « !mja ». Vouliez-vous dire « !maj 52 fait » ?")
    assert reply.proposal == ("!maj 52 fait",)
    assert snapshot(db) == before
    say(LUC, "oui")
    assert state(db, 52) == ("fait", 100)


@pytest.mark.parametrize("text", ["!mja", "!mja n'importe quoi"])
def test_a_mistyped_command_word_without_a_readable_rest_suggests_the_command(say, db, text):
    before = snapshot(db)
    reply = say(LUC, text)
    assert "Vouliez-vous dire !maj ?" in reply.text
    assert understand(text, REGISTRY).proposal == ()
    assert snapshot(db) == before


def test_a_mistyped_command_without_arguments_proposes_it(say):
    assert understand("!aied", REGISTRY).proposal == ("!aide",)


# ---------------------------------------------------------------- lines said another way


def test_an_action_then_words_only_is_proposed_as_a_note_and_changes_nothing(say, db):
    before = snapshot(db)
    reply = say(LUC, "52 fascicule imprimé")
    assert reply.proposal == ("!note 52 fascicule imprimé",)
    assert snapshot(db) == before


@pytest.mark.parametrize("text", ["RAS pour le 52", "rien de neuf sur l'action 52"])
def test_a_check_in_said_before_the_action_is_a_check_in_of_it(text):
    assert understand(text, REGISTRY, True).text == "!maj 52 RAS"


def test_a_point_on_an_action_heading_its_update_is_the_update():
    understood = understand("Point sur le 53 : en cours, 45 %", REGISTRY, True)
    assert understood.text == "!maj 53 en cours, 45 %"


@pytest.mark.parametrize("text", ["merci beaucoup 🙏", "ok thanks 👍", "merci bcp"])
def test_thanks_alone_get_no_answer_and_store_nothing(say, db, text):
    before = snapshot(db)
    assert say(LUC, text) is None
    assert snapshot(db) == before


def test_an_impossible_percentage_in_english_is_refused_not_proposed_without_it(say, db):
    before = snapshot(db)
    reply = say(LUC, "52 in progress 150%")
    assert reply.refused and "150" in reply.text and not reply.proposal
    assert snapshot(db) == before


@pytest.mark.parametrize("text", ["mes actions en retard", "c quoi mes retards"])
def test_ones_own_late_actions_in_other_words_are_mes_retards(text):
    assert understand(text, REGISTRY, True).text == "!mes-retards"
