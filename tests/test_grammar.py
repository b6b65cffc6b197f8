"""The update grammar, read like its documentation: what a pilot types after `!maj`, and what
the bot understands (codes, status, %, comment) or why it asks again."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands import grammar_pieces
from commands.errors import UserError
from commands.grammar import UpdateLine, parse_update
from commands.grammar_refusals import (
    GrammarError,
    MissingAction,
    NearStatus,
    NoAction,
    NotAnAction,
    NumberAfterAction,
    NumberWithoutPercent,
    ProgressOutOfRange,
    UnknownStatus,
    Unsure,
)
from storage.vocabulary import (
    ABANDONED,
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    ON_HOLD,
    STATUSES,
    parse_status,
)


def read(text: str) -> tuple:
    """(codes, status, progress, comment) of a line, for compact tables."""
    line = parse_update(text)
    return line.codes, line.status, line.progress, line.comment


# ---------------------------------------------------------------- the action reference


@pytest.mark.parametrize(
    "text, codes",
    [
        ("47 fait", ("47",)),
        ("#47 fait", ("47",)),
        ("# 47 fait", ("47",)),
        ("n°47 fait", ("47",)),
        ("N° 47 fait", ("47",)),
        ("nº47 fait", ("47",)),
        ("no 47 fait", ("47",)),
        ("No. 47 fait", ("47",)),
        ("action 47 fait", ("47",)),
        ("Action 47 fait", ("47",)),
        ("l'action 47 fait", ("47",)),
        ("action n°47 fait", ("47",)),
        ("47: fait", ("47",)),
        ("47 : fait", ("47",)),
        ("47. fait", ("47",)),
        ("47, fait", ("47",)),
        ("47.", ("47",)),
        ("47", ("47",)),
        ("1.1.1 fait", ("1.1.1",)),
        ("A.2.3 fait", ("A.2.3",)),
        ("1.1.1: fait", ("1.1.1",)),
        ("n°1.2.10 en cours", ("1.2.10",)),
        ("47 et 48 fait", ("47", "48")),
        ("47, 48 fait", ("47", "48")),
        ("47,48 fait", ("47", "48")),
        ("47, 48 et 49: fait", ("47", "48", "49")),
        ("actions 47 et 48 fait", ("47", "48")),
        ("#47 et #48 fait", ("47", "48")),
        ("n°47, n°48 fait", ("47", "48")),
        ("47 et 47 fait", ("47",)),
        (": 47 fait", ("47",)),
    ],
)
def test_action_reference_is_read_in_every_common_form(text, codes):
    assert parse_update(text).codes == codes


def test_several_actions_need_et_or_a_comma():
    """Decision: "47 48 fait" is refused, not read as two actions nor as a comment "48 fait"."""
    with pytest.raises(NumberAfterAction) as refused:
        parse_update("47 48 fait")
    assert "48" in str(refused.value) and "et" in str(refused.value)


def test_a_percentage_after_a_comma_is_not_a_second_action():
    assert read("47, 12,5%") == (("47",), None, 13, None)


# ---------------------------------------------------------------- status words


@pytest.mark.parametrize(
    "text, status",
    [
        ("47 fait", DONE),
        ("47 Fait", DONE),
        ("47 FAIT", DONE),
        ("47 réalisé", DONE),
        ("47 Réalisée", DONE),
        ("47 realisee", DONE),
        ("47 terminé", DONE),
        ("47 done", DONE),
        ("47 en cours", IN_PROGRESS),
        ("47 En Cours", IN_PROGRESS),
        ("47 démarré", IN_PROGRESS),
        ("47 à démarrer", NOT_STARTED),
        ("47 a demarrer", NOT_STARTED),
        ("47 pas commencé", NOT_STARTED),
        ("47 suspendu", ON_HOLD),
        ("47 en attente", ON_HOLD),
        ("47 stand-by", ON_HOLD),
        ("47 clôturé", DONE),
        ("47 bouclé", DONE),
        ("47 terminées", DONE),
        ("47 c'est bon", DONE),
        ("47 presque fini", IN_PROGRESS),
        ("47 pas démarré", NOT_STARTED),
        ("47 pas encore commencé", NOT_STARTED),
        ("47 abandonné", ABANDONED),
        ("47 annulé", ABANDONED),
        # punctuation around the word
        ("47 fait.", DONE),
        ("47 fait,", DONE),
        ("47 fait!", DONE),
        ("47 fait !", DONE),
        ("47 (fait)", DONE),
        ("47 ( fait )", DONE),
        ("47 fait…", DONE),
        # glued forms
        ("47 encours", IN_PROGRESS),
        ("47 enpause", ON_HOLD),
        ("47 enattente", ON_HOLD),
        ("47 ademarrer", NOT_STARTED),
        # lead-ins
        ("47 c'est fait", DONE),
        ("47 c’est fait", DONE),
        ("47 c est fait", DONE),
        ("47 est fait", DONE),
        ("47 C'EST FAIT !", DONE),
        ("47 c'est terminé", DONE),
        ("47 est en cours", IN_PROGRESS),
        ("47 statut : abandonné", ABANDONED),
        # emoji
        ("47 ✅", DONE),
        ("47 ✔", DONE),
        ("47 ✔️", DONE),
        ("47 ☑", DONE),
        ("47 ☑️", DONE),
        ("47✅", DONE),
        # typos at distance one of a word of 5+ letters
        ("47 termine", DONE),
        ("47 terminr", DONE),
        ("47 temriné", DONE),
        ("47 suspendi", ON_HOLD),
        ("47 suspendue", ON_HOLD),
        ("47 abandonee", ABANDONED),
        ("47 en cour", IN_PROGRESS),
        ("47 a demarer", NOT_STARTED),
    ],
)
def test_status_words_synonyms_punctuation_and_typos(text, status):
    assert parse_update(text).status == status


@pytest.mark.parametrize(("text", "guess"), [("fiat", "fait"), ("fais", "fait"), ("dnoe", "done")])
def test_typos_of_four_letter_words_are_asked_about_not_corrected(text, guess):
    with pytest.raises(NearStatus) as refused:
        parse_update(f"47 {text}")
    assert text in str(refused.value)
    assert refused.value.line == f"47 {parse_status(guess)}"


@pytest.mark.parametrize("text", ["terminer", "démarrer", "finaliser", "bloquer"])
def test_an_infinitive_is_work_to_do_not_a_status(text):
    with pytest.raises(GrammarError) as refused:
        parse_update(f"47 {text}")
    assert isinstance(refused.value, (UnknownStatus, NearStatus))
    assert "?" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("47 annuel budget voté", "47 abandonné budget voté"),
        ("47 terminr le marché est attribué", "47 fait le marché est attribué"),
        ("47 suspendi faute de budget", "47 suspendu faute de budget"),
    ],
)
def test_a_near_status_followed_by_words_is_asked_about_never_guessed(text, line):
    with pytest.raises(NearStatus) as refused:
        parse_update(text)
    assert refused.value.line == line and f"!maj {line}" in str(refused.value)


def test_a_number_without_percent_is_asked_about_with_the_line_to_resend():
    with pytest.raises(GrammarError) as refused:
        parse_update("47 en cours 50, marché attribué")
    assert str(refused.value).startswith("« 50 » : vouliez-vous dire 50 % ?")
    assert refused.value.line == "47 en cours 50 %, marché attribué"


def test_a_typo_equally_close_to_two_statuses_is_not_corrected(monkeypatch):
    # No word is equally close to two statuses of today's vocabulary: a made-up one shows it.
    words = {"suspendu": ON_HOLD, "suspendo": ABANDONED}
    monkeypatch.setattr(grammar_pieces, "parse_status", words.get)
    monkeypatch.setattr(grammar_pieces, "_STATUS_WORDS", list(words))
    with pytest.raises(GrammarError):
        parse_update("47 suspendx")
    assert parse_update("47 suspendo").status == ABANDONED


@pytest.mark.parametrize("emoji", ["❌", "✓", "👍", "👍🏻", "❤️"])
def test_other_emoji_alone_are_asked_about_not_read(emoji):
    """Decision: only ✅ ✔ ☑ mean done; ❌ is not read as abandonné."""
    with pytest.raises(UnknownStatus):
        parse_update(f"47 {emoji}")


# ---------------------------------------------------------------- progress


@pytest.mark.parametrize(
    "text, progress",
    [
        ("47 en cours 40%", 40),
        ("47 en cours 40 %", 40),
        ("47 en cours 40\u00a0%", 40),
        ("47 en cours 40\u202f%", 40),
        ("47 en cours 40\u2009%", 40),
        ("47 en cours 40\u2007%", 40),
        ("47 en cours 40\u200b%", 40),
        ("47 en cours à 40%", 40),
        ("47 en cours a 40 %", 40),
        ("47 en cours (40%)", 40),
        ("47 en cours ( 40 % )", 40),
        ("47 en cours – 35 %", 35),
        ("47 en cours - 35%", 35),
        ("47 en cours — 35%", 35),
        ("47 en cours, 35%", 35),
        ("47 en cours: 35 %", 35),
        ("47 en cours 40 pourcent", 40),
        ("47 en cours 40 pour cent", 40),
        ("47 en cours 40 Pourcents", 40),
        ("47 en cours avancement 40%", 40),
        ("47 en cours, avancement : 40 %", 40),
        ("47 en cours 40％", 40),
        ("47 en cours 12,5%", 13),
        ("47 en cours 12,4%", 12),
        ("47 en cours 12.5 %", 13),
        ("47 en cours 12.4 %", 12),
        ("47 en cours 0,5%", 1),
        ("47 en cours 99,5 %", 99),  # almost done is not done
        ("47 en cours 0,4 %", 1),  # begun is not 0 %
        ("47 fait 100%", 100),
        ("47 à démarrer 0%", 0),
        ("47 en cours 050%", 50),
    ],
)
def test_progress_in_every_common_form(text, progress):
    assert parse_update(text).progress == progress


@pytest.mark.parametrize(
    "text", ["47 40%", "47 à 40 %", "47 (40%)", "47 – 35 %", "47: 30 pourcent"]
)
def test_a_percentage_without_status_is_bare(text):
    line = parse_update(text)
    assert line.status is None and line.progress is not None and line.bare_progress


def test_a_percentage_with_a_status_is_not_bare():
    assert not parse_update("47 en cours 40%").bare_progress
    assert not parse_update("47 fait").bare_progress


def test_40pc_is_not_a_percentage():
    with pytest.raises(GrammarError) as refused:
        parse_update("47 40pc")
    assert "40pc" in str(refused.value)


# ---------------------------------------------------------------- order and comment


@pytest.mark.parametrize(
    "text, expected",
    [
        ("47 en cours 50%", (("47",), IN_PROGRESS, 50, None)),
        ("47 50% en cours", (("47",), IN_PROGRESS, 50, None)),
        ("47 50 %, en cours", (("47",), IN_PROGRESS, 50, None)),
        ("47 (50%) en cours", (("47",), IN_PROGRESS, 50, None)),
        ("47 à 50 % c'est en cours", (("47",), IN_PROGRESS, 50, None)),
        ("47 fait 100% marché attribué", (("47",), DONE, 100, "marché attribué")),
        ("47 100 % fait - marché attribué", (("47",), DONE, 100, "marché attribué")),
    ],
)
def test_status_and_progress_in_either_order(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    "text, status, comment",
    [
        ("47 fait, le marché est attribué", DONE, "le marché est attribué"),
        ("47 abandonné: plus de budget", ABANDONED, "plus de budget"),
        ("47 fait. Le marché est attribué.", DONE, "Le marché est attribué."),
        ("47 fait - reste la notification", DONE, "reste la notification"),
        ("47 fait – reste la notification", DONE, "reste la notification"),
        ("47 fait — reste la notification", DONE, "reste la notification"),
        ("47 fait ; reste la notification", DONE, "reste la notification"),
        ("47 en cours 50 % : réunion le 12", IN_PROGRESS, "réunion le 12"),
        ("47 en attente du collège", ON_HOLD, "en attente du collège"),
        ("47 ✅ merci à tous", DONE, None),
        ("47 fait\n\nle marché est attribué  ", DONE, "le marché est attribué"),
    ],
)
def test_the_rest_is_the_comment_with_leading_separators_trimmed(text, status, comment):
    line = parse_update(text)
    assert (line.status, line.comment) == (status, comment)


def test_a_status_word_later_in_the_comment_is_proposed_not_applied():
    """Changed (issue 19): a status word left in the comment contradicts the line."""
    with pytest.raises(Unsure) as asked:
        parse_update("47 fait, en cours de validation au collège")
    assert asked.value.lines == ("!maj 47 fait « en cours de validation au collège »",)


def test_a_percentage_later_in_the_comment_that_disagrees_is_proposed_not_applied():
    """Changed (issue 19): "fait … 80 %" is not stored as done with "80 %" in the comment."""
    with pytest.raises(Unsure) as asked:
        parse_update("47 fait, le budget est consommé à 80 %")
    assert "C'est bien ça ?" in str(asked.value)


@pytest.mark.parametrize(
    "text, comment",
    [
        ("47 le marché est attribué", "le marché est attribué"),
        ("47: réunion tenue avec le fournisseur", "réunion tenue avec le fournisseur"),
        ("action 47 - marché relancé", "marché relancé"),
    ],
)
def test_only_a_comment_leaves_status_and_progress_to_the_caller(text, comment):
    assert parse_update(text) == UpdateLine(("47",), None, None, comment, False)


def test_nothing_after_the_code_is_an_empty_line():
    assert parse_update("47") == UpdateLine(("47",), None, None, None, False)


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "text, refusal, word",
    [
        ("", MissingAction, ""),
        ("   ", MissingAction, ""),
        ("#", MissingAction, ""),
        ("fait", NotAnAction, "fait"),
        ("action fait", NotAnAction, "fait"),
        ("n° fait", NotAnAction, "fait"),
        ("A.B fait", NotAnAction, "A"),  # no digit: not a code
        ("1234567 fait", NotAnAction, "1234567"),
        ("47 fiat", NearStatus, "fiat"),
        ("47 fiat, le marché", NearStatus, "fiat"),
        ("47 fiat 50%", NearStatus, "fiat"),
        ("47 50% fiat", NearStatus, "fiat"),
        ("47 reporté.", UnknownStatus, "reporté"),
        ("47 pouet", UnknownStatus, "pouet"),
        ("47 ❌", UnknownStatus, "❌"),
        ("47 150%", ProgressOutOfRange, "150"),
        ("47 en cours 150 %", ProgressOutOfRange, "150"),
        ("47 en cours 100,5%", ProgressOutOfRange, "100,5"),
        ("47 en cours -5%", ProgressOutOfRange, "-5"),
        ("47 4000000000 %", ProgressOutOfRange, "4000000000"),
        ("47 fait (150%)", ProgressOutOfRange, "150"),
        ("47 50", NumberAfterAction, "50"),
        ("47 48 fait", NumberAfterAction, "48"),
        ("47 en cours 50", NumberWithoutPercent, "50"),
        ("47 en cours 50, marché attribué", NumberWithoutPercent, "50"),
    ],
)
def test_refusals_say_why_with_the_offending_word(text, refusal, word):
    with pytest.raises(GrammarError) as refused:
        parse_update(text)
    assert type(refused.value) is refusal
    assert word in str(refused.value)


def test_a_line_not_starting_with_an_action_is_refused_as_no_action():
    for text in ("", "fait", "bonjour à tous"):
        with pytest.raises(NoAction):
            parse_update(text)
    with pytest.raises(GrammarError) as asked:
        parse_update("47 pouet")
    assert not isinstance(asked.value, NoAction)


def test_a_refusal_is_a_user_error_the_engine_can_reply_with():
    with pytest.raises(UserError, match="quel statut"):
        parse_update("47 pouet")


def test_the_refused_word_is_shortened_in_the_reply():
    with pytest.raises(GrammarError) as refused:
        parse_update("47 " + "x" * 500)
    assert len(str(refused.value)) < 200


# ---------------------------------------------------------------- any text at all


@given(st.text(max_size=80))
def test_any_text_is_read_into_a_coherent_line_or_refused(text):
    try:
        line = parse_update(text)
    except GrammarError as refused:
        assert type(refused) is not GrammarError and str(refused)
        return
    assert line.codes and all(any(c.isdigit() for c in code) for code in line.codes)
    assert line.status is None or line.status in STATUSES
    assert line.progress is None or 0 <= line.progress <= 100
    assert line.comment is None or line.comment == line.comment.strip() != ""
    assert line.bare_progress == (line.progress is not None and line.status is None)


@given(
    code=st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,2}){0,2}", fullmatch=True),
    status=st.sampled_from(["fait", "en cours", "à démarrer", "suspendu", "abandonné"]),
    progress=st.integers(0, 100),
    space=st.sampled_from([" ", "\u00a0", "\u202f", "\u2009", ""]),
    comment=st.sampled_from(["", ", le marché est attribué", " : réunion le 12"]),
)
def test_the_canonical_form_always_reads_back(code, status, progress, space, comment):
    line = parse_update(f"{code} {status} {progress}{space}%{comment}")
    assert line.codes == (code,)
    assert (line.status, line.progress) == (status, progress)
    assert line.comment == (comment.lstrip(" ,:") or None)
