"""`pst-bot check --config C`: is everything in place for `pst-bot run`? One line per finding.

    for finding in check_all("config.toml"):
        print(finding)          # "✓ Serveur Matrix joignable : https://matrix.example.org (…)"

Read-only: the database is opened as it is (neither created nor migrated), the bot's lock is
only probed, and no password login is tried (it would create a session on the server). A
token (configured, or saved by the bot in store_path/session.json) is checked with /whoami and
then used to list the bot's rooms. Proxies from the environment are ignored, as the bot does.
"""

import http.client
import json
import os
import re
import sqlite3
import stat
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot import console_texts as texts
from bot.config import ConfigError, MatrixConfig, StorageConfig, TeamsConfig, load_config
from bot.lock import lock_path, running_bot
from bot.matrix.login import load_session
from bot.run import refusals
from storage.backup import nightly_backups
from storage.db import open_existing
from storage.migrations import CURRENT_VERSION, schema_version

OK, FAIL, WARN, INFO = "✓", "✗", "⚠", "–"
TIMEOUT_S = 5
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))
#: A server that cannot be reached, or answers something that is not HTTP.
NETWORK_ERRORS = (OSError, ValueError, http.client.HTTPException)


@dataclass(frozen=True)
class Finding:
    mark: str  # OK, FAIL, WARN (works, but look at it) or INFO (not checked)
    text: str

    def __str__(self) -> str:
        return f"{self.mark} {self.text}"


def print_check(config_path: str) -> int:
    """`pst-bot check`: every finding printed as it comes, then the verdict; the exit code."""
    failures = 0
    for finding in check_all(config_path):
        print(finding, flush=True)
        failures += finding.mark == FAIL
    print(texts.CHECK_TO_FIX.format(count=failures) if failures else texts.CHECK_ALL_GOOD)
    return 1 if failures else 0


def check_all(config_path: str) -> Iterator[Finding]:
    """Every finding, in order: configuration (what `pst-bot run` would refuse, who may read
    the file), database, lock, backups, homeserver, Teams."""
    try:
        settings = load_config(config_path)
    except ConfigError as error:
        yield Finding(FAIL, texts.CHECK_CONFIG_BAD.format(error=error))
        return
    yield Finding(OK, texts.CHECK_CONFIG_OK.format(path=config_path))
    for problem in refusals(settings):
        yield Finding(FAIL, texts.CHECK_REFUSED.format(problem=problem))
    yield config_permissions(Path(config_path))
    yield from check_database(settings.storage.database, config_path)
    yield from check_backups(settings.storage)
    if settings.matrix is None and settings.teams is None:
        return
    if settings.matrix is not None:
        yield from check_matrix(settings.matrix, settings.rooms.codir)
    if settings.teams is not None:
        yield from check_teams(settings.teams)


# ---------------------------------------------------------------- Teams


def check_teams(config: TeamsConfig) -> Iterator[Finding]:
    """Microsoft's keys reachable, the app's secret accepted, the CODIR channel named."""
    keys = re.sub(r"/openidconfiguration$", "/keys", config.endpoints.openid_metadata)
    try:
        status, body = _get(keys)
    except NETWORK_ERRORS as error:
        yield Finding(FAIL, texts.CHECK_TEAMS_KEYS_DOWN.format(url=keys, reason=_reason(error)))
    else:
        if status == 200 and body.get("keys"):
            yield Finding(OK, texts.CHECK_TEAMS_KEYS_OK.format(url=keys, count=len(body["keys"])))
        else:
            yield Finding(FAIL, texts.CHECK_TEAMS_KEYS_DOWN.format(url=keys, reason=status))
    if config.dangerously_allow_unauthenticated:  # refused beside a secret or off this machine
        yield Finding(WARN, texts.CHECK_TEAMS_NO_AUTH)
    if config.app_secret:
        yield _teams_token(config)
    if config.codir_conversation:
        yield Finding(OK, texts.CHECK_TEAMS_CODIR.format(conversation=config.codir_conversation))
    else:
        yield Finding(WARN, texts.CHECK_TEAMS_NO_CODIR)


