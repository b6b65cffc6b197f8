"""The transport-neutral command engine: a message in, a reply (and posts for other rooms) out.

    engine = Engine(db, Directory(admins={"@dg:x"}), build_registry())
    reply = engine.handle(Message(sender="@dg:x", text="!action 29", event_id="$abc"))
    ...send reply.text / reply.html / reply.attachments, then reply.posts to their rooms...
    engine.delivered("$abc")

The engine does two things: dispatch (find the command, check who may run it, read its
declared arguments, call it) and exactly-once. A command's effect and its event id are committed
in one transaction. Handling the same event again never re-applies it: it returns the stored
reply if it was not delivered yet (the bot died before sending it), and None once it was. Whether
a command wrote is read from the database connection, not declared.

A command that does not write (a read, a refusal) writes nothing at all, so that it answers on a
full or locked disk: its event is remembered in memory, and the notes worth keeping (delivered,
who wrote) go to the database with the next write (storage/bookkeeping.py).

A command may answer with a proposal instead (`commands.errors.Proposal`: « vouliez-vous dire
« fait » ? »): nothing is stored, and the engine keeps its lines in memory for that person in
that room for PROPOSAL_MINUTES. Their next message decides: « oui », « ok », 👍 (or a
`Message.confirmation` gesture: a reaction, a button) runs the lines as that person, in one
transaction under the confirming event's id (a replayed confirmation is applied once); « non »
drops it; anything else drops it and is handled as usual. A restart forgets every proposal.

A file dropped in a room (`Message.attachment`) runs FILE_DROPPED (`!importer`,
commands/chat_import.py) when it is in a direct chat or has a file name the import reads; any
other file shared in a group room is not for the bot.
"""

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import sqlite_utils

from commands import proposal_texts, texts
from commands.access import effective_directory
from commands.arguments import read_args
from commands.conversation import understand
from commands.errors import NotAllowed, Proposal, UnknownCommand, UserError, plan_refusal
from commands.formatting import shorten
from commands.grammar_refusals import NearStatus
from commands.proposals import PROPOSAL_MINUTES, Pending, Proposals
from commands.registry import Command, Registry
from commands.replies import fit, together
from commands.types import (
    FILE_DROPPED,
    Args,
    Context,
    Directory,
    Message,
    Organisation,
    Refused,
    Reply,
)
from storage import bookkeeping, held_posts, outbox, plans
from storage.clock import now_utc
from storage.pending_imports import importable
from storage.plain_text import without_bidi
from storage.plans import Plan
from storage.transactions import transaction

log = logging.getLogger(__name__)

#: Longest message the engine reads; anything longer is refused before parsing.
MAX_MESSAGE = 20_000
#: Most lines a grouped command (one !maj per line) may hold.
MAX_LINES = 50
def takes_file(message: Message) -> bool:
    """Whether a file dropped with `message` is for the bot (the transports ask before they
    download it): in a direct chat any file, in a group room one the import reads."""
    dropped = message.attachment
    return dropped is not None and (message.direct or importable(dropped.name))


def _storable(text: str | None) -> str:
    """`text` as it can be stored: lone surrogates as "?", bidi controls removed."""
    return without_bidi((text or "").encode("utf-8", "replace").decode("utf-8"))


class _Replayed(Exception):  # noqa: N818 (a signal, not an error)
    """The event was answered while this command waited: its answer, or None."""

    def __init__(self, reply: Reply | None) -> None:
        self.reply = reply


def _answered(prior: dict | None) -> bool:
    """Whether a handled event must not run again: delivered, or its written reply stored (a
    read that was not delivered simply runs again)."""
    return prior is not None and (prior["delivered"] or prior["reply"] is not None)


def _stored(prior: dict, event_id: str) -> Reply | None:
    """What an answered event gets when replayed: nothing once delivered, else its reply
    (with its event id, for the transport to mark it delivered)."""
    if prior["delivered"]:
        return None
    reply = Reply.from_dict(prior["reply"])
    reply.event_id = event_id
    return reply


