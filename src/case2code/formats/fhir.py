"""FHIR R4 rendering of a coding: a collection Bundle a claims system or an EHR can take in.

The Bundle holds the note (DocumentReference), one Procedure per reported CPT line, one
Condition per ICD-10-CM code, a Claim shaped after the CARIN Blue Button professional claim
(items with productOrService, modifier, quantity and diagnosisSequence; diagnoses in sequence,
the first `principal`) and a Provenance naming case2code and its KB version. Evidence travels as
the `derivation-reference` extension (offset and length into the DocumentReference's text), so a
reviewer downstream can find the words each code rests on.

case2code knows nothing of the patient, the provider or the coverage: those references carry
only a display text for the receiving system to replace.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime

from .. import __version__
from ..model import Result, Span

CPT = "http://www.ama-assn.org/go/cpt"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
DERIVATION = "http://hl7.org/fhir/StructureDefinition/derivation-reference"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
DX_TYPE = "http://terminology.hl7.org/CodeSystem/ex-diagnosistype"
C4BB_DX_TYPE = "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBClaimDiagnosisType"
PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
NOTE_TEXT_PATH = "DocumentReference.content[0].attachment.data"


def _urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def _modifier(code: str) -> dict:
    """Numeric modifiers (26, 50, 59) are CPT's; letters (RT, LT, XS) are HCPCS Level II."""
    return {"coding": [{"system": CPT if code.isdigit() else HCPCS, "code": code}]}


def derivation(doc_url: str, span: Span | dict) -> dict:
    start, end = (span.start, span.end) if isinstance(span, Span) else (span["start"], span["end"])
    return {
        "url": DERIVATION,
        "extension": [
            {"url": "reference", "valueReference": {"reference": doc_url}},
            {"url": "path", "valueString": NOTE_TEXT_PATH},
            {"url": "offset", "valueInteger": start},
            {"url": "length", "valueInteger": end - start},
        ],
    }


def _document(text: str | None, sha256: str | None, note_id: str, when: str) -> dict:
    attachment: dict = {"contentType": "text/plain; charset=utf-8", "title": note_id}
    if text is not None:
        raw = text.encode("utf-8")
        attachment["data"] = base64.b64encode(raw).decode("ascii")
        attachment["size"] = len(raw)
        attachment["hash"] = base64.b64encode(hashlib.sha1(raw).digest()).decode("ascii")
    doc = {
        "resourceType": "DocumentReference",
        "status": "current",
        "date": when,
        "description": "Clinical note coded by case2code",
        "content": [{"attachment": attachment}],
    }
    if sha256:
        doc["identifier"] = [{"system": "urn:case2code:note-sha256", "value": sha256}]
    return doc


def _procedure(line, patient: str, doc: str, dos: str | None) -> dict:
    proc = {
        "resourceType": "Procedure",
        "status": "completed",
        "code": {"coding": [{"system": CPT, "code": line["code"], "display": line["title"]}]},
        "subject": {"reference": patient},
        "note": [{"text": line["rationale"]}] if line.get("rationale") else None,
        "extension": [derivation(doc, s) for s in line["evidence"]] or None,
    }
    if dos:
        proc["performedDateTime"] = dos
    return {k: v for k, v in proc.items() if v is not None}


def _condition(dx, patient: str, doc: str) -> dict:
    cond = {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": CONDITION_VERIFICATION, "code": "confirmed"}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}],
        "code": {"coding": [{"system": ICD10CM, "code": dx["code"], "display": dx["description"]}]},
        "subject": {"reference": patient},
        "note": [{"text": dx["rationale"]}] if dx.get("rationale") else None,
        "extension": [derivation(doc, s) for s in dx["evidence"]] or None,
    }
    return {k: v for k, v in cond.items() if v is not None}


