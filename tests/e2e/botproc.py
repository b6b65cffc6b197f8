"""The real bot as a subprocess: `python -m bot.cli run --config <file>`, with a real config
file and a real database seeded with the Frameries example through `python -m bot.cli import`.

    bot = BotProcess(workdir, homeserver.base_url, "@pst-bot-1a2b:localhost", password,
                     access={...}, pilots={"LM": "@lm:localhost"}, codir_room="!abc:localhost")
    bot.seed()
    bot.start()
    ...
    bot.kill()        # SIGKILL, as a crash
    bot.start()       # same database, same store: resumes
    assert bot.terminate() == 0

The encryption store's key comes from PST_BOT_PICKLE_KEY, as the README recommends (a fresh
secret per bot unless `pickle_key=` says otherwise; None: not set). `plain=True` runs the bot as
a plain install without the `[e2e]` extra would (vodozemac hidden from nio).

Teams: `teams={...}` writes a [teams] section (its "endpoints" dict as [teams.endpoints]), and
`env={...}` adds to the bot's environment (PST_BOT_TEAMS_SECRET, SSL_CERT_FILE). Without a
homeserver there is no [matrix] section: a Teams-only bot.

    bot = BotProcess(workdir, access={...}, pilots={...},
                     teams=standin.teams_config(port), env=standin.env())
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "storage" / "data" / "pst-cpas-frameries-2019-2024.md"


#: `python -m bot.cli` as without the `[e2e]` extra: nio finds no vodozemac (a None entry in
#: sys.modules makes importlib's find_spec answer None), so it runs without encryption.
PLAIN_INSTALL = (
    "import sys; sys.modules['vodozemac'] = None; from bot.cli import main; sys.exit(main())"
)


def toml_value(value) -> str:
    # JSON strings and lists of strings are valid TOML.
    return json.dumps(value, ensure_ascii=False)


class BotProcess:
    def __init__(
        self,
        workdir: Path,
        homeserver: str | None = None,
        user_id: str | None = None,
        password: str | None = None,
        *,
        access: dict[str, list[str]],
        pilots: dict[str, str | list[str]],
        codir_room: str | None = None,
        device_id: str = "PSTBOT",
        verbose: bool = False,
        pickle_key: str | None = "",
        plain: bool = False,
        storage: dict | None = None,
        teams: dict | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config_path = self.workdir / "config.toml"
        self.database = self.workdir / "pst.db"
        self.log_path = self.workdir / "bot.log"
        self.user_id = user_id
        self.verbose = verbose  # -v: debug log, nio included
        self.plain = plain
        self._password = password
        self._env = dict(env or {})
        if homeserver is None:
            pickle_key = None  # PST_BOT_PICKLE_KEY alone would make a [matrix] section
        self.pickle_key = secrets.token_hex(16) if pickle_key == "" else pickle_key
        self._process: subprocess.Popen | None = None
        self._starts = 0
        lines = []
        if homeserver is not None:
            lines += [
                "[matrix]",
                f"homeserver = {toml_value(homeserver)}",
                f"user_id = {toml_value(user_id)}",
                f"device_id = {toml_value(device_id)}",
                f"store_path = {toml_value(str(self.workdir / 'state'))}",
                'display_name = "Bot PST (tests)"',
                "",
            ]
        if teams is not None:
            settings = {k: v for k, v in teams.items() if k != "endpoints"}
            lines += ["[teams]", *(f"{k} = {toml_value(v)}" for k, v in settings.items()), ""]
            endpoints = teams.get("endpoints") or {}
            lines += ["[teams.endpoints]"]
            lines += [f"{k} = {toml_value(v)}" for k, v in endpoints.items()]
            lines += [""]
        lines += [
            "[storage]",
            f"database = {toml_value(str(self.database))}",
            # Never the default ./backups: the bot runs in the repository.
            f"backup_dir = {toml_value(str(self.workdir / 'backups'))}",
            *(f"{key} = {toml_value(value)}" for key, value in (storage or {}).items()),
            "",
            "[rooms]",
        ]
        if codir_room:
            lines.append(f"codir = {toml_value(codir_room)}")
        lines += ["", "[access]"]
        lines += [f"{key} = {toml_value(value)}" for key, value in access.items()]
        lines += ["", "[pilots]"]
        lines += [f"{toml_value(code)} = {toml_value(who)}" for code, who in pilots.items()]
        self.config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def _run_cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args], cwd=REPO, capture_output=True, text=True
        )

    def seed(self) -> str:
        """Import the bundled example into the bot's database, as an administrator would."""
        done = self._run_cli("import", str(EXAMPLE), "--db", str(self.database))
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> None:
        assert self._process is None or self._process.poll() is not None
        self._starts += 1
        log = self.log_path.open("a", encoding="utf-8")
        log.write(f"\n===== start {self._starts} =====\n")
        log.flush()
        # The secrets come from the environment, as the README recommends.
        env = {**os.environ}
        for variable in ("PST_BOT_MATRIX_PASSWORD", "PST_BOT_PICKLE_KEY", "PST_BOT_TEAMS_SECRET"):
            env.pop(variable, None)
        if self._password is not None:
            env["PST_BOT_MATRIX_PASSWORD"] = self._password
        env.update(self._env)
        if self.pickle_key is not None:
            env["PST_BOT_PICKLE_KEY"] = self.pickle_key
        self._process = subprocess.Popen(
            [
                sys.executable,
                *(["-c", PLAIN_INSTALL] if self.plain else ["-m", "bot.cli"]),
                *(["-v"] if self.verbose else []),
                "run",
                "--config",
                str(self.config_path),
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no chance to save anything."""
        self._process.send_signal(signal.SIGKILL)
        self._process.wait(timeout=10)

    def terminate(self, timeout: float = 20) -> int:
        """SIGTERM and wait; the exit code."""
        if self._process is None:
            return 0
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
                raise AssertionError(
                    f"the bot did not stop within {timeout} s on SIGTERM"
                ) from None
        return self._process.returncode

    def wait(self, timeout: float) -> int:
        """Wait for the bot to exit on its own; the exit code."""
        return self._process.wait(timeout=timeout)

    @property
    def pid(self) -> int:
        return self._process.pid

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def query(self, sql: str, params=()) -> list[tuple]:
        """Read the bot's database (WAL: safe while it runs)."""
        conn = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()
