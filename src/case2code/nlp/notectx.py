"""One note's lexicon matches and cues, indexed by sentence and section, with note-level views.

Built once per note so that every attribute lookup of the extractors is a list scan over one
sentence or section, never a rescan of the text.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property

from .context import CONDITION_CATEGORIES, assert_mention
from .lexicon import Cue, Lexicon, Mention
from .reader import Document, section_rules

QUIET_SECTIONS = {"history", "plan", "indication"}
REGION_SITES = {"pelvis"}  # a region, named in scans ("CT of the pelvis"), not a treated bone
DATE_CUE = re.compile(
    r":(in \d{4}|.{0,200}ago|last (year|month|week)|earlier|originally|initially treated with|"
    r"at (an )?outside hospital|in (january|february|march|april|may|june|july|august|"
    r"september|october|november|december)|(weeks|months) prior)$"
)


class NoteContext:
    def __init__(self, doc: Document, lexicon: Lexicon):
        self.doc = doc
        self.lexicon = lexicon
        self.words = [t.lower for t in doc.tokens]
        self.mentions = lexicon.mentions(doc, self.words)
        self.cues = lexicon.cues_in(doc, self.words)
        n = len(doc.sentences)
        self._sent_mentions: list[list[Mention]] = [[] for _ in range(n)]
        self._sent_cues: list[list[Cue]] = [[] for _ in range(n)]
        self._pos = {id(m): i for i, m in enumerate(self.mentions)}
        for m in self.mentions:
            self._sent_mentions[doc.sentence_of(m.tok_start)].append(m)
        for c in self.cues:
            self._sent_cues[doc.sentence_of(c.tok_start)].append(c)

    def sent_mentions(self, i: int) -> list[Mention]:
        return self._sent_mentions[i]

    def sent_cues(self, i: int) -> list[Cue]:
        return self._sent_cues[i]

    def sentence_text(self, i: int) -> str:
        s = self.doc.sentences[i]
        return self.doc.text[s.start : s.end]

    def section_of(self, m: Mention) -> str:
        return self.doc.sentences[self.doc.sentence_of(m.tok_start)].section

    def section_mentions(self, section: str) -> list[Mention]:
        if section in ("body",):
            return []
        return [m for m in self.mentions if self.section_of(m) == section]

    def section_default(self, section: str) -> str:
        return section_rules().defaults.get(section, "performed")

    def span(self, m: Mention | Cue) -> tuple[int, int, str]:
        return m.start, m.end, self.doc.text[m.start : m.end]

    def condition_assertion(self, m: Mention) -> tuple[str, str | None]:
        """Dates and 'years ago' date a treatment, not the disease: they do not make a
        condition historical; 'history of', 'prior', 's/p' do."""
        sent = self.doc.sentence_of(m.tok_start)
        cues = [
            c
            for c in self._sent_cues[sent]
            if not (c.category == "historical" and DATE_CUE.search(c.rule))
        ]
        found = assert_mention(
            m.tok_start, m.tok_end, cues, CONDITION_CATEGORIES, breaks=self.doc.breaks
        )
        return (found.value, found.cue.rule) if found else ("present", None)

    def is_negated(self, m: Mention) -> bool:
        return self.condition_assertion(m)[0] == "negated"

    def names_origin(self, m: Mention) -> bool:
        """'consistent with a breast primary', 'from a renal primary': the origin, not a site."""
        after = self.words[m.tok_end : m.tok_end + 1]
        before = self.words[max(m.tok_start - 2, 0) : m.tok_start]
        nxt = self.doc.tokens[m.tok_end].start if m.tok_end < len(self.doc.tokens) else m.end
        joined = not self.doc.text[m.end : nxt].strip()  # "liver, primary unknown" is not
        return (
            joined
            and after[:1] in (["primary"], ["origin"])
            or bool(before)
            and before[-1] == "from"
        )

    def is_primary_usage(self, m: Mention) -> bool:
        """'breast' in 'breast cancer': an adjective of the primary, not an ablation target."""
        if not m.get("primary_site"):
            return False
        if self.names_origin(m):
            return True
        nxt = self._next_mention(m)
        if nxt and nxt.tok_start - m.tok_end <= 1 and nxt.get("neoplasm") == "malignant":
            return True
        prev = self._prev_mention(m)
        if prev is not None and prev.get("laterality") and not prev.get("organ"):
            prev = self._prev_mention(prev)  # "carcinoma of the left breast"
        gap = self.words[prev.tok_end : m.tok_start] if prev is not None else []
        return bool(
            prev
            and prev.get("histology")
            and len(gap) <= 4
            and gap[:1] in (["of"], ["in"], ["arising"])
        )

    def _next_mention(self, m: Mention) -> Mention | None:
        i = self._pos[id(m)]
        return self.mentions[i + 1] if i + 1 < len(self.mentions) else None

    def _prev_mention(self, m: Mention) -> Mention | None:
        i = self._pos[id(m)]
        return self.mentions[i - 1] if i > 0 else None

    def active_mentions(self) -> list[Mention]:
        """Mentions outside history, plan and indication sections, not negated."""
        return [
            m
            for m in self.mentions
            if self.section_of(m) not in QUIET_SECTIONS and not self.is_negated(m)
        ]

    def note_value(self, key: str):
        values = [m.get(key) for m in self.active_mentions() if m.get(key)]
        if not values:
            values = [m.get(key) for m in self.mentions if m.get(key) and not self.is_negated(m)]
        return Counter(values).most_common(1)[0][0] if values else None

    def note_target(self) -> Mention | None:
        """The likeliest treated site: a specific site near a lesion word, else any target."""
        cands = [
            m
            for m in self.mentions
            if m.get("organ")
            and not self.is_primary_usage(m)
            and not self.is_negated(m)
            and not m.get("action")
        ]
        lesion_sents = {
            self.doc.sentence_of(m.tok_start)
            for m in self.mentions
            if m.get("neoplasm") or m.get("indication") or m.get("action")
        }
        near = [m for m in cands if self.doc.sentence_of(m.tok_start) in lesion_sents]
        active = [m for m in near if self.section_of(m) not in QUIET_SECTIONS]
        for pool in (active, near, cands):
            specific = sorted(
                (m for m in pool if m.get("site")), key=lambda m: m.get("site") in REGION_SITES
            )  # a named bone first
            if specific:
                return specific[0]
            if pool:
                return pool[0]
        return None

    @cached_property
    def note_cue_spans(self) -> dict[str, list[tuple[int, int]]]:
        return {
            name: self.lexicon.note_cue(name, self.doc, self.words)
            for name in self.lexicon.note_cues
        }

    def affirmed(self, name: str) -> list[tuple[int, int]]:
        """Spans of a whole-note cue that no negation governs ('no frozen section was sent')."""
        out = []
        for a, b in self.note_cue_spans[name]:
            i = next(k for k, t in enumerate(self.doc.tokens) if t.start >= a)
            j = next((k for k, t in enumerate(self.doc.tokens) if t.end >= b), i) + 1
            sent = self.doc.sentence_of(i)
            found = assert_mention(i, j, self._sent_cues[sent], {"negated"}, breaks=self.doc.breaks)
            if found is None:
                out.append((a, b))
        return out

    def sentence_has(self, name: str, sent: int) -> bool:
        s = self.doc.sentences[sent]
        return any(s.start <= a < s.end for a, _ in self.note_cue_spans[name])
