"""Who is writing to the Teams bot, from where, and the bot's own token. No SDK import here:
these are plain parts, tested on their own (tests/test_teams_parts.py).

    tenants = TenantFilter("0f3c…")            # tenants.allows(activity): our tenant only
    people = Identities()
    sender = await people.sender(aad_id, directory, lookup_upn)   # "aad:…" or "luc@cpas.be"
    room_of("19:abc@thread.tacv2;messageid=171")                   # "19:abc@thread.tacv2"
    activity_key(activity.conversation.id, activity.id)            # "teams:<conversation>:<id>"
    token = TokenSource(login, app_id, tenant_id, secret)          # App(token=token)

A person is configured (access.admins, access.codir, pilots) as `aad:<Entra object id>` or by
their user principal name (`luc@cpas.be`). The activity carries only the object id; the UPN
costs one call to the Bot Connector, made once per person and only when the directory holds
UPN-style ids.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import httpx

from commands.chat_ids import is_upn
from commands.types import Directory

log = logging.getLogger(__name__)

PERSONAL = "personal"
#: A token is renewed this long before it expires.
TOKEN_MARGIN_S = 300


# ---------------------------------------------------------------- where from


def room_of(conversation_id: str) -> str:
    """A channel is one room: its id without the thread's ";messageid=…".

    >>> room_of("19:abc@thread.tacv2;messageid=1712345")
    '19:abc@thread.tacv2'
    """
    return conversation_id.split(";messageid=", 1)[0]


def activity_key(conversation_id: str, activity_id: str) -> str:
    """The exactly-once key of an activity: its id within its conversation, since Teams makes
    ids unique only there (a channel's ids are timestamps: another chat may reuse one).
    Databases keep their older keys, "teams:<activity id>", as they are.

    >>> activity_key("a:1personal-chat", "1712345")
    'teams:a:1personal-chat:1712345'
    """
    return f"teams:{conversation_id}:{activity_id}"


def tenants_of(activity) -> set[str]:
    """Every tenant id the activity names (its conversation's, its channel data's), lower-cased."""
    named = {
        getattr(activity.conversation, "tenant_id", None),
        getattr(getattr(activity.channel_data, "tenant", None), "id", None),
    }
    return {tenant.lower() for tenant in named if tenant}


class TenantFilter:
    """Only the administration's tenant is served; another tenant's activity is ignored, and
    logged once per tenant (a bot published by mistake in another tenant would otherwise
    fill the log)."""

    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id.lower()
        self._logged: set[str] = set()

    def allows(self, activity) -> bool:
        tenants = tenants_of(activity)
        if tenants == {self.tenant_id}:
            return True
        key = ",".join(sorted(tenants)) or "?"
        if key not in self._logged:
            self._logged.add(key)
            log.info("Activité Teams d'un autre tenant (%s) ignorée (signalé une fois)", key)
        return False


class TokenError(Exception):
    """The login endpoint refused the bot's credentials (never carries the secret)."""


def describe(error: Exception) -> str:
    """A failed request in one log line: "HTTP 404 (POST https://…)", or the error's kind."""
    if isinstance(error, httpx.HTTPStatusError):
        request = error.request
        return f"HTTP {error.response.status_code} ({request.method} {request.url})"
    return f"{type(error).__name__}: {error}".splitlines()[0]


# ---------------------------------------------------------------- who


def known_ids(directory: Directory) -> set[str]:
    """Every chat id the directory names: admins, CODIR, linked people, roles given in chat."""
    linked = directory.linked_people()  # every plan's pilots
    return set(directory.admins) | set(directory.codir) | linked | set(directory.roles)


class Identities:
    """The sender's chat id: `aad:<object id>`, unless the directory knows that person only by
    their UPN. UPNs are looked up once per person and kept in memory."""

    def __init__(self) -> None:
        self._upns: dict[str, str | None] = {}

    async def sender(
        self,
        aad_object_id: str,
        directory: Directory,
        lookup_upn: Callable[[], Awaitable[str | None]],
    ) -> str:
        aad = f"aad:{aad_object_id}"
        known = known_ids(directory)
        by_upn = {chat_id.lower(): chat_id for chat_id in known if is_upn(chat_id)}
        if aad in known or not by_upn:
            return aad
        if aad_object_id not in self._upns:
            try:
                upn = await lookup_upn()
            except (httpx.HTTPError, TimeoutError, TokenError) as error:
                # Not kept: the next message tries again. Meanwhile the person is a reader.
                log.warning(
                    "UPN de %s non obtenu (%s) : identifié par son id Entra", aad, describe(error)
                )
                return aad
            self._upns[aad_object_id] = upn.lower() if upn else None
        upn = self._upns[aad_object_id]
        return by_upn.get(upn, aad) if upn else aad


# ---------------------------------------------------------------- the bot's own token


class TokenSource:
    """The bot's token for the Bot Connector, by client credentials, kept until 5 minutes
    before it expires. The SDK calls it as `token(scope, tenant_id)` and keeps nothing itself.

    We do not let the SDK use MSAL (`client_secret=`): MSAL asks login.microsoftonline.com to
    validate any other login host, which breaks sovereign clouds and local tests.
    """

    def __init__(
        self,
        login: str,
        client_id: str,
        tenant_id: str,
        secret: str,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._login = login.rstrip("/")
        self._client_id = client_id
        self._tenant_id = tenant_id
        self._secret = secret
        self._http = http or httpx.AsyncClient(timeout=15)
        self._clock = clock
        self._tokens: dict[tuple[str, str], tuple[str, float]] = {}
        self._lock = asyncio.Lock()

    async def __call__(self, scope: str | list[str], tenant_id: str | None = None) -> str:
        scope = scope if isinstance(scope, str) else " ".join(scope)
        key = (scope, tenant_id or self._tenant_id)
        async with self._lock:  # one request when several sends need a token at once
            token, expires = self._tokens.get(key, ("", 0.0))
            if token and self._clock() < expires - TOKEN_MARGIN_S:
                return token
            token, lifetime = await self._request(*key)
            self._tokens[key] = (token, self._clock() + lifetime)
            return token

    async def _request(self, scope: str, tenant_id: str) -> tuple[str, int]:
        response = await self._http.post(
            f"{self._login}/{tenant_id}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._secret,
                "scope": scope,
            },
        )
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or "access_token" not in body:
            reason = body.get("error", "réponse illisible") if isinstance(body, dict) else "?"
            raise TokenError(
                f"jeton du bot refusé par {self._login} (HTTP {response.status_code}, {reason})"
            )
        return body["access_token"], int(body.get("expires_in", 3600))

    async def aclose(self) -> None:
        await self._http.aclose()
