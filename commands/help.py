"""!aide and the README's command reference, both generated from the command declarations, so
neither can drift from the code.

    >>> print(markdown_reference())   # what `python -m commands.reference` writes into README.md
"""

from commands.access import ROLE_NAMES
from commands.engine import Context, Reply
from commands.errors import UnknownCommand
from commands.formatting import esc
from commands.registry import REGISTRY, Command, command

#: How !aide and the reference group the commands; a command declared elsewhere and not named
#: here still appears, under OTHERS.
SECTIONS = [
    (
        "Lire le PST",
        ["action", "os", "oo", "synthese", "retard", "cherche", "mine", "table", "historique"],
    ),
    ("Mettre à jour", ["update", "note", "indicateur", "sante", "echeance", "annuler"]),
    ("Rapports pour le Conseil", ["export", "evaluation", "ecomptes", "graphique"]),
    ("Annuaire et rôles", ["moi", "pilote", "pilotes", "role"]),
    ("Aide", ["help"]),
]
OTHERS = "Autres commandes"

def sections() -> list[tuple[str, list[Command]]]:
    """The declared commands grouped for display; every command appears exactly once."""
    placed, groups = set(), []
    for title, names in SECTIONS:
        members = [REGISTRY.commands[n] for n in names if n in REGISTRY.commands]
        placed.update(cmd.name for cmd in members)
        if members:
            groups.append((title, members))
    rest = [cmd for cmd in REGISTRY.commands.values() if cmd.name not in placed]
    if rest:
        groups.append((OTHERS, rest))
    return groups


def who_may(cmd: Command) -> str:
    if cmd.who:
        return cmd.who
    if not cmd.roles:
        return "tout le monde"
    return ", ".join(ROLE_NAMES[role] for role in sorted(cmd.roles))


def command_help(cmd: Command) -> list[str]:
    lines = [f"{cmd.signature()} — {cmd.summary}"]
    if cmd.aliases:
        lines.append("Aussi : " + ", ".join(f"!{a}" for a in cmd.aliases))
    lines.append(f"Qui : {who_may(cmd)}.")
    if cmd.details:
        lines.append(cmd.details)
    if cmd.examples:
        lines.append("Exemples : " + " ; ".join(cmd.examples))
    return lines


def overview_lines() -> list[str]:
    lines = []
    for title, members in sections():
        lines.append(f"{title} :")
        lines += [f"{cmd.signature()} — {cmd.summary}" for cmd in members]
    return lines


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
    html = "<b>Commandes du bot PST :</b>"
    for title, members in sections():
        html += f"<br>\n<b>{esc(title)}</b><ul>" + "".join(
            f"<li><code>{esc(c.signature())}</code> — {esc(c.summary)}</li>" for c in members
        )
        html += "</ul>"
    html += "Détail d'une commande : <code>!aide &lt;commande&gt;</code>"
    return Reply(text="\n".join(lines), html=html)


def markdown_reference() -> str:
    """The command reference in Markdown, for the README."""
    out = [
        "Généré depuis les déclarations des commandes (comme `!aide`) par "
        "`python -m commands.reference` : ne pas modifier à la main.",
    ]
    for title, members in sections():
        out += ["", f"### {title}", ""]
        for cmd in members:
            out.append(f"- **`{cmd.signature()}`** — {cmd.summary}")
            if cmd.aliases:
                out.append("  Aussi : " + ", ".join(f"`!{a}`" for a in cmd.aliases) + ".")
            out.append(f"  Qui : {who_may(cmd)}.")
            if cmd.details:
                out.append(f"  {cmd.details}")
            if cmd.examples:
                out.append("  Exemples : " + " ; ".join(f"`{e}`" for e in cmd.examples) + ".")
    return "\n".join(out) + "\n"
