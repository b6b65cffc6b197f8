"""Pilots ask, the DG decides (issue 24 item 1): `!demande` records a request and changes
nothing; `!demandes` lists them; `!valider N` applies one in its transaction (history, CODIR
post) and `!refuser N raison` answers; the pilot is told either way (a message recorded for
the bot to deliver). With `[access] validate`, a pilot's suspension or abandon is a request."""

from datetime import UTC, datetime

import pytest

from commands import requests_texts as texts
from commands.catalogue import build_registry
from commands.engine import Engine
from commands.types import Directory, Message
from storage import requests
from storage.actions import action_by_code, list_actions
from storage.history import entries
from storage.plans import only_plan

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
DG, LM, SV = "@dg:example.org", "@lm:example.org", "@sv:example.org"


def make_say(db, validate=frozenset()):
    directory = Directory(
        admins={DG},
        codir={"@codir:example.org"},
        links={"LM": {LM}, "SV": {SV}},
        validate=frozenset(validate),
    )
    engine = Engine(db, directory, build_registry(), clock=lambda: NOW)
    return lambda sender, text, direct=False: engine.handle(
        Message(sender=sender, text=text, room="!room", direct=direct)
    )


@pytest.fixture
def say(db):
    return make_say(db)


def action(db, code):
    return action_by_code(db, only_plan(db).id, code)


def told(db):
    return [(row["recipient"], row["text"]) for row in db.query("select * from sends order by key")]


def plan_state(db):
    return [
        (a.code, a.status, a.deadline, a.pilots, a.title)
        for a in list_actions(db, only_plan(db).id)
    ]


def test_a_deadline_request_changes_nothing_and_tells_the_codir(db, say):
    before = plan_state(db)

    reply = say(LM, "!demande 52 échéance 2027-06-30 raison marché relancé")

    assert reply.text == texts.RECORDED.format(id=1, what="report de l'action 52 au 2027-06-30")
    assert [post.text for post in reply.posts] == [
        "📨 Demande n° 1 de LM : report de l'action 52 au 2027-06-30 (marché relancé)"
        " — !valider 1 ou !refuser 1 raison"
    ]
    assert plan_state(db) == before


def test_validating_applies_the_deadline_in_the_history_and_tells_the_pilot(db, say):
    say(LM, "!demande 52 échéance 2027-06-30 raison marché relancé")

    reply = say(DG, "!valider 1")

    assert action(db, "52").deadline == "2027-06-30"
    assert reply.posts and reply.posts[0].room == "codir"
    last = entries(db, action(db, "52").number)[-1]
    assert (last["kind"], last["value"], last["who"]) == ("deadline", "2027-06-30", DG)
    assert told(db) == [
        (LM, "✅ Votre demande n° 1 est validée : report de l'action 52 au 2027-06-30.")
    ]
    assert say(DG, "!valider 1").text == texts.DECIDED.format(id=1, decision="validée")
    assert len(told(db)) == 1


def test_refusing_needs_a_reason_and_tells_the_pilot(db, say):
    say(LM, "!demande 52 abandon projet repris par la commune")
    before = plan_state(db)

    assert say(DG, "!refuser 1").text == texts.MISSING_REASON
    assert say(DG, "!refuser 1 .").text == texts.MISSING_REASON
    assert say(DG, "!refuser 1 👍").text == texts.MISSING_REASON
    reply = say(DG, "!refuser 1 on continue cette année")

    assert reply.text == texts.REFUSED.format(id=1, who="LM")
    assert plan_state(db) == before
    assert told(db) == [
        (LM, "❌ Votre demande n° 1 (abandonner l'action 52) est refusée : on continue cette année")
    ]


def test_not_me_validated_takes_the_pilot_off_the_action(db, say):
    say(LM, "!demande 52 pas moi")

    say(DG, "!valider 1")

    assert "LM" not in action(db, "52").pilots


def test_a_new_action_validated_is_created_in_its_oo_with_its_pilot(db, say):
    count = len(list_actions(db, only_plan(db).id))
    say(LM, "!demande nouvelle OO 3.1 titre Créer un guichet unique")
    assert len(list_actions(db, only_plan(db).id)) == count

    reply = say(DG, "!valider 1")

    created = [
        a for a in list_actions(db, only_plan(db).id) if a.title == "Créer un guichet unique"
    ]
    assert [(a.oo_number, a.pilots, a.status) for a in created] == [("3.1", ("LM",), "à démarrer")]
    assert created[0].code in reply.text


def test_the_dg_and_the_codir_see_open_requests(db, say):
    say(LM, "!demande 52 échéance 2027")
    say(LM, "!demande 52 suspendre attente du budget")

    listed = say(DG, "!demandes").text.splitlines()

    assert listed[0] == texts.OPEN_HEAD.format(count=2)
    assert listed[1:3] == [
        "• n° 1 — LM, le 02/03 : report de l'action 52 au 2027",
        "• n° 2 — LM, le 02/03 : suspendre l'action 52 (attente du budget)",
    ]
    assert say("@codir:example.org", "!demandes").text.startswith(texts.OPEN_HEAD[:8])
    say(DG, "!valider 2")
    assert say(DG, "!demandes").text.splitlines()[0] == texts.OPEN_HEAD.format(count=1)


