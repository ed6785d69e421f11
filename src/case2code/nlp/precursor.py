"""Diagnostic blocks recounted in the note of the procedure they qualified the patient for.

A nerve destruction note, or the visit note that requests one, names the blocks that justified it
("greater than 75 percent relief with comparative SI joint blocks", "a diagnostic genicular nerve
block gave 70% relief"): those blocks were done at earlier encounters. An action whose properties
name it the `precursor_of` another (properties.yaml) is dated to an earlier encounter when the note
names that other action on the same nerve site (done today, requested or considered), unless a
verb of doing or the imaging that guided it governs the block itself ("medial branch blocks were
performed at L2-3", "under fluoroscopy") or the note's procedure list names it ("PROCEDURE: ...
facet joint injection"). Same-session blocks kept that way are left to the companion rules of
the KB.
"""

from __future__ import annotations

from ..model import ProcedureFact
from .lexicon import props

RULE = "context.precursor_block"
WORKUP_RULE = "context.workup_scope"


def date_precursors(facts: list[ProcedureFact]) -> None:
    """Mark as historical each performed precursor whose host is named on its site."""
    for fact in facts:
        host_action = props().action(fact.action).precursor_of
        if not host_action or fact.assertion != "performed" or _done_today(fact):
            continue
        if any(_is_host(h, fact, host_action) for h in facts):
            fact.assertion = "historical"
            fact.rules.append(RULE)


def _done_today(fact: ProcedureFact) -> bool:
    """A verb of doing or its guiding imaging governs the block, or the procedure list names it."""
    return _governed_by_doing(fact) or fact.section in props().precursor.kept_in_sections


def _governed_by_doing(fact: ProcedureFact) -> bool:
    """A rule of `precursor.kept_by_rules` (a verb of doing, the imaging that guided it) read it."""
    return any(r.startswith(p) for r in fact.rules for p in props().precursor.kept_by_rules)


def _is_host(host: ProcedureFact, fact: ProcedureFact, action: str) -> bool:
    return (
        host.action == action
        and host.assertion in props().precursor.host_assertions
        and host.organ == fact.organ
        and host.site == (props().site(fact.site).destroyed_as or fact.site)
    )


def date_workup(facts: list[ProcedureFact]) -> None:
    """A diagnostic scope named in the note of a procedure done today by another approach ('68M
    with liver metastasis, primary not found after workup (CT, PET, EGD, colonoscopy)' in a
    percutaneous ablation note) is the work-up before it, unless a verb of doing governs the
    scope: marked historical. A procedure section does not keep it (a one-paragraph procedure
    note recounts its work-up there). Same-approach scopes are left to the
    companion rules of the KB (a diagnostic bronchoscopy is part of a surgical one)."""
    for fact in facts:
        if not props().action(fact.action).workup or fact.assertion != "performed":
            continue
        if _governed_by_doing(fact):
            continue  # a verb of doing governs the scope (the procedure list may hold the work-up)
        if any(_is_other_procedure(h, fact) for h in facts):
            fact.assertion = "historical"
            fact.rules.append(WORKUP_RULE)


def _is_other_procedure(host: ProcedureFact, fact: ProcedureFact) -> bool:
    """A procedure done today through another named approach than the scope's."""
    return (
        host is not fact
        and host.assertion == "performed"
        and not props().action(host.action).targetless
        and not props().action(host.action).workup
        and host.approach is not None
        and host.approach != fact.approach
    )
