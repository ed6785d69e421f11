"""Read a note into sections, sentences and tokens that keep character offsets.

Hand-written with `re` instead of a spaCy pipeline: the whole engine must run at 100x the
throughput of a medspaCy default pipeline, and spaCy's tokenizer alone is slower than that
budget. What this reader needs is narrow and regular (headers, line breaks, bullets, sentence
punctuation, word tokens with offsets), so a few compiled patterns do it exactly and fast.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import accumulate, repeat
from typing import NamedTuple

import yaml

TOKEN_RE = re.compile(r"[A-Za-z0-9]+")
NON_WORD_RE = re.compile(r"([^A-Za-z0-9]+)")  # the gaps between TOKEN_RE's words, kept by split
BREAK_RE = re.compile(r"[,;:()]")  # clause breaks between tokens: short cues stop there
HEADER_RE = re.compile(
    r"^[ \t]*(?:[-*\u2022]\s*|\d{1,2}[.)]\s*)?"
    r"(?P<h>[A-Za-z][A-Za-z /&()'\-]{1,60}?)\s*[:\uff1a](?=\s|$)",
    re.MULTILINE,
)
# A structured abstract runs its headers inline ("... in one session. Case Description: A 45-year-
# old ..."): a header word group after a sentence end counts only when sections.yaml knows it.
INLINE_HEADER_RE = re.compile(
    r"(?<=[.!?])[ \t]*(?P<h>[A-Z][a-z]{1,20}(?: [A-Za-z][a-z]{1,20}){0,3}"
    r"|[A-Z]{2,20}(?: [A-Z]{2,20}){0,3}):[ \t\n]"  # or in capitals ('... lesion. RESULTS: ...')
)
CAPS_HEADER_RE = re.compile(r"^[ \t]*(?P<h>[A-Z][A-Z /&()'\-]{2,40})[ \t]*$", re.MULTILINE)
SENT_END_RE = re.compile(
    r"(?<=[.!?;])[\"')\]]*\s+(?=\S)"  # punctuation then space
    r"|\n[ \t]*\n\s*"  # blank line
    r"|\n(?=[ \t]*(?:[-*\u2022]|\d{1,2}[.)]\s)\s*)"  # a new bullet or numbered item
    r"|\n(?=[ \t]*[A-Z][A-Za-z /&()'\-]{1,60}:)"  # a new header line
)
ABBREV_RE = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|vs|approx|e\.g|i\.e|St|No|Fig|cm|mm|min)|\b[A-Z])\.$")


class Token(NamedTuple):
    """A word with its offsets. A named tuple, not a frozen dataclass: a note makes hundreds
    and a frozen dataclass's __init__ sets each field through object.__setattr__."""

    start: int
    end: int
    lower: str


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    section: str
    tok_start: int = 0
    tok_end: int = 0


@dataclass(slots=True)
class Section:
    name: str
    header: str
    start: int
    end: int


@dataclass(slots=True)
class Document:
    text: str
    tokens: list[Token] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    breaks: tuple[int, ...] = ()  # sorted token indexes with a clause break before them
    sent_of_token: list[int] = field(default_factory=list)  # token index -> sentence index

    def sentence_of(self, token_index: int) -> int:
        """Index of the sentence holding a token: read from the table `read` builds once per
        note (the extractors ask for every mention, cue and value), else a binary search."""
        if 0 <= token_index < len(self.sent_of_token):
            return self.sent_of_token[token_index]
        lo, hi = 0, len(self.sentences) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.sentences[mid].tok_start <= token_index:
                lo = mid
            else:
                hi = mid - 1
        return lo


@dataclass(frozen=True)
class SectionRules:
    prefixes: tuple[tuple[tuple[str, ...], str], ...]
    defaults: dict[str, str]
    retells_case: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def section_rules() -> SectionRules:
    raw = yaml.safe_load((resources.files("case2code.nlp") / "data" / "sections.yaml").read_text())
    prefixes, defaults = [], {}
    for name, spec in raw["sections"].items():
        defaults[name] = spec["default"]
        prefixes += [(tuple(TOKEN_RE.findall(h.lower())), name) for h in spec["headers"]]
    prefixes.sort(key=lambda p: -len(p[0]))  # longest header first
    retells = frozenset(n for n, spec in raw["sections"].items() if spec.get("retells_case"))
    return SectionRules(tuple(prefixes), defaults, retells)


@lru_cache(maxsize=4096)
def classify_header(header: str) -> str | None:
    """The section a header names (its longest known prefix), or None. Cached: notes repeat a
    small set of headers, and each try reads every known prefix."""
    words = tuple(w.lower() for w in TOKEN_RE.findall(header))
    if not words or len(words) > 8:
        return None
    for prefix, name in section_rules().prefixes:
        if words[: len(prefix)] == prefix:
            return name
    return None


