"""The PST published: the static site for the institution's website (`!publier`, `pst-bot
publish`), and the same pages served live to the CODIR behind a signed, expiring link
(`!tableau-de-bord`; served by bot/web.py).

    files = site_files(db, the_plan, now, organisation=org)         # {"index.html": b"…", …}
    attachment = site_attachment(db, the_plan, now, organisation=org)  # the zip, for the chat
    link = open_link(db, token, now)                  # a Link, or LinkRefused (forged, expired)

The link's token is `<plan>.<expiry>.<view>.<signature>`: an HMAC-SHA256 over the path it opens
(`/tableau/<plan>/<view>/<expiry>`) under a key kept in the database (made when the bot starts
with a `[web]` section, replaced by `!tableau-de-bord révoquer`, which ends every link given).
The token is a folder of the URL (`<public_url>/tableau/<token>/index.html`), so the site's
relative links stay under it. Where the pages are served and for how long a link holds are said
by the running bot at its start (`announce_dashboard`, from `[web]`): a command reads no
configuration.
"""

import base64
import hashlib
import hmac
import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlite_utils

from commands.access import READERS_OF_REPORTS
from commands.arguments import PLAN, word_choice
from commands.errors import UserError
from commands.files import file_name, heading, plan_actions
from commands.registry import command
from commands.types import Args, Attachment, Context, Organisation, Reply
from reports.site import SiteHeading, build_site
from storage import bookkeeping
from storage.clock import local_time
from storage.french import format_moment
from storage.plans import CODE, Plan

#: Where the running bot serves the live pages, and for how many days a link holds (JSON).
ADDRESS_KEY = "tableau de bord : adresse"
#: The key every link is signed with (URL-safe text); replaced, it ends every link given.
SIGNING_KEY = "tableau de bord : clé"
PUBLIC, WITH_PILOTS = "public", "pilotes"

PUBLISHED = (
    "Le site du PST ({pages} pages, {size} Ko) : {filename}. Décompressez-le et déposez son "
    "contenu tel quel sur le site de l'institution (index.html est la page d'accueil). "
    "Ni identifiant de chat ni pilote n'y figure."
)
NOT_SERVED = (
    "Le tableau de bord en ligne n'est pas activé. Ajoutez à la configuration du bot une "
    "section [web] avec public_url (l'adresse publique du bot, en https://, derrière le proxy), "
    "et au besoin host et port (défaut 127.0.0.1:8080), puis redémarrez le bot : les pages "
    "seront servies sous <public_url>/tableau/…"
)
LINK_GIVEN = (
    "Tableau de bord du PST, {view} : {url}\n"
    "Lien valable jusqu'au {until}. Quiconque a le lien voit les pages : ne le transmettez "
    "qu'au CODIR. « !tableau-de-bord révoquer » met fin à tous les liens donnés."
)
VIEWS = {PUBLIC: "sans les pilotes", WITH_PILOTS: "avec les pilotes"}
REVOKED = (
    "Tous les liens du tableau de bord donnés jusqu'ici sont révoqués. "
    "« !tableau-de-bord » en donne un nouveau."
)
UNKNOWN_WORD = (
    "« {word} » : tapez « !tableau-de-bord », « !tableau-de-bord pilotes » ou "
    "« !tableau-de-bord révoquer »."
)


# ---------------------------------------------------------------- the site, from the database


def site_heading(the_plan: Plan, moment: date | datetime, organisation: Organisation | None):
    """The organisation, the plan's title (« PST » for one imported without), its period and
    the local day of the situation."""
    shown = heading(the_plan, moment, organisation)
    return SiteHeading(shown.organisation, shown.plan, the_plan.period, shown.today)


def site_files(
    db: sqlite_utils.Database,
    the_plan: Plan,
    moment: date | datetime,
    organisation: Organisation | None = None,
    with_pilots: bool = False,
) -> dict[str, bytes]:
    """Every file of the plan's site (reports/site.py), as of `moment`; refuses an empty plan."""
    actions = plan_actions(db, the_plan, with_history=True)
    return build_site(
        actions, site_heading(the_plan, moment, organisation), with_pilots=with_pilots
    )


def site_zip(files: dict[str, bytes], folder: str, moment: date | datetime) -> bytes:
    """The files in one folder of a zip, each dated `moment` (the same site, the same bytes)."""
    when = local_time(moment) if isinstance(moment, datetime) else datetime(*moment.timetuple()[:3])
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def site_attachment(
    db: sqlite_utils.Database,
    the_plan: Plan,
    moment: date | datetime,
    organisation: Organisation | None = None,
    with_pilots: bool = False,
) -> tuple[Attachment, dict[str, bytes]]:
    """The site as a zip attachment ("…-site-2026-12-03-0930.zip"), and its files."""
    files = site_files(db, the_plan, moment, organisation, with_pilots)
    name = file_name(the_plan, "site", moment, "zip", organisation)
    data = site_zip(files, name.removesuffix(".zip"), moment)
    return Attachment(name, data, "application/zip"), files


# ---------------------------------------------------------------- signed links


@dataclass(frozen=True)
class Link:
    """What a valid token opens: a plan's pages, with or without pilots, until `expires`."""

    plan: str
    expires: int
    view: str

    @property
    def with_pilots(self) -> bool:
        return self.view == WITH_PILOTS


