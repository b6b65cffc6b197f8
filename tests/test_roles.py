"""Roles: admin, codir, pilot, reader, from the configuration and changed in chat by admins.

Every permission decision of every command is in PERMISSIONS below, run for each role.
"""

import pytest

from commands.types import ADMIN as ADMIN_ROLE
from commands.types import CODIR, PILOT, READER, Directory
from tests.conftest import ADMIN, LUC, REGISTRY, STRANGER, SYLVIE, snapshot

CODIR_MEMBER = "@codir:example.org"


# ---------------------------------------------------------------- who is what


def test_config_admin_codir_pilot_and_reader(directory):
    assert directory.identify(ADMIN).role == ADMIN_ROLE
    assert directory.identify(CODIR_MEMBER).role == CODIR
    assert directory.identify(SYLVIE).role == PILOT
    assert directory.identify(STRANGER).role == READER


def test_stored_role_wins_over_configuration(directory):
    changed = directory.with_stored([], {ADMIN: CODIR, STRANGER: ADMIN_ROLE})
    assert changed.identify(ADMIN).role == CODIR
    assert changed.identify(STRANGER).role == ADMIN_ROLE
    assert changed.admins == {STRANGER} and ADMIN in changed.codir


def test_with_stored_twice_starts_again_from_the_configuration(directory):
    once = directory.with_stored([], {ADMIN: CODIR})
    again = once.with_stored([], {})
    assert again.identify(ADMIN).role == ADMIN_ROLE


def test_reader_made_explicitly_cannot_update_even_with_a_pilot_link(directory):
    reader = directory.with_stored([], {SYLVIE: READER}).identify(SYLVIE)
    assert reader.pilots == {"SV", "chefs de service"}
    assert not reader.may_update(["SV"])


def test_codir_member_who_pilots_may_update_own_actions():
    directory = Directory(codir={"@chef:x"}, links={"SV": {"@chef:x"}})
    chef = directory.identify("@chef:x")
    assert chef.role == CODIR
    assert chef.may_update(["SV"]) and not chef.may_update(["LM"])


def test_admin_may_update_any_action(directory):
    assert directory.identify(ADMIN).may_update(["XYZ"])


# ---------------------------------------------------------------- every command, every role

# (command, sender, allowed). Pilots: SYLVIE is SV (action 23), LUC is LM (action 52).
PERMISSIONS = [
    *[
        (text, who, True)
        for text in [
            "!action 23",
            "!os 2",
            "!oo 2.1",
            "!retard",
            "!cherche audit",
            "!synthese",
            "!historique 23",
            "!moi",
            "!aide",
        ]
        for who in (ADMIN, CODIR_MEMBER, SYLVIE, STRANGER)
    ],
    ("!maj 23 en cours", SYLVIE, True),
    ("!maj 23 en cours", ADMIN, True),
    ("!maj 23 en cours", LUC, False),
    ("!maj 23 en cours", CODIR_MEMBER, False),
    ("!maj 23 en cours", STRANGER, False),
    ("!note 23 réunion", SYLVIE, True),
    ("!note 23 réunion", ADMIN, True),
    ("!note 23 réunion", LUC, False),
    ("!note 23 réunion", CODIR_MEMBER, False),
    ("!note 23 réunion", STRANGER, False),
    ("!indicateur 23 fait", SYLVIE, True),
    ("!indicateur 23 fait", ADMIN, True),
    ("!indicateur 23 fait", LUC, False),
    ("!indicateur 23 fait", CODIR_MEMBER, False),
    ("!indicateur 23 fait", STRANGER, False),
    ("!sante 23 risque", SYLVIE, True),
    ("!sante 23 risque", ADMIN, True),
    ("!sante 23 risque", LUC, False),
    ("!sante 23 risque", CODIR_MEMBER, False),
    ("!sante 23 risque", STRANGER, False),
    ("!echeance 23 2026-06", ADMIN, True),
    ("!echeance 23 2026-06", SYLVIE, False),
    ("!echeance 23 2026-06", CODIR_MEMBER, False),
    ("!echeance 23 2026-06", STRANGER, False),
    ("!pilote SV", ADMIN, True),
    ("!pilote SV", CODIR_MEMBER, True),
    ("!pilote SV", SYLVIE, False),
    ("!pilote SV", STRANGER, False),
    ("!pilotes", ADMIN, True),
    ("!pilotes", CODIR_MEMBER, True),
    ("!pilotes", SYLVIE, False),
    ("!pilotes", STRANGER, False),
    ("!pilote AB @anne:example.org", ADMIN, True),
    ("!pilote AB @anne:example.org", CODIR_MEMBER, False),
    ("!pilote AB @anne:example.org", SYLVIE, False),
    ("!pilote AB @anne:example.org", STRANGER, False),
    ("!role", ADMIN, True),
    ("!role @anne:example.org codir", ADMIN, True),
    ("!role @anne:example.org codir", CODIR_MEMBER, False),
    ("!role @anne:example.org codir", SYLVIE, False),
    ("!role @anne:example.org codir", STRANGER, False),
    (f"!historique {LUC}", ADMIN, True),
    (f"!historique {LUC}", CODIR_MEMBER, False),
    (f"!historique {LUC}", SYLVIE, False),
    (f"!historique {LUC}", STRANGER, False),
    *[
        (text, who, True)
        for text in ("!absent 20/12/2026", "!rappels off")
        for who in (ADMIN, CODIR_MEMBER, SYLVIE, STRANGER)
    ],
    ("!rappels pause", ADMIN, True),
    ("!rappels pause", CODIR_MEMBER, False),
    ("!rappels pause", SYLVIE, False),
    ("!rappels pause", STRANGER, False),
    ("!digest", ADMIN, True),
    ("!digest", CODIR_MEMBER, True),
    ("!digest", SYLVIE, False),
    ("!digest", STRANGER, False),
]


