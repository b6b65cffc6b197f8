"""What the bot tells the DG about a person who left (commands/departures.py)."""

WHY = {
    "left": "a quitté tous les salons du bot",
    "removed": "a été retiré(e) de l'équipe Teams",
    "unreachable": "n'est plus joignable : ses rappels ne lui parviennent pas",
}
HEAD = "👋 {name} {why}. Ses rappels s'arrêtent. Ses actions ouvertes :"
PLAN = "— {title} —"
LINE = "• {code} {title} ({pilots})"
MORE = "… et {count} autres"
HOW_HEAD = "Pour les confier à quelqu'un d'autre :"
HOW = "!pilote {pilot} @nouvelle.personne:exemple.org"
