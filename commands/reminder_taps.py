"""One tap on a reminder: a reaction of its pilot on the reminder the bot sent them stands for
the command they would type, and taking the reaction back, for its undo. Nothing here knows a
chat: the transport finds the reminder (`storage.sends.reminder_of_event`), hands this module
the reaction, and gives the engine the command it returns as the sender's message, under the
reaction's own event id (so a replayed reaction is applied once).

    command_of(reminder, "@luc:x", "✅")    # "!maj 47 fait": a reminder about one action
    command_of(reminder, "@luc:x", "2️⃣")    # the second line's action, on several
    asks_which(reminder, "@luc:x", "✅")    # True: several actions, the pilot must say which
    tap(db, "$reaction", "$reminder", "@luc:x", "✅", now)   # the above, kept; a Tap or None
    withdrawal(db, "@luc:x", "$reaction", "$redaction")     # "!annuler 47", or None

Only the reminder's recipient counts; any other emoji is ignored. Taking a reaction back undoes
only what that reaction recorded, while it is still the pilot's latest change of the action (a
change typed since is never undone by removing an older reaction); `!annuler` itself then
applies its own rules (15 minutes, nobody else changed the action since) and says why not.
"""

from dataclasses import dataclass
from datetime import datetime

from storage import history, sends
from storage.sends import SentReminder
from storage.vocabulary import DONE, UNDOABLE

#: The reactions that say "done", their variation selectors stripped (see `normalized`).
DONE_KEYS = frozenset({"✅", "✔", "☑"})
#: The keycaps that number the lines of a reminder about several actions, in order.
KEYCAPS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")
_LINE_OF_KEY = {"".join(c for c in k if c not in "\ufe0e\ufe0f"): n for n, k in enumerate(KEYCAPS)}
#: How many of the sender's latest history entries are searched for a reaction's own.
MOST_ENTRIES = 200


@dataclass(frozen=True)
class Tap:
    """What a reaction on a reminder asks for: a command to run, or (✅ on a reminder about
    several actions) which of its actions it means."""

    command: str | None = None
    #: The reminder's action codes when the reaction does not say which one.
    which_of: tuple[str, ...] = ()


def normalized(key: str) -> str:
    """A reaction's key without its variation selectors and spaces: clients send "✔️", "✔"
    and "1️⃣" or "1⃣" alike.

    >>> normalized("✔️") == "✔", normalized(" 1️⃣ ") == "1\\u20e3"
    (True, True)
    """
    return "".join(c for c in key.strip() if c not in "\ufe0e\ufe0f")


def numbered(actions: tuple[str, ...]) -> tuple[str, ...]:
    """The codes whose lines carry a keycap: the first ten of a reminder about several
    actions, none for a reminder about one (a ✅ says it all)."""
    return actions[: len(KEYCAPS)] if len(actions) > 1 else ()


def done_command(code: str) -> str:
    return f"!maj {code} {DONE}"


def command_of(reminder: SentReminder, sender: str, key: str) -> str | None:
    """The command a reaction `key` of `sender` on `reminder` stands for, or None.

    >>> one = SentReminder("k", "@luc:x", ("47",))
    >>> command_of(one, "@luc:x", "✅"), command_of(one, "@dg:x", "✅")
    ('!maj 47 fait', None)
    >>> command_of(one, "@luc:x", "🎉") is None
    True
    >>> command_of(SentReminder("k", "@luc:x", ("47", "52")), "@luc:x", "2️⃣")
    '!maj 52 fait'
    """
    if sender != reminder.recipient:
        return None
    said = normalized(key)
    if said in DONE_KEYS and len(reminder.actions) == 1:
        return done_command(reminder.actions[0])
    line = _LINE_OF_KEY.get(said)
    lines = numbered(reminder.actions)
    if line is not None and line < len(lines):
        return done_command(lines[line])
    return None


def asks_which(reminder: SentReminder, sender: str, key: str) -> bool:
    """Whether the reaction is its recipient's ✅ on a reminder about several actions: which
    one is meant must be asked (nothing is recorded)."""
    return (
        sender == reminder.recipient and len(reminder.actions) > 1 and normalized(key) in DONE_KEYS
    )


def tap(db, event_id: str, reacts_to: str, sender: str, key: str, at: datetime) -> Tap | None:
    """The reaction `event_id` of `sender` on the event `reacts_to`: None when that is no
    reminder the bot sent, or the reaction says nothing to it; a command is kept with the
    reaction (`sends.remember_tap`), so that taking it back is understood later."""
    reminder = sends.reminder_of_event(db, reacts_to)
    if reminder is None:
        return None
    command = command_of(reminder, sender, key)
    if command is not None:
        sends.remember_tap(db, event_id, reacts_to, sender, at)
        return Tap(command=command)
    if asks_which(reminder, sender, key):
        return Tap(which_of=reminder.actions)
    return None


def withdrawal(db, sender: str, reaction_id: str, redaction_id: str) -> str | None:
    """The command that takes back `sender`'s reaction `reaction_id` on a reminder (removed by
    the event `redaction_id`): "!annuler <code>" while what it recorded is still their latest
    change of that action; None otherwise (not a tap, someone else's, never applied, undone
    already, or changed since)."""
    tapped = sends.tap_of(db, reaction_id)
    if tapped is None or tapped["sender"] != sender:
        return None
    entries = history.changes_by(db, sender, limit=MOST_ENTRIES)
    applied = [e for e in entries if e["source_id"] == reaction_id and e["kind"] in UNDOABLE]
    if not applied:
        return None  # refused when it came (not their action, a closed plan…)
    command = f"!annuler {applied[0]['action_code']}"
    if any(e["source_id"] == redaction_id for e in entries):
        return command  # this very removal undid it: a replay, answered from the engine's record
    standing = history.last_undoable(db, sender, applied[0]["action_number"])
    if {e["id"] for e in standing} != {e["id"] for e in applied}:
        return None
    return command
