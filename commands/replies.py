"""A reply as a chat message can carry it: within bounds, its HTML twin filled in, and the
replies of several commands (a confirmed proposal's lines) joined as one.

    >>> reply = fit(Reply(text="x" * 20_000))
    >>> len(reply.text) <= MAX_REPLY, reply.text.splitlines()[-1][:22]
    (True, '… réponse raccourcie :')
"""

from commands import texts
from commands.formatting import lines_to_html, shorten
from commands.types import Reply

#: Longest reply text (and post): with its HTML twin it stays well under Matrix's 64 KB event.
MAX_REPLY = 12_000
#: Longest line of a shortened reply.
MAX_LINE = 1_200


def together(replies: list[Reply]) -> Reply:
    """The replies of a confirmed proposal's lines as one."""
    if len(replies) == 1:
        return replies[0]
    return Reply(
        text="\n".join(r.text for r in replies),
        attachments=[a for r in replies for a in r.attachments],
        posts=[p for r in replies for p in r.posts],
        refused=all(r.refused for r in replies),
    )


def fit(reply: Reply) -> Reply:
    """The reply within what a chat message carries: its html filled in, a too long text (and
    each post) shortened with a pointer to what was left out."""
    reply.text = shortened(reply.text)
    if len(reply.html) > MAX_REPLY or not reply.html:
        reply.html = lines_to_html(reply.text.splitlines())
    for post in reply.posts:
        if len(post.text) > MAX_REPLY or len(post.html) > MAX_REPLY:
            post.text = shortened(post.text)
            post.html = lines_to_html(post.text.splitlines())
    return reply


def shortened(text: str) -> str:
    if len(text) <= MAX_REPLY:
        return text
    kept, size = [], 0
    lines = text.splitlines()
    for line in lines:
        line = shorten(line, MAX_LINE)
        if size + len(line) + 1 > MAX_REPLY - 200:
            break
        kept.append(line)
        size += len(line) + 1
    kept.append(texts.REPLY_SHORTENED.format(count=len(lines) - len(kept)))
    return "\n".join(kept)


