"""One pass over a note's tokens finds every literal of every table: lexicon terms, ConText cues
and each whole-note cue list.

Hand-written rather than spaCy's PhraseMatcher or an Aho-Corasick package: the literals are
whole-word phrases over our own lower-cased tokens, so a trie keyed by token (a dict of dicts)
walks each position once and stops at the first word no phrase continues with. That is one dict
lookup per token for most positions, against the 15 tables x every n-gram length the reader
tried before, and it keeps each table's own rule (longest non-overlapping match, all payloads of
that literal) without a second pass.
"""

from __future__ import annotations

from collections.abc import Hashable

from .reader import TOKEN_RE

END = None  # key of a trie node's payloads: {kind: [payload, ...]}
NO_ENDS: dict = {}  # the payloads of a node no literal ends at (never modified)


def literal_key(literal: str) -> tuple[str, ...]:
    """The token sequence of a literal: lower-cased words, hyphens, slashes, quotes read as
    spaces ("CT-guided" == "ct guided")."""
    return tuple(TOKEN_RE.findall(literal.lower().replace("'", " ")))


class Trie:
    """Token trie of literal phrases, each tagged with the table (`kind`) it belongs to."""

    def __init__(self, spelling: dict[str, str] | None = None) -> None:
        self.root: dict = {}
        self.kinds: list[Hashable] = []
        self.spelling = spelling or {}  # a word's variant -> the spelling notes are read in

    def add(self, literal: str, kind: Hashable, payload, *, plural: bool = False) -> None:
        key = tuple(self.spelling.get(w, w) for w in literal_key(literal))
        if not key:
            raise ValueError(f"literal {literal!r} has no word characters: remove it")
        if kind not in self.kinds:
            self.kinds.append(kind)
        self._insert(key, kind, payload)
        last = key[-1]
        if plural and len(last) > 2 and not last.endswith("s") and not last[-1].isdigit():
            self._insert(key[:-1] + (last + "s",), kind, payload)

    def _insert(self, key: tuple[str, ...], kind: Hashable, payload) -> None:
        node = self.root
        for word in key:
            node = node.setdefault(word, {})
        payloads = node.setdefault(END, {}).setdefault(kind, [])
        if not any(p is payload for p in payloads):  # 'tumour' and 'tumor' of one entry
            payloads.append(payload)

    def scan(
        self, words: list[str], breaks: frozenset[int] = frozenset()
    ) -> dict[Hashable, list[tuple[int, int, list]]]:
        """Per table, the longest non-overlapping matches, left to right: (start, end, payloads).

        At each start the walk keeps, per table, the longest literal ending so far; a table
        takes that match unless an earlier match of its own still covers the start. No phrase
        runs on past a sentence: `breaks` holds the tokens that open one ('... in the
        atrioventricular node. Ablation was performed' is no 'atrioventricular node ablation').
        One loop, locals bound once: this runs for every token of every note."""
        found: dict[Hashable, list[tuple[int, int, list]]] = {k: [] for k in self.kinds}
        free = dict.fromkeys(self.kinds, 0)  # per table, the first token not yet matched
        root, n = self.root, len(words)
        for i in range(n):
            node = root.get(words[i])
            if node is None:
                continue
            if i + 1 >= n or words[i + 1] not in node or i + 1 in breaks:  # one word long
                for kind, payloads in node.get(END, NO_ENDS).items():
                    if i >= free[kind]:
                        found[kind].append((i, i + 1, payloads))
                        free[kind] = i + 1
                continue
            best: dict = {}
            j = i + 1
            while True:
                ends = node.get(END)
                if ends:
                    for kind, payloads in ends.items():
                        best[kind] = (j, payloads)
                if j >= n or j in breaks:
                    break
                node = node.get(words[j])
                if node is None:
                    break
                j += 1
            for kind, (end, payloads) in best.items():
                if i >= free[kind]:
                    found[kind].append((i, end, payloads))
                    free[kind] = end
        return found
