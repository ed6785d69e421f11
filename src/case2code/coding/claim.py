"""Checks on a claim coded by someone else: the same edits the engine applies to its own lines,
plus what only a hand-coded claim gets wrong (unknown or inactive codes, non-billable ICD-10-CM,
orphan add-ons, guidance billed with a code that includes it, pointers out of range)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ..errors import InputError
from ..kb import KB, icd10, is_effective
from ..kb.schema import CodeKind
from ..model import CodeLine, DxCode, Finding
from . import findings

Modifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{2}$")]  # CPT/HCPCS: 2 chars


class ClaimLine(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=16)
    units: int = Field(default=1, ge=1, le=999)
    modifiers: list[Modifier] = Field(default_factory=list, max_length=4)
    dx_pointers: list[int] = Field(default_factory=list, max_length=12)


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = "claim"
    date_of_service: date = Field(default_factory=date.today)
    setting: Literal["professional", "facility"] = "professional"
    lines: list[ClaimLine] = Field(min_length=1)
    diagnoses: list[Annotated[str, StringConstraints(min_length=1, max_length=16)]] = Field(
        default_factory=list
    )


def parse_claim(raw: dict, source: str = "claim") -> Claim:
    try:
        return Claim.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise InputError.make("E020", source=source, problems=problems) from exc


def check(kb: KB, claim: Claim) -> list[Finding]:
    out: list[Finding] = []
    lines = [
        CodeLine(ln.code.upper(), ln.units, list(ln.modifiers), list(ln.dx_pointers))
        for ln in claim.lines
    ]
    known = [ln for ln in lines if ln.code in kb.codes]
    for ln in lines:
        out += _line_checks(kb, ln, claim, lines)
    dx = [DxCode(d) for d in claim.diagnoses]
    for d in claim.diagnoses:
        if not icd10.is_billable(d):
            why = "not a billable leaf code" if icd10.is_valid(d) else "not an ICD-10-CM code"
            out.append(
                Finding(
                    "error",
                    "invalid_code",
                    f"Diagnosis {d} is {why}.",
                    [d],
                    rule="claim.icd_invalid",
                )
            )
    out += (
        findings.pair_edits(kb, known, claim.date_of_service, claim.setting)
        + findings.mue(kb, known, claim.date_of_service, claim.setting)
        + findings.dx_support(kb, known, dx)
    )
    for ln in known:
        out += findings.laterality(kb, ln, None) + findings.unlisted(kb, kb.codes[ln.code])
    return out


def _line_checks(kb: KB, ln: CodeLine, claim: Claim, lines: list[CodeLine]) -> list[Finding]:
    entry = kb.codes.get(ln.code)
    if entry is None:
        return [
            Finding(
                "error",
                "unknown_code",
                f"{ln.code} is not in the KB ({kb.release}); close codes: {kb.suggest(ln.code)}.",
                [ln.code],
                rule="claim.unknown",
            )
        ]
    out = []
    if not is_effective(entry, claim.date_of_service):
        out.append(
            Finding(
                "error",
                "code_date",
                f"{ln.code} is not valid on "
                f"{claim.date_of_service} (effective {entry.effective or 'unknown'} to "
                f"{entry.end or 'present'}).",
                [ln.code],
                rule="claim.date",
            )
        )
    codes = {x.code for x in lines}
    if entry.addon_to and not codes & set(entry.addon_to):
        out.append(
            Finding(
                "error",
                "addon_without_primary",
                f"Add-on {ln.code} needs one of {', '.join(entry.addon_to)} on the same claim.",
                [ln.code],
                rule="claim.addon",
            )
        )
    if entry.kind == CodeKind.guidance:
        for other in codes:
            host = kb.codes.get(other)
            if host and host.guidance and host.guidance.included:
                out.append(
                    Finding(
                        "error",
                        "bundled_guidance",
                        f"{ln.code} is imaging guidance; "
                        f"{other} already includes imaging guidance.",
                        [other, ln.code],
                        rule="claim.guidance_included",
                    )
                )
    bad = [p for p in ln.dx_pointers if not 1 <= p <= len(claim.diagnoses)]
    if bad:
        out.append(
            Finding(
                "error",
                "pointer",
                f"{ln.code} points to diagnosis {bad} but the claim lists {len(claim.diagnoses)}.",
                [ln.code],
                rule="claim.pointer",
            )
        )
    return out
