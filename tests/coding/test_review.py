"""The review route (issue 9): every result says `auto` (bill as coded) or `review` with reasons,
in the JSON, the batch line, the text output and the eval; no auto-routed note of the tuning
corpora is wrong."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from case2code.batch import code_lines
from case2code.coding import review
from case2code.coding.review import CHECKS
from case2code.engine import Coder
from case2code.evaluation import evaluate, load_gold
from case2code.formats.text import result_text
from case2code.kb import get_kb
from case2code.model import Note

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

RENAL = (
    "PROCEDURE: CT-guided percutaneous cryoablation of right renal mass\n"
    "INDICATION: 77-year-old man with a 2.7 cm exophytic lower-pole right renal mass, "
    "biopsy-proven clear cell renal cell carcinoma (prior encounter).\n"
    "TECHNIQUE: Prone. Under CT guidance three 17G cryoprobes were positioned in the tumor."
    " Two 10-minute freeze cycles with an 8-minute passive thaw; CT monitoring of the ice "
    "ball confirmed coverage of the tumor.\n"
    "IMPRESSION: Successful CT-guided cryoablation, right renal cell carcinoma."
)
LIVER_MWA = (
    "PROCEDURE: Ultrasound-guided percutaneous microwave ablation of a segment 7 liver "
    "metastasis.\n"
    "HISTORY: 58-year-old man with sigmoid colon adenocarcinoma on FOLFOX, now with a "
    "single hepatic metastasis.\n"
    "TECHNIQUE: Under ultrasound guidance a microwave antenna was placed into the lesion. "
    "Ablation was performed at 100 W for 5 minutes.\n"
    "COMPLICATIONS: None."
)
TWO_ORGANS = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a segment 8 liver "
    "metastasis and of a right lower lobe lung metastasis.\n"
    "HISTORY: 61-year-old man with rectal adenocarcinoma, resected, with one liver and one "
    "lung metastasis.\n"
    "TECHNIQUE: Under CT guidance the RF electrode was placed in the segment 8 liver lesion"
    " and a 12-minute ablation was performed; the electrode was then placed in the right "
    "lower lobe nodule and a 10-minute ablation was performed."
)


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder, text):
    return coder.code(Note(text=text, id="t", date_of_service=date(2025, 6, 2)))


def test_a_clean_renal_cryoablation_is_routed_auto(coder):
    r = _code(coder, RENAL)
    assert [(c.code, c.modifiers) for c in r.cpt] == [("50593", ["RT"]), ("77013", ["26"])]
    assert [d.code for d in r.icd10] == ["C64.1"]
    assert r.review.route == "auto" and r.review.reasons == []


CASE_REPORT = (
    "Percutaneous cryoablation of a renal cell carcinoma in a solitary kidney: a case report\n"
    "A 71-year-old man with a 2.9 cm right renal mass underwent CT-guided percutaneous "
    "cryoablation. Two freeze cycles were performed. At six months there was no enhancement "
    "(Fig. 2)."
)


def test_a_published_case_report_is_coded_but_sent_to_a_coder(coder):
    r = coder.code(Note(CASE_REPORT, "case-report", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("50593", 1, ["RT"]),
        ("77013", 1, ["26"]),
    ]
    assert r.review.route == "review"
    reason = next(x for x in r.review.reasons if x.rule == "route.publication")
    assert reason.codes == ["50593", "77013"]
    assert reason.evidence[0].text == "case report"


def test_a_paper_titled_a_case_of_is_a_publication(coder):
    """'A Case of ...' opening a text is a case report's title (review.yaml publication_markers):
    its procedures are retold around the session, so a coder confirms what was done when."""
    text = (
        "A Case of tumor seeding along the needle tract after radiofrequency ablation\n"
        "A 52-year-old man with a 2 cm hepatocellular carcinoma in segment 8 was treated with "
        "percutaneous radiofrequency ablation under ultrasound guidance."
    )
    r = _code(coder, text)
    reason = next(x for x in r.review.reasons if x.rule == "route.publication")
    assert reason.evidence[0].text == "A Case of"
    assert r.review.route == "review"


def test_an_abstract_that_herein_reports_a_case_is_a_publication(coder):
    """'We herein report the case' (publication_markers): the vertebroplasty before the
    sacroplasty is the case's story, not one session, so a coder confirms what was done on the
    date of service."""
    text = (
        "Abstract\n\n"
        "We herein report the case of a 62-year-old female with L2 and L3 vertebral compression "
        "fractures treated with vertebroplasty. Her symptoms did not improve and MRI showed a "
        "sacral insufficiency fracture. Sacroplasty at S1 and S2 completely relieved her pain."
    )
    r = _code(coder, text)
    reasons = [x for x in r.review.reasons if x.rule == "route.publication"]
    assert [e.text for x in reasons for e in x.evidence] == ["We herein report"]
    assert r.review.route == "review"


def test_a_review_of_one_patients_request_is_a_patient_text_sent_to_a_coder(coder):
    """'The patient's case presents with ...' (patient_markers) makes a payer's answer on a
    requested ablation one patient's text: nothing was done, so no CPT line and no 'auto'."""
    text = (
        "Medical Necessity Assessment for Endovenous Ablation Therapy (CPT 36478 x2)\n"
        "This request does NOT meet medical necessity criteria and should be DENIED. The "
        "patient's case presents with documented varicose veins and reflux, but the small "
        "saphenous vein measures 4.3 mm, below the 4.5 mm minimum for thermal ablation."
    )
    r = _code(coder, text)
    assert r.cpt == []
    assert r.review.route == "review"
    assert any(x.rule == "route.no_procedure" for x in r.review.reasons)


