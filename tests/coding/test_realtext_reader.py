"""Reader rules for published case reports (issue 7): a paper retells its own case in its
background or discussion, runs its abstract headers inline in capitals, and reports complications
of a procedure done at an earlier encounter. Notes written for the project in the shape of the
real-text corpus (tests/corpus/realtext)."""

from __future__ import annotations

from datetime import date

import pytest

from case2code.engine import Coder
from case2code.model import Note

DISCUSSION_RETOLD = (
    "Background:\nSacroiliac joint pain is a frequent source of low back pain, and several "
    "radiofrequency techniques have been described for it.\n"
    "Case Report:\nA 61-year-old woman with right-sided sacroiliac joint pain had short relief "
    "from intra-articular steroid. She underwent a bipolar radiofrequency procedure under "
    "fluoroscopy.\n"
    "Discussion:\nThis report supports bipolar radiofrequency nerve ablation for sacroiliac joint "
    "pain. In this patient, the right L5 medial branch nerve was ablated with conventional "
    "radiofrequency, followed by bipolar radiofrequency nerve ablation of the S1, S2 and S3 "
    "lateral branches. We recommend "
    "bipolar radiofrequency nerve ablation for sacroiliac joint pain that does not respond to "
    "injections."
)
CAPS_ABSTRACT = (
    "BACKGROUND: Kidney cancer is more frequent after transplantation. Options for a tumor in a "
    "graft include nephrectomy or partial resection. We report the case of a patient who "
    "underwent percutaneous cryoablation of a renal cell carcinoma in the grafted kidney. "
    "PATIENT AND METHODS: Ten years after transplantation a 2 cm lesion was found in the lower "
    "pole of the graft. After counselling the patient about alternative treatments, the team "
    "decided on percutaneous cryoablation of the lesion. RESULTS: Graft function was unchanged "
    "at 6 months."
)
EARLIER_ABLATION = (
    "Esophageal fistula: a rare complication of catheter ablation for atrial fibrillation\n\n"
    "A 58-year-old man came to the emergency department with fever and chest pain. Three weeks "
    "before this presentation, he underwent radiofrequency catheter ablation with pulmonary vein "
    "isolation for persistent atrial fibrillation. He was admitted for evaluation."
)
SEEDING = (
    "Tumor seeding along the needle track after percutaneous radiofrequency ablation (RFA) of a "
    "liver metastasis is uncommon. A 52-year-old woman developed a chest wall nodule at the site "
    "of an RFA done 8 months before presentation for a colorectal liver metastasis."
)


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder, text):
    return coder.code(Note(text=text, id="t", date_of_service=date(2025, 6, 2)))


def _ablations(r) -> list[str]:
    return [p.assertion for p in r.facts.procedures if p.action == "ablation"]


def test_a_discussion_sentence_about_this_patient_documents_the_procedure(coder):
    r = _code(coder, DISCUSSION_RETOLD)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("64625", 1, ["RT"])]
    assert _ablations(r) == ["performed", "hypothetical"]  # the general first sentence stays apart
    assert "ablated" in [e.text for e in r.cpt[0].evidence]


def test_a_recommendation_alone_in_a_discussion_stays_planned(coder):
    text = (
        "Discussion:\nWe recommend bipolar radiofrequency nerve ablation for sacroiliac joint pain "
        "that does not respond to injections."
    )
    r = _code(coder, text)
    assert r.cpt == []
    assert _ablations(r) == ["planned"]


def test_capital_inline_headers_split_an_abstract(coder):
    r = _code(coder, CAPS_ABSTRACT)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("50593", 1, [])]
    assert _ablations(r) == ["performed"]


def test_an_ablation_before_this_presentation_is_history(coder):
    r = _code(coder, EARLIER_ABLATION)
    assert r.cpt == []
    assert set(_ablations(r)) == {"historical"}
    assert [n.code for n in r.not_reported if n.code.startswith("936")] == ["93656"]


def test_an_ablation_named_as_the_cause_of_seeding_is_history(coder):
    r = _code(coder, SEEDING)
    assert r.cpt == []
    assert set(_ablations(r)) == {"historical"}


FLUTTER = (
    "Case report: A 66-year-old woman with prior percutaneous coronary intervention presented "
    "with persistent atypical atrial flutter. An electrophysiology study with entrainment "
    "mapping localized the circuit to the left atrium, and 3-dimensional mapping showed a scar "
    "with slow conduction near the roof. Ablation of the critical isthmus terminated the "
    "tachycardia. After ablation, the flutter was no longer inducible."
)


