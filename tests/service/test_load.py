"""Bounded load on loopback: a real uvicorn server, 16 concurrent clients, a fixed number of
requests (500 by default, C2C_LOAD_REQUESTS=10000 for the full run). Passes on 0 errors and a
flat RSS; p50/p99 and RSS are printed and written to out/load-test.json."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from pathlib import Path

import httpx
import pytest
from server import rss_kb, running_server
from svc_notes import BONE_NOTE, LIVER_NOTE

REQUESTS = int(os.environ.get("C2C_LOAD_REQUESTS", "500"))
CONCURRENCY = 16
OUT = Path(__file__).resolve().parents[2] / "out"


def _request(i: int) -> tuple[str, str, dict | None]:
    """A coder's mix: mostly notes to code, some lookups and searches."""
    kind = i % 10
    if kind < 7:
        note = BONE_NOTE if i % 2 else LIVER_NOTE
        return "POST", "/v1/code", {"text": note, "date_of_service": "2025-06-02"}
    if kind < 9:
        return "GET", "/v1/search?q=cryo+rib+mets", None
    return "GET", "/v1/codes/20982", None


async def _drive(url: str, total: int) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

        async def worker():
            for i in counter:
                method, path, body = _request(i)
                started = time.perf_counter()
                try:
                    r = await client.request(method, path, json=body)
                    if r.status_code != 200:
                        errors.append(f"{method} {path}: {r.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(f"{method} {path}: {type(exc).__name__}")
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return latencies, errors


@pytest.mark.slow
def test_loopback_load_has_no_errors_and_flat_memory(tmp_path):
    env = {"C2C_DB": f"sqlite:///{tmp_path / 'load.db'}"}
    with running_server(env) as (url, pid):
        asyncio.run(_drive(url, 64))  # warm up: KB, search index, first codings
        rss_before = rss_kb(pid)
        started = time.perf_counter()
        latencies, errors = asyncio.run(_drive(url, REQUESTS))
        wall = time.perf_counter() - started
        rss_after = rss_kb(pid)
    q = statistics.quantiles(latencies, n=100)
    report = {
        "requests": REQUESTS,
        "concurrency": CONCURRENCY,
        "errors": len(errors),
        "p50_ms": round(q[49] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "throughput_rps": round(REQUESTS / wall, 1),
        "rss_before_mb": round(rss_before / 1024, 1),
        "rss_after_mb": round(rss_after / 1024, 1),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "load-test.json").write_text(json.dumps(report, indent=2))
    print("\nload test:", json.dumps(report))
    assert errors == [], errors[:5]
    assert len(latencies) == REQUESTS
    # flat: growth bounded by a fixed allowance, not by the number of requests
    assert rss_after - rss_before < 64 * 1024, report
