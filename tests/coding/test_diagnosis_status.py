"""Diagnosis rules of real published text (issue 8, third round): the status of an organ removed
earlier, the finding of a liver lesion with no diagnosis, and a past drug toxicity that is no
condition of today. Each scenario is a realistic note asserting the exact ICD-10-CM codes in
sequence and the words they rest on."""

from __future__ import annotations

import pytest
from dx_helpers import codes, evidence, run

from case2code.engine import Coder


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


SINGLE_LUNG = (
    "A 71-year-old man with a biopsy-proven squamous cell carcinoma of the right lower lobe. His "
    "left lung was removed 14 years ago for a carcinoid tumor, so he is a single-lung patient and "
    "is not a candidate for surgery.\n"
    "Procedure: CT-guided percutaneous radiofrequency ablation of the right lower lobe tumor, one "
    "probe, two overlapping ablations."
)


def test_a_lung_removed_earlier_is_the_acquired_absence_status_beside_the_cancer(coder):
    """I.C.21.c.3 (neoplasm-maps.yaml lung_absence): the single remaining lung is Z90.2, coded
    after the cancer the ablation treats."""
    result = run(coder, SINGLE_LUNG)
    assert [(c.code, c.modifiers) for c in result.cpt] == [("32998", ["RT"])]
    assert codes(result) == ["C34.31", "Z90.2"]
    assert evidence(result, "Z90.2") == ["lung was removed", "single-lung patient"]


def test_a_single_lung_nodule_or_one_lung_ventilation_is_no_absent_lung(coder):
    text = (
        "A 64-year-old woman with a single lung nodule, biopsy-proven adenocarcinoma of the right "
        "upper lobe, underwent video-assisted thoracoscopic microwave ablation of the tumor under "
        "general anesthesia with single lung ventilation through a double-lumen tube."
    )
    assert codes(run(coder, text)) == ["C34.11"]


LIVER_LESIONS = (
    "A 63-year-old man presented with two separate liver lesions measuring 2 cm and 4 cm on CT. "
    "Because of their location surgery was not possible, and his oncologist referred him for "
    "evaluation. Under ultrasound guidance both lesions were ablated percutaneously with a "
    "radiofrequency probe. No biopsy was taken."
)


def test_liver_lesions_treated_with_no_diagnosis_are_the_liver_lesion_finding(coder):
    """IV.D (guidelines.yaml finding.no_diagnosis): Index 'Lesion, liver' K76.89."""
    result = run(coder, LIVER_LESIONS)
    assert codes(result) == ["K76.89"]
    assert result.icd10[0].rule == "dx.finding"
    assert "ablated" in " ".join(evidence(result, "K76.89"))


def test_a_named_liver_cancer_wins_over_the_liver_lesion_finding(coder):
    text = LIVER_LESIONS.replace(
        "two separate liver lesions", "two separate hepatocellular carcinoma lesions"
    )
    assert codes(run(coder, text)) == ["C22.0"]


DESMOID = (
    "A 41-year-old woman with a 6 cm desmoid tumor of the anterior abdominal wall. She was treated "
    "with sorafenib for one year; sorafenib was discontinued due to the development of drug "
    "toxicities including abnormal uterine bleeding and fatigue.\n"
    "Procedure: CT-guided percutaneous cryoablation of the abdominal wall desmoid with four "
    "cryoprobes, two freeze-thaw cycles."
)


def test_a_toxicity_that_stopped_a_drug_earlier_is_not_coded_today(coder):
    """The bleeding was the reason an earlier drug was stopped: history, not a condition of
    this encounter, so the desmoid alone (context.historical.drug_stopped)."""
    result = run(coder, DESMOID)
    assert codes(result) == ["D48.113"]
    assert "desmoid" in " ".join(evidence(result, "D48.113"))


