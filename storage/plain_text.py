"""Text as it may be stored: whatever a chat message or an imported file holds.

    >>> without_bidi("Achat \u202eniaga\u202c")
    'Achat niaga'
"""

#: Bidirectional controls (U+202A-202E, U+2066-2069): a line holding one can show its words in
#: another order than they are stored (« fait » shown where « à démarrer » is stored). They are
#: removed from every text the bot keeps, from chat and from imports alike.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi(text: str) -> str:
    """`text` without bidirectional controls."""
    return text.translate(_BIDI_CONTROLS)
