"""The decisive words of a line: the imaging words of a guidance line, the minutes of a time-based
line, the side word of a laterality modifier. Each line's evidence starts with them, before the
procedure words the reader attached to the fact.

The reader keeps these values on the fact (`guidance`, `minutes`, `laterality`) but not the
words they came from, so this module looks them up among the reader's own matches of the note
(lexicon mentions, value matches of `nlp.read_note`) and never searches the text again.
"""

from __future__ import annotations

from ..model import ProcedureFact, Span
from ..nlp.notectx import NoteContext

SIDE_OF = {"RT": ("right",), "LT": ("left",), "50": ("bilateral", "right", "left")}


class DecisiveWords:
    """Spans of the note that decide a line beyond its procedure words.

    Args:
        ctx: the reader's indexed matches of the note (`nlp.read_note(text)[2]`); None (lines
            built without a note) finds no words.
    """

    def __init__(self, ctx: NoteContext | None = None):
        self._ctx = ctx

    def guidance(self, fact: ProcedureFact, modality: str, limit: int = 2) -> list[Span]:
        """The words naming this imaging ('Under CT', 'ultrasound-guided'), nearest the
        procedure first."""
        if self._ctx is None:
            return []
        found = [
            m
            for m in self._ctx.mentions
            if m.get("guidance") == modality and not self._ctx.is_negated(m)
        ]
        return self._nearest(fact, found)[:limit]

    def minutes(self, fact: ProcedureFact) -> list[Span]:
        """The time value the fact's minutes were read from ('30 minutes')."""
        if self._ctx is None or fact.minutes is None:
            return []
        found = [v for v in self._ctx.values_of("minutes") if v.value == fact.minutes]
        return self._nearest(fact, found)[:1]

    def sides(self, fact: ProcedureFact, modifiers: list[str]) -> list[Span]:
        """The side words behind RT, LT or 50: one word per side, nearest the procedure."""
        if self._ctx is None:
            return []
        wanted = next((SIDE_OF[m] for m in modifiers if m in SIDE_OF), ())
        out: list[Span] = []
        for side in wanted:
            found = [m for m in self._ctx.mentions if m.get("laterality") == side]
            out += self._nearest(fact, found)[:1]
            if side == "bilateral" and out:
                break
        return out

    def cue(self, name: str, limit: int = 2) -> list[Span]:
        """The words of a whole-note cue (nlp/data/notecues.yaml), in text order: what
        documents a component of a service ('CARTO3', 'transseptal puncture')."""
        if self._ctx is None:
            return []
        text = self._ctx.doc.text
        return [Span(a, b, text[a:b]) for a, b in self._ctx.pattern_spans(name)[:limit]]

    def _nearest(self, fact: ProcedureFact, matches) -> list[Span]:
        """Nearest the fact's first procedure words (its title or first sentence naming it)."""
        a, b = (fact.evidence[0].start, fact.evidence[0].end) if fact.evidence else (0, 0)

        def distance(m) -> int:
            return max(a - m.end, m.start - b, 0)

        text = self._ctx.doc.text
        ordered = sorted(matches, key=lambda m: (distance(m), m.start))
        return [Span(m.start, m.end, text[m.start : m.end]) for m in ordered]


def lead_with(decisive: list[Span], evidence: list[Span]) -> list[Span]:
    """The decisive words first, then the fact's own evidence without repeats."""
    return decisive + [e for e in evidence if e not in decisive]
