"""What the bot proposed and waits a « oui » for: per person and room, in memory, for
PROPOSAL_MINUTES (a restart forgets them; a proposal itself writes nothing).

    >>> from datetime import UTC, datetime
    >>> waiting = Proposals()
    >>> at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    >>> waiting.keep(("@luc:x", "!room"), ("!maj 47 fait",), at)
    >>> waiting.take(("@luc:x", "!room")).lines, waiting.take(("@luc:x", "!room"))
    (('!maj 47 fait',), None)
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

#: How long a proposal waits for its « oui ».
PROPOSAL_MINUTES = 10
#: Most proposals kept at once (the oldest go first).
MAX_PROPOSALS = 1_000


@dataclass(frozen=True)
class Pending:
    """A proposal waiting for its person's answer: the commands « oui » runs, and until when."""

    lines: tuple[str, ...]
    until: datetime



class Proposals:
    """The proposals waiting, oldest first; at most MAX_PROPOSALS."""

    def __init__(self) -> None:
        self._waiting: dict[tuple[str, str], Pending] = {}

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._waiting

    def keep(self, key: tuple[str, str], lines: tuple[str, ...], now: datetime) -> None:
        """Wait for `key`'s answer to `lines` until PROPOSAL_MINUTES after `now`."""
        for old in [k for k, p in self._waiting.items() if p.until <= now]:
            del self._waiting[old]
        while len(self._waiting) >= MAX_PROPOSALS:
            del self._waiting[next(iter(self._waiting))]
        self._waiting[key] = Pending(lines, now + timedelta(minutes=PROPOSAL_MINUTES))

    def take(self, key: tuple[str, str]) -> Pending | None:
        """The proposal waiting for `key`, no longer waiting (any message of theirs drops it)."""
        return self._waiting.pop(key, None)

    def put_back(self, key: tuple[str, str], pending: Pending) -> None:
        """A proposal whose « oui » met a passing fault waits again, as it was."""
        self._waiting[key] = pending
