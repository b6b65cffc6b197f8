"""The pilots' corpus (issue 19, item 7): messages as pilots type them on a phone, each with the
outcome the issue asks for, run against a fresh copy of the bundled example plan.

A file per persona in tests/corpus/ (TOML): `sender` and `direct` for the file, then one
`[[message]]` each with its `text` and one expected outcome:

    stored = [{action = "52", status = "fait", progress = 100, comment = "..."}]
        what the plan shows after, per action changed; status, progress, health, deadline and
        comment are checked when given; a field not given must not change (progress excepted
        when a status is given: the status decides it), no comment given means none stored,
        and no other action may change
    proposal = ["!maj 52 fait"]       the exact commands a one-tap confirmation would run
    shows = "!action 114"             the reply is what that command answers
    refused = true, says = "..."      a precise refusal (not the generic reply)
    answered = true, says = "..."     an answer that is neither a refusal nor the generic reply
                                      (a check-in, a pointer, help); `max_chars` bounds it
    held = true, says = "..."         not applied, and not the generic reply: a proposal, a
                                      precise refusal or an answer (the issue leaves the form open)
    ignored = true                    no reply at all (not for the bot)
    generic = true                    « Je n'ai pas compris » is right
and optionally `before = ["!maj 52 en cours 30%"]`, sent first by the same person (their
effect is the state the message is judged against), `sender`, `direct` for that message.

Nothing other than the expectation may be stored, whatever the expectation: that is the class
« stored wrongly ». The figures are printed (`pytest -s tests/test_corpus.py`) and recorded in
docs/understanding.md."""

import sqlite3
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlite_utils

from commands import texts
from commands.engine import Engine
from commands.types import Directory, Message, Reply
from storage.db import open_db
from storage.importing import import_plan, load_example
from tests.conftest import ADMIN, LUC, NOW, REGISTRY, SYLVIE

CORPUS = Path(__file__).parent / "corpus"
PERSONAS = sorted(path.stem for path in CORPUS.glob("*.toml"))

LAURA = "@laura:example.org"  # LL, the crèche: 51, 78, 110-118
DOMINIQUE = "@dominique:example.org"  # DB, a social worker: 1, 3, 4, 13, 14, 46, 47, 63
VICTOR = "@victor:example.org"  # VM, the works manager: 37, 38, 59, 81, 84, 85, 94-96, 98, 109
JAMES = "@james:example.org"  # JFD, the medical centre, writes in English: 120-122

#: The conftest's directory (SV is Sylvie, LM is Luc) and the other personas' pilot codes.
DIRECTORY = Directory(
    admins={ADMIN},
    codir={"@codir:example.org"},
    links={
        "SV": {SYLVIE},
        "LM": {LUC},
        "chefs de service": {SYLVIE, LUC},
        "LL": {LAURA},
        "DB": {DOMINIQUE},
        "VM": {VICTOR},
        "JFD": {JAMES},
    },
)

#: What the plan shows of an action, as a message may change it.
FIELDS = ("status", "progress", "health", "deadline", "last_comment")
OUTCOMES = ("stored", "proposal", "shows", "refused", "answered", "held", "ignored", "generic")

# The classes of what actually happened.
UNDERSTOOD, PROPOSED, REFUSED, ANSWERED, GENERIC, WRONG, SILENT = (
    "understood at once",
    "proposed",
    "refused precisely",
    "answered",
    "generic reply",
    "STORED WRONGLY",
    "no reply",
)


def _template() -> sqlite_utils.Database:
    db = open_db(":memory:")
    import_plan(db, load_example())
    return db


_TEMPLATE = _template()


