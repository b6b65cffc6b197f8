"""`pst-bot check`: one French line per finding, exit 1 when something must be fixed.

The homeserver is either unreachable or a small fake of the four client endpoints `check` reads
(versions, whoami, joined_rooms, alias), served from this process."""

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from nio.crypto import ENCRYPTION_ENABLED

from bot.checks import FAIL, check_all
from bot.lock import bot_lock
from storage.db import open_db
from storage.importing import import_plan, load_example
from storage.migrations import CURRENT_VERSION

ROOT = Path(__file__).resolve().parent.parent
BOT = "@pst-bot:localhost"
CODIR = "!codir:localhost"
TOKEN = "syt_good"


class FakeHomeserver(BaseHTTPRequestHandler):
    joined = [CODIR]
    requests: list[str] = []

    def do_GET(self):  # the name http.server calls
        self.requests.append(self.path)
        authorized = self.headers.get("Authorization") == f"Bearer {TOKEN}"
        if self.path == "/_matrix/client/versions":
            self.reply(200, {"versions": ["v1.10", "v1.11"]})
        elif not authorized:
            self.reply(401, {"errcode": "M_UNKNOWN_TOKEN", "error": "Invalid access token"})
        elif self.path == "/_matrix/client/v3/account/whoami":
            self.reply(200, {"user_id": BOT, "device_id": "PSTBOT"})
        elif self.path == "/_matrix/client/v3/joined_rooms":
            self.reply(200, {"joined_rooms": self.joined})
        elif self.path == "/_matrix/client/v3/directory/room/%23codir%3Alocalhost":
            self.reply(200, {"room_id": CODIR, "servers": ["localhost"]})
        else:
            self.reply(404, {"errcode": "M_NOT_FOUND"})

    def reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def homeserver():
    FakeHomeserver.joined, FakeHomeserver.requests = [CODIR], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHomeserver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def database(tmp_path) -> Path:
    path = tmp_path / "pst.db"
    db = open_db(path)
    import_plan(db, load_example())
    db.close()
    return path


def write_config(
    tmp_path: Path, homeserver: str, *, token: str | None = TOKEN, codir=CODIR, extra=""
):
    """A Matrix configuration, owner-only as the README says to keep it."""
    lines = [
        "[matrix]",
        f'homeserver = "{homeserver}"',
        f'user_id = "{BOT}"',
        f'access_token = "{token}"' if token else 'password = "never-sent"',
        'pickle_key = "a-real-secret-for-the-store"',
        f'store_path = "{tmp_path / "state"}"',
        extra,
        "[storage]",
        f'database = "{tmp_path / "pst.db"}"',
        f'backup_dir = "{tmp_path / "backups"}"',
        "[rooms]",
        f'codir = "{codir}"',
    ]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def findings(config: Path) -> list[str]:
    return [str(finding) for finding in check_all(str(config))]


def pst_bot_check(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={key: value for key, value in os.environ.items() if not key.startswith("PST_BOT_")},
    )


def test_unreachable_homeserver_fails_the_check_without_traceback(tmp_path, database):
    config = write_config(tmp_path, "http://127.0.0.1:9")
    result = pst_bot_check(config)
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"✓ Configuration lue : {config}",
        "✓ Configuration lisible par son propriétaire seul (0600)",
        f"✓ Base {database} : schéma v{CURRENT_VERSION}, 6 objectifs stratégiques, 127 actions",
        "✓ Aucun bot ne tourne sur cette base.",
        "✓ Base lisible par son propriétaire seul (0600)",
        f"✓ Dossier de sauvegarde {tmp_path / 'backups'} : créé à la première sauvegarde "
        "(à partir de 2 h).",
        "✗ Serveur Matrix injoignable : http://127.0.0.1:9 (Connection refused). Vérifiez "
        "matrix.homeserver, le réseau et le pare-feu.",
        "– Identifiants et salon CODIR non vérifiés : serveur injoignable.",
        "1 point(s) à corriger (✗).",
    ]


def test_everything_in_place_exits_0(tmp_path, database, homeserver):
    (tmp_path / "backups").mkdir()
    config = write_config(tmp_path, homeserver)
    result = pst_bot_check(config)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-4:] == [
        f"✓ Serveur Matrix joignable : {homeserver} (versions v1.10, v1.11)",
        f"✓ Identifiants valides (jeton de la configuration) : {BOT}, appareil PSTBOT",
        f"✓ Le bot est membre du salon CODIR {CODIR}",
        "Tout est en ordre.",
    ]


def test_bot_outside_the_codir_room_fails_the_check(tmp_path, database, homeserver):
    FakeHomeserver.joined = ["!other:localhost"]
    config = write_config(tmp_path, homeserver, codir="#codir:localhost")
    assert findings(config)[-1] == (
        "✗ Le bot n'est pas membre du salon CODIR #codir:localhost : invitez-le depuis un compte "
        "de access.allowed_inviters."
    )


