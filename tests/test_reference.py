"""The README's command reference and !aide come from the same declarations: no drift."""

import subprocess
import sys

from commands.access import EVERYONE
from commands.catalogue import SECTIONS
from commands.help import markdown_reference
from commands.reference import (
    END,
    HEADING,
    README,
    START,
    current_block,
    generated_block,
    with_reference,
)
from tests.conftest import REGISTRY, STRANGER


def test_readme_reference_is_up_to_date():
    readme = README.read_text(encoding="utf-8")
    assert current_block(readme) == generated_block(), (
        "README.md: the command reference is out of date; run `python -m commands.reference`"
    )


def test_every_command_appears_once_in_the_reference_and_in_help(say):
    reference = markdown_reference(REGISTRY)
    help_text = say(STRANGER, "!aide tout").text
    for cmd in REGISTRY.commands.values():
        assert reference.count(f"**`{cmd.signature()}`**") == 1
        assert help_text.count(f"{cmd.signature()} — ") == 1


def test_every_command_is_in_exactly_one_section_in_catalogue_order():
    placed = [cmd.name for _, members in REGISTRY.grouped() for cmd in members]
    assert sorted(placed) == sorted(REGISTRY.commands) and len(placed) == len(set(placed))
    assert [title for title, _ in REGISTRY.grouped()] == [title for title, _ in SECTIONS]


def test_reference_says_who_may_run_each_command():
    reference = markdown_reference(REGISTRY)
    assert "- **`!echeance N échéance [raison]`**" in reference
    echeance = reference.split("**`!echeance")[1].split("- **")[0]
    assert "Qui : administrateur." in echeance and "`!deadline`" in echeance
    assert "Qui : tout le monde." in reference.split("**`!synthese`**")[1].split("- **")[0]


def test_help_for_a_command_says_who_may_run_it(say):
    assert "Qui : administrateur." in say(STRANGER, "!aide echeance").text
    assert (
        "Qui : les pilotes de l'action et les administrateurs." in say(STRANGER, "!aide maj").text
    )


def test_commands_checking_the_action_declare_who_may_run_them():
    for name in ("maj", "note", "indicateur", "sante", "annuler", "historique", "pilote"):
        assert REGISTRY.commands[name].who is not EVERYONE, name


def test_with_reference_replaces_only_the_marked_block():
    readme = f"# Titre\n\nAvant.\n\n{START}\nvieux\n{END}\n\nAprès.\n"
    updated = with_reference(readme)
    assert updated.startswith("# Titre\n\nAvant.\n\n") and updated.endswith("\n\nAprès.\n")
    assert current_block(updated) == generated_block()
    assert with_reference(updated) == updated


def test_with_reference_adds_heading_and_markers_at_the_end_when_missing():
    updated = with_reference("# Titre\n\nTexte.")
    assert updated.startswith(f"# Titre\n\nTexte.\n\n{HEADING}\n\n{START}\n")
    assert updated.endswith(f"{END}\n")


def test_check_mode_of_the_script_agrees_with_the_readme():
    result = subprocess.run(
        [sys.executable, "-m", "commands.reference", "--check"],
        capture_output=True,
        text=True,
        cwd=README.parent,
    )
    assert result.returncode == 0, result.stdout
