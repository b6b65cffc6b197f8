"""Per-action fields said in chat (issue 23): named indicators, budget, ODD, mandataires,
decisions, synergies; their refusals change nothing, and !annuler takes each back."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.engine import Engine
from commands.errors import UserError
from commands.fields_grammar import read_budget, read_day, read_decision
from commands.types import Directory, Message
from storage.plan_fields import budget_totals, fields_of
from tests.conftest import ADMIN, LUC, REGISTRY, SYLVIE, MovingClock, snapshot

DEFINE = '!indicateur 23 "dossiers traités" cible 12 unité dossiers'


@pytest.fixture
def clock():
    return MovingClock()


@pytest.fixture
def say(db, directory, clock):
    engine = Engine(db, directory, REGISTRY, clock=clock)

    def send(sender: str, text: str):
        clock.wait(0.5)
        return engine.handle(Message(sender=sender, text=text, room="!room"))

    return send


def fields(db, number: int = 23):
    return fields_of(db, [number])[number]


# ---------------------------------------------------------------- indicators


def test_named_indicator_value_reads_against_its_target_and_the_value_before(say, db, clock):
    say(ADMIN, DEFINE)
    say(SYLVIE, '!indicateur 23 "dossiers traites" 2')
    clock.wait(60 * 24 * 3)
    reply = say(SYLVIE, '!indicateur 23 "Dossiers traités" 4')
    assert reply.text == "Action 23 — dossiers traités : 4 / 12 dossiers (33 %), était 2 le 14/03."
    assert [m.value for m in fields(db).indicators[0].values] == [2, 4]


def test_free_indicator_value_still_kept_as_before(say, db):
    assert "8 audits" in say(SYLVIE, "!indicateur 23 8 audits").text
    assert fields(db).indicators == ()


def test_unknown_indicator_name_is_refused_listing_the_actions_indicators(say, db):
    say(ADMIN, DEFINE)
    before = snapshot(db)
    reply = say(SYLVIE, '!indicateur 23 "autre chose" 4')
    assert "Ses indicateurs : dossiers traités" in reply.text
    assert snapshot(db) == before


def test_pilot_may_not_define_an_indicator(say, db):
    before = snapshot(db)
    reply = say(SYLVIE, DEFINE)
    assert "administrateur" in reply.text and snapshot(db) == before


@pytest.mark.parametrize("value", ["quatre", "4 audits", ""])
def test_indicator_value_that_is_not_a_number_is_refused(say, db, value):
    say(ADMIN, DEFINE)
    before = snapshot(db)
    say(SYLVIE, f'!indicateur 23 "dossiers traités" {value}')
    assert snapshot(db) == before


def test_undo_takes_back_an_indicator_value_and_a_definition(say, db):
    say(ADMIN, DEFINE)
    say(ADMIN, '!indicateur 23 "dossiers traités" 4')
    say(ADMIN, "!annuler")
    assert fields(db).indicators[0].values == ()
    say(ADMIN, "!annuler")
    assert fields(db).indicators == ()


# ---------------------------------------------------------------- budget


def test_budget_line_is_added_and_summed_per_oo_and_os(say, db):
    reply = say(ADMIN, '!budget 23 2026 15000 ordinaire "SPW"')
    assert "15 000 €" in reply.text
    say(ADMIN, "!budget 24 2027 8 500 extraordinaire")
    line = fields(db).budget[0]
    assert (line.year, line.amount, line.kind, line.funding) == (2026, 15000, "ordinaire", "SPW")
    plan_id = db.execute("select plan_id from actions where number = 23").fetchone()[0]
    totals = budget_totals(db, plan_id)
    assert totals["oo"]["2.1"] == 23500 and totals["os"][2] == 23500
    assert "Budget : 23 500 €" in say(SYLVIE, "!oo 2.1").text


@pytest.mark.parametrize(
    "line", ["!budget 23 2026 15000", "!budget 23 1850 10 ordinaire", "!budget 23 2026 x ordinaire"]
)
def test_budget_line_missing_a_part_is_refused(say, db, line):
    before = snapshot(db)
    say(ADMIN, line)
    assert snapshot(db) == before


def test_budget_is_the_admins_and_its_undo_removes_the_line(say, db):
    assert "administrateur" in say(SYLVIE, "!budget 23 2026 10 ordinaire").text
    say(ADMIN, "!budget 23 2026 10 ordinaire")
    say(ADMIN, "!annuler")
    assert fields(db).budget == ()


# ---------------------------------------------------------------- ODD


def test_odd_tags_set_by_the_pilot_and_listed(say, db):
    assert say(SYLVIE, "!odd 23 11 13").text == "Action 23 — ODD : 11, 13."
    assert "23 " in say(LUC, "!odd 11").text
    total = db.execute("select count(*) from actions").fetchone()[0]
    assert say(LUC, "!odd aucun").text.startswith(f"Sans ODD : {total - 1} action(s)")
    say(SYLVIE, "!annuler")
    assert fields(db).odd == ()


def test_odd_out_of_range_or_by_a_non_pilot_is_refused(say, db):
    before = snapshot(db)
    assert "1 à 17" in say(SYLVIE, "!odd 23 18").text
    assert "pilote" in say(LUC, "!odd 23 11").text.lower()
    assert snapshot(db) == before


# ---------------------------------------------------------------- mandataires


def test_mandataire_actions_appear_in_their_mes_actions(say, db):
    assert "\n• 23 " not in say(LUC, "!mes-actions").text
    say(ADMIN, "!mandataire 23 lm")
    assert fields(db).mandataries == ("lm",)
    assert "\n• 23 " in say(LUC, "!mes-actions").text
    say(ADMIN, "!annuler")
    assert fields(db).mandataries == ()


# ---------------------------------------------------------------- decisions


def test_decision_shows_in_action_and_history(say, db):
    reply = say(ADMIN, "!decision 23 conseil 2027-03-24 point 12 https://deliberations.be/12")
    assert "conseil du 24/03/2027, point 12" in reply.text
    assert "Décision : conseil du 24/03/2027" in say(SYLVIE, "!action 23").text
    assert "décision : conseil du 24/03/2027" in say(SYLVIE, "!historique 23").text
    say(ADMIN, "!annuler")
    assert fields(db).decisions == ()


@pytest.mark.parametrize(
    "line",
    [
        "!decision 23 conseil 2027-02-30",
        "!decision 23 conseil 24-03-2027",
        "!decision 23 college 24/03/2027 http://x.be",
        "!decision 23 bureau 24/03/2027",
        "!decision 23 conseil 24/03/2027 point",
        "!decision 23 conseil 24/03/2027 urgent",
    ],
)
def test_malformed_decision_is_refused_and_changes_nothing(say, db, line):
    before = snapshot(db)
    say(ADMIN, line)
    assert snapshot(db) == before


# ---------------------------------------------------------------- synergies


def test_synergy_with_a_plan_not_in_the_database_is_kept(say, db):
    assert (
        say(SYLVIE, "!synergie 23 commune:5.1.4").text == "Action 23 — synergie avec commune:5.1.4."
    )
    assert "Synergies : commune:5.1.4" in say(SYLVIE, "!action 23").text


def test_synergy_with_a_missing_action_of_a_known_plan_is_refused(say, db):
    code = db.execute("select code from plans").fetchone()[0]
    before = snapshot(db)
    assert "n'a pas d'action" in say(SYLVIE, f"!synergie 23 {code}:999").text
    assert snapshot(db) == before


def test_synergy_within_the_database_shows_on_both_actions(say, db):
    code = db.execute("select code from plans").fetchone()[0]
    say(SYLVIE, f"!synergie 23 {code}:24")
    assert f"{code}:23" in say(SYLVIE, "!action 24").text


# ---------------------------------------------------------------- the grammar


@given(st.text(max_size=20))
def test_a_day_read_is_a_real_day_or_nothing(word):
    day = read_day(word)
    assert day is None or 2000 <= day.year <= 2100


@given(st.lists(st.sampled_from(["conseil", "2027-03-24", "point", "12", "https://a.be", "x"])))
def test_a_decision_stores_only_what_its_words_say(words):
    try:
        decision = read_decision(words, "!decision 29 conseil 2027-03-24")
    except UserError:
        return
    assert decision.body in words
    assert decision.point is None or "point" in words
    assert decision.url is None or decision.url in words


@given(st.lists(st.sampled_from(["2026", "15000", "ordinaire", "SPW", "€", "x"]), max_size=5))
def test_a_budget_line_never_has_a_kind_it_was_not_told(words):
    try:
        line = read_budget(words)
    except UserError:
        return
    assert line.kind in words and str(line.year) == words[0]
    assert line.funding is None or line.funding in " ".join(words)


def test_directory_keys_name_mandataires_like_pilots():
    assert Directory(links={"LM": {LUC}}).identify(LUC).pilots == frozenset({"LM"})
