"""The scheduler's messages in Teams: a reminder in the person's personal chat with the bot, the
digest in the CODIR channel.

    courier = TeamsCourier(teams_bot)               # bot/run.py hands it to the Scheduler
    await courier.deliver(outgoing)                 # once courier.ready()

A bot may write first only in a conversation it knows: the personal chat stored when the person
installed the app or last wrote to it (storage/conversations.py). Someone who never did cannot
be reached (`Unreachable`: the scheduler gives that message up). A reminder is an adaptive card
(bot/teams/cards.py): its lines, then three buttons per action (fait, en cours, pas encore) that
answer as if the pilot had typed the command; its markdown text is the card's fallback. The
digest is markdown. A stored conversation whose serviceUrl the allow-list does not admit
(bot/teams/trust.py) is `Unreachable` too: nothing is sent there. Teams has no transaction id: a
send that reached Teams just before a crash is sent again after it.
"""

import logging

from bot.scheduler import CODIR, Unreachable
from bot.teams.trust import ServiceUrlRefused
from commands.chat_ids import is_teams_user
from commands.schedule import Outgoing
from storage import conversations

log = logging.getLogger(__name__)

TRANSPORT = "teams"


class TeamsCourier:
    name = TRANSPORT

    def __init__(self, bot) -> None:
        self.bot = bot  # a bot.teams.bot.TeamsBot: its `turns` while it serves, its `runtime`

    def ready(self) -> bool:
        return self.bot.turns is not None

    def reaches(self, recipient: str) -> bool:
        return recipient == CODIR or is_teams_user(recipient)

    async def deliver(self, outgoing: Outgoing) -> None:
        turns = self.bot.turns
        if turns is None:
            raise ConnectionError("bot Teams arrêté")
        if outgoing.recipient == CODIR:
            await turns.post_codir(outgoing.text)  # False (no CODIR channel): logged there
            return
        runtime = self.bot.runtime
        where = await runtime.worker.run(
            conversations.reference, runtime.db, outgoing.recipient, TRANSPORT
        )
        if where is None:
            raise Unreachable("aucune conversation Teams connue (jamais écrit au bot)")
        conversation_id, service_url = where["conversation_id"], where["service_url"]
        try:
            if outgoing.actions:  # buttons to answer with
                await turns.send_reminder(
                    conversation_id, service_url, outgoing.text, outgoing.actions
                )
            else:
                await turns.send_to(conversation_id, service_url, outgoing.text)
        except ServiceUrlRefused as refused:
            raise Unreachable(f"serviceUrl hors de la liste autorisée ({refused})") from None
        log.info("Message %s envoyé à %s dans Teams", outgoing.key, outgoing.recipient)
