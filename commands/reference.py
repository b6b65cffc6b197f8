"""Rewrite the command reference in README.md from the command declarations.

    python -m commands.reference            # rewrite README.md
    python -m commands.reference --check    # exit 1 if README.md is out of date

Only the block between the two markers is touched; without markers, they are added at the end
under a "## Référence des commandes" heading.
"""

import sys
from pathlib import Path

from commands.catalogue import build_registry
from commands.help import markdown_reference

START = "<!-- commands:start -->"
END = "<!-- commands:end -->"
HEADING = "## Référence des commandes"
README = Path(__file__).resolve().parent.parent / "README.md"


def generated_block() -> str:
    return f"{START}\n{markdown_reference(build_registry())}{END}"


def current_block(readme: str) -> str | None:
    """The marked block of `readme`, markers included, or None."""
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        return None
    return readme[start : end + len(END)]


def with_reference(readme: str) -> str:
    """`readme` with its reference block replaced (or appended)."""
    block = current_block(readme)
    if block is not None:
        return readme.replace(block, generated_block(), 1)
    if readme:
        readme = readme.rstrip("\n") + "\n\n"
    return f"{readme}{HEADING}\n\n{generated_block()}\n"


def main(argv: list[str]) -> int:
    readme = README.read_text(encoding="utf-8") if README.exists() else ""
    if "--check" in argv:
        if current_block(readme) != generated_block():
            print("README.md : référence des commandes à régénérer (python -m commands.reference)")
            return 1
        return 0
    README.write_text(with_reference(readme), encoding="utf-8")
    print(f"{README} : référence des commandes à jour.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
