"""The pilot directory in chat: !pilote, !pilotes, !moi; stored, audited, winning over config."""

import pytest

from commands.engine import Engine
from storage import people
from tests.conftest import ADMIN, LUC, NOW, REGISTRY, STRANGER, SYLVIE, snapshot

ANNE = "@anne:example.org"


def audit_log(db) -> list[dict]:
    """The directory changes made in chat, newest first."""
    return list(db.query("select * from directory_audit order by id desc"))


CODIR_MEMBER = "@codir:example.org"


def test_link_initials_to_a_person_stored_and_audited(say, db):
    reply = say(ADMIN, f"!pilote AB {ANNE}")
    assert reply.text.startswith(f"{ANNE} est maintenant lié(e) au pilote AB (")
    assert people.stored_links(db) == [("AB", ANNE, True)]
    [audit] = audit_log(db)
    assert (audit["who"], audit["change"], audit["pilot"], audit["chat_id"]) == (
        ADMIN,
        "link",
        "AB",
        ANNE,
    )
    assert audit["at"] == NOW.isoformat()


def test_linked_person_becomes_pilot_at_the_next_message(say):
    assert say(ANNE, "!maj 26 en cours").refused  # action 26: AB
    say(ADMIN, f"!pilote AB {ANNE}")
    assert not say(ANNE, "!maj 26 en cours").refused
    assert "Pilote : AB" in say(ANNE, "!moi").text


def test_link_survives_a_restart(say, db, directory):
    say(ADMIN, f"!pilote AB {ANNE}")
    restarted = Engine(db, directory, REGISTRY, clock=lambda: NOW)
    # Linked in a room of the plan "pst": a pilot of that plan.
    assert restarted.directory.for_plan("pst").identify(ANNE).pilots == {"AB"}


def test_pilot_code_is_forgiving_on_case_accents_and_spaces(say, db):
    say(ADMIN, f"!pilote ab {ANNE}")
    say(ADMIN, "!pilote Comite  des FETES @fetes:example.org")
    assert people.stored_links(db) == [
        ("AB", ANNE, True),
        ("comité des fêtes", "@fetes:example.org", True),
    ]


def test_group_is_linked_to_several_people_in_one_command(say, db):
    reply = say(ADMIN, "!pilote Service RH @rh1:example.org @rh2:example.org")
    assert reply.text.count("est maintenant lié(e) au pilote Service RH") == 2
    for person in ("@rh1:example.org", "@rh2:example.org"):
        assert not say(person, "!note 79 campagne lancée").refused  # action 79: Service RH


def test_unlink_a_person(say, db):
    say(ADMIN, f"!pilote AB {ANNE}")
    reply = say(ADMIN, f"!pilote AB retirer {ANNE}")
    assert reply.text == f"{ANNE} n'est plus lié(e) au pilote AB."
    assert say(ANNE, "!maj 26 en cours").refused
    assert [a["change"] for a in audit_log(db)] == ["unlink", "link"]


def test_unlinking_a_link_from_the_configuration_wins_over_it(say, db):
    say(ADMIN, f"!pilote SV -{SYLVIE}")
    assert people.stored_links(db) == [("SV", SYLVIE, False)]
    assert say(SYLVIE, "!maj 23 fait").refused
    assert "SV" not in say(SYLVIE, "!moi").text.split("Pilote : ")[1]


def test_show_pilot_lists_people_and_actions(say):
    text = say(ADMIN, "!pilote sv").text
    assert text.startswith(f"Pilote SV : {SYLVIE}")
    assert "Actions : " in text and "23, 24, 25" in text


def test_show_pilot_without_anybody_says_how_to_link(say):
    text = say(CODIR_MEMBER, "!pilote AB").text
    assert text.startswith("Personne n'est lié au pilote AB. Pour le lier : !pilote AB @")


def test_pilots_lists_counts_and_those_without_anybody(say):
    text = say(ADMIN, "!pilotes").text
    assert f"• LM (29 actions) : {LUC}" in text
    assert "• chefs de service (" in text
    unlinked = text.split("Sans personne liée")[1]
    assert "AB (" in unlinked and "SV (" not in unlinked


def test_pilots_marks_a_linked_code_absent_from_the_plan(say, directory, db):
    directory.links["XX"] = {ANNE}
    text = say(ADMIN, "!pilotes").text
    assert f"• XX (absent du PST) : {ANNE}" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!pilote", "Il manque les initiales du pilote"),
        (f"!pilote ZZQ {ANNE}", "Pilote « ZZQ » inconnu du PST"),
        (f"!pilote ABB {ANNE}", "Vouliez-vous dire « AB » ?"),
        (f"!pilote SV {SYLVIE}", "déjà lié(e) au pilote SV"),
        (f"!pilote AB retirer {ANNE}", "n'est pas lié(e) au pilote AB"),
        ("!pilote AB retirer", "Il manque la personne"),
        ("!pilote AB retirer anne", "« anne » n'est pas un identifiant de chat"),
        ("!pilote AB @", "n'est pas un identifiant de chat"),
        # The first link of the command is rolled back with the refused second one.
        (f"!pilote AB {ANNE} {SYLVIE} {ANNE}", "déjà lié(e) au pilote AB"),
    ],
)
def test_pilot_refusals_write_nothing(say, db, text, expected):
    before = snapshot(db)
    reply = say(ADMIN, text)
    assert reply.refused and expected in reply.text
    assert snapshot(db) == before


def test_directory_change_refused_for_codir_says_who_can(say, db):
    before = snapshot(db)
    reply = say(CODIR_MEMBER, f"!pilote AB {ANNE}")
    assert reply.refused
    assert "Seuls les administrateurs modifient l'annuaire" in reply.text and ADMIN in reply.text
    assert snapshot(db) == before


def test_whoami_for_a_pilot(say):
    text = say(SYLVIE, "!moi").text
    assert text.startswith(f"Vous : {SYLVIE}\nRôle : pilote — peut lire le PST et mettre à jour")
    assert "Pilote : SV, chefs de service —" in text and "en retard" in text


def test_whoami_for_an_admin(say):
    text = say(ADMIN, "!whoami").text
    assert "Rôle : administrateur — peut tout" in text


def test_whoami_for_a_stranger_says_how_to_get_linked(say):
    text = say(STRANGER, "!MOI").text
    assert "Rôle : lecteur — peut lire le PST." in text
    assert "Vous n'êtes lié(e) à aucun pilote" in text


def test_whoami_for_a_codir_member_who_pilots(say):
    say(ADMIN, f"!pilote AB {CODIR_MEMBER}")
    text = say(CODIR_MEMBER, "!moi").text
    assert "Rôle : CODIR — peut lire tout le PST et recevoir les synthèses ; mettre à jour" in text