@pytest.mark.parametrize(
    "line, refusal",
    [
        ("!demande", texts.MISSING),
        ("!demande 52", texts.MISSING),
        ("!demande 52 vacances", texts.UNKNOWN_KIND.format(word="vacances")),
        ("!demande 52 échéance", texts.DEADLINE_MISSING.format(code="52")),
        ("!demande 52 échéance bientôt", texts.DEADLINE_NOT_UNDERSTOOD.format(wanted="bientôt")),
        ("!demande 52 abandon", texts.REASON_MISSING.format(code="52", kind="abandon")),
        ("!demande nouvelle OO 9.9 titre X", texts.OO_UNKNOWN.format(oo="9.9")),
        ("!demande nouvelle OO 3.1", texts.TITLE_MISSING.format(oo="3.1")),
        ("!demande 29 échéance 2027", texts.NOT_PILOT.format(code="29", pilots="LW, DC")),
    ],
)
def test_a_request_not_understood_is_refused_in_french_and_records_nothing(db, say, line, refusal):
    reply = say(LM, line)

    assert reply.text == refusal
    assert db["requests"].count == 0


@pytest.mark.parametrize(
    "line, refusal",
    [
        ("!valider", texts.MISSING_NUMBER),
        ("!valider quatre", texts.NOT_A_NUMBER.format(word="quatre")),
        ("!valider 9", texts.UNKNOWN.format(id="9")),
        ("!refuser 9 non", texts.UNKNOWN.format(id="9")),
    ],
)
def test_a_decision_on_no_open_request_is_refused(db, say, line, refusal):
    assert say(DG, line).text == refusal


def test_only_admins_decide(db, say):
    say(LM, "!demande 52 échéance 2027")

    assert "réservée" in say(LM, "!valider 1").text
    assert db["requests"].get(1)["decided_at"] is None


def test_with_validate_a_pilots_abandon_is_a_request(db):
    say = make_say(db, {"abandon", "suspend"})

    reply = say(LM, "!maj 52 abandonné projet repris par la commune")

    assert action(db, "52").status != "abandonné"
    assert "demande n° 1" in reply.text
    say(DG, "!valider 1")
    assert action(db, "52").status == "abandonné"


def test_with_validate_the_admin_abandons_at_once(db):
    say = make_say(db, {"abandon"})

    say(DG, "!maj 52 abandonné projet repris par la commune")

    assert action(db, "52").status == "abandonné"
    assert db["requests"].count == 0


def test_without_validate_a_pilots_abandon_applies_at_once(db, say):
    say(LM, "!maj 52 abandonné projet repris par la commune")

    assert action(db, "52").status == "abandonné"


def test_a_deadline_request_not_a_date_is_given_its_date_by_the_dg(db, say):
    say(LM, "!report 52 quand le marché sera relancé")

    assert say(DG, "!valider 1").text == texts.BAD_DEADLINE.format(
        wanted="quand le marché sera relancé", id=1
    )
    assert say(DG, "!valider 1 2027-06-30").text.startswith("Demande n° 1 validée")
    assert action(db, "52").end.isoformat() == "2027-06-30"


def test_a_report_request_is_announced_and_listed_like_a_demande(db, say):
    unsaid = say(LM, "!report 53")
    reply = say(LM, "!report 52 2027")

    assert [post.room for post in reply.posts + unsaid.posts] == ["codir", "codir"]
    assert "report de l'action 52 au 2027" in reply.posts[0].text
    listed = say(DG, "!demandes").text
    assert "report de l'action 52 au 2027" in listed
    assert texts.WHAT_DEADLINE_UNSAID.format(code="53") in listed


def sent_and_asked(db):
    """Everything a refused request must leave as it was: the plan, the requests, the sends."""
    asked = [(row["id"], row["kind"]) for row in db.query("select * from requests")]
    return plan_state(db), asked, told(db)


def test_a_request_typed_twice_is_recorded_once(db, say):
    say(LM, "!demande 52 échéance 2027-06-30 raison marché relancé")
    before = sent_and_asked(db)

    again = say(LM, "!demande 52 echeance 30/06/2027")

    assert again.text == texts.ALREADY_MINE.format(
        id=1, what="report de l'action 52 au 2027-06-30"
    )
    assert again.posts == []
    assert sent_and_asked(db) == before


def test_another_pilots_same_request_names_the_open_one(db, say):
    say(LM, "!demande 63 abandon projet repris par la commune")

    again = say(SV, "!demande 63 abandon plus de budget")

    assert again.text == texts.ALREADY_ASKED.format(
        id=1, who="LM", what="abandonner l'action 63"
    )
    assert again.posts == []


