"""Modifiers from facts and setting: laterality (RT/LT/50), discontinued (53/73/74), the
professional component of guidance (26), and distinct-service modifiers for companions."""

from __future__ import annotations

from ..kb.schema import CodeEntry, Laterality
from ..model import ProcedureFact, Setting


def laterality(entry: CodeEntry, fact: ProcedureFact) -> list[str]:
    """RT/LT for one side on codes that take them; 50 for both sides, only on unilateral codes."""
    if not fact.laterality:
        return []
    if fact.laterality == "bilateral":
        unilateral = entry.laterality == Laterality.unilateral
        return ["50"] if unilateral and "50" in entry.modifiers else []
    mod = {"right": "RT", "left": "LT"}[fact.laterality]
    return [mod] if mod in entry.modifiers else []


def discontinued(fact: ProcedureFact, setting: Setting) -> list[str]:
    """53 on the professional claim; 73 (before anesthesia) or 74 (after) on the facility claim."""
    if fact.assertion != "aborted":
        return []
    if setting == "professional":
        return ["53"]
    return ["73"] if fact.aborted_stage == "before_anesthesia" else ["74"]


def professional_component(entry: CodeEntry, setting: Setting) -> list[str]:
    return ["26"] if setting == "professional" and "26" in entry.modifiers else []
