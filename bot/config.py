"""The bot's configuration: a TOML file validated by pydantic, secrets from the environment.

    settings = load_config("config.toml")   # raises ConfigError naming the wrong key

Environment variables override the file: PST_BOT_MATRIX_PASSWORD, PST_BOT_MATRIX_ACCESS_TOKEN,
PST_BOT_PICKLE_KEY, PST_BOT_TEAMS_SECRET.
"""

import ipaddress
import os
import re
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.config_errors import described
from commands.chat_ids import is_matrix_user
from commands.types import Directory, Organisation
from storage.actions import SILENT_AFTER_WEEKS
from storage.clock import use_zone

ENV_SECRETS = {
    "PST_BOT_MATRIX_PASSWORD": ("matrix", "password"),
    "PST_BOT_MATRIX_ACCESS_TOKEN": ("matrix", "access_token"),
    "PST_BOT_PICKLE_KEY": ("matrix", "pickle_key"),
    "PST_BOT_TEAMS_SECRET": ("teams", "app_secret"),
}


class ConfigError(Exception):
    """The configuration is wrong; the message names the key and says what to write."""


def is_loopback(host: str | None) -> bool:
    """Whether `host` is this machine: localhost, 127.0.0.0/8 or ::1 (never a name that only
    starts so).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("localhost.evil.org")
    (True, True, False)
    """
    if not host:
        return False
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def https_url(value: str) -> str:
    """A URL the bot sends secrets or messages to: https://, or http:// on this machine only
    (a test server, the tests' stand-ins). Raises ValueError saying so."""
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.hostname:
        return value
    if parts.scheme == "http" and is_loopback(parts.hostname):
        return value
    raise ValueError(
        "doit commencer par https:// (http:// seulement vers cette machine : localhost, 127.0.0.1)"
    )


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MatrixConfig(_Section):
    homeserver: str
    user_id: str
    password: str | None = None
    access_token: str | None = None
    device_id: str = "PSTBOT"
    store_path: Path = Path("./state")
    display_name: str = "Bot PST"
    #: The secret that encrypts the encryption store (nio's default key is public).
    pickle_key: str | None = None

    @field_validator("homeserver")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return https_url(value).rstrip("/")

    @field_validator("user_id")
    @classmethod
    def _matrix_id(cls, value: str) -> str:
        if not is_matrix_user(value):
            raise ValueError("doit être un identifiant Matrix complet, ex. @pst-bot:example.org")
        return value

    @model_validator(mode="after")
    def _credentials(self) -> "MatrixConfig":
        if not self.password and not self.access_token:
            raise ValueError(
                "password ou access_token requis (ou PST_BOT_MATRIX_PASSWORD dans l'environnement)"
            )
        return self


class TeamsEndpoints(_Section):
    """Where Microsoft's services are: the public cloud by default; sovereign clouds and tests
    point them elsewhere."""

    login: str = "https://login.microsoftonline.com"
    openid_metadata: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    token_issuer: str = "https://api.botframework.com"

    @field_validator("login", "openid_metadata", "token_issuer")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError("doit commencer par https://")
        return value.rstrip("/")

    @field_validator("openid_metadata")
    @classmethod
    def _metadata(cls, value: str) -> str:
        if not value.endswith("/openidconfiguration"):
            raise ValueError(
                "doit finir par /openidconfiguration (les clés sont lues à côté, /keys)"
            )
        return value