def test_refused_token_fails_the_check(tmp_path, database, homeserver):
    config = write_config(tmp_path, homeserver, token="syt_revoked")
    lines = findings(config)
    assert lines[-2].startswith(
        "✗ Jeton de la configuration refusé par le serveur (M_UNKNOWN_TOKEN)"
    )
    assert lines[-1] == f"– Salon CODIR {CODIR} non vérifié : pas de session valide."


def test_saved_session_is_checked_and_no_password_login_is_tried(tmp_path, database, homeserver):
    config = write_config(tmp_path, homeserver, token=None)
    (tmp_path / "state").mkdir()
    session = {"homeserver": homeserver, "user_id": BOT, "device_id": "PSTBOT"}
    (tmp_path / "state" / "session.json").write_text(json.dumps(session | {"access_token": TOKEN}))
    lines = findings(config)
    assert f"✓ Identifiants valides (session enregistrée) : {BOT}, appareil PSTBOT" in lines
    assert not any("login" in path for path in FakeHomeserver.requests)


def test_without_token_the_password_login_is_left_to_the_start(tmp_path, database, homeserver):
    config = write_config(tmp_path, homeserver, token=None)
    lines = findings(config)
    assert lines[-2].startswith("– Pas encore de session : le bot se connectera par mot de passe")
    assert FakeHomeserver.requests == ["/_matrix/client/versions"]


def test_a_running_bot_is_reported_not_failed(tmp_path, database):
    config = write_config(tmp_path, "http://127.0.0.1:9")
    with bot_lock(database):
        lines = findings(config)
    assert (
        f"✓ Un bot tourne sur cette base (processus {os.getpid()}) : normal en service ; "
        "n'en lancez pas un second."
    ) in lines


def test_database_readable_by_others_is_a_warning(tmp_path, database):
    database.chmod(0o644)
    lines = findings(write_config(tmp_path, "http://127.0.0.1:9"))
    assert f"⚠ Base lisible par d'autres utilisateurs (0644) : chmod 600 {database}" in lines


def test_missing_database_fails_the_check(tmp_path):
    config = write_config(tmp_path, "http://127.0.0.1:9")
    lines = findings(config)
    assert lines[2] == (
        f"✗ Base absente : {tmp_path / 'pst.db'}. Importez un PST : pst-bot import FICHIER "
        f"--config {config}"
    )
    assert not (tmp_path / "pst.db").exists()


def test_database_newer_than_the_code_fails_the_check(tmp_path, database):
    conn = sqlite3.connect(database)
    conn.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    conn.close()
    lines = findings(write_config(tmp_path, "http://127.0.0.1:9"))
    assert lines[2].startswith(f"✗ La base {database} a été écrite par une version plus récente")


def test_last_nightly_backup_is_named(tmp_path, database):
    (tmp_path / "backups").mkdir()
    for day in ("2025-03-13", "2025-03-14"):
        (tmp_path / "backups" / f"pst-{day}.db").write_bytes(b"")
    lines = findings(write_config(tmp_path, "http://127.0.0.1:9"))
    assert (
        f"✓ Dossier de sauvegarde {tmp_path / 'backups'} : dernière sauvegarde "
        "pst-2025-03-14.db, 2 gardée(s) (au plus 14)"
    ) in lines


def test_backup_folder_that_is_a_file_fails_the_check(tmp_path, database):
    (tmp_path / "backups").write_text("")
    lines = findings(write_config(tmp_path, "http://127.0.0.1:9"))
    assert any(line.startswith(f"{FAIL} Dossier de sauvegarde") for line in lines)


def test_wrong_configuration_fails_the_check(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[matrix]\nhomeserver = 'ftp://x'\n")
    result = pst_bot_check(config)
    assert result.returncode == 1
    assert result.stdout.startswith("✗ Configuration invalide : ")
    assert "Traceback" not in result.stderr


def test_a_teams_only_config_checks_microsofts_keys_sign_in_and_codir_channel(tmp_path, database):
    config = tmp_path / "teams.toml"
    config.write_text(
        f'[storage]\ndatabase = "{database}"\nbackup_dir = ""\n'
        '[teams]\napp_id = "app"\ntenant_id = "tenant"\napp_secret = "s3cret-value"\n'
        "[teams.endpoints]\n"
        'login = "https://127.0.0.1:9/login"\n'
        'openid_metadata = "https://127.0.0.1:9/v1/.well-known/openidconfiguration"\n',
        encoding="utf-8",
    )
    config.chmod(0o600)
    result = pst_bot_check(config)
    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[-4].startswith(
        "✗ Clés de signature de Microsoft illisibles (https://127.0.0.1:9/v1/.well-known/keys"
    )
    assert lines[-3].startswith("✗ Connexion Microsoft injoignable")
    assert lines[-2].startswith("⚠ Aucun canal CODIR Teams (teams.codir_conversation)")
    assert "s3cret-value" not in result.stdout


def test_a_config_without_any_transport_fails_the_check(tmp_path, database):
    config = tmp_path / "none.toml"
    config.write_text(f'[storage]\ndatabase = "{database}"\n', encoding="utf-8")
    config.chmod(0o600)
    result = pst_bot_check(config)
    assert result.returncode == 1
    assert (
        "✗ ni [matrix] ni [teams] dans la configuration : aucun canal à servir : pst-bot run "
        "refuserait de démarrer."
    ) in result.stdout


# ---------------------------------------------------------------- what run refuses (issue 21)


def pst_bot_run(config: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("PST_BOT_")} | (env or {}),
    )


