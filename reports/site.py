"""The PST published: a static site a webmaster uploads as it is, built from the plan's actions.

    heading = SiteHeading("CPAS de Frameries", "PST 2019-2024", "2019-2024", date(2026, 12, 3))
    files = build_site(actions, heading)       # {"index.html": b"<!DOCTYPE html>…", …}

- `index.html`: the plan by OS, each with its progress and its OOs (linked), then the charts
  beside the tables of their numbers (% done per OS; % done at the end of each month, from the
  effective history: `storage.progress.done_percent_over_time`);
- `oo-<number>.html`, one per OO: its actions with status, progress, deadline, indicators and
  the last comment (the public comment);
- `style.css`, the one style sheet; `avancement-os.svg` and `avancement-temps.svg`, the charts
  (the second only once there is a history).

Every page: `lang="fr"`, one h1 then h2 and h3 in order, a skip link, the date of situation,
relative links only, no script at all. Every text from the plan is escaped: a title holding
HTML or markdown is shown as written, never run. No chat id ever, and no person unless
`with_pilots`: then the pilots' initials are shown; without it they are left out, and
initials, chat ids and e-mail addresses written in a comment are masked (« […] »).
Reads no database (the actions are handed in, `list_actions(..., with_history=True)`).
"""

import re
from datetime import date

from reports import site_words as words
from reports.grouping import OperationalGroup, StrategicGroup, group_plan
from reports.site_chart import by_os_height, by_os_svg, over_time_svg
from reports.site_html import STYLE, Masker, SiteHeading, bar, e, page, table
from reports.site_style import CSS
from storage.actions import Action
from storage.french import format_date_fr, format_percent
from storage.progress import done_percent_note, done_percent_over_time, status_summary
from storage.vocabulary import DONE, IN_PROGRESS, fold

__all__ = ["INDEX", "SiteHeading", "build_site", "oo_page"]

INDEX = "index.html"
BY_OS_CHART, OVER_TIME_CHART = "avancement-os.svg", "avancement-temps.svg"


def build_site(
    actions: list[Action], heading: SiteHeading, *, with_pilots: bool = False
) -> dict[str, bytes]:
    """Every file of the site, by its name (relative, no folder): the index first."""
    groups = group_plan(actions)
    names = _page_names(groups)
    summary = status_summary(actions)
    series = done_percent_over_time(actions, heading.today)
    masked = Masker(actions, with_pilots)
    files = {INDEX: _index(groups, names, summary, series, heading)}
    order = [(os_group, oo) for os_group in groups for oo in os_group.objectives]
    for index, (os_group, oo) in enumerate(order):
        neighbours = [
            order[index - 1] if index > 0 else None,
            order[index + 1] if index + 1 < len(order) else None,
        ]
        body = _oo_body(os_group, oo, names, neighbours, with_pilots, masked)
        crumbs = [
            (words.HOME, INDEX),
            (words.OS_LABEL.format(number=os_group.number), f"{INDEX}#{_os_anchor(os_group)}"),
            (_oo_label(oo), names[(os_group.number, oo.number)]),
        ]
        title = words.OO_TITLE.format(number=oo.number, title=oo.title)
        files[names[(os_group.number, oo.number)]] = page(title, heading, body, crumbs)
    files[STYLE] = CSS.encode()
    labels = [words.OS_LABEL.format(number=os["os_number"]) for os in summary["by_os"]]
    files[BY_OS_CHART] = by_os_svg(
        [(label, os["done_percent"]) for label, os in zip(labels, summary["by_os"], strict=True)]
    )
    if series:
        files[OVER_TIME_CHART] = over_time_svg(series)
    return files


def oo_page(number: str) -> str:
    """ "1.1" -> "oo-1-1.html": ASCII, lower case.

    >>> oo_page("O.O. 3.3")
    'oo-o-o-3-3.html'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", fold(number)).strip("-") or "sans-numero"
    return f"oo-{slug}.html"


def _page_names(groups: list[StrategicGroup]) -> dict[tuple[int, str], str]:
    """Each OO's page, by (OS, OO number): unique even when two OO numbers fold alike."""
    names: dict[tuple[int, str], str] = {}
    for os_group in groups:
        for oo in os_group.objectives:
            name, count = oo_page(oo.number), 2
            while name in names.values() or name == INDEX:
                name, count = oo_page(f"{oo.number}-{count}"), count + 1
            names[(os_group.number, oo.number)] = name
    return names


def _os_anchor(os_group: StrategicGroup) -> str:
    return f"os-{os_group.number}"


def _oo_label(oo: OperationalGroup) -> str:
    return words.OO_LABEL.format(number=oo.number)


def _share(actions: list[Action]) -> str:
    """ "5 actions, 20 % réalisées" """
    percent = format_percent(status_summary(actions)["done_percent"])
    if len(actions) == 1:
        return words.OO_COUNT_ONE.format(percent=percent)
    return words.OO_COUNT.format(total=len(actions), percent=percent)


# ---------------------------------------------------------------- the index