def test_ablation_that_terminated_the_tachycardia_is_done_not_aborted(coder):
    r = _code(coder, FLUTTER)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("93653", 1, [])]
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert (ablation.assertion, ablation.organ, ablation.approach) == (
        "performed",
        "heart",
        "transcatheter",
    )
    assert "adjust.heart_ablation_is_transcatheter" in ablation.rules


def test_a_medicine_the_patient_discontinued_does_not_stop_the_ablation(coder):
    text = (
        "A 52-year-old man had recurrent episodes of paroxysmal atrial fibrillation that needed "
        "cardioversion. Because the patient discontinued treatment with an antiarrhythmic agent, "
        "radiofrequency catheter ablation to isolate the pulmonary veins was performed; all four "
        "veins were isolated."
    )
    r = _code(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("93656", 1, [])]
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert ablation.assertion == "performed"
    assert "context.aborted" not in ablation.rules


def test_a_stopped_ep_procedure_is_still_aborted(coder):
    text = FLUTTER.replace(
        "Ablation of the critical isthmus terminated the tachycardia.",
        "The procedure was terminated before ablation because of a pericardial effusion.",
    ).replace(" After ablation, the flutter was no longer inducible.", "")
    r = _code(coder, text)
    assert [p.assertion for p in r.facts.procedures if p.action == "ablation"] == ["aborted"]


LATER_VISIT = (
    "A 70-year-old man with a recurrent adenocarcinoma of the right upper lobe was not fit for "
    "surgery. CT-guided percutaneous radiofrequency ablation of the right upper lobe tumor was "
    "performed and he went home the next day. Ten days later, he attended the emergency room "
    "with chest pain and subcutaneous emphysema. He was admitted for observation."
)
FOLLOW_UP_LATER = (
    "A 70-year-old man with an adenocarcinoma of the right upper lobe was not fit for surgery. "
    "CT-guided percutaneous radiofrequency ablation of the right upper lobe tumor was performed "
    "and he went home the next day. Follow-up CT 3 months later showed no residual enhancement."
)
SUMMARY = (
    "A 74-year-old man with lung metastases from an osteosarcoma was not a surgical candidate. "
    "A total of 14 lung metastases were treated by CT-guided radiofrequency ablation in 6 "
    "procedures over four years. Pneumothorax followed 2 of 6 (33%) procedures."
)


def test_the_ablation_told_before_a_later_visit_is_history(coder):
    r = _code(coder, LATER_VISIT)
    assert r.cpt == []
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert ablation.assertion == "historical"
    assert "context.earlier_than_later_visit" in ablation.rules
    assert ablation.evidence[-1].text == "Ten days later, he attended"


LATER_DIAGNOSIS = (
    "Residual tumor after radiofrequency ablation of a thyroid cancer: a case report\n\n"
    "A 58-year-old woman underwent ultrasound-guided radiofrequency ablation of a papillary "
    "thyroid carcinoma of the right lobe. Three months later, she was diagnosed with a residual "
    "tumor by ultrasound and was referred to surgery."
)
LATER_POSTPROCEDURE = (
    "A 49-year-old woman had laser ablation of a benign right thyroid nodule. She noticed "
    "hoarseness after the ablation and presented to our office with a "
    "weak voice more than 4months postprocedure."
)
RESOLVED_DAYS_LATER = (
    "A 66-year-old man underwent CT-guided percutaneous radiofrequency ablation of a 2 cm "
    "metastasis in the right lower lobe of the lung. He developed mild chest pain that resolved "
    "2 days later."
)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        (LATER_DIAGNOSIS, "Three months later, she was diagnosed"),
        (
            LATER_POSTPROCEDURE,
            "noticed hoarseness after the ablation and presented to our office with a weak voice "
            "more than 4months postprocedure",
        ),
    ],
)
def test_a_diagnosis_or_visit_months_after_the_ablation_dates_it(coder, text, cue):
    r = _code(coder, text)
    assert r.cpt == []
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert ablation.assertion == "historical"
    assert "context.earlier_than_later_visit" in ablation.rules
    assert ablation.evidence[-1].text == cue


ABSCESS_DAYS_LATER = (
    "Radiofrequency ablation (RFA) is widely used for liver metastases. A 69-year-old man had "
    "RFA of two liver metastases of a colon cancer. The patient developed fever and an abscess "
    "at the ablation site 5 days later. He was treated with CT-guided percutaneous catheter "
    "drainage of the abscess. An abscess should always be considered after RFA of liver "
    "metastases."
)


