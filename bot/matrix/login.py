"""Logging the bot in: resume its saved session, or log in with the password and save it.

    client = make_client(settings.matrix)
    await log_in(client, settings.matrix)   # restore_login, or login() then save

Every password login creates a new access token on the server, so the bot keeps its token and
device id in `<store_path>/session.json` (mode 0600) and resumes with `restore_login` at the
next start. If the server no longer knows the token (M_UNKNOWN_TOKEN: the device was logged out,
the token expired), the file is deleted and the bot logs in again with its password. The token
is never logged.

Why a file next to the encryption keys rather than the database's `kv` table: the token and
the keys belong to the same device and are only valid together (a restored database with
another store would pair a token with the wrong keys); and the database is read by every
`pst-bot` command and copied for reports, a place for the PST, not for a secret.
"""

import json
import logging
import os
import socket
import time
from pathlib import Path

import aiohttp
from nio import AsyncClient, AsyncClientConfig, LoginResponse, WhoamiResponse
from nio.crypto import ENCRYPTION_ENABLED

from bot.config import MatrixConfig
from bot.matrix import texts
from bot.matrix.store import STORE_CLASS, store_key

log = logging.getLogger(__name__)

SESSION_FILE = "session.json"
#: While the homeserver stays unreachable, the log says so again this often (seconds).
UNREACHABLE_LOG_EVERY_S = 60


class LoginFailed(Exception):
    """The homeserver refused the bot's credentials."""


def network_cause(error: BaseException) -> str:
    """Why a request did not reach the server, in a few words ("Connection refused", a name
    that does not resolve, a certificate refused, no answer in time).

    >>> network_cause(TimeoutError())
    'pas de réponse dans le délai'
    """
    if isinstance(error, TimeoutError):
        return texts.NO_ANSWER_IN_TIME
    os_error = getattr(error, "os_error", None)
    # asyncio words a refused connection "Connect call failed (…)": the errno says it plainly.
    # A name that does not resolve has a negative errno of its own: its strerror says it.
    plain_errno = isinstance(os_error, OSError) and not isinstance(os_error, socket.gaierror)
    if plain_errno and os_error.errno and os_error.errno > 0:
        return os.strerror(os_error.errno)
    reason = getattr(os_error, "strerror", None) or getattr(os_error, "reason", None)
    return str(reason or error) or type(error).__name__


class BotClient(AsyncClient):
    """nio's client, which says in the log when the homeserver cannot be reached, and why. nio
    retries such a request forever (our back-off cap, make_client), and says only "Timed out,
    sleeping"; an administrator needs the server's address and the cause (refused, unknown
    name, certificate…): logged at the first failure, again every UNREACHABLE_LOG_EVERY_S
    while it lasts, and once when the server answers again."""

    _down_since: float | None = None  # monotonic time of the first failure of this outage
    _told_at: float | None = None  # when the log last said so

    async def send(self, method, path, data=None, headers=None, trace_context=None, timeout=None):
        try:
            response = await super().send(method, path, data, headers, trace_context, timeout)
        except (aiohttp.ClientConnectionError, TimeoutError) as error:
            self._unreachable(error)
            raise
        if self._down_since is not None:
            down = time.monotonic() - self._down_since
            log.info(texts.SERVER_BACK.format(url=self.homeserver, seconds=round(down)))
            self._down_since = None
        return response

    def _unreachable(self, error: BaseException) -> None:
        now = time.monotonic()
        if self._down_since is None:
            self._down_since, self._told_at = now, None
        if self._told_at is not None and now - self._told_at < UNREACHABLE_LOG_EVERY_S:
            return
        self._told_at = now
        log.warning(
            texts.SERVER_UNREACHABLE.format(
                url=self.homeserver,
                cause=network_cause(error),
                seconds=round(now - self._down_since),
            )
        )