def test_a_config_readable_by_others_fails_the_check(tmp_path, database):
    config = write_config(tmp_path, "http://127.0.0.1:9")
    config.chmod(0o644)
    lines = findings(config)
    assert (
        f"✗ Configuration {config} accessible à d'autres utilisateurs que son propriétaire "
        f"(0644) : chmod 600 {config}"
    ) in lines


@pytest.mark.parametrize("key", ["password", "access_token", "pickle_key"])
def test_a_matrix_secret_left_at_change_me_is_refused_by_check_and_by_run(tmp_path, database, key):
    config = write_config(tmp_path, "http://127.0.0.1:9", token=None)
    text = config.read_text(encoding="utf-8")
    text = re.sub(rf"^{key} = .*$", "", text, flags=re.M) if key != "access_token" else text
    config.write_text(
        text.replace("[matrix]\n", f'[matrix]\n{key} = "Change-Me"\n'), encoding="utf-8"
    )
    refusal = f"« matrix.{key} » vaut encore « change-me », la valeur de l'exemple"
    assert any(line.startswith(f"{FAIL} {refusal}") for line in findings(config))
    ran = pst_bot_run(config)
    assert ran.returncode == 2 and refusal in ran.stderr
    assert not (tmp_path / "state").exists()  # refused before anything was opened


def teams_config(tmp_path: Path, database: Path, **teams: str | bool) -> Path:
    settings = {"app_id": "app", "tenant_id": "tenant", "app_secret": "s3cret-value"} | teams
    lines = [f'[storage]\ndatabase = "{database}"\nbackup_dir = ""', "[teams]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items() if value != ""]
    lines += [
        "[teams.endpoints]",
        'login = "https://127.0.0.1:9/login"',
        'openid_metadata = "https://127.0.0.1:9/v1/.well-known/openidconfiguration"',
    ]
    path = tmp_path / "teams.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.mark.parametrize(
    ("teams", "refusal"),
    [
        (
            {"app_id": "00000000-0000-0000-0000-000000000000"},
            "« teams.app_id » vaut encore l'identifiant de l'exemple (que des zéros)",
        ),
        (
            {"tenant_id": "00000000-0000-0000-0000-000000000000"},
            "« teams.tenant_id » vaut encore l'identifiant de l'exemple (que des zéros)",
        ),
        ({"app_secret": "change-me"}, "« teams.app_secret » vaut encore « change-me »"),
        (
            {"dangerously_allow_unauthenticated": True},
            "teams.dangerously_allow_unauthenticated est refusé à côté d'un secret",
        ),
        (
            {"dangerously_allow_unauthenticated": True, "app_secret": "", "host": "0.0.0.0"},
            "teams.dangerously_allow_unauthenticated est refusé quand le bot écoute sur "
            "« 0.0.0.0 »",
        ),
    ],
    ids=["zero-app-id", "zero-tenant", "change-me", "no-auth-with-secret", "no-auth-listening-out"],
)
def test_teams_settings_that_would_open_the_bot_are_refused_by_check_and_by_run(
    tmp_path, database, teams, refusal
):
    config = teams_config(tmp_path, database, **teams)
    checked = pst_bot_check(config)
    assert checked.returncode == 1
    assert any(line.startswith(f"{FAIL} {refusal}") for line in checked.stdout.splitlines())
    ran = pst_bot_run(config)
    assert ran.returncode == 2, ran.stderr
    assert refusal in ran.stderr and "Traceback" not in ran.stderr


def test_no_authentication_on_this_machine_without_a_secret_is_only_a_warning(tmp_path, database):
    config = teams_config(tmp_path, database, app_secret="", dangerously_allow_unauthenticated=True)
    lines = findings(config)
    assert not any("dangerously_allow_unauthenticated est refusé" in line for line in lines)
    assert any(
        line.startswith("⚠ teams.dangerously_allow_unauthenticated = true") for line in lines
    )


def test_a_missing_pickle_key_is_said_by_check_as_run_says_it(tmp_path, database):
    config = write_config(tmp_path, "http://127.0.0.1:9")
    config.write_text(
        re.sub(r"^pickle_key = .*$", "", config.read_text(encoding="utf-8"), flags=re.M),
        encoding="utf-8",
    )
    if not ENCRYPTION_ENABLED:
        pytest.skip("without the [e2e] extra no pickle key is needed")
    lines = findings(config)
    assert any(line.startswith(f"{FAIL} clé manquante « matrix.pickle_key »") for line in lines)
    ran = pst_bot_run(config)
    assert ran.returncode == 2 and "clé manquante « matrix.pickle_key »" in ran.stderr
    assert "PST_BOT_PICKLE_KEY" in ran.stderr
