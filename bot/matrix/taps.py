"""A tap on a reminder, on Matrix: a reaction on a reminder the bot sent (✅, or a line's
keycap) becomes its pilot's command, and the redaction of such a reaction its undo; both are
answered like any command (commands/reminder_taps.py decides, the engine applies).

    taps = ReminderTaps(runtime, sender, answer)      # answer: Router.answer
    await taps.reaction(room_id, reaction_event)      # "!maj 47 fait", or "which line?"
    await taps.redaction(room_id, redaction_event)    # "!annuler 47", or nothing

The command goes to the engine under the reaction's (or the redaction's) own event id: applied
once, whether the event comes again after a failed batch or a restart. Its reply goes to the
reminder's room (in reply to the reaction), its CODIR post to the CODIR room.
"""

from collections.abc import Awaitable, Callable

from nio import ReactionEvent, RedactionEvent

from bot.matrix import texts
from bot.matrix.send import Sender
from bot.runtime import Runtime
from commands import reminder_taps
from commands.types import Message, Reply
from storage.clock import now_utc


def tap_message(room_id: str, sender: str, event_id: str, command: str) -> Message:
    """The command a tap stands for, as its sender's message in a direct chat."""
    return Message(
        sender=sender,
        text=command,
        room=room_id,
        event_id=event_id,
        direct=True,
        transport="matrix",
    )


def which_line(codes: tuple[str, ...]) -> str:
    """What a ✅ on a reminder about several actions is answered: react with a line's number.

    >>> which_line(("47", "52", "53")).startswith("Ce rappel porte sur 3 actions")
    True
    """
    keycaps = ", ".join(reminder_taps.KEYCAPS[: len(reminder_taps.numbered(codes))])
    return texts.WHICH_LINE.format(count=len(codes), keycaps=keycaps, code=codes[0])


def redacted_id(event: RedactionEvent) -> str | None:
    """The event a redaction removes: `redacts` at the top (room versions up to 10, and as
    servers still show it) or in its content (from version 11)."""
    return event.redacts or event.source.get("content", {}).get("redacts")


class ReminderTaps:
    def __init__(
        self,
        runtime: Runtime,
        sender: Sender,
        answer: Callable[[Message], Awaitable[None]],
    ) -> None:
        self.runtime = runtime
        self.sender = sender
        self.answer = answer

    async def reaction(self, room_id: str, event: ReactionEvent) -> None:
        """A reaction on a reminder: its command answered, or which line it means asked; any
        other reaction is left alone."""
        tap = await self.runtime.worker.run(
            reminder_taps.tap,
            self.runtime.db,
            event.event_id,
            event.reacts_to,
            event.sender,
            event.key,
            now_utc(),
        )
        if tap is None:
            return
        incoming = tap_message(room_id, event.sender, event.event_id, tap.command or "")
        if tap.command is not None:
            await self.answer(incoming)
        else:  # nothing recorded: the same transaction id if the batch is synced again
            await self.sender.reply(incoming, Reply(text=which_line(tap.which_of)))

    async def redaction(self, room_id: str, event: RedactionEvent) -> None:
        """A reaction taken back: what it recorded is undone while it stands, else nothing."""
        redacts = redacted_id(event)
        if not redacts:
            return
        command = await self.runtime.worker.run(
            reminder_taps.withdrawal, self.runtime.db, event.sender, redacts, event.event_id
        )
        if command is not None:
            await self.answer(tap_message(room_id, event.sender, event.event_id, command))