class TeamsConfig(_Section):
    #: The Entra app (client) id of the bot.
    app_id: str
    #: The administration's tenant.
    tenant_id: str
    #: The app's secret: better from PST_BOT_TEAMS_SECRET than in the file.
    app_secret: str | None = None
    #: Where POST /api/messages listens, behind the reverse proxy.
    host: str = "127.0.0.1"
    port: int = Field(default=3978, ge=1, le=65535)
    #: For proactive sends (the CODIR channel, a person's chat) before anyone wrote.
    service_url: str = "https://smba.trafficmanager.net/emea/"
    #: The CODIR channel's conversation id ("19:…@thread.tacv2").
    codir_conversation: str | None = None
    #: The bot's public address behind the reverse proxy, for download links in channels
    #: (https://pst.example.org): files are served at <public_url>/files/<signed token>.
    public_url: str | None = None
    #: How long a download link works, in minutes.
    file_link_minutes: int = Field(default=60, ge=1, le=24 * 60)
    #: Only for Microsoft's Agents Playground on a developer's machine: no authentication at
    #: all. Off by default, and loudly logged when on.
    dangerously_allow_unauthenticated: bool = False
    endpoints: TeamsEndpoints = Field(default_factory=TeamsEndpoints)

    @field_validator("service_url", "public_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else https_url(value)

    @model_validator(mode="after")
    def _secret(self) -> "TeamsConfig":
        if not self.app_secret and not self.dangerously_allow_unauthenticated:
            raise ValueError(
                "app_secret requis (mieux : PST_BOT_TEAMS_SECRET dans l'environnement)"
            )
        return self


class WebConfig(_Section):
    """The live pages of the PST (`!tableau-de-bord`), served by bot/web.py."""

    #: Where GET /tableau/… listens, behind the reverse proxy.
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    #: The address the proxy gives these pages (https://pst.example.org): links read
    #: <public_url>/tableau/<signed token>/.
    public_url: str
    #: How long a link works, in days.
    link_days: int = Field(default=7, ge=1, le=90)

    @field_validator("public_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return https_url(value).rstrip("/")


_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:h]([0-5]\d)$")


class RhythmConfig(_Section):
    """When the bot speaks on its own: the weekly CODIR digest and the pilots' reminders."""

    timezone: str = "Europe/Brussels"
    #: The weekly CODIR digest: a French day name and a time ("lundi 09:00"); "" turns it off.
    digest: str = "lundi 09:00"
    #: Days before a deadline when its pilots get a word.
    reminders_before: list[int] = Field(default_factory=lambda: [30, 7])
    #: After a missed deadline, a reminder at most this often.
    overdue_every_days: int = Field(default=14, ge=1)
    #: An action with no news for this long is "sans nouvelles".
    silent_after_weeks: int = Field(default=SILENT_AFTER_WEEKS, ge=1)
    #: Reminders only within these hours ("08:30-17:00"), local time.
    working_hours: str = "08:30-17:00"
    skip_weekends: bool = True
    #: Public holidays without reminders: a country code of the `holidays` library ("" : none).
    skip_holidays: str = "BE"
    #: The Conseil's meeting days (ISO dates); the digest lists what falls due before the next.
    conseil: list[date] = Field(default_factory=list)
    #: CODIR posts: "each" (one post per change, as it happens) or "grouped" (one post per
    #: quarter hour with every change of that quarter).
    codir_posts: Literal["each", "grouped"] = "each"

    @field_validator("conseil", mode="before")
    @classmethod
    def _conseil(cls, value) -> list[date]:
        try:
            return sorted({date.fromisoformat(item) for item in value})
        except (TypeError, ValueError):
            raise ValueError('des dates ISO, ex. ["2027-03-24", "2027-06-23"]') from None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("fuseau horaire inconnu (ex. Europe/Brussels)") from None
        return value

    @field_validator("digest")
    @classmethod
    def _digest(cls, value: str) -> str:
        if value.strip() and digest_time(value) is None:
            raise ValueError('s\'écrit « lundi 09:00 » (jour en français, heure HH:MM), ou ""')
        return value

    @field_validator("reminders_before")
    @classmethod
    def _days_before(cls, value: list[int]) -> list[int]:
        if any(day < 1 or day > 366 for day in value):
            raise ValueError("des nombres de jours entre 1 et 366, ex. [30, 7]")
        return sorted(set(value), reverse=True)

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        if working_hours(value) is None:
            raise ValueError("s'écrit « 08:30-17:00 » (début avant fin)")
        return value

    @field_validator("skip_holidays")
    @classmethod
    def _country(cls, value: str) -> str:
        if value and value.upper() not in holidays.list_supported_countries():
            raise ValueError("code de pays inconnu de la bibliothèque holidays (ex. BE)")
        return value.upper()


def digest_time(text: str) -> tuple[int, time] | None:
    """ "lundi 09:00" -> (0, 09:00): the weekday (Monday 0) and the local time; None if wrong."""
    parts = text.strip().lower().split()
    if len(parts) != 2 or fold_day(parts[0]) not in _DAYS:
        return None
    match = _CLOCK.match(parts[1])
    if not match:
        return None
    return _DAYS.index(fold_day(parts[0])), time(int(match[1]), int(match[2]))


def fold_day(word: str) -> str:
    return word.strip().lower().replace("é", "e")


def working_hours(text: str) -> tuple[time, time] | None:
    """ "08:30-17:00" -> (08:30, 17:00); None if wrong."""
    start, _, end = text.replace(" ", "").partition("-")
    found = [_CLOCK.match(start), _CLOCK.match(end)]
    if not all(found):
        return None
    first, last = (time(int(m[1]), int(m[2])) for m in found)
    return (first, last) if first < last else None


class StorageConfig(_Section):
    database: Path = Path("./pst.db")
    #: Where the nightly backup goes; None (or "") turns it off.
    backup_dir: Path | None = Path("./backups")
    #: Local hour (0-23) after which the nightly backup is made.
    backup_hour: int = Field(default=2, ge=0, le=23)
    #: How many nightly backups are kept (older ones are deleted).
    backups_kept: int = Field(default=14, ge=1)
    #: How long the ids of answered messages are kept (a replay older than this is unlikely).
    handled_events_days: int = Field(default=30, ge=1)

    @field_validator("backup_dir", mode="before")
    @classmethod
    def _empty_is_off(cls, value):
        return None if value in ("", None) else value


class RoomsConfig(_Section):
    codir: str | None = None
    #: Room id -> code of the plan it works on ("!abc:example.org" = "cpas").
    plans: dict[str, str] = Field(default_factory=dict)


class AccessConfig(_Section):
    admins: list[str] = Field(default_factory=list)
    codir: list[str] = Field(default_factory=list)
    allowed_inviters: list[str] = Field(default_factory=list)
    #: Rooms the bot serves: room ids ("!abc:example.org") or whole servers ("*:example.org").
    #: Empty: every room an allowed inviter brought it into.
    allowed_rooms: list[str] = Field(default_factory=list)
    #: What a pilot's update only asks for until an admin's `!valider` (`[access] validate`).
    validated: list[Literal["abandon", "suspend", "echeance"]] = Field([], alias="validate")


class Settings(_Section):
    matrix: MatrixConfig | None = None
    teams: TeamsConfig | None = None
    web: WebConfig | None = None
    rhythm: RhythmConfig = Field(default_factory=RhythmConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    rooms: RoomsConfig = Field(default_factory=RoomsConfig)
    access: AccessConfig = Field(default_factory=AccessConfig)
    #: Initials -> chat id(s), shared by the plans without their own; a table names a plan's
    #: own pilots: `[pilots.cpas]` `LM = "@luc:cpas.be"` (the CPAS's LM is not the commune's).
    pilots: dict[str, str | list[str] | dict[str, str | list[str]]] = Field(default_factory=dict)
    #: Identifiers for the reports and the eComptes export (pydantic validates the dataclass).
    organisation: Organisation = Field(default_factory=Organisation)

    def pilot_links(self) -> dict[str, set[str]]:
        """The shared pilots: initials -> chat ids."""
        return _links({c: p for c, p in self.pilots.items() if not isinstance(p, dict)})

    def plan_pilot_links(self) -> dict[str, dict[str, set[str]]]:
        """Plan code -> its own pilots (`[pilots.<code>]`)."""
        return {code: _links(own) for code, own in self.pilots.items() if isinstance(own, dict)}

    def directory(self) -> Directory:
        return Directory(
            admins=set(self.access.admins),
            codir=set(self.access.codir),
            links=self.pilot_links(),
            plan_links=self.plan_pilot_links(),
            validate=frozenset(self.access.validated),
        )


def _links(pilots: dict) -> dict[str, set[str]]:
    return {
        code: {people} if isinstance(people, str) else set(people)
        for code, people in pilots.items()
    }


def _apply_env(data: dict) -> dict:
    data = {name: dict(value) if isinstance(value, dict) else value for name, value in data.items()}
    for variable, (section, key) in ENV_SECRETS.items():
        # Only for a section the file has: a Teams secret in the environment does not make a
        # Matrix-only configuration a Teams one.
        if os.environ.get(variable) and isinstance(data.get(section), dict):
            data[section][key] = os.environ[variable]
    return data


def parse_config(data: dict, source: str = "configuration") -> Settings:
    try:
        return Settings.model_validate(_apply_env(data))
    except ValidationError as error:
        raise ConfigError(f"{source} : {described(error)}") from None


def load_config(path: str | Path) -> Settings:
    """Read and validate a TOML configuration file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Fichier de configuration introuvable : {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} : TOML invalide ({error})") from None
    settings = parse_config(data, str(path))
    # The configured zone is the bot's clock: every "today" and local time from now on.
    use_zone(settings.rhythm.timezone)
    return settings
