"""The published site in a real headless Chromium (issue 22, item 5): every page of the bundled
example (after two years of scripted updates) loads with its style sheet and charts, every link
resolves, nothing overflows a phone's width, and axe-core finds no serious or critical
violation; the live dashboard too, and its refusals. Chromium and axe-core must be installed
(tests/browser.py says how): these tests fail without them, they never skip.

Screenshots of every page are kept in a folder the tests print (PST_ARTEFACTS, else a pytest
temporary folder); PST_REGENERATE_EXAMPLES=1 also rewrites docs/examples/site/."""

import asyncio
import functools
import http.server
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from aiohttp import web

from bot.config import Settings, WebConfig
from bot.runtime import Runtime
from bot.web import web_app
from commands.engine import Engine
from commands.publishing import PUBLIC, Link, announce_dashboard, sign_link, site_files
from commands.types import Directory
from tests.browser import SITUATION, Chromium, find_axe, scripted_example
from tests.conftest import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples" / "site"
#: The pages of the published example, one test each.
PAGES = [name for name in site_files(*scripted_example(), SITUATION) if name.endswith(".html")]
#: What axe-core must not find.
BLOCKING = ("serious", "critical")
AXE_RUN = (
    "axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify("
    "r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
    "nodes: v.nodes.map(n => n.target.join(' '))}))))"
)
PAGE_CHECKS = """JSON.stringify({
  scripts: document.scripts.length,
  images: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
  styled: getComputedStyle(document.querySelector('.skip') || document.body).position,
  width: document.documentElement.scrollWidth,
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  title: document.title,
})"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> Path:
    chosen = os.environ.get("PST_ARTEFACTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("site-captures")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The published example in a folder, served over HTTP as a webmaster's server would."""
    folder = tmp_path_factory.mktemp("site")
    for name, data in site_files(*scripted_example(), SITUATION).items():
        (folder / name).write_bytes(data)
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", folder
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with Chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def axe() -> str:
    return find_axe()


def checked(browser: Chromium, url: str) -> dict:
    """Open `url`: it must answer 200 with every resource loaded; what the page says of
    itself (PAGE_CHECKS)."""
    loaded = browser.open(url)
    assert loaded.status == 200 and loaded.failed == [], loaded
    return json.loads(browser.evaluate(PAGE_CHECKS))


def violations(browser: Chromium, axe: str) -> list[dict]:
    """What axe-core finds on the open page (every rule but the experimental ones)."""
    browser.evaluate(axe)
    return json.loads(browser.evaluate(AXE_RUN, awaiting=True))


@pytest.mark.parametrize("name", PAGES)
def test_each_page_loads_styled_without_script_and_passes_axe(
    name, published, browser, axe, artefacts, capsys
):
    base, _ = published
    page = checked(browser, base + name)
    assert page["scripts"] == 0 and page["images"] == [] and page["styled"] == "absolute"
    assert page["title"]
    browser.screenshot(artefacts / name.replace(".html", ".png"), width=1280)
    found = violations(browser, axe)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert blocking == [], blocking
    with capsys.disabled():
        print(f"\n{name} : {len(found)} violation(s) axe (aucune sérieuse ni critique)", end="")
        print(f" — capture : {artefacts / name.replace('.html', '.png')}", end="")


def test_every_link_of_every_page_resolves_in_the_browser(published, browser):
    base, _ = published
    targets: set[str] = set()
    for name in PAGES:
        targets |= set(checked(browser, base + name)["links"])
    assert all(target.startswith(base) for target in targets), targets
    pages = {target.partition("#")[0] for target in targets}
    assert pages >= {base + name for name in PAGES if name != "index.html"}
    for target in sorted(targets):
        address, _, anchor = target.partition("#")
        checked(browser, address)
        if anchor:
            assert browser.evaluate(f"!!document.getElementById({json.dumps(anchor)})"), target


@pytest.mark.parametrize("name", ["index.html", "oo-1-1.html", "oo-3-1.html"])
def test_pages_fit_a_phone_without_sideways_scrolling(name, published, browser, artefacts):
    base, _ = published
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=390,
        height=800,
        deviceScaleFactor=1,
        mobile=True,
    )
    try:
        page = checked(browser, base + name)
        assert page["width"] <= 390, page["width"]
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
    shot = browser.screenshot(artefacts / name.replace(".html", "-telephone.png"), width=390)
    if os.environ.get("PST_REGENERATE_EXAMPLES") and name == "oo-1-1.html":
        EXAMPLES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, EXAMPLES / shot.name)


def test_the_index_screenshot_is_kept_for_the_docs(published, browser, artefacts):
    base, _ = published
    checked(browser, base + "index.html")
    shot = browser.screenshot(artefacts / "index-ordinateur.png", width=1280)
    assert shot.stat().st_size > 10_000
    if os.environ.get("PST_REGENERATE_EXAMPLES"):
        EXAMPLES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, EXAMPLES / shot.name)


def test_axe_does_find_what_a_careless_page_gets_wrong(published, browser, axe):
    """The check bites: a page without lang, with an image without text and grey on grey."""
    base, folder = published
    (folder / "mauvaise.html").write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body>"
        '<img src="avancement-os.svg"><p style="color:#bbb;background:#ccc">peu lisible</p>'
        "</body></html>",
        encoding="utf-8",
    )
    browser.open(base + "mauvaise.html")
    found = {v["id"] for v in violations(browser, axe) if v["impact"] in BLOCKING}
    assert {"image-alt", "html-has-lang", "color-contrast"} <= found


# ---------------------------------------------------------------- the live dashboard


@pytest.fixture(scope="module")
def live():
    """bot/web.py's application on a real port, over the scripted example, in its own loop."""
    db, plan = scripted_example()
    announce_dashboard(db, "https://pst.example.org")
    settings = Settings(web=WebConfig(public_url="https://pst.example.org"))
    runtime = Runtime(settings, db, Engine(db, Directory(), REGISTRY))
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(web_app(runtime), access_log=None)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def link(expires: int) -> str:
        return f"http://127.0.0.1:{port}/tableau/{sign_link(db, Link(plan.code, expires, PUBLIC))}/"

    yield link
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.run_until_complete(runner.cleanup())
    loop.close()


def test_the_live_dashboard_opens_styled_and_passes_axe(live, browser, axe, artefacts):
    url = live(int(time.time()) + 7 * 86400)
    page = checked(browser, url)
    assert page["styled"] == "absolute" and page["images"] == []  # the CSP lets them in
    assert [v for v in violations(browser, axe) if v["impact"] in BLOCKING] == []
    browser.screenshot(artefacts / "tableau-de-bord.png", width=1280)
    checked(browser, url + "oo-2-1.html")


def test_an_expired_or_tampered_live_link_shows_a_french_refusal(live, browser, axe):
    expired = live(int(time.time()) - 1)
    for url, words in ((expired, "a expiré"), (expired[:-3] + "xx/", "n'est pas valable")):
        loaded = browser.open(url)
        assert loaded.status == 403
        assert words in browser.evaluate("document.body.innerText")
        assert browser.evaluate("document.documentElement.lang") == "fr"
        assert [v for v in violations(browser, axe) if v["impact"] in BLOCKING] == []
