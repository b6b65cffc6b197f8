"""The bot's configuration: a TOML file validated by pydantic, secrets from the environment.

    settings = load_config("config.toml")   # raises ConfigError naming the wrong key

Environment variables override the file: PST_BOT_MATRIX_PASSWORD, PST_BOT_MATRIX_ACCESS_TOKEN.
"""

import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from commands.types import Directory, Organisation

ENV_SECRETS = {
    "PST_BOT_MATRIX_PASSWORD": ("matrix", "password"),
    "PST_BOT_MATRIX_ACCESS_TOKEN": ("matrix", "access_token"),
    "PST_BOT_PICKLE_KEY": ("matrix", "pickle_key"),
}


class ConfigError(Exception):
    """The configuration is wrong; the message names the key and says what to write."""


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
        if not value.startswith(("http://", "https://")):
            raise ValueError("doit commencer par https:// (ou http:// en test)")
        return value.rstrip("/")

    @field_validator("user_id")
    @classmethod
    def _matrix_id(cls, value: str) -> str:
        if not value.startswith("@") or ":" not in value:
            raise ValueError("doit être un identifiant Matrix complet, ex. @pst-bot:example.org")
        return value

    @model_validator(mode="after")
    def _credentials(self) -> "MatrixConfig":
        if not self.password and not self.access_token:
            raise ValueError(
                "password ou access_token requis (ou PST_BOT_MATRIX_PASSWORD dans l'environnement)"
            )
        return self


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


class Settings(_Section):
    matrix: MatrixConfig | None = None
    storage: StorageConfig = Field(default_factory=StorageConfig)
    rooms: RoomsConfig = Field(default_factory=RoomsConfig)
    access: AccessConfig = Field(default_factory=AccessConfig)
    pilots: dict[str, str | list[str]] = Field(default_factory=dict)
    #: Identifiers for the reports and the eComptes export (pydantic validates the dataclass).
    organisation: Organisation = Field(default_factory=Organisation)

    def pilot_links(self) -> dict[str, set[str]]:
        return {
            code: {people} if isinstance(people, str) else set(people)
            for code, people in self.pilots.items()
        }

    def directory(self) -> Directory:
        return Directory(
            admins=set(self.access.admins),
            codir=set(self.access.codir),
            links=self.pilot_links(),
        )


def _apply_env(data: dict) -> dict:
    for variable, (section, key) in ENV_SECRETS.items():
        if os.environ.get(variable):
            data.setdefault(section, {})[key] = os.environ[variable]
    return data


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        if item["type"] == "missing":
            problems.append(f"clé manquante « {where} »")
        elif item["type"] == "extra_forbidden":
            problems.append(f"clé inconnue « {where} »")
        else:
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"« {where} » : {message}" if where else message)
    return "; ".join(problems)


def parse_config(data: dict, source: str = "configuration") -> Settings:
    try:
        return Settings.model_validate(_apply_env(data))
    except ValidationError as error:
        raise ConfigError(f"{source} : {_describe(error)}") from None


def load_config(path: str | Path) -> Settings:
    """Read and validate a TOML configuration file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Fichier de configuration introuvable : {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} : TOML invalide ({error})") from None
    return parse_config(data, str(path))
