"""Time the command engine in process: `!action`, `!mine`, `!update` (commit included).

    python bench/bench_engine.py            # the example PST and a generated 10,000-action PST
    python bench/bench_engine.py --runs 500

Runs on a database file (WAL) in a temporary folder, as the bot does. Prints one table.
Targets (issue "Core"): on the example, median <= 1 ms for !action, <= 3 ms for !mine; on
10,000 actions, at most twice those. `!maj` (issue 19, item 8): median <= 1.5 ms on both, for the
canonical line (`!update`) and for a pilot's sentence with two segments, a date, a comment and
thanks (`!maj phrase`), each read by the whole rule (commands/grammar.py).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from commands.catalogue import build_registry  # noqa: E402
from commands.engine import Engine  # noqa: E402
from commands.types import Directory, Message  # noqa: E402
from storage import plans  # noqa: E402
from storage.actions import actions_of_pilots, code_range  # noqa: E402
from storage.db import open_db  # noqa: E402
from storage.importing import import_plan, load_example  # noqa: E402
from storage.importing.model import (  # noqa: E402
    ActionRow,
    OperationalObjectiveRow,
    ParsedPST,
    StrategicObjectiveRow,
)

TARGETS_MS = {"!action": 1.0, "!mine": 3.0, "!update": 1.5, "!maj phrase": 1.5}
#: Targets that are the same on 10,000 actions (the grammar does not depend on the plan's size).
FLAT = ("!update", "!maj phrase")


def generated_plan(actions: int = 10_000, pilots: int = 500) -> ParsedPST:
    """A synthetic PST: 20 OS, 10 OO each, `actions` actions shared among `pilots` pilots."""
    objectives = [
        StrategicObjectiveRow(number=s, title=f"Objectif {s}", volet="interne")
        for s in range(1, 21)
    ]
    operational = [
        OperationalObjectiveRow(
            os_number=s, number=f"{s}.{o}", title=f"Objectif opérationnel {s}.{o}"
        )
        for s in range(1, 21)
        for o in range(1, 11)
    ]
    rows = []
    for n in range(1, actions + 1):
        oo = operational[n % len(operational)]
        rows.append(
            ActionRow(
                os_number=oo.os_number,
                os_title=f"Objectif {oo.os_number}",
                volet="interne",
                oo_number=oo.number,
                oo_title=oo.title,
                code=str(n),
                title=f"Action générée numéro {n} pour la mesure des performances",
                indicators="Fait/pas fait",
                pilots=sorted({f"P{n % pilots}", f"P{(n * 7) % pilots}"}),
                deadline="2020-2024",
                start_date=None,
                end_date=None,
                line=n,
            )
        )
    return ParsedPST(objectives=objectives, operational=operational, actions=rows)


def median_ms(engine: Engine, messages: list[Message]) -> tuple[float, float]:
    timings = []
    for message in messages:
        start = time.perf_counter()
        reply = engine.handle(message)
        timings.append((time.perf_counter() - start) * 1000)
        assert reply is not None and not reply.refused, (message.text, reply and reply.text)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def bench(name: str, parsed: ParsedPST, pilot: str, runs: int) -> list[tuple]:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        import_plan(db, parsed)
        engine = Engine(db, Directory(admins={"@dg"}, initials_as_ids=True), build_registry())
        plan_id = plans.only_plan(db).id
        mine = [a.code for a in actions_of_pilots(db, plan_id, {pilot})]
        high = int(code_range(db, plan_id)[1])
        cases = {
            "!action": [Message("@dg", f"!action {1 + i % high}") for i in range(runs)],
            "!mine": [Message(pilot, "!mine") for _ in range(runs)],
            "!update": [
                Message(pilot, f"!maj {mine[i % len(mine)]} en cours {i % 99 + 1}% point {i}")
                for i in range(runs)
            ],
            "!maj phrase": [
                Message(
                    pilot,
                    f"!maj {mine[i % len(mine)]} en cours {i % 98 + 1}% réunion le 12/03 avec"
                    f" le service, {mine[(i + 1) % len(mine)]} à {i % 97 + 2} % - merci",
                )
                for i in range(runs)
            ],
        }
        results = []
        for command, messages in cases.items():
            engine.handle(messages[0])  # warm the caches (an update repeated changes nothing)
            median, p95 = median_ms(engine, messages[1:])
            results.append((name, command, median, p95, len(mine)))
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    results = bench("exemple (127 actions)", load_example(), "LM", args.runs)
    results += bench("généré (10 000 actions, 500 pilotes)", generated_plan(), "P7", args.runs)
    print(f"{'PST':40} {'commande':11} {'médiane':>9} {'p95':>9} {'cible':>8}  actions du pilote")
    for name, command, median, p95, count in results:
        doubled = name.startswith("généré") and command not in FLAT
        target = TARGETS_MS[command] * (2 if doubled else 1)
        mark = "ok" if median <= target else "LENT"
        figures = f"{median:7.3f}ms {p95:7.3f}ms {target:6.1f}ms"
        print(f"{name:40} {command:11} {figures}  {count:4}  {mark}")


if __name__ == "__main__":
    main()
