"""Turning plan data into short French text and its HTML twin, lists in phone-sized pages.

User-provided text is escaped in HTML and "@room" is neutralised in both forms, so a title or a
comment can never ping a whole room or inject markup.
"""

import html
import itertools
import re

from commands import texts
from commands.errors import UserError
from commands.types import Reply
from storage.french import format_date_fr, format_moment, format_progress

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


#: Dates, times and progress as chat and reports both write them (storage/french.py).
day, moment, percent = format_date_fr, format_moment, format_progress


def lines_to_html(lines: list[str]) -> str:
    """Escape each line and join them with <br>."""
    return "<br>\n".join(esc(line) for line in lines)


# ---------------------------------------------------------------- phone-sized pages

#: Longest reply text a list command gives: what a phone shows in a screen or two.
PHONE = 2000
#: Longest item of a list; a longer one (an old, uncapped comment) is shortened.
LONGEST_ITEM = 900
#: The page marks are sized for this many pages when the budget is worked out.
_MANY = 999


def paginate(
    head: str,
    groups: list[tuple[str, list[str]]],
    page: int,
    command: str,
    tail: list[str] | tuple[str, ...] = (),
) -> Reply:
    """Page `page` (from 1) of a list, text under PHONE characters: the head (its first line
    marked "(page 2/3)" when there are several), then each group's heading and its items
    ("• …") that fit, the `tail` lines, and, when more follow, the line "… et 42 autres :
    !retard page 2" (`command` is what to type, without its page). A page never cuts an item;
    a group continued on the next page repeats its heading. A page past the end is refused.

    >>> paginate("2 actions", [("OS 1", ["12 Audit", "13 Site"])], 1, "!retard").text
    '2 actions\\nOS 1\\n• 12 Audit\\n• 13 Site'
    """
    items = [
        (heading, shorten(item, LONGEST_ITEM)) for heading, members in groups for item in members
    ]
    longest_more = texts.PAGE_MORE.format(
        count=len(items), command=texts.PAGE_COMMAND.format(command=command, page=_MANY)
    )
    longest_mark = texts.PAGE_MARK.format(page=_MANY, pages=_MANY)
    budget = PHONE - len(head + longest_mark) - sum(len(line) + 1 for line in tail)
    pages = _cut(items, budget - len(longest_more) - 1)
    if page > len(pages):
        refusal = texts.PAGE_ONLY_ONE if len(pages) == 1 else texts.PAGE_PAST_END
        last = command if len(pages) == 1 else page_command(command, len(pages))
        raise UserError(refusal.format(page=page, pages=len(pages), command=last))
    if len(pages) > 1:
        head = _marked(head, texts.PAGE_MARK.format(page=page, pages=len(pages)))
    shown = pages[page - 1]
    left = sum(len(later) for later in pages[page:])
    more = []
    if left:
        next_page = page_command(command, page + 1)
        sentence = texts.PAGE_MORE_ONE if left == 1 else texts.PAGE_MORE
        more = [sentence.format(count=left, command=next_page)]
    return _page_reply(head, shown, [*tail, *more])


def page_command(command: str, page: int) -> str:
    """What to type for a page: "!retard 3 page 2" (page 1 is the command itself)."""
    return command if page == 1 else texts.PAGE_COMMAND.format(command=command, page=page)


def _marked(head: str, mark: str) -> str:
    """The head with the page mark at the end of its first line, before a closing colon."""
    first, *rest = head.split("\n")
    colon = " :" if first.endswith(" :") else ""
    return "\n".join([first.removesuffix(colon) + mark + colon, *rest])


def _cut(items: list[tuple[str, str]], budget: int) -> list[list[tuple[str, str]]]:
    """The (heading, item) pairs in pages of at most `budget` characters, at least one item
    each; a page's first item of a group costs its heading too."""
    pages: list[list[tuple[str, str]]] = [[]]
    size = 0
    for heading, item in items:
        cost = len(item) + 3  # "• " and the line break
        opens = heading and (not pages[-1] or pages[-1][-1][0] != heading)
        if pages[-1] and size + cost + (len(heading) + 1 if opens else 0) > budget:
            pages.append([])
            size, opens = 0, bool(heading)
        pages[-1].append((heading, item))
        size += cost + (len(heading) + 1 if opens else 0)
    return pages


def _page_reply(head: str, shown: list[tuple[str, str]], after: list[str]) -> Reply:
    """The text and its HTML twin: the head in bold, each group's heading in bold over a list."""
    head_html = lines_to_html(head.split("\n"))
    text_lines, html_parts = [head], [f"<b>{head_html}</b><br>"]
    for heading, members in itertools.groupby(shown, key=lambda pair: pair[0]):
        members = [item for _, item in members]
        if heading:
            text_lines.append(heading)
            html_parts.append(f"<b>{esc(heading)}</b>")
        text_lines += [f"• {item}" for item in members]
        html_parts.append("<ul>" + "".join(f"<li>{esc(item)}</li>" for item in members) + "</ul>")
    text_lines += after
    if after:
        html_parts.append(lines_to_html(after))
    return Reply(text=safe("\n".join(text_lines)), html="\n".join(html_parts))
