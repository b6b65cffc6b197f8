"""Properties of the DG's requests and campaigns (issue 24), over sequences hypothesis draws,
and the phone-typed `!demande` corpus (tests/corpus/requests_by_phone.toml) with its readings.

- Nothing a pilot asks changes the plan before `!valider`: any run of `!demande` forms, `!report`
  and, with `[access] validate`, `!maj N suspendu|abandonné …` leaves actions, pilots and
  history as they were; a request the DG already has open is refused and recorded once;
  another date from the same person replaces their open request on that action.
- `!valider N` applies exactly what request N asks, once: a second `!valider N` is refused in
  French and applies nothing; `!refuser N` without a reason is refused; either way the pilot
  is told once.
- A campaign's rate never exceeds its scope and counts an action answered only when a change
  said inside the window still stands (an undone change does not count); its one reminder goes
  to exactly the people still missing, listing exactly their actions without word.
"""

import sqlite3
import tomllib
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from commands import campaign_texts
from commands import requests_texts as texts
from commands.campaigns import NUDGE, OPENING, Rate, asks, nudge_day, rate
from commands.catalogue import build_registry
from commands.engine import Engine
from commands.schedule import Rhythm, campaign_asks, due, quiet_day
from commands.types import Directory, Message
from storage import campaigns, sends
from storage.actions import list_actions
from storage.db import open_db
from storage.deadlines import read_deadline
from storage.importing import import_plan, load_example
from storage.plans import only_plan
from storage.vocabulary import ABANDONED, CLOSED, NOT_STARTED, ON_HOLD, code_key
from tests.conftest import ADMIN, LUC, SYLVIE
from tests.test_corpus import CORPUS, DOMINIQUE, fresh_engine

ZONE = ZoneInfo("Europe/Brussels")
PEOPLE = {LUC: "LM", SYLVIE: "SV", DOMINIQUE: "DB"}
DIRECTORY = Directory(
    admins={ADMIN},
    codir={"@codir:example.org"},
    links={pilot: {person} for person, pilot in PEOPLE.items()},
    validate=frozenset({"abandon", "suspend", "echeance"}),
)
START = datetime(2027, 1, 4, 9, tzinfo=ZONE)


def _template() -> sqlite_utils.Database:
    db = open_db(":memory:")
    import_plan(db, load_example())
    return db


