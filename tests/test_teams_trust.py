"""What may reach the Teams bot (issue 21, items 1, 2 and 5), part by part, each test named for
the attack it stops: the unauthenticated flag, the service URLs the bot may send to, the body's
size, the Bot Connector's tokens and keys, the exactly-once key, the cards' plain text, and the
HTTP app itself (in-process, no network). The same attacks against the real bot:
tests/e2e/test_teams_trust.py."""

import asyncio
import json
import logging
import time
from types import SimpleNamespace

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.config import TeamsConfig
from bot.teams import texts
from bot.teams.auth import activity_key
from bot.teams.signatures import (
    REFRESH_S,
    RETRY_S,
    BotConnectorTokens,
    SigningKeys,
    Unsigned,
    keys_url,
)
from bot.teams.trust import (
    MOST_BODY,
    Gate,
    Refused,
    ServiceUrls,
    is_loopback,
    read_body,
    unauthenticated_refusal,
)
from commands.types import Message
from storage import bookkeeping
from tests.conftest import LUC, SYLVIE

APP_ID = "00000000-0000-0000-0000-0000000000b0"
TENANT = "0f3c1111-2222-3333-4444-555566667777"
ISSUER = "https://api.botframework.com"
TEAMS_URL = "https://smba.trafficmanager.net/emea/"
KEYS = "https://login.botframework.com/v1/.well-known/keys"


def teams_config(**fields) -> TeamsConfig:
    """A [teams] section as the transport receives it. Built without validation: bot/config.py
    may refuse some of these combinations itself; the transport must refuse them anyway."""
    return TeamsConfig.model_construct(app_id=APP_ID, tenant_id=TENANT, **fields)


# ---------------------------------------------------------------- item 1: the flag


def test_the_unauthenticated_flag_is_refused_beside_a_secret():
    config = teams_config(app_secret="s3cret", dangerously_allow_unauthenticated=True)
    assert unauthenticated_refusal(config) == texts.NO_AUTH_WITH_SECRET
    assert "PST_BOT_TEAMS_SECRET" in texts.NO_AUTH_WITH_SECRET


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "pst.example.org", ""])
def test_the_unauthenticated_flag_is_refused_on_a_host_beyond_loopback(host):
    config = teams_config(dangerously_allow_unauthenticated=True, host=host)
    refusal = unauthenticated_refusal(config)
    assert refusal == texts.NO_AUTH_OFF_LOOPBACK.format(host=host)
    assert "127.0.0.1" in refusal


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_the_playground_flag_alone_on_loopback_is_allowed(host):
    config = teams_config(dangerously_allow_unauthenticated=True, host=host)
    assert is_loopback(host)
    assert unauthenticated_refusal(config) is None


def test_without_the_flag_there_is_nothing_to_refuse():
    assert unauthenticated_refusal(teams_config(app_secret="s3cret", host="0.0.0.0")) is None


async def test_the_teams_transport_refuses_to_start_with_the_flag_beside_a_secret(caplog):
    from bot.teams.bot import TeamsBot

    config = teams_config(app_secret="s3cret", dangerously_allow_unauthenticated=True)
    runtime = SimpleNamespace(settings=SimpleNamespace(teams=config))
    with caplog.at_level(logging.ERROR, logger="bot.teams.bot"):
        assert await TeamsBot(runtime).run() == 1
    assert f"Bot Teams non démarré : {texts.NO_AUTH_WITH_SECRET}" in caplog.messages


# ---------------------------------------------------------------- item 1: where replies go


