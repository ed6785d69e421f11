"""Explanations in a coder's words: each line's rationale names the code, its units, the procedure
in plain words and the unit basis (kb/data/explain.yaml); its evidence starts with the decisive
words (guidance phrase, minutes, side); no output carries an engine token (a vocabulary id, "(s)"
plurals, internal document references, numbering printed twice)."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from case2code.coding.explain import fill
from case2code.engine import Coder
from case2code.formats.fhir import to_bundle
from case2code.formats.text import entry_text, result_text
from case2code.kb import get_kb
from case2code.kb.lookup import lookup
from case2code.model import Note

DOS = date(2025, 6, 2)
EXAMPLES = Path(str(resources.files("case2code") / "examples"))
GOLD = Path(__file__).resolve().parents[1] / "corpus" / "gold.jsonl"

# Words of the engine, not of a coder: each was once printed to a coder.
INTERNAL_TOKENS = {
    "vocabulary id": re.compile(r"\b[a-z]+_[a-z0-9_]+\b"),  # segment_6, medial_branch
    "(s) plural": re.compile(r"\w\(s\)"),  # "1 unit(s)", "2 joint(s)"
    "engine grammar": re.compile(r"blocks of time|\bmatches \d{4}[0-9A-Z]\b|\bNone\b(?! of )"),
    "internal reference": re.compile(r"\b(Seed|FACTS|answers) (sections?|examples?)\b", re.I),
    "numbered twice": re.compile(r"^\s*(\d+)\. \1\.", re.M),
}
RULE_TAG = re.compile(r"  \[[\w.-]+\]$", re.M)  # the route's rule ids, printed for provenance

RIB = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a left rib metastasis.\n"
    "INDICATION: 71-year-old man with metastatic lung adenocarcinoma of the left upper lobe and a "
    "painful lytic lesion of the left 7th rib.\n"
    "TECHNIQUE: Moderate sedation was given by the proceduralist with an independent trained "
    "observer; intraservice time 38 minutes. Under CT guidance a 17-gauge RF electrode was placed "
    "into the lesion and two overlapping ablations were delivered.\n"
    "IMPRESSION: Successful CT-guided RFA of a left rib metastasis. No complications."
)


def _notes() -> list[tuple[str, str, date, str]]:
    out = [
        (p.stem, p.read_text(encoding="utf-8"), DOS, "professional")
        for p in sorted(EXAMPLES.glob("*.txt"))
    ]
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        dos = date.fromisoformat(case["date_of_service"])
        out.append((case["id"], case["text"], dos, case.get("setting", "professional")))
    return out


NOTES = _notes()


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder: Coder, text: str, note_id: str = "t", setting: str = "professional"):
    return coder.code(Note(text=text, id=note_id, date_of_service=DOS, setting=setting))


def _example(name: str) -> str:
    return (EXAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def _tokens(text: str) -> list[str]:
    return [
        f"{name}: {m.group(0)!r}" for name, rx in INTERNAL_TOKENS.items() for m in rx.finditer(text)
    ]


def _sentences(result) -> list[str]:
    """Every sentence the engine writes for a coder, in JSON as in every other surface."""
    data = result.to_dict()
    out = [c["rationale"] for c in data["cpt"]] + [d["rationale"] for d in data["icd10"]]
    out += [n["reason"] for n in data["not_reported"]] + [f["message"] for f in data["findings"]]
    return out + [r["message"] for r in (data["review"] or {}).get("reasons", [])]


def _fhir_notes(result) -> list[str]:
    bundle = to_bundle(result)
    return [n["text"] for e in bundle["entry"] for n in e["resource"].get("note") or []]


@pytest.mark.parametrize(("note_id", "text", "dos", "setting"), NOTES, ids=[n[0] for n in NOTES])
def test_no_output_of_a_note_carries_an_internal_token(coder, note_id, text, dos, setting):
    result = coder.code(Note(text=text, id=note_id, date_of_service=dos, setting=setting))
    rendered = RULE_TAG.sub("", result_text(result))
    found = _tokens(rendered)
    found += [t for s in _sentences(result) + _fhir_notes(result) for t in _tokens(s)]
    assert found == []
    messages = [f.message for f in result.findings]
    assert len(messages) == len(set(messages)), "a finding is printed twice"
    for message in messages:
        assert rendered.count(message) == 1, f"printed twice in the text: {message}"


@pytest.mark.parametrize("code", sorted(get_kb().codes))
def test_no_reference_entry_carries_an_internal_token(code):
    assert _tokens(entry_text(lookup(code))) == []


def test_a_clinical_example_is_numbered_once():
    text = entry_text(lookup("20982"))
    examples = text.split("## Clinical examples\n")[1].split("\n\n")[0].splitlines()
    assert examples[0].startswith("1. Metastatic breast cancer with painful spinal lesions")
    assert examples[9].startswith("10. Metastatic ovarian cancer")


def test_a_bone_ablation_line_reads_like_a_coders_note(coder):
    r = _code(coder, RIB)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("20982", 1, []),
        ("99152", 1, []),
        ("99153", 2, []),
    ]
    assert r.cpt[0].rationale == (
        "20982 x1: radiofrequency ablation of a left rib metastasis, percutaneous; one unit covers "
        "every tumor treated in the session."
    )
    assert r.cpt[0].evidence[0].text == "radiofrequency ablation"


def test_a_sedation_line_names_its_minutes_and_quotes_them_first(coder):
    r = _code(coder, RIB)
    first, more = r.cpt[1], r.cpt[2]
    assert first.rationale == (
        "99152 x1: moderate sedation by the proceduralist, 38 minutes of intraservice time; one "
        "unit covers the first 15 minutes (at least 10 minutes are needed)."
    )
    assert more.rationale == (
        "99153 x2: moderate sedation by the proceduralist, 38 minutes of intraservice time; "
        "add-on to 99152, one unit for each further 15 minutes past the first 15 (a block counts "
        "once 8 of its minutes are used)."
    )
    for line in (first, more):
        assert [e.text for e in line.evidence[:2]] == ["38 minutes", "Moderate sedation"]
        assert RIB[line.evidence[0].start : line.evidence[0].end] == "38 minutes"


def test_bundled_guidance_quotes_the_guidance_words(coder):
    r = _code(coder, RIB)
    assert [n.code for n in r.not_reported] == ["77012", "77013"]
    ct = r.not_reported[0]
    assert ct.reason == (
        "CT guidance is part of 20982, which includes imaging guidance; 77012 is not reported."
    )
    assert [e.text for e in ct.evidence] == ["CT-guided", "Under CT", "radiofrequency ablation"]
    assert RIB[ct.evidence[0].start : ct.evidence[0].end] == "CT-guided"


def test_separate_guidance_names_its_role_and_quotes_the_imaging_first(coder):
    text = _example("liver-mwa")
    r = _code(coder, text, "liver-mwa")
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("47382", 1, []),
        ("76940", 1, ["26"]),
    ]
    assert r.cpt[0].rationale == (
        "47382 x1: microwave ablation of a liver metastasis in segment 7, percutaneous; one unit "
        "covers every tumor treated in the session."
    )
    assert r.cpt[1].rationale == (
        "76940 x1: ultrasound guidance and monitoring of the microwave ablation, reported "
        "separately with 47382; one unit for the session; 26 for the physician's part "
        "(supervision and interpretation) on the professional claim."
    )
    assert [e.text for e in r.cpt[1].evidence[:2]] == [
        "Ultrasound-guided",
        "Under ultrasound guidance",
    ]


def test_a_side_modifier_quotes_the_side_word_first(coder):
    text = _example("facet-rf")
    r = _code(coder, text, "facet-rf")
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("64635", 1, ["RT"]),
        ("64636", 1, ["RT"]),
    ]
    assert r.cpt[0].rationale == (
        "64635 x1: radiofrequency ablation of the right lumbar medial branch nerves; one unit for "
        "the first facet joint; RT for the right side."
    )
    assert r.cpt[1].rationale == (
        "64636 x1: radiofrequency ablation of the right lumbar medial branch nerves, 2 facet "
        "joints in all; add-on to 64635, one unit for each facet joint beyond the first; RT for "
        "the right side."
    )
    for line in r.cpt:
        assert [e.text for e in line.evidence[:2]] == ["right", "Radiofrequency ablation"]
        assert text[line.evidence[0].start : line.evidence[0].end] == "right"


def test_a_recommended_ablation_says_why_it_is_not_reported(coder):
    r = _code(coder, _example("recommended-only"), "recommended-only")
    assert r.cpt == []
    assert [(n.code, n.reason) for n in r.not_reported] == [
        (
            "20982",
            "Radiofrequency ablation of a vertebral metastasis, percutaneous: planned or "
            "recommended, not performed; it is reported once it is done.",
        )
    ]


def test_the_text_output_prints_each_finding_once(coder):
    r = _code(coder, _example("liver-mwa"), "liver-mwa")
    text = result_text(r)
    assert "  2. [info] review: Microwave liver ablation is reported" in text
    assert "  - contested coding rule: see finding 2 above  [route.contested_rule]" in text
    assert "Route: review (1 reason)" in text


@pytest.mark.parametrize(
    ("template", "values", "expected"),
    [
        (
            "{a} [{side} ]{site} {tumor}",
            {"side": "left", "site": "rib", "tumor": "metastasis"},
            "a left rib metastasis",
        ),
        (
            "{a} [{side} ]{site} {tumor}",
            {"side": "", "site": "iliac bone", "tumor": "tumor"},
            "an iliac bone tumor",
        ),
        (
            "{a} liver {tumor}[ in {site}]",
            {"site": "", "tumor": "metastases", "count_number": 3, "count_words": "three"},
            "three liver metastases",
        ),
    ],
)
def test_a_template_drops_an_empty_part_and_chooses_its_article(template, values, expected):
    assert fill(template, **values) == expected


def test_every_documentation_gap_the_auditor_checks_has_words():
    from case2code.coding.findings import GAP_CHECKS

    assert set(GAP_CHECKS) <= set(get_kb().explain.gaps)


def test_a_diagnosis_names_a_compound_site_in_words(coder):
    liver = _code(coder, _example("liver-mwa"), "liver-mwa")
    assert [(d.code, d.rationale) for d in liver.icd10][1] == (
        "C18.7",
        "Primary malignant neoplasm of sigmoid colon, active. (Neoplasm Table: intestine, "
        "intestinal > large > sigmoid flexure, C18.7)",
    )
    rib = _code(coder, RIB)
    assert [d.code for d in rib.icd10] == ["C79.51", "C34.12", "G89.3"]
    assert rib.icd10[1].rationale == (
        "Primary malignant neoplasm of left upper lobe, active. (Neoplasm Table: lung > upper "
        "lobe, C34.1-)"
    )


LASER = (
    "PROCEDURE: CT-guided percutaneous laser ablation of a left tibial osteoid osteoma.\n"
    "INDICATION: 19-year-old man with night pain relieved by NSAIDs; CT shows a 7 mm nidus in the "
    "left tibial cortex.\n"
    "TECHNIQUE: Under CT guidance a 14-gauge bone access needle was drilled into the nidus and a "
    "laser fiber was placed. Laser energy was delivered at 2 W for 200 seconds. No complications."
)


def test_an_unlisted_code_claims_no_included_guidance_and_says_pricing_once(coder):
    r = _code(coder, LASER)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("20999", 1, [])]
    assert [d.code for d in r.icd10] == ["D16.22"]
    assert r.cpt[0].rationale == (
        "20999 x1: laser ablation of a benign left tibial tumor, percutaneous; one unit."
    )
    assert [(n.code, n.reason) for n in r.not_reported] == [
        (
            "77013",
            "CT guidance is not reported separately with 20999: case2code lists no separate "
            "guidance code for it; 77013 is not reported.",
        )
    ]
    assert r.not_reported[0].evidence[0].text == "CT-guided"
    assert sum("comparable" in f.message for f in r.findings) == 1
