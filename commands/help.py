"""!aide and the README's command reference, both generated from the command declarations, so
neither can drift from the code.

    >>> from commands.catalogue import build_registry
    >>> registry = build_registry()
    >>> command_help(registry.find("aide"))            # the lines of the answer to "!aide aide"
    ["!aide [commande] — La liste des commandes, ou le détail d'une commande.",
     'Aussi : !help, !?, !commandes', 'Qui : tout le monde.', 'Exemples : !aide ; !aide maj']
    >>> reference = markdown_reference(registry)      # what `python -m commands.reference` writes
    >>> reference.splitlines()[2:5]
    ['### Lire le PST', '',
     '- **`!action N`** — Voir une action : objectifs, indicateurs, pilotes, échéance, statut.']
"""

from commands import texts
from commands.arguments import Param, Reading
from commands.errors import UnknownCommand
from commands.formatting import esc
from commands.registry import Command, Registry, command
from commands.types import Args, Context, Reply


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


def _topic(reading: Reading) -> Command | None:
    """The command asked about ("maj", "!maj"), or None for the overview."""
    if not reading.words:
        return None
    (word,) = reading.take()
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
    args=[Param("topic", "[commande]", _topic)],
    summary="La liste des commandes, ou le détail d'une commande.",
    examples=["!aide", "!aide maj"],
)
def show_help(ctx: Context, args: Args) -> Reply:
    if args.topic is not None:
        lines = command_help(args.topic)
        return Reply(text="\n".join(lines), html="<br>\n".join(esc(x) for x in lines))
    lines = [texts.HELP_HEAD]
    html = f"<b>{texts.HELP_HEAD}</b>"
    for title, members in ctx.registry.grouped():
        lines.append(f"{title} :")
        lines += [f"{cmd.signature()} — {cmd.summary}" for cmd in members]
        html += f"<br>\n<b>{esc(title)}</b><ul>" + "".join(
            f"<li><code>{esc(c.signature())}</code> — {esc(c.summary)}</li>" for c in members
        )
        html += "</ul>"
    lines.append(texts.HELP_DETAIL)
    html += texts.HELP_DETAIL_HTML
    return Reply(text="\n".join(lines), html=html)


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
