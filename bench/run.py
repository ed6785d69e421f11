"""`make bench`: case2code's end-to-end speed against its peers, measured in one run.

Prints notes/s for `case2code.code_note` and for three peers run interleaved on the same gold
notes (a medspaCy default pipeline given our lexicon's literals, spaCy's blank tokenizer, one
Aho-Corasick pass of the literals), the ratios, per-note p50/p99, time per KB on long notes,
peak RSS and the KB's cold start in fresh processes. Speed is judged here, by ratios in one run,
never by timed unit tests. Options: --notes N (default 2000), --medspacy-notes N (default 300:
medspaCy is the slow peer, so it codes a smaller replication, interleaved all the same),
--rss-notes N (default 1000: notes coded by the fresh process whose peak RSS is reported).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime

import measure
import peers

import case2code
import corpus

BARS = {"medspacy_ratio": 30.0, "per_kb_growth": 2.0, "kb_cold_ms": 300.0}
SIZES_KB = (1, 10, 50, 200)
REPEATS = {1: 30, 10: 5, 50: 2, 200: 1}
STARTS = {
    "KB cold start (import + get_kb)": "import case2code.kb; case2code.kb.get_kb()",
    "KB cold start, empty cache dir": "import case2code.kb; case2code.kb.get_kb()",
    "KB validated from YAML (load_kb)": "import case2code.kb; case2code.kb.load_kb()",
    "first note coded (KB + reader)": (
        "import case2code; "
        "case2code.code_note('CT-guided radiofrequency ablation of a right iliac metastasis.')"
    ),
}
START_RUNS = {"KB cold start (import + get_kb)": 5}  # the bar's figure; the others 3 runs


def _commit() -> str:
    try:
        out = subprocess.check_output(
            ["git", "-C", str(corpus.ROOT), "rev-parse", "--short", "HEAD"]
        )
        return out.decode().strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _probe() -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    sum(i * i for i in range(3_000_000))
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def header(args) -> None:
    print(f"case2code bench  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  commit {_commit()}")
    print(
        f"python {platform.python_version()}  {os.cpu_count()} cores (shared)  "
        f"notes {args.notes} (medspaCy {args.medspacy_notes})"
    )
    print(f"load average at start {_load()} (other work on the machine slows every figure)")
    wall, cpu = _probe()
    print(
        f"speed probe (a fixed pure-Python loop): wall {wall:.0f} ms, CPU {cpu:.0f} ms; "
        "compare it between runs before comparing their figures"
    )


def cold_start() -> dict[str, float]:
    """Fresh interpreters, the kinds taking turns; the empty-cache kind gets a new C2C_CACHE_DIR
    each run (a first start after install), the others the user's cache as it is."""
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in STARTS}
    for i in range(max(START_RUNS.values())):
        for name, body in STARTS.items():
            if i >= START_RUNS.get(name, 3):
                continue
            with tempfile.TemporaryDirectory() as tmp:
                env = {"C2C_CACHE_DIR": tmp} if "empty cache" in name else None
                runs[name].append(measure.fresh_process(body, env))
    print("\n== start-up (fresh process, median of 5 runs for the cold start, 3 for the others)")
    print(f"{'':36} {'wall ms':>8} {'CPU ms':>8} {'process ms':>11}")
    out = {}
    for name, rows in runs.items():
        wall, cpu, whole = (measure.median([r[i] for r in rows]) for i in range(3))
        out[name] = wall
        print(f"{name:36} {wall * 1000:8.0f} {cpu * 1000:8.0f} {whole * 1000:11.0f}")
    print("(process ms: the whole interpreter, start-up and exit included)")
    return {"kb": out["KB cold start (import + get_kb)"]}


def code(note: corpus.BenchNote):
    return case2code.code_note(
        note.text, date_of_service=note.date_of_service, setting=note.setting, note_id=note.id
    )


def systems(args) -> list[measure.System]:
    gold = corpus.gold()
    notes = corpus.replicated(gold, args.notes)
    texts = [n.text for n in notes]
    literals = corpus.lexicon_literals()
    t = time.perf_counter()
    nlp = peers.medspacy_pipeline(literals)
    print(
        f"\n== peers: {len(literals)} lexicon literals; medspaCy pipeline "
        f"{peers.medspacy_describe(nlp)} built in {time.perf_counter() - t:.1f} s"
    )
    return [
        measure.System("case2code", code, notes),
        measure.System("medspaCy", nlp, texts[: args.medspacy_notes]),
        measure.System("spaCy blank tokenizer", peers.spacy_blank_tokenizer(), texts),
        measure.System("Aho-Corasick (ahocorasick-rs)", peers.aho_corasick(literals), texts),
    ]


