"""The question pointers are declared on the commands (`questions=` in `@command`): each names a
real command, and what it tells to type is understood by the engine."""

import pytest

from commands.types import Message
from tests.conftest import ADMIN, REGISTRY, SYLVIE

POINTERS = sorted({pointer for _, pointer in REGISTRY.questions()})


def test_commands_declare_question_pointers():
    assert len(REGISTRY.questions()) >= 20


@pytest.mark.parametrize("pointer", POINTERS)
def test_each_pointer_names_a_real_command(pointer):
    cmd, _, _ = REGISTRY.split(pointer)
    assert cmd is not None and pointer.startswith(f"!{cmd.name}")


@pytest.mark.parametrize("pointer", POINTERS)
def test_what_a_pointer_tells_to_type_is_understood_by_the_engine(engine, pointer):
    # A pilot and an admin who have just updated an action: one of them may run each command.
    for who, update in ((SYLVIE, "!maj 23 en cours"), (ADMIN, "!maj 47 fait")):
        assert not engine.handle(Message(sender=who, text=update, direct=True)).refused
    replies = [
        engine.handle(Message(sender=who, text=pointer, direct=True)) for who in (SYLVIE, ADMIN)
    ]
    assert any(reply.text and not reply.refused for reply in replies), [r.text for r in replies]


@pytest.mark.parametrize(
    ("question", "pointer"),
    [
        ("quelles sont mes actions en retard ?", "!mes-retards"),
        ("qu'est-ce qui est en retard ?", "!retard"),
        ("quelles sont mes actions ?", "!mes-actions"),
        ("comment voir une action ?", "!action 47"),
        ("où en est le plan ?", "!synthese"),
        ("qui a changé l'action 12 ?", "!historique 47"),
    ],
)
def test_a_question_points_to_the_command_declaring_it(engine, question, pointer):
    reply = engine.handle(Message(sender=SYLVIE, text=question, direct=True))
    assert reply.text == f"Pour cela, tapez : {pointer}"


def test_no_two_commands_share_a_questions_rank():
    # The rank decides which command a question with two meanings points to: it must not tie.
    ranks = [cmd.questions_rank for cmd in REGISTRY.commands.values() if cmd.questions]
    assert len(ranks) == len(set(ranks))


def test_a_broad_word_points_only_when_nothing_else_matches(engine):
    for question, pointer in (
        ("quel plan ?", "!synthese"),
        ("voir une action du plan ?", "!action 47"),
    ):
        reply = engine.handle(Message(sender=SYLVIE, text=question, direct=True))
        assert reply.text == f"Pour cela, tapez : {pointer}"
