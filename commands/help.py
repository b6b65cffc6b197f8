"""!aide, generated from the command declarations so it never drifts from the code."""

from commands.engine import Context, Reply
from commands.errors import UnknownCommand
from commands.formatting import esc
from commands.registry import REGISTRY, Command, command


def command_help(cmd: Command) -> list[str]:
    lines = [f"{cmd.signature()} — {cmd.summary}"]
    if cmd.aliases:
        lines.append("Aussi : " + ", ".join(f"!{a}" for a in cmd.aliases))
    if cmd.details:
        lines.append(cmd.details)
    if cmd.examples:
        lines.append("Exemples : " + " ; ".join(cmd.examples))
    return lines


def overview_lines() -> list[str]:
    return [f"{cmd.signature()} — {cmd.summary}" for cmd in REGISTRY.commands.values()]


@command(
    "help",
    aliases=["aide", "?"],
    usage="[commande]",
    summary="La liste des commandes, ou le détail d'une commande.",
    examples=["!aide", "!aide maj"],
)
def show_help(ctx: Context, args: str) -> Reply:
    if args:
        cmd = REGISTRY.find(args.split()[0])
        if cmd is None:
            guess = REGISTRY.closest(args.split()[0])
            hint = f" Vouliez-vous dire !{guess} ?" if guess else ""
            raise UnknownCommand(f"Pas d'aide pour « {args.split()[0][:40]} ».{hint}")
        lines = command_help(cmd)
        return Reply(text="\n".join(lines), html="<br>\n".join(esc(x) for x in lines))
    lines = ["Commandes du bot PST :"] + overview_lines()
    lines.append("Détail d'une commande : !aide <commande>")
    html = (
        "<b>Commandes du bot PST :</b><ul>"
        + "".join(
            f"<li><code>{esc(c.signature())}</code> — {esc(c.summary)}</li>"
            for c in REGISTRY.commands.values()
        )
        + "</ul>Détail d'une commande : <code>!aide &lt;commande&gt;</code>"
    )
    return Reply(text="\n".join(lines), html=html)