def test_the_ideal_candidate_is_the_patient_with_names_no_patient(coder):
    """'The ideal candidate for RFA is the patient with unresectable cancer' describes a kind of
    patient (patient_markers skip 'is the patient with'): a newsletter article bills nothing."""
    text = (
        "If you ask a medical expert about the major benefits of radio frequency ablation, or "
        "RFA, the answer will probably have to do with the procedure's minimally invasive "
        "technique, and it's a procedure that works for patients not suited for an open "
        "procedure. RFA was first performed in 1996 to destroy primary and metastatic liver "
        "lesions. The ideal candidate for RFA is the patient with unresectable cancer tumors of "
        "about five centimeters in size. RFA also can be applied to masses on nerves and in veins."
    )
    r = _code(coder, text)
    assert r.cpt == []
    assert any(x.rule == "route.no_patient" for x in r.review.reasons)


def test_the_analysis_of_a_case_of_names_one_patient(coder):
    """'Analysis of a case of OO in the proximal humerus treated with radiofrequency
    thermo-ablation under CT guidance' is one patient's treatment (patient_markers): 20982 and
    its benign bone tumor, with the paper sent to a coder."""
    text = (
        "Shoulder pain induced by cancellous epiphyseal osteoid osteoma\n"
        "Osteoid osteoma is a benign neoplasm of bone. Aim of the study was to define imaging "
        "characters of cancellous intra-articular osteoid osteoma and treatment. Analysis of a "
        "case of osteoid osteoma in the proximal humerus treated with radiofrequency "
        "thermo-ablation under CT guidance without complications. Inclusion criteria: English, "
        "French, Italian language; guidelines, cohort prospective studies, retrospective "
        "studies, reviews, case reports."
    )
    r = _code(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("20982", 1, [])]
    assert [d.code for d in r.icd10] == ["D16.00"]
    assert r.review.route == "review"


def test_a_text_with_a_doi_is_a_publication(coder):
    """A paper's identifier and 'Published online' (review.yaml publication_markers): its story
    of a procedure years ago is no encounter a claim rests on, so a coder confirms."""
    text = (
        "Published online Oct 28, 2010. doi: 10.3748/wjg.v16.i40.5135\n"
        "A 51-year-old man with hepatitis B was treated with radiofrequency ablation of a 3.5 cm "
        "hepatocellular carcinoma. Eight years later a recurrence was found at the treated site."
    )
    r = _code(coder, text)
    reason = next(x for x in r.review.reasons if x.rule == "route.publication")
    assert [e.text for e in reason.evidence][:1] == ["doi: 10.3748/"]
    assert r.review.route == "review"