def find_sections(text: str) -> list[Section]:
    marks = []
    for rx in (HEADER_RE, CAPS_HEADER_RE, INLINE_HEADER_RE):
        for m in rx.finditer(text):
            name = classify_header(m.group("h"))
            if rx is INLINE_HEADER_RE and name in (None, "other"):
                continue
            if name is None and rx is HEADER_RE and len(m.group("h").split()) <= 4:
                name = "other"  # an unknown header still ends the section before it
            if name:
                marks.append((m.start("h"), m.end(), name, m.group("h")))
    marks.sort()
    sections = []
    for i, (start, _end, name, header) in enumerate(marks):
        if sections and sections[-1].start == start:
            continue
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        sections.append(Section(name, header.strip(), start, stop))
    return sections


SHORT_LINE = 60


def _split_short_lines(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """A line break after a short line ends a sentence (titles, list-like lines); a break inside
    a hard-wrapped paragraph (long lines) does not."""
    out, cursor = [], a
    pos = text.find("\n", a, b)
    while pos != -1:
        line_start = text.rfind("\n", a, pos) + 1 if text.rfind("\n", a, pos) >= a else a
        if pos - max(line_start, cursor) < SHORT_LINE and text[cursor:pos].strip():
            out.append((cursor, pos))
            cursor = pos + 1
        pos = text.find("\n", pos + 1, b)
    if text[cursor:b].strip():
        out.append((cursor, b))
    return out


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [
        piece
        for a, b in _split_punctuation(text, start, end)
        for piece in _split_short_lines(text, a, b)
    ]


def _split_punctuation(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, cursor = [], start
    for m in SENT_END_RE.finditer(text, start, end):
        if ABBREV_RE.search(text, max(cursor, m.start() - 8), m.start()):
            continue
        if text[cursor : m.start()].strip():
            out.append((cursor, m.start()))
        cursor = m.end()
    if text[cursor:end].strip():
        out.append((cursor, end))
    return out


def read(text: str) -> Document:
    """Sections, sentences and tokens of a note; every offset indexes `text` itself."""
    doc = Document(text=text)
    doc.tokens = tokenize(text)
    starts = [t.start for t in doc.tokens]
    doc.breaks = _breaks(text, starts)
    doc.sections = find_sections(text)
    bounds = _section_bounds(doc.sections, len(text))
    tok_i = 0
    for name, s_start, s_end in bounds:
        for a, b in split_sentences(text, s_start, s_end):
            first = tok_i
            tok_i = bisect_left(starts, b, tok_i)
            doc.sentences.append(Sentence(a, b, name, first, tok_i))
    if not doc.sentences:
        doc.sentences.append(Sentence(0, len(text), "body", 0, len(doc.tokens)))
    doc.sent_of_token = _sentence_table(doc.sentences, len(doc.tokens))
    return doc


def tokenize(text: str) -> list[Token]:
    """The word tokens of TOKEN_RE with their offsets, built without a Python-level step per
    token: the text is split at its non-word runs (words and gaps alternate), offsets are the
    running sum of the pieces' lengths, and the tokens are made by `map` (a note has hundreds).
    ASCII text is lower-cased whole first (lower() then keeps every offset)."""
    ascii_text = text.isascii()
    parts = NON_WORD_RE.split(text.lower() if ascii_text else text)
    offsets = list(accumulate(map(len, parts), initial=0))
    words, starts, ends = parts[0::2], offsets[0:-1:2], offsets[1::2]
    if not ascii_text:
        words = [w.lower() for w in words]
    first = 1 if words and not words[0] else 0  # text starting with a gap: no word before it
    last = len(words) - 1 if words and not words[-1] else len(words)
    rows = zip(starts[first:last], ends[first:last], words[first:last], strict=True)
    return list(map(tuple.__new__, repeat(Token), rows))


def _breaks(text: str, starts: list[int]) -> tuple[int, ...]:
    """Token indexes i > 0 with a clause break between token i - 1 and token i: each break
    character is found once in the text and falls before the first token starting after it
    (break characters are never inside a word token)."""
    out: dict[int, None] = {}
    for m in BREAK_RE.finditer(text):
        i = bisect_right(starts, m.start())
        if 0 < i < len(starts):
            out[i] = None
    return tuple(out)


def _sentence_table(sentences: list[Sentence], n_tokens: int) -> list[int]:
    """Token index -> the last sentence whose first token is at or before it (what the binary
    search of `Document.sentence_of` returns), built in one pass."""
    table = [0] * n_tokens
    for k, sent in enumerate(sentences):
        nxt = sentences[k + 1].tok_start if k + 1 < len(sentences) else n_tokens
        table[sent.tok_start : max(nxt, sent.tok_start)] = [k] * max(nxt - sent.tok_start, 0)
    return table


def _section_bounds(sections: list[Section], length: int) -> list[tuple[str, int, int]]:
    bounds, cursor = [], 0
    for sec in sections:
        if sec.start > cursor:
            bounds.append(("body", cursor, sec.start))
        bounds.append((sec.name, sec.start, sec.end))
        cursor = sec.end
    if cursor < length:
        bounds.append(("body", cursor, length))
    return bounds