def _refuse_closed_plan(args, wrote: bool) -> None:
    """A closed plan is read, never changed: a command that wrote to one is rolled back."""
    read = [a for a in args if isinstance(a, Args)] if isinstance(args, list) else [args]
    the_plan = read[0].get("plan") if read else None
    if wrote and the_plan is not None and the_plan.closed:
        raise UserError(texts.PLAN_CLOSED.format(code=the_plan.code))


def _as_proposal(refusal: UserError) -> UserError:
    """A near status (« fiat ») with its corrected line is proposed, not only refused."""
    if isinstance(refusal, NearStatus) and refusal.line:
        return Proposal(str(refusal), [f"!maj {refusal.line}"])
    return refusal


class Engine:
    def __init__(
        self,
        db: sqlite_utils.Database,
        directory: Directory,
        registry: Registry,
        *,
        clock: Callable[[], datetime] = now_utc,
        organisation: Organisation | None = None,
        room_plans: dict[str, str] | None = None,
        transports: tuple[str, ...] = (),
        rhythm=None,
    ) -> None:
        self.db = db
        # The configuration's directory; links and roles changed in chat are applied on top.
        self.base_directory = directory
        self.directory = effective_directory(db, directory)
        self.registry = registry
        self.clock = clock
        self.organisation = organisation or Organisation()
        #: Room -> plan code, from the configuration; an admin's `!plan` in chat wins.
        self.room_plans = dict(room_plans or {})
        #: The transports serving this database: a command's posts are queued for the ones it
        #: did not come by (storage/outbox.py).
        self.transports = tuple(transports)
        #: The configured rhythm (commands.schedule.Rhythm) for !digest; None: the defaults.
        self.rhythm = rhythm
        #: (chat id, room) -> the proposal waiting for that person's answer (in memory only).
        self.proposals = Proposals()

    def handle(self, message: Message) -> Reply | None:
        """Run the command in `message`; None when it is no command or was already answered."""
        # Lone surrogates (possible in JSON) cannot be stored as UTF-8: they become "?".
        message = replace(message, text=_storable(message.text), sender=_storable(message.sender))
        key = (message.sender, message.room)
        answer = (
            proposal_texts.YES if message.confirmation else proposal_texts.answer_of(message.text)
        )
        pending = None
        try:
            if message.event_id and (answer or key in self.proposals):
                # A replay (of a confirmation, or of the proposing message) changes nothing.
                prior = bookkeeping.handled_reply(self.db, message.event_id)
                if _answered(prior):
                    return _stored(prior, message.event_id)
            pending = self.proposals.take(key)  # any message of theirs drops it
            if pending is not None and answer:
                reply = self._answer_proposal(message, pending, answer)
            elif message.attachment is not None:
                if not takes_file(message):
                    return None  # a file shared among colleagues, not for the bot
                if message.event_id:
                    prior = bookkeeping.handled_reply(self.db, message.event_id)
                    if _answered(prior):
                        return _stored(prior, message.event_id)
                reply = self._run(message, (FILE_DROPPED,))
            elif message.confirmation:
                reply = self._answered_now(
                    message, Reply(proposal_texts.NOTHING_PENDING, refused=True)
                )
            else:
                understood = understand(
                    message.text, self.registry, message.direct or message.mentioned
                )
                proposal = getattr(understood, "proposal", ())
                if understood.text is None and proposal:
                    # A likely meaning ("!mja 52 fait"), proposed: nothing runs yet.
                    reply = Reply(text=understood.answer, refused=True, proposal=proposal)
                elif understood.text is None:
                    # Not for the bot, or an answer that changes nothing (a hello, a pointer).
                    if not understood.answer:
                        return None
                    answer = Reply(understood.answer, refused=understood.refused)
                    answer.event_id = message.event_id
                    return fit(answer)
                elif message.event_id:
                    prior = bookkeeping.handled_reply(self.db, message.event_id)
                    if _answered(prior):
                        return _stored(prior, message.event_id)
                if understood.text is not None:
                    reply = self._run(message, (understood.text,))
        except _Replayed as replayed:
            return replayed.reply
        except sqlite3.OperationalError as fault:
            # Busy, read-only or full: nothing was recorded, the pilot may simply try again.
            log.warning("database fault, nothing recorded for %r: %s", message.text[:80], fault)
            reply = Reply(text=texts.RETRY_LATER, refused=True, transient=True)
            if pending is not None and answer:
                self.proposals.put_back(key, pending)  # the « oui » may be sent again
        if reply.proposal:
            self.proposals.keep(key, reply.proposal, self.clock())
            reply.text = f"{reply.text}\n{proposal_texts.HINT}"
        reply.event_id = message.event_id
        return fit(reply)

    def _answer_proposal(self, message: Message, pending: Pending, answer: str) -> Reply:
        """« oui » runs the proposal's lines (unless it expired), « non » drops it."""
        if answer == proposal_texts.NO:
            return self._answered_now(message, Reply(proposal_texts.DROPPED))
        if self.clock() >= pending.until:
            text = proposal_texts.EXPIRED.format(minutes=PROPOSAL_MINUTES)
            return self._answered_now(message, Reply(text, refused=True))
        return self._run(message, pending.lines)

    def _answered_now(self, message: Message, reply: Reply) -> Reply:
        """A reply that writes nothing, remembered in memory for a replay."""
        if message.event_id:
            bookkeeping.note_answered(self.db, message.event_id, fit(reply).to_dict())
        return reply

    def delivered(self, event_id: str | None) -> None:
        """The transport has sent the reply and posts of `event_id`."""
        if event_id:
            bookkeeping.mark_delivered(self.db, event_id)

    def _run(self, message: Message, lines: tuple[str, ...]) -> Reply:
        """Run the command in each of `lines` (one, or a confirmed proposal's), all in one
        transaction: a refusal in any rolls them all back."""
        # Re-read at every message: an admin may have changed the directory in chat.
        self.directory = effective_directory(self.db, self.base_directory)
        room_plan, plan_refusal = self._plan_of(message.room)
        # The pilots are the room's plan's: the CPAS's LM is not the commune's.
        directory = self.directory.for_plan(room_plan.code if room_plan else None)
        ctx = Context(
            db=self.db,
            user=directory.identify(message.sender),
            directory=directory,
            message=message,
            now=self.clock(),
            organisation=self.organisation,
            registry=self.registry,
            plan=room_plan,
            plan_refusal=plan_refusal,
            rhythm=self.rhythm,
        )
        text = "\n".join(lines)
        try:
            if len(text) > MAX_MESSAGE:
                raise UserError(texts.MESSAGE_TOO_LONG.format(limit=MAX_MESSAGE))
            steps = [self._parse(line) for line in lines]
            for cmd, _ in steps:
                refusal = cmd.who.refusal_before(ctx, cmd.name)
                if refusal:
                    raise NotAllowed(refusal)
            written = None
            # A deferred transaction: a command that only reads never takes the write lock.
            with transaction(self.db, write=False):
                if message.event_id:
                    # Checked again in the transaction that applies the effect.
                    prior = bookkeeping.handled_reply(self.db, message.event_id)
                    if _answered(prior):
                        raise _Replayed(_stored(prior, message.event_id))
                changes = self.db.conn.total_changes
                replies = []
                for cmd, rest in steps:
                    before = self.db.conn.total_changes
                    args = self._arguments(ctx, cmd, rest)
                    replies.append(cmd.handler(ctx, args))
                    _refuse_closed_plan(args, self.db.conn.total_changes != before)
                reply = together(replies)
                if reply.posts and self._grouped():
                    # Held for the quarter hour's grouped post: none is sent now.
                    held_posts.hold(self.db, fit(reply).posts, ctx.now)
                    reply.posts = []
                elsewhere = [t for t in self.transports if t != message.transport]
                if reply.posts and elsewhere:
                    outbox.queue(self.db, fit(reply).posts, elsewhere)
                bookkeeping.note_seen(self.db, message.sender, ctx.now)
                if self.db.conn.total_changes != changes:
                    if message.event_id:
                        # Stored with the effect: a replay, even after a restart, returns it.
                        bookkeeping.record_handled(self.db, message.event_id, fit(reply).to_dict())
                    written = bookkeeping.write_notes(self.db)
            if written is not None:
                bookkeeping.notes_written(self.db, written)
            elif message.event_id:
                # A read runs again if replayed before delivery, and is dropped after.
                bookkeeping.note_answered(self.db, message.event_id, None)
            return reply
        except UserError as refusal:
            refusal = _as_proposal(refusal)
            reply = Reply(text=str(refusal), refused=True, proposal=getattr(refusal, "lines", ()))
        except (_Replayed, sqlite3.OperationalError):
            raise
        except Exception:
            # A bug must not kill the transport nor be retried forever: say so, change nothing.
            log.exception("command failed: %r from %s", text[:200], message.sender)
            reply = Reply(text=texts.INTERNAL_ERROR, refused=True)
        if message.event_id:
            # Nothing was changed: remembered in memory, the refusal itself if replayed.
            bookkeeping.note_answered(self.db, message.event_id, fit(reply).to_dict())
        return reply

    def _grouped(self) -> bool:
        """Whether CODIR posts are held for one grouped post per quarter hour."""
        return getattr(self.rhythm, "codir_posts", "each") == "grouped"

    def _plan_of(self, room: str) -> tuple[Plan | None, str]:
        """The plan a room works on (`plans.choose_plan`), or None and why."""
        try:
            return plans.choose_plan(self.db, room=room, configured=self.room_plans), ""
        except plans.PlanChoiceError as error:
            return None, plan_refusal(error)

    def _parse(self, text: str) -> tuple[Command, str]:
        # Everything after the command's name, other lines included (bulk updates).
        cmd, word, rest = self.registry.split(text)
        if cmd is None:
            guess = self.registry.closest(word)
            hint = texts.DID_YOU_MEAN.format(word=guess) if guess else ""
            raise UnknownCommand(texts.UNKNOWN_COMMAND.format(word=word[:40], hint=hint))
        return cmd, rest

    def _arguments(self, ctx: Context, cmd: Command, rest: str) -> Args | list[Args | Refused]:
        """The declared arguments, read and allowed; for a per-line command one Args per line,
        or a `Refused` for a line that could not be read (the others still apply)."""
        if not cmd.per_line:
            return self._read(ctx, cmd, rest)
        lines = self._lines(cmd, rest) or [""]
        if len(lines) > MAX_LINES:
            raise UserError(texts.TOO_MANY_LINES.format(count=len(lines), limit=MAX_LINES))
        every = []
        for index, line in enumerate(lines, start=1):
            try:
                if line.startswith("!"):
                    word = cmd.name
                    raise UserError(
                        texts.ONLY_SAME_COMMAND.format(line=shorten(line, 40), word=word)
                    )
                every.append(self._read(ctx, cmd, line))
            except UserError as refusal:
                if len(lines) == 1:
                    raise
                every.append(Refused(index, str(refusal), tuple(getattr(refusal, "lines", ()))))
        return every

    def _read(self, ctx: Context, cmd: Command, text: str) -> Args:
        """The arguments of one command (or line), the rule checked as soon as it can be."""
        rule, checked = cmd.who, []

        def check(args: Args, complete: bool = False) -> None:
            if not checked and rule.ready(args, complete):
                checked.append(True)
                refusal = rule.check(ctx, args)
                if refusal:
                    raise NotAllowed(refusal)

        args = read_args(ctx, cmd.args, text, cmd.example, after_each=check)
        check(args, complete=True)
        return args

    def _lines(self, cmd: Command, text: str) -> list[str]:
        """The lines of a per-line message; a line may repeat the command's name. A line with
        another command is kept as typed, for a refusal."""
        lines = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line:
                continue
            if line.startswith("!"):
                named, _, rest = self.registry.split(line)
                line = rest if named is cmd else line
            lines.append(line)
        return lines
