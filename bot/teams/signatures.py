"""Whether a request to /api/messages is signed by the Bot Connector for this bot (no SDK
import: plain parts, tested in tests/test_teams_trust.py).

    keys = SigningKeys(keys_url(config.endpoints.openid_metadata))   # …/.well-known/keys
    tokens = BotConnectorTokens(keys, app_id="…", issuer="https://api.botframework.com")
    await tokens.check("Bearer eyJ…", activity["serviceUrl"], activity["channelId"])  # or Unsigned

A token is accepted when it is an RS256 JWT signed by one of the Bot Connector's published
keys, from exactly the configured issuer (teams.endpoints.token_issuer), for this app
(audience = app id), not expired (5 minutes of clock skew), with a `serviceurl` claim equal to
the activity's serviceUrl, and, when the key lists endorsements, endorsed for the activity's
channel. Nothing else: the SDK also accepts a token whose issuer is the Entra login endpoint
(meant for Agent 365, without serviceurl); this bot takes only the Bot Connector's.

Microsoft's keys are fetched with an async HTTP client, so a slow or unreachable key endpoint
never blocks the event loop (Matrix, /files and other requests go on). They are kept and
fetched again after REFRESH_S, or when a token names a key id we do not have, at most once every
RETRY_S whatever the number of such requests: a flood of forged tokens with made-up key ids
costs one fetch a minute, and requests that arrive during a fetch wait for it, not for another.
"""

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import jwt

from bot.teams.auth import describe

log = logging.getLogger(__name__)

#: Keys are fetched again after a day (Microsoft rotates them rarely, announcing them first).
REFRESH_S = 24 * 3600
#: At most one fetch this often, however many unknown key ids arrive.
RETRY_S = 60
KEYS_TIMEOUT_S = 10
#: The clock skew tolerated on exp and nbf, as the Bot Framework documents it.
LEEWAY_S = 300


def keys_url(openid_metadata: str) -> str:
    """Where the keys are: beside the OpenID metadata, as Microsoft publishes them.

    >>> keys_url("https://login.botframework.com/v1/.well-known/openidconfiguration")
    'https://login.botframework.com/v1/.well-known/keys'
    """
    return re.sub(r"/openidconfiguration$", "/keys", openid_metadata)


class Unsigned(Exception):
    """A request not signed by the Bot Connector for this bot (why, in a few French words)."""


@dataclass(frozen=True)
class SigningKey:
    key: object  # the public key, as PyJWT verifies with it
    #: The channels the key is endorsed for ("msteams"); None when it lists none.
    endorsements: frozenset[str] | None


def _signing_key(jwk: dict) -> SigningKey:
    """One key of the JWKS; PyJWTError or TypeError for one we cannot use."""
    key = jwt.PyJWK(jwk, algorithm="RS256")
    endorsements = jwk.get("endorsements")
    named = frozenset(endorsements) if isinstance(endorsements, list) else None
    return SigningKey(key.key, named)


class SigningKeys:
    """The Bot Connector's public keys, by key id, fetched without blocking the loop."""

    def __init__(
        self,
        url: str,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._http = http or httpx.AsyncClient(timeout=KEYS_TIMEOUT_S)
        self._clock = clock
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None  # the last fetch that succeeded
        self._tried_at: float | None = None  # the last fetch, whatever came of it
        self._fetching = asyncio.Lock()
        #: How many fetches were made (the log and the tests read it).
        self.fetches = 0

    def _fresh(self) -> bool:
        return self._fetched_at is not None and self._clock() - self._fetched_at < REFRESH_S

    def _may_fetch(self) -> bool:
        return self._tried_at is None or self._clock() - self._tried_at >= RETRY_S

    async def get(self, kid: str) -> SigningKey | None:
        """The key named `kid`, or None when the Bot Connector does not publish it."""
        if kid in self._keys and self._fresh():
            return self._keys[kid]
        async with self._fetching:  # a fetch in flight: wait for it rather than start another
            if (kid not in self._keys or not self._fresh()) and self._may_fetch():
                await self._fetch()
        return self._keys.get(kid)

    async def _fetch(self) -> None:
        self._tried_at = self._clock()
        self.fetches += 1
        try:
            response = await self._http.get(self.url)
            response.raise_for_status()
            published = response.json().get("keys")
            if not isinstance(published, list):
                raise ValueError("pas de liste « keys »")
        except (httpx.HTTPError, ValueError, AttributeError) as error:
            log.warning(
                "Clés de signature Teams non obtenues de %s (%s) : nouvel essai dans %d s au "
                "plus tôt",
                self.url,
                describe(error),
                RETRY_S,
            )
            return
        keys = {}
        for jwk in published:
            try:
                keys[jwk["kid"]] = _signing_key(jwk)
            except (jwt.PyJWTError, AttributeError, KeyError, TypeError, ValueError):
                continue  # another kind of key: not one the Bot Connector signs with
        self._keys = keys
        self._fetched_at = self._clock()
        log.debug("Clés de signature Teams : %d obtenues de %s", len(keys), self.url)

    async def aclose(self) -> None:
        await self._http.aclose()


class BotConnectorTokens:
    """The check of the module's docstring, for one app id and one issuer."""

    def __init__(self, keys: SigningKeys, *, app_id: str, issuer: str) -> None:
        self.keys = keys
        self.app_id = app_id
        self.issuer = issuer

    async def check(self, authorization: str | None, service_url, channel_id) -> dict:
        """The token's claims; Unsigned saying why it is not the Bot Connector's for us."""
        if not authorization or not authorization.startswith("Bearer "):
            raise Unsigned("pas de jeton")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            header = jwt.get_unverified_header(token)
            claimed = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise Unsigned("jeton illisible") from None
        if header.get("alg") != "RS256":
            raise Unsigned("algorithme autre que RS256")
        # Checked before any key is fetched: a forged token from elsewhere costs nothing.
        if claimed.get("iss") != self.issuer:
            raise Unsigned("émetteur autre que le Bot Connector configuré")
        kid = header.get("kid")
        key = await self.keys.get(kid) if isinstance(kid, str) and kid else None
        if key is None:
            raise Unsigned("clé de signature inconnue")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=self.issuer,
                leeway=LEEWAY_S,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unsigned("jeton expiré") from None
        except jwt.InvalidAudienceError:
            raise Unsigned("jeton destiné à une autre application") from None
        except jwt.PyJWTError:
            raise Unsigned("signature ou contenu invalide") from None
        signed_url = claims.get("serviceurl")
        if not isinstance(signed_url, str) or not isinstance(service_url, str):
            raise Unsigned("pas de serviceurl signé")
        if signed_url.rstrip("/") != service_url.rstrip("/"):
            raise Unsigned("serviceUrl différent de celui du jeton")
        if key.endorsements is not None and channel_id not in key.endorsements:
            raise Unsigned("clé non endossée pour ce canal")
        return claims