def test_a_general_statement_after_the_later_visit_does_not_redo_the_ablation(coder):
    r = _code(coder, ABSCESS_DAYS_LATER)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("49405", 1, [])]
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert ablation.assertion == "historical"
    cue = "developed fever and an abscess at the ablation site 5 days later"
    assert ablation.evidence[-1].text == cue


def test_a_complaint_that_resolved_days_later_is_the_same_encounter(coder):
    r = _code(coder, RESOLVED_DAYS_LATER)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("32998", 1, ["RT"])]
    assert "radiofrequency ablation" in [e.text for e in r.cpt[0].evidence]
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert ablation.assertion == "performed"


def test_a_follow_up_scan_later_does_not_date_the_ablation(coder):
    r = _code(coder, FOLLOW_UP_LATER)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("32998", 1, ["RT"])]


def test_a_summary_of_several_sessions_codes_no_session(coder):
    r = _code(coder, SUMMARY)
    assert r.cpt == []
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert (ablation.assertion, ablation.rules[-1]) == ("historical", "context.several_sessions")


def test_lesions_left_for_later_sessions_do_not_make_a_summary(coder):
    text = (
        "PROCEDURE: CT-guided radiofrequency ablation of a right lower lobe lung metastasis.\n"
        "PLAN: The remaining metastases will be treated in two sessions next month."
    )
    r = _code(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("32998", 1, ["RT"])]


def test_a_patients_choice_and_a_team_decision_are_not_the_procedure(coder):
    text = (
        "A 68-year-old man was seen in the urology clinic for a 2.5 cm enhancing right renal "
        "mass. After one core biopsy of the mass was nondiagnostic, treatment options were "
        "discussed with the patient, who opted for percutaneous cryoablation. The decision by the "
        "tumor board was to treat the mass with cryoablation under CT guidance."
    )
    r = _code(coder, text)
    assert r.cpt == []
    assert {p.action: p.assertion for p in r.facts.procedures} == {
        "ablation": "planned",
        "biopsy": "historical",
    }


def test_a_question_names_a_procedure_it_does_not_document(coder):
    text = (
        "Thyroid nodules\n\nCan radiofrequency ablation shrink a benign thyroid nodule that "
        "causes pressure symptoms?\nA 45-year-old woman asked her doctor about treatment."
    )
    r = _code(coder, text)
    assert r.cpt == []
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert ablation.assertion == "hypothetical"
    assert "scope.question" in ablation.rules


def test_a_review_of_several_patients_codes_no_encounter(coder):
    text = (
        "Methods: A retrospective review of 14 patients with benign thyroid nodules treated with "
        "radiofrequency ablation. RFA was done under local anesthesia with ultrasound guidance. "
        "Results: mean volume reduction was 61% at 6 months."
    )
    r = _code(coder, text)
    assert r.cpt == []
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert (ablation.assertion, ablation.rules[-1]) == ("historical", "context.several_patients")


def test_fine_needle_aspiration_cytology_is_one_earlier_sampling(coder):
    text = SEEDING + " The skin metastasis was confirmed by fine needle aspiration cytology."
    r = _code(coder, text)
    assert r.cpt == []
    biopsies = [p for p in r.facts.procedures if p.action == "biopsy"]
    assert [(p.assertion, [e.text for e in p.evidence]) for p in biopsies] == [
        ("historical", ["fine needle aspiration cytology"])
    ]


def test_a_cancer_metastatic_to_an_organ_names_that_organ_as_the_target(coder):
    text = (
        "Hypertensive crisis during radiofrequency ablation of an adrenal metastasis: a case "
        "report\n\nWe report a case of severe hypertension during RFA of hepatocellular "
        "carcinoma metastatic to the adrenal gland in a 61-year-old man."
    )
    r = _code(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("60699", 1, [])]
    ablation = next(p for p in r.facts.procedures if p.assertion == "performed")
    assert ablation.organ == "adrenal"
    assert "context.performed.during" in ablation.rules


def test_an_earlier_open_cryoablation_lends_no_approach_to_todays(coder):
    text = (
        "A 63-year-old woman had open cryoablation for a right renal cell carcinoma 7 years ago. "
        "She now has a new 2.5 cm solid right renal mass. Cryoablation was performed under CT "
        "guidance with three applicators and two freeze cycles."
    )
    r = _code(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("50593", 1, ["RT"]),
        ("77013", 1, ["26"]),
    ]


