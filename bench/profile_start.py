"""Profile of the KB's cold start: `python bench/profile_start.py [--pyinstrument]`.

Run in a fresh interpreter by design (the start-up is what is measured): cProfile's top
entries by cumulative and by own time, or pyinstrument's call tree, of
`import case2code.kb; case2code.kb.get_kb()`. Set C2C_CACHE_DIR to an empty folder to profile
the first start after an install (the snapshot being built).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats

TOP = 20


def with_cprofile() -> str:
    profile = cProfile.Profile()
    profile.enable()
    import case2code.kb

    case2code.kb.get_kb()
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(TOP)
    stats.sort_stats("tottime").print_stats(TOP)
    return out.getvalue()


def with_pyinstrument() -> str:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    import case2code.kb

    case2code.kb.get_kb()
    profiler.stop()
    return profiler.output_text(unicode=False, color=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pyinstrument", action="store_true")
    args = parser.parse_args()
    print(with_pyinstrument() if args.pyinstrument else with_cprofile())
