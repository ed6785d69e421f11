"""Note reader: text -> Document (sections, sentences, tokens) -> Facts (procedures, conditions)."""

from __future__ import annotations

from ..model import Facts
from .conditions import (
    conditions,
    drop_unsupported,
    link_indication,
    link_laterality,
    link_nature,
    link_treatment,
)
from .extract import procedures
from .lexicon import get_lexicon
from .notectx import NoteContext
from .reader import Document, read


def read_facts(text: str) -> tuple[Document, Facts]:
    """Read a note and extract its facts; every evidence span slices `text` exactly."""
    doc, facts, _ = read_note(text)
    return doc, facts


def read_note(text: str) -> tuple[Document, Facts, NoteContext]:
    """`read_facts` plus the note's indexed matches, for the coder to quote the words behind a
    fact's values (guidance, minutes, side) without scanning the note a second time."""
    doc = read(text)
    ctx = NoteContext(doc, get_lexicon())
    facts = Facts(procedures=procedures(ctx), conditions=conditions(ctx))
    drop_unsupported(facts)
    link_nature(facts)
    link_indication(facts)
    link_laterality(facts)
    link_treatment(facts)
    spans = ctx.note_cue_spans
    if spans["pain_encounter"]:
        a, b = spans["pain_encounter"][0]
        facts.encounter = {
            "purpose": "pain_management",
            "evidence": [{"start": a, "end": b, "text": text[a:b]}],
        }
    return doc, facts, ctx


__all__ = ["Document", "NoteContext", "read", "read_facts", "read_note"]