def test_bleeding_documented_today_is_still_coded(coder):
    text = DESMOID.replace(
        "sorafenib was discontinued due to the development of drug toxicities including "
        "abnormal uterine bleeding and fatigue.",
        "she now reports abnormal uterine bleeding.",
    )
    assert "N93.9" in codes(run(coder, text))


GRAFT_RCC = (
    "A 61-year-old man received a deceased-donor renal transplant 9 years ago for end-stage renal "
    "disease. Surveillance ultrasound showed a 1.8 cm enhancing mass in the lower pole of the "
    "renal allograft; biopsy showed clear cell renal cell carcinoma.\n"
    "Procedure: Under CT guidance two cryoprobes were placed into the tumor of the renal allograft "
    "and percutaneous cryoablation was performed with two freeze-thaw cycles."
)


def test_a_cancer_of_the_kidney_graft_is_a_transplant_complication_first(coder):
    """I.C.2.r (guidelines.yaml transplant.malignancy): T86.19, then C80.2, then the specific
    malignancy, with no side (the graft is not the native left or right kidney)."""
    result = run(coder, GRAFT_RCC)
    assert [c.code for c in result.cpt] == ["50593", "77013"]
    assert codes(result) == ["T86.19", "C80.2", "C64.9"]
    assert result.icd10[0].rule == "dx.transplant"
    assert "renal allograft" in evidence(result, "T86.19")


def test_a_cancer_of_the_native_kidney_of_a_graft_recipient_is_no_graft_cancer(coder):
    text = (
        "A 61-year-old man with a functioning renal allograft placed 9 years ago. Surveillance CT "
        "showed a 2.4 cm enhancing mass of the left native kidney; biopsy showed clear cell renal "
        "cell carcinoma.\n"
        "Procedure: CT-guided percutaneous cryoablation of the left native kidney tumor with two "
        "cryoprobes, two freeze-thaw cycles."
    )
    result = run(coder, text)
    assert "T86.19" not in codes(result) and "C80.2" not in codes(result)
    assert codes(result)[0] == "C64.2"


def test_a_sided_kidney_treated_in_a_graft_recipient_is_a_native_kidney(coder):
    text = (
        "A 57-year-old woman whose renal allograft has functioned well for 11 years. CT showed a "
        "2.2 cm enhancing mass of the right kidney; biopsy showed papillary renal cell "
        "carcinoma.\n"
        "Procedure: CT-guided percutaneous cryoablation of the right renal tumor with two "
        "cryoprobes, keeping the ice ball well away from the renal allograft."
    )
    result = run(coder, text)
    assert [(c.code, c.modifiers) for c in result.cpt][0] == ("50593", ["RT"])
    assert codes(result) == ["C64.1"]


def test_a_recurrence_of_the_cancer_the_liver_transplant_treated_is_coded_as_the_cancer(coder):
    """The graft rule needs the cancer placed in the graft: a recurrence of the recipient's
    own hepatocellular carcinoma named with no graft words stays C22.0."""
    text = (
        "A 58-year-old man with local recurrence of hepatocellular carcinoma 36 months after liver "
        "transplant for multifocal hepatocellular carcinoma. Laparoscopic microwave ablation of "
        "the 2 cm recurrence in segment 6 was performed under intraoperative ultrasound."
    )
    assert codes(run(coder, text)) == ["C22.0"]


SAME_ORGAN_METASTASIS = (
    "A 69-year-old woman with adenocarcinoma of the left upper lobe on systemic therapy developed "
    "a 12 mm metastasis in the right lower lobe.\n"
    "Procedure: CT-guided percutaneous radiofrequency ablation of the right lower lobe metastasis, "
    "one probe, one 12-minute ablation."
)


def test_a_metastasis_treated_leads_the_primary_of_the_same_organ(coder):
    """I.C.2.b: treatment directed at the secondary site lists the secondary first, even when
    the primary is in the same organ and still present."""
    result = run(coder, SAME_ORGAN_METASTASIS)
    assert codes(result) == ["C78.01", "C34.12"]
    assert "metastasis" in evidence(result, "C78.01")


