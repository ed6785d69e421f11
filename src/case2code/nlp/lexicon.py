"""The reader's lexicon and assertion cues, compiled once into token n-gram tables.

Matching is a dictionary lookup of token n-grams, longest first, instead of spaCy's
PhraseMatcher: the literals are whole-word phrases over our own tokens, so a dict keyed by
token tuples finds every match in one left-to-right pass at a few microseconds per sentence.
Where two entries share a literal, their attributes are merged; a stop entry (empty `sets`)
shadows the shorter literals inside it ("spinal needle" is not a spine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from .reader import TOKEN_RE, Document


def _key(literal: str) -> tuple[str, ...]:
    if not isinstance(literal, str):  # YAML 1.1 reads a bare no/yes/on/off as a boolean
        raise ValueError(f"literal {literal!r} is not a string: quote it in the YAML file")
    return tuple(TOKEN_RE.findall(literal.lower().replace("'", " ")))


@dataclass(slots=True, frozen=True)
class Mention:
    """A lexicon match: token range, character span and the attributes its entries set."""

    tok_start: int
    tok_end: int
    start: int
    end: int
    sets: dict
    rules: tuple[str, ...]

    def get(self, key: str):
        return self.sets.get(key)


@dataclass(slots=True, frozen=True)
class Cue:
    tok_start: int
    tok_end: int
    start: int
    end: int
    category: str
    direction: str
    rule: str
    scope: int


class PhraseTable:
    """Token n-gram -> payload, with longest-match scanning."""

    def __init__(self) -> None:
        self.table: dict[tuple[str, ...], list] = {}
        self.max_len = 1

    def add(self, literal: str, payload, *, plural: bool = False) -> None:
        key = _key(literal)
        if not key:
            raise ValueError(f"literal {literal!r} has no word characters")
        self.table.setdefault(key, []).append(payload)
        self.max_len = max(self.max_len, len(key))
        last = key[-1]
        if plural and len(last) > 2 and not last.endswith("s") and not last[-1].isdigit():
            self.table.setdefault(key[:-1] + (last + "s",), []).append(payload)

    def scan(self, words: list[str], lo: int = 0, hi: int | None = None):
        """Yield (start, end, payloads) of longest non-overlapping matches in words[lo:hi]."""
        hi = len(words) if hi is None else hi
        i = lo
        table, max_len = self.table, self.max_len
        while i < hi:
            for n in range(min(max_len, hi - i), 0, -1):
                hit = table.get(tuple(words[i : i + n]))
                if hit is not None:
                    yield i, i + n, hit
                    i += n
                    break
            else:
                i += 1


@dataclass(frozen=True)
class Lexicon:
    terms: PhraseTable
    cues: PhraseTable
    max_scope: int
    note_cues: dict[str, PhraseTable]
    version: str
    patterns: dict[str, list[re.Pattern]] = field(default_factory=dict)

    def mentions(self, doc: Document, words: list[str]) -> list[Mention]:
        out = []
        for a, b, entries in self.terms.scan(words):
            sets: dict = {}
            for _entry_id, entry_sets in entries:
                for k, v in entry_sets.items():
                    sets.setdefault(k, v)
            rules = tuple(e[0] for e in entries)
            out.append(Mention(a, b, doc.tokens[a].start, doc.tokens[b - 1].end, sets, rules))
        return out

    def cues_in(self, doc: Document, words: list[str]) -> list[Cue]:
        out = []
        for a, b, hits in self.cues.scan(words):
            for category, direction, rule, scope in hits:
                out.append(
                    Cue(
                        a,
                        b,
                        doc.tokens[a].start,
                        doc.tokens[b - 1].end,
                        category,
                        direction,
                        rule,
                        scope,
                    )
                )
        return out

    def note_cue(self, name: str, doc: Document, words: list[str]) -> list[tuple[int, int]]:
        """Character spans of whole-note cues (aborted, immediate pathology, pain encounter)."""
        return [
            (doc.tokens[a].start, doc.tokens[b - 1].end)
            for a, b, _ in self.note_cues[name].scan(words)
        ]


def _data(name: str) -> dict:
    return yaml.safe_load((resources.files("case2code.nlp") / "data" / name).read_text())


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    lex, ctx = _data("lexicon.yaml"), _data("context.yaml")
    terms = PhraseTable()
    for entry in lex["entries"]:
        for literal in entry["literals"]:
            terms.add(literal, (entry["id"], entry.get("sets") or {}), plural=True)
    cues = PhraseTable()
    for i, rule in enumerate(ctx["rules"]):
        scope = rule.get("max_scope", ctx["max_scope"])
        for literal in rule["literals"]:
            rid = f"context.{rule['category']}.{rule['direction']}[{i}]:{literal}"
            cues.add(literal, (rule["category"], rule["direction"], rid, scope))
    note_cues = {}
    # Every top-level literal list of context.yaml is a whole-note cue under its own name; the
    # aborted block holds the stop cues ("literals") and its stage and energy lists.
    lists = {k: v for k, v in ctx.items() if isinstance(v, list) and k != "rules"}
    lists |= {("aborted" if k == "literals" else k): v for k, v in ctx["aborted"].items()}
    for name, literals in lists.items():
        table = PhraseTable()
        for literal in literals:
            table.add(literal, name)
        note_cues[name] = table
    patterns = {
        name: [re.compile(p, re.IGNORECASE) for p in pats]
        for name, pats in ctx.get("energy_patterns", {}).items()
    }
    return Lexicon(
        terms, cues, ctx["max_scope"], note_cues, f"{lex['version']}+{ctx['version']}", patterns
    )
