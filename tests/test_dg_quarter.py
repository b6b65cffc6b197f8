"""The DG's quarter (issue 24, « Done when »), scripted from 4 January to 31 March 2027 in the
console: the engine answers the chat, the scheduler's pass (`bot.scheduler.record_due`, what
`pst-bot run` does every minute) runs twice each day, and a clock the script moves says when.

The story, in order: Luc (LM) asks for a new action and Laura (LL) for a later deadline; the DG
validates the first and refuses the second. A campaign on OS 5 (Laura's nine actions and Luc's
new one) asks each of them; Luc answers, Laura's answer is undone; the rate, the one reminder
to Laura, the situation kept at the close and the evaluation of that close follow. The
installation of the Conseil on 30/07/2026 puts the PST's deadline on 30/04/2027: its 90-day
notice falls on 01/02, its 30-day notice on 31/03. Laura leaves in March: the DG is told once,
and nothing more goes to her.
"""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.scheduler import record_due
from commands import campaign_texts, departure_texts, legal_texts
from commands import requests_texts as texts
from commands.catalogue import build_registry
from commands.departures import LEFT, record_departure
from commands.engine import Engine
from commands.schedule import Rhythm, due
from commands.types import Directory, Message
from storage.actions import action_by_code, list_actions
from storage.db import open_db
from storage.history import entries
from storage.importing import import_plan, load_example
from storage.plans import only_plan

BRUSSELS = ZoneInfo("Europe/Brussels")
DG, LUC, LAURA = "@dg:example.org", "@luc:example.org", "@laura:example.org"
DIRECTORY = Directory(admins={DG}, codir={"@codir:example.org"}, links={"LM": {LUC}, "LL": {LAURA}})
INSTALLED = date(2026, 7, 30)
RHYTHM = Rhythm(installation=INSTALLED)
#: The scheduler's passes each day, local time (the reminders' hours are 08:30-17:00).
PASSES = (time(9, 0), time(14, 30))
FIRST, LAST = date(2027, 1, 4), date(2027, 3, 31)
NEW_TITLE = "Ouvrir la halte-garderie le samedi"
REFUSAL = "le calendrier des travaux tient"


def local(day: date, at: time = time(10, 0)) -> datetime:
    return datetime.combine(day, at, BRUSSELS).astimezone(UTC)


class Quarter:
    """The plan, the engine and the scheduler's passes, on one clock the script moves."""

    def __init__(self, path) -> None:
        self.path = path
        self.db = open_db(path)
        import_plan(self.db, load_example())
        self.now = local(FIRST, time(8, 0))
        self.engine = Engine(self.db, DIRECTORY, build_registry(), clock=lambda: self.now)
        self.next_day = FIRST
        #: (local day, kind, recipient) of every message the passes recorded.
        self.recorded: list[tuple[date, str, str]] = []

    def say(self, sender: str, text: str):
        return self.engine.handle(Message(sender=sender, text=text, room="!room"))

    def passes_until(self, day: date) -> None:
        """The scheduler's passes of each day up to `day` (excluded); the clock then stands
        at 10:00 on `day`, between its two passes, for what is said in chat."""
        while self.next_day < day:
            for at in PASSES:
                self.now = local(self.next_day, at)
                for outgoing in record_due(self.db, due, RHYTHM, DIRECTORY, self.now):
                    self.recorded.append((self.next_day, outgoing.kind, outgoing.recipient))
            self.next_day += timedelta(days=1)
        self.now = local(day)

    def sends(self, kind: str, recipient: str | None = None) -> list[dict]:
        sql, params = "select * from sends where kind = ?", [kind]
        if recipient:
            sql += " and recipient = ?"
            params.append(recipient)
        return list(self.db.query(sql + " order by due_at, key", params))

    def days_of(self, kind: str, recipient: str | None = None) -> list[date]:
        return [d for d, k, r in self.recorded if k == kind and recipient in (None, r)]

    def action(self, code: str):
        return action_by_code(self.db, only_plan(self.db).id, code)

    def plan_state(self):
        return [
            (a.code, a.status, a.progress, a.deadline, a.pilots, a.title)
            for a in list_actions(self.db, only_plan(self.db).id)
        ]


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    """The whole quarter, played once; each test below reads one of its effects."""
    q = Quarter(tmp_path_factory.mktemp("quarter") / "pst.db")
    q.seen = {}
    seen = q.seen

    q.passes_until(date(2027, 1, 5))
    seen["state before"] = q.plan_state()
    seen["history before"] = len(list(q.db.query("select id from updates")))
    seen["asked new"] = q.say(LUC, f"!demande nouvelle OO 5.1 titre {NEW_TITLE}")
    seen["asked deadline"] = q.say(LAURA, "!demande 118 échéance 30 juin 2027 raison travaux")
    seen["state asked"] = q.plan_state()
    seen["history asked"] = len(list(q.db.query("select id from updates")))

    q.passes_until(date(2027, 1, 6))
    seen["listed"] = q.say(DG, "!demandes").text
    seen["validated"] = q.say(DG, "!valider 1")
    seen["validated again"] = q.say(DG, "!valider 1").text
    seen["state validated"] = q.plan_state()
    seen["refusal without reason"] = q.say(DG, "!refuser 2").text
    seen["refused"] = q.say(DG, "!refuser 2 " + REFUSAL)
    seen["state refused"] = q.plan_state()

    q.passes_until(date(2027, 2, 10))
    seen["campaign"] = q.say(DG, "!campagne 2027-02-15 2027-03-01 OS 5").text
    q.passes_until(date(2027, 2, 17))
    seen["luc answers"] = q.say(LUC, "!maj 128 en cours 10% local trouvé").text
    seen["laura answers"] = q.say(LAURA, "!maj 110 en cours 20%").text
    seen["laura undoes"] = q.say(LAURA, "!annuler").text
    q.passes_until(date(2027, 2, 18))
    seen["rate"] = q.say(DG, "!campagne").text
    q.passes_until(date(2027, 3, 3))
    seen["rate closed"] = q.say(DG, "!campagne").text
    seen["luc after the close"] = q.say(LUC, "!maj 128 fait").text

    q.passes_until(date(2027, 3, 15))
    seen["reminded before leaving"] = q.days_of("reminder", LAURA)
    seen["left"] = record_departure(q.db, DIRECTORY, LAURA, LEFT, q.now)
    seen["left again"] = record_departure(q.db, DIRECTORY, LAURA, LEFT, q.now + timedelta(hours=2))
    q.passes_until(LAST + timedelta(days=1))
    return q