THYROID_TOPIC = (
    "Background: Radiofrequency ablation is an effective and safe method for treating benign "
    "thyroid nodules and recurrent thyroid cancers.\n"
    "Case: A 47-year-old woman with a slowly enlarging, euthyroid multinodular goiter of both "
    "thyroid lobes causing neck pressure. Ultrasound-guided radiofrequency ablation of the "
    "dominant right lobe nodule was performed through a transisthmic approach."
)


def test_a_cancer_named_as_the_subject_of_a_method_is_not_the_patients(coder):
    """'a method for treating ... thyroid cancers' is a topic (context.hypothetical.topic): no
    C73, so the goiter treated is coded (nontoxic multinodular goiter)."""
    result = run(coder, THYROID_TOPIC)
    assert "C73" not in codes(result)
    assert codes(result) == ["E04.2"]


def test_a_cancer_the_patient_has_is_still_coded_beside_a_topic_sentence(coder):
    text = THYROID_TOPIC.replace(
        "euthyroid multinodular goiter of both thyroid lobes causing neck pressure",
        "papillary thyroid carcinoma of the right lobe, 9 mm, who declined surgery",
    ).replace("dominant right lobe nodule", "right lobe carcinoma")
    assert codes(run(coder, text)) == ["C73"]


def test_a_population_statement_names_no_condition_of_the_patient(coder):
    """'the ideal candidate would have a small RCC' (context.hypothetical.population)."""
    text = (
        "There are over 50,000 new cases of RCC diagnosed each year. The ideal treatment "
        "candidate would have a small RCC less than 4 cm in diameter. Other potential patients "
        "are those with syndromes like Von Hippel-Lindau."
    )
    assert codes(run(coder, text)) == []


def test_the_patients_own_studies_and_yearly_scans_keep_the_cancer_hers(coder):
    """The topic and population cues are narrow: 'staging studies for her lung cancer' and a
    CT 'each year' speak of this patient's cancer."""
    text = (
        "A 70-year-old man completed staging studies for his lung cancer, a 15 mm adenocarcinoma "
        "of the right upper lobe, and has had a surveillance CT each year for his renal cell "
        "carcinoma of the left kidney, which is under active surveillance.\n"
        "Procedure: CT-guided percutaneous radiofrequency ablation of the right upper lobe tumor."
    )
    result = run(coder, text)
    assert codes(result)[0] == "C34.11"
    assert "C64.2" in codes(result)


def test_metastases_to_both_lungs_take_the_right_and_the_left_code(coder):
    """'both lungs' is a side and an organ (the literal shadows 'lungs'): metastases of both
    lungs are C78.01 and C78.02 (I.B.13), the kidney primary on adjuvant therapy current."""
    text = (
        "Dx: metastatic clear cell RCC to both lungs (one nodule in the right lower lobe, one in "
        "the left upper lobe). Primary: right kidney, radical nephrectomy in 2022, currently on "
        "adjuvant pembrolizumab.\n"
        "Procedure: CT-guided percutaneous microwave ablation of both nodules in one session, "
        "right side first, then the left upper lobe nodule."
    )
    result = run(coder, text)
    assert codes(result) == ["C78.01", "C78.02", "C64.1"]
    assert "both lungs" in evidence(result, "C78.02")


BREAST_TO_LIVER = (
    "A 44-year-old woman underwent modified radical mastectomy for right breast cancer three "
    "years ago, with no treatment since. She has now developed two metastatic liver tumours.\n"
    "Procedure: MR-guided percutaneous microwave coagulation of both liver tumours in one "
    "session."
)


def test_metastatic_liver_tumours_are_liver_metastases_not_a_liver_cancer(coder):
    """'metastatic liver tumours' are lesions in the liver that are metastases; 'metastatic
    breast cancer' would be the breast primary (properties.yaml lesion_words)."""
    result = run(coder, BREAST_TO_LIVER)
    assert codes(result) == ["C78.7", "Z85.3"]
    assert "C22.9" not in codes(result)


