"""Refusals: each is an exception whose message a pilot understands (in French).

The engine turns them into a reply and rolls back anything the command had started to write.
"""


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