@pytest.mark.parametrize(
    "url",
    [
        "https://smba.trafficmanager.net/emea/",
        "https://smba.trafficmanager.net/amer/",
        "https://SMBA.trafficmanager.net/teams",
        "https://smba.trafficmanager.net:443/emea/",
        "https://smba.infra.gcc.teams.microsoft.com/teams",
        "https://smba.infra.gov.teams.microsoft.us/teams",
        "https://smba.infra.dod.teams.microsoft.us/teams",
        "https://europe.webchat.botframework.com/",
    ],
)
def test_microsofts_service_urls_are_allowed(url):
    assert ServiceUrls.of(teams_config(app_secret="s")).allows(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/connector/",
        "http://smba.trafficmanager.net/emea/",  # no TLS: the token would travel in clear
        "https://smba.trafficmanager.net:8443/emea/",
        "https://smba.trafficmanager.net.evil.example/emea/",
        "https://evil.example/smba.trafficmanager.net/",
        "https://smba.trafficmanager.net@evil.example/",
        "https://evil.example\\@smba.trafficmanager.net/",
        "https://evil.example?@smba.trafficmanager.net/",
        "https://evil.example#@smba.trafficmanager.net/",
        "https://evilbotframework.com/",
        "https://botframework.com.evil.example/",
        "https://smbа.trafficmanager.net/emea/",  # a Cyrillic « а »
        "https://ſmba.trafficmanager.net/emea/",  # a long s, which folds to « s »
        " https://smba.trafficmanager.net/emea/",
        "https://smba.trafficmanager.net/emea/\n",
        "https://127.0.0.1:3978/",  # loopback: only for the Playground
        "http://localhost:56150/_connector",
        "javascript:alert(1)",
        "",
        None,
        47,
    ],
)
def test_an_activity_from_any_other_service_url_is_refused(url):
    assert not ServiceUrls.of(teams_config(app_secret="s")).allows(url)


def test_the_configured_endpoints_and_service_url_are_allowed_and_nothing_beside_them():
    endpoints = SimpleNamespace(
        login="https://127.0.0.1:8443",
        openid_metadata="https://127.0.0.1:8443/botframework/v1/.well-known/openidconfiguration",
    )
    sovereign = "https://smba.sovereign.example/teams/"
    urls = ServiceUrls.of(teams_config(service_url=sovereign, endpoints=endpoints))
    assert urls.allows("https://127.0.0.1:8443/connector/teams/")  # the tests' stand-in
    assert urls.allows("https://smba.sovereign.example/other/")
    assert not urls.allows("https://127.0.0.1:8444/connector/teams/")
    assert not urls.allows("http://127.0.0.1:8443/connector/teams/")
    assert not urls.allows("https://sovereign.example/teams/")


def test_the_playground_may_answer_on_loopback_only():
    urls = ServiceUrls.of(teams_config(dangerously_allow_unauthenticated=True))
    assert urls.allows("http://localhost:56150/_connector")
    assert urls.allows("http://127.0.0.1:56150/_connector")
    assert not urls.allows("https://evil.example/connector/")
    # The same flag beside a secret (refused anyway) opens no loopback either.
    refused = teams_config(dangerously_allow_unauthenticated=True, app_secret="s")
    assert not ServiceUrls.of(refused).allows("http://localhost:56150/_connector")


# ---------------------------------------------------------------- item 5: the body's size


class Chunks:
    """A request body arriving in pieces; counts what was read of it."""

    def __init__(self, size: int, piece: int = 65536) -> None:
        self.left, self.piece, self.read = size, piece, 0

    def __aiter__(self):
        return self

    async def __anext__(self) -> bytes:
        if self.left <= 0:
            raise StopAsyncIteration
        n = min(self.piece, self.left)
        self.left -= n
        self.read += n
        return b"x" * n


async def test_a_body_declared_over_the_limit_is_refused_before_a_byte_is_read():
    body = Chunks(300 * 1024 * 1024)
    with pytest.raises(Refused) as refused:
        await read_body(str(300 * 1024 * 1024), body)
    assert refused.value.status == 413
    assert body.read == 0


async def test_a_body_growing_past_the_limit_is_cut_off_as_soon_as_it_does():
    body = Chunks(300 * 1024 * 1024)
    with pytest.raises(Refused) as refused:
        await read_body(None, body)  # chunked: no Content-Length
    assert refused.value.status == 413
    assert body.read <= MOST_BODY + 65536


async def test_a_body_within_the_limit_is_read_whole():
    assert MOST_BODY == 1024 * 1024
    assert len(await read_body(str(MOST_BODY), Chunks(MOST_BODY))) == MOST_BODY


async def test_an_unreadable_content_length_is_refused():
    with pytest.raises(Refused) as refused:
        await read_body("-1", Chunks(10))
    assert refused.value.status == 400


# ---------------------------------------------------------------- item 2: the connector's tokens


