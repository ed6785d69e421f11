"""Batch benchmark: notes/s on 1 and N workers (the speed-up), the parent's peak memory on a small
and a 5 times larger input (flat when the input is streamed), and the per-note time budget on a
pathological note among ordinary ones.

    .venv/bin/python bench/batch_workers.py [--lines 400] [--workers 2]

Each run is a fresh process (`run_batch` as the CLI calls it) so start-up is counted, as a user
would see it; the peak RSS is the coordinating process's own, workers excluded.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "corpus" / "gold.jsonl"
RUN = """
import json, resource, sys, time
from case2code.batch_run import BatchOptions, run_batch
t = time.perf_counter()
s = run_batch(BatchOptions(sys.argv[1], sys.argv[2], workers=int(sys.argv[3]),
                           timeout_s=float(sys.argv[4])))
print(json.dumps({"seconds": time.perf_counter() - t, "lines": s.lines, "errors": s.errors,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def replicated(tmp: Path, n: int, name: str, extra: list[dict] | None = None) -> Path:
    rows = [json.loads(x) for x in GOLD.read_text().splitlines()]
    path = tmp / name
    with open(path, "w") as f:
        for i in range(n):
            r = rows[i % len(rows)]
            f.write(json.dumps({"id": f"{r['id']}-{i}", "text": r["text"],
                                "date_of_service": r["date_of_service"]}) + "\n")
        for r in extra or []:
            f.write(json.dumps(r) + "\n")
    return path


def run(src: Path, workers: int, timeout_s: float = 10.0) -> dict:
    out = src.with_suffix(f".w{workers}.out")
    done = subprocess.run([sys.executable, "-c", RUN, str(src), str(out), str(workers),
                           str(timeout_s)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=400)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        src = replicated(tmp, args.lines, "in.jsonl")
        one, many = run(src, 1), run(src, args.workers)
        for label, r in (("1 worker", one), (f"{args.workers} workers", many)):
            print(f"{label:>10}: {r['lines'] / r['seconds']:7.1f} notes/s  "
                  f"({r['lines']} lines in {r['seconds']:.1f} s)")
        print(f"  speed-up: {one['seconds'] / many['seconds']:.2f}x")
        big = run(replicated(tmp, 5 * args.lines, "big.jsonl"), args.workers)
        print(f"parent peak RSS: {many['rss_mb']:.0f} MB at {args.lines} lines, "
              f"{big['rss_mb']:.0f} MB at {5 * args.lines} lines")
        sentence = "The lesion in the right femur was ablated with radiofrequency energy. "
        stuck = {"id": "pathological", "text": sentence * 2800, "date_of_service": "2025-06-02"}
        mixed = replicated(tmp, 20, "mixed.jsonl", [stuck])
        r = run(mixed, args.workers, timeout_s=3.0)
        print(f"time budget 3 s: {r['lines']} lines, {r['errors']} stopped (E016), "
              f"{r['seconds']:.1f} s in all")


if __name__ == "__main__":
    main()
