"""Why the update grammar (`commands/grammar.py`) refuses a line: one exception type per refusal,
each a `UserError` whose message is the reply, so that callers decide by type.

    >>> str(UnknownStatus("pouet"))[:24]
    '« pouet » : quel statut '
    >>> isinstance(NotAnAction("fait"), NoAction)
    True

`NoAction` (nothing that reads as an action starts the line: `MissingAction`, `NotAnAction`)
says the line was not meant as an update; every other refusal asks the pilot about a line that
was (`UnknownStatus`, `NearStatus`, `NumberWithoutPercent`, `NumberAfterAction`,
`ProgressOutOfRange`).
"""

from typing import ClassVar

from commands.errors import UserError
from storage.vocabulary import accepted_words

EXAMPLE = "!maj 47 en cours 50 %"
RESEND = " Renvoyez : « !maj {line} »"


class GrammarError(UserError):
    """A line the grammar refuses; `str()` is the reply, `.word` the offending word (at most 30
    characters). A near miss carries `.fix` (start, end, replacement in the line) and, once
    the line is known, `.line`: the corrected line the reply offers to send again."""

    #: The reply, with {word} and the refusal's own fields.
    template: ClassVar[str] = ""

    def __init__(self, word: str = "", fix=None, **fields):
        self.word, self.fix, self.line = word[:30], fix, None
        self.fields = fields
        super().__init__(self.template.format(word=self.word, **fields))

    def corrected(self, text: str) -> "GrammarError":
        """The same refusal, offering `text` with the fix applied."""
        start, end, replacement = self.fix
        self.line = " ".join((text[:start] + replacement + text[end:]).split())
        self.args = (str(self) + RESEND.format(line=self.line),)
        return self


class NoAction(GrammarError):
    """The line does not start with an action: it was not meant as an update."""


class MissingAction(NoAction):
    template = "Il manque le numéro de l'action. Exemple : " + EXAMPLE


class NotAnAction(NoAction):
    template = "« {word} » n'est pas un numéro d'action. Exemple : " + EXAMPLE


class UnknownStatus(GrammarError):
    template = "« {word} » : quel statut ? " + accepted_words(" ou ") + "."


class NearStatus(GrammarError):
    """A word one typo from a status; `.fields["status"]` is that status."""

    template = "« {word} » : vouliez-vous dire « {status} » ?"


class NumberWithoutPercent(GrammarError):
    template = "« {word} » : vouliez-vous dire {word} % ?"


class NumberAfterAction(GrammarError):
    template = (
        "« {word} » : une autre action (écrivez « et {word} ») ou un avancement (« {word} % ») ?"
    )


class ProgressOutOfRange(GrammarError):
    template = "Avancement « {word} » impossible : donnez un pourcentage de 0 à 100."