def fresh_engine() -> Engine:
    """An engine over a fresh copy of the example plan (copied, not re-imported: fast)."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    _TEMPLATE.conn.backup(conn)
    return Engine(sqlite_utils.Database(conn), DIRECTORY, REGISTRY, clock=lambda: NOW)


def load(persona: str) -> list[dict]:
    data = tomllib.loads((CORPUS / f"{persona}.toml").read_text(encoding="utf-8"))
    entries = []
    for index, entry in enumerate(data["message"], start=1):
        entry = {"sender": data["sender"], "direct": data.get("direct", False), **entry}
        entry["where"] = f"{persona}.toml #{index}"
        kinds = [kind for kind in OUTCOMES if kind in entry]
        assert len(kinds) == 1, f"{entry['where']}: one outcome expected, got {kinds}"
        entry["kind"] = kinds[0]
        entries.append(entry)
    return entries


def plan_state(db: sqlite_utils.Database) -> dict[str, dict]:
    columns = ", ".join(FIELDS)
    rows = db.execute(f"select code, {columns} from actions").fetchall()
    return {row[0]: dict(zip(FIELDS, row[1:], strict=True)) for row in rows}


def is_generic(reply: Reply | None) -> bool:
    """The reply says nothing about the line: « Je n'ai pas compris », « tapez aide », or an
    unknown command without a suggestion."""
    if reply is None:
        return False
    text = reply.text
    unknown_without_hint = text.startswith("Commande inconnue") and "Vouliez-vous" not in text
    return text in (texts.NOT_UNDERSTOOD, texts.POINTER_HELP) or unknown_without_hint


def _canonical(line: str) -> str:
    return " ".join(line.replace(" %", "%").split()).rstrip(".").casefold()


@dataclass
class Outcome:
    entry: dict
    kind: str  # one of the classes above
    matches: bool
    why: str = ""


def changes_wanted(entry: dict, before: dict[str, dict]) -> dict[str, dict]:
    """Action code -> the fields it must show after, from the `stored` expectation."""
    wanted = {}
    for item in entry.get("stored", []):
        code = str(item["action"])
        state = dict(before[code])
        state["last_comment"] = item.get("comment", before[code]["last_comment"])
        for name in ("status", "progress", "health", "deadline"):
            if name in item:
                state[name] = item[name]
        if "status" in item and "progress" not in item:
            state["progress"] = "any"
        wanted[code] = state
    return wanted


def run(entry: dict) -> Outcome:
    """Send the entry's message to a fresh engine and judge what happened."""
    engine = fresh_engine()
    sender, direct = entry["sender"], entry["direct"]

    def say(text: str, event: str) -> Reply | None:
        message = Message(sender=sender, text=text, room="!room", event_id=event, direct=direct)
        return engine.handle(message)

    for index, text in enumerate(entry.get("before", [])):
        prior = say(text, f"$before{index}")
        assert prior is not None and not prior.refused, f"{entry['where']}: {text!r}: {prior}"
    shown = say(entry["shows"], "$shows") if entry["kind"] == "shows" else None
    before = plan_state(engine.db)
    reply = say(entry["text"], "$message")
    after = plan_state(engine.db)
    changed = {code for code in after if after[code] != before[code]}
    text = reply.text if reply else "(no reply)"

    if changed:
        wanted = changes_wanted(entry, before)
        wrong = [
            f"{code}: {after[code]} (expected {wanted.get(code, 'no change')})"
            for code in sorted(changed | set(wanted))
            if code not in wanted
            or any(wanted[code][name] not in ("any", after[code][name]) for name in FIELDS)
        ]
        if wrong:
            return Outcome(entry, WRONG, False, "; ".join(wrong) + f" — reply: {text}")
        return Outcome(entry, UNDERSTOOD, entry["kind"] == "stored")

    if reply is None:
        kind = SILENT
    elif reply.proposal:
        kind = PROPOSED
    elif is_generic(reply):
        kind = GENERIC
    elif reply.refused:
        kind = REFUSED
    else:
        kind = ANSWERED
    return Outcome(entry, kind, *_judge(entry, kind, reply, shown))


def _judge(entry: dict, kind: str, reply: Reply | None, shown: Reply | None) -> tuple[bool, str]:
    """Whether an outcome that stored nothing is the one expected, and if not, why."""
    expected = entry["kind"]
    text = reply.text if reply else ""
    says = entry.get("says", "")
    if expected == "stored":
        return False, "nothing stored"
    if expected == "proposal":
        got = [_canonical(line) for line in (reply.proposal if reply else ())]
        ok = got == [_canonical(line) for line in entry["proposal"]]
        return ok, "" if ok else f"proposed {list(reply.proposal) if reply else []}"
    if expected == "shows":
        ok = reply is not None and shown is not None and reply.text == shown.text
        return ok, "" if ok else f"not what {entry['shows']} answers"
    if expected == "refused":
        ok = kind == REFUSED and says in text
        return ok, "" if ok else f"not a refusal saying « {says} »"
    if expected == "answered":
        short = len(text) <= entry.get("max_chars", len(text))
        ok = kind == ANSWERED and says in text and short
        return ok, "" if ok else f"not an answer saying « {says} » ({len(text)} characters)"
    if expected == "held":
        ok = kind in (PROPOSED, REFUSED, ANSWERED) and says in text
        return ok, "" if ok else f"not held with « {says} »"
    if expected == "ignored":
        return kind == SILENT, ""
    return kind == GENERIC, ""


_RESULTS: dict[str, list[Outcome]] = {}


def results(persona: str) -> list[Outcome]:
    if persona not in _RESULTS:
        _RESULTS[persona] = [run(entry) for entry in load(persona)]
    return _RESULTS[persona]


def describe(outcome: Outcome) -> str:
    entry, reply_kind = outcome.entry, outcome.kind
    expected = entry[entry["kind"]]
    return (
        f"{entry['where']} {entry['text']!r}: expected {entry['kind']} {expected!r}, "
        f"got {reply_kind}" + (f" — {outcome.why}" if outcome.why else "")
    )


def figures(outcomes: list[Outcome]) -> Counter:
    return Counter(outcome.kind for outcome in outcomes)


def test_the_corpus_is_large_enough_and_well_formed():
    sizes = {persona: len(load(persona)) for persona in PERSONAS}
    assert sum(sizes.values()) >= 400, sizes


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_message_of_a_persona_gets_the_expected_outcome(persona):
    mismatches = [describe(o) for o in results(persona) if not o.matches]
    assert not mismatches, f"{len(mismatches)} of {len(results(persona))}:\n" + "\n".join(
        mismatches
    )


def test_nothing_is_stored_wrongly_and_generic_replies_are_rare():
    every = [outcome for persona in PERSONAS for outcome in results(persona)]
    counts = figures(every)
    total = len(every)
    report = "\n".join(
        f"{kind}: {counts[kind]} ({counts[kind] / total:.1%})"
        for kind in (UNDERSTOOD, PROPOSED, REFUSED, ANSWERED, GENERIC, WRONG, SILENT)
    )
    matching = sum(outcome.matches for outcome in every)
    print(f"\nCorpus: {total} messages, {matching} as expected\n{report}")
    wrong = [describe(o) for o in every if o.kind == WRONG]
    assert not wrong, f"{len(wrong)} stored wrongly:\n" + "\n".join(wrong) + "\n" + report
    assert counts[GENERIC] < 0.05 * total, report