def test_vertebroplasty_beside_a_kyphoplasty_goes_to_a_coder_for_the_pair_edit(coder):
    """The KB's edit table has no pair for 22510 and 22513 (companion-rules.yaml
    review.vertebroplasty_with_kyphoplasty): whether the vertebroplasty needs 59 or XS is a
    coder's check, so the note is not billed as is."""
    text = (
        "PROCEDURE PERFORMED: Balloon kyphoplasty at T8; vertebroplasty at T7 and T9.\n"
        "TECHNIQUE: Under biplanar fluoroscopy a balloon was inflated in T8 and cement placed; "
        "cement was then injected into T7 and T9 through bilateral needles in an 80-year-old woman "
        "with osteoporosis and painful T7-T9 compression fractures."
    )
    r = _code(coder, text)
    assert [(c.code, c.units) for c in r.cpt] == [("22513", 1), ("22510", 1), ("22512", 1)]
    finding = next(f for f in r.findings if f.rule == "review.vertebroplasty_with_kyphoplasty")
    assert "22510" in finding.message and "22513" in finding.message
    assert r.review.route == "review"


def test_a_payer_policy_names_no_patient_even_when_a_criterion_says_the_patient(coder):
    """'Policy Number:' and 'may be considered medically necessary' (review.yaml
    coverage_document_markers) make the text a coverage policy: 'the patient has one kidney' is a
    criterion, not a patient, so neither its procedures nor its conditions are coded."""
    text = (
        "Radiofrequency Ablation of Solid Tumors\n"
        "Policy Number: MP-207\n"
        "Radiofrequency ablation may be considered medically necessary for renal cell carcinoma "
        "when the patient has one kidney or renal insufficiency, and for osteoid osteomas that "
        "fail medical treatment."
    )
    r = _code(coder, text)
    assert r.cpt == [] and r.icd10 == []
    assert any(f.rule == "scope.no_encounter" for f in r.findings)


def test_microwave_with_the_rf_code_is_a_contested_rule(coder):
    r = _code(coder, LIVER_MWA)
    assert [c.code for c in r.cpt] == ["47382", "76940"]
    reason = next(x for x in r.review.reasons if x.rule == "route.contested_rule")
    assert "Microwave" in reason.message and reason.codes == ["47382"]
    assert r.review.route == "review"


def test_ablations_of_two_organs_in_one_note_go_to_review(coder):
    r = _code(coder, TWO_ORGANS)
    assert {"47382", "32998"} <= {c.code for c in r.cpt}
    reason = next(x for x in r.review.reasons if x.rule == "route.several_organs")
    assert "liver" in reason.message and "lung" in reason.message
    assert r.review.route == "review"


TWO_TARGETS_ONE_NAMED = (
    "A 58-year-old man with hepatocellular carcinoma treated by resection last year has a new "
    "2 cm recurrence in the right liver and a painful metastasis of the T11 vertebral body. "
    "Percutaneous cryoablation was performed today to treat the liver recurrence and the "
    "metastatic lesion, with immediate relief of the back pain."
)


def test_a_metastasis_of_an_ablatable_organ_beside_another_organs_ablation_goes_to_a_coder(coder):
    """The reader codes the liver cryoablation; 'the metastatic lesion' treated with it is the
    vertebra's, which has its own code (20983) the reader did not find: a coded bone metastasis
    beside a liver-only ablation is a coder's check (route.metastasis_beside)."""
    r = _code(coder, TWO_TARGETS_ONE_NAMED)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("47383", 1, [])]
    reason = next(x for x in r.review.reasons if x.rule == "route.metastasis_beside")
    assert reason.codes == ["C79.51"]
    assert "bone" in reason.message and "liver" in reason.message
    assert r.review.route == "review"


def test_review_is_in_the_json_the_batch_line_and_the_text(coder):
    r = _code(coder, RENAL)
    assert r.to_dict()["review"] == {"route": "auto", "reasons": []}
    line = json.dumps({"id": "n1", "text": LIVER_MWA, "date_of_service": "2025-06-02"})
    out = next(iter(code_lines([line], coder=coder)))
    assert out["review"]["route"] == "review"
    assert out["review"]["reasons"][0]["rule"].startswith("route.")
    assert "Route: review" in result_text(_code(coder, LIVER_MWA))
    assert "Route: auto" in result_text(r)