def test_a_not_me_is_each_pilots_own(db, say):
    say(LM, "!demande 63 pas moi")

    assert say(LM, "!demande 63 pas moi").posts == []
    assert [post.room for post in say(SV, "!demande 63 pas moi").posts] == ["codir"]


def test_a_deadline_already_passed_is_refused(db, say):
    before = sent_and_asked(db)

    reply = say(LM, "!demande 52 échéance 2020-01-01 raison oubli")

    assert reply.text == texts.DEADLINE_PAST.format(wanted="2020-01-01")
    assert sent_and_asked(db) == before


def test_the_actions_own_deadline_is_not_asked_again(db, say):
    say(LM, "!demande 53 échéance 2027-06-30")
    say(DG, "!valider 1")
    before = sent_and_asked(db)

    reply = say(LM, "!report 53 30/06/2027")

    assert reply.text == texts.DEADLINE_SAME.format(code="53", deadline="2027-06-30")
    assert sent_and_asked(db) == before


def test_abandoning_an_abandoned_action_is_refused(db, say):
    say(LM, "!maj 52 abandonné projet repris par la commune")
    before = sent_and_asked(db)

    reply = say(LM, "!demande 52 abandon plus de budget")

    assert reply.text == texts.STATUS_SAME.format(code="52", status="abandonné")
    assert sent_and_asked(db) == before


def test_a_new_action_asked_twice_is_recorded_once(db, say):
    say(LM, "!demande nouvelle OO 3.1 titre Créer un guichet unique")

    again = say(SV, "!demande nouvelle OO 3.1 titre creer un GUICHET unique")

    assert again.posts == []
    assert again.text.startswith("La demande n° 1 de LM")
    elsewhere = say(SV, "!demande nouvelle OO 3.2 titre Créer un guichet unique")
    assert [post.room for post in elsewhere.posts] == ["codir"]


def test_a_decided_request_can_be_asked_again(db, say):
    say(LM, "!demande 52 abandon plus de budget")
    say(DG, "!refuser 1 on continue")

    assert [post.room for post in say(LM, "!demande 52 abandon budget supprimé").posts] == [
        "codir"
    ]


def test_a_report_with_words_after_the_date_asks_for_the_date_alone(db, say):
    say(LM, "!report 52 juin 2027 marché relancé")

    [row] = db.query("select wanted, reason from requests")
    assert (row["wanted"], row["reason"]) == ("juin 2027", "marché relancé")
    say(DG, "!valider 1")
    assert action(db, "52").deadline == "juin 2027"


def test_a_report_said_in_a_sentence_keeps_the_day_not_only_the_year(db, say):
    say(LM, "52 on demande une prolongation jusqu'au 31 mars 2028 svp", direct=True)

    [row] = db.query("select wanted from requests")
    assert row["wanted"] == "31 mars 2028"


def test_validating_with_a_past_date_is_refused_and_changes_nothing(db, say):
    say(LM, "!report 52 quand le marché sera relancé")
    before = sent_and_asked(db)

    reply = say(DG, "!valider 1 2020-01-01")

    assert reply.text == texts.PAST_DEADLINE.format(wanted="2020-01-01", id=1)
    assert sent_and_asked(db) == before
    assert db["requests"].get(1)["decided_at"] is None


def test_the_dgs_date_is_the_deadline_words_alone(db, say):
    say(LM, "!report 52 quand le marché sera relancé")

    say(DG, "!valider 1 fin juin 2027 svp, vu avec le service")

    assert action(db, "52").deadline == "fin juin 2027"


def test_a_pilots_new_date_replaces_their_open_request(db, say):
    say(LM, "!demande 52 échéance 2027-06-30 raison marché relancé")

    reply = say(LM, "!report 52 2027-09-30")

    assert texts.REPLACES.format(id=1) in reply.text
    assert texts.REPLACES.format(id=1) in reply.posts[0].text
    assert [r["id"] for r in requests.open_requests(db)] == [2]
    assert say(DG, "!valider 1").text == texts.DECIDED.format(id=1, decision="remplacée")
    say(DG, "!valider 2")
    assert action(db, "52").deadline == "2027-09-30"
    assert [who for who, _ in told(db)] == [LM]  # told of the decision, not of the replacement


def test_another_pilots_date_does_not_replace_a_request(db, say):
    say(LM, "!demande 63 échéance 2027-06-30")

    say(SV, "!demande 63 échéance 2027-09-30")

    assert [r["id"] for r in requests.open_requests(db)] == [1, 2]


def test_the_list_gives_the_day_a_request_was_made_in_brussels(db):
    directory = Directory(admins={DG}, links={"LM": {LM}})
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 00:30 on 03/03 in Brussels
    engine = Engine(db, directory, build_registry(), clock=lambda: late)
    engine.handle(Message(sender=LM, text="!demande 52 échéance 2027-06-30", room="!room"))

    listed = engine.handle(Message(sender=DG, text="!demandes", room="!room")).text

    assert "n° 1 — LM, le 03/03 :" in listed