class LinkRefused(Exception):
    """A token that opens nothing: `expired` when it was good once, else forged or unknown."""

    def __init__(self, expired: bool) -> None:
        super().__init__("lien expiré" if expired else "lien invalide")
        self.expired = expired


def announce_dashboard(db: sqlite_utils.Database, public_url: str | None, days: int = 7) -> None:
    """Said by the running bot at its start: the live pages are served at `public_url`
    (None: not served), a link holds `days`; makes the signing key on first use."""
    if public_url is None:
        bookkeeping.set_value(db, ADDRESS_KEY, "")
        return
    address = json.dumps({"url": public_url.rstrip("/"), "days": days})
    bookkeeping.set_value(db, ADDRESS_KEY, address)
    if not bookkeeping.get_value(db, SIGNING_KEY):
        bookkeeping.set_value(db, SIGNING_KEY, secrets.token_urlsafe(32))


def dashboard_address(db: sqlite_utils.Database) -> tuple[str, int] | None:
    """(public URL, days a link holds) as the running bot announced them; None: not served."""
    found = bookkeeping.get_value(db, ADDRESS_KEY)
    if not found:
        return None
    address = json.loads(found)
    return address["url"], int(address["days"])


def revoke_links(db: sqlite_utils.Database) -> None:
    """A new signing key: every link given so far opens nothing any more."""
    bookkeeping.set_value(db, SIGNING_KEY, secrets.token_urlsafe(32))


def _signature(key: str, plan: str, view: str, expires: int) -> str:
    path = f"/tableau/{plan}/{view}/{expires}"
    digest = hmac.new(key.encode(), path.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_link(db: sqlite_utils.Database, link: Link) -> str:
    """The token of `link` (`<plan>.<expiry>.<view>.<signature>`); the key must exist."""
    key = bookkeeping.get_value(db, SIGNING_KEY)
    if not key:
        raise UserError(NOT_SERVED)
    signature = _signature(key, link.plan, link.view, link.expires)
    return f"{link.plan}.{link.expires}.{link.view}.{signature}"


def open_link(db: sqlite_utils.Database, token: str, now: datetime) -> Link:
    """The link a token signs, if it is genuine and not expired; `LinkRefused` otherwise."""
    key = bookkeeping.get_value(db, SIGNING_KEY)
    parts = token.split(".")
    if not key or len(parts) != 4:
        raise LinkRefused(expired=False)
    plan, expires, view, signature = parts
    if not CODE.match(plan) or not expires.isdigit() or len(expires) > 12 or view not in VIEWS:
        raise LinkRefused(expired=False)
    expected = _signature(key, plan, view, int(expires))
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise LinkRefused(expired=False)
    if int(expires) <= now.timestamp():
        raise LinkRefused(expired=True)
    return Link(plan, int(expires), view)


# ---------------------------------------------------------------- the commands


@command(
    "publier",
    aliases=["publication"],
    args=[PLAN],
    who=READERS_OF_REPORTS,
    summary="Le site du PST pour le site web de l'institution (zip de pages HTML).",
    details=(
        "Une page d'accueil par OS avec l'avancement et les graphiques, une page par OO avec "
        "ses actions (statut, avancement, échéance, dernier commentaire), la date de situation. "
        "Sans identifiant de chat ni pilote ; accessible, sans JavaScript."
    ),
    examples=["!publier"],
    questions=["site web", "publier"],
)
def publish(ctx: Context, args: Args) -> Reply:
    attachment, files = site_attachment(ctx.db, args.plan, ctx.now, ctx.organisation)
    pages = sum(1 for name in files if name.endswith(".html"))
    text = PUBLISHED.format(
        pages=pages, size=max(1, round(len(attachment.data) / 1024)), filename=attachment.filename
    )
    return Reply(text=text, attachments=[attachment])


DASHBOARD_WORD = word_choice(
    "choice",
    "[pilotes|révoquer]",
    {"pilotes": WITH_PILOTS, "pilote": WITH_PILOTS, "revoquer": "revoke", "revoke": "revoke"},
    lambda word: UNKNOWN_WORD.format(word=word),
)


@command(
    "tableau-de-bord",
    aliases=["dashboard"],
    args=[PLAN, DASHBOARD_WORD],
    who=READERS_OF_REPORTS,
    summary="Un lien vers les pages du PST à jour, pour le CODIR (valable 7 jours).",
    details=(
        "Les mêmes pages que « !publier », lues dans la base à chaque visite. « pilotes » : "
        "avec les pilotes de chaque action. « révoquer » : met fin à tous les liens donnés. "
        "Le bot doit servir les pages (section [web] de la configuration)."
    ),
    examples=["!tableau-de-bord", "!tableau-de-bord pilotes"],
)
def dashboard(ctx: Context, args: Args) -> Reply:
    address = dashboard_address(ctx.db)
    if address is None:
        raise UserError(NOT_SERVED)
    if args.choice == "revoke":
        revoke_links(ctx.db)
        return Reply(text=REVOKED)
    url, days = address
    view = args.choice or PUBLIC
    expires = int((ctx.now + timedelta(days=days)).timestamp())
    token = sign_link(ctx.db, Link(args.plan.code, expires, view))
    until = format_moment(datetime.fromtimestamp(expires, UTC))
    text = LINK_GIVEN.format(view=VIEWS[view], url=f"{url}/tableau/{token}/", until=until)
    return Reply(text=text)
