"""`make bench-spark`: notes/s of `case2code spark` at local[1] and local[2] and of
`case2code batch --workers 2`, on the same replicated gold notes, and the projected core-hours
per million notes.

    .venv/bin/python bench/spark.py [--notes 20000]

Each run is the CLI in a fresh process, timed from start to exit as a user would see it (Spark
writes Parquet, batch writes JSONL). Spark's fixed cost (JVM, session, the workers' KB load,
the count read back) is measured once on a small input and taken off, so the per-core rate and
the core-hours per million notes are those of a long job.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import corpus

CLI = [sys.executable, "-m", "case2code.cli"]
SMALL = 200  # notes of the run that measures Spark's fixed cost


@dataclass(slots=True)
class Run:
    label: str
    notes: int
    wall: float

    @property
    def rate(self) -> float:
        return self.notes / self.wall


def notes_file(folder: Path, count: int) -> Path:
    """`count` gold notes cycled, each copy with a fresh id, as `case2code batch` input."""
    path = folder / f"notes-{count}.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for n in corpus.replicated(corpus.gold(), count):
            row = {
                "id": n.id,
                "text": n.text,
                "date_of_service": n.date_of_service,
                "setting": n.setting,
            }
            f.write(json.dumps(row) + "\n")
    return path


def timed(label: str, notes: int, args: list[str]) -> Run:
    start = time.perf_counter()
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{label} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return Run(label, notes, wall)


def spark(src: Path, out: Path, cores: int, notes: int) -> Run:
    return timed(
        f"spark local[{cores}]",
        notes,
        ["spark", str(src), str(out), "--master", f"local[{cores}]", "-q"],
    )


def header(count: int) -> None:
    commit = subprocess.run(
        ["git", "-C", str(corpus.ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    print(f"case2code bench-spark  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  commit {commit}")
    import pyspark

    print(
        f"python {platform.python_version()}  pyspark {pyspark.__version__}  "
        f"{os.cpu_count()} cores (shared)  notes {count} (gold corpus cycled, fresh ids)"
    )
    print(
        f"load average at start {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        "(other work on the machine slows every figure)"
    )


def report(runs: list[Run], fixed: Run) -> None:
    print(f"\n{'':28} {'notes':>7} {'wall s':>8} {'notes/s':>8}")
    for r in [fixed, *runs]:
        print(f"{r.label:28} {r.notes:7} {r.wall:8.1f} {r.rate:8.1f}")
    one, two, batch = runs
    steady = (one.notes - fixed.notes) / (one.wall - fixed.wall)
    print(
        f"\nspark fixed cost (JVM, session, KB load, count): {fixed.wall:.1f} s "
        f"(the {fixed.notes}-note run)"
    )
    print(
        f"local[2] / local[1]: {two.rate / one.rate:.2f} x;  "
        f"local[2] / batch --workers 2: {two.rate / batch.rate:.2f} x"
    )
    print(
        f"one core, fixed cost taken off: {steady:.1f} notes/s = {steady * 3600:,.0f} "
        "notes per core-hour"
    )
    print(
        f"projected core-hours per million notes: {1e6 / steady / 3600:.1f} "
        f"(from local[1]);  {2 * 1e6 / two.rate / 3600:.1f} (from local[2], 2 cores, "
        "fixed cost included)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=20_000)
    args = ap.parse_args()
    started = time.perf_counter()
    header(args.notes)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        src, small = notes_file(tmp, args.notes), notes_file(tmp, SMALL)
        fixed = spark(small, tmp / "small.parquet", 1, SMALL)
        fixed.label = f"spark local[1], {SMALL} notes"
        runs = [
            spark(src, tmp / "one.parquet", 1, args.notes),
            spark(src, tmp / "two.parquet", 2, args.notes),
            timed(
                "batch --workers 2",
                args.notes,
                ["batch", str(src), "-o", str(tmp / "batch.jsonl"), "--workers", "2", "-q"],
            ),
        ]
    report(runs, fixed)
    print(
        f"\nbench wall time {time.perf_counter() - started:.0f} s, load average at end "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