def _teams_token(config: TeamsConfig) -> Finding:
    """Ask the sign-in endpoint for the bot's token, as the bot does before sending."""
    url = f"{config.endpoints.login}/{config.tenant_id}/oauth2/v2.0/token"
    form = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": config.app_id,
            "client_secret": config.app_secret,
            "scope": "https://api.botframework.com/.default",
        }
    ).encode()
    request = urllib.request.Request(url, data=form, method="POST")
    try:
        with _HTTP.open(request, timeout=TIMEOUT_S) as response:
            body = _json(response.read())
    except urllib.error.HTTPError as error:
        reason = _json(error.read()).get("error_description") or error.code
        return Finding(FAIL, texts.CHECK_TEAMS_SECRET_REFUSED.format(reason=str(reason)[:200]))
    except NETWORK_ERRORS as error:
        return Finding(FAIL, texts.CHECK_TEAMS_LOGIN_DOWN.format(url=url, reason=_reason(error)))
    if not body.get("access_token"):
        return Finding(FAIL, texts.CHECK_TEAMS_SECRET_REFUSED.format(reason="pas de jeton"))
    return Finding(OK, texts.CHECK_TEAMS_TOKEN_OK.format(app_id=config.app_id))


# ---------------------------------------------------------------- files


def config_permissions(path: Path) -> Finding:
    """Owner-only, or a ✗: the configuration names the admins and may hold secrets."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return Finding(FAIL, texts.CONFIG_OPEN.format(path=path, mode=f"{mode:04o}"))
    return Finding(OK, texts.CHECK_CONFIG_PRIVATE.format(mode=f"{mode:04o}"))


def check_database(path: Path, config_path: str) -> Iterator[Finding]:
    """Its schema and content, whether a bot runs on it, who may read it."""
    if not path.is_file():
        yield Finding(FAIL, texts.CHECK_DB_MISSING.format(path=path, config=config_path))
        return
    try:
        db = open_existing(path)
        try:
            yield _schema_and_content(db, path, config_path)
        finally:
            db.close()
    except sqlite3.Error as error:
        yield Finding(FAIL, texts.CHECK_DB_UNREADABLE.format(path=path, reason=_reason(error)))
    try:
        pid = running_bot(path)
    except OSError as error:
        yield Finding(
            WARN, texts.CHECK_LOCK_UNREADABLE.format(path=lock_path(path), reason=error.strerror)
        )
    else:
        if pid is None:
            yield Finding(OK, texts.CHECK_NO_BOT)
        else:
            shown = texts.RUNNING_PID.format(pid=pid) if pid else ""
            yield Finding(OK, texts.CHECK_BOT_RUNNING.format(pid=shown))
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        yield Finding(WARN, texts.CHECK_PERMS_OPEN.format(mode=f"{mode:04o}", path=path))
    else:
        yield Finding(OK, texts.CHECK_PERMS_OK.format(mode=f"{mode:04o}"))


def _schema_and_content(db, path: Path, config_path: str) -> Finding:
    version, known = schema_version(db), CURRENT_VERSION
    if version > known:
        return Finding(FAIL, texts.DATABASE_TOO_NEW.format(path=path, found=version, known=known))
    if version == 0 or not db["actions"].count:
        return Finding(WARN, texts.CHECK_DB_EMPTY.format(path=path, config=config_path))
    if version < known:
        return Finding(OK, texts.CHECK_DB_OLDER.format(path=path, version=version, known=known))
    return Finding(
        OK,
        texts.CHECK_DB_OK.format(
            path=path,
            version=version,
            os=db["strategic_objectives"].count,
            actions=db["actions"].count,
        ),
    )


def check_backups(storage: StorageConfig) -> Iterator[Finding]:
    folder, hour = storage.backup_dir, storage.backup_hour
    if folder is None:
        yield Finding(WARN, texts.CHECK_BACKUP_OFF)
        return
    if not folder.exists():
        existing = next(parent for parent in folder.absolute().parents if parent.exists())
        if os.access(existing, os.W_OK | os.X_OK):
            yield Finding(OK, texts.CHECK_BACKUP_LATER.format(folder=folder, hour=hour))
        else:
            yield Finding(FAIL, texts.CHECK_BACKUP_UNWRITABLE.format(folder=existing))
        return
    if not folder.is_dir():
        yield Finding(FAIL, texts.CHECK_BACKUP_NOT_FOLDER.format(folder=folder))
    elif not os.access(folder, os.W_OK | os.X_OK):
        yield Finding(FAIL, texts.CHECK_BACKUP_UNWRITABLE.format(folder=folder))
    elif made := nightly_backups(folder):
        yield Finding(
            OK,
            texts.CHECK_BACKUP_LAST.format(
                folder=folder, name=made[-1].name, count=len(made), kept=storage.backups_kept
            ),
        )
    else:
        yield Finding(OK, texts.CHECK_BACKUP_NONE_YET.format(folder=folder, hour=hour))


# ---------------------------------------------------------------- homeserver


def check_matrix(config: MatrixConfig, codir: str | None) -> Iterator[Finding]:
    """Reachability, then the token and the CODIR room when a token is at hand."""
    url = config.homeserver
    try:
        status, body = _get(f"{url}/_matrix/client/versions")
    except NETWORK_ERRORS as error:
        yield Finding(FAIL, texts.CHECK_SERVER_DOWN.format(url=url, reason=_reason(error)))
        yield Finding(INFO, texts.CHECK_SKIPPED_SERVER)
        return
    if status != 200 or "versions" not in body:
        yield Finding(FAIL, texts.CHECK_SERVER_NOT_MATRIX.format(url=url, status=status))
        yield Finding(INFO, texts.CHECK_SKIPPED_SERVER)
        return
    versions = ", ".join(body["versions"][-2:])
    yield Finding(OK, texts.CHECK_SERVER_OK.format(url=url, versions=versions))
    token = yield from _check_token(config)
    yield from _check_codir(config, codir, token)


def _check_token(config: MatrixConfig) -> Generator[Finding, None, str | None]:
    """Findings about the token; returns the token when the server accepts it."""
    if config.access_token:
        token, source = config.access_token, texts.TOKEN_FROM_CONFIG
    elif saved := load_session(config):
        token, source = saved["access_token"], texts.TOKEN_FROM_SESSION
    else:
        yield Finding(INFO, texts.CHECK_PASSWORD_LATER)
        return None
    try:
        status, body = _get(f"{config.homeserver}/_matrix/client/v3/account/whoami", token)
    except NETWORK_ERRORS as error:
        yield Finding(
            FAIL, texts.CHECK_SERVER_DOWN.format(url=config.homeserver, reason=_reason(error))
        )
        return None
    if status == 200 and body.get("user_id") == config.user_id:
        device = body.get("device_id") or config.device_id
        yield Finding(
            OK, texts.CHECK_TOKEN_OK.format(source=source, user=config.user_id, device=device)
        )
        return token
    if status == 200:
        found = body.get("user_id")
        yield Finding(
            FAIL,
            texts.CHECK_TOKEN_OTHER_USER.format(source=source, found=found, user=config.user_id),
        )
        return None
    reason = body.get("errcode") or f"HTTP {status}"
    if source == texts.TOKEN_FROM_SESSION and config.password:
        yield Finding(WARN, texts.CHECK_SESSION_REFUSED.format(reason=reason))
    else:
        yield Finding(FAIL, texts.CHECK_TOKEN_REFUSED.format(reason=reason))
    return None


def _check_codir(config: MatrixConfig, codir: str | None, token: str | None) -> Iterator[Finding]:
    if not codir:
        yield Finding(WARN, texts.CHECK_CODIR_NONE)
        return
    if token is None:
        yield Finding(INFO, texts.CHECK_CODIR_UNCHECKED.format(room=codir))
        return
    api = f"{config.homeserver}/_matrix/client/v3"
    try:
        room_id = codir
        if codir.startswith("#"):
            status, body = _get(f"{api}/directory/room/{urllib.parse.quote(codir)}", token)
            if status != 200 or "room_id" not in body:
                reason = body.get("errcode") or f"HTTP {status}"
                yield Finding(
                    FAIL, texts.CHECK_CODIR_UNKNOWN_ALIAS.format(room=codir, reason=reason)
                )
                return
            room_id = body["room_id"]
        status, body = _get(f"{api}/joined_rooms", token)
    except NETWORK_ERRORS as error:
        yield Finding(
            FAIL, texts.CHECK_SERVER_DOWN.format(url=config.homeserver, reason=_reason(error))
        )
        return
    if room_id in body.get("joined_rooms", []):
        yield Finding(OK, texts.CHECK_CODIR_MEMBER.format(room=codir))
    else:
        yield Finding(FAIL, texts.CHECK_CODIR_NOT_MEMBER.format(room=codir))


def _get(url: str, token: str | None = None) -> tuple[int, dict]:
    """GET a JSON document: (HTTP status, body); OSError when the server cannot be reached."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with _HTTP.open(request, timeout=TIMEOUT_S) as response:
            return response.status, _json(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _json(error.read())


def _json(data: bytes) -> dict:
    try:
        body = json.loads(data)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _reason(error: Exception) -> str:
    """What went wrong, without Python's wrapping ("<urlopen error …>")."""
    reason = getattr(error, "reason", None) or error
    return getattr(reason, "strerror", None) or str(reason)