def test_a_lab_unit_is_not_a_side_and_mri_monitoring_is_guidance(coder):
    text = (
        "A 66-year-old man with a renal transplant had a creatinine rise from 29 to 40 mg/L. A "
        "1.5 cm renal cell carcinoma of the allograft was treated using percutaneous cryoablation. "
        "The treatment was monitored with MRI. There were no complications."
    )
    r = _code(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("50593", 1, []),
        ("77022", 1, ["26"]),
    ]
    assert r.cpt[1].evidence[0].text == "monitored with MRI"


@pytest.mark.parametrize(
    "text",
    [
        # the complication told in the same sentence as the procedure it follows (EVLA)
        "Clinical history: a 55-year-old woman suffered from left groin pain and swelling three "
        "days after endovenous laser ablation of the small saphenous vein. Doppler showed an "
        "occlusive femoral vein thrombosis and anticoagulation was started.",
        # the time clause first, the complaint as its subject ('..., dysphagia occurred')
        "A 75-year-old woman was treated with RFA for hepatocellular carcinoma. One week after "
        "laparoscopic RFA for a recurrent tumor in segment 2 of the liver, dysphagia and thoracic "
        "pain occurred. Endoscopy showed a perforated esophageal ulcer.",
    ],
)
def test_a_complaint_days_after_the_ablation_dates_the_ablation(coder, text):
    r = _code(coder, text)
    assert r.cpt == []
    assert r.review.route == "review"
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert ablation.assertion == "historical"
    assert {"context.earlier_than_later_visit", "context.historical.after"} & set(ablation.rules)


def test_a_tumor_that_developed_years_after_surgery_is_treated_today(coder):
    """'Three years after the operation, she developed liver metastases and was treated by
    microwave coagulation': the later event is today's ablation, not a complication of it."""
    text = (
        "We report a 44-year-old woman who underwent modified radical mastectomy for right "
        "breast cancer. Three years after the operation, she developed two metastatic liver "
        "tumours and was treated by MR-guided percutaneous microwave coagulation."
    )
    r = _code(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("47382", 1, []),
        ("77022", 1, ["26"]),
    ]
    assert [d.code for d in r.icd10] == ["C78.7", "Z85.3"]
    assert r.cpt[0].evidence[0].text == "microwave coagulation"


def test_a_later_complaint_at_the_treated_area_dates_the_ablation(coder):
    text = (
        "A 71-year-old man with long-segment Barrett's esophagus underwent circumferential "
        "radiofrequency ablation. A month later he reported dysphagia, and endoscopy showed a "
        "tight stricture at the proximal end of the RFA-treated area."
    )
    r = _code(coder, text)
    assert r.cpt == []
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert (ablation.assertion, ablation.rules[-1]) == (
        "historical",
        "context.earlier_than_later_visit",
    )


@pytest.mark.parametrize(
    "words",
    ["Laser therapy of the tracheal mass was performed", "It was treated by electrocautery"],
)
def test_bronchoscopic_laser_or_electrocautery_of_a_tracheal_tumor_is_31641(coder, words):
    text = (
        "A 52-year-old woman had inspiratory stridor; bronchoscopy showed a mass narrowing the "
        f"distal trachea by 80%. {words} through a flexible bronchoscope, restoring the lumen."
    )
    r = _code(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("31641", 1, [])]


def test_a_title_asked_as_a_question_is_not_the_procedure(coder):
    text = (
        "Bronchial thermoplasty - what is that?!\n\nA man in the newspaper had severe asthma "
        "for years. His doctors said bronchial thermoplasty is an option."
    )
    r = _code(coder, text)
    assert r.cpt == []


def test_radiofrequency_lesioning_of_the_sacral_lateral_branches_is_64625(coder):
    text = (
        "Procedure: Radiofrequency lesioning of the right L5 dorsal ramus and the S1, S2 and S3 "
        "lateral branches under fluoroscopy.\nEach nerve was lesioned at 80 C for 90 seconds."
    )
    r = _code(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("64625", 1, ["RT"])]


def test_pulsed_mode_radiofrequency_lesioning_is_no_destruction(coder):
    text = (
        "Pulsed mode radiofrequency lesioning of the suprascapular nerve for chronic shoulder pain "
        "was performed under ultrasound guidance at 42 C for 4 minutes."
    )
    r = _code(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("64999", 1, [])]
    assert r.facts.procedures[0].action == "neuromodulation"


