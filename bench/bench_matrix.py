"""Time the Matrix transport end to end, against a minimal echo bot on the same Synapse.

    python bench/bench_matrix.py                       # 200 round trips each, burst 500 / 50
    python bench/bench_matrix.py --runs 0 --pilots 10 --per-pilot 5    # a quick check
    python bench/bench_matrix.py --plain    # the bot as a plain install: what encryption costs
    python bench/bench_matrix.py --command '!x{n}'    # round trips with a short reply (a refusal)
    python bench/bench_matrix.py --echo-like-pst    # the echo's notices shaped as pst-bot's

Starts a loopback Synapse (tests/e2e/synapse.py), the real bot (`python -m bot.cli run`, as in
the e2e tests) and an echo bot (matrix-nio, `sync_forever`, answers every text with an m.notice
in reply), both as subprocesses. One client measures the time from sending `!action N` to
seeing the reply arrive in its own /sync, alternating between the two bots.

Then the same burst for each bot, one after the other: every pilot sends its `!maj N en cours
P% …` at once, each from its own direct room with that bot (for pst-bot each update also posts
in a CODIR room). Each pilot's client syncs in the background and notes when each reply arrives:
the per-command reply latency (from just before the send to the reply in the pilot's /sync),
p50 and p95, the commands never answered (misses), for pst-bot the updates applied (each once?)
and, at the end, the peak RSS of each bot's process (VmHWM in /proc/PID/status).
Targets (issue 18, "a read writes nothing"): round-trip median at most 1.05x the echo bot's;
in the burst, every update applied once and none unanswered, pst-bot's p95 at most the echo
bot's (1.0x), peak RSS under 150 MB. Each is printed with "met" or "MISSED".
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nio import (  # noqa: E402
    AsyncClient,
    InviteMemberEvent,
    MatrixRoom,
    RoomMessage,
    RoomMessageText,
)

from bot.matrix.sync import TIMELINE_LIMIT  # noqa: E402
from commands.formatting import lines_to_html  # noqa: E402
from storage import plans  # noqa: E402
from storage.actions import actions_of_pilots, pilot_codes  # noqa: E402
from storage.db import open_db  # noqa: E402
from storage.importing import import_plan, load_example  # noqa: E402
from tests.e2e.botproc import BotProcess  # noqa: E402
from tests.e2e.chat import SYNC_FILTER, Chat, in_reply_to  # noqa: E402
from tests.e2e.synapse import Homeserver, unique_name  # noqa: E402

TARGET_RATIO = 1.05
TARGET_BURST_P95_RATIO = 1.0
TARGET_RSS_MB = 150
BOT_SYNC_FILTER = {"room": {"timeline": {"limit": TIMELINE_LIMIT}}}


# ---------------------------------------------------------------- the echo bot (a subprocess)


async def echo_bot(homeserver: str, user_id: str, password: str, like_pst: bool = False) -> None:
    """The smallest useful nio bot: join on invite, answer each text with a notice in reply
    (`like_pst`: with an HTML twin and the sender in m.mentions, as pst-bot's replies)."""
    client = AsyncClient(homeserver, user_id)
    await client.login(password)

    async def on_invite(room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == client.user_id and event.membership == "invite":
            await client.join(room.room_id)

    async def on_text(room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == client.user_id:
            return
        content = {
            "msgtype": "m.notice",
            "body": event.body,
            "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
        }
        if like_pst:  # what pst-bot's notices carry besides their text
            content["format"] = "org.matrix.custom.html"
            content["formatted_body"] = lines_to_html(event.body.splitlines())
            content["m.mentions"] = {"user_ids": [event.sender]}
        await client.room_send(room.room_id, "m.room.message", content)

    await client.sync(timeout=0, full_state=True)  # skip history
    client.add_event_callback(on_invite, InviteMemberEvent)
    client.add_event_callback(on_text, RoomMessageText)
    # The same timeline limit as pst-bot's (Synapse's default, 10, would drop most of a burst).
    await client.sync_forever(timeout=30_000, sync_filter=BOT_SYNC_FILTER)


# ---------------------------------------------------------------- measuring


class Watcher:
    """One client's background /sync loop, noting when each reply arrives."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.arrived: dict[str, float] = {}  # command event id -> arrival of its reply
        self.changed = asyncio.Event()
        chat.client.add_event_callback(self._on_event, RoomMessage)
        self._task = asyncio.create_task(self._loop())

    async def _on_event(self, room, event) -> None:
        self.arrived.setdefault(in_reply_to(event) or "", time.perf_counter())
        self.changed.set()

    async def _loop(self) -> None:
        while True:
            await self.chat.client.sync(timeout=30_000, sync_filter=SYNC_FILTER)

    async def round_trip(self, room_id: str, text: str) -> float:
        start = time.perf_counter()
        response = await self.chat.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": text}
        )
        while response.event_id not in self.arrived:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 30)
        return self.arrived[response.event_id] - start

    def stop(self) -> None:
        self._task.cancel()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def latency(
    hs: Homeserver, bot: BotProcess, echo_id: str, runs: int, command: str = "!action {n}"
) -> dict:
    client = await Chat.login(hs, "mesure")
    ours = await client.room_with(bot.user_id)
    echo = await client.room_with(echo_id)
    watcher = Watcher(client)
    times: dict[str, list[float]] = {"pst-bot": [], "echo": []}
    try:
        for index in range(runs + 10):
            number = 1 + index % 127
            for name, room in (("pst-bot", ours), ("echo", echo)):
                elapsed = await watcher.round_trip(room, command.format(n=number))
                if index >= 10:  # warm-up
                    times[name].append(elapsed * 1000)
    finally:
        watcher.stop()
        await client.close()
    return times


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


@dataclass
class BurstResult:
    bot: str
    sent: int
    sent_in: float  # s from the first send to the last
    answered_in: float  # s from the first send to the last reply (or the time-out)
    latencies: list[float]  # s, one per answered command
    event_ids: list[str]
    start: float  # perf_counter of the first send
    applied: dict[str, int] | None = None  # pst-bot: event id -> times applied
    delivered_in: float | None = None  # pst-bot: s until every CODIR post was sent too

    @property
    def misses(self) -> int:
        return self.sent - len(self.latencies)


async def burst(
    name: str, watchers: list[Watcher], rooms: list[str], work: list[list[str]], timeout: float
) -> BurstResult:
    """Every pilot sends its commands (`work`, one list per pilot) in its room, all pilots at
    once; waits until every command has its reply (or `timeout`)."""
    sent_at: dict[str, float] = {}

    async def one(watcher: Watcher, room: str, texts: list[str]) -> None:
        for text in texts:
            start = time.perf_counter()
            response = await watcher.chat.client.room_send(
                room, "m.room.message", {"msgtype": "m.text", "body": text}
            )
            sent_at[response.event_id] = start

    start = time.perf_counter()
    await asyncio.gather(*(one(w, r, t) for w, r, t in zip(watchers, rooms, work, strict=True)))
    sent_in = time.perf_counter() - start
    arrived: dict[str, float] = {}
    while time.perf_counter() - start < timeout:
        for watcher in watchers:
            arrived.update((e, t) for e, t in watcher.arrived.items() if e in sent_at)
        if len(arrived) == len(sent_at):
            break
        await asyncio.sleep(0.05)
    answered_in = (max(arrived.values()) if arrived else time.perf_counter()) - start
    latencies = [arrived[e] - sent_at[e] for e in sent_at if e in arrived]
    return BurstResult(name, len(sent_at), sent_in, answered_in, latencies, list(sent_at), start)


async def wait_delivered(bot: BotProcess, result: BurstResult, timeout: float) -> None:
    """Until the bot has marked every command delivered (its CODIR post sent too), so that
    the next burst does not share the homeserver with posts still going out."""
    marks = ",".join("?" * len(result.event_ids))
    query = f"select count(*) from handled_events where delivered = 1 and event_id in ({marks})"
    while time.perf_counter() - result.start < timeout:
        if bot.query(query, result.event_ids)[0][0] == result.sent:
            result.delivered_in = time.perf_counter() - result.start
            return
        await asyncio.sleep(0.1)


def updates(db_actions: dict[str, list[int]], codes: list[str], per_pilot: int) -> list[list[str]]:
    """The burst's commands: each pilot's `per_pilot` single-line !maj on its own actions."""
    work = []
    for code in codes:
        numbers = db_actions[code]
        work.append(
            [
                f"!maj {numbers[i % len(numbers)]} en cours {i + 1}% rafale {code}-{i}"
                for i in range(per_pilot)
            ]
        )
    return work


def applied_counts(bot: BotProcess, event_ids: list[str]) -> dict[str, int]:
    marks = ",".join("?" * len(event_ids))
    rows = bot.query(
        f"select source_id, count(*) from updates where source_id in ({marks}) group by source_id",
        event_ids,
    )
    return dict(rows)


def report_burst(results: list[BurstResult], rss: dict[str, float], pilots: int) -> None:
    count = results[0].sent
    print(f"\nBurst: {count} single-line !maj from {pilots} pilots, per bot (latency in s):")
    print("| bot | sent in | last reply | p50 | p95 | max | misses | applied | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        lat = r.latencies or [float("nan")]
        if r.applied is None:
            applied = "-"
        else:
            once = sum(1 for n in r.applied.values() if n == 1)
            twice = sum(1 for n in r.applied.values() if n > 1)
            applied = f"{once}/{r.sent} once" + (f", {twice} more than once" if twice else "")
        print(
            f"| {r.bot} | {r.sent_in:.1f} | {r.answered_in:.1f} | {statistics.median(lat):.2f} "
            f"| {percentile(lat, 95):.2f} | {max(lat):.2f} | {r.misses} | {applied} "
            f"| {rss[r.bot]:.0f} MB |"
        )
    ours, echo = results
    if ours.latencies and echo.latencies:
        ratio = percentile(ours.latencies, 95) / percentile(echo.latencies, 95)
        print(f"p95 pst-bot / echo: {ratio:.2f} {verdict(ratio <= TARGET_BURST_P95_RATIO)}")
    print(f"pst-bot misses: {ours.misses} {verdict(ours.misses == 0)}")
    if ours.delivered_in is not None:
        print(f"pst-bot: every CODIR post sent too after {ours.delivered_in:.1f} s")
    peak = rss["pst-bot"]
    print(f"peak RSS pst-bot: {peak:.0f} MB {verdict(peak < TARGET_RSS_MB)} (< {TARGET_RSS_MB})")


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


async def main(args) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-matrix-") as tmp, Homeserver() as hs:
        tmp = Path(tmp)
        password = unique_name("pw")
        bot_id = hs.register(unique_name("pst-bot"), password)
        echo_id = hs.register(unique_name("echo"), password)
        codes = sorted(load_example_codes())[: args.pilots]
        pilots = [await Chat.login(hs, "pilot") for _ in codes]
        dg = await Chat.login(hs, "dg")
        codir = await dg.create_room([bot_id], name="CODIR")  # every update posts there
        bot = BotProcess(
            tmp / "bot",
            hs.base_url,
            bot_id,
            password,
            access={"allowed_inviters": ["*:localhost"]},
            pilots={code: chat.user_id for code, chat in zip(codes, pilots, strict=True)},
            codir_room=codir,
            plain=args.plain,
        )
        bot.seed()
        bot.start()
        echo = subprocess.Popen(
            [sys.executable, __file__, "--echo-bot", hs.base_url, echo_id, password]
            + (["like-pst"] if args.echo_like_pst else []),
            stdout=subprocess.DEVNULL,
            stderr=(tmp / "echo.log").open("w"),
        )
        watchers: list[Watcher] = []
        try:
            await dg.until(lambda: dg.is_member(codir, bot_id), 30, "bot up")
            await asyncio.sleep(1)  # the echo bot too
            times = await latency(hs, bot, echo_id, args.runs, args.command) if args.runs else None
            ours = [await chat.room_with(bot_id, is_direct=True) for chat in pilots]
            theirs = [await chat.room_with(echo_id, is_direct=True) for chat in pilots]
            db = open_db(":memory:")
            plan_id = plans.plan_by_code(db, import_plan(db, load_example()).plan).id
            actions = {c: [a.code for a in actions_of_pilots(db, plan_id, {c})] for c in codes}
            work = updates(actions, codes, args.per_pilot)
            watchers = [Watcher(chat) for chat in pilots]
            results = [await burst("pst-bot", watchers, ours, work, args.timeout)]
            await wait_delivered(bot, results[0], args.timeout)
            results.append(await burst("echo", watchers, theirs, work, args.timeout))
            results[0].applied = applied_counts(bot, results[0].event_ids)
            rss = {"pst-bot": peak_rss_mb(bot.pid), "echo": peak_rss_mb(echo.pid)}
        finally:
            for watcher in watchers:
                watcher.stop()
            echo.terminate()
            bot.terminate()
            for chat in [dg, *pilots]:
                await chat.close()
    if times:
        print(f"Round trip `{args.command}`, {args.runs} runs each, alternating (ms):")
        print("| bot | median | p95 |")
        print("|---|---|---|")
        for name, values in times.items():
            print(f"| {name} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} |")
        ratio = statistics.median(times["pst-bot"]) / statistics.median(times["echo"])
        print(
            f"median ratio pst-bot / echo: {ratio:.2f} {verdict(ratio <= TARGET_RATIO)}"
            f" (<= {TARGET_RATIO})"
        )
    report_burst(results, rss, len(codes))


def load_example_codes() -> list[str]:
    db = open_db(":memory:")
    import_plan(db, load_example())
    return pilot_codes(db)


if __name__ == "__main__":
    if len(sys.argv) in (5, 6) and sys.argv[1] == "--echo-bot":
        asyncio.run(echo_bot(*sys.argv[2:5], like_pst=len(sys.argv) == 6))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--pilots", type=int, default=50)
    parser.add_argument("--per-pilot", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=600, help="s to wait for a burst")
    parser.add_argument(
        "--command", default="!action {n}", help="what the round trips send ({n}: 1 to 127)"
    )
    parser.add_argument(
        "--plain", action="store_true", help="the bot without encryption (what it costs)"
    )
    parser.add_argument(
        "--echo-like-pst",
        action="store_true",
        help="the echo bot's notices carry an HTML twin and m.mentions, as pst-bot's do (what "
        "the homeserver spends on them); the targets are those of the plain echo bot",
    )
    asyncio.run(main(parser.parse_args()))
