"""The one entry point: Coder loads the KB once and runs reader -> extract -> assign -> check.

Every surface (CLI, Python API, REST, batch, Spark) calls `Coder.code` or `Coder.check` and
renders the `Result`; none holds coding logic of its own.
"""

from __future__ import annotations

from datetime import date

from .coding import companions, findings, review
from .coding.diagnosis import assign
from .coding.evidence import DecisiveWords
from .coding.explain import Explainer, fill
from .coding.lines import Lines, code_facts
from .errors import InputError
from .kb import KB, cms, get_kb
from .kb.desk import ICD10CM_START
from .model import SETTINGS, CodeLine, DxCode, Facts, Finding, Note, ProcedureFact, Result
from .nlp import read_facts, read_note

MAX_NOTE_BYTES = 1_000_000  # default size limit of one note, UTF-8 bytes


class Coder:
    def __init__(self, kb: KB | None = None, *, max_note_bytes: int = MAX_NOTE_BYTES):
        self.kb = kb or get_kb()
        self.max_note_bytes = max_note_bytes

    def facts(self, text: str, note_id: str = "note") -> Facts:
        return read_facts(validate_text(text, note_id, self.max_note_bytes))[1]

    def code(self, note: Note) -> Result:
        _validate(note, self.max_note_bytes)
        _, facts, matches = read_note(note.text)
        lines = Lines(explain=Explainer(self.kb, facts.conditions), decisive=DecisiveWords(matches))
        code_facts(self.kb, facts.procedures, note.date_of_service, note.setting, lines)
        companions.apply(lines, self.kb)
        patient = review.names_a_patient(self.kb, note.text)  # one scan, read by four steps
        patient = patient and facts.encounter.get("patients") != "several"  # a study's cases
        own = review.self_account(self.kb, note.text)  # a patient's own post: no record
        patient = patient and own is None
        review.withhold_procedures(self.kb, lines, note.text, patient, own)
        target = _target(lines, facts)
        dx = assign(self.kb, facts, target, patient=patient)
        _pointers(self.kb, lines.cpt, dx)
        result = Result(
            id=note.id,
            cpt=lines.cpt,
            icd10=dx,
            not_reported=_dedupe(lines),
            facts=facts,
            kb_version=self.kb.version,
            kb_hash=self.kb.content_hash,
            date_of_service=note.date_of_service,
            setting=note.setting,
        )
        result.findings = lines.findings + self._checks(lines, facts, dx, note)
        result.findings += getattr(dx, "findings", [])  # documentation gaps of the diagnoses
        result.findings += review.scope_findings(self.kb, note.text)
        if not result.cpt:
            result.findings.append(review.nothing_coded(self.kb, result))
            withheld = review.withhold_diagnoses(self.kb, result, patient)
            result.findings += [withheld] if withheld else []
        result.review = review.route(self.kb, result, lines, note.text, patient, own)
        return result

    def _checks(self, lines: Lines, facts: Facts, dx: list[DxCode], note: Note) -> list[Finding]:
        on, setting = note.date_of_service, note.setting
        with cms.one_store():  # one look at the CMS store for all the note's lines
            out = findings.pair_edits(self.kb, lines.cpt, on, setting)
            out += findings.mue(self.kb, lines.cpt, on, setting)
        out += findings.dx_support(self.kb, lines.cpt, dx)
        for i, line in enumerate(lines.cpt):
            entry, fact = self.kb.codes[line.code], lines.facts_of.get(i)
            out += findings.laterality(self.kb, line, fact) + findings.unlisted(self.kb, entry)
            if fact is not None and line.rule.startswith("select."):
                out += findings.gaps(self.kb, entry, fact)
                out += findings.advisories(entry, fact, facts.conditions)
        if not dx and lines.cpt:
            out.append(
                Finding(
                    "warning",
                    "diagnosis_support",
                    fill(self.kb.explain.findings.dx_none),
                    [line.code for line in lines.cpt],
                    rule="dx.none",
                )
            )
        return out


def validate_text(text: object, note_id: str, max_bytes: int = MAX_NOTE_BYTES) -> str:
    """Refuse what is not a clinical note before the reader sees it: every surface (code, facts,
    batch, API) calls this, so a bad note gets the same E010 everywhere."""

    def refuse(reason: str) -> InputError:
        return InputError.make("E010", note_id=note_id, reason=reason, limit=max_bytes)

    if isinstance(text, bytes | bytearray):
        raise refuse("the text is bytes, not str; decode it first, e.g. data.decode('utf-8')")
    if not isinstance(text, str):
        raise refuse(f"the text is a {type(text).__name__}, not a string")
    if not text.strip():
        raise refuse("the text is empty")
    if len(text) > max_bytes or (
        len(text) * 4 > max_bytes and len(text.encode("utf-8", "surrogatepass")) > max_bytes
    ):
        raise refuse(f"the text is over {max_bytes} bytes ({len(text)} characters)")
    if "\x00" in text:
        raise refuse("the text contains NUL bytes (binary data)")
    return text


def _validate(note: Note, max_bytes: int = MAX_NOTE_BYTES) -> None:
    validate_text(note.text, note.id, max_bytes)
    if not isinstance(note.setting, str) or note.setting not in SETTINGS:
        raise InputError.make("E013", value=note.setting, options=", ".join(SETTINGS))
    if not isinstance(note.date_of_service, date):
        raise InputError.make("E004", value=note.date_of_service)
    if note.date_of_service < ICD10CM_START:
        raise InputError.make("E014", date=note.date_of_service, start=ICD10CM_START)


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
