"""Complications of care: a condition the note ties to a procedure (ICD-10-CM I.B.16 asks for
the cause-and-effect documented, not inferred from timing).

A complication word (lexicon `complication`) is read as one only when its sentence links it to a
procedure: a link word (`complication_link`) stands between the two, each within the reach of
properties.yaml `complication` ('bleeding after biopsy', 'RFA followed by intractable
pneumothorax'), or a word that is itself the link stands just before it ('postprocedural
pneumothorax'). An expected minor finding ('minimal bleeding') is no complication. The fact keeps
the procedure's words as evidence: the coder finds the procedure fact they belong to, which
decides the body system of the code and whether the encounter is for the complication.
"""

from __future__ import annotations

from ..model import ConditionFact, Span
from .lexicon import Mention, props
from .notectx import NoteContext

SELF_LINK = "self"  # lexicon value of a word that names the complication as one of care
PREFIX = "prefix"  # lexicon value of 'post', joined to the procedure word it qualifies
SITE = "site"  # lexicon value of a procedure's zone ('ablation site') placing a complication


def complications(ctx: NoteContext) -> list[ConditionFact]:
    """One fact per linked complication word, with the procedure word as second evidence."""
    out = []
    for m in ctx.mentions:
        kind = m.get("complication")
        if not kind or _minor(ctx, m):
            continue
        cause = _cause(ctx, m)
        if cause is None:
            continue
        assertion, rule = ctx.condition_assertion(m)
        fact = ConditionFact(kind="complication", detail=kind, assertion=assertion)
        fact.organ = cause.get("organ")
        fact.evidence = [Span(*ctx.span(m)), Span(*ctx.span(cause))]
        fact.rules = [*m.rules, *cause.rules] + ([rule] if rule else [])
        fact.section = ctx.section_of(m)
        out.append(fact)
    return out


def _before(ctx: NoteContext, m: Mention, key: str) -> Mention | None:
    """A mention setting `key` that ends at most `adjacent` tokens before `m` in its sentence."""
    reach = props().complication.adjacent
    sent = ctx.sent_mentions(ctx.sentence_index(m))
    return next((o for o in sent if o.get(key) and 0 <= m.tok_start - o.tok_end <= reach), None)


def _minor(ctx: NoteContext, m: Mention) -> bool:
    return _before(ctx, m, "complication_minor") is not None


def _cause(ctx: NoteContext, m: Mention) -> Mention | None:
    """The procedure word the sentence ties the complication to; for a self-linking word
    ('iatrogenic') that word itself, which names no procedure."""
    own = _before(ctx, m, "complication_link")
    if own is not None and own.get("complication_link") == SELF_LINK:
        return own
    reach = props().complication.reach
    sent = ctx.sent_mentions(ctx.sentence_index(m))
    place = [o for o in sent if o.get("complication_link") == SITE]
    at = next((o for o in place if 0 <= o.tok_start - m.tok_end <= reach), None)
    if at is not None:
        return at  # 'an abscess at the ablation site': the procedure's own zone
    for link in (o for o in sent if o.get("complication_link") in (True, PREFIX)):
        side = [o for o in sent if o.get("action") and _linked(m, link, o, reach)]
        if side:
            return min(side, key=lambda o: abs(o.tok_start - link.tok_start))
    return None


def _linked(m: Mention, link: Mention, proc: Mention, reach: int) -> bool:
    """'post' right before the procedure word and the complication just after it; any other link
    stands between the two."""
    if link.get("complication_link") == PREFIX:
        return proc.tok_start == link.tok_end and 0 <= m.tok_start - proc.tok_end <= reach
    return _across(m, link, proc, reach)


def _across(m: Mention, link: Mention, proc: Mention, reach: int) -> bool:
    """`link` stands between the complication `m` and the procedure word, each near it."""
    if m.tok_end <= link.tok_start and link.tok_end <= proc.tok_start:
        return link.tok_start - m.tok_end <= reach and proc.tok_start - link.tok_end <= reach
    if proc.tok_end <= link.tok_start and link.tok_end <= m.tok_start:
        return link.tok_start - proc.tok_end <= reach and m.tok_start - link.tok_end <= reach
    return False