def test_a_years_history_of_a_cancer_is_its_duration_not_a_past_cancer(coder):
    """'A 2 year history of stage 4 renal cell carcinoma' with a vertebral metastasis: the
    primary is current (C64.9), not a personal history (Z85.528)."""
    text = (
        "This patient had a 2 year history of stage 4 renal cell carcinoma and severe low back "
        "pain from a metastatic pathologic fracture of the L4 vertebra. Under CT guidance, "
        "radiofrequency ablation of the L4 metastasis was performed, followed by balloon "
        "kyphoplasty of L4."
    )
    r = _code(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("20982", 1, []), ("22514", 1, [])]
    codes = [d.code for d in r.icd10]
    assert codes[0] == "C79.51" and "C64.9" in codes and "M84.58XA" in codes
    assert "Z85.528" not in codes


CHILDREN_SERIES = (
    "CT-guided percutaneous cryoablation of osteoid osteoma in children: a pilot study.\n\n"
    "OBJECTIVE: To evaluate the safety of CT-guided cryoablation for osteoid osteoma in children. "
    "METHODS: Eight children (five boys, three girls, mean age 11 years) with osteoid osteoma "
    "were treated with CT-guided percutaneous cryoablation under conscious sedation. RESULTS: "
    "Cryoablation was technically successful for all patients."
)
FORUM_QUESTION = (
    "Question about Cryotherapy\n\n"
    "It has been two years since I finished radiation for my prostate cancer (gleason 8) and my "
    "PSA stays low. My urologist and I reviewed options for a future recurrence. If the cancer "
    "stayed localized, a possible treatment option would then be cryotherapy. I was told that "
    "cryotherapy is not offered at our hospital. Has anyone had cryotherapy, and where was the "
    "surgery performed?"
)
RUPTURE_AFTER_RFA = (
    "We present a case of a liver rupture after radiofrequency ablation (RFA) of a recurrent "
    "hepatocellular carcinoma. The rupture resulted from thermoablation near the hepatic veins. "
    "Because of a growing subcapsular hematoma, surgical revision with liver packing was "
    "performed."
)


def test_a_study_of_several_children_codes_no_patient(coder):
    r = _code(coder, CHILDREN_SERIES)
    assert r.cpt == [] and r.icd10 == []
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert "context.several_patients" in ablation.rules
    series = next(f for f in r.findings if f.rule == "scope.no_encounter_series")
    assert series.codes == ["D16.9"]
    assert series.evidence[0].text.startswith("Eight children (five boys, three girls")


def test_a_forum_question_about_a_future_option_documents_no_procedure(coder):
    r = _code(coder, FORUM_QUESTION)
    assert r.cpt == []
    readings = {p.assertion for p in r.facts.procedures if p.action == "ablation"}
    assert readings == {"planned", "hypothetical", "negated"}  # title, option, not offered
    assert r.review.route == "review"


def test_a_rupture_after_rfa_dates_the_ablation(coder):
    r = _code(coder, RUPTURE_AFTER_RFA)
    assert "47382" not in [c.code for c in r.cpt]
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert ablation.assertion == "historical"
    assert "context.historical.complication_of" in ablation.rules


TECHNIQUE_OVERVIEW = (
    "Ultrasound Guided Genicular Nerve Radiofrequency Ablation - Technique and Overview\n\n"
    "Goal\nTo ablate the genicular nerves that carry pain from the knee joint.\n\n"
    "Indications\nChronic knee pain from osteoarthritis after a positive diagnostic block.\n\n"
    "Anatomy\nThe superomedial, superolateral and inferomedial genicular nerves run along the "
    "femur and tibia, where the probes can be placed."
)
WE_TREATED_SERIES = (
    "Cryoablation and vertebroplasty in spinal metastases\n\n"
    "Between 2006 and 2008 we treated with cryoablation and vertebroplasty 18 patients (11 men, "
    "7 women) with painful vertebral metastases. Cryoablation was performed with two cryoprobes "
    "and bone cement was injected afterwards."
)
FLUTTER_HYPHENATED = (
    "A 63-year-old woman with persistent atrial flutter underwent an electrophysiology study and "
    "radiofrequency ablation on an empty stomach under local anesthesia. Routine ablation of the "
    "cavo-tricuspid isthmus line to bidirectional block was performed."
)


