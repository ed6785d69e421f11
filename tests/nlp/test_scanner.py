"""The token trie: a phrase never runs on past the end of its sentence."""

from __future__ import annotations

from case2code.nlp.scanner import Trie


def test_a_phrase_does_not_cross_a_sentence_break():
    trie = Trie()
    trie.add("atrioventricular node ablation", "term", "avn")
    trie.add("ablation", "term", "abl")
    words = ["dual", "pathways", "in", "the", "atrioventricular", "node", "ablation", "was", "done"]
    joined = trie.scan(words)["term"]
    assert [(a, b) for a, b, _ in joined] == [(4, 7)]
    split = trie.scan(words, breaks=frozenset({6}))["term"]
    assert [(a, b, p) for a, b, p in split] == [(6, 7, ["abl"])]
