"""!aide (fitted to the person: a pilot's short help, CODIR's and readers' commands, an admin's
or `aide tout` every command) and the README's command reference, both generated from the
command declarations, so neither can drift from the code.

    >>> from commands.catalogue import build_registry
    >>> registry = build_registry()
    >>> command_help(registry.find("aide"))[1:]        # the lines of the answer to "!aide aide"
    ['Aussi : !help, !?, !commandes', 'Qui : tout le monde.',
     'Exemples : !aide ; !aide tout ; !aide maj']
    >>> reference = markdown_reference(registry)      # what `python -m commands.reference` writes
    >>> reference.splitlines()[2:5]
    ['### Lire le PST', '',
     '- **`!action N`** — Voir une action : objectifs, indicateurs, pilotes, échéance, statut.']
"""

from commands import intent_texts, texts
from commands.access import OWN_CHANGES
from commands.arguments import Param, Reading
from commands.errors import UnknownCommand
from commands.formatting import esc
from commands.registry import Command, Registry, command
from commands.types import ADMIN, PILOT, Args, Context, Reply
from storage.vocabulary import fold

#: The answer to « aide tout »: every command.
ALL = "all"


def command_help(cmd: Command) -> list[str]:
    lines = [f"{cmd.signature()} — {cmd.summary}"]
    if cmd.aliases:
        lines.append(texts.HELP_ALSO + ", ".join(f"!{a}" for a in cmd.aliases))
    lines.append(texts.HELP_WHO.format(who=cmd.who.words))
    if cmd.details:
        lines.append(cmd.details)
    if cmd.examples:
        lines.append(texts.HELP_EXAMPLES + " ; ".join(cmd.examples))
    return lines


def _topic(reading: Reading) -> Command | str | None:
    """The command asked about ("maj", "!maj"), ALL for every command, or None for the
    commands of this person."""
    if not reading.words:
        return None
    (word,) = reading.take()
    if fold(word) in intent_texts.HELP_ALL_WORDS:
        return ALL
    registry = reading.ctx.registry
    cmd = registry.find(word)
    if cmd is None:
        guess = registry.closest(word)
        hint = texts.DID_YOU_MEAN.format(word=guess) if guess else ""
        raise UnknownCommand(texts.NO_HELP.format(word=word[:40], hint=hint))
    return cmd


@command(
    "aide",
    aliases=["help", "?", "commandes"],
    args=[Param("topic", "[commande|tout]", _topic)],
    summary="Vos commandes, toutes (aide tout), ou le détail d'une commande.",
    examples=["!aide", "!aide tout", "!aide maj"],
)
def show_help(ctx: Context, args: Args) -> Reply:
    if isinstance(args.topic, Command):
        lines = command_help(args.topic)
        return Reply(text="\n".join(lines), html="<br>\n".join(esc(x) for x in lines))
    if args.topic == ALL or ctx.user.role == ADMIN:
        return _every_command(ctx.registry)
    if ctx.user.role == PILOT:
        return _pilot_help(ctx.registry)
    return _role_help(ctx.registry, ctx.user.role)


def _every_command(registry: Registry) -> Reply:
    lines = [texts.HELP_HEAD]
    html = f"<b>{texts.HELP_HEAD}</b>"
    for title, members in registry.grouped():
        lines.append(f"{title} :")
        lines += [f"{cmd.signature()} — {cmd.summary}" for cmd in members]
        html += f"<br>\n<b>{esc(title)}</b><ul>" + "".join(
            f"<li><code>{esc(c.signature())}</code> — {esc(c.summary)}</li>" for c in members
        )
        html += "</ul>"
    lines.append(texts.HELP_DETAIL)
    html += texts.HELP_DETAIL_HTML
    return Reply(text="\n".join(lines), html=html)


def _pilot_help(registry: Registry) -> Reply:
    """A pilot's help: their commands, one short line each, and three examples (under 1,000
    characters, for a phone)."""
    members = [registry.commands[name] for name in intent_texts.PILOT_COMMANDS]
    lines = [intent_texts.HELP_PILOT_HEAD]
    lines += [f"• {cmd.signature()} — {_first_clause(cmd.summary)}" for cmd in members]
    lines += [intent_texts.HELP_PILOT_EXAMPLES, intent_texts.HELP_ALL_HINT]
    return Reply(text="\n".join(lines), html="<br>\n".join(esc(x) for x in lines))


def _role_help(registry: Registry, role: str) -> Reply:
    """CODIR and readers: the commands their role may run, with their summary."""
    lines = [intent_texts.HELP_ROLE_HEAD]
    for cmd in registry.commands.values():
        if _may_run(cmd, role):
            lines.append(f"• {cmd.signature()} — {cmd.summary}")
    lines.append(intent_texts.HELP_ALL_HINT)
    return Reply(text="\n".join(lines), html="<br>\n".join(esc(x) for x in lines))


def _may_run(cmd: Command, role: str) -> bool:
    """Whether `role` may run `cmd` at all: its roles name it, or it is for everyone and
    checks nobody's pilots or changes (a CODIR member updates nothing as such)."""
    if cmd.who.roles:
        return role in cmd.who.roles
    return cmd.who.check is None and cmd.who is not OWN_CHANGES


def _first_clause(summary: str) -> str:
    """ "Changer le statut … ; une ligne par action." -> its first clause."""
    return summary.split(" ; ")[0].split(" (")[0].rstrip(".") + "."


def markdown_reference(registry: Registry) -> str:
    """The command reference in Markdown, for the README."""
    out = [texts.REFERENCE_NOTE]
    for title, members in registry.grouped():
        out += ["", f"### {title}", ""]
        for cmd in members:
            out.append(f"- **`{cmd.signature()}`** — {cmd.summary}")
            if cmd.aliases:
                out.append("  " + texts.HELP_ALSO + ", ".join(f"`!{a}`" for a in cmd.aliases) + ".")
            out.append("  " + texts.HELP_WHO.format(who=cmd.who.words))
            if cmd.details:
                out.append(f"  {cmd.details}")
            if cmd.examples:
                examples = " ; ".join(f"`{e}`" for e in cmd.examples)
                out.append(f"  {texts.HELP_EXAMPLES}{examples}.")
    return "\n".join(out) + "\n"