_TEMPLATE = _template()
_PLAN = only_plan(_TEMPLATE).id
ACTIONS = list_actions(_TEMPLATE, _PLAN)
#: Each person's open actions, and the plan's OOs.
THEIRS = {
    person: sorted((a.code for a in ACTIONS if pilot in a.pilots), key=code_key)
    for person, pilot in PEOPLE.items()
}
NOT_THEIRS = {
    person: [a.code for a in ACTIONS if pilot not in a.pilots][:5]
    for person, pilot in PEOPLE.items()
}
OOS = sorted({a.oo_number for a in ACTIONS}, key=code_key)
CODES = {a.number: a.code for a in ACTIONS}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def fresh() -> tuple[Engine, Clock]:
    """An engine over a copy of the example plan (copied, not imported again: fast)."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    _TEMPLATE.conn.backup(conn)
    clock = Clock(START)
    return Engine(sqlite_utils.Database(conn), DIRECTORY, build_registry(), clock=clock), clock


def say(engine: Engine, sender: str, text: str):
    return engine.handle(Message(sender=sender, text=text, room="!room"))


def plan_state(db) -> dict[str, tuple]:
    return {
        a.code: (a.status, a.progress, a.deadline, a.end, a.pilots, a.title, a.oo_number)
        for a in list_actions(db, _PLAN)
    }


def counts(db) -> tuple[int, int]:
    """History entries, and messages recorded for the pilots."""
    history = db.execute("select count(*) from updates").fetchone()[0]
    told = db.execute("select count(*) from sends where kind = 'request'").fetchone()[0]
    return history, told


# ---------------------------------------------------------------- requests

DEADLINES = ("2027-06-30", "juin 2027", "30 juin 2027", "T2 2027", "2028", "fin 2027", "31/12/2027")
REASONS = ("", " raison marché relancé", " car attente du budget", " parce que travaux")
#: form -> (the kind it asks, the line); `code`, `deadline`, `reason`, `oo` filled in.
FORMS = {
    "deadline": ("echeance", "!demande {code} échéance {deadline}{reason}"),
    "report": ("echeance", "!demande {code} report au {deadline}{reason}"),
    "deferral": ("echeance", "!report {code} {deadline}"),
    "not me": ("pas-moi", "!demande {code} pas moi"),
    "not me said": ("pas-moi", "!demande {code} c'est pas moi"),
    "new": ("nouvelle-action", "!demande nouvelle OO {oo} titre Guichet {code}"),
    "suspend": ("suspend", "!demande {code} suspendre attente du budget"),
    "abandon": ("abandon", "!demande {code} abandon projet repris par la commune"),
    "suspended": ("suspend", "!maj {code} suspendu attente du budget"),
    "abandoned": ("abandon", "!maj {code} abandonné projet repris"),
    # Refused, and must change nothing either.
    "no reason": (None, "!demande {code} abandon"),
    "unknown": (None, "!demande {code} vacances"),
    "not theirs": (None, "!demande {other} échéance 2027"),
}


@st.composite
def asked(draw):
    sender = draw(st.sampled_from(sorted(PEOPLE)))
    form = draw(st.sampled_from(sorted(FORMS)))
    kind, line = FORMS[form]
    code, deadline, oo = (
        draw(st.sampled_from(THEIRS[sender])),
        draw(st.sampled_from(DEADLINES)),
        draw(st.sampled_from(OOS)),
    )
    text = line.format(
        code=code,
        other=draw(st.sampled_from(NOT_THEIRS[sender])),
        deadline=deadline,
        reason=draw(st.sampled_from(REASONS)),
        oo=oo,
    )
    return sender, kind, text, same_as(kind, sender, code, deadline, oo)


def same_as(kind: str | None, sender: str, code: str, deadline: str, oo: str) -> tuple:
    """What makes two requests one: the same change of the same action (a « pas moi » is each
    person's own, a deadline is what it says), or the same new action in the same OO."""
    if kind == "nouvelle-action":
        return kind, oo, f"guichet {code}"
    if kind == "pas-moi":
        return kind, code, sender
    if kind == "echeance":
        return kind, code, read_deadline(deadline)
    return kind, code


def expected_after(before: dict, row: dict, pilots: set[str], code: str | None) -> dict:
    """The plan once request `row` (by a person piloting `pilots`, on action `code`) is
    applied to `before`."""
    after = dict(before)
    if row["kind"] == "nouvelle-action":
        code = str(max(int(c) for c in before) + 1)
        mine = tuple(sorted(pilots, key=code_key))
        after[code] = (NOT_STARTED, None, "", None, mine, row["wanted"], row["oo_number"])
        return after
    status, progress, deadline, end, owners, title, oo = before[code]
    if row["kind"] == "echeance":
        deadline, end = row["wanted"], read_deadline(row["wanted"]).end
    elif row["kind"] == "pas-moi":
        owners = tuple(p for p in owners if p not in pilots)
    else:
        status = {"suspend": ON_HOLD, "abandon": ABANDONED}[row["kind"]]
    after[code] = (status, progress, deadline, end, owners, title, oo)
    return after


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(asked(), min_size=1, max_size=8),
    decisions=st.lists(st.sampled_from(["valider", "refuser", "refuser sans raison"]), min_size=8),
    order=st.randoms(use_true_random=False),
)
def test_nothing_changes_before_validation_and_each_request_applies_once(lines, decisions, order):
    engine, clock = fresh()
    db = engine.db
    before = plan_state(db)
    history = counts(db)[0]
    recorded, open_ones, dates = 0, set(), {}
    for sender, kind, text, key in lines:
        clock.now += timedelta(minutes=20)
        reply = say(engine, sender, text)
        again = kind is not None and key in open_ones
        assert reply.refused == (kind is None or again), (text, reply.text)
        if again:
            event("the same request asked again: refused")
            assert "attend déjà la décision du DG" in reply.text, reply.text
            kind = None
        if kind == "echeance":  # another date from the same person replaces their first
            replaced = dates.pop((sender, key[1]), None)
            open_ones.discard(replaced)
            dates[(sender, key[1])] = key
            if replaced is not None:
                event("another date replaces the person's open request")
        open_ones.add(key)
        recorded += kind is not None
        assert db["requests"].count == recorded, text
        if kind is not None:
            assert db.execute("select max(id), kind from requests").fetchone()[1] == kind
        assert plan_state(db) == before, text
        assert counts(db) == (history, 0), text

    ids = [row["id"] for row in db.query("select id from requests")]
    order.shuffle(ids)
    for number, decision in zip(ids, decisions, strict=False):
        row = db["requests"].get(number)
        state, (entries, told) = plan_state(db), counts(db)
        if row["decision"] == "remplacée":
            replaced = texts.DECIDED.format(id=number, decision="remplacée")
            assert say(engine, ADMIN, f"!valider {number}").text == replaced
            assert (plan_state(db), counts(db)) == (state, (entries, told))
            continue
        if decision == "refuser sans raison":
            assert say(engine, ADMIN, f"!refuser {number}").text == texts.MISSING_REASON
            assert db["requests"].get(number)["decided_at"] is None
            assert (plan_state(db), counts(db)) == (state, (entries, told))
            continue
        if decision == "refuser":
            reply = say(engine, ADMIN, f"!refuser {number} pas cette année")
            assert reply.text.startswith(f"Demande n° {number} refusée")
            assert (plan_state(db), counts(db)) == (state, (entries, told + 1))
            done = "refusée"
        else:
            reply = say(engine, ADMIN, f"!valider {number}")
            assert reply.text.startswith(f"Demande n° {number} validée"), reply.text
            pilots = DIRECTORY.pilots_of(row["who"])
            code = CODES.get(row["action_number"])
            assert plan_state(db) == expected_after(state, row, pilots, code)
            assert counts(db) == (entries + 1, told + 1)
            done = "validée"
        event(f"{done}: {row['kind']}")
        [message] = db.query("select * from sends where key like ?", [f"request:{number}:%"])
        assert message["recipient"] == row["who"]
        assert message["text"].startswith(("✅", "❌")[done == "refusée"] + " Votre demande")
        state, tally = plan_state(db), counts(db)
        for again in (f"!valider {number}", f"!refuser {number} non"):
            assert say(engine, ADMIN, again).text == texts.DECIDED.format(id=number, decision=done)
        assert (plan_state(db), counts(db)) == (state, tally)