def test_nothing_changes_the_plan_before_the_dg_decides(quarter):
    seen = quarter.seen

    assert seen["asked new"].text == texts.RECORDED.format(
        id=1, what=f"nouvelle action dans l'OO 5.1 : « {NEW_TITLE} »"
    )
    assert seen["asked deadline"].text == texts.RECORDED.format(
        id=2, what="report de l'action 118 au 30 juin 2027"
    )
    assert [post.room for post in seen["asked new"].posts + seen["asked deadline"].posts] == [
        "codir",
        "codir",
    ]
    assert seen["state asked"] == seen["state before"]
    assert seen["history asked"] == seen["history before"]
    assert seen["listed"].splitlines()[:3] == [
        texts.OPEN_HEAD.format(count=2),
        f"• n° 1 — LM, le 05/01 : nouvelle action dans l'OO 5.1 : « {NEW_TITLE} »",
        "• n° 2 — LL, le 05/01 : report de l'action 118 au 30 juin 2027 (travaux)",
    ]


def test_the_validated_request_creates_the_action_once_and_tells_luc(quarter):
    seen = quarter.seen
    created = [row for row in seen["state validated"] if row not in seen["state before"]]

    assert created == [("128", "à démarrer", None, "", ("LM",), NEW_TITLE)]
    assert seen["validated"].text == texts.VALIDATED.format(
        id=1, done=texts.DONE_NEW_ACTION.format(code="128", title=NEW_TITLE, oo="5.1")
    )
    [post] = seen["validated"].posts
    assert (post.room, post.text.startswith("✅ Demande n° 1 de LM validée : action 128")) == (
        "codir",
        True,
    )
    note = entries(quarter.db, quarter.action("128").number)[0]  # later: the campaign's
    assert (note["who"], note["comment"]) == (DG, texts.NEW_ACTION_NOTE.format(id=1))
    assert seen["validated again"] == texts.DECIDED.format(id=1, decision="validée")
    assert [(r["recipient"], r["text"]) for r in quarter.sends("request", LUC)] == [
        (
            LUC,
            f"✅ Votre demande n° 1 est validée : nouvelle action dans l'OO 5.1 : « {NEW_TITLE} ».",
        )
    ]


def test_the_refused_request_changes_nothing_and_tells_laura_why(quarter):
    seen = quarter.seen

    assert seen["refusal without reason"] == texts.MISSING_REASON
    assert seen["refused"].text == texts.REFUSED.format(id=2, who="LL")
    assert seen["state refused"] == seen["state validated"]
    assert quarter.action("118").deadline == "2023-24"
    assert [r["text"] for r in quarter.sends("request", LAURA)] == [
        f"❌ Votre demande n° 2 (report de l'action 118 au 30 juin 2027) est refusée : {REFUSAL}"
    ]
    decided = {row["id"]: row["decision"] for row in quarter.db.query("select * from requests")}
    assert decided == {1: "validée", 2: "refusée"}


def test_the_campaign_asks_each_pilot_of_its_scope_once_at_the_opening(quarter):
    assert quarter.seen["campaign"] == campaign_texts.CREATED.format(
        id=1, opens="15/02/2027", closes="01/03/2027", pilots=2, actions=10
    )
    opened = quarter.sends("campaign-open")

    assert [(r["recipient"], r["due_at"][:10]) for r in opened] == [
        (LAURA, "2027-02-15"),
        (LUC, "2027-02-15"),
    ]
    by_person = {r["recipient"]: r for r in opened}
    assert by_person[LUC]["text"].splitlines()[:2] == [
        campaign_texts.OPEN_HEAD.format(count=1, closes="01/03/2027"),
        f"• 128 {NEW_TITLE} (à démarrer)",
    ]
    assert by_person[LAURA]["text"].startswith(
        campaign_texts.OPEN_HEAD.format(count=9, closes="01/03/2027")
    )


