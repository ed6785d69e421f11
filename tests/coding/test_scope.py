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
    assert [e.text for e in r.cpt[0].evidence[:2]] == ["left", "radiofrequency ablation"]


def test_underwent_in_a_history_section_stays_an_earlier_encounter(coder):
    r = _code(coder, HISTORY_ONLY)
    assert r.cpt == []
    assert [p.assertion for p in r.facts.procedures if p.action == "ablation"] == ["historical"]


def test_a_terse_report_with_a_title_and_no_verb_is_still_coded(coder):
    r = _code(coder, TERSE)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("64625", 1, ["50"])]
    assert "scope.encounter_note" in r.facts.procedures[0].rules


PULSED = (
    "PROCEDURE: Pulsed radiofrequency of the right genicular nerves.\n"
    "INDICATION: 71-year-old woman with right knee osteoarthritis and pain after total knee "
    "arthroplasty.\nTECHNIQUE: Under fluoroscopic guidance, 22-gauge cannulas were placed at the "
    "superomedial, superolateral and inferomedial genicular nerves. Pulsed radiofrequency was "
    "delivered at 42 C for 120 seconds at each site. No thermal lesion was made."
)
LATERALITY_FIELD = (
    "Procedure: CT-guided percutaneous cryoablation of renal mass\nLaterality: Left\n"
    "Findings: 2.2 cm enhancing lower pole mass, biopsy-proven clear cell renal cell carcinoma. "
    "Two cryoprobes were placed under CT guidance and two freeze-thaw cycles were performed."
)
CHEMO_STOPPED = (
    "PROCEDURE: CT-guided microwave ablation of a right lower lobe metastasis.\n"
    "HISTORY: 66-year-old man with colorectal adenocarcinoma; chemotherapy was discontinued "
    "because of neuropathy.\nTECHNIQUE: A microwave antenna was placed into the 1.4 cm nodule and "
    "ablation was performed at 65 W for 6 minutes. Small pneumothorax, no intervention."
)


def test_pulsed_radiofrequency_is_not_a_genicular_destruction(coder):
    r = _code(coder, PULSED)
    assert "64624" not in [c.code for c in r.cpt]
    fact = next(p for p in r.facts.procedures if p.organ == "nerve")
    assert (fact.action, fact.modality) == ("neuromodulation", "pulsed_radiofrequency")


def test_a_laterality_field_gives_the_kidney_line_its_side(coder):
    r = _code(coder, LATERALITY_FIELD)
    assert [(c.code, c.modifiers) for c in r.cpt] == [("50593", ["LT"]), ("77013", ["26"])]


def test_chemotherapy_discontinued_does_not_discontinue_the_ablation(coder):
    r = _code(coder, CHEMO_STOPPED)
    assert [(c.code, c.modifiers) for c in r.cpt] == [("32998", ["RT"])]


REVIEW_REQUEST = (
    "Medical Necessity Determination: Basivertebral Nerve Ablation\n"
    "The requested L4 and L5 basivertebral nerve ablation is medically necessary for this "
    "52-year-old patient with chronic vertebrogenic low back pain for more than six months, "
    "Modic type 1 changes at L4 and L5, and failure of physical therapy and medications."
)
PAPER = (
    "Combined radiofrequency ablation and vertebroplasty of a painful L2 metastasis: a case "
    "report\nAbstract: Vertebral metastases cause pain and instability.\nCase report: A "
    "68-year-old woman with metastatic breast cancer and a painful L2 lesion underwent "
    "CT-guided radiofrequency ablation of the L2 vertebral body. Cement augmentation was "
    "deferred because the posterior wall was intact."
)


def test_an_authorization_review_documents_no_procedure(coder):
    r = _code(coder, REVIEW_REQUEST)
    assert r.cpt == []
    assert [n.code for n in r.not_reported] == ["64628"]
    assert "scope.review_request" in r.facts.procedures[0].rules


def test_a_papers_title_does_not_add_the_procedure_it_names(coder):
    r = _code(coder, PAPER)
    assert [(c.code, c.units) for c in r.cpt] == [("20982", 1)]
    vertebroplasty = next(p for p in r.facts.procedures if p.action == "vertebroplasty")
    assert vertebroplasty.assertion != "performed"


ORIGIN = (
    "We describe a pathological vertebral fracture treated with a combination of fluoroscopic "
    "guided RFA and kyphoplasty in one session: a 68-year-old man with a T12 pathological "
    "fracture from metastatic hepatocellular carcinoma."
)