class Microsoft:
    """The key endpoint, in-process: one RSA key published as `kid`; counts the fetches."""

    def __init__(self, *, delay: float = 0.0) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "connector-1"
        self.endorsements = ["msteams"]
        self.fetches = 0
        self.delay = delay
        self.status = 200

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk |= {"kid": self.kid, "use": "sig", "endorsements": self.endorsements}
        return httpx.Response(self.status, json={"keys": [jwk]})

    def token(self, *, kid: str | None = None, key=None, **claims) -> str:
        now = int(time.time())
        base = {
            "iss": ISSUER,
            "aud": APP_ID,
            "serviceurl": TEAMS_URL,
            "nbf": now - 5,
            "exp": now + 600,
        }
        body = {k: v for k, v in (base | claims).items() if v is not None}
        headers = {"kid": kid or self.kid}
        return "Bearer " + jwt.encode(body, key or self.key, algorithm="RS256", headers=headers)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def tokens_of(microsoft: Microsoft, clock: Clock | None = None) -> BotConnectorTokens:
    http = httpx.AsyncClient(transport=httpx.MockTransport(microsoft.handle))
    keys = SigningKeys(KEYS, http=http, clock=clock or Clock())
    return BotConnectorTokens(keys, app_id=APP_ID, issuer=ISSUER)


async def test_a_bot_connector_token_for_this_app_and_this_service_url_is_accepted():
    microsoft = Microsoft()
    claims = await tokens_of(microsoft).check(microsoft.token(), TEAMS_URL, "msteams")
    assert claims["aud"] == APP_ID and claims["serviceurl"] == TEAMS_URL
    assert keys_url("https://x.example/v1/.well-known/openidconfiguration") == (
        "https://x.example/v1/.well-known/keys"
    )


async def test_an_entra_issued_token_without_a_service_url_claim_is_refused_unfetched():
    microsoft = Microsoft()
    token = microsoft.token(
        iss=f"https://login.microsoftonline.com/{TENANT}/v2.0",
        serviceurl=None,
        azp="5a807f24-c9de-44ee-a3a7-329e88a00ffc",
        tid=TENANT,
    )
    with pytest.raises(Unsigned, match="émetteur"):
        await tokens_of(microsoft).check(token, TEAMS_URL, "msteams")
    assert microsoft.fetches == 0  # refused before any key was looked for


async def test_a_bot_connector_token_without_a_service_url_claim_is_refused():
    microsoft = Microsoft()
    with pytest.raises(Unsigned, match="serviceurl"):
        await tokens_of(microsoft).check(microsoft.token(serviceurl=None), TEAMS_URL, "msteams")


@pytest.mark.parametrize(
    ("forge", "why"),
    [
        (lambda m: None, "pas de jeton"),
        (lambda m: "Basic dXNlcjpwYXNz", "pas de jeton"),
        (lambda m: "Bearer not-a-jwt", "illisible"),
        (lambda m: m.token(serviceurl="https://evil.example/"), "serviceUrl différent"),
        (lambda m: m.token(aud="another-bot"), "autre application"),
        (lambda m: m.token(aud=f"api://{APP_ID}"), "autre application"),
        (lambda m: m.token(exp=int(time.time()) - 900), "expiré"),
        (lambda m: m.token(iss="https://api.botframework.com.evil.example"), "émetteur"),
        (lambda m: m.token(key=rsa.generate_private_key(65537, 2048)), "signature"),
        (lambda m: m.token(kid="made-up"), "clé de signature inconnue"),
    ],
    ids=[
        "unsigned",
        "basic",
        "garbage",
        "service url of another",
        "another audience",
        "entra-style audience",
        "expired",
        "look-alike issuer",
        "unpublished key",
        "unknown key id",
    ],
)
async def test_a_forged_or_misdirected_token_is_refused(forge, why):
    microsoft = Microsoft()
    with pytest.raises(Unsigned, match=why):
        await tokens_of(microsoft).check(forge(microsoft), TEAMS_URL, "msteams")


@pytest.mark.parametrize("alg", ["HS256", "none"])
async def test_a_token_claiming_another_algorithm_is_refused(alg):
    """HS256 with the public key as its secret, or no signature at all: the classic forgeries."""
    microsoft = Microsoft()
    header = {"alg": alg, "typ": "JWT", "kid": microsoft.kid}
    claims = {"iss": ISSUER, "aud": APP_ID, "serviceurl": TEAMS_URL, "exp": time.time() + 600}
    segments = [json.dumps(header).encode(), json.dumps(claims).encode()]
    forged = ".".join(jwt.utils.base64url_encode(s).decode() for s in segments) + ".c2ln"
    with pytest.raises(Unsigned, match="RS256"):
        await tokens_of(microsoft).check(f"Bearer {forged}", TEAMS_URL, "msteams")
    assert microsoft.fetches == 0


