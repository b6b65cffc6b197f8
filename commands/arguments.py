"""Parsing command arguments into plan objects, with a clear refusal for every mistake."""

from commands import texts
from commands.errors import BadProgress, MissingArgument, UnknownAction
from storage import store
from storage.statuses import parse_progress

#: Action numbers beyond this are typos, not actions (and would overflow SQLite integers).
MAX_ACTION_NUMBER = 10_000_000


def action_number(word: str, example: str) -> int:
    """`"47"` (or `"#47"`) -> 47; refuses anything else."""
    cleaned = word.strip().lstrip("#")
    if not cleaned.isascii() or not cleaned.isdigit() or int(cleaned) > MAX_ACTION_NUMBER:
        raise UnknownAction(texts.NOT_A_NUMBER.format(word=word[:30], example=example))
    return int(cleaned)


def require_action(db, args: str, example: str) -> tuple[dict, list[str]]:
    """The action named by the first word of `args`, and the remaining words."""
    words = args.split()
    if not words:
        raise MissingArgument(texts.MISSING_ARGUMENT.format(what="le numéro", example=example))
    return lookup_action(db, action_number(words[0], example)), words[1:]


def lookup_action(db, number: int) -> dict:
    """The action numbered `number`; refuses with the valid range when there is none."""
    action = store.get_action(db, number)
    if action is None:
        bounds = store.action_range(db)
        if bounds is None:
            raise UnknownAction(texts.EMPTY_PLAN)
        low, high = bounds
        raise UnknownAction(texts.UNKNOWN_ACTION.format(number=number, low=low, high=high))
    return action


def progress(word: str) -> int | None:
    """`"40%"` -> 40; None if the word is no percentage; refuses percentages outside 0..100."""
    value = parse_progress(word)
    if value is not None and not 0 <= value <= 100:
        raise BadProgress(texts.BAD_PROGRESS.format(word=word[:20]))
    return value