def test_every_review_rule_names_a_check_that_exists():
    policy = get_kb().review
    assert policy is not None and policy.rules
    assert {rule.check for rule in policy.rules} <= set(CHECKS)
    assert len({rule.id for rule in policy.rules}) == len(policy.rules)


# The auto share measured on 2026-12-03 after the route's sound rules (wip/cov3): raise a floor
# when a change raises the share, never lower one to let a change in.
AUTO_SHARE_FLOORS = {"gold.jsonl": 0.68, "holdout.jsonl": 0.6, "holdout2.jsonl": 0.53}


@pytest.mark.parametrize("name", sorted(AUTO_SHARE_FLOORS))
def test_no_auto_routed_note_of_the_tuning_corpora_is_wrong(name):
    report = evaluate(load_gold(CORPUS / name))
    summary = report.summary()
    assert report.auto_wrong == [], report.auto_wrong
    assert summary["auto_case_exact"] == 1.0
    assert summary["auto_share"] >= AUTO_SHARE_FLOORS[name], summary


COVERAGE_PAGE = (
    "Medicare Now Covers Thyroid RFA\n"
    "For years, radiofrequency ablation of benign thyroid nodules was a cash-pay procedure. "
    "Multinodular goiter and single benign nodules that cause pressure symptoms can now be "
    "treated without surgery, and the procedure is done under local anesthesia."
)
CONSULT = (
    "Interventional Oncology - Follow-up Visit\n"
    "Diagnosis: clear cell renal cell carcinoma, left kidney.\n"
    "Assessment: residual left renal cell carcinoma after prior cryoablation.\n"
    "Plan: present at tumor board next week. No intervention today."
)


def test_a_coverage_page_that_names_no_patient_codes_no_diagnoses(coder):
    r = coder.code(Note(COVERAGE_PAGE, "coverage-page", date(2025, 6, 2)))
    assert r.cpt == [] and r.icd10 == []
    withheld = next(f for f in r.findings if f.rule == "scope.no_encounter")
    assert withheld.codes and all(c.startswith("E04.") for c in withheld.codes)
    # No encounter and nothing billed: the empty claim is right, so the route is auto; the
    # findings still say what was withheld and why.
    assert r.review.route == "auto" and r.review.reasons == []


def test_a_visit_with_no_procedure_still_goes_to_a_coder_for_its_visit(coder):
    """An encounter with no procedure has a visit whose E/M level case2code does not code: the
    quiet rule of general text does not reach it."""
    r = coder.code(Note(CONSULT, "follow-up", date(2025, 8, 26)))
    assert r.cpt == [] and [d.code for d in r.icd10] == ["C64.2"]
    assert [x.rule for x in r.review.reasons] == ["route.no_procedure"]
    assert r.review.route == "review"


BLANK_TEMPLATE = (
    "Thyroid nodule radiofrequency ablation template.\n"
    "Probe: ____ gauge. Power: ____ W. Duration: ____ min."
)


def test_a_text_with_no_patient_and_no_general_word_still_goes_to_a_coder(coder):
    """No patient marker but no word of general text either: it may be a terse encounter, so
    the empty result is not taken as the right one."""
    r = coder.code(Note(BLANK_TEMPLATE, "template", date(2025, 6, 2)))
    assert r.cpt == [] and r.icd10 == []
    assert [x.rule for x in r.review.reasons] == ["route.no_procedure"]
    assert r.review.route == "review"


def test_a_visit_with_encounter_headings_keeps_its_diagnosis(coder):
    r = coder.code(Note(CONSULT, "follow-up", date(2025, 8, 26)))
    assert r.cpt == []
    assert [d.code for d in r.icd10] == ["C64.2"]
    assert not any(f.rule == "scope.no_encounter" for f in r.findings)


def test_an_operative_note_with_no_age_or_pronoun_is_still_about_a_patient(coder):
    text = (
        "PREOPERATIVE DIAGNOSIS: Right renal mass, biopsy-proven clear cell renal cell carcinoma.\n"
        "PROCEDURE: CT-guided percutaneous cryoablation of the right renal mass.\n"
        "TECHNIQUE: Three 17G cryoprobes were placed under CT guidance; two 10-minute freeze "
        "cycles were performed.\nCOMPLICATIONS: None."
    )
    r = coder.code(Note(text, "op-note", date(2025, 6, 2)))
    assert [(c.code, c.modifiers) for c in r.cpt][0] == ("50593", ["RT"])
    assert not any(x.rule == "route.no_patient" for x in r.review.reasons)


