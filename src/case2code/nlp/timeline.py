"""When the reported encounter is not the procedure: a case report's later visit, a summary
of several sessions, a study of several patients.

A case report about a complication tells the procedure first and then the visit it is about
("The procedure went smoothly ... 1 week later, he attended the emergency room"): the
procedures told before that later visit were done at an earlier encounter. A summary of a
treatment course ("18 metastases were treated in 8 procedures") names no one session, so no
session can be coded from it; a study of several patients records no one patient's encounter.
Each is a whole-note cue of notecues.yaml (`later_visit`, `several_sessions`,
`several_patients`); the procedures they turn are marked historical with the cue's rule id.
"""

from __future__ import annotations

from ..model import ProcedureFact, Span
from .notectx import NoteContext

LATER_VISIT = "context.earlier_than_later_visit"
SEVERAL = "context.several_sessions"
SEVERAL_PATIENTS = "context.several_patients"
DONE = ("performed", "aborted")  # an aborted session told before the later visit is history too


def date_before_later_visit(ctx: NoteContext, facts: list[ProcedureFact]) -> None:
    """Each performed procedure told before the note's first later visit (in an earlier
    sentence, or in the visit's sentence up to the end of the cue) and nowhere after that
    sentence ('A month later he reported dysphagia ... at the RFA-treated area': the earlier
    procedure named as where the problem is; a mention there that tells no session of its own
    does not count) is history."""
    spans = ctx.pattern_spans("later_visit")
    if not spans:
        return
    start, end = spans[0]
    visit = ctx.doc.sentences[ctx.doc.sentence_of(ctx.token_at(start))]
    at = {(m.start, m.end): m for m in ctx.mentions}  # evidence words -> their mention
    for fact in facts:
        told = _story(ctx, fact)
        before = any(e.end <= visit.start for e in told)  # told first, then the later visit
        # or told in the visit's own sentence up to the cue: 'underwent RFA ..., but developed
        # Graves disease eight weeks after RFA', 'pain three days after EVLA'
        before = before or any(visit.start <= e.start and e.end <= end for e in told)
        later = [e for e in told if e.start >= visit.end and not _dated_words(ctx, at, e)]
        if fact.assertion in DONE and before and not later:
            _to_history(ctx, fact, LATER_VISIT, (start, end))


def _dated_words(ctx: NoteContext, at: dict, e: Span) -> bool:
    """Words after the later visit that tell no new session: a historical cue dates them, or no
    verb of doing or guidance governs them ('liver abscess formation should always be
    considered after RFA')."""
    m = at.get((e.start, e.end))
    if m is None:
        return False
    return ctx.is_dated(m) or not ctx.names_its_doing(m, ctx.sentence_index(m))


def _story(ctx: NoteContext, fact: ProcedureFact) -> list[Span]:
    """The evidence told in the case's story: not the title, nor a sentence that sums up the
    whole case ('We report a case ... treated with vertebroplasty and RFA'), which comes first
    but tells no time."""
    out = []
    for e in fact.evidence:
        sent = ctx.doc.sentence_of(ctx.token_at(e.start))
        if not ctx.is_title(sent) and not ctx.sentence_has("case_subject", sent):
            out.append(e)
    return out


def date_several_sessions(ctx: NoteContext, facts: list[ProcedureFact]) -> None:
    """Each performed procedure of the summarized kind (named in the summary's sentence) is
    history: the summary covers every session, today's included."""
    for start, end in ctx.pattern_spans("several_sessions"):
        sent = ctx.doc.sentences[ctx.doc.sentence_of(ctx.token_at(start))]
        actions = {
            f.action for f in facts if any(sent.start <= e.start < sent.end for e in f.evidence)
        } or {f.action for f in facts if f.assertion in DONE}
        for fact in facts:
            if fact.assertion in DONE and fact.action in actions:
                _to_history(ctx, fact, SEVERAL, (start, end))


def date_several_patients(ctx: NoteContext, facts: list[ProcedureFact]) -> None:
    """A study of several patients ('a retrospective review of 11 patients ... treated with RFA')
    tells what was done to each of them before: every procedure done is history."""
    spans = ctx.pattern_spans("several_patients")
    if not spans:
        return
    for fact in facts:
        if fact.assertion in DONE:
            _to_history(ctx, fact, SEVERAL_PATIENTS, spans[0])


def _to_history(ctx: NoteContext, fact: ProcedureFact, rule: str, span: tuple[int, int]) -> None:
    fact.assertion = "historical"
    fact.aborted_stage = fact.energy_delivered = None
    fact.rules.append(rule)
    fact.evidence.append(Span(span[0], span[1], ctx.doc.text[span[0] : span[1]]))