@pytest.mark.parametrize(("text", "sender", "allowed"), PERMISSIONS)
def test_permission(say, db, text, sender, allowed):
    say(LUC, "!maj 52 en cours")  # so that LUC has a history an admin can read
    if allowed:
        assert not say(sender, text).refused
        return
    before = snapshot(db)
    reply = say(sender, text)
    assert reply.refused
    assert any(word in reply.text for word in ("administrateur", "pilotes"))
    assert snapshot(db) == before


def test_every_command_appears_in_the_permission_table():
    tried = {REGISTRY.find(text.split()[0]).name for text, _, _ in PERMISSIONS}
    mine = {"action", "os", "oo", "retard", "cherche", "synthese", "historique", "moi", "aide"}
    mine |= {"maj", "note", "indicateur", "sante", "echeance", "pilote", "pilotes", "role"}
    mine |= {"absent", "rappels", "digest"}
    assert mine <= tried


def test_role_refusal_says_who_may_and_whom_to_ask(say):
    reply = say(SYLVIE, "!echeance 23 2026-06")
    assert reply.text == (
        f"La commande !echeance est réservée aux rôles : administrateur. Demandez à {ADMIN}."
    )


def test_update_refusal_names_the_pilots_and_who_may(say):
    text = say(LUC, "!note 23 x").text
    assert "pas pilote de l'action 23 (pilotes : SV)" in text
    assert "pilotes et les administrateurs" in text


# ---------------------------------------------------------------- !role


def test_admin_gives_codir_role_in_chat_stored_and_audited(say, db):
    reply = say(ADMIN, "!role @anne:example.org codir")
    assert reply.text == "@anne:example.org : lecteur → CODIR."
    assert db.execute("select role, who from roles").fetchall() == [("codir", ADMIN)]
    audit = list(db.query("select who, change, chat_id, role from directory_audit"))
    assert audit == [
        {"who": ADMIN, "change": "role", "chat_id": "@anne:example.org", "role": "codir"}
    ]
    assert "Rôle : CODIR (donné dans le chat)" in say("@anne:example.org", "!moi").text


def test_role_given_in_chat_takes_effect_at_the_next_message(say, db):
    assert say(STRANGER, "!echeance 23 2026-06").refused
    say(STRANGER, "!moi")
    say(ADMIN, f"!role {STRANGER} admin")
    assert not say(STRANGER, "!echeance 23 2026-06").refused


