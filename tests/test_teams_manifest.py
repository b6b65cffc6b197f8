"""The Teams manifest: generated from the command declarations, kept in teams/manifest.json, and
packaged with the app id of the configuration."""

import io
import json
import subprocess
import sys
import zipfile

from PIL import Image

from bot.cli import main
from bot.teams import manifest as teams_manifest
from tests.conftest import REGISTRY

APP_ID = "11111111-2222-3333-4444-555555555555"


def test_the_template_in_the_repository_is_up_to_date():
    assert teams_manifest.main(["--check"]) == 0


def test_the_manifest_declares_the_bot_in_every_scope_with_files_and_french_commands():
    bot = teams_manifest.manifest(REGISTRY, APP_ID)["bots"][0]
    assert bot["botId"] == APP_ID and bot["supportsFiles"] is True
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    commands = bot["commandLists"][0]["commands"]
    assert len(commands) <= 10  # what Teams accepts per list
    titles = [c["title"] for c in commands]
    assert titles[:3] == ["mes-actions", "mes-retards", "maj"]
    assert all(
        REGISTRY.commands[t].summary.startswith(c["description"])
        for t, c in zip(titles, commands, strict=True)
    )


def test_the_package_holds_the_manifest_with_the_configured_app_and_two_icons(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[teams]\napp_id = "{APP_ID}"\ntenant_id = "t"\napp_secret = "s"\n'
        '[organisation]\nname = "CPAS de Frameries"\n',
        encoding="utf-8",
    )
    out = tmp_path / "pst-teams.zip"
    assert main(["teams-package", "--config", str(config), "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        color = Image.open(io.BytesIO(archive.read("color.png")))
        outline = Image.open(io.BytesIO(archive.read("outline.png")))
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert manifest["name"]["full"] == "Bot PST — CPAS de Frameries"
    assert color.size == (192, 192) and outline.size == (32, 32)


def test_a_package_without_teams_configured_is_refused_with_the_section_named(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[storage]\ndatabase = "pst.db"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "teams-package", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 2 and "section [teams] manquante" in result.stderr