def test_liver_metastases_of_breast_cancer_name_the_site_then_the_origin(coder):
    text = BREAST_TO_LIVER.replace(
        "She has now developed two metastatic liver tumours.",
        "She is referred for liver metastases of breast cancer, two lesions on MRI.",
    )
    assert codes(run(coder, text)) == ["C78.7", "Z85.3"]


def test_an_organ_the_metastasis_abuts_is_a_landmark_not_a_second_site(coder):
    """'metastasis abutting the pleura' is a lung metastasis (landmark_before), no C78.2."""
    text = (
        "PROCEDURE: CT-guided cryoablation, right lower lobe metastasis abutting the pleura.\n"
        "HISTORY: 61-year-old woman with clear cell carcinoma of the right kidney, primary in "
        "place, on cabozantinib. Subpleural 1.6 cm right lower lobe metastasis, biopsy-proven.\n"
        "TECHNIQUE: Three cryoprobes under CT guidance, triple freeze. No pneumothorax."
    )
    result = run(coder, text)
    assert codes(result) == ["C78.01", "C64.1"]


def test_a_site_named_with_no_recurrence_is_no_metastatic_site(coder):
    """'no pelvic recurrence' names the pelvis negated: no bone metastasis (C79.51) beside
    the lung metastasis treated; the excised uterine primary is history."""
    text = (
        "Procedure: CT-guided cryoablation of a right lower lobe pulmonary metastasis.\n"
        "Patient: 55-year-old woman with uterine leiomyosarcoma, total hysterectomy 2020, no "
        "therapy since, no pelvic recurrence. Solitary 1.4 cm right lower lobe metastasis "
        "(biopsy-proven).\n"
        "Technique: Two cryoprobes, triple freeze, ice ball covering the nodule with margin."
    )
    result = run(coder, text)
    assert codes(result) == ["C78.01", "Z85.42"]


def test_the_risks_discussed_are_no_conditions_of_the_patient(coder):
    """'risks (bleeding, abscess, injury to stomach, tumor seeding)': no stomach cancer
    (context.hypothetical.risks_listed); the HCC discussed is coded."""
    text = (
        "IR clinic note. 63M with alcohol-related cirrhosis and a 2.1 cm LI-RADS 5 HCC in segment "
        "6. Seen to discuss percutaneous microwave ablation. We reviewed the expected complete "
        "ablation rate, risks (bleeding, abscess, injury to stomach, tumor seeding) and "
        "alternatives. He wishes to think about it; no procedure today."
    )
    result = run(coder, text)
    assert "C16.9" not in codes(result)
    assert codes(result)[0] == "C22.0"


def test_an_ablation_for_the_palliation_of_a_painful_metastasis_lists_the_pain_first(coder):
    """I.C.6.b.5 (note cue pain_encounter): 'for the palliation of painful bone metastasis'
    makes the encounter one for pain control, so G89.3 leads."""
    text = (
        "MR-guided focused ultrasound ablation for the palliation of painful bone metastasis. A "
        "62-year-old woman with a painful metastasis of the left iliac bone from breast cancer, on "
        "letrozole, was treated with MR-guided focused ultrasound ablation of the iliac lesion."
    )
    result = run(coder, text)
    assert codes(result)[:2] == ["G89.3", "C79.51"]


RENAL_MASSES_CONSULT = (
    "A 68-year-old man presented to the urology clinic for evaluation of bilateral renal masses "
    "found incidentally on CT. He has a family history of prostate cancer. The right mass is 2.7 "
    "cm and solid; the left is 2.2 cm and enhancing. The differential diagnosis included renal "
    "cell carcinoma and oncocytoma. Treatment options were discussed; he elected staged "
    "cryoablation, to be scheduled."
)


