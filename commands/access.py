"""Who may run a command, said once per rule: the engine checks it, `!aide` prints its words.

    @command("echeance", args=[ACTION, DEADLINE], who=roles(ADMIN), ...)
    @command("note", args=[ACTION, NOTE_TEXT], who=PILOTS_OF_ACTION, ...)

A rule has a role check, made before the arguments are read (so a stranger learns nothing
about the plan from a refusal), and optionally a check of the read arguments ("is this person a
pilot of this action?") that returns the refusal sentence.

The directory the rules see is the configuration's, with the links and roles an admin changed in
chat applied on top (`effective_directory`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from commands import texts
from commands.types import ADMIN, CODIR, Args, Context, Directory
from storage import people


def effective_directory(db, base: Directory) -> Directory:
    """`base` (from the configuration) with the links and roles admins changed in chat.

    Given a directory already built this way, starts again from its configuration.
    """
    return base.with_stored(people.plan_links(db), people.stored_roles(db))


@dataclass(frozen=True)
class Rule:
    #: Who may run the command, in French, for !aide and the README ("Qui : …").
    words: str
    #: Roles allowed at all, checked before the arguments are read; empty means everyone.
    roles: frozenset[str] = frozenset()
    #: After the arguments are read: the refusal sentence, or None when allowed.
    check: Callable[[Context, Args], str | None] | None = None
    #: The arguments `check` needs; it runs as soon as they are read (all of them if empty).
    needs: tuple[str, ...] = ()

    def refusal_before(self, ctx: Context, command: str) -> str | None:
        if self.roles and ctx.user.role not in self.roles:
            return texts.role_refusal(command, self.roles, ctx.directory.admins)
        return None

    def ready(self, args: Args, complete: bool) -> bool:
        """Whether `check` can run on what is read so far."""
        return self.check is not None and (
            complete or bool(self.needs) and all(name in args for name in self.needs)
        )


EVERYONE = Rule(texts.WHO_EVERYONE)


def roles(*allowed: str) -> Rule:
    """Only these roles: `roles(ADMIN, CODIR)`."""
    return Rule(texts.role_list(allowed), roles=frozenset(allowed))


def _pilot_of_action(ctx: Context, args: Args) -> str | None:
    return pilot_refusal(ctx, [args.action])


def _pilot_of_changed_actions(ctx: Context, args: Args) -> str | None:
    return pilot_refusal(ctx, args.change.actions)


def pilot_refusal(ctx: Context, actions) -> str | None:
    """Why this person may not update one of `actions` (the first they do not pilot), or
    None: also checked before proposing a line, so that « oui » never meets a refusal."""
    for action in actions:
        if not ctx.user.may_update(action.pilots):
            pilots = ", ".join(action.pilots) or "aucun"
            return texts.NOT_PILOT.format(number=action.code, pilots=pilots)
    return None


#: The pilots of the action named in the arguments, and the admins.
PILOTS_OF_ACTION = Rule(texts.WHO_PILOTS_OF_ACTION, check=_pilot_of_action, needs=("action",))
#: The pilots of every action an update line names (`args.change.actions`), and the admins.
PILOTS_OF_CHANGED_ACTIONS = Rule(
    texts.WHO_PILOTS_OF_ACTION, check=_pilot_of_changed_actions, needs=("change",)
)
#: Everyone, acting on their own changes only (the command looks up only theirs).
OWN_CHANGES = Rule(texts.WHO_OWN_CHANGES)
ADMINS = roles(ADMIN)
READERS_OF_REPORTS = roles(ADMIN, CODIR)
