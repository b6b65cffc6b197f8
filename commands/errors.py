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
