"""Bursts of updates from several pilots, and how many of them the bot applied: shared by the
tests where the bot meets a fault in the middle of one (SIGKILL, an outage).

    sent = await send_updates(pilots, rooms, 0, 5)     # event id -> text
    assert applied(bot, sent) == {event_id: 1 for event_id in sent}
"""

from __future__ import annotations

import asyncio

from .botproc import BotProcess
from .chat import Chat

#: Ten actions each pilot of the Frameries example pilots.
ACTIONS = {
    "LM": [1, 10, 17, 50, 52, 53, 54, 56, 59, 62],
    "MR": [1, 49, 50, 51, 54, 55, 56, 57, 58, 63],
    "AB": [26, 27, 31, 33, 34, 35, 36, 38, 48, 51],
    "AL": [50, 53, 56, 61, 62, 65, 68, 69, 71, 76],
    "MAC": [1, 60, 80, 81, 84, 93, 95, 100, 101, 105],
}


async def send_updates(pilots: dict[str, Chat], rooms: dict[str, str], first: int, last: int):
    """Updates number first..last-1 of every pilot, the pilots concurrently; event id -> text."""

    async def one_pilot(code: str) -> dict[str, str]:
        sent = {}
        for index in range(first, last):
            text = f"!maj {ACTIONS[code][index]} en cours {10 + index}% rafale {code}-{index}"
            sent[await pilots[code].send(rooms[code], text)] = text
        return sent

    results = await asyncio.gather(*(one_pilot(code) for code in pilots))
    return {event_id: text for sent in results for event_id, text in sent.items()}


def applied(bot: BotProcess, event_ids) -> dict[str, int]:
    marks = ",".join("?" * len(event_ids))
    rows = bot.query(
        f"select source_id, count(*) from updates where source_id in ({marks}) group by source_id",
        list(event_ids),
    )
    return dict(rows)
