"""Reporting campaigns (issue 24 item 2): `!campagne début fin [OS n]` asks every pilot of
the scope within a window; `!campagne` gives the response rate; the schedule sends one grouped
request per person at the opening and one reminder two working days before the close to
those still missing; the situation at the close is kept for the evaluation; the digest says
where an open campaign stands."""

from datetime import UTC, datetime

import pytest

from commands import campaign_texts as texts
from commands.catalogue import build_registry
from commands.engine import Engine
from commands.files import evaluation_file
from commands.schedule import Rhythm, due, reminders
from commands.types import Directory, Message
from storage import sends
from storage.actions import list_actions
from storage.plans import only_plan

DG, LM, SV = "@dg:example.org", "@lm:example.org", "@sv:example.org"


class Clock:
    def __init__(self, moment):
        self.now = moment

    def __call__(self):
        return self.now


@pytest.fixture
def setup(db):
    directory = Directory(admins={DG}, codir={"@codir:example.org"}, links={"LM": {LM}, "SV": {SV}})
    clock = Clock(datetime(2027, 2, 26, 9, tzinfo=UTC))
    engine = Engine(db, directory, build_registry(), clock=clock)

    def say(sender, text):
        return engine.handle(Message(sender=sender, text=text, room="!room")).text

    return say, clock, directory


def asks(db, directory, moment):
    found = [o for o in due(db, Rhythm(), directory, moment) if o.kind.startswith("campaign")]
    return {(o.kind, o.recipient): o for o in found}


def in_scope(db, os_number):
    return [
        a
        for a in list_actions(db, only_plan(db).id)
        if a.os_number == os_number and a.status not in ("fait", "abandonné")
    ]


def test_a_campaign_counts_its_pilots_and_actions(db, setup):
    say, _, _ = setup
    scope = in_scope(db, 3)
    pilots = {p for a in scope for p in a.pilots}

    reply = say(DG, "!campagne 2027-03-01 2027-03-15 OS 3")

    assert reply.startswith(f"Campagne n° 1 du 01/03/2027 au 15/03/2027 : {len(pilots)} pilotes,")
    assert say(DG, "!campagne").splitlines()[0] == texts.RATE.format(
        id=1,
        opens="01/03",
        closes="15/03/2027",
        scope=", OS 3",
        pilots=f"0/{len(pilots)}",
        actions=f"0/{len(scope)}",
    )


def test_an_answer_within_the_window_counts_an_undone_one_does_not(db, setup):
    say, clock, _ = setup
    say(DG, "!campagne 2027-03-01 2027-03-15 OS 3")
    clock.now = datetime(2027, 3, 2, 9, tzinfo=UTC)
    say(LM, "!maj 52 en cours 20%")
    say(SV, "!maj 51 en cours 10%")
    say(SV, "!annuler")

    first = say(DG, "!campagne").splitlines()[0]

    assert f"1/{len(in_scope(db, 3))} actions" in first


def test_each_person_gets_one_grouped_request_at_the_opening_once(db, setup):
    say, _, directory = setup
    say(DG, "!campagne 2027-03-01 2027-03-15 OS 3")

    assert asks(db, directory, datetime(2027, 2, 28, 9, tzinfo=UTC)) == {}
    found = asks(db, directory, datetime(2027, 3, 1, 9, tzinfo=UTC))
    mine = found[("campaign-open", LM)]
    lm_actions = [a.code for a in in_scope(db, 3) if "LM" in a.pilots]
    assert mine.actions == tuple(lm_actions)
    assert mine.text.startswith(texts.OPEN_HEAD.format(count=len(lm_actions), closes="15/03/2027"))
    for outgoing in found.values():
        assert sends.record(db, outgoing)
    assert asks(db, directory, datetime(2027, 3, 2, 9, tzinfo=UTC)) == {}


def test_no_regular_reminder_the_day_a_campaign_asks_the_next_working_day_it_comes(db, setup):
    say, _, directory = setup
    opening = datetime(2027, 3, 1, 9, tzinfo=UTC)
    assert LM in {o.recipient for o in reminders(db, Rhythm(), directory, opening)}
    say(DG, "!campagne 2027-03-01 2027-03-15 OS 3")

    first = [(o.kind, o.recipient) for o in due(db, Rhythm(), directory, opening)]
    for outgoing in due(db, Rhythm(), directory, opening):
        sends.record(db, outgoing)
    later = [(o.kind, o.recipient) for o in due(db, Rhythm(), directory, opening.replace(hour=14))]
    next_day = [
        (o.kind, o.recipient)
        for o in due(db, Rhythm(), directory, datetime(2027, 3, 2, 9, tzinfo=UTC))
    ]

    assert ("campaign-open", LM) in first and ("reminder", LM) not in first
    assert ("reminder", LM) not in later
    assert ("reminder", LM) in next_day


