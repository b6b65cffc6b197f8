"""The published site's HTML pieces: escaping, the page around every body, tables of numbers,
progress bars, and the masking of people in comments (reports/site.py builds the pages).

    e('<b>Titre</b> & "x"')     # '&lt;b&gt;Titre&lt;/b&gt; &amp; &quot;x&quot;'
    page("OO 1.1", heading, "<h1>…</h1>", [("Accueil", "index.html"), ("OO 1.1", "oo-1-1.html")])
"""

import html
import re
from dataclasses import dataclass
from datetime import date

from reports import site_words as words
from storage.actions import Action
from storage.french import format_date_fr

STYLE = "style.css"
#: A Matrix id (@luc:example.org), a Teams id (29:1Ab…, 8:orgid:…) or an e-mail address.
_IDENTIFIERS = re.compile(
    r"@[\w.=/+-]+:[\w.-]+(?::\d+)?|\b\d{1,2}:(?:orgid:)?[\w-]{8,}|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)


@dataclass(frozen=True)
class SiteHeading:
    """Whose plan, which, its period and the day of the situation, printed on every page."""

    organisation: str
    plan_title: str
    period: str
    today: date

    @property
    def site(self) -> str:
        """ "CPAS de Frameries — PST 2019-2024", or the site's generic name."""
        named = " — ".join(part for part in (self.organisation, self.plan_title) if part)
        return named or words.SITE_NAME


def e(text: object) -> str:
    """Text from the plan, safe in HTML content and in double-quoted attributes."""
    return html.escape(str(text), quote=False).replace('"', "&quot;")


class Masker:
    """Comments as published: chat ids and e-mail addresses masked, and the plan's pilots'
    initials too unless the site shows the pilots.

    >>> Masker([], with_pilots=False)("vu avec @luc:example.org")
    'vu avec […]'
    """

    def __init__(self, actions: list[Action], with_pilots: bool) -> None:
        pilots = set() if with_pilots else {p for a in actions for p in a.pilots if p.strip()}
        longest_first = sorted(pilots, key=len, reverse=True)
        self._pilots = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, longest_first)) + r")(?!\w)")
            if longest_first
            else None
        )

    def __call__(self, text: str) -> str:
        text = _IDENTIFIERS.sub(words.MASKED, text)
        return self._pilots.sub(words.MASKED, text) if self._pilots else text


def page(title: str, heading: SiteHeading, body: str, crumbs: list[tuple[str, str]]) -> bytes:
    """A whole page: head, skip link, the site's band with the date of situation, the
    breadcrumb (`(label, href)`, the last one this page), `body` inside <main>, the footer."""
    situation = words.SITUATION.format(day=format_date_fr(heading.today))
    period = f"<p>{e(words.PERIOD.format(period=heading.period))}</p>\n" if heading.period else ""
    current = ' aria-current="page"'
    trail = "".join(
        f'<li><a href="{e(href)}"{current if index == len(crumbs) - 1 else ""}>{e(label)}</a></li>'
        for index, (label, href) in enumerate(crumbs)
    )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pst-bot">
<title>{e(title)} — {e(heading.site)}</title>
<link rel="stylesheet" href="{STYLE}">
</head>
<body>
<a class="skip" href="#contenu">{e(words.SKIP_LINK)}</a>
<header class="top">
<div class="site">
<p class="name">{e(heading.site)}</p>
{period}<p class="situation">{e(situation)}</p>
<nav class="crumbs" aria-label="{e(words.BREADCRUMB)}"><ol>{trail}</ol></nav>
</div>
</header>
<main id="contenu" tabindex="-1">
{body}
</main>
<footer class="foot">
<p>{e(situation)}.</p>
<p>{e(words.FOOTER)}</p>
</footer>
</body>
</html>
""".encode()


def bar(percent: float) -> str:
    """A bar beside the figure it repeats (hidden from screen readers: the figure is read),
    to the nearest 5 %: a class of the style sheet, so that no page holds a style attribute
    (the live pages forbid them, Content-Security-Policy)."""
    step = round(max(0.0, min(percent, 100.0)) / 5) * 5
    return f'<span class="bar" aria-hidden="true"><span class="w{step}"></span></span>'


def table(caption: str, headers: tuple[str, ...], rows: list[list[str]], numeric: set[int]) -> str:
    """A table of numbers under its caption, each row headed by its first cell; `numeric`
    columns align right."""

    def cell(tag: str, index: int, text: str, scope: str = "") -> str:
        classes = ' class="n"' if index in numeric else ""
        return f"<{tag}{scope}{classes}>{e(text)}</{tag}>"

    head = "".join(cell("th", i, text, ' scope="col"') for i, text in enumerate(headers))
    body = "".join(
        "<tr>"
        + cell("th", 0, row[0], ' scope="row"')
        + "".join(cell("td", i, text) for i, text in enumerate(row) if i)
        + "</tr>\n"
        for row in rows
    )
    return (
        f'<div class="table"><table><caption>{e(caption)}</caption>\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table></div>"
    )
