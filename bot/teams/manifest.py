"""The Teams app manifest, from the command declarations: the template in teams/manifest.json and
the package an administrator uploads to Teams.

    python -m bot.teams.manifest            # rewrite teams/manifest.json (the template)
    python -m bot.teams.manifest --check    # exit 1 if it is out of date
    pst-bot teams-package --config config.toml --out pst-bot-teams.zip

The template holds the placeholder app id; the package fills in the app id of `[teams]` and the
organisation's name, and adds the two icons Teams asks for (drawn here, no image file needed).
The command lists name the commands pilots use most, in French, with their summary: Teams shows
them as suggestions when someone types in a chat with the bot (at most 10 per list).
"""

import io
import json
import sys
import zipfile
from pathlib import Path

from commands.catalogue import build_registry
from commands.registry import Registry

TEMPLATE = Path(__file__).resolve().parents[2] / "teams" / "manifest.json"
PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000"
#: The commands suggested in Teams, by scope: pilots first; Teams takes at most 10.
SUGGESTED = (
    "mes-actions",
    "mes-retards",
    "maj",
    "action",
    "note",
    "retard",
    "synthese",
    "historique",
    "annuler",
    "aide",
)
SCOPES = ["personal", "team", "groupChat"]
ACCENT = "#1B5E9B"


def manifest(registry: Registry, app_id: str = PLACEHOLDER_ID, organisation: str = "") -> dict:
    """The manifest (schema 1.17) for the bot `app_id`."""
    commands = [
        {"title": name, "description": registry.commands[name].summary[:128]} for name in SUGGESTED
    ]
    full_name = f"Bot PST — {organisation}" if organisation else "Bot PST"
    return {
        "$schema": "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json",
        "manifestVersion": "1.17",
        "version": "1.0.0",
        "id": app_id,
        "developer": {
            "name": organisation or "Administration",
            "websiteUrl": "https://www.example.org",
            "privacyUrl": "https://www.example.org/vie-privee",
            "termsOfUseUrl": "https://www.example.org/conditions",
        },
        "name": {"short": "Bot PST", "full": full_name[:100]},
        "description": {
            "short": "Le suivi du PST dans la conversation.",
            "full": (
                "Les pilotes mettent à jour leurs actions du Programme Stratégique Transversal "
                "en une ligne (« 47 fait », « 29 en cours 40 % »), voient les leurs (« mes "
                "actions »), le CODIR reçoit chaque changement, la direction reçoit le tableau "
                "consolidé, l'évaluation et le fichier eComptes."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": app_id,
                "scopes": SCOPES,
                "supportsFiles": True,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": SCOPES, "commands": commands}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def template_text() -> str:
    return json.dumps(manifest(build_registry()), ensure_ascii=False, indent=2) + "\n"


def package(app_id: str, organisation: str = "") -> bytes:
    """The zip an administrator uploads in Teams: manifest.json and its two icons."""
    text = json.dumps(manifest(build_registry(), app_id, organisation), ensure_ascii=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", text)
        archive.writestr("color.png", _icon(192, ACCENT, "white"))
        archive.writestr("outline.png", _icon(32, None, "white"))
    return buffer.getvalue()


def _icon(size: int, background: str | None, ink: str) -> bytes:
    """A square icon with "PST" (Teams: 192 px in colour, 32 px white on transparent)."""
    from PIL import Image, ImageDraw  # Pillow comes with matplotlib

    image = Image.new("RGBA", (size, size), background or (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = size // 8
    draw.rectangle(
        [margin, margin, size - margin, size - margin], outline=ink, width=max(1, size // 24)
    )
    draw.text((size // 2, size // 2), "PST", fill=ink, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def main(argv: list[str]) -> int:
    current = TEMPLATE.read_text(encoding="utf-8") if TEMPLATE.exists() else ""
    if "--check" in argv:
        if current != template_text():
            print("teams/manifest.json : à régénérer (python -m bot.teams.manifest)")
            return 1
        return 0
    TEMPLATE.parent.mkdir(exist_ok=True)
    TEMPLATE.write_text(template_text(), encoding="utf-8")
    print(f"{TEMPLATE} : manifeste Teams à jour.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
