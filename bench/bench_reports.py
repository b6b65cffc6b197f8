"""Time and memory of every report export, for a CPAS-sized plan and a 10,000-action plan.

    .venv/bin/python bench/bench_reports.py            # full table (about two minutes)
    .venv/bin/python bench/bench_reports.py --quick    # fewer repetitions

Median time: in this process, after one warm-up call (imports and caches loaded).
Cold time and peak memory: one fresh subprocess per export and size, which builds the plan,
runs the export once and reports its time, its peak resident memory (the whole process:
interpreter, plan and export) and the tracemalloc peak of the export call alone (measured in
a second run).
Targets: under 0.5 s per export at 127 actions; under 10 s and 300 MB at 10,000.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import reports  # noqa: E402
from reports.sample import synthetic_plan  # noqa: E402

SIZES = (127, 10_000)
ECOMPTES_IDS = {
    "ins": "53020",
    "admin_type": "CPAS",
    "exercise": 2024,
    "pst_id": "PST-2019",
    "version": "201805V1",
    "description": "PST 2019-2024",
}
PERIOD = {"since": date(2022, 1, 1), "generated_on": date(2024, 6, 30)}

EXPORTS = {
    "table_csv": reports.table_csv,
    "table_xlsx": reports.table_xlsx,
    "table_ods": reports.table_ods,
    "table_md": reports.table_md,
    "table_html": reports.table_html,
    "evaluation html": lambda rows: reports.evaluation_report(rows, "html", **PERIOD),
    "evaluation md": lambda rows: reports.evaluation_report(rows, "md", **PERIOD),
    "evaluation odt": lambda rows: reports.evaluation_report(rows, "odt", **PERIOD),
    "evaluation docx": lambda rows: reports.evaluation_report(rows, "docx", **PERIOD),
    "ecomptes_xml": lambda rows: reports.ecomptes_xml(rows, **ECOMPTES_IDS),
    "progress_chart_png": reports.progress_chart_png,
}


def peak_rss_mb() -> float:
    """Peak resident memory of this process.

    ru_maxrss survives fork+exec, so a child started by a big parent would report the
    parent's size; Linux's VmHWM belongs to the new program only.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure_in_this_process(name: str, size: int) -> dict:
    """Runs in the subprocess: cold time, maxrss, then the traced peak of a second call."""
    rows = synthetic_plan(size)
    export = EXPORTS[name]
    start = time.perf_counter()
    data = export(rows)
    cold = time.perf_counter() - start
    maxrss_mb = peak_rss_mb()
    tracemalloc.start()
    export(rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"cold": cold, "maxrss_mb": maxrss_mb, "traced_mb": peak / 2**20, "bytes": len(data)}


def measure_in_subprocess(name: str, size: int) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--one", name, str(size)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout)


def median_time(export, rows, repeats: int) -> float:
    export(rows)  # warm-up: imports, font cache, schema
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        export(rows)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 and 1 repetitions, not 9 and 3")
    parser.add_argument("--one", nargs=2, metavar=("EXPORT", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_in_this_process(args.one[0], int(args.one[1]))))
        return

    repeats = {127: 3, 10_000: 1} if args.quick else {127: 9, 10_000: 3}
    plans = {size: synthetic_plan(size) for size in SIZES}
    header = (
        f"{'export':<19}| {'127: median':>11} | {'cold':>6} | {'RSS MB':>6} |"
        f" {'10k: median':>11} | {'cold':>6} | {'RSS MB':>6} | {'traced MB':>9} | {'10k size':>9}"
    )
    print(
        f"Python {sys.version.split()[0]}; median of {repeats[127]} (127) and"
        f" {repeats[10_000]} (10,000) warm runs; cold = first call in a fresh process"
    )
    print(header)
    print("-" * len(header))
    for name, export in EXPORTS.items():
        cells = [f"{name:<19}"]
        for size in SIZES:
            warm = median_time(export, plans[size], repeats[size])
            fresh = measure_in_subprocess(name, size)
            cells.append(f" {warm:>10.3f}s | {fresh['cold']:>5.2f}s | {fresh['maxrss_mb']:>6.0f} ")
        cells[-1] += f"| {fresh['traced_mb']:>9.1f} | {fresh['bytes'] / 2**20:>7.1f}MB"
        print("|".join(cells), flush=True)


if __name__ == "__main__":
    main()
