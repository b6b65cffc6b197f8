"""Time and memory of the evaluation and the table of a 10,000-action plan with 100,000 updates,
read from a SQLite database as the bot reads it (`list_actions(..., with_history=True)`).

    .venv/bin/python bench/bench_evaluation.py            # builds the database, then measures
    .venv/bin/python bench/bench_evaluation.py --quick    # one warm run per report, not three

The database is written in bulk (no chat): 20 OS, 2,000 OO, 10,000 actions, and 100,000
history entries from 2019 to mid-2024 — status changes (a tenth of the dones backdated
« le 12/03 »), progress, health with reasons, notes, moved deadlines, and undos (about 6 %),
each action's row left as its last standing change says.

For each report, one fresh process under `/usr/bin/time -v` (the whole process: interpreter,
imports, reading the database, building the file): its wall time and peak resident memory; and
in that process, the time to read the plan with its history and the time to build the file.
Then, in this process, the median of warm runs (the plan read once, imports loaded).
Targets: under 10 s and 300 MB per report (docs/benchmarks-reports.md).
"""

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import reports  # noqa: E402
from storage.actions import list_actions  # noqa: E402
from storage.db import open_db  # noqa: E402
from storage.transactions import transaction  # noqa: E402

ACTIONS, UPDATES, OS_COUNT, OO_PER_OS = 10_000, 100_000, 20, 100
PERIOD = {"since": date(2022, 1, 1), "generated_on": date(2024, 6, 30)}
WHOLE = {"generated_on": date(2024, 6, 30)}
PILOTS = ("LM", "MR", "MAC", "SV", "AB", "DB", "TL", "Service RH")
_VOCABULARY = (
    "améliorer renforcer la communication interne externe du CPAS avec les bénéficiaires "
    "service social insertion logement énergie personnel formation informatique marché "
    "public subvention procédure bâtiment maison de repos crèche"
)
WORDS = _VOCABULARY.split()

REPORTS = {
    "evaluation md": lambda rows: reports.evaluation_report(rows, "md", **PERIOD),
    "evaluation html": lambda rows: reports.evaluation_report(rows, "html", **PERIOD),
    "evaluation odt": lambda rows: reports.evaluation_report(rows, "odt", **PERIOD),
    "evaluation docx": lambda rows: reports.evaluation_report(rows, "docx", **PERIOD),
    "evaluation pdf": lambda rows: reports.evaluation_report(rows, "pdf", **PERIOD),
    "evaluation odt, whole": lambda rows: reports.evaluation_report(rows, "odt", **WHOLE),
    "table xlsx": reports.table_xlsx,
    "table ods": reports.table_ods,
    "table csv": reports.table_csv,
    "table pdf": reports.table_pdf,
    "chart png": lambda rows: reports.progress_chart_png(rows, today=WHOLE["generated_on"]),
}


# ---------------------------------------------------------------- the database, in bulk


def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high))).capitalize()