#: How a pilot may put the deadline in a line, around it and after it.
DEADLINE_LINES = (
    "!report {code} {lead}{deadline}{tail}",
    "!demande {code} échéance {lead}{deadline}{tail}",
    "!demande {code} une nouvelle échéance {lead}{deadline}{tail}",
    "{code} on demande un report {lead}{deadline}{tail}",
    "demande {code} une prolongation {lead}{deadline}{tail}",
)
LEADS = ("", "au ", "à ", "pour le ", "jusqu'au ", ": ")
TAILS = ("", " svp", " marché relancé", " car attente du budget", " svp merci", ".")


@settings(max_examples=150, deadline=None)
@given(
    line=st.sampled_from(DEADLINE_LINES),
    lead=st.sampled_from(LEADS),
    deadline=st.sampled_from(DEADLINES),
    tail=st.sampled_from(TAILS),
)
def test_the_deadline_asked_is_the_deadline_words_alone(line, lead, deadline, tail):
    """Whatever is said around it, the deadline a request records (and `!valider` would
    apply) is what the pilot wrote as the deadline: never its year alone, never the reason."""
    engine, _ = fresh()
    text = line.format(code=THEIRS[LUC][0], lead=lead, deadline=deadline, tail=tail)

    reply = engine.handle(Message(sender=LUC, text=text, room="!dm", direct=True))

    [row] = engine.db.query("select wanted, reason from requests")
    assert row["wanted"] == deadline, (text, reply.text)
    reason = tail.strip(" .").removeprefix("car ")
    said = reason if reason not in ("", "svp", "svp merci") else None
    assert row["reason"] == said, text


