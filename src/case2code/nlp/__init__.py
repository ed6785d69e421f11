"""Note reader: text -> Document (sections, sentences, tokens) -> Facts (procedures, conditions)."""

from __future__ import annotations

from ..model import Facts
from .conditions import (
    conditions,
    drop_unsupported,
    link_indication,
    link_laterality,
    link_nature,
    link_sentence_indication,
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
    link_sentence_indication(facts, ctx)
    link_indication(facts)
    link_laterality(facts)
    link_treatment(facts)
    facts.encounter = _encounter(ctx, text)
    return doc, facts, ctx


def _encounter(ctx: NoteContext, text: str) -> dict:
    """What the note says of the whole encounter: a pain-control purpose (G89.3 first,
    I.C.6.b.5; not when local tumor control is named beside it), an inpatient stay closed by a
    discharge summary (II.H: uncertain diagnoses coded as if established), a study of several
    patients (no one patient's encounter: nothing is coded for it), a lesion only ever called a
    tumor, never a mass, lesion or nodule (a tumor NOS: D49 when no histology is named), each
    with the words it rests on; and the note's sections, where the coder reads the diagnoses
    a visit with no procedure states as its reason (IV.G)."""
    spans = ctx.note_cue_spans
    out: dict = {}
    series = ctx.pattern_spans("several_patients")
    if series:
        a, b = series[0]
        out["patients"] = "several"
        out["patients_evidence"] = [{"start": a, "end": b, "text": text[a:b]}]
    if spans["pain_encounter"] and not spans["tumor_control_too"]:
        a, b = spans["pain_encounter"][0]
        out["purpose"] = "pain_management"
        out["evidence"] = [{"start": a, "end": b, "text": text[a:b]}]
    tumor = ctx.pattern_spans("tumor_word")
    if tumor and not ctx.pattern_spans("finding_word"):
        a, b = tumor[0]
        out["lesion_named"] = "tumor"
        out["lesion_named_evidence"] = [{"start": a, "end": b, "text": text[a:b]}]
    out["sections"] = [{"name": s.name, "start": s.start, "end": s.end} for s in ctx.doc.sections]
    if spans["inpatient_discharge"]:
        a, b = spans["inpatient_discharge"][0]
        out["stay"] = "inpatient"
        out["stay_evidence"] = [{"start": a, "end": b, "text": text[a:b]}]
    return out


__all__ = ["Document", "NoteContext", "read", "read_facts", "read_note"]