def test_a_cancer_only_in_the_differential_is_coded_by_its_finding_outpatient(coder):
    """IV.H (uncertain.outpatient): RCC named only in the differential diagnosis is not coded;
    the renal masses are, N28.89. The family's prostate cancer is not the patient's."""
    result = run(coder, RENAL_MASSES_CONSULT)
    assert codes(result) == ["N28.89"]
    assert result.icd10[0].rule == "dx.uncertain"


def test_a_liver_lesion_suspicious_for_cancer_is_the_liver_lesion_finding(coder):
    """IV.H (uncertain.outpatient liver): 'suspicious for hepatocellular carcinoma' is not
    coded as C22.0 outside an inpatient stay; the lesion is, K76.89."""
    text = (
        "A 66-year-old man with cirrhosis and a 1.8 cm segment 7 liver lesion suspicious for "
        "hepatocellular carcinoma on MRI, LI-RADS 4.\n"
        "Procedure: Ultrasound-guided percutaneous microwave ablation of the segment 7 lesion, "
        "one antenna, 6 minutes at 100 W."
    )
    result = run(coder, text)
    assert "C22.0" not in codes(result)
    assert codes(result)[0] == "K76.89"
    assert result.icd10[0].rule == "dx.uncertain"


def test_a_kidney_named_only_among_the_risks_leaves_no_renal_finding(coder):
    """A risk discussed is hypothetical, no uncertain diagnosis: no N28.89 from 'injury to the
    kidney' or 'tumor seeding' in the consent of a liver ablation."""
    text = (
        "Indication: 59-year-old woman with a 2.0 cm hepatocellular carcinoma in segment 6.\n"
        "Consent: risks (bleeding, infection, injury to the kidney, tumor seeding) were reviewed.\n"
        "Procedure: CT-guided percutaneous microwave ablation of the segment 6 tumor."
    )
    result = run(coder, text)
    assert codes(result) == ["C22.0"]


SUSPECTED_METASTASIS = (
    "A 71-year-old man with lung adenocarcinoma of the right upper lobe on pembrolizumab. A new "
    "2.5 cm lytic lesion of the left iliac bone, suspicious for metastasis.\n"
    "Procedure: CT-guided percutaneous radiofrequency ablation of the left iliac lesion."
)


def test_a_suspected_metastasis_is_its_bone_lesion_finding_outpatient(coder):
    """IV.H: outside an inpatient stay the suspected metastasis is not C79.51."""
    result = run(coder, SUSPECTED_METASTASIS)
    assert "C79.51" not in codes(result)
    assert "M89.8X9" in codes(result)


def test_at_inpatient_discharge_the_suspected_metastasis_is_coded_as_established(coder):
    """II.H (note cue inpatient_discharge, uncertain.outpatient coded_as_established_in): an
    uncertain diagnosis still documented at discharge is coded as if it existed."""
    text = (
        "DISCHARGE SUMMARY\n"
        + SUSPECTED_METASTASIS
        + ("\nDischarge diagnosis: left iliac bone lesion suspicious for metastasis, ablated.")
    )
    result = run(coder, text)
    assert "C79.51" in codes(result)
    assert "M89.8X9" not in codes(result)


def test_a_nodule_suggestive_of_metastasis_is_the_nodule_outpatient(coder):
    """IV.H names 'other similar terms' of uncertainty: 'suggestive of' is one, so the nodule
    (R91.1), not the lung metastasis (C78.01), beside the breast cancer under treatment."""
    text = (
        "A 64-year-old woman with breast cancer on letrozole. CT shows a 12 mm right lower lobe "
        "nodule suggestive of a metastasis.\n"
        "Procedure: CT-guided percutaneous microwave ablation of the right lower lobe nodule."
    )
    result = run(coder, text)
    assert codes(result) == ["R91.1", "C50.919"]


