"""The commands live one group per module and never import each other (docs/architecture.md):
what two command modules share sits in a module without commands (request_records,
named_indicators, render…), so that a command's module can be read, moved or dropped alone."""

import ast
from pathlib import Path

COMMANDS = Path(__file__).resolve().parent.parent / "commands"


def _defines_commands(tree: ast.Module) -> bool:
    """A module with a function decorated `@command(...)` (commands/registry.py)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                called = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(called, ast.Name) and called.id == "command":
                    return True
    return False


def _imported_commands_modules(tree: ast.Module) -> set[str]:
    """The `commands.<name>` modules a module imports (anywhere in it, functions included)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "commands":
                found |= {alias.name for alias in node.names}
            elif node.module.startswith("commands."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("commands.")}
    return found


def test_no_command_module_imports_another_command_module():
    trees = {path.stem: ast.parse(path.read_text("utf-8")) for path in COMMANDS.glob("*.py")}
    with_commands = {name for name, tree in trees.items() if _defines_commands(tree)}
    assert {"updates", "progress", "fields", "requests"} <= with_commands
    crossings = {
        name: sorted(_imported_commands_modules(trees[name]) & with_commands - {name})
        for name in sorted(with_commands)
    }
    assert {name: found for name, found in crossings.items() if found} == {}
