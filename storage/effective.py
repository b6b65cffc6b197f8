"""The effective history of an action: the changes that still stand once undos and corrections
are taken out, each with the day it took effect. Every report that tells the past reads it
(what moved in a period, done dates, the evaluation's story, the chart over time); only
`!historique` shows the raw entries of `storage.history`.

    >>> from datetime import UTC, datetime
    >>> at = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)
    >>> raw = [
    ...     {"id": 1, "kind": "status", "old_status": "à démarrer", "new_status": "fait",
    ...      "comment": "le 12/03", "at": at, "who": "LM"},
    ...     {"id": 2, "kind": "status", "old_status": "fait", "new_status": "suspendu", "at": at},
    ...     {"id": 3, "kind": "undo", "old_status": "suspendu", "new_status": "fait",
    ...      "value": "2", "at": at},
    ... ]
    >>> [(c.new_status, c.day.isoformat()) for c in standing(raw)]
    [('fait', '2026-03-12')]

An undo entry and the entry it undid both leave (an undo's `value` is the id it cancels; a
correction is an undo followed by the corrected update). A status change whose comment starts
with the day the pilot gave ("fait le 12/03", comment "le 12/03") took effect that day, in the
message's year, or the year before when that day would still be ahead; otherwise the change
took effect on the message's local day. The message's time is kept as `at`.
"""

import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from storage.clock import today as local_day
from storage.vocabulary import DONE, HEALTH, UNDO, fold


@dataclass(frozen=True)
class Change:
    """One change that still stands: what it changed, when it was said, when it took effect."""

    kind: str
    old_status: str | None
    new_status: str | None
    old_progress: int | None
    new_progress: int | None
    comment: str | None
    value: str | None
    #: When the message came (UTC, or naive local time).
    at: datetime
    #: The local day the change took effect: the pilot's "le 12/03", else the message's day.
    day: date
    who: str | None
    id: int | None = None

    @property
    def moves_status(self) -> bool:
        return self.new_status is not None and self.new_status != self.old_status


# A day the pilot gives next to the status: "le 12/03", "le 12/03/2026", "fait le 12/3/26"
# ("le" required: a bare "1/3" after "en cours" is a fraction).
_STATUS_WORDS = r"(?:fait|realise|termine|fini|demarre|commence|suspendu|abandonne)"
_GIVEN_DAY = re.compile(
    rf"^(?:{_STATUS_WORDS}\s+)?(?:depuis\s+)?le\s+"
    r"(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])"
)


#: Characters of a comment the day can be in ("abandonné depuis le 12/03/2026" and spaces):
#: only they are folded, so that a long comment costs no more than a short one.
_GIVEN_DAY_REACH = 64


def _given_day_match(comment: str | None) -> tuple[str, re.Match] | None:
    """The folded opening of `comment` and the match of the day it gives, if any."""
    opening = (comment or "")[:_GIVEN_DAY_REACH]
    if "/" not in opening:  # most comments: no day to read, nothing to fold
        return None
    folded = fold(opening)
    found = _GIVEN_DAY.match(folded)
    return (folded, found) if found else None


def given_day(comment: str | None, said_on: date) -> date | None:
    """The day a status comment says the change took effect, or None.

    >>> given_day("le 12/03", date(2026, 3, 20))
    datetime.date(2026, 3, 12)
    >>> given_day("le 28/12 marché attribué", date(2026, 1, 5))   # the year before
    datetime.date(2025, 12, 28)
    >>> given_day("réunion le 12/03", date(2026, 3, 20)) is None  # not next to the status
    True
    """
    matched = _given_day_match(comment)
    if matched is None:
        return None
    day, month, year = matched[1].groups()
    if year is None:
        try:
            given = date(said_on.year, int(month), int(day))
        except ValueError:
            return None
        if given > said_on:
            try:
                given = given.replace(year=said_on.year - 1)
            except ValueError:  # 29/02 of a leap year
                return None
        return given
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    try:
        given = date(full_year, int(month), int(day))
    except ValueError:
        return None
    return given if given <= said_on else None


def without_given_day(comment: str | None) -> str | None:
    """The comment without the day it opens with ("le 12/03 marché attribué" -> "marché
    attribué"): the story gives the day already."""
    matched = _given_day_match(comment)
    if matched is None:
        return comment
    # The folded text keeps the words of the original; drop as many of them as were matched.
    folded, found = matched
    words = len(folded[: found.end()].split())
    return " ".join(comment.split()[words:]) or None


