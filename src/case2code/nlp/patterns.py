"""Token patterns with the semantics of a subset of spaCy's Matcher, and the value rules that
use them (counts, spinal levels, minutes).

Hand-written instead of spaCy's Matcher because the reader does not build spaCy Docs (see
reader.py: the throughput bar) and needs one thing spaCy's tokens lack: `SEP`, the punctuation
between two word tokens ("L4-5" is a range, "L4, 5 mm" is not). Rules whose first token is a
word are indexed by that word, so a pass over the note costs one dict lookup per token plus
the few rules that start with a regular expression or a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .schema import ReadingProperties, TokenSpec, ValueRule

DIGITS_RE = re.compile(r"\d{1,3}")  # the number in a word ('x3', '3rd')
LEVEL_WORD_RE = re.compile(r"([a-z]{1,2})(\d{1,2})?")  # a level word: region letters, number


@dataclass(slots=True, frozen=True)
class ValueMatch:
    """A value rule's match: token range, character span, the value read and the rule itself."""

    tok_start: int
    tok_end: int
    start: int
    end: int
    value: object
    rule: ValueRule


class TokenTest:
    """One compiled TokenSpec."""

    __slots__ = ("spec", "words", "not_words", "regex", "sep", "op", "attr", "numbers", "like_num")

    def __init__(self, spec: TokenSpec, numbers: dict[str, int]):
        self.spec = spec
        words = set(spec.IN or ()) | ({spec.LOWER} if spec.LOWER else set())
        if spec.LIKE_NUM:
            words = None  # numbers are tested by shape below
        self.words = frozenset(words) if words else None
        self.not_words = frozenset(spec.NOT_IN or ())
        self.regex = re.compile(spec.REGEX) if spec.REGEX else None
        self.sep = re.compile(spec.SEP) if spec.SEP is not None else None
        self.op = spec.OP
        self.attr = spec.ATTR
        self.numbers = numbers
        self.like_num = bool(spec.LIKE_NUM)

    def word_ok(self, word: str) -> bool:
        """The tests that read the word alone (not its separator or mentions)."""
        if self.words is not None and word not in self.words:
            return False
        if word in self.not_words:
            return False
        if self.like_num and not (word.isdigit() or word in self.numbers):
            return False
        return self.regex is None or bool(self.regex.fullmatch(word))

    def ok(self, i: int, ctx: PatternContext) -> bool:
        word = ctx.words[i]
        if self.words is not None and word not in self.words:
            return False
        if word in self.not_words:
            return False
        if self.like_num and not ctx.like_num(word):
            return False
        if self.regex is not None and not self.regex.fullmatch(word):
            return False
        if self.sep is not None and not self.sep.fullmatch(ctx.sep_before(i)):
            return False
        return self.attr is None or ctx.has_attr(i, self.attr)


class PatternContext:
    """What token tests read of one note: words, separators and the mentions over each token."""

    def __init__(self, text: str, tokens, words: list[str], mentions, numbers: dict[str, int]):
        self.text, self.tokens, self.words = text, tokens, words
        self.mentions, self.numbers = mentions, numbers

    def like_num(self, word: str) -> bool:
        return word.isdigit() or word in self.numbers

    def sep_before(self, i: int) -> str:
        prev_end = self.tokens[i - 1].end if i > 0 else 0
        return self.text[prev_end : self.tokens[i].start]

    @cached_property
    def _cover(self) -> dict[int, list]:
        cover: dict[int, list] = {}
        for m in self.mentions:
            for k in range(m.tok_start, m.tok_end):
                cover.setdefault(k, []).append(m)
        return cover

    def has_attr(self, i: int, attr: dict) -> bool:
        return any(
            all(m.get(k) is not None and (v is None or m.get(k) == v) for k, v in attr.items())
            for m in self._cover.get(i, ())
        )


def match_at(tests: list[TokenTest], i: int, ctx: PatternContext) -> int | None:
    """End of the longest match of `tests` starting at token i, or None (greedy, backtracking)."""
    return _match(tests, 0, i, ctx)


def _match(tests: list[TokenTest], t: int, i: int, ctx: PatternContext) -> int | None:
    n = len(ctx.words)
    while t < len(tests) and tests[t].op == "1":  # single tokens: a loop, not a recursion
        if i >= n or not tests[t].ok(i, ctx):
            return None
        t, i = t + 1, i + 1
    if t == len(tests):
        return i
    test = tests[t]
    run = i  # how far this repeatable token can reach
    limit = i + 1 if test.op == "?" else n
    while run < min(limit, n) and test.ok(run, ctx):
        run += 1
    low = i + 1 if test.op == "+" else i
    for stop in range(run, low - 1, -1):
        end = _match(tests, t + 1, stop, ctx)
        if end is not None:
            return end
    return None


