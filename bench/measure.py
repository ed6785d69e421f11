"""Timing helpers: interleaved throughput with per-note latency, and fresh-process start-up.

Interleaving: every system's notes are cut into the same number of chunks and the systems take
turns chunk by chunk (the order rotating each time), so a neighbour's burst of load on the
shared machine falls on all of them alike instead of on whichever ran during it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass
class Series:
    name: str
    times: list[float] = field(default_factory=list)  # seconds per note

    @property
    def rate(self) -> float:
        return len(self.times) / sum(self.times)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class System:
    name: str
    run: Callable[[object], object]
    items: Sequence[object]


def _chunks(items: Sequence, n: int) -> list[Sequence]:
    size = -(-len(items) // n)
    return [items[i * size : (i + 1) * size] for i in range(n)]


def interleaved(systems: list[System], chunks: int = 20) -> dict[str, Series]:
    out = {s.name: Series(s.name) for s in systems}
    cut = {s.name: _chunks(s.items, chunks) for s in systems}
    clock = time.perf_counter
    for i in range(chunks):
        for s in systems[i % len(systems) :] + systems[: i % len(systems)]:
            times, run = out[s.name].times, s.run
            for item in cut[s.name][i]:
                t = clock()
                run(item)
                times.append(clock() - t)
    return out


def best_of(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def fresh_process(body: str, env: dict | None = None) -> tuple[float, float, float]:
    """Run `body` in a new interpreter: its in-process wall and CPU seconds (from before the
    first case2code import to the end), and the whole process's wall seconds (interpreter
    start-up included). CPU seconds are reported beside wall seconds because on a shared
    machine a process waits for a core as long as it computes."""
    code = (
        "import time; _t = time.perf_counter(); _c = time.process_time()\n"
        f"{body}\n"
        "print(time.perf_counter() - _t, time.process_time() - _c)"
    )
    t = time.perf_counter()
    printed = subprocess.check_output(
        [sys.executable, "-c", code], env={**os.environ, **(env or {})}
    )
    whole = time.perf_counter() - t
    wall, cpu = map(float, printed.decode().split()[-2:])
    return wall, cpu, whole


def median(values: list[float]) -> float:
    return statistics.median(values)


def peak_rss_mb() -> float:
    """VmHWM of /proc/self/status: unlike getrusage's ru_maxrss, it is not inherited from the
    process that forked this one."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