def throughput(args) -> dict[str, measure.Series]:
    runs = systems(args)
    for s in runs:  # warm-up: lazy loads (KB, reader tables, spaCy vocab) are not timed
        for item in s.items[:20]:
            s.run(item)
    series = measure.interleaved(runs)
    ours = series["case2code"].rate
    chars = sum(len(n.text) for n in runs[0].items) / len(runs[0].items)
    print(
        f"\n== throughput, interleaved in one process (mean note {chars:.0f} chars; medspaCy "
        f"codes the first {len(runs[1].items)} of the same notes, being the slow peer)"
    )
    print(
        f"{'system':32} {'notes':>6} {'notes/s':>10} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'case2code x':>12}"
    )
    for s in series.values():
        print(
            f"{s.name:32} {len(s.times):6d} {s.rate:10,.0f} {s.quantile(0.5) * 1000:8.2f} "
            f"{s.quantile(0.99) * 1000:8.2f} {ours / s.rate:12.3f}"
        )
    return series


def per_kb() -> dict[int, float]:
    gold = corpus.gold()
    print("\n== time per KB (gold notes joined to size; best of N runs)")
    out = {}
    for kb in SIZES_KB:
        note = corpus.sized(gold, kb)
        seconds = measure.best_of(lambda n=note: code(n), REPEATS[kb])
        out[kb] = seconds / (len(note.text) / corpus.KB_CHARS)
        print(
            f"{kb:4d} KB ({len(note.text):7,d} chars, best of {REPEATS[kb]:2d}): "
            f"{seconds * 1000:10.1f} ms  = {out[kb] * 1000:8.2f} ms/KB"
        )
    print(f"growth: 200 KB costs {out[200] / out[1]:.2f} x per KB what 1 KB costs")
    return out


LOOKUPS = (
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
)


def lookup_latency() -> None:
    series = measure.Series("lookup")
    case2code.lookup(LOOKUPS[0])  # the word index is built on first use, not timed
    for query in LOOKUPS * 30:
        t = time.perf_counter()
        case2code.lookup(query)
        series.times.append(time.perf_counter() - t)
    print(
        f"\n== lookup latency ({len(series.times)} queries): p50 "
        f"{series.quantile(0.5) * 1000:.2f} ms, p99 {series.quantile(0.99) * 1000:.2f} ms"
    )


def memory(args) -> float:
    here = os.path.dirname(os.path.abspath(__file__))
    printed = subprocess.check_output(
        [sys.executable, os.path.join(here, "rss.py"), str(args.rss_notes)]
    )
    alone = float(printed.decode().split()[-1])
    print("\n== peak RSS")
    print(f"case2code alone, {args.rss_notes} notes, fresh process: {alone:7.1f} MB")
    print(f"this bench process (all peers loaded, long notes): {measure.peak_rss_mb():7.1f} MB")
    return alone


def bars(cold, series, kb) -> None:
    ratio = series["case2code"].rate / series["medspaCy"].rate
    growth = kb[200] / kb[1]
    print("\n== bars (issue 11)")
    print(
        f"case2code / medspaCy   {ratio:8.1f} x   bar >= {BARS['medspacy_ratio']:.0f} x   "
        f"{'met' if ratio >= BARS['medspacy_ratio'] else 'NOT met'}"
    )
    print(
        f"per-KB 200 KB / 1 KB   {growth:8.2f} x   bar <= {BARS['per_kb_growth']:.0f} x    "
        f"{'met' if growth <= BARS['per_kb_growth'] else 'NOT met'}"
    )
    ms = cold["kb"] * 1000
    print(
        f"KB cold start          {ms:8.0f} ms  bar < {BARS['kb_cold_ms']:.0f} ms  "
        f"{'met' if ms < BARS['kb_cold_ms'] else 'NOT met'}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--rss-notes", type=int, default=1000)
    parser.add_argument("--medspacy-notes", type=int, default=300)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    header(args)
    cold = cold_start()
    series = throughput(args)
    kb = per_kb()
    lookup_latency()
    memory(args)
    bars(cold, series, kb)
    print(f"\nbench wall time {time.perf_counter() - started:.0f} s, load average at end {_load()}")


if __name__ == "__main__":
    main()