def _claim_item(n: int, line: dict, dos: str | None) -> dict:
    item = {
        "sequence": n,
        "productOrService": {
            "coding": [{"system": CPT, "code": line["code"], "display": line["title"]}]
        },
        "quantity": {"value": line["units"]},
        "diagnosisSequence": list(line["dx_pointers"]) or None,
        "modifier": [_modifier(m) for m in line["modifiers"]] or None,
        "servicedDate": dos,
        "procedureSequence": [n],
    }
    return {k: v for k, v in item.items() if v is not None}


def _claim(result: dict, patient: str, proc_urls: list[str], when: str) -> dict:
    dos = result.get("date_of_service")
    institutional = result.get("setting") == "facility"
    claim = {
        "resourceType": "Claim",
        "status": "draft",
        "type": {
            "coding": [
                {"system": CLAIM_TYPE, "code": "institutional" if institutional else "professional"}
            ]
        },
        "use": "claim",
        "patient": {"reference": patient},
        "created": when,
        "provider": {"display": "Billing provider (not identified by case2code)"},
        "priority": {"coding": [{"system": PRIORITY, "code": "normal"}]},
        "insurance": [
            {"sequence": 1, "focal": True, "coverage": {"display": "Coverage not known"}}
        ],
        "diagnosis": [_claim_dx(n, dx) for n, dx in enumerate(result["icd10"], 1)] or None,
        "procedure": [
            {"sequence": n, "procedureReference": {"reference": url}}
            for n, url in enumerate(proc_urls, 1)
        ]
        or None,
        "item": [_claim_item(n, line, dos) for n, line in enumerate(result["cpt"], 1)] or None,
    }
    if dos:
        claim["billablePeriod"] = {"start": dos, "end": dos}
    return {k: v for k, v in claim.items() if v is not None}


def _claim_dx(n: int, dx: dict) -> dict:
    kind = (
        {"system": DX_TYPE, "code": "principal"}
        if n == 1
        else {"system": C4BB_DX_TYPE, "code": "secondary"}
    )
    return {
        "sequence": n,
        "diagnosisCodeableConcept": {
            "coding": [{"system": ICD10CM, "code": dx["code"], "display": dx["description"]}]
        },
        "type": [{"coding": [kind]}],
    }


def _provenance(targets: list[str], doc: str, kb_version: str, when: str) -> dict:
    return {
        "resourceType": "Provenance",
        "target": [{"reference": t} for t in targets],
        "recorded": when,
        "policy": [f"urn:case2code:kb:{kb_version}"],
        "agent": [
            {
                "type": {"coding": [{"system": PROVENANCE_AGENT, "code": "assembler"}]},
                "who": {"display": f"case2code {__version__} with KB {kb_version}"},
            }
        ],
        "entity": [{"role": "source", "what": {"reference": doc}}],
    }


def to_bundle(
    result: Result | dict,
    *,
    text: str | None = None,
    sha256: str | None = None,
    coding_id: str | None = None,
) -> dict:
    """The Bundle for one coding; `text` embeds the note (omit it when the text was not kept)."""
    data = result.to_dict() if isinstance(result, Result) else result
    when = datetime.now(UTC).isoformat(timespec="seconds")
    doc, patient = _urn(), _urn()
    entries = [
        (patient, {"resourceType": "Patient"}),
        (doc, _document(text, sha256, data["id"], when)),
    ]
    dos = data.get("date_of_service")
    procs = [(_urn(), _procedure(line, patient, doc, dos)) for line in data["cpt"]]
    conds = [(_urn(), _condition(dx, patient, doc)) for dx in data["icd10"]]
    claim = (_urn(), _claim(data, patient, [u for u, _ in procs], when))
    entries += procs + conds + [claim]
    targets = [u for u, _ in procs + conds] + [claim[0]]
    entries.append((_urn(), _provenance(targets, doc, data["kb_version"], when)))
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": when,
        "entry": [{"fullUrl": url, "resource": res} for url, res in entries],
    }
    if coding_id:
        bundle["identifier"] = {"system": "urn:case2code:coding", "value": coding_id}
    return bundle