def test_a_metastasis_from_hepatocellular_carcinoma_is_not_a_liver_ablation(coder):
    r = _code(coder, ORIGIN)
    assert [c.code for c in r.cpt] == ["20982", "22513"]
    assert {p.organ for p in r.facts.procedures} == {"bone"}


def test_a_coding_article_about_new_codes_documents_no_procedure(coder):
    text = (
        "In 2002, CPT codes were approved for radiofrequency ablation (RFA) of the liver. Coders "
        "should know they cannot use an RFA code more than once per session.\n"
        "When using the RFA codes, the visit that leads to the RFA may be reported separately."
    )
    r = _code(coder, text)
    assert r.cpt == []
    assert {p.assertion for p in r.facts.procedures} <= {"hypothetical", "mentioned"}


def test_a_leaflet_about_an_emerging_technique_documents_no_procedure(coder):
    text = (
        "Less invasive treatment for kidney tumors\n\nMany small renal masses are found on "
        "imaging done for other reasons. Cryoablation has emerged as a viable alternative to "
        "partial nephrectomy in many cases. New techniques involving embolization followed by "
        "cryoablation in the same setting are being performed at our center."
    )
    r = _code(coder, text)
    assert r.cpt == []


def test_what_a_review_says_was_done_is_the_patients_history(coder):
    text = (
        "Medical Necessity Assessment: Basivertebral Nerve Ablation\n"
        "The L4 and L5 basivertebral nerve ablation is medically necessary for this 58-year-old "
        "patient with vertebrogenic low back pain.\n"
        "Injection therapies: The patient underwent facet injections and sacroiliac joint "
        "injections with short-lived relief."
    )
    r = _code(coder, text)
    assert r.cpt == []
    injections = [p for p in r.facts.procedures if p.action == "injection"]
    assert injections and {p.assertion for p in injections} == {"historical"}
    assert all("scope.review_request_history" in p.rules for p in injections)


# NICE interventional procedure guidance, section 2 (rtu-011, tests/corpus/realtext/rtu.md)
GUIDANCE_PAGE = (
    "2.1 Thyroid nodules may be cystic, colloid, hyperplastic, adenomatous, or cancerous. "
    "Most are benign and often asymptomatic. They may be single (solitary nodule) or multiple"
    " (multinodular goitre). Some thyroid nodules produce thyroxine or triiodothyronine and "
    "cause thyrotoxicosis. These are called hyperfunctioning or toxic thyroid "
    "nodules.\n\nCurrent treatments\n\n2.2 Benign thyroid nodules may need treatment if they "
    "are symptomatic or causing cosmetic problems. Conventional treatment includes surgery. "
    "Less invasive alternatives to surgery include ethanol ablation, percutaneous laser "
    "ablation, high intensity focused ultrasound ablation and radiofrequency ablation.\n\nThe"
    " procedure\n\n2.3 Ultrasound-guided percutaneous microwave ablation for symptomatic "
    "benign thyroid nodules is a minimally invasive procedure done in an outpatient setting "
    "using local anaesthesia. The aim is to reduce symptoms and improve cosmetic appearance "
    "by making the nodule smaller while preserving thyroid function and with fewer "
    "complications than surgery.\n\n2.4 The patient is placed in the supine position with "
    "moderate neck extension. A microwave antenna is inserted into the nodule using "
    "ultrasound guidance to visualise the electrode during the procedure. Once in position, "
    "the microwave antenna is activated to heat and destroy the tissue by coagulative "
    "necrosis. The antenna may be repositioned to ensure that most of the nodule is ablated."
)


def test_a_guidance_page_that_defines_the_procedure_bills_nothing(coder):
    """A NICE-style page: 'is a minimally invasive procedure done in an outpatient setting',
    'Conventional treatment includes surgery' read as general text (review.yaml
    general_markers), and 'the patient is placed' names no patient, so the thyroid ablation it
    describes is withheld (scope.no_patient) and no diagnosis is coded."""
    r = _code(coder, GUIDANCE_PAGE)
    assert r.cpt == [] and r.icd10 == []
    withheld = [n.code for n in r.not_reported if n.rule == "scope.no_patient"]
    assert withheld == ["60699"]
    assert any(x.rule == "route.no_patient" for x in r.review.reasons)