# ---------------------------------------------------------------- the persona corpus


def corpus() -> list[dict]:
    data = tomllib.loads((CORPUS / "requests_by_phone.toml").read_text(encoding="utf-8"))
    return [
        {"sender": data["sender"], "where": f"#{index}", **entry}
        for index, entry in enumerate(data["message"], start=1)
    ]


def _case(entry: dict):
    marks = [pytest.mark.xfail(reason=entry["known"], strict=True)] if "known" in entry else []
    return pytest.param(entry, marks=marks, id=f"{entry['where']} {entry['text']}")


@pytest.mark.parametrize("entry", [_case(entry) for entry in corpus()])
def test_a_phone_typed_request_is_read_as_meant_or_refused_in_french(entry):
    engine = fresh_engine()
    reply = engine.handle(
        Message(sender=entry["sender"], text=entry["text"], room="!room", direct=True)
    )
    rows = list(engine.db.query("select * from requests"))

    assert entry["says"] in reply.text
    if entry.get("refused"):
        assert reply.refused and rows == []
        return
    wanted = entry["request"]
    [row] = rows
    assert {
        "kind": row["kind"],
        "action": CODES.get(row["action_number"]),
        "oo": row["oo_number"],
        "wanted": row["wanted"],
        "reason": row["reason"],
    } == {name: wanted.get(name) for name in ("kind", "action", "oo", "wanted", "reason")}


def test_the_corpus_has_several_personas_and_both_outcomes():
    entries = corpus()

    assert len({entry["sender"] for entry in entries}) >= 5
    assert sum("request" in entry for entry in entries) >= 30
    assert sum(bool(entry.get("refused")) for entry in entries) >= 10


@pytest.mark.parametrize("said", ["30-06-2027", "06/2027", "6-2027", "30.06.2027"])
def test_a_validated_day_month_deadline_ends_in_june(said):
    engine, _ = fresh()
    say(engine, LUC, f"!demande 52 échéance {said}")

    say(engine, ADMIN, "!valider 1")

    assert plan_state(engine.db)["52"][3] <= date(2027, 6, 30)


# ---------------------------------------------------------------- campaigns

RHYTHM = Rhythm()


def seen(counted: Rate) -> Rate:
    """The rate with each missing action by its code (comparable once read again)."""
    missing = {pilot: [a.code for a in actions] for pilot, actions in counted.missing.items()}
    return replace(counted, missing=missing)


@st.composite
def campaign_story(draw):
    """An OS, a window, and what the pilots say around it: (days after the opening, who,
    which of their actions (most often one of the scope), how, undone at once)."""
    scope = draw(st.sampled_from([1, 2, 3, 6]))
    opens_in = draw(st.integers(min_value=1, max_value=10))
    length = draw(st.integers(min_value=2, max_value=10))
    step = st.tuples(
        st.integers(min_value=-2, max_value=length + 2),
        st.sampled_from(sorted(PEOPLE)),
        st.integers(min_value=0, max_value=40),
        st.sampled_from(["ras", "progress"]),
        st.integers(min_value=0, max_value=3).map(lambda n: n == 0),
    )
    return scope, opens_in, length, draw(st.lists(step, max_size=14))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(campaign_story())
