"""Benchmarks (`make bench`): KB cold start, lookup latency, reader and engine throughput.

Speed is reported as ratios against a peer run in the same process (the peer here is a plain
`re` word tokenizer over the same notes, the cheapest possible pass), never as absolute pass/fail
timings in unit tests. The medspaCy comparison of DESIGN.md is the throughput issue's job.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cold_start() -> float:
    code = (
        "import time; t=time.perf_counter(); from case2code.kb.lookup import get_index; "
        "get_index(); print(time.perf_counter()-t)"
    )
    runs = [float(subprocess.check_output([sys.executable, "-c", code]).decode()) for _ in range(3)]
    return min(runs)


def lookup_latency() -> tuple[float, float]:
    from case2code.kb.lookup import lookup

    queries = [
        "RFA bone mets",
        "cryoablaton rib",
        "20982",
        "C79.51",
        "perc liver RFA",
        "medial branch",
        "thyroid nodule RFA",
        "kyphoplasty lumbar",
        "MWA lung",
        "osteoid osteoma",
    ] * 30
    lookup(queries[0])
    times = []
    for q in queries:
        t = time.perf_counter()
        lookup(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def notes() -> list[str]:
    gold = ROOT / "tests" / "corpus" / "gold.jsonl"
    return [json.loads(line)["text"] for line in gold.read_text().splitlines() if line.strip()]


def throughput(fn, texts: list[str], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - t)
    return len(texts) / best


def main() -> None:
    from case2code.engine import Coder, code_text
    from case2code.nlp import read_facts

    print(f"KB load + index build, cold process: {cold_start() * 1000:.0f} ms (bar: < 1000 ms)")
    p50, p99 = lookup_latency()
    print(f"lookup latency: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    texts = notes()
    size = sum(len(t) for t in texts) / len(texts)
    coder = Coder()
    peer = throughput(lambda t: re.findall(r"[A-Za-z0-9]+", t), texts)
    reader = throughput(read_facts, texts)
    engine = throughput(lambda t: code_text(t, coder=coder), texts)
    print(f"notes: {len(texts)} (mean {size:.0f} chars)")
    print(f"peer (regex word split): {peer:,.0f} notes/s")
    print(f"reader: {reader:,.0f} notes/s ({reader / peer:.3f} x peer)")
    print(f"engine: {engine:,.0f} notes/s ({engine / peer:.3f} x peer)")


if __name__ == "__main__":
    main()
