"""The coder's page without a browser: what the server renders, escapes and stores."""

from __future__ import annotations

import html
import json
import re
from importlib import resources

import pytest
from svc_notes import BONE_NOTE

from case2code.formats.text import REFERENCE_SECTIONS

DOS = "2025-06-02"


@pytest.fixture
def client(make_client):
    return make_client(C2C_STORE_TEXT=1)


def _post_note(client, text=BONE_NOTE):
    r = client.post("/code", data={"text": text, "date_of_service": DOS, "setting": "professional"})
    assert r.status_code == 200, r.text
    coding_id = re.search(r'data-coding-url="/codings/([0-9a-f]{32})"', r.text).group(1)
    return r, coding_id


def test_a_pasted_note_shows_its_codes_and_the_evidence_segments(client):
    r, _ = _post_note(client)
    assert 'id="cpt-0"' in r.text and ">20982<" in r.text
    spans = json.loads(
        re.search(r'id="cpt-0" data-spans="([^"]*)"', r.text)
        .group(1)
        .replace("&#34;", '"')
        .replace("&quot;", '"')
    )
    assert spans and all(f'data-a="{a}"' in r.text for a, _ in spans)
    assert "C79.51" in r.text and "77013" in r.text


def test_an_uploaded_file_is_coded_like_a_pasted_note(client):
    r = client.post(
        "/code",
        data={"date_of_service": DOS},
        files={"file": ("note.txt", BONE_NOTE.encode(), "text/plain")},
    )
    assert r.status_code == 200 and ">20982<" in r.text


def test_an_empty_note_returns_the_form_with_the_catalogue_message(client):
    r = client.post("/code", data={"text": " ", "date_of_service": DOS})
    assert r.status_code == 422 and "cannot be coded" in r.text and 'id="code-form"' in r.text


def test_markup_in_a_note_is_rendered_as_text(client):
    note = BONE_NOTE + '\n<script>window.pwned=1</script><img src=x onerror="alert(1)">'
    r, coding_id = _post_note(client, note)
    for page in (r.text, client.get(f"/codings/{coding_id}").text):
        assert "<script>window.pwned" not in page and "<img src=x" not in page
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page


def test_a_rejection_from_the_form_is_shown_when_the_coding_is_reopened(client):
    _, coding_id = _post_note(client)
    r = client.post(
        f"/codings/{coding_id}/feedback",
        data={"kind": "cpt", "code": "20982", "action": "reject", "reason": "no energy delivered"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/codings/{coding_id}"
    page = client.get(f"/codings/{coding_id}").text
    assert "Rejected" in page and "no energy delivered" in page
    assert 'class="seg"' in page  # the stored text is shown again with its evidence


def test_feedback_from_the_script_gets_json_and_bad_feedback_a_message(client):
    _, coding_id = _post_note(client)
    ok = client.post(
        f"/codings/{coding_id}/feedback",
        headers={"Accept": "application/json"},
        data={"kind": "icd10", "code": "G89.3", "action": "accept"},
    )
    assert ok.status_code == 201 and ok.json()["action"] == "accept"
    bad = client.post(
        f"/codings/{coding_id}/feedback",
        headers={"Accept": "application/json"},
        data={"kind": "cpt", "code": "20982", "action": "reject"},
    )
    assert bad.status_code == 422 and "needs a reason" in bad.json()["error"]["message"]


def test_without_stored_text_the_reopened_coding_says_so(make_client):
    client = make_client()
    _, coding_id = _post_note(client)
    page = client.get(f"/codings/{coding_id}").text
    assert "was not kept" in page and 'class="seg"' not in page and ">20982<" in page


def test_downloads_give_json_and_fhir_files(client):
    _, coding_id = _post_note(client)
    j = client.get(f"/codings/{coding_id}/download", params={"format": "json"})
    assert j.json()["result"]["cpt"][0]["code"] == "20982"
    assert "attachment" in j.headers["content-disposition"]
    f = client.get(f"/codings/{coding_id}/download", params={"format": "fhir"})
    assert f.headers["content-type"].startswith("application/fhir+json")
    assert f.json()["resourceType"] == "Bundle"


def test_lookup_20982_shows_every_reference_section_and_links_related_codes(client):
    page = client.get("/lookup", params={"q": "20982"}).text
    for key, label in REFERENCE_SECTIONS:
        assert f'id="{key}"' in page, label
    for key in ("terminology", "clinical_examples", "coder_notes", "corrections", "sources"):
        assert f'id="{key}"' in page
    assert '<a href="/lookup?q=77013">77013</a>' in page
    assert '<a href="/lookup?q=C79.51">C79.51</a>' in page


def test_lookup_by_words_lists_hits_that_link_to_entries(client):
    page = client.get("/lookup", params={"q": "cryo rib"}).text
    assert '<a class="code" href="/lookup?q=20983">20983</a>' in page


def test_recent_codings_show_codes_but_never_note_text(client):
    _post_note(client)
    page = client.get("/").text
    assert "20982" in page and "iliac" not in page


def test_with_a_token_the_page_asks_for_it_and_then_remembers_it(make_client):
    client = make_client(C2C_TOKEN="t0ken")
    r = client.get("/lookup", params={"q": "20982"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/lookup"
    assert client.post("/code", data={"text": BONE_NOTE}).status_code == 401
    wrong = client.post("/login", data={"token": "nope", "next": "/lookup"})
    assert wrong.status_code == 401 and "service token" in wrong.text
    ok = client.post(
        "/login", data={"token": "t0ken", "next": "//evil.example"}, follow_redirects=False
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    assert "httponly" in ok.headers["set-cookie"].lower()
    assert "samesite=strict" in ok.headers["set-cookie"].lower()
    assert client.get("/lookup", params={"q": "20982"}).status_code == 200
    assert client.get("/v1/codes/20982").status_code == 401  # the API still wants the header


def test_pages_carry_a_strict_content_security_policy(client):
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert client.get("/").headers["x-content-type-options"] == "nosniff"


def test_api_docs_are_served_from_the_package(client):
    page = client.get("/docs").text
    assert "cdn" not in page.lower()
    src = re.search(r'src="([^"]+swagger-ui-bundle\.js)"', page).group(1)
    assert client.get(src).status_code == 200


def test_the_page_says_a_coder_must_look_and_why(client):
    r, _ = _post_note(client)  # breast primary with no site in the note: an unspecified code
    route = re.search(r'<div class="route (auto|review)"[^>]*>(.*?)</div>', r.text, re.S)
    assert route is not None and route.group(1) == "review"
    assert "A coder must look before billing</strong> (1 reason)" in route.group(2)
    assert 'title="route.unspecified_diagnosis"' in route.group(2)
    assert "C50.919" in route.group(2)


WHY = re.compile(r'class="why">(.*?)</(?:p|span)>', re.S)
ENGINE_TOKENS = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\w\(s\)|blocks of time|\bmatches \d{4}\w\b")


@pytest.mark.parametrize("name", ["bone-rfa-iliac", "facet-rf", "liver-mwa", "recommended-only"])
def test_the_coding_page_explains_each_line_in_words(client, name):
    text = (resources.files("case2code") / "examples" / f"{name}.txt").read_text(encoding="utf-8")
    r, _ = _post_note(client, text)
    sentences = [html.unescape(re.sub(r"<[^>]+>", "", s)) for s in WHY.findall(r.text)]
    assert sentences and all(s.strip() for s in sentences)
    assert [t for s in sentences for t in ENGINE_TOKENS.findall(s)] == []