def test_the_rate_stays_within_the_scope_and_the_reminder_goes_only_to_those_missing(story):
    scope, opens_in, length, said = story
    engine, clock = fresh()
    db = engine.db
    opens = START.date() + timedelta(days=opens_in)
    closes = opens + timedelta(days=length)
    reply = say(engine, ADMIN, f"!campagne {opens} {closes} OS {scope}")
    assert reply.text.startswith("Campagne n° 1 du "), reply.text
    [campaign] = campaigns.every(db)
    in_scope = {a.code: a for a in campaigns.scope(db, campaign)}
    codes = {_PLAN: only_plan(db).code}
    quiet = lambda day: quiet_day(RHYTHM, day)  # noqa: E731
    opening = datetime.combine(opens, time(9, 0), ZONE)
    requested = campaign_asks(db, RHYTHM, DIRECTORY, opening)
    assert {o.kind for o in requested} <= {OPENING}  # never a reminder with its request
    for outgoing in requested:
        assert sends.record(db, outgoing)
    assert [a for a in asks(db, DIRECTORY, opens, quiet, codes) if a.kind == NUDGE] == []

    answered: set[str] = set()
    for index, (offset, person, pick, how, undone) in enumerate(sorted(said, key=lambda s: s[0])):
        day = opens + timedelta(days=offset)
        clock.now = datetime.combine(day, time(10, 0), ZONE) + timedelta(minutes=20 * index)
        mine = [c for c in THEIRS[person] if c in in_scope]  # most lines about the scope
        choices = mine * 3 + THEIRS[person] if mine else THEIRS[person]
        code = choices[pick % len(choices)]
        line = f"!maj {code} ras" if how == "ras" else f"!maj {code} en cours {index + 1}%"
        update = say(engine, person, line)
        assert not update.refused, (line, update.text)
        if undone:
            assert say(engine, person, "!annuler").text.startswith("Annulé"), line
        elif opens <= day <= closes:
            answered.add(code)

    counts = seen(rate(db, campaign))
    event(f"actions answered: {min(counts.actions_answered, 4)}, pilots: {counts.pilots_answered}")
    pilots = {p for a in in_scope.values() for p in a.pilots}
    answered &= set(in_scope)
    assert (counts.actions, counts.pilots) == (len(in_scope), len(pilots))
    assert counts.actions_answered == len(answered) <= counts.actions
    unanswered = {p for a in in_scope.values() if a.code not in answered for p in a.pilots}
    assert counts.pilots_answered == len(pilots - unanswered) <= counts.pilots

    nudged = {
        ask.recipient: set(ask.codes)
        for ask in asks(db, DIRECTORY, closes, quiet, codes)
        if ask.kind == NUDGE
    }
    missing = {
        person: {c for c, a in in_scope.items() if pilot in a.pilots and c not in answered}
        for person, pilot in PEOPLE.items()
    }
    assert nudged == {person: codes for person, codes in missing.items() if codes}
    before = nudge_day(campaign, quiet) - timedelta(days=1)
    if before > opens:
        assert [a for a in asks(db, DIRECTORY, before, quiet, codes) if a.kind == NUDGE] == []

    clock.now = datetime.combine(closes + timedelta(days=1), time(10, 0), ZONE)
    assert say(engine, ADMIN, "!campagne").text.splitlines()[0] == campaign_texts.RATE.format(
        id=1,
        opens=f"{opens:%d/%m}",
        closes=f"{closes:%d/%m/%Y}",
        scope=f", OS {scope}",
        pilots=f"{len(pilots - unanswered)}/{len(pilots)}",
        actions=f"{len(answered)}/{len(in_scope)}",
    )
    assert seen(rate(db, campaign)) == counts  # read from the situation kept at the close
    assert all(a.status not in CLOSED for a in in_scope.values())


def test_a_campaign_started_two_days_before_its_close_reminds_the_day_after_its_request():
    engine, clock = fresh()
    db = engine.db
    clock.now = datetime(2027, 3, 8, 8, tzinfo=ZONE)  # a Monday
    say(engine, ADMIN, "!campagne 2027-03-08 2027-03-10 OS 6")  # its reminder day: Monday
    given_on = {}
    for day in (8, 9, 10, 11):
        for hour in (9, 15):
            for outgoing in due(db, RHYTHM, DIRECTORY, datetime(2027, 3, day, hour, tzinfo=ZONE)):
                if outgoing.kind.startswith("campaign") and sends.record(db, outgoing):
                    given_on[(outgoing.kind, outgoing.recipient)] = day

    assert given_on == {(OPENING, LUC): 8, (NUDGE, LUC): 9}
