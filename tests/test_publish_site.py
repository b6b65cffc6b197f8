"""The PST published (issue 22, item 4): the static site of `pst-bot publish` and `!publier`,
and the same pages served live behind signed links (`!tableau-de-bord`, bot/web.py).

The site is read here as a webmaster and a citizen would: its files, its headings, its links,
what it shows of people; tests/test_publish_browser.py opens it in a real Chromium."""

import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.cli import main
from bot.config import ConfigError, Settings, WebConfig, parse_config
from bot.runtime import Runtime
from bot.web import web_app
from commands.engine import Engine
from commands.publishing import announce_dashboard, open_link, site_files
from commands.types import Directory, Message
from reports.site import SiteHeading, build_site
from reports.site_chart import ticks
from storage.actions import list_actions
from storage.db import open_db
from storage.importing import import_plan, load_example
from storage.plans import only_plan
from tests.browser import HOSTILE_COMMENT, SITUATION, scripted_example
from tests.conftest import ADMIN, NOW, REGISTRY, SYLVIE

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "storage" / "data" / "pst-cpas-frameries-2019-2024.md"
CODIR_MEMBER = "@codir:example.org"
PUBLIC_URL = "https://pst.example.org"


class Page(HTMLParser):
    """What a test reads of a page: headings in order, links and sources, ids, text."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.lang = None
        self.feed(data.decode("utf-8"))

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "html":
            self.lang = values.get("lang")
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.links.append(values[name])
        if "id" in values:
            self.ids.add(values["id"])

    def handle_data(self, data):
        self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(self.text)


@pytest.fixture(scope="module")
def scripted():
    return scripted_example()


@pytest.fixture(scope="module")
def site(scripted):
    db, plan = scripted
    return site_files(db, plan, SITUATION)


def pages(files: dict[str, bytes]) -> dict[str, Page]:
    return {name: Page(data) for name, data in files.items() if name.endswith(".html")}


# ---------------------------------------------------------------- structure


def test_the_site_has_an_index_a_page_per_oo_a_style_sheet_and_the_charts(site, scripted):
    db, plan = scripted
    oos = {action.oo_number for action in list_actions(db, plan.id)}
    assert list(site)[0] == "index.html"
    assert sorted(n for n in site if n.startswith("oo-")) == sorted(
        "oo-" + number.replace(".", "-") + ".html" for number in oos
    )
    assert {"style.css", "avancement-os.svg", "avancement-temps.svg"} <= set(site)
    assert len(site) == len(oos) + 4


def test_every_page_is_french_with_one_h1_then_headings_in_order(site):
    for name, page in pages(site).items():
        assert page.lang == "fr", name
        assert page.headings.count(1) == 1 and page.headings[0] == 1, name
        for before, after in zip(page.headings, page.headings[1:], strict=False):
            assert after <= before + 1, (name, page.headings)


def test_every_page_has_a_skip_link_to_its_main_content_and_the_date_of_situation(site):
    for name, page in pages(site).items():
        assert page.links[1] == "#contenu" and "contenu" in page.ids, name
        assert "Situation au 03/12/2026" in page.visible, name


def test_no_page_holds_a_script_a_style_attribute_or_a_link_elsewhere(site):
    for name, page in pages(site).items():
        assert "script" not in page.tags and "iframe" not in page.tags, name
        handlers = [a for a in page.attributes if a[1].startswith("on") or a[1] == "style"]
        assert handlers == [], name
        for link in page.links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), link
        assert page.links.count("style.css") == 1, name


def test_every_internal_link_resolves_to_a_file_and_its_anchor(site):
    read = pages(site)
    checked = 0
    for name, page in read.items():
        for link in page.links:
            target, _, anchor = link.partition("#")
            target = target or name
            assert target in site, (name, link)
            if anchor:
                assert anchor in read[target].ids, (name, link)
            checked += 1
    assert checked > 200


def test_the_index_links_every_oo_page_and_each_oo_page_its_os_on_the_index(site):
    index = pages(site)["index.html"]
    assert {n for n in site if n.startswith("oo-")} <= set(index.links)
    oo = pages(site)["oo-3-2.html"]
    assert "index.html#os-3" in oo.links and "OO 3.2" in oo.visible


def test_an_oo_page_shows_each_action_with_status_progress_deadline_and_comment(site):
    page = pages(site)["oo-1-1.html"].visible
    assert "Action 1 : Acquisition d'un bâtiment" in page
    for label in ("Statut", "Avancement", "Échéance", "Dernier commentaire"):
        assert label in page
    assert "Fait" in page and "En cours" in page and "40\xa0%" in page and "2020" in page


def test_the_charts_are_svg_with_a_table_of_their_numbers_beside_them(site):
    for chart in ("avancement-os.svg", "avancement-temps.svg"):
        root = ET.fromstring(site[chart])
        assert root.tag.endswith("svg") and root.attrib["viewBox"] == "0 0 640 360"
    index = site["index.html"].decode()
    for chart in ("avancement-os.svg", "avancement-temps.svg"):
        image = re.search(rf'<img src="{chart}" alt="([^"]+)"', index)
        assert image and "tableau" in image[1]
    assert index.count("<table>") == 2 and "<caption>" in index
    # The per-OS table says the same figures as the chart's bars.
    bars = re.findall(r">(\d+(?:,\d)?)\xa0%<", site["avancement-os.svg"].decode())
    rows = re.findall(r'<th scope="row">OS \d.*?<td class="n">([\d,]+)\xa0%</td></tr>', index)
    assert bars == rows and len(bars) == 6


def test_percent_done_over_time_comes_from_the_history_month_by_month(site):
    index = site["index.html"].decode()
    dates = re.findall(r'<tr><th scope="row">(\d\d/\d\d/\d{4})</th>', index)
    assert dates[0] == "31/01/2025" and dates[-1] == "03/12/2026" and len(dates) == 24


def test_a_plan_without_history_says_the_curve_will_come(db):
    files = site_files(db, only_plan(db), SITUATION)
    assert "avancement-temps.svg" not in files
    assert "Pas encore d'historique" in files["index.html"].decode()


def test_time_axis_labels_never_overlap():
    positions = [72 + 528 * i / 59 for i in range(60)]  # five years of months
    chosen = ticks(positions)
    assert chosen[0] == 0 and chosen[-1] == 59
    assert all(
        b - a >= 84
        for a, b in zip(
            [positions[i] for i in chosen], [positions[i] for i in chosen[1:]], strict=False
        )
    )


def test_the_bundled_example_weighs_under_two_megabytes(site):
    assert sum(len(data) for data in site.values()) < 2_000_000


# ---------------------------------------------------------------- people and escaping


def test_without_pilots_no_chat_id_no_address_and_no_initials_are_shown(site, scripted):
    db, plan = scripted
    # Initials name people; groups (« comité des fêtes ») may be words of a title.
    initials = {p for a in list_actions(db, plan.id) for p in a.pilots if " " not in p}
    assert len(initials) > 50
    for name, page in pages(site).items():
        text = page.visible
        assert "@" not in site[name].decode(), name
        assert "Pilotes" not in text
        found = {p for p in initials if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)}
        assert found == set(), (name, found)
    assert "vu avec […] et […] ([…])" in pages(site)["oo-1-1.html"].visible


def test_with_pilots_each_action_names_its_pilots_but_still_no_chat_id(scripted):
    db, plan = scripted
    files = site_files(db, plan, SITUATION, with_pilots=True)
    page = pages(files)["oo-1-1.html"].visible
    assert "Pilotes" in page and "LM, MR, MAC, DB" in page
    assert "vu avec LM et […] ([…])" in page
    assert all("@" not in data.decode() for n, data in files.items() if n.endswith(".html"))


def test_every_text_from_the_plan_is_escaped_never_run(db):
    plan = only_plan(db)
    actions = list_actions(db, plan.id)
    hostile = '<img src=x onerror="alert(1)"> **gras** [Cliquez](https://evil.example)'
    actions[0] = replace(
        actions[0],
        title=hostile,
        oo_title='OO "<b>"',
        os_title="<script>x</script>",
        indicators="<i>nombre</i>",
        deadline="<u>2020</u>",
        last_comment=HOSTILE_COMMENT,
    )
    heading = SiteHeading("<CPAS & co>", '"PST"', "<2019>", date(2026, 12, 3))
    files = build_site(actions, heading)
    everything = b"".join(files.values()).decode()
    for raw in ("<img src=x", "<script>", "<b>", "<i>", "<u>", "<CPAS", "<2019>"):
        assert raw not in everything, raw
    assert "https://evil.example" not in "".join(pages(files)["oo-1-1.html"].links)
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; **gras** [Cliquez]" in everything
    assert "&lt;CPAS &amp; co&gt;" in everything
    for chart in ("avancement-os.svg",):
        ET.fromstring(files[chart])  # still well-formed XML


# ---------------------------------------------------------------- pst-bot publish


def example_db(tmp_path) -> Path:
    path = tmp_path / "pst.db"
    db = open_db(path)
    import_plan(db, load_example())
    db.close()
    return path


def test_publish_writes_the_site_in_the_folder(tmp_path, capsys):
    folder = tmp_path / "site"
    assert main(["publish", "--db", str(example_db(tmp_path)), "-o", str(folder)]) == 0
    assert "Site du PST écrit" in capsys.readouterr().out
    assert (folder / "index.html").is_file() and (folder / "oo-6-2.html").is_file()
    assert len(list(folder.iterdir())) == 28


def test_publish_says_in_french_that_the_folder_cannot_be_written(tmp_path, capsys):
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    code = main(["publish", "--db", str(example_db(tmp_path)), "-o", str(blocker / "site")])
    assert code == 2
    assert capsys.readouterr().err.startswith(f"Impossible d'écrire {blocker / 'site'} : ")


def test_publish_refuses_an_unknown_plan_and_an_empty_database_in_french(tmp_path):
    db = example_db(tmp_path)
    run = [sys.executable, "-m", "bot.cli", "publish", "-o", str(tmp_path / "s")]
    unknown = subprocess.run(
        [*run, "--db", str(db), "--plan", "zz"], capture_output=True, text=True, cwd=ROOT
    )
    assert unknown.returncode != 0 and "PST « zz » inconnu" in unknown.stderr
    empty = subprocess.run(
        [*run, "--db", str(tmp_path / "vide.db")], capture_output=True, text=True, cwd=ROOT
    )
    assert empty.returncode != 0 and "aucun PST" in empty.stderr
    assert not (tmp_path / "s").exists()


def test_publish_without_output_folder_is_refused_in_french(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["publish", "--db", str(example_db(tmp_path))])
    assert "arguments obligatoires manquants : -o/--output" in capsys.readouterr().err


# ---------------------------------------------------------------- !publier


def test_publier_gives_the_zip_of_the_site_to_admins_and_the_codir(say):
    reply = say(CODIR_MEMBER, "!publier")
    [attachment] = reply.attachments
    assert attachment.mimetype == "application/zip" and attachment.filename.endswith(".zip")
    names = zipfile.ZipFile(io.BytesIO(attachment.data)).namelist()
    folder = attachment.filename.removesuffix(".zip")
    assert f"{folder}/index.html" in names and f"{folder}/style.css" in names
    assert "26 pages" in reply.text


def test_publier_is_refused_to_a_pilot(say):
    reply = say(SYLVIE, "!publier")
    assert reply.refused and not reply.attachments


# ---------------------------------------------------------------- !tableau-de-bord


def link_of(text: str) -> str:
    return re.search(r"https://\S+", text)[0]


def token_of(link: str) -> str:
    return link.removeprefix(f"{PUBLIC_URL}/tableau/").rstrip("/")


def test_tableau_de_bord_says_which_setting_serves_it_when_nothing_does(say):
    reply = say(ADMIN, "!tableau-de-bord")
    assert reply.refused and "[web]" in reply.text and "public_url" in reply.text


def test_tableau_de_bord_gives_a_signed_link_valid_seven_days(db, say):
    announce_dashboard(db, PUBLIC_URL)
    reply = say(CODIR_MEMBER, "!tableau-de-bord")
    link = link_of(reply.text)
    assert link.startswith(f"{PUBLIC_URL}/tableau/pst.") and link.endswith("/")
    opened = open_link(db, token_of(link), NOW)
    assert opened.plan == "pst" and not opened.with_pilots
    # The engine's clock (tests/conftest.py NOW) plus 7 days, local time.
    assert "Lien valable jusqu'au 21/03/2025 10:30" in reply.text
    assert say(SYLVIE, "!tableau-de-bord").refused


async def serve(db, clock):
    """The live pages' application over `db`, and a client for it."""
    settings = Settings(web=WebConfig(public_url=PUBLIC_URL))
    runtime = Runtime(settings, db, Engine(db, settings.directory(), REGISTRY))
    client = TestClient(TestServer(web_app(runtime, clock=clock)))
    await client.start_server()
    return client


