"""Microsoft's side of a Teams bot, offline: what the real bot process talks to in the e2e tests.

    standin = TeamsStandIn(tmp_path)          # a throwaway CA, a signing key, free ports
    standin.start()                           # HTTPS on 127.0.0.1, in its own thread and loop
    lm = standin.add_user("Luc Martin", "lm@frameries.example")
    activity = standin.message(lm, "!action 29")
    assert post_activity(bot_url, activity, standin.sign(activity)) == 200
    standin.wait_for(lambda: standin.sent(activity["conversation"]["id"]))

It serves, over HTTPS with a certificate of its own CA (the bot trusts it through SSL_CERT_FILE):
  GET  /botframework/v1/.well-known/openidconfiguration   OpenID metadata
  GET  /botframework/v1/.well-known/keys                  the Bot Connector's public key (JWKS)
  POST /{tenant}/oauth2/v2.0/token                        client credentials -> the bot's token
  POST /connector/teams/v3/conversations/{id}/activities  what the bot sends, recorded
  PUT  /connector/teams/v3/conversations/{id}/activities/{activity}   edits, recorded
  GET  /connector/teams/v3/conversations/{id}/members/{member}        the members directory
  PUT  /upload/{name}                                     OneDrive's upload URL, recorded
  GET  /download/{token}                                  a file a user sent (`file_message`)
Connector routes accept only a token this stand-in issued. Anything else is recorded as
`unknown` and answered 404, so a test failure shows what the bot asked for.

For the attacks (tests/e2e/test_teams_trust.py) it also serves:
  GET  /{tenant}/discovery/v2.0/keys                      Entra's key, for `sign_entra` tokens
  *    http://127.0.0.1:<port>/…  (`foreign_url`)         a serviceUrl nobody should trust: it
                                                          records whatever reaches it (`foreign`)
and `keys_delay` slows the key set's answer, as a slow or unreachable Microsoft would.

Why its own thread: the Teams SDK fetches the keys synchronously; the test's own event loop
(where nio clients live) must never be what serves them.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import trustme
from aiohttp import web
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

#: A claim value only; it must not start with the login endpoint (the SDK would read the
#: token as an Entra one).
TOKEN_ISSUER = "https://api.botframework.com"
#: The client app the SDK requires of an Entra-issued inbound token (Agent 365's platform).
AGENT_365_APP = "5a807f24-c9de-44ee-a3a7-329e88a00ffc"
BOT_SCOPE = "https://api.botframework.com/.default"
BOT_NAME = "Bot PST"
FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"

_ids = itertools.count(1)


# --- RS256 tokens, with `cryptography` alone ---------------------------------------------------


def plain(markdown: str) -> str:
    """Teams markdown back to what a user reads: hard breaks and escapes removed."""
    return markdown.replace("  \n", "\n").replace("\\", "")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_jwt(claims: dict, key: rsa.RSAPrivateKey, kid: str) -> str:
    header = {"alg": "RS256", "typ": "JWT", "kid": kid}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"


def decode_jwt(token: str, key: rsa.RSAPublicKey, audience: str) -> dict:
    """The claims of a valid token; ValueError saying why otherwise."""
    try:
        header, payload, signature = token.split(".")
        key.verify(
            _unb64(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        claims = json.loads(_unb64(payload))
    except Exception as error:  # any malformed or forged token is just "invalid"
        raise ValueError(f"invalid token: {error!r}") from None
    if claims.get("aud") != audience:
        raise ValueError(f"wrong audience {claims.get('aud')!r}")
    if claims.get("exp", 0) < time.time():
        raise ValueError("expired")
    return claims


def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict:
    numbers = key.public_key().public_numbers()

    def b64int(n: int) -> str:
        return _b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))

    return {
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": kid,
        "n": b64int(numbers.n),
        "e": b64int(numbers.e),
        "endorsements": ["msteams"],
    }


# --- what the tests play with -----------------------------------------------------------------


@dataclass(frozen=True)
class TeamsUser:
    """A person in the tenant, as Teams names them in an activity and in the directory."""

    id: str  # "29:…", the Bot Framework id
    name: str
    aad_object_id: str
    upn: str

    @property
    def aad(self) -> str:
        """How the configuration names them by Entra id: "aad:<object id>"."""
        return f"aad:{self.aad_object_id}"

    def account(self) -> dict:
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad_object_id}


@dataclass
class Sent:
    """An activity the bot POSTed (or PUT, for an edit) to the connector."""

    conversation: str
    activity: dict
    authorized: bool  # with a bearer token this stand-in issued
    id: str
    edit: bool = False

    @property
    def text(self) -> str:
        return self.activity.get("text") or ""

    @property
    def attachments(self) -> list[dict]:
        return self.activity.get("attachments") or []


@dataclass
class Upload:
    name: str
    data: bytes
    headers: dict[str, str]


@dataclass
class Recording:
    sent: list[Sent] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)
    tokens: list[dict] = field(default_factory=list)  # token requests: form without the secret
    member_lookups: list[tuple[str, str]] = field(default_factory=list)
    key_fetches: int = 0
    unknown: list[str] = field(default_factory=list)  # "METHOD /path" nobody serves
    #: What reached `foreign_url`: (method, path, Authorization header or "").
    foreign: list[tuple[str, str, str]] = field(default_factory=list)
    #: Files offered at a download URL (`file_message`): token -> (name, bytes).
    offered: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    #: Downloads of offered files: (token, Authorization header or "").
    downloads: list[tuple[str, str]] = field(default_factory=list)


def post_activity(bot_url: str, activity: dict, authorization: str | None) -> int:
    """POST an activity to the bot's messaging endpoint, as Teams does; the HTTP status."""
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    request = urllib.request.Request(
        bot_url, data=json.dumps(activity).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def get(url: str, ca_file: Path | None = None) -> tuple[int, bytes, dict[str, str]]:
    """GET a URL (a download link the bot gave); status, body and headers."""
    context = ssl.create_default_context(cafile=str(ca_file)) if ca_file else None
    try:
        with urllib.request.urlopen(url, timeout=30, context=context) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


class TeamsStandIn:
    def __init__(
        self,
        workdir: Path,
        *,
        app_id: str = "00000000-0000-0000-0000-0000000000b0",
        app_secret: str = "test-secret-not-real",
        tenant_id: str = "00000000-0000-0000-0000-00000000f2a1",
    ) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.app_id = app_id
        self.app_secret = app_secret
        self.tenant_id = tenant_id
        self.ca = trustme.CA()
        self.ca_file = self.workdir / "teams-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        #: The Bot Connector's key: it signs the activities Teams sends to the bot.
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "standin-connector-1"
        #: A key nobody published, for forged requests.
        self.foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        #: Entra's key: it signs the tokens the bot gets for its own calls.
        self._entra_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._issued: set[str] = set()
        self.members: dict[str, TeamsUser] = {}
        self.recording = Recording()
        self._lock = threading.Lock()
        self.port = 0
        self.foreign_port = 0
        #: Seconds the key set takes to answer (a slow Microsoft); 0: at once.
        self.keys_delay = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._foreign_runner: web.AppRunner | None = None

    # --- addresses, and the [teams] section that points the bot here ---------------------------

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def service_url(self) -> str:
        """The activities' serviceUrl; with a trailing slash, like Teams' own."""
        return f"{self.base_url}/connector/teams/"

    @property
    def foreign_url(self) -> str:
        """A serviceUrl that is neither Microsoft's nor configured: plain HTTP on loopback, where
        whatever the bot would send (its token first) is recorded in `foreign`."""
        return f"http://127.0.0.1:{self.foreign_port}/connector/"

    @property
    def foreign(self) -> list[tuple[str, str, str]]:
        with self._lock:
            return list(self.recording.foreign)

    @property
    def openid_metadata(self) -> str:
        return f"{self.base_url}/botframework/v1/.well-known/openidconfiguration"

    def teams_config(self, port: int, **extra) -> dict:
        """A [teams] section for BotProcess (the secret goes in PST_BOT_TEAMS_SECRET)."""
        return {
            "app_id": self.app_id,
            "tenant_id": self.tenant_id,
            "host": "127.0.0.1",
            "port": port,
            "service_url": self.service_url,
            **extra,
            "endpoints": {
                "login": self.base_url,
                "openid_metadata": self.openid_metadata,
                "token_issuer": TOKEN_ISSUER,
            },
        }

    def env(self) -> dict[str, str]:
        """What the bot process needs in its environment: the secret and the CA."""
        return {
            "PST_BOT_TEAMS_SECRET": self.app_secret,
            "SSL_CERT_FILE": str(self.ca_file),
            "REQUESTS_CA_BUNDLE": str(self.ca_file),
        }

    # --- running --------------------------------------------------------------------------------

    def start(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="teams-standin", daemon=True
        )
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=30)

    async def _serve(self) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._runner = web.AppRunner(self._application(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        self.port = self._runner.addresses[0][1]
        foreign = web.Application()
        foreign.router.add_route("*", "/{tail:.*}", self._foreign)
        self._foreign_runner = web.AppRunner(foreign, access_log=None)
        await self._foreign_runner.setup()
        await web.TCPSite(self._foreign_runner, "127.0.0.1", 0).start()
        self.foreign_port = self._foreign_runner.addresses[0][1]

    async def _cleanup(self) -> None:
        await self._foreign_runner.cleanup()
        await self._runner.cleanup()

    def stop(self) -> None:
        if self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._cleanup(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()
        self._loop = None

    def __enter__(self) -> TeamsStandIn:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- what the bot did -----------------------------------------------------------------------

    def sent(self, conversation_id: str) -> list[Sent]:
        """What the bot sent to a conversation; a channel is one conversation, its threads
        (";messageid=…") included."""
        room = conversation_id.split(";")[0]
        with self._lock:
            return [s for s in self.recording.sent if s.conversation.split(";")[0] == room]

    @property
    def downloads(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self.recording.downloads)

    @property
    def uploads(self) -> list[Upload]:
        with self._lock:
            return list(self.recording.uploads)

    @property
    def unauthorized(self) -> list[Sent]:
        with self._lock:
            return [s for s in self.recording.sent if not s.authorized]

    def wait_for(self, done: Callable[[], object], timeout: float = 20, what: str = ""):
        """Poll until `done()` is truthy; its value. Blocking: call from sync tests, or through
        asyncio.to_thread."""
        deadline = time.monotonic() + timeout
        while True:
            value = done()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or done}: {self.recording}")
            time.sleep(0.05)

    # --- the directory and the activities Teams would send -------------------------------------

    def add_user(self, name: str, upn: str) -> TeamsUser:
        n = next(_ids)
        user = TeamsUser(
            id=f"29:1{n:04d}standin-user",
            name=name,
            aad_object_id=f"00000000-0000-0000-00aa-{n:012d}",
            upn=upn,
        )
        self.members[user.id] = user
        return user

    def sign(
        self,
        activity: dict,
        *,
        audience: str | None = None,
        service_url: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        issuer: str = TOKEN_ISSUER,
        lifetime: int = 600,
        kid: str | None = None,
    ) -> str:
        """The Authorization header Teams would send with `activity` ("Bearer …"); override
        the audience, service URL, key or key id to forge one."""
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience or self.app_id,
            "serviceurl": service_url or activity["serviceUrl"],
            "nbf": now - 5,
            "iat": now - 5,
            "exp": now + lifetime,
        }
        return "Bearer " + encode_jwt(claims, key or self.key, kid or self.kid)

    def sign_entra(self, activity: dict, *, caller: str = AGENT_365_APP) -> str:
        """An Authorization header with a token Entra (this stand-in's login) issued for the
        bot's app: issuer `<login>/<tenant>/v2.0`, no serviceurl claim, signed with the key
        published at /{tenant}/discovery/v2.0/keys. The SDK accepts it (for Agent 365); a
        bot that takes only the Bot Connector's tokens must not. `activity` is not signed
        into it: that is the point."""
        now = int(time.time())
        claims = {
            "iss": f"{self.base_url}/{self.tenant_id}/v2.0",
            "aud": self.app_id,
            "azp": caller,
            "tid": self.tenant_id,
            "nbf": now - 5,
            "iat": now - 5,
            "exp": now + 600,
        }
        return "Bearer " + encode_jwt(claims, self._entra_key, "standin-entra-1")

    def _activity(self, kind: str, sender: TeamsUser, conversation: dict, **fields) -> dict:
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return {
            "type": kind,
            "id": f"1{time.time_ns() // 1000}{next(_ids)}",
            "timestamp": now,
            "localTimestamp": now,
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "from": sender.account(),
            "conversation": {"tenantId": self.tenant_id, **conversation},
            "recipient": {"id": f"28:{self.app_id}", "name": BOT_NAME},
            "locale": "fr-BE",
            "channelData": {"tenant": {"id": self.tenant_id}},
            **fields,
        }

    def personal(self, user: TeamsUser) -> dict:
        """The one-to-one chat between `user` and the bot."""
        return {"id": f"a:1personal-{user.aad_object_id}", "conversationType": "personal"}

    def message(
        self,
        sender: TeamsUser,
        text: str,
        *,
        conversation: dict | None = None,
        mention: bool = False,
    ) -> dict:
        """A message activity; in `sender`'s personal chat unless a conversation is given
        (`group_chat()`, `channel()`). `mention=True` prefixes "<at>Bot PST</at> " with its
        mention entity, as Teams does when the bot is @-mentioned."""
        conversation = conversation or self.personal(sender)
        entities = [{"type": "clientInfo", "locale": "fr-BE", "platform": "Web"}]
        if mention:
            at = f"<at>{BOT_NAME}</at>"
            text = f"{at} {text}"
            mentioned = {"id": f"28:{self.app_id}", "name": BOT_NAME}
            entities.insert(0, {"type": "mention", "text": at, "mentioned": mentioned})
        activity = self._activity(
            "message", sender, conversation, text=text, textFormat="plain", entities=entities
        )
        if conversation["conversationType"] == "channel":
            channel_id = conversation["id"].split(";")[0]
            activity["channelData"].update(
                {
                    "teamsChannelId": channel_id,
                    "teamsTeamId": "19:team-pst@thread.tacv2",
                    "channel": {"id": channel_id},
                    "team": {"id": "19:team-pst@thread.tacv2"},
                }
            )
        return activity

    def file_message(
        self, sender: TeamsUser, name: str, data: bytes, *, url: str | None = None
    ) -> dict:
        """`sender` sends the bot a file in their personal chat, as Teams hands it: a
        download-info attachment whose pre-authorised downloadUrl this stand-in serves
        (GET /download/{token}), or `url` instead."""
        token = f"DL-{next(_ids)}"
        with self._lock:
            self.recording.offered[token] = (name, data)
        activity = self.message(sender, "")
        activity["attachments"] = [
            {
                "contentType": "application/vnd.microsoft.teams.file.download.info",
                "contentUrl": f"https://frameries-my.sharepoint.example/personal/{name}",
                "name": name,
                "content": {
                    "downloadUrl": url or f"{self.base_url}/download/{token}?tempauth=x",
                    "uniqueId": token,
                    "fileType": name.rsplit(".", 1)[-1],
                },
            }
        ]
        return activity

    @staticmethod
    def group_chat(name: str = "pilotes") -> dict:
        return {"id": f"19:{name}@thread.v2", "conversationType": "groupChat", "isGroup": True}

    @staticmethod
    def channel(channel_id: str, thread: str | None = None) -> dict:
        """A channel; a new post starts a thread whose id ends the conversation id."""
        thread = thread or str(time.time_ns() // 1000)
        return {
            "id": f"{channel_id};messageid={thread}",
            "conversationType": "channel",
            "isGroup": True,
        }

    def installation_update(self, user: TeamsUser, action: str = "add") -> dict:
        return self._activity("installationUpdate", user, self.personal(user), action=action)

    def file_consent(self, user: TeamsUser, context, *, name: str, accept: bool = True) -> dict:
        """The invoke Teams sends when `user` clicks Accept (or Decline) on a FileConsentCard
        whose acceptContext was `context`; the upload URL is this stand-in's."""
        value = {"type": "fileUpload", "action": "accept" if accept else "decline"}
        value["context"] = context
        if accept:
            unique_id = f"UNIQ-{next(_ids)}"
            value["uploadInfo"] = {
                "name": name,
                "uploadUrl": f"{self.base_url}/upload/{name}",
                "contentUrl": f"https://frameries.sharepoint.example/personal/{name}",
                "uniqueId": unique_id,
                "fileType": name.rsplit(".", 1)[-1],
            }
        return self._activity(
            "invoke", user, self.personal(user), name="fileConsent/invoke", value=value
        )

    # --- the routes ----------------------------------------------------------------------------

    def _application(self) -> web.Application:
        app = web.Application(middlewares=[self._record_unknown], client_max_size=64 * 2**20)
        well_known = "/botframework/v1/.well-known"
        # Teams' serviceUrl ends in "/": tolerate a doubled slash after it.
        connector = "/connector/teams{slash:/+}v3/conversations/{cid}"
        app.router.add_get(f"{well_known}/openidconfiguration", self._openid)
        app.router.add_get(f"{well_known}/keys", self._keys)
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._tenant_openid)
        app.router.add_get("/{tenant}/discovery/v2.0/keys", self._entra_keys)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_post(f"{connector}/activities", self._send)
        app.router.add_post(f"{connector}/activities/{{aid}}", self._send)  # a reply to one
        app.router.add_put(f"{connector}/activities/{{aid}}", self._edit)
        app.router.add_get(f"{connector}/members/{{mid}}", self._member)
        app.router.add_put("/upload/{name}", self._upload)
        app.router.add_get("/download/{token}", self._download)
        return app

    @web.middleware
    async def _record_unknown(self, request: web.Request, handler):
        try:
            return await handler(request)
        except web.HTTPNotFound:
            with self._lock:
                self.recording.unknown.append(f"{request.method} {request.path_qs}")
            raise

    async def _openid(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": TOKEN_ISSUER,
                "jwks_uri": f"{self.base_url}/botframework/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        with self._lock:
            self.recording.key_fetches += 1
        if self.keys_delay:
            await asyncio.sleep(self.keys_delay)  # this loop goes on serving the rest
        return web.json_response({"keys": [_jwk(self.key, self.kid)]})

    async def _entra_keys(self, request: web.Request) -> web.Response:
        return web.json_response({"keys": [_jwk(self._entra_key, "standin-entra-1")]})

    async def _foreign(self, request: web.Request) -> web.Response:
        await request.read()
        with self._lock:
            self.recording.foreign.append(
                (request.method, request.path_qs, request.headers.get("Authorization", ""))
            )
        return web.json_response({"id": "1"}, status=201)

    async def _tenant_openid(self, request: web.Request) -> web.Response:
        # For MSAL, should the bot use it: the authority's metadata.
        tenant = request.match_info["tenant"]
        base = f"{self.base_url}/{tenant}"
        return web.json_response(
            {
                "issuer": f"{base}/v2.0",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                "jwks_uri": f"{base}/discovery/v2.0/keys",
                "tenant_region_scope": "EU",
            }
        )

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        tenant = request.match_info["tenant"]
        asked = {k: v for k, v in form.items() if k != "client_secret"}
        with self._lock:
            self.recording.tokens.append({"tenant": tenant, **asked})
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != self.app_id
            or form.get("client_secret") != self.app_secret
        ):
            return web.json_response(
                {"error": "invalid_client", "error_description": "AADSTS7000215"}, status=401
            )
        now = int(time.time())
        claims = {
            "aud": form.get("scope", BOT_SCOPE).removesuffix("/.default"),
            "iss": f"https://sts.standin.example/{tenant}/",
            "appid": self.app_id,
            "tid": tenant,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
        }
        token = encode_jwt(claims, self._entra_key, "standin-entra-1")
        with self._lock:
            self._issued.add(token)
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": 3600,
                "ext_expires_in": 3600,
                "access_token": token,
            }
        )

    def _authorized(self, request: web.Request) -> bool:
        """Like the connector: a valid bot token, and one this stand-in issued."""
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            decode_jwt(token, self._entra_key.public_key(), "https://api.botframework.com")
        except ValueError:
            return False
        with self._lock:
            return token in self._issued

    async def _send(self, request: web.Request, *, edit: bool = False) -> web.Response:
        authorized = self._authorized(request)
        body = await request.json()
        aid = request.match_info.get("aid") if edit else f"1{time.time_ns() // 1000}"
        with self._lock:
            self.recording.sent.append(
                Sent(request.match_info["cid"], body, authorized, aid, edit=edit)
            )
        if not authorized:
            return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        return web.json_response({"id": aid}, status=200 if edit else 201)

    async def _edit(self, request: web.Request) -> web.Response:
        return await self._send(request, edit=True)

    async def _member(self, request: web.Request) -> web.Response:
        with self._lock:
            self.recording.member_lookups.append(
                (request.match_info["cid"], request.match_info["mid"])
            )
        if not self._authorized(request):
            return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        user = self.members.get(request.match_info["mid"])
        if user is None:
            return web.json_response(
                {"error": {"code": "MemberNotFoundInConversation"}}, status=404
            )
        given, _, surname = user.name.partition(" ")
        return web.json_response(
            {
                **user.account(),
                "userPrincipalName": user.upn,
                "email": user.upn,
                "givenName": given,
                "surname": surname,
                "tenantId": self.tenant_id,
                "userRole": "user",
            }
        )

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        with self._lock:
            self.recording.uploads.append(
                Upload(request.match_info["name"], data, dict(request.headers))
            )
        name = request.match_info["name"]
        return web.json_response(
            {"id": f"file-{next(_ids)}", "name": name, "size": len(data)}, status=201
        )

    async def _download(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        with self._lock:
            self.recording.downloads.append((token, request.headers.get("Authorization", "")))
            offered = self.recording.offered.get(token)
        if offered is None:
            raise web.HTTPNotFound()
        return web.Response(body=offered[1], content_type="application/octet-stream")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, alive: Callable[[], bool], timeout: float = 60) -> None:
    """Wait until something accepts connections on 127.0.0.1:`port`, while `alive()`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if not alive():
                raise AssertionError(f"the bot exited before listening on {port}") from None
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing listens on {port} after {timeout} s") from None
            time.sleep(0.1)


# --- adaptive card buttons (appended: reminder cards) -----------------------------------------

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


def card_action(
    standin: TeamsStandIn,
    user: TeamsUser,
    data: dict,
    verb: str = "pst",
    *,
    conversation: dict | None = None,
) -> dict:
    """The invoke Teams sends when `user` presses an Action.Execute button whose data was
    `data` (with the card's inputs merged in, as Teams does), on a card in their personal chat
    with the bot unless `conversation` says where (`TeamsStandIn.channel()`)."""
    value = {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
    return standin._activity(
        "invoke",
        user,
        conversation or standin.personal(user),
        name="adaptiveCard/action",
        value=value,
    )


# --- a team's members (appended: people who leave) --------------------------------------------

TEAM = "19:team-pst@thread.tacv2"


def team_members_update(
    standin: TeamsStandIn, owner: TeamsUser, *, removed=(), added=()
) -> dict:
    """The conversationUpdate Teams sends when `owner` removes (or adds) people from the team
    (its General channel's id is the team's). A removed person also leaves the roster: the
    connector no longer finds them (404), as Teams does; an added one joins it."""
    for user in removed:
        standin.members.pop(user.id, None)
    for user in added:
        standin.members[user.id] = user
    event = "teamMemberRemoved" if removed else "teamMemberAdded"
    activity = standin._activity(
        "conversationUpdate",
        owner,
        {"id": TEAM, "conversationType": "channel", "isGroup": True},
        membersRemoved=[user.account() for user in removed],
        membersAdded=[user.account() for user in added],
    )
    activity["channelData"].update({"eventType": event, "team": {"id": TEAM, "name": "PST"}})
    return activity


def post_invoke(bot_url: str, activity: dict, authorization: str | None) -> tuple[int, dict]:
    """POST an invoke as Teams does; the HTTP status and the invoke response's JSON body."""
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    request = urllib.request.Request(
        bot_url, data=json.dumps(activity).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            return response.status, json.loads(body) if body else {}
    except urllib.error.HTTPError as error:
        return error.code, {}
