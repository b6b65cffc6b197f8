"""A plain `pip install` of the project (no extras) answers every command a user can ask in
chat: the report libraries are base dependencies. Installed for real, in a fresh venv."""

import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Every command that hands out a file, with the file it must produce.
FILE_COMMANDS = {
    "!export xlsx": ".xlsx",
    "!export ods": ".ods",
    "!export csv": ".csv",
    "!export html": ".html",
    "!export pdf": ".pdf",
    "!evaluation odt": ".odt",
    "!evaluation docx": ".docx",
    "!evaluation md": ".md",
    "!ecomptes forcer": ".xml",
    "!graphique": ".png",
    "!tableau": ".csv",
}


@pytest.fixture(scope="module")
def plain_install(tmp_path_factory) -> Path:
    """A venv with `pip install <project>` and nothing else; the project copied out of the
    work tree first, so the build leaves nothing behind."""
    base = tmp_path_factory.mktemp("plain")
    source = base / "src"
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((ROOT / name).read_bytes())
    env = base / "venv"
    venv.create(env, with_pip=True)
    subprocess.run(
        [env / "bin" / "python", "-m", "pip", "install", "--quiet", str(source)],
        check=True,
        capture_output=True,
    )
    return env


def test_plain_install_has_no_optional_report_library_missing(plain_install):
    probe = "import odf, matplotlib, docx, xmlschema, openpyxl; print('ok')"
    result = subprocess.run(
        [plain_install / "bin" / "python", "-c", probe], capture_output=True, text=True
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_plain_install_answers_every_file_command_with_its_file(plain_install, tmp_path):
    commands = "\n".join(FILE_COMMANDS) + "\n"
    result = subprocess.run(
        [plain_install / "bin" / "pst-bot", "shell", "--admin", "--out", str(tmp_path)],
        input=commands,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Erreur interne" not in result.stdout
    assert result.stdout.count("fichier enregistré") == len(FILE_COMMANDS)
    for suffix in set(FILE_COMMANDS.values()):
        saved = [path for path in tmp_path.iterdir() if path.suffix == suffix]
        assert saved and saved[0].stat().st_size > 0, suffix


def test_plain_install_serves_teams(plain_install):
    """The Teams transport is no extra: the SDK loads and the manifest package is built."""
    probe = (
        "import bot.teams.bot as t; sdk = t._load_sdk(); "
        "from bot.teams.manifest import package; import zipfile, io; "
        "names = zipfile.ZipFile(io.BytesIO(package('app-id'))).namelist(); "
        "print(sorted(names))"
    )
    result = subprocess.run(
        [plain_install / "bin" / "python", "-c", probe], capture_output=True, text=True
    )
    assert result.stdout.strip() == "['color.png', 'manifest.json', 'outline.png']", result.stderr
