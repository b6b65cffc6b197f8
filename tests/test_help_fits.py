"""`aide` fits the person: a pilot's short help, CODIR's and readers' commands, an admin's and
`aide tout` every command; `aide maj` is one command's help."""

import pytest

from tests.conftest import ADMIN, LUC, REGISTRY, STRANGER, snapshot

CODIR_MEMBER = "@codir:example.org"


@pytest.fixture
def ask(engine):
    from commands.types import Message

    def send(sender: str, text: str):
        return engine.handle(Message(sender=sender, text=text, direct=True))

    return send


def test_a_pilots_help_is_short_with_their_commands_and_three_examples(ask):
    text = ask(LUC, "aide").text
    assert len(text) < 1000
    for name in ("maj", "note", "annuler", "mes-actions", "report"):
        assert f"!{name}" in text
    examples = text.split("Exemples : ")[1].splitlines()[0]
    assert examples.count("« ") == 3
    assert "aide tout" in text


def test_a_pilots_help_shows_no_admin_command(ask):
    text = ask(LUC, "aide").text
    for name in ("echeance", "role", "plan ", "ecomptes", "pilote XX"):
        assert f"!{name}" not in text


def test_aide_tout_lists_every_command(ask):
    text = ask(LUC, "aide tout").text
    for cmd in REGISTRY.commands.values():
        assert f"{cmd.signature()} — " in text


def test_an_admins_help_lists_every_command(ask):
    assert ask(ADMIN, "aide").text == ask(LUC, "aide tout").text


def test_codirs_help_shows_the_reports_but_no_update_command(ask):
    text = ask(CODIR_MEMBER, "aide").text
    assert "!evaluation" in text and "!tableau" in text
    for name in ("maj", "note", "annuler", "corriger", "echeance"):
        assert f"!{name} " not in text


def test_a_readers_help_shows_the_reading_commands_only(ask):
    text = ask(STRANGER, "aide").text
    assert "!action N" in text and "!synthese" in text
    for name in ("maj", "evaluation", "echeance", "annuler"):
        assert f"!{name} " not in text


def test_help_of_one_command_is_unchanged(ask):
    text = ask(LUC, "aide maj").text
    assert text.startswith("!maj N statut")


def test_help_for_an_unknown_word_is_refused_and_writes_nothing(ask, db):
    before = snapshot(db)
    reply = ask(LUC, "aide acton")
    assert reply.refused and "!action" in reply.text
    assert snapshot(db) == before
