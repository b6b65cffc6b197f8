"""What a chat message asks, before any command runs: its command lines, or a short answer.

    >>> from commands.catalogue import build_registry
    >>> registry = build_registry()
    >>> understand("Bonjour, voici mes mises à jour :\\n!maj 47 fait\\nMerci", registry)
    Understood(text='!maj 47 fait', answer='', proposal=(), refused=False)
    >>> understand("47 fait", registry, addressed=True).text
    '!maj 47 fait'
    >>> understand("quelles sont mes actions en retard ?", registry, addressed=True).answer
    'Pour cela, tapez : !mes-retards'

In a group room the bot answers only lines starting with "!" (a message may open with a greeting
or free lines: they are left out). In a direct chat, the console, or when the bot is mentioned,
the "!" is optional: "mes actions", "47 fait" and "aide" are commands, "47" shows action 47, a
plain question gets a pointer to the command that answers it, and a greeting a short hello.
Before the commands, each free line is read for what it means (commands/intents.py: a
correction, a deadline request, a question about one action, English or Dutch); a "!" line
whose command word has one typo gets a suggestion ("!mja 52 fait": « !maj 52 fait » ?).

A grouped command (one `!maj` per line) keeps the lines after its first: those naming an action
("48 en cours", "!maj 49 fait"); free lines without a digit ("Merci !") are left out, and any
other line is kept so that the command says why it refuses it.
"""

import re

from commands import texts
from commands.grammar import parse_update
from commands.grammar_refusals import GrammarError, NoAction
from commands.intents import Understood, meant, mistyped
from commands.registry import Command, Registry
from storage.vocabulary import ACTION_CODE, fold

#: "! maj 47" is "!maj 47"; a list bullet before a command does not hide it.
_BANG = re.compile(r"^[-•*·]?\s*!\s*")
#: A greeting before a command on the same line: "Salut ! 23 fait".
_GREETING = re.compile(
    r"^(?:bonjour|bonsoir|salut|hello|coucou|hey)(?:\s+(?:à\s+tous|a\s+tous|tout\s+le\s+monde))?"
    r"(?:[\s,.:;–-]|!(?=\s))+(?=\S)",  # a "!" that starts a command stays
    re.IGNORECASE,
)
#: Words that only greet or thank: such a message alone gets at most a hello.
_GREETINGS = {"bonjour", "bonsoir", "salut", "hello", "coucou", "hey"}
_COURTESIES = {
    "merci", "ok", "d'accord", "parfait", "super", "top", "bonne", "journee", "a", "+",
    "beaucoup", "bcp", "mrc", "nickel", "cool", "thanks", "thank", "you", "thx", "great",
    "bedankt", "dank", "je",
}  # fmt: skip
#: What a question starts with ("quelles sont mes actions ?").
_QUESTION_WORDS = (
    "quel",
    "quelle",
    "quels",
    "quelles",
    "comment",
    "ou",
    "qui",
    "combien",
    "est-ce",
    "pourquoi",
    "quand",
    "que",
    "qu'est-ce",
    "peux-tu",
    "pouvez-vous",
    "je voudrais",
    "je veux",
    "j'aimerais",
    "montre",
    "donne",
    "liste",
)


def understand(text: str, registry: Registry, addressed: bool = False) -> Understood:
    """The command lines of a message; `addressed` when the "!" is optional (direct chat,
    console, mention)."""
    # A quoted line ("> !maj 54 fait", a reply's quote) is someone else's words: never run.
    said = [line.strip() for line in text.splitlines() if not _is_quote(line)]
    lines = [_without_greeting(line) for line in said if line]
    for index, line in enumerate(lines):
        if addressed and not _is_bang(line):
            intent = meant(line)  # "c'est quoi le 114", "non pas 116, 113", "done 52"
            if intent is not None:
                return intent
        found = _command_line(line, registry, addressed)
        if found is not None:
            cmd, command_text = found
            typo = mistyped(command_text, registry) if cmd is None else None
            if typo is not None:  # "!mja 52 fait"
                return typo
            return Understood(text=_with_following(cmd, command_text, lines[index + 1 :], registry))
    if not addressed or not lines:
        return Understood()
    return Understood(answer=_answer(" ".join(lines), registry))