async def test_a_key_not_endorsed_for_the_activitys_channel_is_refused():
    microsoft = Microsoft()
    with pytest.raises(Unsigned, match="endossée"):
        await tokens_of(microsoft).check(microsoft.token(), TEAMS_URL, "webchat")


async def test_unknown_key_ids_are_fetched_at_most_once_a_minute():
    microsoft, clock = Microsoft(), Clock()
    tokens = tokens_of(microsoft, clock)
    await tokens.check(microsoft.token(), TEAMS_URL, "msteams")
    assert microsoft.fetches == 1
    for n in range(5):
        with pytest.raises(Unsigned):
            await tokens.check(microsoft.token(kid=f"made-up-{n}"), TEAMS_URL, "msteams")
    clock.now += RETRY_S - 1
    with pytest.raises(Unsigned):
        await tokens.check(microsoft.token(kid="made-up-6"), TEAMS_URL, "msteams")
    assert microsoft.fetches == 1
    clock.now += 1
    with pytest.raises(Unsigned):
        await tokens.check(microsoft.token(kid="made-up-7"), TEAMS_URL, "msteams")
    assert microsoft.fetches == 2


async def test_fetching_the_keys_leaves_the_event_loop_free_and_is_done_once_for_all():
    microsoft = Microsoft(delay=0.3)
    tokens = tokens_of(microsoft)
    ticks = 0

    async def other_requests() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(other_requests())
    forged = [microsoft.token(kid=f"made-up-{n}") for n in range(5)]
    results = await asyncio.gather(
        *(tokens.check(token, TEAMS_URL, "msteams") for token in forged),
        tokens.check(microsoft.token(), TEAMS_URL, "msteams"),
        return_exceptions=True,
    )
    ticker.cancel()
    assert [type(r) for r in results[:5]] == [Unsigned] * 5
    assert results[5]["aud"] == APP_ID  # the real one waited for the same fetch
    assert microsoft.fetches == 1
    assert ticks >= 10  # the loop went on during the 0.3 s fetch


async def test_the_keys_are_fetched_again_after_a_day_and_kept_when_that_fails(caplog):
    microsoft, clock = Microsoft(), Clock()
    tokens = tokens_of(microsoft, clock)
    await tokens.check(microsoft.token(), TEAMS_URL, "msteams")
    clock.now += REFRESH_S
    microsoft.status = 503
    with caplog.at_level(logging.WARNING, logger="bot.teams.signatures"):
        claims = await tokens.check(microsoft.token(), TEAMS_URL, "msteams")
    assert claims["aud"] == APP_ID and microsoft.fetches == 2
    assert any("non obtenues" in message for message in caplog.messages)


# ---------------------------------------------------------------- the gate, in order


class Tokens:
    """A stand-in for BotConnectorTokens: accepts "Bearer good" only."""

    async def check(self, authorization, service_url, channel_id) -> dict:
        if authorization != "Bearer good":
            raise Unsigned("pas de jeton")
        return {}


def activity(service_url: object = TEAMS_URL) -> bytes:
    return json.dumps(
        {"type": "message", "serviceUrl": service_url, "channelId": "msteams"}
    ).encode()


async def test_the_gate_lets_a_signed_activity_from_microsoft_through():
    gate = Gate(teams_config(app_secret="s"), Tokens())
    assert (await gate.admit(activity(), "Bearer good"))["serviceUrl"] == TEAMS_URL


@pytest.mark.parametrize(
    ("body", "authorization", "status"),
    [
        (b"not json", "Bearer good", 400),
        (b"[1, 2]", "Bearer good", 400),
        (activity(), None, 401),
        (activity("https://evil.example/"), None, 401),  # unsigned first: it learns nothing
        (activity("https://evil.example/"), "Bearer good", 403),
        (activity(None), "Bearer good", 403),
    ],
)
async def test_the_gate_refuses_what_is_unreadable_unsigned_or_from_elsewhere(
    body, authorization, status
):
    gate = Gate(teams_config(app_secret="s"), Tokens())
    with pytest.raises(Refused) as refused:
        await gate.admit(body, authorization)
    assert refused.value.status == status