def test_pain_palliation_beside_local_tumor_control_keeps_the_neoplasm_first(coder):
    """I.C.6.b.5: an encounter that manages the neoplasm as well as its pain lists the
    neoplasm first, G89.3 additional (note cue tumor_control_too)."""
    text = (
        "A 67-year-old man with non-small cell lung cancer on pembrolizumab and a painful 3 cm "
        "osteoblastic metastasis of the L4 vertebral body. Cryoablation was chosen for pain "
        "palliation and local tumor control.\n"
        "Procedure: CT-guided percutaneous cryoablation of the L4 metastasis with two probes."
    )
    result = run(coder, text)
    assert codes(result)[0] == "C79.51"
    assert "G89.3" in codes(result)


def test_a_choroidal_melanoma_is_a_cancer_of_the_eye_not_of_the_skin(coder):
    """Index: Melanoma, choroid goes to the table's eye rows (C69.3-), so the enucleated
    primary's history is Z85.840, not the skin melanoma's Z85.820 (neoplasm-sites.yaml); the
    bare 'melanoma' named again is that same primary (properties.yaml histology_family)."""
    text = (
        "PROCEDURE: CT-guided radiofrequency ablation of two hepatic metastases.\n"
        "HISTORY: 68M with choroidal melanoma of the right eye, enucleation in 2020, no systemic "
        "therapy since, no orbital recurrence. Two new liver metastases on surveillance MRI; "
        "biopsy of the segment 6 lesion confirmed metastatic melanoma.\n"
        "TECHNIQUE: Cluster RF electrode, 12 min per lesion."
    )
    result = run(coder, text)
    assert codes(result) == ["C78.7", "Z85.840"]


SARCOMA_RESECTED = (
    "Procedure: CT-guided percutaneous cryoablation of a right upper lobe pulmonary metastasis.\n"
    "Patient: 26-year-old man with osteosarcoma of the left distal femur, treated with "
    "neoadjuvant chemotherapy and limb-salvage resection in 2021, adjuvant chemotherapy "
    "completed 2022. No current treatment; no local recurrence at the femur. New 8 mm right "
    "upper lobe nodule, biopsy-proven metastasis.\n"
    "Technique: One 17G cryoprobe, triple freeze."
)


def test_a_bone_sarcoma_resected_with_no_treatment_or_evidence_now_is_history(coder):
    """I.C.2.d (neoplasm.bone_primary_status): the resected osteosarcoma is Z85.830."""
    result = run(coder, SARCOMA_RESECTED)
    assert codes(result) == ["C78.01", "Z85.830"]


def test_a_bone_sarcoma_under_chemotherapy_stays_current_and_goes_to_a_coder(coder):
    text = SARCOMA_RESECTED.replace(
        "adjuvant chemotherapy completed 2022. No current treatment; no local recurrence at the "
        "femur.",
        "now on chemotherapy for progression.",
    )
    result = run(coder, text)
    assert codes(result)[:2] == ["C78.01", "C40.22"]
    assert any(f.rule == "neoplasm.bone_primary_status" for f in result.findings)


def test_a_personal_and_family_history_is_still_the_patients_history(coder):
    """'personal and family history of breast cancer' is the patient's own history too; only
    the family's is left out (context.negated.family)."""
    text = (
        "A 62-year-old woman with a personal and family history of breast cancer (left "
        "mastectomy 2015, no treatment since, no evidence of disease) has a new 14 mm right lower "
        "lobe metastasis, biopsy-proven.\n"
        "Procedure: CT-guided percutaneous microwave ablation of the right lower lobe metastasis."
    )
    result = run(coder, text)
    assert codes(result) == ["C78.01", "Z85.3"]


def test_an_amputated_bone_sarcoma_with_metastases_in_both_lungs(coder):
    """The below-knee amputation removed the calcaneal osteosarcoma (Z85.830, I.C.2.d); the
    metastases 'found in both lungs' are C78.01 and C78.02 (I.B.13)."""
    text = (
        "A 74-year-old man with a high-grade osteosarcoma of the calcaneus. Below-knee "
        "amputation was performed. One year later lung metastases were found in both lungs.\n"
        "Procedure: CT-guided radiofrequency ablation of the right lower lobe metastasis."
    )
    result = run(coder, text)
    assert codes(result) == ["C78.01", "C78.02", "Z85.830"]