def _is_quote(line: str) -> bool:
    """A line of quoted text: ">" first (also "＞", and as e-mail clients nest them)."""
    return line.lstrip().startswith((">", "＞", "&gt;"))


def _is_bang(line: str) -> bool:
    return "!" in line[:3] and bool(_BANG.match(line))


def _command_line(line: str, registry: Registry, addressed: bool):
    """(command, its line in "!" form) when `line` is a command, else None."""
    if _is_bang(line):
        command_text = "!" + _BANG.sub("", line, count=1)
        cmd = registry.split(command_text)[0]
        bare = command_text[1:]
        if cmd is None and (_is_code(bare) or _is_update(bare)):  # "!47 fait", "!47"
            return _command_line(bare, registry, addressed=True)
        return cmd, command_text
    if not addressed:
        return None
    cmd, _, _ = registry.split("!" + line)
    if cmd is not None and not (cmd.name == "action" and _is_update(line)):
        return cmd, "!" + line  # but "action 47 fait" is an update, not a look at 47
    if _is_code(line):  # "47", "#47", "n°47": the action itself
        return registry.find("action"), "!action " + line
    if _is_update(line):
        return registry.find("maj"), "!maj " + line
    return None


def _without_greeting(line: str) -> str:
    """ "Salut ! 23 fait" -> "23 fait"; a line that only greets stays as it is."""
    rest = _GREETING.sub("", line, count=1)
    return rest if any(c.isalnum() for c in rest) else line


def _with_following(cmd: Command | None, first: str, following: list[str], registry) -> str:
    """The command's text: a grouped command keeps its lines, any other the rest as typed
    (a note may span lines)."""
    if cmd is None or not cmd.per_line:
        return "\n".join([first, *following])
    kept = [first]
    for line in following:
        if "!" in line[:3] and _BANG.match(line):
            kept.append("!" + _BANG.sub("", line, count=1))
        elif registry.split("!" + line)[0] is cmd:
            kept.append("!" + line)
        elif re.search(r"[0-9]", line):
            kept.append(line)
    return "\n".join(kept)


def _is_code(line: str) -> bool:
    code = re.sub(r"^(?:action\s+|#|n\s*[°º]\s*)", "", fold(line)).rstrip(".!?")
    return bool(ACTION_CODE.match(code)) and any(c.isdigit() for c in code)


def _is_update(line: str) -> bool:
    """A line a pilot means as an update: an action then a status, a percentage, a health
    (« 95 risqué ») or a check-in (« 47 RAS »), or one the grammar asks about ("47 fiat")."""
    try:
        parsed = parse_update(line)
    except NoAction:  # the line does not start with an action: no update meant
        return False
    except GrammarError:  # the grammar asks about it: an update was meant
        return True
    return (
        parsed.status is not None
        or parsed.progress is not None
        or parsed.health is not None
        or parsed.checkin
    )


def _answer(text: str, registry: Registry) -> str:
    """A greeting's hello, a question's pointer, or how to talk to the bot."""
    words = re.findall(r"[\w'-]+", fold(text))
    if words and all(word in _GREETINGS | _COURTESIES for word in words):
        return texts.HELLO if _GREETINGS & set(words) else ""
    folded = " ".join(words)
    pointer = _pointer(words, registry)
    if pointer:
        return texts.POINTER.format(command=pointer)
    question = text.rstrip().endswith("?") or folded.startswith(_QUESTION_WORDS)
    return texts.POINTER_HELP if question else texts.NOT_UNDERSTOOD


def _pointer(words: list[str], registry: Registry) -> str | None:
    """What to type for a question: the first pointer the commands declare (in the registry's
    order, `Registry.questions`) whose word starts all begin words of the question."""
    for needed, pointer in registry.questions():
        if all(any(word.startswith(start) for word in words) for start in needed):
            return pointer
    return None