def make_client(config: MatrixConfig) -> AsyncClient:
    """An AsyncClient; with matrix-nio[e2e] installed, one that works in encrypted rooms
    (keys kept under store_path, for the fixed device id, encrypted with pickle_key).
    Raises ConfigError when encryption is installed and pickle_key is missing or wrong."""
    config.store_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    config.store_path.chmod(0o700)  # keys and session: the bot's user only
    key = store_key(config)
    client_config = AsyncClientConfig(
        encryption_enabled=ENCRYPTION_ENABLED,
        store_sync_tokens=False,  # we keep our own, in the database
        max_timeout_retry_wait_time=30,  # network errors: capped back-off, retried forever
        **({"pickle_key": key} if key else {}),
        **({"store": STORE_CLASS} if STORE_CLASS else {}),
    )
    return BotClient(
        config.homeserver,
        config.user_id,
        device_id=config.device_id,
        store_path=str(config.store_path) if ENCRYPTION_ENABLED else "",
        config=client_config,
    )


def session_path(config: MatrixConfig) -> Path:
    return config.store_path / SESSION_FILE


def load_session(config: MatrixConfig) -> dict | None:
    """The saved session if it is for this server, account and device; None otherwise."""
    path = session_path(config)
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.warning("Session enregistrée illisible (%s) : %s", path, error)
        return None
    wanted = {
        "homeserver": config.homeserver,
        "user_id": config.user_id,
        "device_id": config.device_id,
    }
    if not isinstance(saved, dict) or not saved.get("access_token"):
        return None
    if any(saved.get(key) != value for key, value in wanted.items()):
        log.info("Session enregistrée pour un autre serveur, compte ou appareil : ignorée")
        return None
    return saved


def save_session(config: MatrixConfig, client: AsyncClient) -> None:
    """Write the session readable by the bot's user only (created 0600, then renamed)."""
    path = session_path(config)
    data = {
        "homeserver": config.homeserver,
        "user_id": client.user_id,
        "device_id": client.device_id,
        "access_token": client.access_token,
    }
    partial = path.with_name(SESSION_FILE + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(data, file)
    os.replace(partial, path)


def forget_session(config: MatrixConfig) -> None:
    session_path(config).unlink(missing_ok=True)


async def log_in(client: AsyncClient, config: MatrixConfig) -> None:
    """The configured access token, else the saved session, else a password login (saved)."""
    if config.access_token:
        if not await _resume(client, config, config.access_token, config.device_id):
            raise LoginFailed("access_token refusé par le serveur")
        how = "jeton de la configuration"
    elif (saved := load_session(config)) and await _resume_saved(client, config, saved):
        how = "session reprise"
    else:
        response = await client.login(config.password, device_name=config.display_name)
        if not isinstance(response, LoginResponse):
            raise LoginFailed(f"connexion refusée pour {config.user_id} : {response}")
        save_session(config, client)
        how = "mot de passe, session enregistrée"
    log.info(
        "Connecté à %s en tant que %s (appareil %s, %s, chiffrement %s)",
        config.homeserver,
        client.user_id,
        client.device_id,
        how,
        "actif" if client.olm else f"non installé : {texts.INSTALL_E2E}",
    )
    if client.olm is not None and client.should_upload_keys:
        await client.keys_upload()


async def _resume_saved(client: AsyncClient, config: MatrixConfig, saved: dict) -> bool:
    if await _resume(client, config, saved["access_token"], saved["device_id"]):
        return True
    log.warning("Le serveur ne reconnaît plus la session enregistrée : connexion par mot de passe")
    forget_session(config)
    return False


async def _resume(client: AsyncClient, config: MatrixConfig, token: str, device_id: str) -> bool:
    """Check `token` with /whoami and restore the login with it. False if the server no longer
    knows it (M_UNKNOWN_TOKEN); LoginFailed on any other refusal."""
    client.access_token = token
    who = await client.whoami()
    if isinstance(who, WhoamiResponse):
        if who.user_id != config.user_id:
            raise LoginFailed(f"le jeton est celui de {who.user_id}, pas de {config.user_id}")
        if who.device_id and who.device_id != device_id:
            log.warning("Le jeton appartient à l'appareil %s, pas %s", who.device_id, device_id)
            device_id = who.device_id
        client.restore_login(config.user_id, device_id, token)
        return True
    client.access_token = ""
    if who.status_code == "M_UNKNOWN_TOKEN":
        return False
    raise LoginFailed(f"session du bot non vérifiée : {who}")
