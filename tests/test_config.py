"""Configuration: one clear error naming the wrong key; secrets from the environment; every
address the bot sends to is https:// (http:// only to this machine)."""

import tomllib
from datetime import date
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"

MATRIX = {"homeserver": "https://matrix.example.org", "user_id": "@pst-bot:example.org"}


@pytest.fixture
def secrets_in_env(monkeypatch):
    """The secrets as the README gives them: in the environment, not in the file."""
    monkeypatch.setenv("PST_BOT_MATRIX_PASSWORD", "s3cret")
    monkeypatch.setenv("PST_BOT_TEAMS_SECRET", "s3cret")


def test_example_config_is_valid(secrets_in_env):
    settings = load_config(EXAMPLE)
    assert settings.matrix.user_id.startswith("@")
    assert settings.directory().identify(settings.access.admins[0]).is_admin


def test_unknown_key_is_named():
    with pytest.raises(ConfigError, match="clé inconnue « matrix.homeservr »"):
        parse_config({"matrix": {**MATRIX, "password": "x", "homeservr": "y"}})


def test_missing_key_is_named():
    with pytest.raises(ConfigError, match="clé manquante « matrix.user_id »"):
        parse_config({"matrix": {"homeserver": "https://m.org", "password": "x"}})


def test_missing_credentials_say_how_to_give_them():
    with pytest.raises(ConfigError, match="PST_BOT_MATRIX_PASSWORD"):
        parse_config({"matrix": MATRIX})


def test_password_may_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PST_BOT_MATRIX_PASSWORD", "s3cret")
    assert parse_config({"matrix": MATRIX}).matrix.password == "s3cret"


def test_bad_homeserver_url_is_explained():
    with pytest.raises(ConfigError, match="matrix.homeserver"):
        parse_config({"matrix": {**MATRIX, "homeserver": "matrix.org", "password": "x"}})


def test_missing_file_and_bad_toml_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="introuvable"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[matrix\n")
    with pytest.raises(ConfigError, match="TOML invalide"):
        load_config(bad)


def test_pilot_list_links_a_group_to_several_people():
    settings = parse_config({"pilots": {"chefs de service": ["@a:x", "@b:x"], "SV": "@s:x"}})
    directory = settings.directory()
    assert directory.identify("@a:x").pilots == frozenset({"chefs de service"})
    assert directory.identify("@s:x").role == "pilot"


TEAMS = {"app_id": "app", "tenant_id": "tenant"}


def test_example_config_enables_teams_with_the_documented_keys(secrets_in_env):
    teams = load_config(EXAMPLE).teams
    assert (teams.host, teams.port, teams.file_link_minutes) == ("127.0.0.1", 3978, 60)
    assert teams.codir_conversation.endswith("@thread.tacv2")
    assert teams.endpoints.token_issuer == "https://api.botframework.com"
    assert teams.dangerously_allow_unauthenticated is False


def test_teams_secret_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("PST_BOT_TEAMS_SECRET", "s3cret")
    assert parse_config({"teams": TEAMS}).teams.app_secret == "s3cret"


def test_teams_without_a_secret_says_how_to_give_it():
    with pytest.raises(ConfigError, match="PST_BOT_TEAMS_SECRET"):
        parse_config({"teams": TEAMS})


def test_a_teams_secret_in_the_environment_does_not_add_teams(monkeypatch):
    monkeypatch.setenv("PST_BOT_TEAMS_SECRET", "s3cret")
    assert parse_config({"matrix": {**MATRIX, "password": "x"}}).teams is None


def test_teams_metadata_must_end_where_the_keys_are_read_beside_it():
    teams = {**TEAMS, "app_secret": "x", "endpoints": {"openid_metadata": "https://x/metadata"}}
    with pytest.raises(ConfigError, match="teams.endpoints.openid_metadata"):
        parse_config({"teams": teams})


def test_example_config_sets_the_rhythm_with_the_documented_keys(secrets_in_env):
    rhythm = load_config(EXAMPLE).rhythm
    assert (rhythm.digest, rhythm.reminders_before, rhythm.working_hours) == (
        "lundi 09:00",
        [30, 7],
        "08:30-17:00",
    )
    assert (rhythm.skip_weekends, rhythm.skip_holidays, rhythm.timezone) == (
        True,
        "BE",
        "Europe/Brussels",
    )
    assert rhythm.conseil == []


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("digest", "monday 9:00", "rhythm.digest"),
        ("working_hours", "17:00-08:30", "rhythm.working_hours"),
        ("skip_holidays", "XX", "rhythm.skip_holidays"),
        ("timezone", "Europe/Bruxelles", "rhythm.timezone"),
        ("reminders_before", [0], "rhythm.reminders_before"),
        ("conseil", ["24/03/2027"], "rhythm.conseil"),
        ("conseil", [20270324], "rhythm.conseil"),
        ("conseil", "2027-03-24", "rhythm.conseil"),
    ],
)
def test_a_wrong_rhythm_key_is_named(key, value, message):
    with pytest.raises(ConfigError, match=message):
        parse_config({"rhythm": {key: value}})


def test_rhythm_conseil_reads_iso_dates_in_order():
    matrix = {**MATRIX, "password": "x"}
    config = {"matrix": matrix, "rhythm": {"conseil": ["2027-06-23", "2027-03-24"]}}
    rhythm = parse_config(config).rhythm
    assert rhythm.conseil == [date(2027, 3, 24), date(2027, 6, 23)]


# ---------------------------------------------------------------- secrets and addresses (issue 21)


def test_example_config_ships_no_secret_to_leave_in_place():
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    for section, key in [
        ("matrix", "password"),
        ("matrix", "access_token"),
        ("matrix", "pickle_key"),
        ("teams", "app_secret"),
    ]:
        assert key not in data[section], f"{section}.{key} is set in the example"
    text = EXAMPLE.read_text(encoding="utf-8")
    for commented in ('# password = "change-me"', '# pickle_key = "change-me"'):
        assert commented in text  # shown, to be given in the environment


def test_example_config_copied_as_is_says_which_secret_is_missing(monkeypatch):
    for variable in ("PST_BOT_MATRIX_PASSWORD", "PST_BOT_MATRIX_ACCESS_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(ConfigError, match="PST_BOT_MATRIX_PASSWORD"):
        load_config(EXAMPLE)


@pytest.mark.parametrize(
    "url",
    [
        "http://matrix.example.org",
        "http://localhost.evil.example",
        "http://127.0.0.1.evil.example",
        "ftp://matrix.example.org",
        "https://",
    ],
)
def test_a_homeserver_in_clear_text_over_the_network_is_refused(url):
    with pytest.raises(ConfigError, match="matrix.homeserver.*https://"):
        parse_config({"matrix": {**MATRIX, "homeserver": url, "password": "x"}})


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8008", "http://localhost:8008/", "http://[::1]:8008"]
)
def test_a_test_homeserver_on_this_machine_may_be_plain_http(url):
    matrix = parse_config({"matrix": {**MATRIX, "homeserver": url, "password": "x"}}).matrix
    assert matrix.homeserver == url.rstrip("/")


@pytest.mark.parametrize("key", ["public_url", "service_url"])
def test_teams_addresses_in_clear_text_over_the_network_are_refused(key):
    teams = {**TEAMS, "app_secret": "x", key: "http://pst.example.org"}
    with pytest.raises(ConfigError, match=f"teams.{key}.*https://"):
        parse_config({"teams": teams})
    teams[key] = "http://127.0.0.1:3978"
    assert getattr(parse_config({"teams": teams}).teams, key) == "http://127.0.0.1:3978"
