"""One clock: every "now", every "today" and every local time of the bot, in one time zone.

    >>> from datetime import datetime, UTC
    >>> half_past_midnight = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)   # 00:30 in Brussels
    >>> today(half_past_midnight)
    datetime.date(2026, 7, 1)
    >>> local_time(half_past_midnight)
    datetime.datetime(2026, 7, 1, 0, 30)

The database keeps UTC; users read the configured zone (`[rhythm] timezone`, Europe/Brussels
by default), which the bot sets once at start (`use_zone`). Nothing else converts a moment to
a day: a day computed in UTC is yesterday's for the first one or two hours of the Belgian day.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Europe/Brussels"


def _system_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Clock:
    """A time zone and a source of "now" (the system's, or a test's)."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_ZONE))
    source: Callable[[], datetime] = _system_now

    def now(self) -> datetime:
        """Now, in UTC, to the second: the time every history entry is stamped with."""
        return self.source().astimezone(UTC).replace(microsecond=0)

    def local(self, moment: datetime | None = None) -> datetime:
        """`moment` (now by default) as a naive local time; a naive moment is already local."""
        moment = moment or self.now()
        if moment.tzinfo is None:
            return moment
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def today(self, moment: datetime | None = None) -> date:
        """The local day of `moment` (now by default)."""
        return self.local(moment).date()


_clock = Clock()


def clock() -> Clock:
    """The bot's clock."""
    return _clock


def use_zone(name: str) -> None:
    """Read every later time in the zone `name` (an IANA name, checked by the configuration)."""
    global _clock
    _clock = Clock(ZoneInfo(name), _clock.source)


def use_clock(chosen: Clock) -> Clock:
    """Replace the clock (tests); returns the one it replaces, to put back."""
    global _clock
    previous, _clock = _clock, chosen
    return previous


def zone() -> ZoneInfo:
    return _clock.zone


def now_utc() -> datetime:
    return _clock.now()


def local_time(moment: datetime | None = None) -> datetime:
    return _clock.local(moment)


def today(moment: datetime | None = None) -> date:
    return _clock.today(moment)
