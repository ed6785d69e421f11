"""The shared vocabulary of case2code: a note, what the reader found, what the coder reports.

Plain dataclasses (slots) rather than pydantic models: the reader creates many of them per note
and the throughput bar is 100x a medspaCy pipeline. Surfaces that need validation (REST, batch
lines) wrap these in their own request/response models.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Literal

Setting = Literal["professional", "facility"]
Assertion = Literal[
    "performed", "planned", "negated", "historical", "hypothetical", "aborted", "mentioned"
]
ConditionAssertion = Literal["present", "negated", "historical", "hypothetical", "possible"]
Severity = Literal["error", "warning", "info"]

ASSERTIONS: tuple[str, ...] = (
    "performed",
    "planned",
    "negated",
    "historical",
    "hypothetical",
    "aborted",
    "mentioned",
)
SETTINGS: tuple[str, ...] = ("professional", "facility")


class AsDict:
    """JSON-ready dicts for the result types: dataclass fields in order, spans as dicts."""

    __slots__ = ()

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True, frozen=True)
class Span(AsDict):
    """A stretch of the original note text: `text == note.text[start:end]` always holds."""

    start: int
    end: int
    text: str


@dataclass(slots=True)
class Note:
    text: str
    id: str = "note"
    date_of_service: date = field(default_factory=date.today)
    setting: Setting = "professional"


@dataclass(slots=True)
class ProcedureFact(AsDict):
    """One procedure the note speaks of, with the attributes that decide its code.

    Attributes use the closed vocabularies of `nlp/data/lexicon.yaml` (e.g. action "ablation",
    modality "radiofrequency", organ "bone", site "femur"), so the KB selection rules can be
    checked against them.
    """

    action: str
    modality: str | None = None
    approach: str | None = None
    organ: str | None = None
    site: str | None = None
    laterality: str | None = None
    nature: str | None = None
    indication: str | None = None  # the condition treated, when it decides the code (arrhythmia)
    count: int | None = None
    guidance: list[str] = field(default_factory=list)
    extension: bool | None = None
    assertion: Assertion = "performed"
    aborted_stage: str | None = None
    energy_delivered: bool | None = None
    region: str | None = None
    levels: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    minutes: int | None = None
    same_lesion_biopsy: bool | None = None
    immediate_pathology: bool | None = None
    evidence: list[Span] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    section: str | None = None


@dataclass(slots=True)
class ConditionFact(AsDict):
    """A condition: a neoplasm (primary, secondary, benign), neoplasm pain, a pathological
    fracture, or the indication of a look-alike procedure (facet arthropathy, varicose veins)."""

    kind: str
    site: str | None = None
    organ: str | None = None
    laterality: str | None = None
    histology: str | None = None
    behavior: str | None = None
    role: str | None = None
    region: str | None = None
    subtype: str | None = None
    status: str = "active"
    assertion: ConditionAssertion = "present"
    detail: str | None = None
    evidence: list[Span] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    section: str | None = None


@dataclass(slots=True)
class Facts:
    procedures: list[ProcedureFact] = field(default_factory=list)
    conditions: list[ConditionFact] = field(default_factory=list)
    encounter: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "procedures": [p.to_dict() for p in self.procedures],
            "conditions": [c.to_dict() for c in self.conditions],
            "encounter": dict(self.encounter),
        }


@dataclass(slots=True)
class CodeLine(AsDict):
    code: str
    units: int = 1
    modifiers: list[str] = field(default_factory=list)
    dx_pointers: list[int] = field(default_factory=list)
    rationale: str = ""
    evidence: list[Span] = field(default_factory=list)
    rule: str = ""
    title: str = ""


@dataclass(slots=True)
class DxCode(AsDict):
    code: str
    description: str = ""
    rationale: str = ""
    evidence: list[Span] = field(default_factory=list)
    rule: str = ""


@dataclass(slots=True)
class NotReported(AsDict):
    code: str
    reason: str
    evidence: list[Span] = field(default_factory=list)
    rule: str = ""


@dataclass(slots=True)
class Finding(AsDict):
    severity: Severity
    kind: str
    message: str
    codes: list[str] = field(default_factory=list)
    evidence: list[Span] = field(default_factory=list)
    rule: str = ""


@dataclass(slots=True)
class ReviewReason(AsDict):
    """One reason a coder must see the note: the review rule (kb/data/review.yaml), a sentence,
    the codes it concerns and the words of the note it rests on."""

    rule: str
    message: str
    codes: list[str] = field(default_factory=list)
    evidence: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class Review(AsDict):
    """The route of a coded note: `auto` (bill as is) or `review` (a coder must look), with why."""

    route: Literal["auto", "review"] = "review"
    reasons: list[ReviewReason] = field(default_factory=list)


@dataclass(slots=True)
class Result:
    """The one canonical output of the engine; every surface renders this."""

    id: str
    cpt: list[CodeLine] = field(default_factory=list)
    icd10: list[DxCode] = field(default_factory=list)
    not_reported: list[NotReported] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    facts: Facts | None = None
    kb_version: str = ""
    kb_hash: str = ""  # sha256 of the KB data files: which exact KB content coded this note
    date_of_service: date | None = None
    setting: Setting = "professional"
    review: Review | None = None

    def to_dict(self, *, with_facts: bool = False) -> dict:
        out = {
            "id": self.id,
            "cpt": [c.to_dict() for c in self.cpt],
            "icd10": [d.to_dict() for d in self.icd10],
            "not_reported": [n.to_dict() for n in self.not_reported],
            "findings": [f.to_dict() for f in self.findings],
            "kb_version": self.kb_version,
            "kb_hash": self.kb_hash,
            "date_of_service": self.date_of_service.isoformat() if self.date_of_service else None,
            "setting": self.setting,
            "review": self.review.to_dict() if self.review else None,
            "error": None,
        }
        if with_facts and self.facts is not None:
            out["facts"] = self.facts.to_dict()
        return out
