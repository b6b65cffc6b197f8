"""Turning plan data into short French text and its HTML twin.

User-provided text is escaped in HTML and "@room" is neutralised in both forms, so a title or a
comment can never ping a whole room or inject markup.
"""

import html
import re
from datetime import date, datetime

from storage.vocabulary import LOCAL_TZ

_ROOM_PING = re.compile(r"@(room)\b", re.IGNORECASE)


def safe(text: str | None) -> str:
    """Plain text that cannot mention the whole room."""
    return _ROOM_PING.sub("@\u200b\\1", text or "")


def esc(text: str | None) -> str:
    """HTML-escaped, room-ping-free text."""
    return html.escape(safe(text), quote=False)


def shorten(text: str, width: int = 70) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def day(value: date | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def moment(value: datetime | str | None) -> str:
    """A stored UTC timestamp in Belgian local time."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def percent(progress: int | None) -> str:
    return "" if progress is None else f"{progress} %"


def lines_to_html(lines: list[str]) -> str:
    """Escape each line and join them with <br>."""
    return "<br>\n".join(esc(line) for line in lines)