def test_one_reminder_two_working_days_before_the_close_to_those_missing(db, setup):
    say, clock, directory = setup
    say(DG, "!campagne 2027-03-01 2027-03-15 OS 3")  # closes on a Monday
    for outgoing in asks(db, directory, datetime(2027, 3, 1, 9, tzinfo=UTC)).values():
        sends.record(db, outgoing)
    clock.now = datetime(2027, 3, 2, 9, tzinfo=UTC)
    for action in in_scope(db, 3):
        if action.pilots == ("SV",):
            say(SV, f"!maj {action.code} ras")

    assert asks(db, directory, datetime(2027, 3, 10, 9, tzinfo=UTC)) == {}
    found = asks(db, directory, datetime(2027, 3, 11, 9, tzinfo=UTC))  # Thursday
    nudged = {recipient for kind, recipient in found if kind == "campaign-nudge"}
    assert LM in nudged
    sv_missing = [a for a in in_scope(db, 3) if "SV" in a.pilots and a.pilots != ("SV",)]
    assert (SV in nudged) == bool(sv_missing)
    for outgoing in found.values():
        sends.record(db, outgoing)
    assert asks(db, directory, datetime(2027, 3, 12, 9, tzinfo=UTC)) == {}


def test_the_situation_at_the_close_is_kept_and_later_changes_do_not_move_it(db, setup):
    say, clock, _ = setup
    say(DG, "!campagne 2027-03-01 2027-03-15 OS 3")
    clock.now = datetime(2027, 3, 2, 9, tzinfo=UTC)
    say(LM, "!maj 52 en cours 20% marché lancé")
    clock.now = datetime(2027, 3, 16, 9, tzinfo=UTC)
    assert texts.CLOSED_KEPT.format(id=1) in say(DG, "!campagne")
    say(LM, "!maj 52 fait")

    kept = evaluation_file(db, only_plan(db), "md", clock.now, campaign=1).data.decode()
    now = evaluation_file(db, only_plan(db), "md", clock.now).data.decode()

    assert section_of(kept, "Action 52 –") == "Actions en cours"
    assert section_of(now, "Action 52 –") == "Actions réalisées"


def section_of(markdown: str, start: str) -> str:
    """The « Actions … » heading a line starting with `start` stands under."""
    heading = ""
    for line in markdown.splitlines():
        words = line.strip("#* ")
        if line.startswith("#") and words.startswith("Actions "):
            heading = words.split(" (")[0]
        if line.strip("* ").startswith(start):
            return heading
    return ""


def test_the_evaluation_of_an_open_campaign_is_refused(db, setup):
    from commands.errors import UserError

    say, _, _ = setup
    say(DG, "!campagne 2027-03-01 2027-03-15")

    with pytest.raises(UserError, match="pas encore close"):
        evaluation_file(db, only_plan(db), "md", datetime(2027, 3, 2, tzinfo=UTC), campaign=1)


def test_the_digest_says_where_an_open_campaign_stands(db, setup):
    say, _, directory = setup
    say(DG, "!campagne 2027-03-01 2027-03-15 OS 3")

    [digest] = [
        o
        for o in due(db, Rhythm(), directory, datetime(2027, 3, 8, 9, tzinfo=UTC))
        if o.kind == "digest"
    ]

    assert "Campagne n° 1 (01/03 → 15/03/2027, OS 3) : 0/" in digest.text


@pytest.mark.parametrize(
    "line, refusal",
    [
        ("!campagne 2027-03-01", texts.MISSING_CLOSE),
        ("!campagne 2027-03-15 2027-03-01", texts.CLOSE_BEFORE_OPEN),
        ("!campagne 2027-02-01 2027-02-15", texts.CLOSE_PAST.format(closes="15/02/2027")),
        ("!campagne demain 2027-03-15", texts.BAD_DAY.format(word="demain")),
        ("!campagne 2027-03-01 2027-03-15 OS 9", texts.NO_SUCH_OS.format(os=9)),
        ("!campagne 2027-03-01 2027-03-15 partout", texts.BAD_SCOPE.format(word="partout")),
    ],
)
def test_a_campaign_not_understood_is_refused_and_nothing_is_created(db, setup, line, refusal):
    say, _, _ = setup

    assert say(DG, line) == refusal
    assert db["campaigns"].count == 0


def test_one_campaign_at_a_time_and_only_admins_start_one(db, setup):
    say, _, _ = setup
    say(DG, "!campagne 2027-03-01 2027-03-15")

    assert say(DG, "!campagne 2027-03-10 2027-03-20") == texts.OVERLAP.format(id=1)
    assert say("@codir:example.org", "!campagne 2027-04-01 2027-04-15") == texts.ADMINS_ONLY
    assert db["campaigns"].count == 1


def test_those_missing_beyond_ten_are_counted_not_dropped(db, setup):
    say, _, _ = setup
    say(DG, "!campagne 2027-03-01 2027-03-15")
    pilots = {p for os_number in range(1, 7) for a in in_scope(db, os_number) for p in a.pilots}

    missing = say(DG, "!campagne").splitlines()[1]

    assert missing.startswith("Sans réponse : ")
    assert missing.count("(") == 10
    assert missing.endswith(texts.MORE.format(count=len(pilots) - 10))


def test_a_campaign_is_shown_by_its_number(db, setup):
    say, clock, _ = setup
    say(DG, "!campagne 2027-03-01 2027-03-15 OS 3")
    clock.now = datetime(2027, 3, 20, 9, tzinfo=UTC)
    say(DG, "!campagne 2027-04-01 2027-04-15")

    assert say(DG, "!campagne 1").startswith("Campagne n° 1 (01/03 → 15/03/2027, OS 3)")
    assert say("@codir:example.org", "!campagne n°2").startswith("Campagne n° 2 (01/04")
    assert say(DG, "!campagne 7") == texts.NO_SUCH_CAMPAIGN.format(id=7)
    assert db["campaigns"].count == 2
