"""Scope: text that documents no encounter (leaflets, policies, textbook paragraphs, headlines)
codes no procedure; a case report's narrative and a terse report still do."""

from __future__ import annotations

from datetime import date

import pytest

from case2code.engine import Coder
from case2code.model import Note

LEAFLET = (
    "Radiofrequency ablation for thyroid nodules\n\n"
    "Radiofrequency ablation (RFA) is a minimally invasive treatment option for benign thyroid "
    "nodules that cause pressure symptoms or cosmetic concern. The procedure is typically "
    "performed under local anesthesia and most patients go home the same day. Studies show a "
    "volume reduction of 50 to 80 percent at one year."
)
HEADLINE = "Thyroid nodule radiofrequency ablation in North America"
CASE_REPORT = (
    "Case report: A 77-year-old man with a 2.8 cm renal cell carcinoma in the upper pole of his "
    "left kidney underwent percutaneous radiofrequency ablation under CT guidance. Two overlapping "
    "ablations were performed. He was discharged the next day."
)
HISTORY_ONLY = (
    "UROLOGY CLINIC NOTE\nHistory: 73-year-old man who underwent radiofrequency ablation of a "
    "right renal cell carcinoma in 2021, without recurrence on surveillance CT.\n"
    "Plan: continue annual imaging."
)
TERSE = (
    "Bilateral SI joint RFA.\n59M with bilateral sacroiliitis, more than 75 percent relief with "
    "comparative blocks. Fluoroscopic guidance. L5 dorsal rami and S1-S3 lateral branches "
    "lesioned at 80 C x 90 s each side. No complications."
)


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder, text):
    return coder.code(Note(text=text, id="t", date_of_service=date(2025, 6, 2)))


def test_a_patient_leaflet_codes_no_procedure(coder):
    r = _code(coder, LEAFLET)
    assert r.cpt == []
    ablations = [p for p in r.facts.procedures if p.action == "ablation"]
    assert {p.assertion for p in ablations} == {"mentioned", "hypothetical"}  # title, then text
    assert any("context.hypothetical.general" in p.rules for p in ablations)


def test_a_headline_alone_is_only_a_mention(coder):
    r = _code(coder, HEADLINE)
    assert r.cpt == []
    assert [p.assertion for p in r.facts.procedures] == ["mentioned"]
    assert [n.code for n in r.not_reported] == ["60660"]
    assert "without any documentation" in r.not_reported[0].reason


def test_a_case_report_narrative_of_one_patient_is_coded(coder):
    r = _code(coder, CASE_REPORT)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("50592", 1, ["LT"]),
        ("77013", 1, ["26"]),
    ]
    assert r.cpt[0].evidence[0].text == "radiofrequency ablation"


def test_underwent_in_a_history_section_stays_an_earlier_encounter(coder):
    r = _code(coder, HISTORY_ONLY)
    assert r.cpt == []
    assert [p.assertion for p in r.facts.procedures if p.action == "ablation"] == ["historical"]


def test_a_terse_report_with_a_title_and_no_verb_is_still_coded(coder):
    r = _code(coder, TERSE)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("64625", 1, ["50"])]
    assert "scope.encounter_note" in r.facts.procedures[0].rules
