"""What may reach the Teams bot: every POST to /api/messages passes this gate before the SDK
sees it (no SDK import here: bot/checks.py and tests/test_teams_trust.py use it on its own).

    unauthenticated_refusal(config)       # None, or why the unauthenticated flag is refused
    urls = ServiceUrls.of(config)         # urls.allows("https://smba.trafficmanager.net/emea/")
    gate = Gate(config, tokens)           # tokens: bot/teams/signatures.py, None without auth
    body = await read_body(content_length, request.stream())      # Refused(413) past MOST_BODY
    activity = await gate.admit(body, authorization)               # the activity, or Refused

In this order, each step before any effect (no engine call, no token of the bot sent):
  1. the size (413): a body over MOST_BODY is refused from its Content-Length, or as soon as it
     grows past it, before the rest is read or anything is authenticated;
  2. a JSON object (400);
  3. the token (401): signed by the Bot Connector for this app, from the configured issuer,
     naming the activity's serviceUrl (bot/teams/signatures.py); skipped only with
     dangerously_allow_unauthenticated, itself refused beside a secret or off loopback;
  4. the serviceUrl (403): replies, the UPN lookup and the bot's own token go there, so only
     Microsoft's Bot Framework hosts (MICROSOFT_HOSTS, *.botframework.com) and the hosts the
     configuration names (teams.service_url, [teams.endpoints]: a sovereign cloud, the tests'
     stand-in) are served. The Agents Playground (no secret, so no token to leak) may also be
     on loopback.
The SDK's own check is therefore off (bot/teams/app.py): it also accepts Entra-issued tokens
without a serviceurl claim, and fetches Microsoft's keys on the event loop's thread.
"""

import ipaddress
import json
import logging
import re
from collections.abc import AsyncIterator

from bot.config import TeamsConfig
from bot.teams import texts
from bot.teams.signatures import Unsigned

log = logging.getLogger(__name__)

#: The largest body /api/messages reads: Teams' activities are a few kilobytes (a message is at
#: most about 28 KB of text, a card or a file consent less); 1 MiB leaves room and bounds memory.
MOST_BODY = 1024 * 1024

#: The Bot Connector's hosts for Teams (Microsoft's documented service URLs: public cloud,
#: GCC, GCC High, DoD), over HTTPS on port 443; and any host under botframework.com.
MICROSOFT_HOSTS = frozenset(
    {
        "smba.trafficmanager.net",
        "smba.infra.gcc.teams.microsoft.com",
        "smba.infra.gov.teams.microsoft.us",
        "smba.infra.dod.teams.microsoft.us",
    }
)
MICROSOFT_DOMAIN = ".botframework.com"

#: A URL as a service URL may be written: scheme, host (name, IPv4 or [IPv6]), port, a plain
#: path. No user info, query, fragment, backslash or space: nothing two URL parsers could
#: read as two different hosts.
_URL = re.compile(
    r"(?P<scheme>https?)://(?P<host>[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(?P<port>\d{1,5}))?"
    r"(?P<path>/[a-z0-9._~%/-]*)?",
    re.IGNORECASE | re.ASCII,
)
_DEFAULT_PORTS = {"https": 443, "http": 80}
#: Refused origins logged at most this many times (a flood must not fill the log).
_MOST_LOGGED = 50


class Refused(Exception):
    """A request the gate does not let through: its HTTP status and why (for the log)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class ServiceUrlRefused(Exception):
    """A stored conversation's serviceUrl that the allow-list does not admit (one stored before
    the list existed): nothing is sent there."""


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine only: "localhost", 127.0.0.0/8, ::1.

    >>> is_loopback("127.0.0.1"), is_loopback("[::1]"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def unauthenticated_refusal(config: TeamsConfig) -> str | None:
    """Why teams.dangerously_allow_unauthenticated cannot be used with this configuration (in
    French, for the log and `pst-bot check`), or None. It is for the Agents Playground on a
    developer's machine: never beside a real secret (an unsigned request would act as anyone,
    and the bot's token would answer it), never listening beyond loopback."""
    if not config.dangerously_allow_unauthenticated:
        return None
    if config.app_secret:
        return texts.NO_AUTH_WITH_SECRET
    if not is_loopback(config.host):
        return texts.NO_AUTH_OFF_LOOPBACK.format(host=config.host)
    return None


