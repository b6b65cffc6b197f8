"""Who is who in Teams, where the bot may reach them, and who joins or leaves a team: the
`conversationUpdate` and `installationUpdate` activities (no SDK import here; bot/teams/turns.py
registers these handlers and asks `sender` who wrote a message).

    members = Members(runtime, tenants)
    sender = await members.sender(ctx)            # "aad:…", "luc@cpas.be" or "teams:29:…"
    await members.remember(ctx, sender)           # their personal chat, for the scheduler
    await members.on_conversation_update(ctx)     # the bot installed; people removed or added

A person is named as the directory names them (bot/teams/auth.py `Identities`: the Entra object
id, or the UPN when the directory knows them only by it). The same mapping reads the people a
team update names:

- the bot added to a personal chat (or installed there): the chat is kept (storage/
  conversations.py), so that reminders can reach the person;
- someone removed from a team (`membersRemoved` naming the team; not a group chat's): a pilot
  who leaves. The DG gets one message with their open actions and the `!pilote` lines to give
  them away, and their reminders stop (commands/departures.py, reason REMOVED); a redelivered
  activity finds them gone already and tells nobody again;
- someone added to a team (`membersAdded`): back, their reminders go again.

The bot itself removed from a team is not a pilot leaving: it is left out, like any activity
from another tenant. A person removed is no longer in the team's roster, so their UPN cannot be
asked any more: a pilot configured by UPN is recognised only if the bot has met them since it
started (the UPN is kept in memory); otherwise they are their object id, pilot nothing, and the
departure is logged but told to nobody (the scheduler still notices a pilot it cannot reach).
"""

import logging
import sqlite3

from bot.runtime import Runtime
from bot.teams.auth import PERSONAL, Identities, TenantFilter, room_of
from commands import departures
from storage import conversations
from storage.clock import now_utc

log = logging.getLogger(__name__)

TRANSPORT = "teams"


class DepartureNotRecorded(Exception):
    """The database could not record a departure now: the request fails, Teams sends the
    activity again."""


def in_a_team(activity) -> bool:
    """Whether a conversation update is about a team's members (Teams names the team)."""
    return bool(activity.channel_data and activity.channel_data.team)


class Members:
    def __init__(self, runtime: Runtime, tenants: TenantFilter) -> None:
        self.runtime = runtime
        self.tenants = tenants
        self.identities = Identities()
        #: person -> (conversation id, service url) last stored: written again only if changed.
        self._remembered: dict[str, tuple[str, str]] = {}

    # ------------------------------------------------------------ who

    async def sender(self, ctx) -> str:
        """Who wrote the activity, as the directory names them."""
        return await self.chat_id(ctx, ctx.activity.from_)

    async def chat_id(self, ctx, account) -> str:
        """The chat id of a Teams account (`from`, or a member an update names): `aad:<id>`,
        their UPN as the directory spells it, or `teams:<id>` without an object id."""
        if not account.aad_object_id:
            return f"{TRANSPORT}:{account.id}"
        conversation = room_of(ctx.activity.conversation.id)

        async def lookup_upn() -> str | None:
            member = await ctx.api.conversations.get_member_by_id(conversation, account.id)
            return member.user_principal_name

        return await self.identities.sender(
            account.aad_object_id, self.runtime.engine.directory, lookup_upn
        )

    # ------------------------------------------------------------ where to reach them

    async def remember(self, ctx, sender: str) -> None:
        """Keep the personal chat `ctx` came from as where `sender` is reached."""
        activity = ctx.activity
        where = (activity.conversation.id, activity.service_url)
        if self._remembered.get(sender) == where:
            return
        try:
            await self.runtime.worker.run(
                conversations.remember,
                self.runtime.db,
                sender,
                TRANSPORT,
                activity.conversation.id,
                activity.service_url,
                now_utc(),
            )
        except sqlite3.OperationalError as fault:  # kept at the next message
            log.warning("Conversation de %s non enregistrée (%s)", sender, fault)
            return
        self._remembered[sender] = where

    async def on_install(self, ctx) -> None:
        if self.tenants.allows(ctx.activity):
            await self._remember_personal(ctx)

    async def _remember_personal(self, ctx) -> None:
        activity = ctx.activity
        if not activity.from_ or activity.conversation.conversation_type != PERSONAL:
            return
        try:
            await self.remember(ctx, await self.sender(ctx))
        except Exception:
            log.exception("Installation Teams %s : conversation non enregistrée", activity.id)

    # ------------------------------------------------------------ joining and leaving

    async def on_conversation_update(self, ctx) -> None:
        """The bot added to a personal chat; people removed from a team or added to one."""
        activity = ctx.activity
        if not self.tenants.allows(activity):
            return
        bot_id = activity.recipient.id if activity.recipient else None
        added = activity.members_added or []
        if any(member.id == bot_id for member in added):
            await self._remember_personal(ctx)
        if not in_a_team(activity):
            return  # a personal chat's members are the person and the bot; a group chat's
            # members are not the organisation's
        for member in added:
            if member.id != bot_id:
                await self._came_back(ctx, member)
        for member in activity.members_removed or []:
            if member.id == bot_id:
                log.info("Bot Teams retiré de %s", room_of(activity.conversation.id))
            else:
                await self._left(ctx, member)

    async def _left(self, ctx, member) -> None:
        person = await self.chat_id(ctx, member)
        engine = self.runtime.engine
        try:
            told = await self.runtime.worker.run(
                departures.record_departure,
                self.runtime.db,
                engine.base_directory,
                person,
                departures.REMOVED,
                now_utc(),
            )
        except sqlite3.OperationalError as fault:
            raise DepartureNotRecorded(f"départ de {person} non enregistré ({fault})") from None
        if told:
            log.info("%s retiré(e) d'une équipe Teams : le DG est prévenu", person)
        else:
            log.info("%s retiré(e) d'une équipe Teams : déjà signalé ou sans action", person)

    async def _came_back(self, ctx, member) -> None:
        person = await self.chat_id(ctx, member)
        try:
            await self.runtime.worker.run(departures.record_return, self.runtime.db, person)
        except sqlite3.OperationalError as fault:
            raise DepartureNotRecorded(f"retour de {person} non enregistré ({fault})") from None