Compiled = tuple[ValueRule, list[TokenTest], tuple[int, int, frozenset[str]] | None]


class ValueRules:
    """The compiled value rules of tokens.yaml, indexed by their first word."""

    def __init__(self, rules: tuple[ValueRule, ...], props: ReadingProperties):
        self.props = props
        self.by_word: dict[str, list[Compiled]] = {}
        self.any_start: list[Compiled] = []
        for rule in rules:
            tests = [TokenTest(s, props.number_words) for s in rule.pattern]
            compiled = (rule, tests, _needed_word(tests))
            first = tests[0]
            if first.op == "1" and first.words is not None:
                for w in first.words:
                    self.by_word.setdefault(w, []).append(compiled)
            else:
                self.any_start.append(compiled)
        self._starting: dict[str, tuple[Compiled, ...]] = {}  # word -> starting_with(word)

    def starting_with(self, word: str) -> tuple[Compiled, ...]:
        """The rules whose first token can be this word (its SEP and ATTR are checked later)."""
        return tuple(self.by_word.get(word, [])) + tuple(
            c for c in self.any_start if c[1][0].word_ok(word)
        )

    def find(self, ctx: PatternContext) -> list[ValueMatch]:
        """Every value match, one per start token and kind (the longest), in text order."""
        out: list[ValueMatch] = []
        known, words = self._starting, ctx.words
        for i, word in enumerate(words):
            rules = known.get(word)
            if rules is None:
                rules = self.starting_with(word)
                if len(known) < 65536:  # words repeat across notes; a bound keeps memory flat
                    known[word] = rules
            if not rules:
                continue
            best: dict[str, tuple[int, ValueRule]] = {}
            for rule, tests, need in rules:
                if need is not None and need[2].isdisjoint(words[i + need[0] : i + need[1] + 1]):
                    continue  # the word the pattern needs is nowhere it could be
                end = match_at(tests, i, ctx)
                if end is None or _blocked(rule, i, ctx):
                    continue
                if rule.kind not in best or end > best[rule.kind][0]:
                    best[rule.kind] = (end, rule)
            for end, rule in best.values():
                value = self.read(rule, ctx, i, end)
                if value is not None:
                    a, b = ctx.tokens[i].start, ctx.tokens[end - 1].end
                    out.append(ValueMatch(i, end, a, b, value, rule))
        return out

    def read(self, rule: ValueRule, ctx: PatternContext, i: int, end: int):
        if rule.read is None:
            return rule.value
        words = ctx.words[i:end]
        if rule.read in ("int", "number"):
            return self.number(words[rule.capture or 0])
        return self.levels(words, expand=rule.read != "level")

    def number(self, word: str) -> int | None:
        if word in self.props.number_words:
            return self.props.number_words[word]
        digits = DIGITS_RE.search(word)
        return int(digits.group()) if digits else None

    def levels(self, words: list[str], *, expand: bool) -> list[str] | None:
        """Spinal levels named by the matched words: 't12', 'th', '12', 'l4', '5' ..."""
        named: list[tuple[str, int]] = []
        region = None
        for word in words:
            head = LEVEL_WORD_RE.fullmatch(word)
            if head and head.group(1) in self.props.level_regions:
                region = self.props.level_regions[head.group(1)]
                if head.group(2):
                    named.append((region, int(head.group(2))))
            elif word.isdigit() and region is not None:
                named.append((region, int(word)))
        named = [(r, n) for r, n in named if 1 <= n <= self.props.level_max[r]]
        if not named:
            return None
        if expand and len(named) == 2 and named[0][0] == named[1][0]:
            (r, a), (_, b) = named
            if a < b:
                named = [(r, k) for k in range(a, b + 1)]
        return list(dict.fromkeys(f"{r}{n}" for r, n in named))


def _needed_word(tests: list[TokenTest]) -> tuple[int, int, frozenset[str]] | None:
    """A quick test that rules out most starts before the full match: (lo, hi, words) when some
    later token must be one of `words` and sits lo to hi tokens after the start (the tokens
    before it are single or optional), else None. Of several, the narrowest window."""
    lo = hi = 0  # how far after the start the current test's token can be
    best = None
    for t, test in enumerate(tests):
        if t > 0 and test.op == "1" and test.words is not None:
            if best is None or hi - lo < best[1] - best[0]:
                best = (lo, hi, test.words)
        if test.op == "1":
            lo, hi = lo + 1, hi + 1
        elif test.op == "?":
            hi += 1
        else:  # a repeated token: the tests after it can be anywhere
            break
    return best


def _blocked(rule: ValueRule, i: int, ctx: PatternContext) -> bool:
    return bool(rule.not_after) and i > 0 and ctx.words[i - 1] in rule.not_after
