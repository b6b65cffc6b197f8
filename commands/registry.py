"""Command declarations: a command is one function and the data that declares it.

    @command(
        "note",
        aliases=["commentaire"],
        args=[ACTION, text("comment", "texte", what="Note", missing=texts.NOTE_MISSING)],
        who=PILOTS_OF_ACTION,
        summary="Ajouter un commentaire à une action, sans changer son statut.",
        examples=["!note 12 réunion avec le SPW le 5 juin"],
    )
    def add_note(ctx: Context, args: Args) -> Reply: ...

The engine reads the declared arguments and checks the rule before the function runs; `!aide`
and the README's reference print the usage line and "Qui" from the same declaration. The
catalogue (commands/catalogue.py) gathers the declared functions of each command module into a
`Registry`. A command also declares the plain questions it answers (`questions=["retard"]`):
commands/conversation.py points such a question to it ("Pour cela, tapez : !retard").
"""

import difflib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from commands.access import EVERYONE, Rule
from commands.arguments import Param, usage
from storage.vocabulary import fold

#: Most words a command name is written in ("!mise à jour").
_LONGEST_NAME = 3
#: How alike a mistyped word and a command word must be to suggest it (difflib's ratio).
_CLOSE = 0.75


@dataclass(frozen=True)
class Command:
    name: str
    handler: Callable
    aliases: tuple[str, ...] = ()
    args: tuple[Param, ...] = ()
    who: Rule = EVERYONE
    summary: str = ""
    details: str = ""
    examples: tuple[str, ...] = ()
    #: Several lines, each read with `args`, in one message: the handler gets a list of Args.
    per_line: bool = False
    #: What a plain question is about when it points here: each a phrase of word starts, all
    #: found in the question ("retard mes" for "quelles sont mes actions en retard ?").
    questions: tuple[str, ...] = ()
    #: Where this command's questions are tried among the others' (lowest first): the more
    #: specific meaning wins ("mes retards" is !mes-retards (10) before !retard (20)).
    questions_rank: int = 0
    #: Words so common in questions ("plan") that they point here only when no other
    #: command's question matches.
    broad_questions: tuple[str, ...] = ()
    #: What the pointer tells to type; `!name` when not given ("!historique 47").
    pointer: str = ""

    def signature(self) -> str:
        line = usage(self.args)
        return f"!{self.name}" + (f" {line}" if line else "")

    @property
    def example(self) -> str:
        """The example quoted when the arguments are wrong."""
        return self.examples[0] if self.examples else self.signature()


def command(
    name: str,
    *,
    aliases: tuple[str, ...] | list[str] = (),
    args: tuple[Param, ...] | list[Param] = (),
    who: Rule = EVERYONE,
    summary: str = "",
    details: str = "",
    examples: tuple[str, ...] | list[str] = (),
    per_line: bool = False,
    questions: tuple[str, ...] | list[str] = (),
    questions_rank: int = 0,
    broad_questions: tuple[str, ...] | list[str] = (),
    pointer: str = "",
) -> Callable:
    """Declare `handler(ctx, args) -> Reply` as the command `!name`."""

    def declare(handler: Callable) -> Callable:
        handler.declaration = Command(
            name=name,
            handler=handler,
            aliases=tuple(aliases),
            args=tuple(args),
            who=who,
            summary=summary,
            details=details,
            examples=tuple(examples),
            per_line=per_line,
            questions=tuple(questions),
            questions_rank=questions_rank,
            broad_questions=tuple(broad_questions),
            pointer=pointer or f"!{name}",
        )
        return handler

    return declare


def declared_in(module: ModuleType) -> list[Command]:
    """The commands a module declares, in the order it defines them."""
    return [value.declaration for value in vars(module).values() if hasattr(value, "declaration")]


@dataclass
class Registry:
    commands: dict[str, Command] = field(default_factory=dict)
    by_word: dict[str, Command] = field(default_factory=dict)
    #: Section title -> names of its commands, in display order (for !aide and the README).
    sections: dict[str, list[str]] = field(default_factory=dict)

    def add(self, cmd: Command, section: str = "") -> None:
        for word in (cmd.name, *cmd.aliases):
            key = fold(word)
            if key in self.by_word:
                raise ValueError(f"command word {word!r} declared twice")
            self.by_word[key] = cmd
        self.commands[cmd.name] = cmd
        self.sections.setdefault(section, []).append(cmd.name)

    def find(self, word: str) -> Command | None:
        return self.by_word.get(fold(word.lstrip("!")))

    def split(self, text: str) -> tuple[Command | None, str, str]:
        """The command a text starts with, the words that named it and the rest. A name may
        be written in several words ("!mes actions", "!mise à jour" for mes-actions,
        mise-a-jour); the longest declared one wins.

        >>> Registry().split("!inconnu 12")
        (None, '!inconnu', '12')
        """
        words = list(itertools.islice(re.finditer(r"\S+", text), _LONGEST_NAME))
        for size in range(len(words), 0, -1):
            cmd = self.find("-".join(w.group() for w in words[:size]))
            if cmd is not None or size == 1:
                end = words[size - 1].end()
                return cmd, text[:end].strip(), text[end:].strip()
        return None, "", ""

    def closest(self, word: str) -> str | None:
        """The command nearest to a mistyped word, by its (French) name, for "did you mean";
        only a close spelling, never a merely similar word ("ajouter" is not "annuler")."""
        typed = fold(word.lstrip("!"))
        matches = difflib.get_close_matches(typed, self.by_word, n=1, cutoff=_CLOSE)
        return self.by_word[matches[0]].name if matches else None

    def questions(self) -> list[tuple[tuple[str, ...], str]]:
        """Every question pointer declared, (word starts, what to type), in the order they are
        tried: by `questions_rank`, then as declared; broad ones last."""
        ranked = sorted(self.commands.values(), key=lambda cmd: cmd.questions_rank)
        return [
            (tuple(phrase.split()), cmd.pointer)
            for phrases in ("questions", "broad_questions")
            for cmd in ranked
            for phrase in getattr(cmd, phrases)
        ]

    def grouped(self) -> list[tuple[str, list[Command]]]:
        """The commands by section, in display order; every command appears exactly once."""
        return [
            (title, [self.commands[name] for name in names])
            for title, names in self.sections.items()
        ]
