"""The PST's pages outside the chat: written to a folder (`pst-bot publish`), and served live
behind signed links (`[web]`, `!tableau-de-bord`).

    pst-bot publish --db pst.db -o site/            # the static site, for the webmaster
    WebServer(runtime).run()                          # bot/run.py, when [web] is configured

It listens on web.host:web.port (127.0.0.1:8080 by default, behind the reverse proxy):
  GET /tableau/<token>/            the plan's index, as of now (read from the database)
  GET /tableau/<token>/<file>      its other pages, the style sheet, the charts
Nothing else. A token is checked before anything is read (commands/publishing.py): a forged
or expired one gets 403 and a French page saying which, an unknown file 404. Every answer says
`no-store`, `no-referrer` (the token is in the address), and a Content-Security-Policy that
allows no script, no frame and nothing from elsewhere; no access log (it would keep tokens).
"""

import asyncio
import errno
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from aiohttp import web

from bot import console_texts as texts
from bot.runtime import Runtime
from commands.errors import UserError
from commands.publishing import LinkRefused, open_link, site_files
from commands.types import Organisation
from reports.site import INDEX
from storage import plans
from storage.clock import now_utc

log = logging.getLogger(__name__)

HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
}
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
EXPIRED = (
    "Lien expiré",
    "Ce lien vers le tableau de bord du PST a expiré. Demandez-en un nouveau au bot : "
    "« !tableau-de-bord ».",
)
FORGED = (
    "Lien non valable",
    "Ce lien vers le tableau de bord du PST n'est pas valable (incomplet, modifié ou révoqué). "
    "Demandez-en un nouveau au bot : « !tableau-de-bord ».",
)
MISSING = ("Page introuvable", "Cette page n'existe pas dans le tableau de bord du PST.")


def notice(title: str, text: str) -> bytes:
    """A French page for a refusal (no style, no script: it stands alone)."""
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n<p>{text}</p>\n"
        "</main>\n</body>\n</html>\n"
    ).encode()


def live_page(
    db, token: str, name: str, now: datetime, organisation: Organisation | None
) -> tuple[int, str, bytes]:
    """(status, content type, body) for `GET /tableau/<token>/<name>`; runs in the worker."""
    try:
        link = open_link(db, token, now)
    except LinkRefused as refused:
        return 403, TYPES[".html"], notice(*(EXPIRED if refused.expired else FORGED))
    the_plan = plans.plan_by_code(db, link.plan)
    if the_plan is None:
        return 404, TYPES[".html"], notice(*MISSING)
    try:
        files = site_files(db, the_plan, now, organisation, link.with_pilots)
    except UserError as empty:
        return 404, TYPES[".html"], notice(MISSING[0], str(empty))
    data = files.get(name or INDEX)
    if data is None:
        return 404, TYPES[".html"], notice(*MISSING)
    return 200, TYPES[Path(name or INDEX).suffix], data


def web_app(runtime: Runtime, clock: Callable[[], datetime] = now_utc) -> web.Application:
    """The aiohttp application: the live pages, and a French 404 for everything else."""

    async def page(request: web.Request) -> web.Response:
        token, name = request.match_info["token"], request.match_info.get("name", "")
        status, content_type, body = await runtime.worker.run(
            live_page, runtime.db, token, name, clock(), runtime.settings.organisation
        )
        return _answer(status, content_type, body)

    async def folder(request: web.Request) -> web.Response:
        # "/tableau/<token>" -> "<token>/": relative, so that a path prefix of the proxy stays.
        raise web.HTTPPermanentRedirect(f"{request.match_info['token']}/", headers=HEADERS)

    async def elsewhere(request: web.Request) -> web.Response:
        return _answer(404, TYPES[".html"], notice(*MISSING))

    app = web.Application(client_max_size=1024)
    app.router.add_get("/tableau/{token}", folder)
    app.router.add_get("/tableau/{token}/", page)
    app.router.add_get("/tableau/{token}/{name:[^/]+}", page)
    app.router.add_route("*", "/{tail:.*}", elsewhere)
    return app


def _answer(status: int, content_type: str, body: bytes) -> web.Response:
    kind, _, charset = content_type.partition("; charset=")
    return web.Response(
        status=status, body=body, content_type=kind, charset=charset or None, headers=HEADERS
    )


class WebServer:
    """Serves `web_app` on web.host:web.port until `stopping` is set: 0 then, 1 when the port
    cannot be had (the other transports stop too, as for Teams)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.config = runtime.settings.web

    async def run(self) -> int:
        runner = web.AppRunner(web_app(self.runtime), access_log=None, handle_signals=False)
        await runner.setup()
        address = f"{self.config.host}:{self.config.port}"
        try:
            await web.TCPSite(runner, self.config.host, self.config.port).start()
        except OSError as error:
            log.error("Tableau de bord : impossible d'écouter sur %s (%s)", address, error)
            await runner.cleanup()
            return 1
        log.info("Tableau de bord à l'écoute sur %s (GET /tableau/…)", address)
        try:
            await self.runtime.stopping.wait()
        finally:
            await asyncio.shield(runner.cleanup())
        return 0


# ---------------------------------------------------------------- pst-bot publish


def write_site(files: dict[str, bytes], folder: Path) -> int:
    """The site's files in `folder` (created if needed; files of the same names replaced)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return sum(len(data) for data in files.values())


def publish_site(
    db, the_plan, folder: Path, organisation: Organisation | None, with_pilots: bool
) -> int:
    """The site of `the_plan` in `folder`; 2 with a French sentence when the plan is empty or
    the folder cannot be written."""
    try:
        files = site_files(db, the_plan, now_utc(), organisation, with_pilots)
    except UserError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        size = write_site(files, folder)
    except OSError as error:
        code = errno.errorcode.get(error.errno or 0, "")
        reason = texts.WRITE_REASONS.get(code) or error.strerror or error
        print(texts.CANNOT_WRITE.format(path=folder, reason=reason), file=sys.stderr)
        return 2
    pages = sum(1 for name in files if name.endswith(".html"))
    print(texts.SITE_WRITTEN.format(path=folder / INDEX, pages=pages, size=max(1, size // 1024)))
    return 0


def add_publish(command: Callable, settings_of: Callable, plan_db_of: Callable) -> None:
    """Declare `pst-bot publish` with bot/cli.py's `command`, reading the configuration and the
    plan as every subcommand does (`settings_of(path)`, `plan_db_of(args, settings)`)."""

    def publish(args) -> int:
        settings = settings_of(args.config)
        db, the_plan = plan_db_of(args, settings)
        organisation = settings.organisation if settings else None
        return publish_site(db, the_plan, Path(args.output), organisation, args.with_pilots)

    arg = command("publish", publish, db=True, description=texts.PUBLISH_DESCRIPTION)
    arg("-o", "--output", required=True, metavar="DOSSIER")
    arg("--plan", metavar="CODE")
    arg("--with-pilots", action="store_true")
