"""What a Matrix message quotes: someone else's words, which never run as the sender's.

    text = without_quotes(event.body, event.source["content"])   # the sender's own lines

Clients quote in two ways, often both: in the plain body, lines starting with ">" (Markdown,
and the reply fallback "> <@x:y> …"); in the HTML body, a `<blockquote>` or the `<mx-reply>`
of a reply. A line the HTML shows quoted is left out of the plain body too, whatever the body
says: a client may mark a quote in HTML only.
"""

import re
from html.parser import HTMLParser

#: A quoted line in a plain body: Markdown's "> …", also the reply fallback "> <@x:y> …".
_QUOTED_LINE = re.compile(r"^\s*>")
#: HTML elements whose text is someone else's words: a quote, the reply fallback.
_QUOTING = {"blockquote", "mx-reply"}
#: HTML elements that end a line of text.
_LINE_BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre"}


def without_quotes(body: str, content: dict) -> str:
    """The sender's own words: `body` without the lines it quotes, so that a quoted command
    never runs as the person quoting it. A line is quoted when it starts with ">" (a Markdown
    quote, a reply fallback), or when the HTML version of the message shows it inside a
    `<blockquote>` or `<mx-reply>` (a client may quote in HTML only).

    >>> without_quotes("> <@dg:x> !action 3\\n> suite\\n\\n!action 4", {})
    '!action 4'
    >>> html = {"format": "org.matrix.custom.html",
    ...         "formatted_body": "<blockquote>!maj 54 fait</blockquote>d'accord ?"}
    >>> without_quotes("!maj 54 fait\\nd'accord ?", html)
    "d'accord ?"
    """
    quoted = _quoted_lines(content)
    kept = [
        line
        for line in body.splitlines()
        if not _QUOTED_LINE.match(line) and _plain_line(line) not in quoted
    ]
    return "\n".join(kept).strip("\n")


def _plain_line(line: str) -> str:
    return " ".join(line.split())


def _quoted_lines(content: dict) -> set[str]:
    """The lines of text inside the HTML body's quotes ("" never counts)."""
    formatted = content.get("formatted_body")
    if content.get("format") != "org.matrix.custom.html" or not isinstance(formatted, str):
        return set()
    reader = _QuoteReader()
    reader.feed(formatted)
    reader.close()
    return {_plain_line(line) for line in reader.quoted.splitlines()} - {""}


class _QuoteReader(HTMLParser):
    """Collects the text inside <blockquote> and <mx-reply>, one line per HTML line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.quoted = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _QUOTING:
            self.depth += 1
        if self.depth and (tag in _LINE_BREAKS or tag in _QUOTING):
            self.quoted += "\n"

    def handle_endtag(self, tag: str) -> None:
        if self.depth and (tag in _LINE_BREAKS or tag in _QUOTING):
            self.quoted += "\n"
        if tag in _QUOTING and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.quoted += data
