"""Command declarations: name, French aliases, arguments, help. `!aide` is built from them.

@command("action", aliases=["a"], usage="N", summary="Voir une action")
def show_action(ctx, args): ...
"""

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from storage.statuses import fold


@dataclass(frozen=True)
class Command:
    name: str
    handler: Callable
    aliases: tuple[str, ...] = ()
    usage: str = ""
    summary: str = ""
    details: str = ""
    examples: tuple[str, ...] = ()
    #: Roles allowed to run it; empty means everyone.
    roles: frozenset[str] = frozenset()
    #: Who may run it, in words, when the handler applies a finer rule than `roles`.
    who: str = ""
    #: Whether it changes the plan (its reply is stored so a replayed event is not re-applied).
    writes: bool = False

    def signature(self) -> str:
        return f"!{self.name}" + (f" {self.usage}" if self.usage else "")


@dataclass
class Registry:
    commands: dict[str, Command] = field(default_factory=dict)
    by_word: dict[str, Command] = field(default_factory=dict)

    def add(self, cmd: Command) -> None:
        for word in (cmd.name, *cmd.aliases):
            key = fold(word)
            if key in self.by_word:
                raise ValueError(f"command word {word!r} declared twice")
            self.by_word[key] = cmd
        self.commands[cmd.name] = cmd

    def find(self, word: str) -> Command | None:
        return self.by_word.get(fold(word.lstrip("!")))

    def closest(self, word: str) -> str | None:
        """The declared word nearest to a mistyped one, for "did you mean"."""
        matches = difflib.get_close_matches(fold(word.lstrip("!")), self.by_word, n=1, cutoff=0.5)
        return matches[0] if matches else None


REGISTRY = Registry()


def command(
    name: str,
    *,
    aliases: tuple[str, ...] | list[str] = (),
    usage: str = "",
    summary: str = "",
    details: str = "",
    examples: tuple[str, ...] | list[str] = (),
    roles: tuple[str, ...] | list[str] = (),
    who: str = "",
    writes: bool = False,
) -> Callable:
    """Declare a command handler `handler(ctx, args: str) -> Reply`."""

    def register(handler: Callable) -> Callable:
        REGISTRY.add(
            Command(
                name=name,
                handler=handler,
                aliases=tuple(aliases),
                usage=usage,
                summary=summary,
                details=details,
                examples=tuple(examples),
                roles=frozenset(roles),
                who=who,
                writes=writes,
            )
        )
        return handler

    return register
