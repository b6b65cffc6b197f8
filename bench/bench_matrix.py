"""Time the Matrix transport end to end, against a minimal echo bot on the same Synapse.

    python bench/bench_matrix.py                       # 200 round trips each, burst 500 / 50
    python bench/bench_matrix.py --runs 100 --pilots 20 --per-pilot 5

Starts a loopback Synapse (tests/e2e/synapse.py), the real bot (`python -m bot.cli run`, as in
the e2e tests) and an echo bot (matrix-nio, `sync_forever`, answers every text with an m.notice
in reply), both as subprocesses. One client measures the time from sending `!action N` to
seeing the reply arrive in its own /sync, alternating between the two bots. Then a burst: every
pilot sends its updates at once, each from its own direct room with the bot (each update also
posts in a CODIR room); the time until all are applied in the database, and until every pilot
has its replies.
Target (issue "Matrix transport"): our median within 1.15x of the echo bot's.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
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

from storage import plan  # noqa: E402
from storage.db import open_db  # noqa: E402
from storage.importing import import_plan, load_example  # noqa: E402
from tests.e2e.botproc import BotProcess  # noqa: E402
from tests.e2e.chat import SYNC_FILTER, Chat, in_reply_to  # noqa: E402
from tests.e2e.synapse import Homeserver, unique_name  # noqa: E402

TARGET_RATIO = 1.15


# ---------------------------------------------------------------- the echo bot (a subprocess)


async def echo_bot(homeserver: str, user_id: str, password: str) -> None:
    """The smallest useful nio bot: join on invite, answer each text with a notice in reply."""
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
        await client.room_send(room.room_id, "m.room.message", content)

    await client.sync(timeout=0, full_state=True)  # skip history
    client.add_event_callback(on_invite, InviteMemberEvent)
    client.add_event_callback(on_text, RoomMessageText)
    await client.sync_forever(timeout=30_000)


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


async def latency(hs: Homeserver, bot: BotProcess, echo_id: str, runs: int) -> dict:
    client = await Chat.login(hs, "mesure")
    ours = await client.room_with(bot.user_id)
    echo = await client.room_with(echo_id)
    watcher = Watcher(client)
    times: dict[str, list[float]] = {"pst-bot": [], "echo": []}
    try:
        for index in range(runs + 10):
            number = 1 + index % 127
            for name, room in (("pst-bot", ours), ("echo", echo)):
                elapsed = await watcher.round_trip(room, f"!action {number}")
                if index >= 10:  # warm-up
                    times[name].append(elapsed * 1000)
    finally:
        watcher.stop()
        await client.close()
    return times


async def burst(hs: Homeserver, bot: BotProcess, pilots: list[Chat], codes, per_pilot: int):
    rooms = [await chat.room_with(bot.user_id, is_direct=True) for chat in pilots]
    db = open_db(":memory:")
    import_plan(db, load_example())
    actions = {code: [a["number"] for a in plan.actions_of_pilots(db, {code})] for code in codes}

    async def one(chat: Chat, room: str, code: str) -> list[str]:
        sent = []
        for index in range(per_pilot):
            number = actions[code][index % len(actions[code])]
            text = f"!maj {number} en cours {index + 1}% rafale {code}-{index}"
            sent.append(await chat.send(room, text))
        return sent

    start = time.perf_counter()
    sent = await asyncio.gather(
        *(one(c, r, code) for c, r, code in zip(pilots, rooms, codes, strict=True))
    )
    sent_at = time.perf_counter() - start
    event_ids = [e for events in sent for e in events]
    marks = ",".join("?" * len(event_ids))
    while True:
        (count,) = bot.query(
            f"select count(*) from updates where source_id in ({marks})", event_ids
        )[0]
        if count >= len(event_ids):
            break
        await asyncio.sleep(0.05)
    applied_at = time.perf_counter() - start

    async def replies(chat: Chat, events: list[str]) -> None:
        await chat.until(lambda: all(chat.replies_to(e) for e in events), 120, "replies")

    await asyncio.gather(*(replies(c, events) for c, events in zip(pilots, sent, strict=True)))
    answered_at = time.perf_counter() - start
    return len(event_ids), sent_at, applied_at, answered_at


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
        )
        bot.seed()
        bot.start()
        echo = subprocess.Popen(
            [sys.executable, __file__, "--echo-bot", hs.base_url, echo_id, password],
            stdout=subprocess.DEVNULL,
            stderr=(tmp / "echo.log").open("w"),
        )
        try:
            await dg.until(lambda: dg.is_member(codir, bot_id), 30, "bot up")
            await asyncio.sleep(1)  # the echo bot too
            times = await latency(hs, bot, echo_id, args.runs)
            count, sent_at, applied_at, answered_at = await burst(
                hs, bot, pilots, codes, args.per_pilot
            )
        finally:
            echo.terminate()
            bot.terminate()
            for chat in [dg, *pilots]:
                await chat.close()
    print(f"Round trip `!action N`, {args.runs} runs each, alternating (ms):")
    print("| bot | median | p95 |")
    print("|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} |")
    ratio = statistics.median(times["pst-bot"]) / statistics.median(times["echo"])
    print(f"median ratio pst-bot / echo: {ratio:.2f} (target <= {TARGET_RATIO})")
    print(
        f"Burst: {count} updates from {len(codes)} pilots: sent in {sent_at:.1f} s, "
        f"all applied after {applied_at:.1f} s, all replies received after {answered_at:.1f} s"
    )


def load_example_codes() -> list[str]:
    db = open_db(":memory:")
    import_plan(db, load_example())
    return plan.pilot_codes(db)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--echo-bot":
        asyncio.run(echo_bot(*sys.argv[2:]))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--pilots", type=int, default=50)
    parser.add_argument("--per-pilot", type=int, default=10)
    asyncio.run(main(parser.parse_args()))