RENAL_RFA_PAGE = (
    "Radiofrequency Ablation - Renal\n\n"
    "Radiofrequency ablation is an emerging technology used in radiology for the treatment of "
    "primary and metastatic renal tumors.\n\n"
    "Procedure Description:\nIn this procedure, the physician destroys one or more renal tumors "
    "with radiofrequency energy delivered through a needle placed under CT guidance. Patients "
    "usually go home the same day."
)
TERSE_LOG = (
    "CT-guided percutaneous cryoablation of the right renal mass, 2.8 cm, biopsy-proven clear "
    "cell carcinoma. Three cryoprobes, two 10-minute freezes. No complication."
)


def test_a_patient_page_about_renal_ablation_reports_no_cpt_line(coder):
    """An education page describes the procedure; it is no encounter, so 50592 is withheld with
    the reason, the route says why and the one nothing-coded line names the withheld code."""
    r = coder.code(Note(RENAL_RFA_PAGE, "renal-page", date(2025, 6, 2)))
    assert r.cpt == [] and r.icd10 == []
    withheld = [n for n in r.not_reported if n.rule == "scope.no_patient"]
    assert [n.code for n in withheld] == ["50592", "77013"]
    assert withheld[0].evidence[0].text == "Radiofrequency Ablation"
    assert "names no patient" in withheld[0].reason
    nothing = next(f for f in r.findings if f.rule == "scope.nothing_coded")
    assert nothing.codes == ["50592", "77013"] and "names no patient" in nothing.message
    # Procedures were withheld for naming no patient: a coder confirms it is no encounter.
    assert r.review.route == "review"
    reason = next(x for x in r.review.reasons if x.rule == "route.no_patient")
    assert reason.codes == ["50592", "77013"] and "general text" in reason.message


