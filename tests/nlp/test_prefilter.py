"""The regex prefilter may only ever say "cannot match" when `re` agrees.

The reader's whole-note cues and the route's markers are searched only where one Hyperscan pass
says they may match (nlp/prefilter.py). A wrong "cannot match" would silently drop a cue: a
later visit read as today's, a case report routed auto. So every corpus note, and text built
from the patterns' own words, is checked pattern by pattern against a plain `re.search`.
"""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from case2code.coding.review import _prefilter
from case2code.kb import get_kb
from case2code.nlp import prefilter as module
from case2code.nlp.lexicon import get_lexicon
from case2code.nlp.prefilter import Prefilter

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
WORD = re.compile(r"[a-z]{3,}")


def _notes() -> list[str]:
    files = sorted(CORPUS.glob("*.jsonl")) + sorted((CORPUS / "realtext").glob("*.jsonl"))
    return [json.loads(line)["text"] for f in files for line in f.open() if line.strip()]


def _banks() -> list[Prefilter]:
    return [get_lexicon().prefilter, _prefilter(get_kb())]


def _missed(bank: Prefilter, text: str) -> list[str]:
    """The patterns `re` finds in `text` that the prefilter would not let through."""
    return [
        p
        for p in bank.patterns
        if re.search(p, text, re.IGNORECASE) and not bank.may_match(p, text)
    ]


def test_the_banks_hold_the_reader_cues_and_the_route_markers():
    lexicon, route = _banks()
    assert len(lexicon.patterns) == sum(len(v) for v in get_lexicon().patterns.values())
    assert set(get_kb().review.patient_markers) <= set(route.patterns)


@pytest.mark.skipif(module.hyperscan is None, reason="no hyperscan wheel on this platform")
def test_no_corpus_note_loses_a_pattern_re_would_match():
    notes = _notes()
    assert len(notes) > 500
    for bank in _banks():
        for text in notes:
            assert _missed(bank, text) == [], text[:80]


@pytest.mark.skipif(module.hyperscan is None, reason="no hyperscan wheel on this platform")
def test_the_prefilter_does_filter():
    """A plain procedure line matches no publication or later-visit pattern: most patterns
    are filtered out, which is the point."""
    bank = _prefilter(get_kb())
    hits = bank.candidates("RFA of the left iliac metastasis under CT guidance.")
    assert hits is not None and len(hits) < len(bank.patterns) / 2


def _pattern_words() -> list[str]:
    return sorted({w for b in _banks() for p in b.patterns for w in WORD.findall(p.lower())})


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_text_made_of_the_patterns_own_words_loses_nothing(data):
    words = data.draw(st.lists(st.sampled_from(_pattern_words()), min_size=1, max_size=25))
    seps = data.draw(st.lists(st.sampled_from([" ", "  ", ", ", ". ", "\n", "-", " 3 "]),
                              min_size=len(words), max_size=len(words)))
    text = "".join(w + s for w, s in zip(words, seps, strict=True))
    for bank in _banks():
        assert _missed(bank, text) == []


def test_text_that_is_not_ascii_is_searched_with_every_pattern():
    bank = Prefilter("test-unicode", [r"\bcase report\b"])
    assert bank.candidates("Case report: ablación") is None
    assert bank.may_match(r"\bcase report\b", "Case report: ablación")


def test_a_python_only_repeat_is_always_searched():
    """`a{,3}` is a repeat to Python and three literal characters to PCRE."""
    bank = Prefilter("test-python-only", [r"x{,3}y", r"\bzebra\b"])
    assert bank.may_match(r"x{,3}y", "xxy")
    if module.hyperscan is not None:
        assert not bank.may_match(r"\bzebra\b", "xxy")


def test_without_hyperscan_every_pattern_is_searched(monkeypatch):
    monkeypatch.setattr(module, "hyperscan", None)
    bank = Prefilter("test-none", [r"\bzebra\b"])
    assert bank.candidates("no such word") is None
    assert bank.may_match(r"\bzebra\b", "no such word")


def test_a_pattern_not_in_the_bank_is_searched():
    bank = Prefilter("test-foreign", [r"\bzebra\b"])
    assert bank.may_match(r"\bokapi\b", "nothing here")


def test_a_pickled_bank_rebuilds_its_automaton():
    """Spark ships the lexicon to its workers: the copy must answer like the original."""
    bank = Prefilter("test-pickle", [r"\bzebra\b", r"\bokapi\b"])
    copy = pickle.loads(pickle.dumps(bank))
    text = "a zebra here"
    assert copy.patterns == bank.patterns
    assert copy.candidates(text) == bank.candidates(text)


def test_threads_coding_at_once_get_the_answers_of_one_thread():
    """The REST service codes notes on a thread pool: each thread scans with its own Hyperscan
    scratch space, and the last-text memo never hands one note's answer to another."""
    from concurrent.futures import ThreadPoolExecutor

    from case2code import code_note

    notes = _notes()[:120]

    def codes(text: str) -> tuple:
        r = code_note(text, date_of_service="2025-06-02")
        return tuple(c.code for c in r.cpt), tuple(d.code for d in r.icd10), r.review.route

    alone = [codes(t) for t in notes]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(codes, notes))
    assert together == alone
