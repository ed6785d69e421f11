"""Profile of coding notes: `python bench/profile_notes.py [--pyinstrument] [--notes N] [--kb K]`.

What `make bench`'s throughput line measures, under a profiler: `case2code.code_note` over the
gold corpus replicated to N notes (default 1000), after a warm-up of 50 notes so the KB and
the reader's tables are loaded before profiling starts. With --kb K, one note of K KB (gold
notes joined, as the bench's time-per-KB line builds it) instead: where a long note's cost
grows faster than its length. Prints cProfile's top entries by own and by cumulative time, or
pyinstrument's call tree.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats

import case2code
import corpus

TOP = 30


def code(note: corpus.BenchNote):
    return case2code.code_note(
        note.text, date_of_service=note.date_of_service, setting=note.setting, note_id=note.id
    )


def notes(args) -> list[corpus.BenchNote]:
    gold = corpus.gold()
    if args.kb:
        return [corpus.sized(gold, args.kb)]
    return corpus.replicated(gold, args.notes)


def with_cprofile(batch: list[corpus.BenchNote]) -> str:
    profile = cProfile.Profile()
    profile.enable()
    for note in batch:
        code(note)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(TOP)
    stats.sort_stats("cumulative").print_stats(TOP)
    return out.getvalue()


def with_pyinstrument(batch: list[corpus.BenchNote]) -> str:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    profiler.start()
    for note in batch:
        code(note)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--kb", type=int, default=0)
    args = parser.parse_args()
    for note in corpus.replicated(corpus.gold(), 50):  # warm-up: lazy loads are not profiled
        code(note)
    batch = notes(args)
    print(with_pyinstrument(batch) if args.pyinstrument else with_cprofile(batch))
