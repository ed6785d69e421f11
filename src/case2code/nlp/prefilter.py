"""Which of a set of regular expressions can match a text, from one Hyperscan pass over it.

Why: the reader's whole-note cue patterns and the route's markers are Python regexes, and a
Python regex that finds nothing walks the whole note position by position (a union of a
hundred markers tries each one at every character). Those failing scans were about a sixth of
a note's time. Hyperscan compiles every pattern into one automaton and says in one pass which
ones may match; only those are then searched with `re`, so every answer (span, groups,
leftmost-first choice) is still Python's own.

Exactness: the database is compiled in prefilter mode (HS_FLAG_PREFILTER), which guarantees
that a pattern that matches is reported even where Hyperscan approximates a construct. A text
that is not ASCII, or holds the four separator controls, goes straight to `re`: there Python's
Unicode \\w, \\s, \\b and case folding differ from Hyperscan's ASCII ones. A pattern Hyperscan
cannot compile, or that uses Python's `{,n}` (a literal to PCRE), is always searched. Without
the `hyperscan` package (a platform with no wheel) every pattern is searched: slower, the same
answers. tests/nlp/test_prefilter.py checks, on every corpus note, that no pattern `re` matches
is ever filtered out.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable

try:
    import hyperscan
except ImportError:  # pragma: no cover - platforms without a wheel: every pattern is searched
    hyperscan = None

SEPARATORS = re.compile(r"[\x1c-\x1f]")  # ASCII controls that \s matches in Unicode mode only
PYTHON_ONLY = re.compile(r"\{,\d")  # `{,n}`: a repeat in Python, literal text in PCRE
FLAGS = (
    (hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_PREFILTER)
    | (hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY)
    if hyperscan
    else 0
)


class Prefilter:
    """The patterns of one rule set (the reader's note cues, a KB's route markers), compiled
    once; `may_match(pattern, text)` is False only when `pattern` cannot match `text`."""

    def __init__(self, name: str, patterns: Iterable[str]):
        self.name = name
        self.patterns = list(dict.fromkeys(patterns))
        self._ids = {p: i for i, p in enumerate(self.patterns)}
        self._lock = threading.Lock()
        self._setup()

    def _setup(self) -> None:
        self._db = None  # compiled on first use: a process that codes nothing never pays
        self._always: frozenset[int] = frozenset()
        self._local = threading.local()  # Hyperscan scratch space is one scan at a time
        self._last: tuple[str | None, frozenset[int] | None] = (None, None)

    def __getstate__(self) -> dict:  # Spark ships the lexicon: the automaton is rebuilt there
        return {"name": self.name, "patterns": self.patterns}

    def __setstate__(self, state: dict) -> None:
        self.name, self.patterns = state["name"], state["patterns"]
        self._ids = {p: i for i, p in enumerate(self.patterns)}
        self._lock = threading.Lock()
        self._setup()

    def may_match(self, pattern: str, text: str) -> bool:
        i = self._ids.get(pattern)
        if i is None:
            return True  # not one of ours: search it
        hits = self.candidates(text)
        return hits is None or i in hits

    def candidates(self, text: str) -> frozenset[int] | None:
        """Ids of the patterns that may match `text`, or None when every one must be searched.
        The last text's answer is kept: the reader and the route ask about the same note."""
        last, hits = self._last
        if last is text or last == text:
            return hits
        hits = self._scan(text)
        self._last = (text, hits)
        return hits

    def _scan(self, text: str) -> frozenset[int] | None:
        if hyperscan is None or not text.isascii() or SEPARATORS.search(text):
            return None
        db = self._db or self._compile()
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(db)
        found: set[int] = set(self._always)
        db.scan(text.encode("ascii"), match_event_handler=_collect, context=found, scratch=scratch)
        return frozenset(found)

    def _compile(self):
        with self._lock:
            if self._db is None:
                blob, always = _cached_database(self.name, self.patterns)
                self._always = frozenset(always)
                self._db = hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)
        return self._db


def _collect(pattern_id: int, start: int, end: int, flags: int, found: set[int]) -> None:
    found.add(pattern_id)


def _cached_database(name: str, patterns: list[str]) -> tuple[bytes, list[int]]:
    """The serialized automaton and the ids always searched, from the cache folder when built
    before (compiling takes a few hundred milliseconds; loading takes one)."""
    from ..kb import snapshot

    digest = hashlib.sha256("\0".join(patterns).encode()).hexdigest()
    parts = (digest, getattr(hyperscan, "__version__", "?"), len(patterns))
    return snapshot.load_or_build_keyed(
        f"prefilter-{name}", parts, lambda: _build_database(patterns)
    )


def _build_database(patterns: list[str]) -> tuple[bytes, list[int]]:
    usable, always = [], []
    for i, p in enumerate(patterns):
        (always if PYTHON_ONLY.search(p) or not _compiles(p) else usable).append(i)
    db = hyperscan.Database()
    if usable:
        db.compile(
            expressions=[patterns[i].encode() for i in usable],
            ids=usable,
            flags=[FLAGS] * len(usable),
        )
    else:
        always = list(range(len(patterns)))
        db.compile(expressions=[b"\\A\\z"], ids=[len(patterns)], flags=[FLAGS])
    return hyperscan.dumpb(db), always


def _compiles(pattern: str) -> bool:
    try:
        pattern.encode("ascii")
        hyperscan.Database().compile(expressions=[pattern.encode()], flags=[FLAGS])
    except (UnicodeEncodeError, hyperscan.error):
        return False
    return True
