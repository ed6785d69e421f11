"""The one entry point: Coder loads the KB once and runs reader -> extract -> assign -> check.

Every surface (CLI, Python API, REST, batch, Spark) calls `Coder.code` or `Coder.check` and
renders the `Result`; none holds coding logic of its own.
"""

from __future__ import annotations

from datetime import date

from .coding import companions, findings, review
from .coding.diagnosis import assign
from .coding.lines import Lines, code_facts
from .errors import InputError
from .kb import KB, get_kb
from .model import SETTINGS, CodeLine, DxCode, Facts, Finding, Note, ProcedureFact, Result
from .nlp import read_facts

MAX_CHARS = 200_000


class Coder:
    def __init__(self, kb: KB | None = None):
        self.kb = kb or get_kb()

    def facts(self, text: str) -> Facts:
        return read_facts(text)[1]

    def code(self, note: Note) -> Result:
        _validate(note)
        _, facts = read_facts(note.text)
        lines = Lines()
        code_facts(self.kb, facts.procedures, note.date_of_service, note.setting, lines)
        companions.apply(lines, self.kb)
        target = _target(lines, facts)
        dx = assign(self.kb, facts, target)
        _pointers(self.kb, lines.cpt, dx)
        result = Result(
            id=note.id,
            cpt=lines.cpt,
            icd10=dx,
            not_reported=_dedupe(lines),
            facts=facts,
            kb_version=self.kb.version,
            date_of_service=note.date_of_service,
            setting=note.setting,
        )
        result.findings = lines.findings + self._checks(lines, facts, dx)
        result.findings += review.scope_findings(self.kb, note.text)
        if not result.cpt:
            result.findings.append(review.nothing_coded(result))
        result.review = review.route(self.kb, result, lines, note.text)
        return result

    def _checks(self, lines: Lines, facts: Facts, dx: list[DxCode]) -> list[Finding]:
        out = findings.pair_edits(self.kb, lines.cpt) + findings.mue(self.kb, lines.cpt)
        out += findings.dx_support(self.kb, lines.cpt, dx)
        for i, line in enumerate(lines.cpt):
            entry, fact = self.kb.codes[line.code], lines.facts_of.get(i)
            out += findings.laterality(self.kb, line, fact) + findings.unlisted(entry)
            if fact is not None and line.rule.startswith("select."):
                out += findings.gaps(entry, fact)
                out += findings.advisories(entry, fact, facts.conditions)
        if not dx and lines.cpt:
            out.append(
                Finding(
                    "warning",
                    "diagnosis_support",
                    "No diagnosis could be coded from "
                    "the note: the indication is missing or not recognised; query the provider.",
                    [line.code for line in lines.cpt],
                    rule="dx.none",
                )
            )
        return out


def _validate(note: Note) -> None:
    if not isinstance(note.text, str) or not note.text.strip():
        raise InputError.make("E010", note_id=note.id, reason="the text is empty", limit=MAX_CHARS)
    if len(note.text) > MAX_CHARS:
        raise InputError.make(
            "E010",
            note_id=note.id,
            reason=f"the text has {len(note.text)} characters",
            limit=MAX_CHARS,
        )
    if "\x00" in note.text:
        raise InputError.make(
            "E010",
            note_id=note.id,
            reason="the text contains NUL bytes (binary data)",
            limit=MAX_CHARS,
        )
    if note.setting not in SETTINGS:
        raise InputError.make("E013", value=note.setting, options=", ".join(SETTINGS))


def _target(lines: Lines, facts: Facts) -> ProcedureFact | None:
    for i, line in enumerate(lines.cpt):
        if line.rule.startswith("select.") and lines.facts_of[i].action != "sedation":
            return lines.facts_of[i]
    planned = [p for p in facts.procedures if p.action == "ablation"]
    return planned[0] if planned else None


def _pointers(kb: KB, cpt: list[CodeLine], dx: list[DxCode]) -> None:
    """Point each line at up to four supporting diagnoses, the first-listed always first."""
    for line in cpt:
        entry = kb.codes.get(line.code)
        prefixes = [p.replace(".", "") for p in (entry.dx_support if entry else [])]
        ptrs = [1] if dx else []
        for n, d in enumerate(dx[1:], start=2):
            key = d.code.replace(".", "")
            if len(ptrs) < 4 and (
                not prefixes
                or any(key.startswith(p) for p in prefixes)
                or d.rule
                in ("dx.pain", "dx.fracture", "dx.primary", "dx.history", "dx.unknown_primary")
            ):
                ptrs.append(n)
        line.dx_pointers = ptrs


def _dedupe(lines: Lines):
    seen, out = set(), []
    reported = {line.code for line in lines.cpt}
    for item in lines.not_reported:
        if item.code in reported or item.code in seen:
            continue
        seen.add(item.code)
        out.append(item)
    return out


def code_text(
    text: str,
    *,
    note_id: str = "note",
    on: date | None = None,
    setting: str = "professional",
    coder: Coder | None = None,
) -> Result:
    note = Note(text=text, id=note_id, date_of_service=on or date.today(), setting=setting)
    return (coder or Coder()).code(note)
