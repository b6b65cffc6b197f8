"""A real headless Chromium for the tests, driven through its DevTools protocol over a pipe
(`--remote-debugging-pipe`): no WebDriver, no network port, no Python package beyond the
standard library.

    with Chromium() as browser:
        loaded = browser.open("http://127.0.0.1:8000/index.html")   # a Loaded
        loaded.status, loaded.failed        # 200, [] (every resource that did not load)
        browser.evaluate("document.title")
        browser.screenshot(path, width=1280)

    db, plan = scripted_example()       # the bundled example after two years of updates

`CHROMIUM` (default /usr/bin/chromium) names the browser. `find_chromium()` and `find_axe()`
raise `BrowserMissing` with what to install: the tests fail with it, they never skip.
"""

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.db import open_db
from storage.history import record_update
from storage.importing import import_plan, load_example
from storage.plans import only_plan
from storage.vocabulary import DONE, IN_PROGRESS

ROOT = Path(__file__).resolve().parents[1]
#: Where scripts/test puts axe-core (`npm install --prefix .venv/node axe-core`); AXE_CORE wins.
AXE_PLACES = (
    ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js",
    ROOT / "node_modules" / "axe-core" / "axe.min.js",
)
TIMEOUT_S = 30


class BrowserMissing(AssertionError):
    """What the browser tests need is not installed: the message says what to install."""


def find_chromium() -> str:
    named = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    found = shutil.which(named) or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise BrowserMissing(
            f"Chromium introuvable ({named}) : installez-le (apt-get install chromium) ou "
            "donnez son chemin dans CHROMIUM. Les tests du site publié l'ouvrent pour de vrai."
        )
    return found


def find_axe() -> str:
    """The source of axe-core (axe.min.js)."""
    places = [Path(os.environ["AXE_CORE"])] if os.environ.get("AXE_CORE") else list(AXE_PLACES)
    for place in places:
        if place.is_file():
            return place.read_text(encoding="utf-8")
    raise BrowserMissing(
        "axe-core introuvable (" + ", ".join(map(str, places)) + ") : installez-le avec "
        "« npm install --prefix .venv/node axe-core@4 » ou donnez le chemin de axe.min.js "
        "dans AXE_CORE."
    )


@dataclass
class Loaded:
    """A page as Chromium loaded it: the main document's status, and each resource (style
    sheet, image, page) that failed or answered 400 and more, as "url: why"."""

    url: str
    status: int
    failed: list[str] = field(default_factory=list)


class Chromium:
    def __init__(self) -> None:
        self._profile = tempfile.TemporaryDirectory(prefix="pst-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4.
        command = [
            find_chromium(),
            "--headless=new",
            "--remote-debugging-pipe",
            "--no-sandbox",  # the tests may run as root (CI containers)
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--hide-scrollbars",
            "--mute-audio",
            f"--user-data-dir={self._profile.name}",
            "about:blank",
        ]
        shell = f'exec "$@" 3<&{to_browser_r} 4>&{from_browser_w}'
        self._process = subprocess.Popen(
            ["bash", "-c", shell, "chromium", *command],
            pass_fds=(to_browser_r, from_browser_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self._send("Target.createTarget", url="about:blank")["targetId"]
        attached = self._send("Target.attachToTarget", targetId=target, flatten=True)
        self._session = attached["sessionId"]
        for domain in ("Page.enable", "Network.enable", "Runtime.enable"):
            self.call(domain)

    # ------------------------------------------------------------ the protocol

    def _write(self, message: dict) -> None:
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("Chromium ne répond pas")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise ConnectionError("Chromium s'est arrêté")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def _send(self, method: str, session: str | None = None, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._write(message)
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            if "method" in answer:
                self.events.append(answer)

    def call(self, method: str, **params) -> dict:
        """A command to the page (its session)."""
        return self._send(method, self._session, **params)

    def _wait_for(self, method: str, deadline: float) -> dict:
        while True:
            for index, event in enumerate(self.events):
                if event["method"] == method:
                    return self.events.pop(index)
            self.events.append(self._read(deadline))

    # ------------------------------------------------------------ what the tests do

    def open(self, url: str) -> Loaded:
        """Load `url` and wait for its load event; what did not load is in `failed`."""
        self.events.clear()
        navigated = self.call("Page.navigate", url=url)
        if navigated.get("errorText"):
            return Loaded(url, 0, [f"{url}: {navigated['errorText']}"])
        self._wait_for("Page.loadEventFired", time.monotonic() + TIMEOUT_S)
        status, failed, requests = 0, [], {}
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Network.requestWillBeSent":
                requests[params["requestId"]] = params["request"]["url"]
            elif event["method"] == "Network.responseReceived":
                response = params["response"]
                if params.get("type") == "Document" and response["url"] == url:
                    status = response["status"]
                if response["status"] >= 400:
                    failed.append(f"{response['url']}: {response['status']}")
            elif event["method"] == "Network.loadingFailed" and not params.get("canceled"):
                failed.append(f"{requests.get(params['requestId'], '?')}: {params['errorText']}")
        return Loaded(url, status, failed)

    def evaluate(self, expression: str, awaiting: bool = False):
        """The value of a JavaScript expression in the page (a promise awaited if asked)."""
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=awaiting
        )
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"].get("text", "exception"))
        return result["result"].get("value")

    def screenshot(self, path: Path, width: int = 1280) -> Path:
        """The whole page at `width` CSS pixels, as a PNG file."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=800,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        height = self.evaluate("document.documentElement.scrollHeight")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=min(height, 16000),
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        shot = self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        self.call("Emulation.clearDeviceMetricsOverride")
        return path

    def close(self) -> None:
        with contextlib.suppress(OSError, TimeoutError, ConnectionError, RuntimeError):
            self._send("Browser.close")
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self._profile.cleanup()

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ---------------------------------------------------------------- the plan the tests publish

#: The day of the situation the tests publish (a fixed one: the same site every run).
SITUATION = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
#: Comments the pilots wrote, with what a published page must never show as it is.
HOSTILE_COMMENT = (
    'vu avec LM et @luc:example.org (luc.martin@cpas-frameries.be) <script>alert("x")</script>'
)


def scripted_example():
    """The bundled example after two years of use: 40 actions done month after month, 20 in
    progress with a figure and a comment, one comment naming people and holding HTML."""
    db = open_db(":memory:")
    import_plan(db, load_example())
    start = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)
    for index, number in enumerate(range(1, 128, 3)):
        at = start + timedelta(days=17 * index)
        if index % 3 == 2:
            record_update(
                db,
                number,
                "@sylvie:example.org",
                new_status=IN_PROGRESS,
                progress=10 * (index % 9 + 1),
                comment="marché attribué",
                at=at,
            )
        else:
            record_update(db, number, "@luc:example.org", new_status=DONE, at=at)
    record_update(
        db,
        2,
        "@luc:example.org",
        new_status=IN_PROGRESS,
        progress=40,
        comment=HOSTILE_COMMENT,
        at=start + timedelta(days=600),
    )
    return db, only_plan(db)
