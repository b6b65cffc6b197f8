"""Reading the plan: !os, !oo, !retard, !cherche, !synthese, and their refusals."""

from datetime import UTC, datetime

import pytest

from commands.engine import Engine
from commands.reading import bar
from commands.types import Message
from tests.conftest import ADMIN, REGISTRY, STRANGER, snapshot


def test_progress_bar_has_ten_cells():
    assert bar(0) == "░" * 10
    assert bar(0.4) == "▓▓▓▓░░░░░░"
    assert bar(1) == "▓" * 10


def test_os_shows_its_oo_counts_progress_and_late_actions(say):
    say(ADMIN, "!maj 23 fait")
    text = say(STRANGER, "!os 2").text
    lines = text.splitlines()
    assert lines[0].startswith("OS 2 — Etre un CPAS qui développe des services")
    assert lines[1] == "26 actions : 25 à démarrer, 1 fait"
    assert lines[2] == "░░░░░░░░░░ 4 % fait (1/26)"
    assert any(line.startswith("• 2.1 ") and "(" in line for line in lines)
    assert "⚠ 25 en retard : !retard 2" in text


@pytest.mark.parametrize("word", ["2", "OS2", "os 2", " 2 "])
def test_os_number_is_forgiving(say, word):
    assert say(STRANGER, f"!os {word}").text.startswith("OS 2 — ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!os", "Il manque le numéro d'OS"),
        ("!os 7", "L'OS « 7 » n'existe pas : les OS vont de 1 à 6."),
        ("!os deux", "L'OS « deux » n'existe pas"),
        ("!os 99999999999999999999", "n'existe pas"),
        ("!oo", "Il manque le numéro d'OO"),
        ("!oo 2", "« 2 » n'est pas un numéro d'OO"),
        ("!oo 2.9", "L'OO « 2.9 » n'existe pas. Les OO de l'OS 2 : 2.1, 2.2, 2.3"),
        ("!oo 9.1", "L'OS « 9 » n'existe pas"),
        ("!retard 12", "L'OS « 12 » n'existe pas"),
    ],
)
def test_objective_refusals_are_clear_and_write_nothing(say, db, text, expected):
    before = snapshot(db)
    reply = say(STRANGER, text)
    assert reply.refused and expected in reply.text
    assert snapshot(db) == before


def test_oo_lists_its_actions_with_status_and_progress(say):
    say(ADMIN, "!maj 29 en cours 40%")
    text = say(STRANGER, "!oo 2.2").text
    assert text.startswith("OO 2.2 — ")
    line29 = next(line for line in text.splitlines() if line.startswith("• 29 "))
    assert "en cours — 40 %" in line29 and "en retard" in line29
    assert text.endswith("Détail d'une action : !action N")


def test_oo_accepts_a_comma_and_a_prefix(say):
    assert say(STRANGER, "!oo OO 2,2").text == say(STRANGER, "!oo 2.2").text


def test_overdue_groups_by_os_and_leaves_out_done_actions(say):
    say(ADMIN, "!maj 1 fait")
    say(ADMIN, "!maj 2 abandonné faute de budget")
    text = say(STRANGER, "!retard").text
    assert text.startswith("⚠ 125 actions en retard au 14/03/2025 (page 1/7) :")
    assert "\nOS 1 — " in text and "(20)" in text
    assert "• 1 " not in text and "• 2 " not in text
    assert "\nOS 2 — " in say(STRANGER, "!retard page 2").text
    assert "\nOS 6 — " in say(STRANGER, "!retard page 7").text


def test_overdue_of_one_os_shows_only_that_os_in_pages(say):
    full = say(STRANGER, "!retard 3").text
    assert full.startswith("⚠ 44 actions en retard au 14/03/2025 (page 1/3) :")
    assert full.endswith(" : !retard 3 page 2") and "OS 1" not in full


def test_overdue_line_gives_deadline_status_and_pilots(say):
    say(ADMIN, "!maj 52 en cours 30%")
    text = say(STRANGER, "!retard 3").text
    line = next(x for x in text.splitlines() if x.startswith("• 52 "))
    assert "échéance 2020 pour entrant" in line and "en cours 30 %" in line and "LM/ACB" in line


def test_nothing_overdue_before_the_deadlines(db, directory):
    early = Engine(db, directory, REGISTRY, clock=lambda: datetime(2019, 1, 2, tzinfo=UTC))
    reply = early.handle(Message(sender=STRANGER, text="!retard"))
    assert reply.text == "Aucune action en retard. 🎉"


@pytest.mark.parametrize(
    "words", ["numerisation", "NUMÉRISATION", "Numérisation courrier", "numéris", "imio"]
)
def test_search_ignores_accents_and_case_and_matches_prefixes(say, words):
    text = say(STRANGER, f"!cherche {words}").text
    assert text.startswith("1 actions pour")
    assert "• 52 Numérisation du courrier" in text


def test_search_looks_in_indicators_too(say):
    assert "• 29 " in say(STRANGER, "!search contentions").text


def test_search_shows_a_page_and_how_to_see_the_next(say):
    text = say(STRANGER, "!cherche de").text
    assert text.startswith("118 actions pour « de » (page 1/6) :")
    assert text.endswith("autres : !cherche de page 2")


def test_search_without_result_says_so(say):
    assert say(STRANGER, "!cherche licorne").text == "Aucune action ne contient « licorne »."


@pytest.mark.parametrize(
    "query",
    ['"', "NEAR(a b)", "* OR 1=1", "'; drop table actions; --", "a AND", "<b>x</b>", "^x", "-x"],
)
def test_search_operators_and_quotes_are_plain_words(say, db, query):
    before = snapshot(db)
    reply = say(STRANGER, f"!cherche {query}")
    assert reply.text
    assert snapshot(db) == before


@pytest.mark.parametrize("text", ["!cherche", "!cherche ?!", "!cherche « »"])
def test_search_without_words_is_refused(say, text):
    reply = say(STRANGER, text)
    assert reply.refused and "Il manque les mots à chercher" in reply.text


def test_summary_gives_counts_per_status_and_percent_done_per_os(say):
    for number in (1, 2, 3):
        say(ADMIN, f"!maj {number} fait")
    say(ADMIN, "!maj 4 en cours")
    text = say(STRANGER, "!synthese").text
    lines = text.splitlines()
    assert lines[0] == "PST au 14/03/2025 : 127 actions"
    assert lines[1] == "░░░░░░░░░░ 2,4 % fait (3/127) — 124 en retard"
    os1 = lines[lines.index(next(x for x in lines if x.startswith("OS 1 "))) + 1]
    assert os1 == "  ▓░░░░░░░░░ 13,6 % fait (3/22) — 18 à démarrer, 1 en cours, 3 fait"


def test_summary_leaves_abandoned_actions_out_of_the_percentage(say):
    say(ADMIN, "!maj 110 fait")
    for number in range(111, 119):
        say(ADMIN, f"!maj {number} abandonné faute de budget")
    text = say(STRANGER, "!summary").text
    assert "▓▓▓▓▓▓▓▓▓▓ 100 % fait (1/1) — 1 fait, 8 abandonné" in text
    assert "les 8 abandonnées non comptées" in text


def test_summary_of_an_empty_plan_is_refused(directory):
    from storage.db import open_db

    empty = Engine(open_db(":memory:"), directory, REGISTRY)
    reply = empty.handle(Message(sender=STRANGER, text="!synthese"))
    assert reply.refused and "Aucun PST n'est chargé" in reply.text