async def test_a_live_link_serves_the_pages_from_the_current_database(db):
    announce_dashboard(db, PUBLIC_URL)
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    engine = Engine(db, Directory(admins={ADMIN}), REGISTRY, clock=lambda: now)
    reply = engine.handle(Message(sender=ADMIN, text="!tableau-de-bord", room="!r"))
    token = token_of(link_of(reply.text))
    client = await serve(db, lambda: now)
    try:
        index = await client.get(f"/tableau/{token}/")
        assert index.status == 200 and "charset=utf-8" in index.headers["Content-Type"]
        assert "Situation au 03/12/2026" in await index.text()
        assert index.headers["Cache-Control"] == "no-store"
        assert index.headers["Referrer-Policy"] == "no-referrer"
        assert "script-src" not in index.headers["Content-Security-Policy"]
        assert "default-src 'none'" in index.headers["Content-Security-Policy"]
        style = await client.get(f"/tableau/{token}/style.css")
        assert style.status == 200 and style.content_type == "text/css"
        chart = await client.get(f"/tableau/{token}/avancement-os.svg")
        assert chart.content_type == "image/svg+xml"
        # A change in chat shows at the next visit.
        engine.handle(Message(sender=ADMIN, text="!maj 1 fait", room="!r"))
        page = await (await client.get(f"/tableau/{token}/oo-1-1.html")).text()
        assert "Fait" in page and "Pilotes" not in page
        folder = await client.get(f"/tableau/{token}", allow_redirects=False)
        assert folder.status == 308 and folder.headers["Location"] == f"{token}/"
        missing = await client.get(f"/tableau/{token}/secret.db")
        assert missing.status == 404 and "introuvable" in await missing.text()
        assert (await client.get("/")).status == 404
    finally:
        await client.close()