VERTEBRAL_LESION_SUSPECTED = (
    "A 56-year-old man presents with paresthesia in the left lower limb. He was successfully "
    "treated for prostate carcinoma several years ago. As an incidental finding, a large "
    "osteodense lesion was noted in the L4 vertebral body. Given the absence of this lesion on CT "
    "scans 4 years previously, together with the patient's history, an osteoblastic malignant "
    "lesion was suspected. Under fluoroscopy, a percutaneous biopsy of the lesion in the L4 "
    "vertebral body was performed with an 11-gauge bone biopsy needle."
)


def test_a_lesion_only_suspected_malignant_in_a_treated_cancer_patient_is_no_metastasis(coder):
    """IV.H: 'a malignant lesion was suspected' (context.possible.suspected_after) leaves the
    vertebral lesion a finding by its bone (M89.8X8, other site: the vertebral column), not
    C79.51; the prostate cancer 'successfully treated for' years
    ago is its history, Z85.46 (I.C.2.d)."""
    result = run(coder, VERTEBRAL_LESION_SUSPECTED)
    assert [c.code for c in result.cpt] == ["20225", "77002"]
    assert codes(result) == ["M89.8X8", "Z85.46"]


NODE_CONSULT = (
    "The patient is a 51-year-old female referred to the thoracic surgery clinic for evaluation "
    "of right supraclavicular lymphadenopathy.\n"
    "On review of systems, the patient admits to hypertension and occasional heartburn. She "
    "denies fevers, chills, weight loss, fatigue, diabetes mellitus, thyroid disease, night "
    "sweats, DVT, anorexia, bone pain, headaches, seizures, angina, peripheral edema, "
    "claudication, orthopnea, PND, coronary artery disease, rheumatoid arthritis, or cough.\n"
    "PAST MEDICAL HISTORY:  Hypertension.\n"
    "FAMILY HISTORY:  Mother with breast cancer.\n"
    "ASSESSMENT/PLAN:  Right supraclavicular lymphadenopathy. A right supraclavicular lymph node "
    "biopsy will be scheduled within the next several weeks."
)


def test_a_review_of_systems_denial_and_a_mothers_cancer_are_not_the_patients(coder):
    """context.negated.denies governs the whole denied list (no E11.9, no I25.10);
    context.negated.family reads 'Mother with breast cancer' as the family's (no C50). The visit
    is for the nodes of one named region, localized enlarged lymph nodes R59.0, then the
    hypertension she has; the biopsy is only scheduled."""
    result = run(coder, NODE_CONSULT)
    assert result.cpt == []
    assert codes(result) == ["R59.0", "I10"]
    assert "supraclavicular lymphadenopathy" in " ".join(evidence(result, "R59.0"))


def test_lymphadenopathy_with_no_region_is_lymphadenopathy_nos(coder):
    """Tabular R59.1 includes 'Lymphadenopathy NOS'; named beside a region the localized code
    replaces it (yields_to)."""
    text = NODE_CONSULT.replace("right supraclavicular lymphadenopathy", "lymphadenopathy")
    text = text.replace("Right supraclavicular lymphadenopathy", "Lymphadenopathy")
    assert codes(run(coder, text)) == ["R59.1", "I10"]


def test_a_lung_nodule_consistent_with_a_metastasis_is_the_nodule_outpatient(coder):
    """IV.H lists 'consistent with' among the uncertain terms (context.possible.uncertain): the
    lung metastasis is not coded, its solitary nodule is (R91.1), after the kidney cancer
    ablated."""
    text = (
        "A 68-year-old man with biopsy-proven clear cell renal cell carcinoma of the right kidney, "
        "2.8 cm. Chest CT shows a 6 mm right lower lobe nodule consistent with a metastasis.\n"
        "Procedure: CT-guided percutaneous cryoablation of the right renal tumor with two "
        "cryoprobes, two freeze-thaw cycles."
    )
    result = run(coder, text)
    assert [(c.code, c.modifiers) for c in result.cpt] == [("50593", ["RT"]), ("77013", ["26"])]
    assert codes(result) == ["C64.1", "R91.1"]