def _moment(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def undone_ids(entries: Iterable[dict]) -> set[int]:
    """The ids of the entries an undo among `entries` cancels."""
    return {
        int(entry["value"])
        for entry in entries
        if entry.get("kind") == UNDO and str(entry.get("value") or "").isdigit()
    }


def standing(entries: Sequence[dict]) -> list[Change]:
    """An action's raw history entries (oldest first) -> the changes that still stand."""
    undone = undone_ids(entries)
    changes = []
    for entry in entries:
        if entry.get("kind") == UNDO or (entry.get("id") is not None and entry["id"] in undone):
            continue
        at = _moment(entry["at"])
        said_on = local_day(at)
        old, new = entry.get("old_status"), entry.get("new_status")
        moved = new is not None and new != old
        day = (given_day(entry.get("comment"), said_on) if moved else None) or said_on
        changes.append(
            Change(
                kind=entry.get("kind"),
                old_status=old,
                new_status=new,
                old_progress=entry.get("old_progress"),
                new_progress=entry.get("new_progress", entry.get("progress")),
                comment=entry.get("comment"),
                value=entry.get("value"),
                at=at,
                day=day,
                who=entry.get("who"),
                id=entry.get("id"),
            )
        )
    return changes


# ---------------------------------------------------------------- reading the past


#: Each action's standing changes, read once per `Action` value: a report asks the same history
#: several questions (what moved, the story, the last news, the state at many dates). An entry
#: leaves with its action (`weakref.finalize`), so the memo never outlives what it describes.
_READ: dict[int, tuple[Change, ...]] = {}


def changes_of(action) -> tuple[Change, ...]:
    """The action's standing changes, `standing(action.history)`, read once per action."""
    key = id(action)
    found = _READ.get(key)
    if found is None:
        found = tuple(standing(action.history))
        weakref.finalize(action, _READ.pop, key, None)
        _READ[key] = found
    return found


def status_in(changes: Sequence[Change], day: date, current: str) -> str:
    """The status at the end of `day` from an action's standing `changes`: the latest said
    change that took effect by then; before any, the first change's old status; without
    history, `current` (read the changes once, then ask for many days)."""
    status = None
    for change in changes:
        if change.new_status is not None and change.day <= day:
            status = change.new_status
    if status is not None:
        return status
    first = next((c for c in changes if c.new_status is not None), None)
    return (first.old_status if first else None) or current


def status_on(action, day: date) -> str:
    """The action's status at the end of `day` (local), read from its standing changes."""
    return status_in(changes_of(action), day, action.status)


def done_day(action) -> date | None:
    """The day a done action was done (its latest standing change to done), else None."""
    if action.status != DONE:
        return None
    dones = [c.day for c in changes_of(action) if c.moves_status and c.new_status == DONE]
    return dones[-1] if dones else None


def last_news(action) -> datetime | None:
    """When the action's latest standing change was said (an undone update is no news);
    without history read (`with_history=False`), the action's own `updated_at`."""
    if not action.history:
        return action.updated_at
    changes = changes_of(action)
    return max(change.at for change in changes) if changes else None


@dataclass(frozen=True)
class Move:
    """An action that changed within a period: its status before, its final status, and the
    standing changes that took effect in the period."""

    action: object
    before: str
    after: str
    changes: tuple[Change, ...]

    @property
    def status_moved(self) -> bool:
        return self.before != self.after


def moved_between(actions: Iterable, first: date | None, last: date | None) -> list[Move]:
    """Each action with a standing change that took effect in [first, last] once, in its final
    state there; `None` leaves that end open."""
    moves = []
    for action in actions:
        changes = changes_of(action)
        inside = tuple(
            c
            for c in changes
            if (first is None or c.day >= first) and (last is None or c.day <= last)
        )
        if not inside:
            continue
        if first is None:
            start = next((c for c in changes if c.new_status is not None), None)
            before = (start.old_status if start else None) or action.status
        else:
            before = status_in(changes, first - timedelta(days=1), action.status)
        after = action.status if last is None else status_in(changes, last, action.status)
        moves.append(Move(action, before, after, inside))
    return moves


@dataclass(frozen=True)
class Worry:
    """An action at risk or blocked, since the day its health became so, and the last reason
    its pilot gave for it (a later « !sante 12 risque toujours rien » keeps the day)."""

    action: object
    since: date | None
    reason: str | None


def worry_of(action) -> Worry:
    """The action's current health as the standing history tells it (a health imported with
    the plan has no day and no reason): !risques and the digest's « à risque » read it here."""
    healths = [c for c in standing(action.history) if c.kind == HEALTH]
    run: list[Change] = []
    for change in reversed(healths):  # the latest run of changes to the current health
        if change.value != action.health:
            break
        run.append(change)
    reasons = [c.comment for c in run if c.comment]
    return Worry(action, run[-1].day if run else None, reasons[0] if reasons else None)