async def test_an_expired_a_tampered_or_a_revoked_link_gets_403_with_a_french_page(db):
    announce_dashboard(db, PUBLIC_URL)
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    moment = {"now": now}
    engine = Engine(db, Directory(admins={ADMIN}), REGISTRY, clock=lambda: now)
    token = token_of(link_of(engine.handle(Message(ADMIN, "!tableau-de-bord", "!r")).text))
    client = await serve(db, lambda: moment["now"])
    try:
        plan, expires, view, signature = token.split(".")
        for forged in (
            f"{plan}.{int(expires) + 86400}.{view}.{signature}",  # a longer life
            f"{plan}.{expires}.pilotes.{signature}",  # the pilots' view
            f"commune.{expires}.{view}.{signature}",  # another plan
            f"{plan}.{expires}.{view}.{signature[:-2]}xx",
            "n'importe-quoi",
        ):
            answer = await client.get(f"/tableau/{forged}/")
            assert answer.status == 403, forged
            assert "n'est pas valable" in await answer.text() and 'lang="fr"' in await answer.text()
        moment["now"] = now + timedelta(days=7, seconds=1)
        expired = await client.get(f"/tableau/{token}/")
        assert expired.status == 403 and "a expiré" in await expired.text()
        moment["now"] = now
        assert (await client.get(f"/tableau/{token}/")).status == 200
        reply = engine.handle(Message(ADMIN, "!tableau-de-bord révoquer", "!r", event_id="$rv"))
        assert "révoqués" in reply.text
        assert (await client.get(f"/tableau/{token}/")).status == 403
    finally:
        await client.close()


async def test_the_pilots_view_names_the_pilots_only_when_asked(db):
    announce_dashboard(db, PUBLIC_URL)
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    engine = Engine(db, Directory(admins={ADMIN}), REGISTRY, clock=lambda: now)
    reply = engine.handle(Message(ADMIN, "!tableau-de-bord pilotes", "!r"))
    assert "avec les pilotes" in reply.text
    client = await serve(db, lambda: now)
    try:
        page = await client.get(f"/tableau/{token_of(link_of(reply.text))}/oo-1-1.html")
        assert "LM, MR, MAC, DB" in await page.text()
    finally:
        await client.close()


def test_web_public_url_must_be_https_and_is_required():
    assert parse_config({"web": {"public_url": "https://pst.example.org/"}}).web.public_url == (
        "https://pst.example.org"
    )
    for wrong in ({"public_url": "http://pst.example.org"}, {}):
        with pytest.raises(ConfigError, match="web.public_url"):
            parse_config({"web": wrong})
