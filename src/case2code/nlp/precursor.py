"""Diagnostic blocks recounted in the note of the procedure they qualified the patient for.

A nerve destruction note names the blocks that justified it ("greater than 75 percent relief with
comparative SI joint blocks", "a diagnostic genicular nerve block gave 70% relief"): those blocks
were done at earlier encounters. An action whose properties name it the `precursor_of` another
(properties.yaml) is dated to an earlier encounter when the note documents that other action done
today on the same nerve site, unless a cue of doing governs the block itself ("medial branch blocks
were performed at L2-3 before lesioning") or the note's procedure list names it ("PROCEDURE: ...
facet joint injection"). Same-session blocks kept that way are left to the companion rules of
the KB.
"""

from __future__ import annotations

from ..model import ProcedureFact
from .lexicon import props

RULE = "context.precursor_of_performed"
DOING = "context.performed"


def date_precursors(facts: list[ProcedureFact]) -> None:
    """Mark as historical each performed precursor whose host is performed on its site."""
    for fact in facts:
        host_action = props().action(fact.action).precursor_of
        if not host_action or fact.assertion != "performed" or _done_today(fact):
            continue
        if any(_is_host(h, fact, host_action) for h in facts):
            fact.assertion = "historical"
            fact.rules.append(RULE)


def _done_today(fact: ProcedureFact) -> bool:
    """A verb of doing governs the block, or the note's procedure list names it."""
    return fact.section in props().listing_sections or any(r.startswith(DOING) for r in fact.rules)


def _is_host(host: ProcedureFact, fact: ProcedureFact, action: str) -> bool:
    return (
        host.action == action
        and host.assertion == "performed"
        and host.organ == fact.organ
        and _same_site(host.site, fact.site)
    )


def _same_site(a: str | None, b: str | None) -> bool:
    """One nerve site; a facet joint and its medial branches count as one (both count joints)."""
    if a == b:
        return True
    return bool(a and b and props().site(a).counts_joints and props().site(b).counts_joints)
