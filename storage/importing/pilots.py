"""Read the "pilots" cell of a PST action: initials of people, sometimes a group of people.

    >>> split_pilots("LM/AL/MR/ chefs de service + comité des fêtes")
    ['LM', 'AL', 'MR', 'chefs de service', 'comité des fêtes']
    >>> split_pilots("LM/MR/MA C/DB")
    ['LM', 'MR', 'MAC', 'DB']

PDF extraction sometimes breaks initials with a space ("MA C", "GD G"); a name made only of
initials-like tokens, one of them in capitals, is glued back together. Initials can be mixed
case ("JTac", "Mshm").
"""

import re

_SEPARATORS = re.compile(r"[/+,]")
_INITIALS = re.compile(r"^[A-Z][A-Za-z]{0,3}$")


def split_pilots(raw: str) -> list[str]:
    """Split a pilots cell on "/", "+" and ",", repair broken initials, drop duplicates.

    >>> split_pilots("SB/JU/GD G")
    ['SB', 'JU', 'GDG']
    """
    pilots: list[str] = []
    for part in _SEPARATORS.split(raw or ""):
        name = _repair_initials(part)
        if name and name not in pilots:
            pilots.append(name)
    return pilots


def _repair_initials(part: str) -> str:
    tokens = part.split()
    # Requiring one all-caps token keeps "Jean Luc" from becoming "JeanLuc".
    if all(_INITIALS.match(token) for token in tokens) and any(t.isupper() for t in tokens):
        return "".join(tokens)
    return " ".join(tokens)