def test_the_rate_counts_luc_who_answered_and_not_laura_whose_answer_was_undone(quarter):
    seen = quarter.seen

    assert seen["luc answers"].startswith("Action 128 : à démarrer → en cours, 10 %")
    assert seen["laura undoes"] == "Annulé. Action 110 : en cours, 20 % → à démarrer."
    assert seen["rate"].splitlines() == [
        campaign_texts.RATE.format(
            id=1, opens="15/02", closes="01/03/2027", scope=", OS 5", pilots="1/2", actions="1/10"
        ),
        campaign_texts.MISSING_LINE.format(names="LL (9)"),
    ]
    [digest] = [r for r in quarter.sends("digest") if r["due_at"].startswith("2027-02-22")]
    assert "Campagne n° 1 (15/02 → 01/03/2027, OS 5) : 1/2 pilotes, 1/10 actions." in digest["text"]


def test_one_reminder_two_working_days_before_the_close_to_laura_alone(quarter):
    [nudge] = quarter.sends("campaign-nudge")

    assert (nudge["recipient"], nudge["due_at"][:10]) == (LAURA, "2027-02-25")  # a Thursday
    assert nudge["text"].startswith(campaign_texts.NUDGE_HEAD.format(count=9, closes="01/03/2027"))
    assert "128" not in nudge["actions"]


def test_the_close_is_kept_and_the_evaluation_of_the_campaign_reads_it(quarter, tmp_path):
    kept = {
        row["action_number"]: row
        for row in quarter.db.query("select * from campaign_snapshots where campaign_id = 1")
    }
    number = quarter.action("128").number

    assert len(kept) == 10 and sum(row["answered"] for row in kept.values()) == 1
    assert (kept[number]["status"], kept[number]["progress"]) == ("en cours", 10)
    assert {row["taken_at"][:10] for row in kept.values()} == {"2027-03-02"}
    assert campaign_texts.CLOSED_KEPT.format(id=1) in quarter.seen["rate closed"]
    assert quarter.action("128").status == "fait"  # said after the close

    at_close, today = tmp_path / "close.md", tmp_path / "today.md"
    evaluation = ["evaluation", "--db", str(quarter.path), "--format", "md"]
    assert main([*evaluation, "--campagne", "1", "-o", str(at_close)]) == 0
    assert main([*evaluation, "-o", str(today)]) == 0
    assert heading_of(at_close.read_text("utf-8"), "Action 128 –") == "Actions en cours"
    assert heading_of(today.read_text("utf-8"), "Action 128 –") == "Actions réalisées"


def heading_of(markdown: str, start: str) -> str:
    """The « Actions … » heading a line starting with `start` stands under."""
    heading = ""
    for line in markdown.splitlines():
        words = line.strip("#* ")
        if line.startswith("#") and words.startswith("Actions "):
            heading = words.split(" (")[0]
        if line.strip("* ").startswith(start):
            return heading
    return ""


def test_the_legal_notice_goes_once_at_ninety_and_once_at_thirty_days(quarter):
    notices = quarter.sends("legal")
    recipients = ["codir", DG]

    by_notice = Counter((r["key"].split(":")[3], r["due_at"][:10]) for r in notices)
    # The PST and its publication, due the same day: one notice to each, at 90 and at 30 days.
    assert by_notice == {("90", "2027-02-01"): 2, ("30", "2027-03-31"): 2}
    assert sorted(r["recipient"] for r in notices) == sorted(recipients * 2)
    assert len(quarter.days_of("legal")) == 4  # two passes recorded them, none again
    first = next(r["text"] for r in notices if r["key"].split(":")[3] == "90")
    both = legal_texts.AND.join([legal_texts.MILESTONE_PST, legal_texts.MILESTONE_PUBLICATION])
    assert first.splitlines()[0] == legal_texts.NOTICE_HEAD.format(
        what=both, day="30/04/2027", days=88
    )
    without_deadline = next(line for line in first.splitlines() if line.startswith("Sans éché"))
    assert "128" in without_deadline  # the action validated in January has none


def test_laura_leaving_tells_the_dg_once_and_stops_what_goes_to_her(quarter):
    seen = quarter.seen
    [told] = quarter.sends("departure")
    lines = told["text"].splitlines()

    assert (seen["left"], seen["left again"]) == (True, False)
    assert told["recipient"] == DG
    assert lines[0] == departure_texts.HEAD.format(name="LL", why=departure_texts.WHY[LEFT])
    assert [line.split()[1] for line in lines if line.startswith("• ")] == [
        code for code, status, *_, pilots, _ in quarter.plan_state() if "LL" in pilots
    ]
    assert lines[-1] == departure_texts.HOW.format(pilot="LL")
    assert seen["reminded before leaving"]
    to_laura = [d for d, _, r in quarter.recorded if r == LAURA and d >= date(2027, 3, 15)]
    assert to_laura == []
    assert [d for d in quarter.days_of("reminder", LUC) if d >= date(2027, 3, 15)]