def test_a_technique_overview_titled_with_the_procedure_codes_nothing(coder):
    r = _code(coder, TECHNIQUE_OVERVIEW)
    assert r.cpt == []
    title = next(p for p in r.facts.procedures if "scope.title_echo" in p.rules)
    assert title.assertion == "mentioned"
    assert title.evidence[0].text == "Radiofrequency Ablation"


def test_we_treated_eighteen_patients_is_a_series(coder):
    r = _code(coder, WE_TREATED_SERIES)
    assert r.cpt == [] and r.icd10 == []
    assert r.facts.encounter["patients"] == "several"
    assert r.facts.encounter["patients_evidence"][0]["text"].endswith("18 patients")


def test_a_hyphenated_cavo_tricuspid_isthmus_is_the_flutter_line_not_the_thyroid(coder):
    r = _code(coder, FLUTTER_HYPHENATED)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("93653", 1, [])]
    assert "ablation of the cavo-tricuspid isthmus" in [e.text for e in r.cpt[0].evidence]
    assert [d.code for d in r.icd10] == ["I48.92"]


GRAVES_AFTER_MWA = (
    "Background\nMicrowave ablation is a minimally invasive option for thyroid nodules. "
    "Hyperthyroidism is a known risk of MWA. We report a patient diagnosed with Graves' disease "
    "6 months after microwave ablation of a thyroid nodule.\n"
    "Case presentation\nA 43-year-old man presented with palpitations and sweating. He had "
    "undergone microwave ablation of a right thyroid nodule 6 months ago. "
    "He was treated with oral antithyroid medication."
)
OWN_FOLLOW_UP = (
    "28 years old male patient with a solid nodule in the left thyroid lobe.\n\n"
    "Hydrodissection was done and the antenna was placed through the isthmus. After ablation, "
    "the nodule volume decreased to 9.7 ml at the 3rd month follow-up.\n\n"
    "Changes of volume and clinical findings in follow-up after microwave ablation."
)


def test_an_ablation_dated_elsewhere_in_the_note_is_not_redone_by_its_other_mentions(coder):
    r = _code(coder, GRAVES_AFTER_MWA)
    assert r.cpt == []
    rules = {rule for p in r.facts.procedures if p.action == "ablation" for rule in p.rules}
    assert "context.historical.after" in rules  # 'Graves' disease 6 months after ... ablation'
    assert all(p.assertion != "performed" for p in r.facts.procedures if p.action == "ablation")


def test_a_case_telling_its_own_follow_up_keeps_its_ablation(coder):
    r = _code(coder, OWN_FOLLOW_UP)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("60699", 1, [])]
    assert "ablation" in [e.text for e in r.cpt[0].evidence]


TWO_PATIENTS = (
    "Cryoablation for a renal metastasis of lung cancer?\n\n"
    "We present two patients with non-small cell lung cancer and a solitary renal metastasis. "
    "Both received CT-guided cryoablation of the renal metastasis. In both patients no residual "
    "tumour was found at three months."
)
FAMILY_PAGE = (
    "Cryoablation and Hope\n\n"
    "Tomorrow Mom goes in to the hospital for treatment of her kidney tumor. The procedure that "
    "the doctors are going to use is called cryoablation. Cryoablation uses hollow needles through "
    "which cooled fluids are circulated. The most common application of cryoablation is to treat "
    "solid tumors found in the lung, liver, breast, kidney and prostate. Traditionally, surgeons "
    "have treated cancer by cutting it out, and many patients are now offered cryoablation instead."
)


def test_two_patients_presented_together_are_a_series(coder):
    r = _code(coder, TWO_PATIENTS)
    assert r.cpt == [] and r.icd10 == []
    assert r.facts.encounter["patients_evidence"][0]["text"] == "We present two patients"


def test_a_present_tense_description_in_a_text_with_no_encounter_documents_nothing(coder):
    """'Cryoablation uses hollow needles' describes the procedure; only in an encounter does a
    present-tense verb of doing narrate a session (context.performed.present)."""
    r = _code(coder, FAMILY_PAGE)
    assert r.cpt == []
    assert all(p.assertion != "performed" for p in r.facts.procedures)


COMPUTER_TOMOGRAPHY = (
    "On 2 December a computer tomography-guided procedure of percutaneous cryoablation of a renal "
    "tumor was performed in a 71-year-old man. Thanks to the CT scan navigation, the needles were "
    "inserted into the tumor and their tips were cooled."
)


