"""The reader's per-note indexes (built once per note for speed, issue 11) say what their plain
definitions say: tokens are TOKEN_RE's matches, a clause break sits between two tokens when
BREAK_RE finds a character between them, and the token-to-sentence table answers what a binary
search over the sentences' first tokens answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from case2code.nlp.reader import BREAK_RE, TOKEN_RE, Document, Token, read, tokenize

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "gold.jsonl"
NOTES = [json.loads(line)["text"] for line in CORPUS.read_text().splitlines() if line][:60]
EDGES = [
    "",
    "   ",
    "RFA",
    "  CT-guided RFA, L4-5 (left).  ",
    "Procédure: ablation par radiofréquence, côté gauche; İliac crest lesion.",
    "Dr. Smith: 3 lesions; Th12/L1, 2.5 cm.\n\nPLAN\n- follow-up CT in 3 months",
]


@pytest.mark.parametrize("text", NOTES + EDGES)
def test_reader_indexes_match_their_definitions(text):
    want = [Token(m.start(), m.end(), m.group().lower()) for m in TOKEN_RE.finditer(text)]
    assert tokenize(text) == want
    doc = read(text)
    toks = doc.tokens
    breaks = [
        i for i in range(1, len(toks)) if BREAK_RE.search(text, toks[i - 1].end, toks[i].start)
    ]
    assert list(doc.breaks) == breaks
    plain = Document(text=text, tokens=toks, sentences=doc.sentences)  # no table: bisect
    assert [doc.sentence_of(i) for i in range(len(toks))] == [
        plain.sentence_of(i) for i in range(len(toks))
    ]
    for sent in doc.sentences:
        inside = [i for i, t in enumerate(toks) if sent.start <= t.start < sent.end]
        assert inside == list(range(sent.tok_start, sent.tok_end))


@pytest.mark.parametrize(
    "values",
    [["right"], ["left", "right", "right"], ["rf", "cryo", "cryo", "rf"], [3, 1, 3, 1, 2, 2, 2]],
)
def test_mode_is_what_counter_most_common_returns(values):
    """notectx.mode replaces Counter(...).most_common(1) on the hot path: same value, and the
    first seen wins a tie."""
    from collections import Counter

    from case2code.nlp.notectx import mode

    assert mode(values) == Counter(values).most_common(1)[0][0]