def _origin(url: str) -> tuple[str, str, int] | None:
    found = _URL.fullmatch(url) if isinstance(url, str) else None
    if found is None:
        return None
    scheme = found["scheme"].lower()
    port = int(found["port"]) if found["port"] else _DEFAULT_PORTS[scheme]
    return scheme, found["host"].lower(), port


class ServiceUrls:
    """The service URLs the bot may send to (and so accept an activity from)."""

    def __init__(self, origins: set[tuple[str, str, int]], *, loopback: bool = False) -> None:
        self.origins = frozenset(origins)
        self.loopback = loopback

    @classmethod
    def of(cls, config: TeamsConfig) -> "ServiceUrls":
        """Microsoft's hosts, the configured service_url's and [teams.endpoints]' hosts; loopback
        too for the Agents Playground (unauthenticated, hence without a secret)."""
        named = (config.service_url, config.endpoints.login, config.endpoints.openid_metadata)
        origins = {origin for origin in map(_origin, named) if origin is not None}
        playground = config.dangerously_allow_unauthenticated and not unauthenticated_refusal(
            config
        )
        return cls(origins, loopback=playground)

    def allows(self, url: object) -> bool:
        """
        >>> urls = ServiceUrls(set())
        >>> urls.allows("https://smba.trafficmanager.net/emea/")
        True
        >>> urls.allows("https://smba.trafficmanager.net.evil.example/emea/")
        False
        """
        origin = _origin(url) if isinstance(url, str) else None
        if origin is None:
            return False
        scheme, host, port = origin
        if origin in self.origins:
            return True
        if self.loopback and is_loopback(host):
            return True
        microsoft = host in MICROSOFT_HOSTS or host.endswith(MICROSOFT_DOMAIN)
        return microsoft and scheme == "https" and port == 443


async def read_body(
    content_length: str | None, chunks: AsyncIterator[bytes], most: int = MOST_BODY
) -> bytes:
    """The request's body, refused (413) from a Content-Length over `most`, or as soon as what
    arrives grows past it: never more than `most` bytes are held."""
    if content_length is not None:
        if not content_length.strip().isdigit():
            raise Refused(400, "Content-Length illisible")
        if int(content_length) > most:
            raise Refused(413, f"corps annoncé de {content_length} octets")
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > most:
            raise Refused(413, f"corps de plus de {most} octets")
    return bytes(body)


class Gate:
    """Steps 2 to 4 of the module's docstring, for one bot: `await gate.admit(body, header)`."""

    def __init__(self, config: TeamsConfig, tokens) -> None:
        #: bot.teams.signatures.BotConnectorTokens; None only with the Playground's flag.
        self.tokens = tokens
        self.urls = ServiceUrls.of(config)
        self._logged: set[str] = set()

    async def admit(self, body: bytes, authorization: str | None) -> dict:
        try:
            activity = json.loads(body)
        except ValueError:
            raise Refused(400, "corps JSON illisible") from None
        if not isinstance(activity, dict):
            raise Refused(400, "corps JSON qui n'est pas une activité")
        service_url = activity.get("serviceUrl")
        if self.tokens is not None:
            try:
                await self.tokens.check(authorization, service_url, activity.get("channelId"))
            except Unsigned as unsigned:
                self._log_once(f"jeton refusé ({unsigned})")
                raise Refused(401, str(unsigned)) from None
        if not self.urls.allows(service_url):
            shown = str(service_url)[:120].encode("unicode_escape").decode()
            self._log_once(f"serviceUrl hors de la liste autorisée : {shown}")
            raise Refused(403, "serviceUrl hors de la liste autorisée")
        return activity

    def _log_once(self, what: str) -> None:
        """Each reason once at WARNING (a misconfigured app id shows at once), then DEBUG."""
        if what in self._logged or len(self._logged) >= _MOST_LOGGED:
            log.debug("Requête Teams refusée : %s", what)
            return
        self._logged.add(what)
        log.warning("Requête Teams refusée : %s (signalé une fois)", what)