def test_computer_tomography_guided_is_ct_guidance_reported_beside_renal_cryoablation(coder):
    r = _code(coder, COMPUTER_TOMOGRAPHY)
    lines = [(c.code, c.units, c.modifiers) for c in r.cpt]
    assert lines == [("50593", 1, []), ("77013", 1, ["26"])]
    assert r.cpt[1].evidence[0].text == "computer tomography-guided"


GLOBAL_ENDOMETRIAL = (
    "A 44-year-old woman with heavy menstrual bleeding despite oral progestins was offered "
    "endometrial ablation as an alternative to hysterectomy or hysteroscopic resection. "
    "Hysteroscopy last month showed a normal cavity and an endometrial biopsy was benign. "
    "NovaSure endometrial ablation was performed today; the treatment took 80 seconds and she "
    "went home the same afternoon."
)


def test_a_hysteroscopic_alternative_gives_no_approach_to_a_global_ablation_done(coder):
    """'hysteroscopic resection' is an option named beside the ablation done: only the anchors
    that read as the procedure does give its approach (extract._read_as), so the NovaSure done
    without a scope is 58353, not the hysteroscopic 58563."""
    r = _code(coder, GLOBAL_ENDOMETRIAL)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("58353", 1, [])]
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert ablation.approach != "hysteroscopic"



FAILED_BEFORE = (
    "A 41-year-old man with axial low back pain had no relief after physical therapy, a lumbar "
    "epidural steroid injection and a left sacroiliac joint injection. Left L4 and L5 medial "
    "branch blocks gave 90% relief. He then underwent left L4 and L5 medial branch "
    "radiofrequency neurotomy under fluoroscopy."
)


def test_a_treatment_that_already_failed_is_history_not_a_line(coder):
    """'no relief after ... a left sacroiliac joint injection' (context.historical.failed_before):
    the injection was an earlier encounter, so only today's neurotomy is coded."""
    r = _code(coder, FAILED_BEFORE)
    # the L4 medial branch and the L5 branch supply one joint, L5-S1
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("64635", 1, ["LT"])]
    injection = next(p for p in r.facts.procedures if p.site == "sacroiliac")
    assert injection.assertion == "historical"
    assert "context.historical.failed_before" in injection.rules


CASE_STUDY_PAGE = (
    "Interventional Radiology\n"
    "Case Study\n"
    "CT shows a 2.5 cm enhancing lower pole mass of the left kidney; the right kidney was "
    "removed for cancer years ago and the left is the single remaining kidney.\n"
    "The patient is prone on the CT table before percutaneous cryoablation of the left renal "
    "mass.\n"
    "At the end of cryoablation the ice ball covers the tumor with a 5 mm margin."
)


def test_a_case_study_heading_presents_one_patient_and_a_removed_kidney_is_z90_5(coder):
    """A line 'Case Study' presents one case (review.yaml patient_markers), so the page's
    cryoablation is coded as an encounter; 'the single remaining kidney' after a nephrectomy is
    acquired absence of kidney (Z90.5), a status code after the mass."""
    r = _code(coder, CASE_STUDY_PAGE)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("50593", 1, ["LT"])]
    assert [d.code for d in r.icd10] == ["N28.89", "Z90.5"]
    assert [e.text for e in r.icd10[1].evidence] == ["single remaining kidney"]


KIDNEY_SIDE_ELSEWHERE = (
    "POSTOPERATIVE DIAGNOSIS: Left renal cell carcinoma.\n"
    "OPERATION PERFORMED: Cryoablation of lesion.\n"
    "INDICATION: A 3 cm incidental left renal mass in a 64-year-old man who chose ablation.\n"
    "DESCRIPTION: Under CT guidance two cryoprobes were placed percutaneously into the mass and "
    "two freeze cycles were performed."
)
GRAFT_AND_NATIVE_KIDNEY = (
    "A 61-year-old man with a kidney transplant for diabetic nephropathy had a right native kidney "
    "removed for papillary carcinoma in 2021. A 1.4 cm clear cell carcinoma of the allograft was "
    "treated with CT-guided percutaneous cryoablation."
)


def test_a_kidney_ablation_takes_the_side_the_note_names_for_the_kidney(coder):
    """The operation line names no side; 'Left renal cell carcinoma' and 'left renal mass' name
    the kidney's (properties.yaml kidney side_from_own_words): 50593-LT."""
    r = _code(coder, KIDNEY_SIDE_ELSEWHERE)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("50593", 1, ["LT"]),
        ("77013", 1, ["26"]),
    ]
    assert [d.code for d in r.icd10] == ["C64.2"]


