"""Fixtures for the end-to-end tests: one real Synapse for the whole session, and logged-in
matrix-nio clients for freshly registered users.

Every test in tests/e2e is marked `e2e` and runs in the session event loop (the loop the
session fixtures live in), so test files here need no marks of their own.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio
from nio import AsyncClient, AsyncClientConfig, LoginResponse

from .botproc import BotProcess
from .chat import Chat
from .synapse import Homeserver, unique_name
from .teams_standin import (
    Sent,
    TeamsStandIn,
    TeamsUser,
    free_port,
    post_activity,
    wait_listening,
)

PASSWORD = "correct horse battery staple"
_HERE = Path(__file__).parent

MakeClient = Callable[..., Awaitable[AsyncClient]]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            if not inspect.iscoroutinefunction(getattr(item, "obj", None)):
                continue
            # Prepended so it wins over the bare asyncio mark that asyncio_mode = "auto" adds.
            item.add_marker(pytest.mark.asyncio(loop_scope="session"), append=False)


@pytest.fixture(scope="session")
def homeserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homeserver]:
    """A running Synapse on 127.0.0.1, shared by every e2e test of the session."""
    try:
        import synapse  # noqa: F401
    except ImportError:
        reason = "matrix-synapse is not installed: pip install -e '.[test]'"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the e2e tests must run in CI)", pytrace=False)
        pytest.skip(reason)
    server = Homeserver(tmp_path_factory.mktemp("synapse"))
    server.start()
    yield server
    server.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def make_client(homeserver: Homeserver) -> AsyncIterator[MakeClient]:
    """A factory: `await make_client("pilot")` registers "@pilot-<8 hex>:localhost", logs in
    and returns the AsyncClient. Extra keyword arguments (device_id, store_path, config) go to
    AsyncClient; the default config returns a 429 instead of retrying it. Every client is
    closed when the test ends."""
    clients: list[AsyncClient] = []

    async def make(
        prefix: str = "user",
        *,
        admin: bool = False,
        device_id: str | None = None,
        store_path: str = "",
        config: AsyncClientConfig | None = None,
    ) -> AsyncClient:
        if config is None:
            # nio retries a 429 forever by default; a test should fail fast on one instead.
            config = AsyncClientConfig(max_limit_exceeded=0)
        name = unique_name(prefix)
        user_id = await asyncio.to_thread(homeserver.register, name, PASSWORD, admin)
        client = AsyncClient(
            homeserver.base_url, user_id, device_id=device_id, store_path=store_path, config=config
        )
        clients.append(client)
        response = await client.login(PASSWORD, device_name=name)
        assert isinstance(response, LoginResponse), response
        return client

    yield make
    for client in clients:
        await client.close()


# --- the real bot, shared by the tests of test_matrix_bot.py ---------------------------------


@dataclass
class Team:
    """The bot process and the people around it (see `pst_bot`)."""

    bot: BotProcess
    dg: Chat  # admin, invites the bot; member of the CODIR room
    lm: Chat  # pilot LM
    sv: Chat  # pilot SV
    reader: Chat  # allowed to invite, pilots nothing
    outsider: Chat  # may not invite the bot
    crypto: Chat  # an end-to-end encryption capable client, allowed to invite
    codir_room: str
    group_room: str  # dg, lm, sv, reader and the bot
    before_start: str  # event id of a command sent in the CODIR room before the bot started


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pst_bot(homeserver: Homeserver, tmp_path_factory) -> AsyncIterator[Team]:
    """One bot process for the session, with a CODIR room it was invited to before it started
    and a group room with two pilots and a reader."""
    workdir = tmp_path_factory.mktemp("pst-bot")
    bot_password = "bot-" + unique_name("pw")
    bot_id = await asyncio.to_thread(homeserver.register, unique_name("pst-bot"), bot_password)
    dg, lm, sv, reader, outsider = [
        await Chat.login(homeserver, prefix) for prefix in ("dg", "lm", "sv", "reader", "outsider")
    ]
    crypto = await Chat.login(homeserver, "crypto", store_dir=workdir / "crypto")
    codir_room = await dg.create_room([bot_id], name="CODIR")
    before_start = await dg.send(codir_room, "!aide")
    bot = BotProcess(
        workdir,
        homeserver.base_url,
        bot_id,
        bot_password,
        access={
            "admins": [dg.user_id],
            "codir": [],
            "allowed_inviters": [
                dg.user_id,
                lm.user_id,
                sv.user_id,
                reader.user_id,
                crypto.user_id,
            ],
        },
        pilots={"LM": lm.user_id, "SV": sv.user_id},
        codir_room=codir_room,
        verbose=True,  # -v: the log is grepped for secrets (test_matrix_bot.py)
    )
    bot.seed()
    bot.start()
    chats = [dg, lm, sv, reader, outsider, crypto]
    try:
        await dg.until(lambda: dg.is_member(codir_room, bot_id) or not bot.running, 30, "bot up")
        assert bot.running, bot.log_text()
        members = [bot_id, lm.user_id, sv.user_id, reader.user_id]
        group_room = await dg.create_room(members, name="Pilotes")
        for chat in (lm, sv, reader):
            chat.accept_invites = True
            await chat.until(lambda c=chat: group_room in c.client.rooms, 10, "group room")
        await dg.until(lambda: all(dg.is_member(group_room, u) for u in members), 20, "joins")
        yield Team(bot, dg, lm, sv, reader, outsider, crypto, codir_room, group_room, before_start)
    finally:
        exit_code = bot.terminate()
        for chat in chats:
            await chat.close()
    assert exit_code == 0, bot.log_text()


# --- Teams: Microsoft's side stood in (teams_standin.py), and a Teams-only bot ------------------


@pytest.fixture(scope="session")
def teams_standin(tmp_path_factory) -> Iterator[TeamsStandIn]:
    """Login, keys and Bot Connector on 127.0.0.1 over HTTPS, in a thread of their own."""
    standin = TeamsStandIn(tmp_path_factory.mktemp("teams-standin"))
    standin.start()
    yield standin
    standin.stop()


@dataclass
class TeamsTeam:
    """A Teams-only bot process and the people who write to it (see `teams_bot`)."""

    bot: BotProcess
    standin: TeamsStandIn
    port: int
    dg: TeamsUser  # admin, configured as aad:<object id>
    lm: TeamsUser  # pilot LM, aad:<object id>
    sv: TeamsUser  # pilot SV, configured by UPN: the bot looks it up
    reader: TeamsUser  # in the tenant, pilots nothing
    codir: str  # the CODIR channel's conversation id
    #: Activity id -> how many sends its conversation had when it was posted.
    marks: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/messages"

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def post(self, activity: dict, authorization: str | None = "signed") -> int:
        """POST as Teams would, signed unless `authorization` says otherwise; the status."""
        conversation = activity["conversation"]["id"]
        self.marks.setdefault(activity["id"], len(self.standin.sent(conversation)))
        if authorization == "signed":
            authorization = self.standin.sign(activity)
        return post_activity(self.url, activity, authorization)

    def say(self, user: TeamsUser, text: str, **kwargs) -> dict:
        """`user` writes `text` (in their personal chat unless conversation= says where); the
        activity, once the bot accepted it."""
        activity = self.standin.message(user, text, **kwargs)
        status = self.post(activity)
        assert status == 200, (status, self.bot.log_text()[-3000:])
        return activity

    def answers(self, activity: dict, count: int = 1, timeout: float = 20) -> list[Sent]:
        """What the bot sent to the activity's conversation since it arrived (at least
        `count` of them; the wait is for slow sends)."""
        conversation = activity["conversation"]["id"]
        before = self.marks[activity["id"]]

        def enough() -> list[Sent]:
            sent = [s for s in self.standin.sent(conversation)[before:] if not is_reminder(s)]
            return sent if len(sent) >= count else []

        return self.standin.wait_for(
            enough,
            timeout,
            f"{count} answer(s) in {conversation}",
        )


def is_reminder(sent: Sent) -> bool:
    """A reminder card the scheduler sends on its own once a pilot's personal chat is known
    (within working hours, so whether one comes during a test depends on the time of day)."""
    card = any(a.get("contentType") == REMINDER_CARD for a in sent.attachments)
    return card and not sent.text and (sent.activity.get("summary") or "").startswith("Bonjour")


REMINDER_CARD = "application/vnd.microsoft.card.adaptive"


def teams_bot_process(workdir: Path, standin: TeamsStandIn, port: int, **kwargs) -> BotProcess:
    """A BotProcess with a [teams] section pointed at the stand-in (add homeserver etc. for a
    bot on both transports)."""
    teams = standin.teams_config(
        port,
        codir_conversation=kwargs.pop("codir_conversation"),
        public_url=f"http://127.0.0.1:{port}",
    )
    return BotProcess(workdir, teams=teams, env=standin.env(), **kwargs)


@pytest.fixture(scope="module")
def teams_bot(teams_standin: TeamsStandIn, tmp_path_factory) -> Iterator[TeamsTeam]:
    """One Teams-only bot process for a test module, authentication on."""
    standin = teams_standin
    dg = standin.add_user("Dominique Gérard", "dg@frameries.example")
    lm = standin.add_user("Luc Martin", "lm@frameries.example")
    sv = standin.add_user("Sylvie Vandamme", "sv@frameries.example")
    reader = standin.add_user("Rita Lecteur", "rita@frameries.example")
    codir = "19:codir-pst@thread.tacv2"
    port = free_port()
    bot = teams_bot_process(
        tmp_path_factory.mktemp("teams-bot"),
        standin,
        port,
        codir_conversation=codir,
        access={"admins": [dg.aad]},
        pilots={"LM": lm.aad, "SV": sv.upn},
        verbose=True,
    )
    bot.seed()
    bot.start()
    try:
        wait_listening(port, lambda: bot.running)
        yield TeamsTeam(bot, standin, port, dg, lm, sv, reader, codir)
    finally:
        exit_code = bot.terminate()
    assert exit_code == 0, bot.log_text()[-3000:]
