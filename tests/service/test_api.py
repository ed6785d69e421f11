"""The REST API, endpoint by endpoint: the codes a coder would expect, and a catalogue error
with the right HTTP status for each kind of bad request."""

from __future__ import annotations

import logging

import pytest
from fhir.resources.R4B.bundle import Bundle
from svc_notes import BONE_NOTE, LIVER_NOTE

DOS = "2025-06-02"


@pytest.fixture
def client(make_client):
    return make_client()


def _code(client, text=BONE_NOTE, **extra):
    r = client.post("/v1/code", json={"text": text, "date_of_service": DOS, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def test_code_returns_the_canonical_result_with_a_coding_id(client):
    body = _code(client)
    assert [(c["code"], c["units"], c["modifiers"]) for c in body["cpt"]] == [("20982", 1, [])]
    assert [d["code"] for d in body["icd10"]] == ["C79.51", "C50.919", "G89.3"]
    assert {"77013"} <= {n["code"] for n in body["not_reported"]}
    ev = body["cpt"][0]["evidence"][0]
    assert BONE_NOTE[ev["start"] : ev["end"]] == ev["text"]
    assert len(body["coding_id"]) == 32 and body["date_of_service"] == DOS


def test_code_as_fhir_returns_a_valid_bundle(client):
    r = client.post("/v1/code?format=fhir", json={"text": LIVER_NOTE, "date_of_service": DOS})
    bundle = Bundle.model_validate(r.json())
    claim = [e.resource for e in bundle.entry if e.resource.get_resource_type() == "Claim"][0]
    assert [i.productOrService.coding[0].code for i in claim.item] == ["47382", "76940"]
    assert [m.coding[0].code for m in claim.item[1].modifier] == ["26"]


def test_facility_setting_drops_the_professional_modifier(client):
    body = _code(client, LIVER_NOTE, setting="facility")
    assert [(c["code"], c["modifiers"]) for c in body["cpt"]] == [("47382", []), ("76940", [])]


def test_batch_codes_each_note_and_gives_a_bad_note_its_own_error(client):
    notes = [
        {"id": "bone", "text": BONE_NOTE, "date_of_service": DOS},
        {"id": "bad-date", "text": BONE_NOTE, "date_of_service": "06/02/2025"},
        {"id": "empty", "text": "   "},
        {"id": "liver", "text": LIVER_NOTE, "setting": "facility"},
        {"id": "setting", "text": LIVER_NOTE, "setting": "outpatient"},
    ]
    body = client.post("/v1/batch", json={"notes": notes}).json()
    results = body["results"]
    assert [r["id"] for r in results] == [n["id"] for n in notes]
    assert [r.get("error", {}) and r["error"]["code"] for r in results] == [
        None,
        "E004",
        "E010",
        None,
        "E013",
    ]
    assert body["errors"] == 3
    assert results[0]["cpt"][0]["code"] == "20982" and results[3]["cpt"][0]["code"] == "47382"


def test_batch_over_the_limit_is_refused_with_413(client):
    notes = [{"id": str(i), "text": "x"} for i in range(1001)]
    r = client.post("/v1/batch", json={"notes": notes})
    assert r.status_code == 413 and r.json()["error"]["code"] == "E065"


def test_check_finds_bundled_guidance_on_a_claim(client):
    claim = {"lines": [{"code": "20982"}, {"code": "77013"}], "diagnoses": ["C79.51"]}
    found = client.post("/v1/check", json=claim).json()["findings"]
    assert {"bundled_guidance", "pair_edit"} <= {f["kind"] for f in found}


def test_check_with_an_unknown_field_is_a_422(client):
    r = client.post("/v1/check", json={"lines": [{"code": "20982", "unit": 2}]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "E062"
    assert "unit" in r.json()["error"]["message"]


def test_code_entry_and_search(client):
    entry = client.get("/v1/codes/20982").json()
    assert entry["code"] == "20982" and entry["entry"]["reference"]["clinical_examples"]
    assert client.get("/v1/codes/C79.51").json()["system"] == "ICD-10-CM"
    r = client.get("/v1/codes/99999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "E002"
    hits = client.get("/v1/search", params={"q": "cryoablaton rib mets"}).json()["hits"]
    assert hits[0]["code"] == "20983"
    r = client.get("/v1/search", params={"q": "  "})
    assert r.status_code == 400 and r.json()["error"]["code"] == "E005"


def test_feedback_is_stored_and_shown_with_the_coding(client):
    coding_id = _code(client)["coding_id"]
    fb = {
        "coding_id": coding_id,
        "kind": "cpt",
        "code": "20982",
        "action": "reject",
        "reason": "ablation aborted before energy delivery",
    }
    r = client.post("/v1/feedback", json=fb)
    assert r.status_code == 201 and r.json()["id"] >= 1
    change = {
        "coding_id": coding_id,
        "kind": "icd10",
        "code": "C50.919",
        "action": "change",
        "new_code": "c50.911",
        "reason": "right breast per pathology",
    }
    assert client.post("/v1/feedback", json=change).json()["new_code"] == "C50.911"
    stored = client.get(f"/v1/codings/{coding_id}").json()
    assert [(f["kind"], f["action"]) for f in stored["feedback"]] == [
        ("cpt", "reject"),
        ("icd10", "change"),
    ]
    assert stored["text_stored"] is False and stored["result"]["cpt"][0]["code"] == "20982"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"code": "47382"}, "not in this coding"),
        ({"action": "reject", "reason": " "}, "needs a reason"),
        ({"action": "change", "reason": "x"}, "needs new_code"),
        ({"action": "change", "reason": "x", "new_code": "99999"}, "Unknown code"),
    ],
)
def test_feedback_that_cannot_apply_is_a_422_naming_the_problem(client, change, words):
    coding_id = _code(client)["coding_id"]
    fb = {"coding_id": coding_id, "kind": "cpt", "code": "20982", "action": "accept", **change}
    r = client.post("/v1/feedback", json=fb)
    assert r.status_code == 422 and r.json()["error"]["code"] == "E066"
    assert words in r.json()["error"]["message"]


def test_unknown_coding_is_a_404(client):
    r = client.get("/v1/codings/" + "0" * 32)
    assert r.status_code == 404 and r.json()["error"]["code"] == "E063"
    fb = {"coding_id": "nope", "kind": "cpt", "code": "20982", "action": "accept"}
    assert client.post("/v1/feedback", json=fb).status_code == 404


def test_stored_coding_as_fhir_names_the_note_by_hash(client):
    coding_id = _code(client)["coding_id"]
    bundle = client.get(f"/v1/codings/{coding_id}", params={"format": "fhir"}).json()
    Bundle.model_validate(bundle)
    doc = bundle["entry"][1]["resource"]
    assert "data" not in doc["content"][0]["attachment"] and doc["identifier"][0]["value"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b'["a list"]', 400),
        (b'{"text": 5}', 422),
        (b'{"text": "x", "date_of_service": 20250602}', 422),
        (b'{"text": "x", "date_of_service": "2025-13-40"}', 422),
        (b'{"text": "x", "setting": "outpatient"}', 422),
        (b'{"text": "x", "dos": "2025-06-02"}', 422),
        (b"{}", 422),
    ],
)
def test_malformed_bodies_get_400_or_422_with_e062(client, body, status):
    r = client.post("/v1/code", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == "E062"


def test_empty_note_is_the_engines_e010(client):
    r = client.post("/v1/code", json={"text": "  \n "})
    assert r.status_code == 422 and r.json()["error"]["code"] == "E010"


def test_note_over_the_byte_limit_is_a_413(make_client):
    client = make_client(C2C_MAX_NOTE_BYTES=2000)
    r = client.post("/v1/code", json={"text": BONE_NOTE + "é" * 1000})
    assert r.status_code == 413 and r.json()["error"]["code"] == "E061"
    assert "2000" in r.json()["error"]["message"]
    assert client.post("/v1/code", json={"text": BONE_NOTE}).status_code == 200


def test_body_over_the_request_limit_is_a_413_before_parsing(make_client):
    client = make_client(C2C_MAX_BODY_BYTES=10_000)
    r = client.post("/v1/code", json={"text": "a" * 20_000})
    assert r.status_code == 413 and r.json()["error"]["code"] == "E067"


def test_token_is_required_on_v1_when_set(make_client):
    client = make_client(C2C_TOKEN="s3cret-token")
    r = client.post("/v1/code", json={"text": BONE_NOTE})
    assert r.status_code == 401 and r.json()["error"]["code"] == "E060"
    assert r.headers["www-authenticate"] == "Bearer"
    bad = client.get("/v1/codes/20982", headers={"Authorization": "Bearer s3cret-tokeN"})
    assert bad.status_code == 401
    good = client.get("/v1/codes/20982", headers={"Authorization": "Bearer s3cret-token"})
    assert good.status_code == 200
    assert client.get("/healthz").status_code == 200  # probes stay open


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["kb_version"].startswith("case2code-kb")


def test_openapi_lists_every_endpoint(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/v1/code",
        "/v1/batch",
        "/v1/check",
        "/v1/codes/{code}",
        "/v1/search",
        "/v1/feedback",
        "/v1/codings/{coding_id}",
        "/healthz",
        "/readyz",
    } <= set(paths)
    assert client.get("/docs").status_code == 200


def test_logs_carry_the_note_hash_never_its_text(make_client, caplog):
    client = make_client()
    with caplog.at_level(logging.INFO, logger="case2code.api"):
        _code(client)
    text = caplog.text
    from case2code.store import note_hash

    assert note_hash(BONE_NOTE) in text and "iliac" not in text


def test_logs_carry_the_text_only_when_opted_in(make_client, caplog):
    client = make_client(C2C_LOG_TEXT=1)
    with caplog.at_level(logging.INFO, logger="case2code.api"):
        _code(client)
    assert "iliac" in caplog.text


def test_text_is_stored_only_when_opted_in(make_client):
    client = make_client(C2C_STORE_TEXT=1)
    coding_id = _code(client)["coding_id"]
    assert client.get(f"/v1/codings/{coding_id}").json()["text_stored"] is True