def test_a_graft_takes_no_side_from_the_native_kidney(coder):
    """A transplanted kidney sits where no side word of the note puts it
    (sideless_indications): the right native kidney removed gives the graft's ablation no RT."""
    r = _code(coder, GRAFT_AND_NATIVE_KIDNEY)
    ablation = next(c for c in r.cpt if c.code == "50593")
    assert ablation.modifiers == []


HAND_ASSISTED = (
    "OPERATION PERFORMED: Cryoablation of a right renal mass.\n"
    "DESCRIPTION: A periumbilical incision was made and a gel port placed; the peritoneal cavity "
    "was insufflated with carbon dioxide and two working ports were placed under vision. Gerota "
    "fascia was opened over the right renal mass and two cryoprobes were placed under "
    "intraoperative ultrasound; two freeze-thaw cycles were completed in a 59-year-old woman."
)


def test_co2_insufflation_and_a_gel_port_make_a_renal_cryoablation_laparoscopic(coder):
    """The steps only a laparoscopy has (lexicon app.lap) make the approach laparoscopic: 50542
    with its side, never the percutaneous 50593."""
    r = _code(coder, HAND_ASSISTED)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("50542", 1, ["RT"])]


CONSULT_OPTIONS = (
    "CONSULT FOR PROSTATE CANCER\n"
    "The patient returned to discuss his newly diagnosed prostate cancer. Radical prostatectomy "
    "was discussed with its risks. Cryosurgery was discussed with the risks of retention and "
    "incontinence. Prostate surgery after seeds or cryosurgery has a higher risk of "
    "incontinence. I spoke with the patient for over 45 minutes."
)
ESSURE_AND_THERMACHOICE = (
    "PREOPERATIVE DX: Menorrhagia; desires permanent sterilization.\n"
    "OPERATIVE PROCEDURE: Hysteroscopy, Essure tubal occlusion, and ThermaChoice endometrial "
    "ablation.\n"
    "PROCEDURE: The hysteroscope was inserted and an Essure device placed in each ostium. The "
    "hysteroscope was then removed and the ThermaChoice balloon ablation was performed for 8 "
    "minutes in a 39-year-old woman."
)


def test_a_consultation_discusses_options_it_does_not_perform_them(coder):
    """Under a 'CONSULT FOR ...' heading (sections.yaml consult, default planned) the options
    talked through are no procedures done: no cryosurgery line, the cancer still coded."""
    r = _code(coder, CONSULT_OPTIONS)
    assert r.cpt == []
    assert [d.code for d in r.icd10] == ["C61"]
    assert all(p.assertion != "performed" for p in r.facts.procedures)


def test_thermachoice_after_the_hysteroscope_is_58353_and_essure_a_finding(coder):
    """ThermaChoice ablates blindly once the hysteroscope is out (lexicon
    act.endometrial_global_device): 58353, not 58563; the Essure occlusion has no code in the KB,
    so it is a finding and the note goes to a coder."""
    r = _code(coder, ESSURE_AND_THERMACHOICE)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("58353", 1, [])]
    assert any(f.rule == "scope.sterilization" for f in r.findings)
    assert "route.uncovered_procedure" in [x.rule for x in r.review.reasons]


KYPHOPLASTY_RECORD = (
    "PRE-OP DIAGNOSIS: Osteoporosis, pathologic fractures T12-L1.\n"
    "PROCEDURE:\n"
    "1. Balloon kyphoplasty at T12 and L1.\n"
    "2. Bone biopsy (medically necessary).\n"
    "ANESTHESIA: General\n"
    "COMPLICATIONS: None\n"
    "BLOOD LOSS: Minimal\n"
    "INDICATIONS: A 75-year-old woman with osteoporotic compression fractures of T12 and L1 and "
    "debilitating back pain despite bed rest and analgesics."
)


def test_medical_necessity_written_in_an_operative_record_requests_nothing(coder):
    """'(medically necessary)' beside a biopsy is the surgeon documenting necessity: a note with a
    complications section is the record of its session (properties.yaml record_sections), so the
    kyphoplasties are done (22513 and +22515), and a 'pathologic fracture' of osteoporosis in a
    note naming no neoplasm is no M84.5- (the fracture of neoplastic disease)."""
    r = _code(coder, KYPHOPLASTY_RECORD)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("22513", 1, []), ("22515", 1, [])]
    assert [d.code for d in r.icd10] == ["M80.08XA"]