def test_a_brothers_cancer_and_a_non_cigarette_smoker_add_nothing_to_the_kidney_cancer(coder):
    """context.negated.family ('His brothers had prostate cancer') and lexicon
    ind.tobacco_never ('a non-cigarette smoker' is no cigarette smoker): C64.2 alone."""
    text = (
        "A 66-year-old man with biopsy-proven renal cell carcinoma of the left kidney, 2.5 cm.\n"
        "FAMILY HISTORY:  His brothers had prostate cancer.\n"
        "SOCIAL HISTORY:  He is a non-cigarette smoker and non-ETOH user.\n"
        "Procedure: CT-guided percutaneous cryoablation of the left renal tumor, two freeze-thaw "
        "cycles."
    )
    result = run(coder, text)
    assert [(c.code, c.modifiers) for c in result.cpt] == [("50593", ["LT"]), ("77013", ["26"])]
    assert codes(result) == ["C64.2"]


def test_a_denied_personal_history_of_cancer_is_no_history_code(coder):
    """context.negated.denies: 'denies personal history of breast cancer' is read as one cue (the
    longest literal), so 'history of' inside it dates nothing and no C50/Z85.3 is coded."""
    text = (
        "HISTORY:  30-year-old female with a soft tissue lump palpated in the upper right "
        "shoulder. The patient has a family history of breast cancer within her mother at age "
        "58. Patient denies personal history of breast cancer.\n"
        "Ultrasound of the right shoulder shows an ovoid 0.5 cm mass that may represent a lipoma."
    )
    assert codes(run(coder, text)) == []


RESECTED_PRIMARY = (
    "We report a case of successful cryoablation for a metastatic lesion from surgically resected "
    "primary lung cancer. Under CT guidance two cryoprobes were placed in the right lower lobe "
    "metastasis and two freeze cycles were performed."
)


def test_a_metastasis_from_a_surgically_resected_primary_is_the_metastasis_and_the_history(coder):
    """I.C.2.d: 'surgically resected primary lung cancer' says the primary was removed; the
    cryoablation is directed at the metastasis in that lung, not at the primary, so the primary
    is its history Z85.118 beside the treated C78.01."""
    result = run(coder, RESECTED_PRIMARY)
    assert [(c.code, c.modifiers) for c in result.cpt] == [("32994", ["RT"])]
    assert codes(result) == ["C78.01", "Z85.118"]
    assert evidence(result, "Z85.118") == ["lung"]


def test_a_primary_named_without_its_removal_stays_current_beside_the_metastasis(coder):
    text = RESECTED_PRIMARY.replace("surgically resected primary", "primary")
    assert codes(run(coder, text)) == ["C78.01", "C34.31"]


def test_a_thyroid_cancer_treated_by_radioiodine_is_a_history_beside_its_bone_metastasis(coder):
    """Radioiodine ablates what thyroid remains (lexicon act.radioiodine, whole organ): done
    before, the primary is eradicated and the cryoablation treats the metastasis, C79.51 with
    Z85.850 (I.C.2.d)."""
    text = (
        "Patient background: 77-year-old patient with stage IV follicular thyroid carcinoma. "
        "Previously underwent surgery and radioiodine therapy.\n"
        "Procedure: CT-guided percutaneous cryoablation of a T11 vertebral metastasis causing "
        "severe pain; one cryoprobe, two freeze cycles."
    )
    result = run(coder, text)
    assert [c.code for c in result.cpt] == ["20983"]
    assert "Z85.850" in codes(result) and "C73" not in codes(result)
    assert codes(result)[0] in ("G89.3", "C79.51")
    assert evidence(result, "Z85.850") == ["follicular thyroid carcinoma"]
