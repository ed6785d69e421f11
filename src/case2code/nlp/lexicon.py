"""The reader's compiled data: lexicon, ConText cues, whole-note cues, token rules and reading
properties, loaded once through their typed schema (nlp/schema.py).

Every literal of every table goes into one token trie (scanner.py), so a note is scanned once for
all of them; value rules (patterns.py) run in a second linear pass that can read the mentions
the first found. Where two lexicon entries share a literal, their attributes are merged; a stop
entry (empty `sets`) shadows the shorter literals inside it ("spinal needle" is not a spine).
Matches keep their rule objects, so nothing downstream parses a rule id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources

import yaml

from .patterns import PatternContext, ValueMatch, ValueRules
from .prefilter import Prefilter
from .reader import Document
from .scanner import Trie
from .schema import (
    ContextFile,
    CueRule,
    LexiconEntry,
    LexiconFile,
    NoteCue,
    NoteCueFile,
    ReadingProperties,
    TokenRuleFile,
    validate,
)

TERM, CUE = "term", "cue"


@dataclass(slots=True)
class Mention:
    """A lexicon match: token range, character span, the attributes its entries set, and the
    entries themselves. Read-only by convention, not frozen: a note makes dozens and a frozen
    dataclass sets each field through object.__setattr__."""

    tok_start: int
    tok_end: int
    start: int
    end: int
    sets: dict
    entries: tuple[LexiconEntry, ...]
    rules: tuple[str, ...] = field(default=(), compare=False)  # the entries' ids (from entries)
    # `get(key)`: the attribute's value or None. The dict's own bound `get`, kept as a field: the
    # extractors ask hundreds of times per note, and a method would add a Python call to each.
    get: Callable[[str], object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.get = self.sets.get
        if not self.rules and self.entries:
            self.rules = tuple(e.id for e in self.entries)


@dataclass(slots=True)
class Cue:
    """A ConText cue found in the note, with the rule that gives its category and scope
    (read-only by convention, like Mention)."""

    tok_start: int
    tok_end: int
    start: int
    end: int
    rule: CueRule
    scope: int
    # the rule's category and direction as plain strings (Lexicon.scan reads them once per
    # rule): assertion compares them for every cue of a sentence and every mention in it, and
    # an enum's `.value` is a descriptor call
    category: str = field(repr=False, compare=False)
    direction: str = field(repr=False, compare=False)


@dataclass(slots=True)
class Scan:
    """Everything the one pass found in a note."""

    mentions: list[Mention]
    cues: list[Cue]
    note_spans: dict[str, list[tuple[int, int]]]
    values: list[ValueMatch] = field(default_factory=list)


@dataclass(frozen=True)
class Lexicon:
    trie: Trie
    context: ContextFile
    note_cues: dict[str, NoteCue]
    values: ValueRules
    tokens: TokenRuleFile
    props: ReadingProperties
    version: str
    patterns: dict[str, list[re.Pattern]] = field(default_factory=dict)
    prefilter: Prefilter | None = field(default=None, repr=False, compare=False)
    # id of a trie node's entry list -> the attributes its entries set, merged (first entry
    # wins), the entries and their ids: merged once per literal, not once per match. The lists
    # live in the trie as long as this lexicon, so their ids stay theirs. Mentions share these
    # dicts: nothing may modify a mention's `sets` (copy it, as extract.py does).
    merged: dict[int, tuple[dict, tuple[LexiconEntry, ...], tuple[str, ...]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    # id of a cue rule -> its category and direction as strings (the rules live in `context`)
    cue_names: dict[int, tuple[str, str]] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def dating_cues(self) -> frozenset[str]:
        """Ids of the cue rules that date a procedure to an earlier encounter (`dates_session`),
        read by every note's anchors: gathered once per lexicon, not once per note."""
        return frozenset(r.id for r in self.context.rules if r.dates_session)

    def _cue_names(self, rule: CueRule) -> tuple[str, str]:
        self.cue_names[id(rule)] = (rule.category.value, rule.direction.value)
        return self.cue_names[id(rule)]

    def _merge(self, entries: list[LexiconEntry]) -> tuple[dict, tuple, tuple[str, ...]]:
        sets: dict = {}
        for entry in entries:
            for k, v in entry.sets.items():
                sets.setdefault(k, v)
        self.merged[id(entries)] = (sets, tuple(entries), tuple(e.id for e in entries))
        return self.merged[id(entries)]

    def scan(self, doc: Document, words: list[str]) -> Scan:
        found = self.trie.scan(words, frozenset(sent.tok_start for sent in doc.sentences[1:]))
        toks = doc.tokens
        merged = self.merged
        mentions = []
        for a, b, hits in found.get(TERM, ()):
            sets, entries, rules = merged.get(id(hits)) or self._merge(hits)
            mentions.append(Mention(a, b, toks[a].start, toks[b - 1].end, sets, entries, rules))
        scope, names = self.context.max_scope, self.cue_names
        cues = []
        for a, b, rules in found.get(CUE, ()):
            for rule in rules:
                category, direction = names.get(id(rule)) or self._cue_names(rule)
                start, end, reach = toks[a].start, toks[b - 1].end, rule.max_scope or scope
                cues.append(Cue(a, b, start, end, rule, reach, category, direction))
        spans = {
            name: [(toks[a].start, toks[b - 1].end) for a, b, _ in found.get(name, ())]
            for name in self.note_cues
        }
        ctx = PatternContext(doc.text, toks, words, mentions, self.props.number_words)
        return Scan(mentions, cues, spans, self.values.find(ctx))


def _data(name: str) -> dict:
    return yaml.load(
        (resources.files("case2code.nlp") / "data" / name).read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )


def load(name: str, model):
    return validate(model, _data(name), f"nlp/data/{name}")


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    lex = load("lexicon.yaml", LexiconFile)
    ctx = load("context.yaml", ContextFile)
    notes = load("notecues.yaml", NoteCueFile)
    tokens = load("tokens.yaml", TokenRuleFile)
    props = load("properties.yaml", ReadingProperties)
    trie = Trie(props.spelling_variants)
    for entry in lex.entries:
        for literal in entry.literals:
            trie.add(literal, TERM, entry, plural=True)
    for rule in ctx.rules:
        for literal in rule.literals:
            trie.add(literal, CUE, rule)
    for cue in notes.cues:
        for literal in cue.literals:
            trie.add(literal, cue.name, cue)
    patterns = {
        c.name: [re.compile(p, re.IGNORECASE) for p in c.patterns] for c in notes.cues if c.patterns
    }
    version = "+".join(f.version for f in (lex, ctx, notes, tokens, props))
    every = [rx.pattern for rxs in patterns.values() for rx in rxs]
    return Lexicon(
        trie,
        ctx,
        {c.name: c for c in notes.cues},
        ValueRules(tokens.values, props),
        tokens,
        props,
        version,
        patterns,
        Prefilter("notecues", every),
    )


@lru_cache(maxsize=1)
def props() -> ReadingProperties:
    """The reading properties (cached itself: the extractors ask about a hundred times a note,
    and a cache hit costs no Python call)."""
    return get_lexicon().props