async def test_a_flood_of_refusals_is_logged_once(caplog):
    gate = Gate(teams_config(app_secret="s"), Tokens())
    with caplog.at_level(logging.WARNING, logger="bot.teams.trust"):
        for _ in range(20):
            with pytest.raises(Refused):
                await gate.admit(activity("https://evil.example/\nfake line"), "Bearer good")
    assert len(caplog.records) == 1
    assert "\n" not in caplog.messages[0]


# ---------------------------------------------------------------- item 2: exactly once, per chat


def test_the_same_activity_id_in_two_chats_has_two_keys():
    one, other = activity_key("a:1personal-lm", "1712"), activity_key("a:1personal-sv", "1712")
    assert one != other
    assert one == "teams:a:1personal-lm:1712"


def test_a_reused_activity_id_in_another_chat_is_applied_there(engine):
    def update(sender: str, chat: str, text: str):
        key = activity_key(chat, "1712345")
        return engine.handle(Message(sender=sender, text=text, room=chat, event_id=key))

    first = update(LUC, "a:1personal-lm", "!maj 52 fait")
    second = update(SYLVIE, "a:1personal-sv", "!maj 23 fait")
    assert first.text.startswith("Action 52 : ") and second.text.startswith("Action 23 : ")


def test_an_activity_handled_under_the_old_key_keeps_it_and_blocks_no_new_one(engine, db):
    bookkeeping.record_handled(db, "teams:1712345", {"text": "Action 52 : à démarrer → fait"})
    key = activity_key("a:1personal-sv", "1712345")
    reply = engine.handle(Message(sender=SYLVIE, text="!maj 23 fait", room="r", event_id=key))
    assert reply.text.startswith("Action 23 : ")
    assert bookkeeping.handled_reply(db, "teams:1712345") is not None


# ---------------------------------------------------------------- item 5: cards show plain text

LINK = "[Cliquez ici](https://evil.example)"


def card_of(message) -> dict:
    (attachment,) = message.model_dump(by_alias=True, exclude_none=True)["attachments"]
    return attachment["content"]


def shown(card: dict) -> list[dict]:
    """Every element of the card that shows text, columns included."""
    found = []
    for block in card["body"]:
        items = [i for c in block.get("columns", []) for i in c["items"]] or [block]
        found += [i for i in items if i["type"] != "ActionSet"]
    return found


@pytest.mark.parametrize("maker", ["reminder", "proposal"])
def test_a_title_that_looks_like_a_link_is_shown_as_typed_on_a_card(maker):
    from bot.teams.cards import proposal_card, reminder_card

    text = f"Bonjour LM :\n• 47 {LINK} **gras** — échéance dépassée"
    message = reminder_card(text, ("47",)) if maker == "reminder" else proposal_card(text)
    elements = shown(card_of(message))
    assert {e["type"] for e in elements} == {"RichTextBlock"}  # no TextBlock: no markdown
    runs = [run for e in elements for run in e["inlines"]]
    assert {run["type"] for run in runs} == {"TextRun"}
    assert f"• 47 {LINK} **gras** — échéance dépassée" in [run["text"] for run in runs]


# ---------------------------------------------------------------- item 5: the HTTP app itself


@pytest.fixture
async def client():
    """The bot's FastAPI app behind its gate, in-process (authentication on, no network)."""
    from bot.teams.bot import _load_sdk
    from bot.teams.files import FileShelf

    teams_app, _ = _load_sdk()
    config = TeamsConfig(app_id=APP_ID, tenant_id=TENANT, app_secret="s3cret")
    gate = Gate(config, Tokens())
    app = teams_app.build_app(
        config, None, lambda api: uvicorn.Server(uvicorn.Config(api)), FileShelf(60), gate
    )
    await app.initialize()
    transport = httpx.ASGITransport(app=app.server.adapter.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as http:
        yield http


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"])
async def test_the_api_documentation_is_not_served(client, path):
    assert (await client.get(path)).status_code == 404


async def test_an_oversized_unsigned_post_is_refused_413_not_401(client):
    response = await client.post("/api/messages", content=b"{" + b" " * MOST_BODY + b"}")
    assert response.status_code == 413


async def test_an_unsigned_post_is_refused_401_and_a_foreign_one_403(client):
    assert (await client.post("/api/messages", content=activity())).status_code == 401
    foreign = activity("https://evil.example/")
    response = await client.post(
        "/api/messages", content=foreign, headers={"Authorization": "Bearer good"}
    )
    assert response.status_code == 403