def _index(groups, names, summary: dict, series, heading: SiteHeading) -> bytes:
    by_status = summary["by_status"]
    lines = [
        f"<h1>{e(heading.plan_title or words.SITE_NAME)}</h1>",
        "<p>"
        + e(
            words.SUMMARY.format(
                total=summary["total"],
                done=by_status[DONE],
                percent=format_percent(summary["done_percent"]),
                ongoing=by_status[IN_PROGRESS],
            )
        )
        + "</p>",
        bar(summary["done_percent"]),
        f"<h2>{e(words.OS_HEADING)}</h2>",
    ]
    for os_group, os in zip(groups, summary["by_os"], strict=True):
        title = words.OS_TITLE.format(number=os_group.number, title=os_group.title)
        lines.append(f'<h3 id="{_os_anchor(os_group)}">{e(title)}</h3>')
        lines.append(
            "<p>"
            + e(
                words.OS_SUMMARY.format(
                    total=os["total"],
                    done=os["by_status"][DONE],
                    percent=format_percent(os["done_percent"]),
                )
            )
            + "</p>"
        )
        items = []
        for oo in os_group.objectives:
            href = names[(os_group.number, oo.number)]
            share = status_summary(oo.actions)["done_percent"]
            label = words.OO_LINK.format(number=oo.number, title=oo.title)
            items.append(
                f'<li><a href="{e(href)}">{e(label)}</a>'
                f'<span class="count">{e(_share(oo.actions))}</span>{bar(share)}</li>'
            )
        lines.append(f'<ul class="objectives">{"".join(items)}</ul>')
    lines.append(_charts(summary, series))
    lines.append(f"<p>{e(done_percent_note(by_status))}</p>")
    return page(words.INDEX_TITLE, heading, "\n".join(lines), [(words.HOME, INDEX)])


def _charts(summary: dict, series: list[tuple[date, float]]) -> str:
    by_os = summary["by_os"]
    rows = [
        [
            words.OS_TITLE.format(number=os["os_number"], title=os["os_title"] or ""),
            str(os["total"]),
            str(os["by_status"][DONE]),
            str(os["by_status"][IN_PROGRESS]),
            format_percent(os["done_percent"]),
        ]
        for os in by_os
    ]
    parts = [
        f"<h2>{e(words.CHARTS_HEADING)}</h2>",
        f"<h3>{e(words.BY_OS_HEADING)}</h3>",
        f'<figure><img src="{BY_OS_CHART}" alt="{e(words.BY_OS_ALT)}" width="640" '
        f'height="{by_os_height(len(by_os))}"></figure>',
        table(words.BY_OS_CAPTION, words.BY_OS_HEADERS, rows, {1, 2, 3, 4}),
        f"<h3>{e(words.OVER_TIME_HEADING)}</h3>",
    ]
    if not series:
        parts.append(f"<p>{e(words.NO_HISTORY)}</p>")
        return "\n".join(parts)
    alt = words.OVER_TIME_ALT.format(
        first=format_date_fr(series[0][0]),
        last=format_date_fr(series[-1][0]),
        value=format_percent(series[-1][1]),
    )
    rows = [[format_date_fr(day), format_percent(value)] for day, value in series]
    parts += [
        f'<figure><img src="{OVER_TIME_CHART}" alt="{e(alt)}" width="640" height="360"></figure>',
        f"<details><summary>{e(words.OVER_TIME_DETAILS.format(count=len(series)))}</summary>",
        table(words.OVER_TIME_CAPTION, words.OVER_TIME_HEADERS, rows, {1}),
        "</details>",
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------- a page per OO


def _oo_body(os_group, oo, names, neighbours, with_pilots: bool, masked: Masker) -> str:
    parent = words.OO_PARENT.format(number=os_group.number, title=os_group.title)
    lines = [
        f"<h1>{e(words.OO_TITLE.format(number=oo.number, title=oo.title))}</h1>",
        f'<p><a href="{INDEX}#{_os_anchor(os_group)}">{e(parent)}</a></p>',
        f"<p>{e(_share(oo.actions))}</p>",
        bar(status_summary(oo.actions)["done_percent"]),
    ]
    for action in oo.actions:
        lines.append(_action(action, with_pilots, masked))
    links = []
    for neighbour, words_for in zip(neighbours, (words.PREVIOUS, words.NEXT), strict=True):
        if neighbour is not None:
            other_os, other = neighbour
            label = words_for.format(label=_oo_label(other))
            links.append(
                f'<li><a href="{e(names[(other_os.number, other.number)])}">{e(label)}</a></li>'
            )
    if links:
        listed = "".join(links)
        lines.append(
            f'<nav aria-label="{e(words.OO_NAV)}"><ul class="neighbours">{listed}</ul></nav>'
        )
    return "\n".join(lines)


def _action(action: Action, with_pilots: bool, masked: Masker) -> str:
    status_class = "s-" + re.sub(r"[^a-z]+", "-", fold(action.status)).strip("-")
    status = action.status[:1].upper() + action.status[1:]
    if action.progress is not None:
        progress = format_percent(action.progress)
    elif action.status == DONE:
        progress = format_percent(100)
    else:
        progress = words.PROGRESS_UNKNOWN
    rows = [
        (words.STATUS, f'<span class="status {status_class}">{e(status)}</span>'),
        (words.PROGRESS, e(progress)),
        (words.DEADLINE, e(action.deadline or words.DEADLINE_UNKNOWN)),
    ]
    if action.indicators:
        rows.append((words.INDICATORS, e(action.indicators)))
    if action.last_comment:
        rows.append((words.COMMENT, e(masked(action.last_comment))))
    if with_pilots and action.pilots:
        rows.append((words.PILOTS, e(", ".join(action.pilots))))
    details = "".join(f"<dt>{e(term)}</dt><dd>{value}</dd>" for term, value in rows)
    title = words.ACTION_TITLE.format(code=action.code, title=action.title)
    return f'<article class="action"><h2>{e(title)}</h2><dl>{details}</dl></article>'