def test_a_terse_procedure_log_with_no_patient_word_is_coded_and_reviewed(coder):
    """A log line names no patient either, but has no word of general text: it keeps its line,
    and the coder confirms it is an encounter."""
    r = coder.code(Note(TERSE_LOG, "log", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("50593", 1, ["RT"]),
        ("77013", 1, ["26"]),
    ]
    assert not any(n.rule == "scope.no_patient" for n in r.not_reported)
    assert "route.no_patient" in [x.rule for x in r.review.reasons]


HANDBOOK = (
    "Catheter Ablation for Atrial Fibrillation (Pulmonary Vein Ablation) - A PATIENT HANDBOOK\n"
    "Your Heart's Electrical System. What is Atrial Fibrillation? How is Catheter Ablation "
    "Performed? A catheter is passed to the left atrium and radiofrequency ablation isolates "
    "the pulmonary veins. Preparing for Atrial Fibrillation Ablation."
)
RETOLD_STORY = (
    "I was reading a story in the newspaper last week about a newer way to treat severe "
    "asthma. He had asthma attacks every night for years. Bronchial thermoplasty was performed "
    "through a bronchoscope. The article said most of those treated did better."
)


def test_a_patient_handbook_is_not_a_patient(coder):
    """'A patient handbook' names a kind of leaflet, not a patient: its AF ablation is withheld."""
    r = coder.code(Note(HANDBOOK, "handbook", date(2025, 6, 2)))
    assert r.cpt == [] and r.icd10 == []
    assert [n.code for n in r.not_reported if n.rule == "scope.no_patient"] == ["93656"]
    assert r.review.route == "review"  # a withheld line: a coder confirms there is no encounter
    assert {x.rule for x in r.review.reasons} == {"route.no_patient", "route.no_procedure"}


def test_a_story_retold_from_a_newspaper_is_routed_to_review(coder):
    r = coder.code(Note(RETOLD_STORY, "blog", date(2025, 6, 2)))
    reasons = [x for x in r.review.reasons if x.rule == "route.publication"]
    assert r.review.route == "review" and "newspaper" in reasons[0].message


@pytest.mark.parametrize(
    "text",
    [
        "A 13-year oldboy presented with left hip pain and limping for over 1 year.",
        "The present study reports a case of a 29-week primigravida with a femoral lesion.",
        "Scenario: CT-guided RFA of a left renal mass was performed.",
        "Immediately after introduction a pneumothorax was visualized, which I enlarged.",
        "Cryoablation R breast fibroadenoma 10:00, 2.3 cm, US guided. Tolerated well.",
        "As many of you know, I recently had a second a-fib ablation.",
        "Radiofrequency ablation for lung cancer in a single-lung patient: case report.",
        "Following the procedure, the patient developed a colonic perforation.",
        "Materials and methods: We hereby report on treatment of a primary lung cancer.",
    ],
)
def test_real_wordings_of_one_patient_are_patient_markers(text):
    from case2code.coding.review import names_a_patient, reads_as_general_text

    assert names_a_patient(get_kb(), text)
    assert not reads_as_general_text(get_kb(), text)


MARKER_TEXTS = [
    "A 67-year-old man underwent CT-guided RFA of a left iliac metastasis.",
    "RFA of the left ilium.\nAssessment: metastatic renal cell carcinoma.",
    "We report a case of osteoid osteoma treated with RFA (Fig. 2).",
    "Radiofrequency ablation is typically performed under CT guidance.",
    "ASSESSMENT\nablation done",
]


@pytest.mark.parametrize("text", MARKER_TEXTS)
def test_the_route_finds_a_marker_exactly_where_one_of_its_patterns_does(text):
    """The route searches only the markers the prefilter lets through: the first match of each
    list must be the one a plain search of the patterns in their order finds."""
    import re

    from case2code.coding.review import _first

    kb = get_kb()
    for markers in (kb.review.patient_markers, kb.review.publication_markers):
        plain = next((m for p in markers if (m := re.search(p, text, re.IGNORECASE))), None)
        got = _first(kb, markers, text)
        assert (got and got.span()) == (plain and plain.span())


@pytest.mark.parametrize(
    "text",
    [
        "A 67-year-old man; RFA done.",
        "Ablation done.\x1c\x1dAssessment: metastasis",  # separators: the Unicode path
        "Ablación guiada por TC; a 67 year old woman.",  # not ASCII: the Unicode path
        "RFA of the rib.",
    ],
)
def test_review_search_matches_like_the_plain_pattern(text):
    """`review.search` may scan ASCII text with a re.ASCII copy: it must find what the pattern
    itself finds, span for span."""
    import re

    from case2code.coding.review import search

    kb = get_kb()
    for pattern in [*kb.review.patient_markers, *kb.review.publication_markers]:
        rx = re.compile(pattern, re.IGNORECASE)
        plain = rx.search(text)
        got = search(rx, text)
        assert (got and got.span()) == (plain and plain.span())


SEED_3 = (
    "A patient with lung cancer has developed multiple bone tumors in the ribs. The provider opts "
    "for percutaneous radiofrequency ablation to treat these lesions effectively."
)


def test_an_unspecified_code_the_note_cannot_improve_is_no_reason_to_review(coder):
    r = coder.code(Note(SEED_3, "seed-03", date(2025, 6, 2)))
    assert [d.code for d in r.icd10] == ["C79.51", "C34.90"]
    assert not any(x.rule == "route.unspecified_diagnosis" for x in r.review.reasons)


def test_an_unspecified_code_beside_a_side_word_is_sent_to_a_coder(coder):
    text = SEED_3.replace("in the ribs", "in the left ribs")
    r = coder.code(Note(text, "seed-03-left", date(2025, 6, 2)))
    assert "C34.90" in [d.code for d in r.icd10]
    reason = next(x for x in r.review.reasons if x.rule == "route.unspecified_diagnosis")
    assert reason.codes == ["C34.90"]


SPINE_MET = (
    "PROCEDURE: CT-guided radiofrequency ablation of an L2 vertebral body metastasis.\n"
    "HISTORY: 58-year-old woman with {cancer}, ER-positive, on letrozole, with a single "
    "painful lytic metastasis of the L2 vertebral body.\n"
    "TECHNIQUE: Under CT guidance a bipolar RF probe was placed through the left pedicle into "
    "the L2 body and ablation was performed at 90 degrees for 8 minutes.\n"
    "COMPLICATIONS: None."
)


def test_a_sided_breast_code_is_not_refined_by_a_vertebral_body_or_a_side(coder):
    """C50.912 already names the left breast: only a part of the breast (a quadrant, the nipple)
    could refine it, and 'vertebral body' or 'left pedicle' are not parts of a breast."""
    text = SPINE_MET.format(cancer="invasive ductal carcinoma of the left breast")
    r = coder.code(Note(text, "spine-met", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("20982", 1, [])]
    assert [d.code for d in r.icd10] == ["C79.51", "C50.912", "G89.3", "Z17.0"]
    assert r.review.route == "auto" and r.review.reasons == []


def test_a_breast_code_with_no_side_is_sent_to_a_coder_when_the_note_has_a_side_word(coder):
    """C50.919 names no side and the note has one ('left pedicle'): the side may be the
    breast's, written where the reader did not join it, so a coder checks."""
    text = SPINE_MET.format(cancer="metastatic breast carcinoma")
    r = coder.code(Note(text, "spine-met-no-side", date(2025, 6, 2)))
    assert [d.code for d in r.icd10][:2] == ["C79.51", "C50.919"]
    reason = next(x for x in r.review.reasons if x.rule == "route.unspecified_diagnosis")
    assert reason.codes == ["C50.919"]
    assert r.review.route == "review"


CODING_ANSWER = (
    "Question: Our pain physician did pulsed radiofrequency of a lumbar nerve. How do we code it?\n"
    "Answer: Pulsed RF is coded as the unlisted nervous system code 64999 (CPT Assistant, August "
    "2005). Injections of anesthetic performed at the same time are included. In this case, you "
    "would only report the unlisted code for the pulsed RF procedure."
)


def test_in_this_case_you_would_report_is_advice_not_a_patient(coder):
    """'In this case' names the reader's situation in a coding answer, not one patient's case: the
    text names no patient, so the code it discusses is withheld and a coder confirms."""
    r = coder.code(Note(CODING_ANSWER, "coding-answer", date(2025, 6, 2)))
    assert r.cpt == []
    withheld = [n for n in r.not_reported if n.rule == "scope.no_patient"]
    assert [n.code for n in withheld] == ["64999"]
    assert "route.no_patient" in [x.rule for x in r.review.reasons]


WOMENS_LEAFLET = (
    "Endometrial Ablation\n\n"
    "Heavy periods affect many women. During these periods women may need to change her pads "
    "every hour, and many women are told that their only choice is a hysterectomy.\n\n"
    "The Procedure\nNovaSure uses radiofrequency energy to remove the lining of the uterus. The "
    "physician dilates the cervix and inserts a slender wand; energy is delivered for about 90 "
    "seconds. Most women return to normal activities the next day."
)


def test_a_leaflet_about_women_in_general_names_no_patient(coder):
    """'her pads' in a page about 'many women' is a pronoun of the population, not one patient:
    the weak markers yield to the population words, and the procedure it describes is withheld."""
    r = coder.code(Note(WOMENS_LEAFLET, "leaflet", date(2025, 6, 2)))
    assert r.cpt == [] and r.icd10 == []
    assert [n.code for n in r.not_reported if n.rule == "scope.no_patient"] == ["58353"]
    assert "route.no_patient" in [x.rule for x in r.review.reasons]


PATIENT_BLOG = (
    "Liver ablation day\n\n"
    "I turned up at the radiology day unit at 8am for my microwave ablation. My oncologist had "
    "warned me a bed might not be free. The tumours in my liver shrank on immunotherapy, so this "
    "time the radiologist could reach them. The microwave ablation was performed under "
    "ultrasound guidance and took an hour."
)
CODER_ASKS_ABOUT_AN_OP_NOTE = (
    "RFA sacroiliac joint - my doctor wants to code 64635, which is right?\n"
    "Procedure: Left radiofrequency ablation of the sacroiliac joint nerves, the L5 dorsal ramus "
    "and the S1, S2 and S3 lateral branches.\n"
    "After consent the patient was placed prone. I advanced the needle until I had good position "
    "at the sacral ala and lesioned each lateral branch at 80 degrees C for 90 seconds."
)


def test_a_patients_own_blog_about_an_ablation_is_not_coded(coder):
    """A patient's post names the procedure but is not the provider's record: its line is
    withheld with the words that show whose account it is, and a coder confirms."""
    r = coder.code(Note(PATIENT_BLOG, "blog", date(2025, 6, 2)))
    assert r.cpt == [] and r.icd10 == []
    own = [n for n in r.not_reported if n.rule == "scope.self_account"]
    assert [n.code for n in own] == ["47382", "76940"]  # the ablation and its guidance
    reason = next(x for x in r.review.reasons if x.rule == "route.self_account")
    assert reason.evidence[0].text == "I turned up"


def test_a_coder_quoting_a_first_person_op_note_is_still_coded(coder):
    """'my doctor wants to code' and the physician's 'I advanced the needle until I had good
    position' are no patient's words: the op note it quotes is coded."""
    r = coder.code(Note(CODER_ASKS_ABOUT_AN_OP_NOTE, "coder-forum", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("64625", 1, ["LT"])]
    assert not [n for n in r.not_reported if n.rule == "scope.self_account"]


RELATIVES_BLOG = (
    "Liver RFA: a family's view\n\n"
    "After 7 RFA procedures in two years, my husband became an expert on radiofrequency "
    "ablation of liver metastases. Our interventional radiologist scheduled each CT-guided RFA "
    "as soon as a new lesion appeared, and the ablation of the segment 6 metastasis was "
    "performed last spring."
)
PRESS_RELEASE = (
    "Hospital First in the City to Offer Cooled Radiofrequency Ablation for Painful Bone Tumors\n\n"
    "TUCSON - The hospital is the first in the city to use cooled radiofrequency ablation for "
    "painful spinal metastases. When a patient has advanced cancer it often spreads to the spine; "
    "bone metastases occur in 60-80% of cancer patients. The physician places the probe under "
    "imaging guidance and heats the tumor, and the procedure is performed as an outpatient."
)


def test_a_relatives_blog_is_not_the_providers_record(coder):
    r = coder.code(Note(RELATIVES_BLOG, "family-blog", date(2025, 6, 2)))
    assert r.cpt == [] and r.icd10 == []
    assert "route.self_account" in [x.rule for x in r.review.reasons]


def test_a_press_release_about_a_patient_in_general_names_no_patient(coder):
    """'When a patient has advanced cancer' beside 'cancer patients' is the population a hospital
    speaks of, not one patient: the procedure it announces is withheld."""
    r = coder.code(Note(PRESS_RELEASE, "press", date(2025, 6, 2)))
    assert r.cpt == [] and r.icd10 == []
    assert not review.names_a_patient(coder.kb, PRESS_RELEASE)
    assert review.names_a_patient(coder.kb, "Our patient is a 70-year-old man. " + PRESS_RELEASE)


def test_two_collapsed_vertebrae_of_two_regions_leave_the_first_listed_to_a_coder():
    """'Subacute compression fractures involving T10 and L4 ... more painful at L4': the reader
    codes M48.54XA and M48.56XA, equal to it; which one is first-listed is the coder's choice
    (route.first_listed_tie). A bilateral knee's right and left codes are not a tie."""
    text = (
        "History: Subacute compression fractures involving T10 and L4. The patient is more "
        "painful at L4 than T10.\n"
        "Procedure: Under fluoroscopic guidance a vertebroplasty needle was passed into the T10 "
        "vertebral body and 2 cc of methyl methacrylate were instilled; the procedure was "
        "repeated at L4.\nImpression: T10 and L4 vertebroplasties."
    )
    r = Coder().code(Note(text, "vp-two-regions", date(2025, 6, 2)))
    assert [d.code for d in r.icd10] == ["M48.54XA", "M48.56XA"]
    assert r.review.route == "review"
    tie = [x for x in r.review.reasons if x.rule == "route.first_listed_tie"]
    assert len(tie) == 1 and tie[0].codes == ["M48.54XA", "M48.56XA"]
    knees = (
        "PROCEDURE: Bilateral genicular nerve radiofrequency ablation under fluoroscopy.\n"
        "INDICATION: Chronic bilateral knee pain after conservative care."
    )
    k = Coder().code(Note(knees, "knees", date(2025, 6, 2)))
    assert not any(x.rule == "route.first_listed_tie" for x in k.review.reasons)