def _history(rng: random.Random, number: int, count: int, first_id: int) -> tuple[list, dict]:
    """`count` entries for action `number` (ids from `first_id`), and the row they leave."""
    at = datetime(2019, 1, 15, 8, 0, tzinfo=UTC) + timedelta(days=rng.randint(0, 300))
    step = max(1, (2000 - (at - datetime(2019, 1, 1, tzinfo=UTC)).days) // max(1, count))
    state = {"status": "à démarrer", "progress": None, "health": None, "comment": None}
    standing: list[tuple[dict, dict]] = []  # (entry, state before it), undoable in order
    entries = []
    deadline = "2024"
    for offset in range(count):
        at += timedelta(days=rng.randint(1, step), minutes=rng.randint(0, 600))
        entry = {
            "id": first_id + offset,
            "action_number": number,
            "at": at.isoformat(),
            "who": rng.choice(PILOTS),
            "old_status": state["status"],
            "old_progress": state["progress"],
            "comment": None,
            "value": None,
            "old_value": None,
        }
        before = dict(state)
        roll = rng.random()
        if roll < 0.06 and standing:
            undone, restored = standing.pop()
            entry |= {"kind": "undo", "value": str(undone["id"])}
            state = restored
        elif roll < 0.45:
            status = rng.choice(("en cours", "en cours", "fait", "suspendu", "abandonné"))
            if status == state["status"]:
                status = "en cours" if status != "en cours" else "fait"
            progress = 100 if status == "fait" else rng.choice((None, 10, 30, 50, 70, 90))
            comment = _words(rng, 3, 10)
            if status == "fait" and rng.random() < 0.1:
                said = at - timedelta(days=rng.randint(1, 20))
                comment = f"le {said.day:02d}/{said.month:02d} {comment}"
            entry |= {"kind": "status", "comment": comment}
            state |= {"status": status, "progress": progress, "comment": comment}
        elif roll < 0.65:
            progress = min(95, (state["progress"] or 0) + rng.randint(5, 30))
            entry |= {"kind": "status", "comment": f"{progress} %"}
            state |= {"status": "en cours", "progress": progress, "comment": entry["comment"]}
        elif roll < 0.80:
            health = rng.choice(("bon", "risque", "bloque"))
            reason = _words(rng, 2, 6)
            entry |= {"kind": "health", "value": health, "comment": reason}
            state |= {"health": health, "comment": reason}
        elif roll < 0.97:
            entry |= {"kind": "note", "comment": _words(rng, 4, 12)}
            state |= {"comment": entry["comment"]}
        else:
            moved = str(rng.randint(2024, 2027))
            entry |= {"kind": "deadline", "value": moved, "old_value": deadline}
            deadline = moved
        entry |= {"new_status": state["status"], "new_progress": state["progress"]}
        if entry["kind"] != "undo":
            standing.append((entry, before))
        entries.append(entry)
    row = state | {"updated_at": entries[-1]["at"] if entries else None, "deadline": deadline}
    return entries, row


def build_database(path: Path, seed: int = 0) -> dict:
    """Write the plan and its history to `path`; returns the counts written."""
    rng = random.Random(seed)
    db = open_db(str(path))
    counts = [rng.randint(0, 20) for _ in range(ACTIONS)]
    scale = UPDATES / sum(counts)
    counts = [round(c * scale) for c in counts]
    counts[-1] += UPDATES - sum(counts)
    actions, pilots, updates = [], [], []
    next_id = 1
    with transaction(db):
        db.execute(
            "insert into plans (id, code, title, organisation, period, state, created_at)"
            " values (1, 'pst', 'PST 2019-2024', 'CPAS de Banc-d''Essai', '2019-2024',"
            " 'active', '2019-01-01T08:00:00+00:00')"
        )
        db.conn.executemany(
            "insert into strategic_objectives (id, plan_id, number, title, volet)"
            " values (?, 1, ?, ?, ?)",
            [
                (
                    os,
                    os,
                    f"Etre un CPAS qui {_words(rng, 4, 9).lower()}",
                    ("interne", "externe")[os % 2],
                )
                for os in range(1, OS_COUNT + 1)
            ],
        )
        db.conn.executemany(
            "insert into operational_objectives (id, plan_id, os_id, number, title, position)"
            " values (?, 1, ?, ?, ?, ?)",
            [
                (
                    (os - 1) * OO_PER_OS + k,
                    os,
                    f"{os}.{k}",
                    _words(rng, 3, 8),
                    (os - 1) * OO_PER_OS + k,
                )
                for os in range(1, OS_COUNT + 1)
                for k in range(1, OO_PER_OS + 1)
            ],
        )
        for number in range(1, ACTIONS + 1):
            entries, row = _history(rng, number, counts[number - 1], next_id)
            next_id += len(entries)
            updates.extend(entries)
            end_year = (
                rng.randint(2020, 2024) if row["deadline"] == "2024" else int(row["deadline"])
            )
            actions.append(
                (
                    number,
                    str(number),
                    (number - 1) // 5 + 1,
                    number,
                    _words(rng, 4, 14),
                    rng.choice(("Fait/pas fait", "Nombre de réunions", "Taux de satisfaction")),
                    row["deadline"],
                    f"{end_year}-12-31",
                    row["status"],
                    row["progress"],
                    row["health"],
                    row["comment"],
                    row["updated_at"],
                )
            )
            for position, pilot in enumerate(rng.sample(PILOTS, k=rng.randint(1, 3))):
                pilots.append((number, pilot, position))
        db.conn.executemany(
            "insert into actions (number, plan_id, code, oo_id, position, title, indicators,"
            " deadline, end_date, status, progress, health, last_comment, updated_at)"
            " values (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            actions,
        )
        db.conn.executemany(
            "insert into action_pilots (action_number, pilot, position) values (?, ?, ?)", pilots
        )
        columns = list(updates[0])
        db.conn.executemany(
            f"insert into updates ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
            [[entry[c] for c in columns] for entry in updates],
        )
    kinds = dict(db.execute("select kind, count(*) from updates group by kind").fetchall())
    db.close()
    return {"actions": len(actions), "updates": len(updates), "kinds": kinds}


# ---------------------------------------------------------------- measuring


def read_plan(path: Path):
    db = open_db(str(path))
    return list_actions(db, 1, with_history=True)


def measure_one(name: str, path: Path) -> dict:
    """In a fresh process: read the plan with its history, then build one report."""
    start = time.perf_counter()
    rows = read_plan(path)
    read = time.perf_counter() - start
    start = time.perf_counter()
    data = REPORTS[name](rows)
    build = time.perf_counter() - start
    return {"read": read, "build": build, "bytes": len(data)}


_WALL = re.compile(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)")
_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def measure_process(name: str, path: Path) -> dict:
    """`/usr/bin/time -v` around a fresh process: its wall time and peak RSS, and what it says
    of its own reading and building."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, __file__, "--one", name, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    hours, minutes, seconds = _WALL.search(result.stderr).groups()
    wall = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    rss_mb = int(_RSS.search(result.stderr).group(1)) / 1024
    return json.loads(result.stdout) | {"wall": wall, "rss_mb": rss_mb}


def warm_median(export, rows, repeats: int) -> float:
    export(rows)  # imports, fonts, styles
    times = []
    for _ in range(repeats):
        # New Action values: storage.effective reads each history once per value, and a
        # report is asked for with the plan read again.
        fresh = [replace(action) for action in rows]
        start = time.perf_counter()
        export(fresh)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one warm run per report, not 3")
    parser.add_argument("--db", type=Path, help="reuse (or write) the database at this path")
    parser.add_argument("--one", nargs=2, metavar=("REPORT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one[0], Path(args.one[1]))))
        return

    folder = tempfile.TemporaryDirectory()
    path = args.db or Path(folder.name) / "bench.db"
    if not path.exists():
        start = time.perf_counter()
        written = build_database(path)
        print(
            f"database: {written['actions']:,} actions, {written['updates']:,} updates"
            f" ({', '.join(f'{k} {v:,}' for k, v in sorted(written['kinds'].items()))}),"
            f" written in {time.perf_counter() - start:.1f}s, {path.stat().st_size / 2**20:.0f} MB"
        )
    start = time.perf_counter()
    rows = read_plan(path)
    print(f"read with history, in this process: {time.perf_counter() - start:.2f}s")
    repeats = 1 if args.quick else 3
    print(
        f"Python {sys.version.split()[0]}; process = one fresh process under /usr/bin/time -v;"
        f" warm = median of {repeats} in this process"
    )
    header = (
        f"{'report':<22}| {'wall':>6} | {'RSS MB':>6} | {'read':>6} | {'build':>6} |"
        f" {'warm':>6} | {'size':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, export in REPORTS.items():
        fresh = measure_process(name, path)
        warm = warm_median(export, rows, repeats)
        print(
            f"{name:<22}| {fresh['wall']:>5.2f}s | {fresh['rss_mb']:>6.0f} |"
            f" {fresh['read']:>5.2f}s | {fresh['build']:>5.2f}s | {warm:>5.2f}s |"
            f" {fresh['bytes'] / 2**20:>6.1f}MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
