"""The rule (issue 19, items 2 and 4): nothing stored may ignore or contradict a word of the
line. Plan words left in the comment are read, or the line is proposed (`Proposal`, nothing
stored) or refused with the word that was not understood."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.grammar import read_updates
from commands.grammar_refusals import GrammarError, NegatedStatus, ProgressOutOfRange, Unsure
from storage import history
from storage.actions import get_action
from storage.vocabulary import (
    AT_RISK,
    BLOCKED,
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    ON_HOLD,
    fold,
    status_words,
)
from tests.conftest import SYLVIE, snapshot


def read(text: str) -> tuple:
    [line] = read_updates(text)
    return line.status, line.progress, line.comment, line.health, line.checkin


# ---------------------------------------------------------------- the examples


def test_a_percentage_after_a_comment_is_read_not_lost():
    assert read("63 en cours reunion finances 15/01 - 10%") == (
        IN_PROGRESS,
        10,
        "reunion finances 15/01",
        None,
        False,
    )


def test_a_question_with_an_impossible_number_is_refused_with_the_number():
    with pytest.raises(ProgressOutOfRange, match="150"):
        read_updates("52 fini? 150%")


def test_a_negation_before_a_status_is_a_status_of_its_own():
    assert read("52 pas encore commencé")[0] == NOT_STARTED
    assert read("1 pas démarré")[0] == NOT_STARTED


def test_a_health_word_sets_the_health_never_a_status():
    assert read("95 risqué") == (None, None, None, AT_RISK, False)
    assert read("95 en danger")[3] == AT_RISK
    assert read("95 bloqué")[3] == BLOCKED


def test_cloture_is_done_not_suspended():
    assert read("63 clôturé")[0] == DONE
    assert read("63 bouclé")[0] == DONE


@pytest.mark.parametrize(
    "text",
    ["110 fait merci", "110 fait, bonne journée", "110 fait - Marie", "110 fait. Cordialement"],
)
def test_thanks_greetings_and_signatures_are_not_comments(text):
    assert read(text) == (DONE, None, None, None, False)


def test_almost_done_with_a_percentage_is_under_way():
    assert read("63 presque terminé 90%")[:2] == (IN_PROGRESS, 90)


@pytest.mark.parametrize(
    "text, progress",
    [
        ("47 en cours à moitié", 50),
        ("47 en cours 3/4", 75),
        ("47 en cours 50/100", 50),
        ("47 en cours ~60 %", 60),
        ("47 en cours env. 60 %", 60),
        ("47 en cours environ 60%", 60),
        ("47 en cours cinquante pour cent", 50),
        ("47 en cours quatre-vingt-dix pour cent", 90),
    ],
)
def test_progress_in_words_fractions_and_rough_figures(text, progress):
    assert read(text)[:2] == (IN_PROGRESS, progress)


@pytest.mark.parametrize("text", ["47 RAS", "47 rien de neuf", "47 rien à signaler"])
def test_a_check_in_is_read_as_news_with_no_change(text):
    assert read(text) == (None, None, None, None, True)


def test_stand_by_is_suspended():
    assert read("47 stand-by")[0] == ON_HOLD


# ---------------------------------------------------------------- proposals


@pytest.mark.parametrize(
    "text, line",
    [
        ("47 fait ?", "!maj 47 fait"),
        ("47 fait, en cours de validation", "!maj 47 fait « en cours de validation »"),
        ("52 démarre en janvier", "!maj 52 à démarrer « démarre en janvier »"),
        ("47 fait pour fin juin", "!maj 47 en cours « fait pour fin juin »"),
        ("47 le marché est terminé", "!maj 47 fait « le marché est terminé »"),
        ("47 en cours 40% puis 50%", "!maj 47 en cours 40% « puis 50% »"),
    ],
)
def test_a_plan_word_left_in_the_comment_is_proposed_with_the_line_that_stores_it(text, line):
    with pytest.raises(Unsure) as asked:
        read_updates(text)
    assert asked.value.lines == (line,)
    assert str(asked.value).endswith("C'est bien ça ? (oui / non)")


@pytest.mark.parametrize(
    "text, line",
    [
        ("85 fontaines installées ✅", "!maj 85 fait « fontaines installées ✅ »"),
        ("125 révision du contrat en cours", "!maj 125 en cours « révision du contrat en cours »"),
        ("47 en cours 50 pc", "!maj 47 en cours 50%"),
        ("47 report à 2027", "!maj 47 « report à 2027 »"),
    ],
)
def test_a_plan_word_anywhere_in_the_comment_is_proposed(text, line):
    with pytest.raises(Unsure) as asked:
        read_updates(text)
    assert asked.value.lines == (line,)


def test_c_fait_and_c_bon_are_done_as_pilots_text_it():
    assert read("112 c fait")[0] == DONE and read("34 c bon")[0] == DONE


def test_en_stand_by_is_suspended_with_its_reason():
    assert read("112 en stand by faute de personnel")[0] == ON_HOLD


def test_a_proposed_line_reads_back_as_it_says():
    with pytest.raises(Unsure) as asked:
        read_updates("47 fait, en cours de validation")
    [again] = read_updates(asked.value.lines[0].removeprefix("!maj "))
    assert (again.status, again.comment) == (DONE, "en cours de validation")


def test_two_segments_one_unsure_propose_both():
    with pytest.raises(Unsure) as asked:
        read_updates("63 en cours 50% 47 fait ?")
    assert asked.value.lines == ("!maj 63 en cours 50%", "!maj 47 fait")
    assert "63 → en cours, 50 % ; 47 → fait" in str(asked.value)


def test_a_negated_status_with_nothing_else_is_refused_with_the_words():
    with pytest.raises(NegatedStatus) as refused:
        read_updates("47 pas vraiment fini")
    assert "pas vraiment fini" in str(refused.value)
    assert "Je n'ai pas compris" not in str(refused.value)


def test_a_near_status_in_a_comment_is_asked_about_with_the_right_status():
    with pytest.raises(Unsure) as asked:
        read_updates("47 le marché est temriné")
    assert "fait" in str(asked.value)


# ---------------------------------------------------------------- in the engine


def test_a_proposal_changes_nothing_and_carries_the_lines(say, db):
    before = snapshot(db)
    reply = say(SYLVIE, "!maj 23 fait ?")
    assert reply.refused and "C'est bien ça ?" in reply.text
    assert reply.proposal == ("!maj 23 fait",)
    assert snapshot(db) == before


def test_a_refusal_of_an_impossible_number_changes_nothing(say, db):
    before = snapshot(db)
    reply = say(SYLVIE, "!maj 23 fini? 150%")
    assert reply.refused and "150" in reply.text
    assert snapshot(db) == before


def test_a_negation_stores_not_started(say, db):
    say(SYLVIE, "!maj 23 en cours 40%")
    say(SYLVIE, "!maj 23 pas encore commencé")
    assert get_action(db, 23).status == NOT_STARTED


def test_a_health_word_sets_the_health_and_keeps_the_status(say, db):
    reply = say(SYLVIE, "!maj 23 risqué")
    action = get_action(db, 23)
    assert (action.status, action.health) == (NOT_STARTED, AT_RISK)
    assert "santé à risque" in reply.text


def test_thanks_are_not_stored_nor_posted(say, db):
    reply = say(SYLVIE, "!maj 23 fait merci")
    assert get_action(db, 23).last_comment is None
    assert all("merci" not in post.text for post in reply.posts)


def test_a_check_in_counts_as_news_and_changes_nothing_else(say, db):
    before = get_action(db, 23)
    reply = say(SYLVIE, "!maj 23 RAS")
    after = get_action(db, 23)
    assert not reply.refused and "rien de neuf" in reply.text
    assert (after.status, after.progress, after.last_comment) == (
        before.status,
        before.progress,
        before.last_comment,
    )
    assert len(history.entries(db, 23)) == 1 and not reply.posts


# ---------------------------------------------------------------- the property

_FILLER = ["réunion", "avec", "le", "service", "marché", "attribué", "budget", "voté", "point"]
_STATUS_TYPED = {"fait": DONE, "en cours": IN_PROGRESS, "terminé": DONE, "commencé": IN_PROGRESS}
_FOLDED_STATUS_WORDS = set(status_words())


@settings(max_examples=150, deadline=None)
@given(
    code=st.integers(1, 999).map(str),
    status=st.sampled_from(sorted(_STATUS_TYPED)),
    progress=st.integers(1, 99),
    filler=st.lists(st.sampled_from(_FILLER), min_size=0, max_size=5),
    separator=st.sampled_from([" ", ", ", " - ", " : "]),
)
def test_any_reference_status_percentage_and_filler_is_stored_or_proposed_as_said(
    code, status, progress, filler, separator
):
    text = f"{code} {status} {progress}%{separator}{' '.join(filler)}"
    try:
        lines = read_updates(text)
    except Unsure as asked:
        lines = asked.segments
    except GrammarError as refused:
        pytest.fail(f"{text!r} refused: {refused}")
    [line] = lines
    assert (line.status, line.progress) == (_STATUS_TYPED[status], progress)
    comment = fold(line.comment or "")
    assert "%" not in comment and str(progress) not in comment.split()
    assert not any(f" {w} " in f" {comment} " for w in _FOLDED_STATUS_WORDS if " " in w)
    assert not set(comment.split()) & {w for w in _FOLDED_STATUS_WORDS if " " not in w}
