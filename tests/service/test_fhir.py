"""The FHIR R4 Bundle of a coding: validated by fhir.resources (R4B models, R4-compatible for
these resources) and by our own checks of code systems, CARIN-style claim and evidence."""

from __future__ import annotations

import base64

import pytest
from fhir.resources.R4B.bundle import Bundle
from svc_notes import BONE_NOTE, LIVER_NOTE

import case2code
from case2code.formats.fhir import CPT, DERIVATION, HCPCS, ICD10CM, to_bundle


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _spans(resource: dict) -> list[tuple[int, int]]:
    out = []
    for ext in resource.get("extension", []):
        if ext["url"] == DERIVATION:
            parts = {e["url"]: e for e in ext["extension"]}
            out.append((parts["offset"]["valueInteger"], parts["length"]["valueInteger"]))
    return out


@pytest.fixture(scope="module")
def bone():
    result = case2code.code_note(BONE_NOTE, date_of_service="2025-06-02")
    return result, to_bundle(result, text=BONE_NOTE, coding_id="abc")


def test_bundle_validates_against_the_fhir_models(bone):
    parsed = Bundle.model_validate(bone[1])
    kinds = [e.resource.get_resource_type() for e in parsed.entry]
    assert kinds == [
        "Patient",
        "DocumentReference",
        "Procedure",
        "Condition",
        "Condition",
        "Condition",
        "Claim",
        "Provenance",
    ]


def test_claim_items_carry_cpt_units_modifiers_and_diagnosis_pointers(bone):
    result, bundle = bone
    claim = _resources(bundle, "Claim")[0]
    assert claim["type"]["coding"][0]["code"] == "professional"
    item = claim["item"][0]
    assert item["productOrService"]["coding"][0] == {
        "system": CPT,
        "code": "20982",
        "display": result.cpt[0].title,
    }
    assert item["quantity"]["value"] == 1 and "modifier" not in item
    assert item["diagnosisSequence"] == result.cpt[0].dx_pointers == [1, 2, 3]
    dx = [
        (
            d["sequence"],
            d["diagnosisCodeableConcept"]["coding"][0]["code"],
            d["type"][0]["coding"][0]["code"],
        )
        for d in claim["diagnosis"]
    ]
    assert dx == [
        (1, "C79.51", "principal"),
        (2, "C50.919", "secondary"),
        (3, "G89.3", "secondary"),
    ]


def test_every_code_uses_the_official_system_uri(bone):
    _, bundle = bone
    for proc in _resources(bundle, "Procedure"):
        assert proc["code"]["coding"][0]["system"] == CPT
    for cond in _resources(bundle, "Condition"):
        assert cond["code"]["coding"][0]["system"] == ICD10CM


def test_evidence_offsets_slice_the_embedded_note(bone):
    result, bundle = bone
    doc = _resources(bundle, "DocumentReference")[0]
    text = base64.b64decode(doc["content"][0]["attachment"]["data"]).decode("utf-8")
    assert text == BONE_NOTE
    proc = _resources(bundle, "Procedure")[0]
    spans = _spans(proc)
    assert spans and [BONE_NOTE[o : o + n] for o, n in spans] == [
        e.text for e in result.cpt[0].evidence
    ]
    doc_url = bundle["entry"][1]["fullUrl"]
    ref = proc["extension"][0]["extension"][0]["valueReference"]["reference"]
    assert ref == doc_url


def test_provenance_names_the_kb_version_and_targets_every_coded_resource(bone):
    result, bundle = bone
    prov = _resources(bundle, "Provenance")[0]
    assert result.kb_version in prov["agent"][0]["who"]["display"]
    coded = {
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] in ("Procedure", "Condition", "Claim")
    }
    assert {t["reference"] for t in prov["target"]} == coded
    assert bundle["identifier"]["value"] == "abc"


def test_professional_guidance_gets_modifier_26_and_side_modifiers_use_hcpcs():
    result = case2code.code_note(LIVER_NOTE, date_of_service="2025-06-02")
    bundle = to_bundle(result, text=LIVER_NOTE)
    Bundle.model_validate(bundle)
    items = {
        i["productOrService"]["coding"][0]["code"]: i
        for i in _resources(bundle, "Claim")[0]["item"]
    }
    assert set(items) == {c.code for c in result.cpt}
    for line in result.cpt:
        mods = [
            (m["coding"][0]["system"], m["coding"][0]["code"])
            for m in items[line.code].get("modifier", [])
        ]
        assert mods == [(CPT if m.isdigit() else HCPCS, m) for m in line.modifiers]
    assert any(line.modifiers == ["26"] for line in result.cpt)


def test_without_the_text_the_note_is_named_by_hash_only():
    result = case2code.code_note(BONE_NOTE, date_of_service="2025-06-02")
    bundle = to_bundle(result, sha256="ab" * 32)
    Bundle.model_validate(bundle)
    doc = _resources(bundle, "DocumentReference")[0]
    assert "data" not in doc["content"][0]["attachment"]
    assert doc["identifier"][0]["value"] == "ab" * 32
