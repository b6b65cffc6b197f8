"""A Teams person in the directory: `aad:<Entra object id>` or the UPN, beside Matrix ids."""

from commands import texts
from commands.render import person_name
from commands.types import Directory, Message
from tests.conftest import ADMIN

OBJECT_ID = "0f3c2a9e-51b4-4c1e-9a57-3d2b1c0e8f11"


def test_an_admin_links_a_pilot_to_a_teams_object_id_and_a_upn(say):
    reply = say(ADMIN, f"!pilote AB aad:{OBJECT_ID} Anne.Dubois@CPAS.be")
    assert not reply.refused, reply.text
    assert f"aad:{OBJECT_ID}" in reply.text and "anne.dubois@cpas.be" in reply.text


def test_a_teams_person_linked_in_chat_updates_their_action(say, engine):
    say(ADMIN, "!pilote SV anne@cpas.be")
    reply = engine.handle(Message(sender="anne@cpas.be", text="!maj 23 fait", transport="teams"))
    assert reply.text.startswith("Action 23 : à démarrer → fait")


def test_one_person_may_have_a_matrix_id_and_a_teams_identity(db):
    directory = Directory(links={"LM": {"@luc:example.org", "luc@cpas.be"}})
    assert directory.identify("luc@cpas.be").pilots == directory.identify("@luc:example.org").pilots


def test_a_malformed_teams_identity_is_refused_in_french(say):
    reply = say(ADMIN, "!pilote AB aad:pas-un-identifiant")
    assert reply.refused and "aad:<identifiant Entra>" in reply.text


def test_a_teams_person_is_named_without_their_object_id():
    directory = Directory(links={"LM": {f"aad:{OBJECT_ID}"}})
    assert person_name(directory, f"aad:{OBJECT_ID}") == "LM"
    assert person_name(Directory(), f"aad:{OBJECT_ID}") == "un membre Teams"
    assert person_name(Directory(), f"aad:{OBJECT_ID}", "Anne Dubois") == "Anne Dubois"
    assert person_name(Directory(), "anne.dubois@cpas.be") == "anne.dubois"


def test_a_refusal_points_to_admins_one_can_write_to(say):
    assert texts.ask_admins({f"aad:{OBJECT_ID}", "dg@cpas.be"}) == " Demandez à dg@cpas.be."