def test_admin_demoted_in_chat_loses_admin_commands(say):
    say("@dg2:example.org", "!moi")
    say(ADMIN, "!role @dg2:example.org admin")
    say("@dg2:example.org", f"!role {ADMIN} lecteur")
    reply = say(ADMIN, "!echeance 23 2026-06")
    assert reply.refused and "@dg2:example.org" in reply.text


def test_role_reset_gives_the_decision_back_to_the_configuration(say, db):
    say(ADMIN, f"!role {SYLVIE} lecteur")
    assert say(SYLVIE, "!maj 23 fait").refused
    reply = say(ADMIN, f"!role {SYLVIE} defaut")
    assert reply.text == f"{SYLVIE} : lecteur → pilote."
    assert db.execute("select count(*) from roles").fetchone()[0] == 0
    assert not say(SYLVIE, "!maj 23 fait").refused


def test_a_person_who_never_wrote_to_the_bot_cannot_be_made_admin(say, db):
    before = snapshot(db)
    reply = say(ADMIN, "!role @ghost:example.org admin")
    assert reply.refused and "n'a jamais écrit au bot" in reply.text
    assert snapshot(db) == before
    say("@ghost:example.org", "!moi")
    assert say(ADMIN, "!role @ghost:example.org admin").text.endswith("→ administrateur.")


def test_a_person_named_in_the_configuration_may_be_made_admin_before_writing(say):
    reply = say(ADMIN, f"!role {SYLVIE} admin")
    assert not reply.refused and reply.text == f"{SYLVIE} : pilote → administrateur."


@pytest.mark.parametrize("word", ["@ghost", "@ghost:", "@gh ost:x", "ghost:example.org"])
def test_role_needs_a_whole_chat_id(say, db, word):
    before = snapshot(db)
    reply = say(ADMIN, f"!role {word} admin")
    assert reply.refused and "n'est pas un identifiant de chat" in reply.text
    assert snapshot(db) == before


def test_last_admin_cannot_be_demoted(say, db):
    before = snapshot(db)
    reply = say(ADMIN, f"!role {ADMIN} codir")
    assert reply.refused and "dernier administrateur" in reply.text
    assert snapshot(db) == before


def test_admin_may_step_down_when_another_admin_exists(say):
    say("@dg2:example.org", "!moi")
    say(ADMIN, "!role @dg2:example.org admin")
    assert not say(ADMIN, f"!role {ADMIN} pilote").refused
    assert say(ADMIN, "!role").refused


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!role anne codir", "n'est pas un identifiant de chat"),
        ("!role @anne:example.org chef", "Rôle « chef » inconnu"),
        (f"!role {ADMIN} admin", "a déjà le rôle administrateur"),
    ],
)
def test_role_refusals_write_nothing(say, db, text, expected):
    before = snapshot(db)
    reply = say(ADMIN, text)
    assert reply.refused and expected in reply.text
    assert snapshot(db) == before


def test_role_without_arguments_lists_admins_codir_and_chat_changes(say):
    say(ADMIN, "!role @anne:example.org codir")
    text = say(ADMIN, "!role").text
    assert f"Administrateurs : {ADMIN}" in text
    assert "CODIR : @anne:example.org, @codir:example.org" in text
    assert "Donnés dans le chat : @anne:example.org (CODIR)" in text


def test_role_of_one_person_shows_what_the_bot_knows(say):
    text = say(ADMIN, f"!role {SYLVIE}").text
    assert f"Personne : {SYLVIE}" in text and "Rôle : pilote" in text
    assert "Pilote : SV, chefs de service" in text


def test_role_accepts_french_words_in_any_case(say, db):
    say(ADMIN, f"!role {SYLVIE} Lecteur")
    say("@bob:example.org", "!moi")
    say(ADMIN, "!role @bob:example.org ADMINISTRATEUR")
    assert dict(db.execute("select chat_id, role from roles").fetchall()) == {
        SYLVIE: READER,
        "@bob:example.org": ADMIN_ROLE,
    }
