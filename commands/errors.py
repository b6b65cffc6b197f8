"""Refusals: each is an exception whose message a pilot understands (in French).

The engine turns them into a reply and rolls back anything the command had started to write.
"""

from commands import texts
from storage.plans import ConfiguredPlanUnknown, NoPlan, PlanAmbiguous, PlanChoiceError, PlanUnknown


class UserError(Exception):
    """A refused command; `str(error)` is the reply."""


class UnknownCommand(UserError):
    pass


class MissingArgument(UserError):
    pass


class UnknownAction(UserError):
    pass


class NotAllowed(UserError):
    pass


class Proposal(UserError):
    """Not applied, but understood well enough to propose: `str(error)` says what the bot
    understood and what it would store; `lines` are the exact commands that confirming
    (« oui », 👍, a button) runs, in order, as the same person in the same room
    (e.g. ["!maj 63 en cours 50%", "!maj 47 fait"], or ["!annuler 59", "!maj 113 fait"]).

    Nothing is stored when it is raised; the engine keeps the lines for that person for ten
    minutes (`commands.proposals.PROPOSAL_MINUTES`) and drops them at their next other message.
    """

    def __init__(self, text: str, lines: list[str] | tuple[str, ...]) -> None:
        super().__init__(text)
        self.lines = tuple(lines)


def plan_refusal(error: PlanChoiceError) -> str:
    """Why no plan could be chosen for a room, as the chat says it (by the type of refusal).

    >>> plan_refusal(PlanAmbiguous(("commune", "cpas")))[:60]
    "Ce salon n'est lié à aucun PST et la base en contient plusie"
    """
    match error:
        case ConfiguredPlanUnknown():
            return texts.CONFIGURED_PLAN_MISSING.format(code=error.code)
        case PlanUnknown():
            return texts.UNKNOWN_PLAN.format(code=error.code, codes=", ".join(error.codes))
        case PlanAmbiguous():
            return texts.NO_PLAN_FOR_ROOM.format(codes=", ".join(error.codes))
        case NoPlan():
            return texts.EMPTY_PLAN
    raise TypeError(f"unexpected plan refusal: {error!r}")
