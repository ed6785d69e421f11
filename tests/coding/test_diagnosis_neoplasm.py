"""Diagnosis scenarios on realistic notes: Neoplasm Table sites with side and subsite, and the
guideline rules of guidelines.yaml, each asserting the exact ICD-10-CM codes in sequence and
the words of the note they rest on."""

from __future__ import annotations

from datetime import date

import pytest

from case2code.engine import Coder
from case2code.model import Note


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def run(coder: Coder, text: str, note_id: str = "n"):
    return coder.code(Note(id=note_id, text=text, date_of_service=date(2026, 6, 2)))


def codes(result) -> list[str]:
    return [d.code for d in result.icd10]


def evidence(result, code: str, text: str) -> list[str]:
    dx = next(d for d in result.icd10 if d.code == code)
    return [text[s.start : s.end] for s in dx.evidence]


PANCREAS_HEAD = (
    "Indication: 64-year-old woman with biopsy-proven adenocarcinoma of the head of the pancreas "
    "and a painful metastasis to the left iliac bone. Former smoker, quit 2012.\n"
    "Procedure: CT-guided radiofrequency ablation of the left iliac bone metastasis. Two "
    "overlapping ablations were performed.\n"
    "Impression: Successful RF ablation of left iliac metastasis from pancreatic head "
    "adenocarcinoma."
)


def test_pancreatic_head_primary_from_the_table_with_the_treated_metastasis_first(coder):
    """I.C.2.b: the bone metastasis treated today leads; the primary is the table's
    'pancreas > head' (C25.0), then neoplasm pain and the former-smoker history code."""
    result = run(coder, PANCREAS_HEAD)
    assert codes(result) == ["C79.51", "C25.0", "G89.3", "Z87.891"]
    assert "head of the pancreas" in evidence(result, "C25.0", PANCREAS_HEAD)
    assert "Neoplasm Table: pancreas > head" in result.icd10[1].rationale
    assert evidence(result, "Z87.891", PANCREAS_HEAD) == ["Former smoker"]


NEPHRECTOMY_HISTORY = (
    "History: 71-year-old man status post right radical nephrectomy in 2021 for clear cell renal "
    "cell carcinoma, no current systemic therapy, no evidence of local recurrence. New painful "
    "lytic metastasis in the T11 vertebral body.\n"
    "Procedure: CT-guided radiofrequency ablation of the T11 vertebral body metastasis followed by "
    "vertebral augmentation."
)


def test_excised_kidney_primary_is_history_not_an_active_cancer_of_either_side(coder):
    """I.C.2.d/m: excised, no treatment, no evidence -> Z85.528, never C64.1 or C64.2."""
    result = run(coder, NEPHRECTOMY_HISTORY)
    assert codes(result) == ["C79.51", "Z85.528", "G89.3"]
    assert not any(c.startswith("C64") for c in codes(result))


RLL_SMOKER = (
    "Indication: 1.8 cm biopsy-proven squamous cell carcinoma of the right lower lobe in a poor "
    "surgical candidate. Current smoker, 1 ppd.\n"
    "Procedure: CT-guided percutaneous cryoablation of the right lower lobe tumor."
)


def test_right_lower_lobe_primary_takes_the_lobe_and_side_and_current_smoking(coder):
    result = run(coder, RLL_SMOKER)
    assert codes(result) == ["C34.31", "F17.210"]
    assert evidence(result, "F17.210", RLL_SMOKER) == ["Current smoker"]


def test_never_smoker_gets_no_tobacco_code(coder):
    result = run(coder, RLL_SMOKER.replace("Current smoker, 1 ppd.", "Never smoker."))
    assert codes(result) == ["C34.31"]


BREAST_UOQ = (
    "Indication: invasive ductal carcinoma of the upper outer quadrant of the left breast, "
    "1.2 cm, on letrozole; patient declined surgery.\n"
    "Procedure: ultrasound-guided percutaneous cryoablation of the left breast tumor."
)


def test_breast_quadrant_and_side_resolve_to_the_leaf(coder):
    result = run(coder, BREAST_UOQ)
    assert codes(result) == ["C50.412"]
    assert "upper outer quadrant" in evidence(result, "C50.412", BREAST_UOQ)


BILATERAL_LUNG = (
    "Indication: rectal adenocarcinoma on active chemotherapy with bilateral pulmonary "
    "metastases.\n"
    "Procedure: CT-guided microwave ablation of metastases in both lungs in one session."
)


def test_bilateral_lung_metastases_take_one_code_per_side(coder):
    """I.B.13: C78.0- has no bilateral code, so the right and the left code are both reported."""
    result = run(coder, BILATERAL_LUNG)
    assert codes(result)[:2] == ["C78.01", "C78.02"] and "C20" in codes(result)


SUSPECTED_RENAL = (
    "Indication: 2.4 cm enhancing left renal mass, suspicious for renal cell carcinoma.\n"
    "Procedure: CT-guided cryoablation of the left renal mass was discussed; the patient "
    "will return after biopsy."
)


def test_suspected_renal_cancer_in_the_outpatient_setting_is_the_mass_not_the_cancer(coder):
    """IV.H: 'suspicious for' is not coded as cancer outside an inpatient stay; N28.89 is."""
    result = run(coder, SUSPECTED_RENAL)
    assert codes(result) == ["N28.89"]
    assert not any(c.startswith("C64") for c in codes(result))


MYELOMA = (
    "Indication: multiple myeloma with a painful lytic lesion of the right humerus, on "
    "daratumumab.\nProcedure: CT-guided cryoablation of the right humerus lesion."
)


def test_myeloma_bone_lesion_is_the_myeloma_never_a_metastasis(coder):
    result = run(coder, MYELOMA)
    assert codes(result) == ["C90.00", "G89.3"]
    assert "C79.51" not in codes(result)


FEMUR_FRACTURE = (
    "Indication: metastatic lung adenocarcinoma on pembrolizumab with a painful lytic metastasis "
    "of the left femoral neck complicated by a pathologic fracture.\n"
    "Procedure: CT-guided radiofrequency ablation of the left femoral neck metastasis."
)


def test_pathological_fracture_of_the_left_femur_takes_side_and_seventh_character(coder):
    result = run(coder, FEMUR_FRACTURE)
    assert "M84.552A" in codes(result) and codes(result)[0] == "C79.51"
    assert "C34.90" in codes(result)


OSTEOID_OSTEOMA = (
    "Indication: 19-year-old with night pain from an osteoid osteoma of the left femoral neck.\n"
    "Procedure: CT-guided radiofrequency ablation of the left femoral neck osteoid osteoma."
)


def test_benign_bone_tumor_code_comes_from_the_table_benign_column_with_side(coder):
    result = run(coder, OSTEOID_OSTEOMA)
    assert codes(result)[0] == "D16.22"
    assert "Neoplasm Table: bone > femur" in result.icd10[0].rationale


LOBE_NAMED_ONCE = (
    "History: 78-year-old man, left pneumonectomy 12 years ago. Chest CT revealed a 2.1 cm mass "
    "in the right lower lobe. Excision biopsy showed squamous cell carcinoma of the lung.\n\n"
    "Discussion: Surgery was not possible with a single lung.\n\n"
    "Treatment: We performed percutaneous radiofrequency ablation of the lung tumor under CT "
    "guidance, one 12-minute ablation. There were no complications."
)


def test_a_lobe_named_once_locates_the_tumor_treated_later_and_its_primary(coder):
    r = run(coder, LOBE_NAMED_ONCE)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("32998", 1, ["RT"])]
    assert codes(r) == ["C34.31", "Z90.2"]  # the single lung: Z90.2 (lung_absence)
    assert "squamous cell carcinoma" in evidence(r, "C34.31", LOBE_NAMED_ONCE)



def test_two_lobes_named_leave_the_treated_lung_tumor_without_a_lobe(coder):
    text = LOBE_NAMED_ONCE.replace(
        "in the right lower lobe.",
        "in the right lower lobe and a 6 mm nodule in the left upper lobe.",
    )
    ablation = next(p for p in coder.facts(text).procedures if p.action == "ablation")
    assert (ablation.organ, ablation.site) == ("lung", None)


PANCREAS_PART_NAMED_ONCE = (
    "History: 63-year-old woman treated three years ago with open irreversible electroporation "
    "of a tumor of the pancreatic head.\n\n"
    "Findings: Recurrent pancreatic carcinoma, 2.4 cm.\n\n"
    "Procedure: CT-guided percutaneous cryoablation of the pancreatic tumor with one cryoprobe; "
    "two freeze cycles were performed."
)


def test_an_organ_named_primary_takes_the_one_part_of_the_organ_the_note_names(coder):
    r = run(coder, PANCREAS_PART_NAMED_ONCE)
    assert [(c.code, c.units) for c in r.cpt] == [("48999", 1)]
    assert codes(r) == ["C25.0"]
    assert evidence(r, "C25.0", PANCREAS_PART_NAMED_ONCE) == ["pancreatic", "pancreatic head"]


def test_two_parts_of_the_pancreas_leave_its_primary_unspecified(coder):
    text = PANCREAS_PART_NAMED_ONCE.replace(
        "Recurrent pancreatic carcinoma", "Recurrent pancreatic carcinoma, now also in the body "
        "of the pancreas"
    )
    assert "C25.0" not in codes(run(coder, text))


def test_a_part_that_locates_another_lesion_is_not_the_primarys_part(coder):
    """'a 4 cm pancreatic mass ... a questionable pseudocyst in the tail of the pancreas ...
    metastatic pancreatic cancer': the tail locates the pseudocyst, its sentence names no tumor,
    so the cancer's part is not stated (C25.9, not the tail's C25.2)."""
    text = (
        "HISTORY: A 48-year-old man with epigastric pain and jaundice. CT revealed a 4 x 3 cm "
        "pancreatic mass with involved lymph nodes. The patient additionally had a questionable "
        "pseudocyst in the tail of the pancreas. ERCP with stent placement was done on 04/04. "
        "I discussed chemotherapy for his metastatic pancreatic cancer with the patient."
    )
    assert codes(run(coder, text))[0] == "C25.9"
    named = text.replace("questionable pseudocyst in the tail", "second mass in the tail")
    assert codes(run(coder, named))[0] == "C25.2"


OSTEOID_OSTEOMA_HIP = (
    "Clinical history: 24-year-old man with right hip pain for a year, worse at night and "
    "relieved by aspirin.\n\n"
    "Imaging: CT shows a cortical lesion with a calcified nidus close to the lesser trochanter "
    "of the femur, typical of osteoid osteoma.\n\n"
    "Procedure: CT-guided radiofrequency ablation. The RF probe was placed in the nidus and "
    "ablation was performed at 90 degrees for 6 minutes."
)


def test_a_bone_lesion_with_no_side_takes_the_one_side_the_note_names(coder):
    r = run(coder, OSTEOID_OSTEOMA_HIP)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("20982", 1, [])]
    assert codes(r) == ["D16.21"]
    assert "osteoid osteoma" in evidence(r, "D16.21", OSTEOID_OSTEOMA_HIP)


def test_two_sides_in_the_note_leave_the_bone_lesion_unsided(coder):
    """Both femurs named: the side is not guessed. (A side before another place, 'left knee
    pain', names that place's side, not the femur's.)"""
    both = "for a year and a bone island in the left femur,"
    text = OSTEOID_OSTEOMA_HIP.replace("for a year,", both)
    assert codes(run(coder, text)) == ["D16.20"]
    knee = OSTEOID_OSTEOMA_HIP.replace("for a year,", "for a year and left knee pain,")
    assert codes(run(coder, knee)) == ["D16.21"]


def test_chondroblastoma_is_a_benign_bone_neoplasm_of_the_named_femur(coder):
    text = (
        "A 13-year-old boy with left hip pain and limping for a year. MRI showed a "
        "chondroblastoma of the femoral head. Under fluoroscopic guidance an RF electrode was "
        "placed in the lesion and radiofrequency ablation was performed."
    )
    r = run(coder, text)
    assert [(c.code, c.units) for c in r.cpt] == [("20982", 1)]
    assert codes(r) == ["D16.22"]
    assert evidence(r, "D16.22", text)[0] == "chondroblastoma"


LUNG_METS_AFTER_NEPHRECTOMY = (
    "History: 52-year-old man with renal cell carcinoma of the left kidney treated by left "
    "radical nephrectomy two years ago. Two pulmonary metastases in the right lower lobe were "
    "confirmed on CT-guided biopsy last month.\n\n"
    "Procedure: CT-guided percutaneous radiofrequency ablation of both right lower lobe "
    "metastases in one session."
)


def test_a_kidney_removed_whole_is_history_when_its_metastases_are_treated(coder):
    r = run(coder, LUNG_METS_AFTER_NEPHRECTOMY)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("32998", 1, ["RT"])]
    assert codes(r) == ["C78.01", "Z85.528"]
    assert "renal cell carcinoma" in evidence(r, "Z85.528", LUNG_METS_AFTER_NEPHRECTOMY)


def test_a_new_tumor_of_the_remaining_kidney_is_current_cancer(coder):
    text = (
        "Indication: 72-year-old man with a solitary right kidney after left radical nephrectomy "
        "(2016) for renal cell carcinoma. New 1.9 cm right lower-pole mass, biopsy-proven clear "
        "cell RCC.\nProcedure: Ultrasound-guided percutaneous cryoablation of the right renal "
        "tumor with two cryoprobes, double freeze-thaw cycle."
    )
    r = run(coder, text)
    assert [(c.code, c.modifiers) for c in r.cpt][0] == ("50593", ["RT"])
    assert codes(r) == ["C64.1"]


def test_history_of_prostate_cancer_maintained_on_hormone_therapy_is_current(coder):
    text = (
        "A 65-year-old man with a history of prostate cancer presented with a painful metastasis "
        "to the L1 vertebral body. He is maintained on Xtandi for prostate cancer with a "
        "falling PSA. Under CT guidance radiofrequency ablation of the L1 metastasis was performed."
    )
    r = run(coder, text)
    assert [(c.code, c.units) for c in r.cpt] == [("20982", 1)]
    assert codes(r)[:2] == ["C79.51", "C61"]
    assert "Z85.46" not in codes(r)


def test_plasmocytoma_spelt_the_european_way_is_a_plasmacytoma_never_a_metastasis(coder):
    text = (
        "A 62-year-old man with a painful L4 pathological fracture due to a plasmocytoma was "
        "treated in one session with fluoroscopy-guided radiofrequency ablation of the L4 lesion "
        "followed by balloon kyphoplasty of L4."
    )
    r = run(coder, text)
    assert [(c.code, c.units) for c in r.cpt] == [("20982", 1), ("22514", 1)]
    assert codes(r)[0] == "C90.30" and "C79.51" not in codes(r)
    assert evidence(r, "C90.30", text) == ["plasmocytoma"]


def test_hcc_recurring_at_an_old_ablation_zone_is_current_cancer_not_history(coder):
    text = (
        "HISTORY: 69-year-old man with alcohol-related cirrhosis. Prior RFA of segment 8 HCC in "
        "2021 with complete response. New 1.6 cm arterially enhancing nodule at the margin of the "
        "old ablation zone.\nPROCEDURE: Ultrasound-guided percutaneous microwave ablation of the "
        "recurrent segment 8 HCC, 80 W for 5 minutes."
    )
    r = run(coder, text)
    assert [c.code for c in r.cpt] == ["47382", "76940"]
    # the alcohol-related cirrhosis is a coexisting condition coded after it (IV.J, K70.30)
    assert codes(r) == ["C22.0", "K70.30"] and "Z85.05" not in codes(r)


def test_microwave_coagulation_of_liver_metastases_after_mastectomy(coder):
    text = (
        "A 44-year-old woman underwent modified radical mastectomy for right breast cancer. Three "
        "years later she developed two metastatic liver tumors, treated today by MR-guided "
        "percutaneous microwave coagulation therapy of both lesions in one session."
    )
    r = run(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("47382", 1, []),
        ("77022", 1, ["26"]),
    ]
    assert "Z85.3" in codes(r) and not any(c.startswith("C50") for c in codes(r))


def test_a_bone_metastasis_at_risk_of_fracture_has_no_fracture_code(coder):
    text = (
        "A 58-year-old woman with papillary thyroid carcinoma, treated by total thyroidectomy and "
        "radioiodine, has a painful T10 vertebral metastasis at high risk of fracture. Under CT "
        "guidance the T10 metastasis was treated with percutaneous cryoablation."
    )
    r = run(coder, text)
    assert [(c.code, c.units) for c in r.cpt] == [("20983", 1)]
    assert codes(r)[0] == "C79.51"
    assert not any(c.startswith("M84.5") for c in codes(r))


def test_an_ablation_for_the_treatment_of_pain_lists_the_pain_code_first(coder):
    text = (
        "Radiofrequency ablation of a sacral metastasis for the treatment of pain. A 61-year-old "
        "woman with metastatic breast cancer and a painful right sacral ala metastasis underwent "
        "CT-guided radiofrequency ablation of the lesion."
    )
    r = run(coder, text)
    assert [(c.code, c.units) for c in r.cpt] == [("20982", 1)]
    assert codes(r)[:2] == ["G89.3", "C79.51"]


OSTEOID_OSTEOMA_PAIN = (
    "History: 17-year-old with painful osteoid osteoma of the right proximal tibia, night pain "
    "relieved by ibuprofen.\n"
    "Procedure: CT-guided percutaneous radiofrequency ablation of the right tibial osteoid "
    "osteoma nidus; one 6-minute ablation at 90 C."
)


def test_pain_of_a_benign_tumor_treated_is_not_an_additional_pain_code(coder):
    """I.C.6.b.5 'may' add G89.3 beside the tumor treated; beside a benign tumor only, whose pain
    is its hallmark (I.B.5), it is left off (guidelines.yaml pain.neoplasm benign_additional)."""
    result = run(coder, OSTEOID_OSTEOMA_PAIN)
    assert [c.code for c in result.cpt] == ["20982"]
    assert codes(result) == ["D16.21"]
    assert "osteoid osteoma" in evidence(result, "D16.21", OSTEOID_OSTEOMA_PAIN)


def test_pain_of_a_benign_tumor_is_first_listed_when_the_encounter_is_for_pain_control(coder):
    text = OSTEOID_OSTEOMA_PAIN.replace("Procedure:", "Procedure, for pain control:")
    result = run(coder, text)
    assert codes(result) == ["G89.3", "D16.21"]
    assert evidence(result, "G89.3", text) == ["painful", "pain", "pain control"]


CHONDROSARCOMA_LUNG_MET = (
    "History: 58-year-old man with chondrosarcoma of the left iliac bone and a new 1.4 cm "
    "metastasis in the right upper lobe of the lung.\n"
    "Procedure: CT-guided percutaneous cryoablation of the right upper lobe lung metastasis, "
    "two freeze-thaw cycles."
)


def test_a_bone_sarcoma_is_a_stated_primary_so_the_metastasis_takes_no_unknown_primary(coder):
    """C80.1 is for a primary unknown or not stated (guidelines.yaml neoplasm.unknown_primary);
    a chondrosarcoma of bone is the stated primary of the lung metastasis treated."""
    result = run(coder, CHONDROSARCOMA_LUNG_MET)
    assert codes(result) == ["C78.01", "C41.4"]
    assert "C80.1" not in codes(result)
    assert "chondrosarcoma" in evidence(result, "C41.4", CHONDROSARCOMA_LUNG_MET)


def test_a_bone_sarcoma_beside_a_treated_metastasis_goes_to_a_coder_for_its_status(coder):
    """guidelines.yaml neoplasm.bone_primary_status (I.C.2.d): current C41.4 or history Z85.830
    is not read for bone primaries, so a review finding names both and the note is reviewed."""
    result = run(coder, CHONDROSARCOMA_LUNG_MET)
    found = [f for f in result.findings if f.rule == "neoplasm.bone_primary_status"]
    assert [(f.kind, f.codes) for f in found] == [("review", ["C41.4", "Z85.830"])]
    assert result.review.route == "review"
    assert "contested coding rule" in " ".join(r.message for r in result.review.reasons)


CONTRALATERAL_RCC = (
    "History: 66-year-old man, status post right radical nephrectomy in 2019 for renal cell "
    "carcinoma. Surveillance CT shows a new 2.5 cm enhancing mass of the left kidney, biopsy "
    "papillary renal cell carcinoma.\n"
    "Procedure: CT-guided percutaneous radiofrequency ablation of the left renal tumor, two "
    "overlapping ablations."
)


def test_a_cancer_of_the_organ_treated_today_is_active_on_the_side_treated(coder):
    """I.C.2.d (guidelines.yaml neoplasm.history_treated): treatment is directed to the kidney
    today, so its cancer is current on the left (C64.2), not only the history code."""
    result = run(coder, CONTRALATERAL_RCC)
    assert ("50592", ["LT"]) in [(c.code, c.modifiers) for c in result.cpt]
    assert codes(result) == ["C64.2"]
    assert "renal cell carcinoma" in evidence(result, "C64.2", CONTRALATERAL_RCC)


URETER_HISTORY = (
    "History: 68-year-old man who had undergone resection of left ureteric carcinoma in 2021, "
    "no recurrence at the resection site, now with low back pain from a metastasis in the L5 "
    "vertebral body.\n"
    "Procedure: CT-guided radiofrequency ablation of the L5 vertebral body metastasis."
)


def test_a_resected_ureter_primary_is_its_history_code_not_an_unknown_primary(coder):
    """neoplasm-sites.yaml ureter ('ureter, ureteral' C66.-, history Z85.59): the stated and
    excised primary is history (I.C.2.d), so no C80.1 beside the bone metastasis."""
    result = run(coder, URETER_HISTORY)
    assert codes(result) == ["C79.51", "Z85.59", "G89.3"]
    assert evidence(result, "Z85.59", URETER_HISTORY) == ["ureteric"]


def test_a_tracheal_primary_is_the_trachea_not_the_lung(coder):
    """neoplasm-sites.yaml trachea: the Neoplasm Table's 'trachea' row is C33, never C34.-."""
    text = (
        "Indication: 56-year-old woman with adenoid cystic carcinoma of the trachea obstructing "
        "70 percent of the lumen.\n"
        "Procedure: rigid bronchoscopy with laser destruction of the tracheal tumor."
    )
    result = run(coder, text)
    assert codes(result) == ["C33"]
    assert "trachea" in evidence(result, "C33", text)


LIVER_CANCER = (
    "A 62-year-old woman was diagnosed with liver cancer at an early stage. Under ultrasound "
    "guidance a needle electrode was placed through a small nick in the skin into the tumour, "
    "and percutaneous radiofrequency ablation of the liver tumor was performed."
)


def test_liver_cancer_with_no_type_is_c22_9_not_hepatocellular(coder):
    """The Index sends 'cancer' to the Neoplasm Table, whose liver row is C22.9 (not specified
    as primary or secondary); C22.0 needs the hepatocellular histology written."""
    r = run(coder, LIVER_CANCER)
    lines = [(c.code, c.units, c.modifiers) for c in r.cpt]
    assert lines == [("47382", 1, []), ("76940", 1, ["26"])]
    assert codes(r) == ["C22.9"]
    assert "liver" in evidence(r, "C22.9", LIVER_CANCER)
    named = run(coder, LIVER_CANCER.replace("liver cancer", "hepatocellular carcinoma"))
    assert codes(named) == ["C22.0"]


PRESENTING_PAIN = (
    "A 61-year-old woman with right upper abdominal pain for six months was diagnosed to have "
    "hepatocellular carcinoma of 2.7 cm. She underwent percutaneous radiofrequency ablation of "
    "the liver tumor under CT guidance and was discharged the next day."
)


def test_pain_that_led_to_the_diagnosis_is_no_neoplasm_related_pain(coder):
    """G89.3 needs pain documented as due to the neoplasm (I.C.6.b.5): the complaint that led
    to the diagnosis is not that link."""
    r = run(coder, PRESENTING_PAIN)
    assert codes(r) == ["C22.0"]
    linked = PRESENTING_PAIN.replace(
        "with right upper abdominal pain for six months was diagnosed to have",
        "had right upper abdominal pain from a known",
    )
    assert codes(run(coder, linked)) == ["C22.0", "G89.3"]


OSTEOID_OSTEOMA_NO_BONE_WORD = (
    "A 27-year-old man had left hip pain for 12 months, worse at night and relieved by "
    "analgesics; MRI and CT showed an osteoid osteoma with a nidus. Under CT guidance a 14-gauge "
    "electrode was introduced into the nidus through a coaxial system and RFA was performed at "
    "90 C for 5 minutes."
)


@pytest.mark.parametrize("histology", ["osteoid osteoma", "osteoblastoma", "chondroblastoma"])
def test_a_bone_only_tumor_names_its_organ_when_no_bone_is_written(coder, histology):
    """Osteoid osteoma, osteoblastoma and chondroblastoma arise only in bone: the ablation of
    one is the bone tumor ablation 20982 (guidance included) even when the note names no bone."""
    text = OSTEOID_OSTEOMA_NO_BONE_WORD.replace("an osteoid osteoma", f"an {histology}")
    r = run(coder, text)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("20982", 1, [])]
    assert codes(r) == ["D16.9"]
    assert r.cpt[0].evidence[0].text == "RFA"


def test_metastases_named_in_a_right_and_a_left_lobe_are_both_lungs(coder):
    """'pulmonary metastases: one within the right middle lobe and two within the left upper
    lobe' names both lungs by their lobes (conditions._both_sides): I.B.13 codes the right and the
    left lung, C78.01 and C78.02, not the unspecified C78.00; a lobectomy's side would not count."""
    text = (
        "A 43-year-old woman with colon cancer resected in 2019 has three new lung nodules. They "
        "were consistent with pulmonary metastases: one within the right middle lobe and two "
        "within the left upper lobe. CT-guided radiofrequency ablation of the left upper lobe "
        "metastases was performed."
    )
    r = run(coder, text)
    assert [(c.code, c.modifiers) for c in r.cpt] == [("32998", ["LT"])]
    assert codes(r) == ["C78.01", "C78.02", "Z85.038"]


def test_a_metastasis_from_the_named_tumor_to_a_bone_is_the_bones_not_the_tumors_organ(coder):
    """'a metastasis from the HCC to the shoulder blade': the carcinoma after 'from the' is where
    the metastasis came from (properties.yaml origin_gap_words), the shoulder blade (the scapula)
    where it is: C79.51 beside the active C22.0, no liver metastasis C78.7. A distance 'from the
    descending colon' names no origin (only a tumor word skips the article)."""
    text = (
        "A 70-year-old man with hepatocellular carcinoma treated with chemoembolization last year "
        "has a painful mass of the right shoulder blade. MRI showed a metastasis from the HCC to "
        "the shoulder blade. CT-guided cryoablation of the right scapular metastasis was "
        "performed; the probe tip was 1 cm from the axillary nerve."
    )
    r = run(coder, text)
    assert [(c.code, c.modifiers) for c in r.cpt] == [("20983", [])]
    assert codes(r) == ["C79.51", "C22.0", "G89.3"]  # 'a painful mass' of the metastasis


def test_a_compression_fracture_with_no_cause_or_tumor_is_a_collapsed_vertebra_by_region(coder):
    """'T11 compression fracture with intractable pain' in a note naming no tumor, no
    osteoporosis and no other cause: collapsed vertebra NEC of the thoracic region, M48.54XA
    (properties.yaml uncaused_vertebral_fracture; neoplasm-maps.yaml vertebral_collapse)."""
    text = (
        "PREOPERATIVE DIAGNOSIS: T11 compression fracture with intractable pain.\n"
        "OPERATION PERFORMED: Unilateral transpedicular T11 vertebroplasty.\n"
        "SUMMARY: Under fluoroscopy a 13-gauge needle was advanced through the left T11 pedicle "
        "and polymethylmethacrylate was injected into the vertebral body of a 77-year-old man."
    )
    r = run(coder, text)
    assert [(c.code, c.units) for c in r.cpt] == [("22510", 1)]
    assert codes(r) == ["M48.54XA"]


def test_compression_fractures_of_two_regions_are_one_collapsed_vertebra_code_each(coder):
    """'Subacute compression fractures involving T10 and L4', both cemented: the levels lie in
    two regions no junction joins, so each region has its own M48.5- code; T12 and L1 together
    are the thoracolumbar junction, one code."""
    text = (
        "History: Subacute compression fractures involving T10 and L4.\n"
        "Procedure: Under fluoroscopic guidance a 13-gauge vertebroplasty needle was passed into "
        "the T10 vertebral body and 2 cc of methyl methacrylate were instilled; the procedure was "
        "repeated at L4 with 3 cc.\nImpression: T10 and L4 vertebroplasties."
    )
    r = run(coder, text)
    assert [(c.code, c.units) for c in r.cpt] == [("22510", 1), ("22512", 1)]
    assert sorted(codes(r)) == ["M48.54XA", "M48.56XA"]
    assert evidence(r, "M48.54XA", text) == ["compression fractures"]
    junction = text.replace("T10", "T12").replace("L4", "L1")
    assert codes(run(coder, junction)) == ["M48.55XA"]


def test_a_compression_fracture_in_a_note_with_osteoporosis_or_insufficiency_is_not_nec(coder):
    """A cause named anywhere in the note (osteoporosis elsewhere, 'pathologic insufficiency')
    keeps the fracture from being a collapsed vertebra NEC."""
    insufficiency = (
        "PREOPERATIVE DIAGNOSES: Pathologic insufficiency. Fracture of the L2 vertebra.\n"
        "PROCEDURE PERFORMED: L2 vertebroplasty in an 82-year-old woman under fluoroscopy."
    )
    assert "M48.56XA" not in codes(run(coder, insufficiency))
    osteoporosis = (
        "HISTORY: 79-year-old woman with severe osteoporosis on alendronate.\n"
        "PROCEDURE: L1 vertebroplasty for a painful L1 compression fracture under fluoroscopy."
    )
    # (the osteoporotic fracture code needs osteoporosis in the fracture's own sentence: none here)
    assert not [c for c in codes(run(coder, osteoporosis)) if c.startswith("M48.5")]


ADRENOCORTICAL_RECURRENCE = (
    "A 65-year-old patient with painful left adrenocortical cancer recurrence in the left "
    "adrenalectomy bed. CT demonstrates a 4.5 cm mass in the left adrenalectomy bed, medial to the "
    "spleen. RFA was performed in the prone position under CT guidance."
)


def test_an_adrenocortical_cancer_is_the_left_adrenal_cortex_from_the_table(coder):
    """Lexicon hist.adrenocortical: the adrenal cortex subsite (Neoplasm Table: adrenal, cortex
    C74.0-) with the side named; no percutaneous adrenal ablation code, so 60699."""
    r = run(coder, ADRENOCORTICAL_RECURRENCE)
    assert [c.code for c in r.cpt] == ["60699"]
    assert codes(r)[0] == "C74.02"


def test_a_benign_adrenal_tumor_named_beside_a_sided_cancer_keeps_no_side_of_it(coder):
    """conditions.merge: a pheochromocytoma named with no side is not the left adrenocortical
    cancer, so it borrows no side and does not swallow the cancer."""
    text = "She also has a pheochromocytoma. " + ADRENOCORTICAL_RECURRENCE
    got = codes(run(coder, text))
    assert "C74.02" in got
    assert "D35.02" not in got


TRACT_BLEED_ABSTRACT = (
    "Few intervention options for immediate hemostasis after percutaneous ablation have been "
    "described, with most involving embolization or surgery. A 78-year-old woman developed needle "
    "tract bleeding immediately after percutaneous microwave ablation for colorectal liver "
    "metastasis. The bleeding was successfully controlled using a reablation technique."
)


def test_a_colorectal_liver_metastasis_names_its_colon_primary_not_an_unknown_one(coder):
    """notectx._origin_of_metastasis: 'colorectal' right before 'liver metastasis' is where the
    metastasis came from (C18.9 beside C78.7, no C80.1); 'options ... with most involving
    embolization' is no embolization done (context.hypothetical.conditional); the tract bleed
    after the liver ablation is its complication (K91.840)."""
    r = run(coder, TRACT_BLEED_ABSTRACT)
    assert [(c.code, c.units) for c in r.cpt] == [("47382", 1)]
    assert codes(r) == ["C78.7", "C18.9", "K91.840"]


def test_liver_metastases_alone_name_where_they_are_not_where_they_came_from(coder):
    text = (
        "A 60-year-old man with liver metastases underwent percutaneous radiofrequency ablation "
        "of a segment 6 liver metastasis."
    )
    assert codes(run(coder, text)) == ["C78.7", "C80.1"]


def test_a_fracture_named_among_possible_complications_is_no_fracture_of_the_patient(coder):
    """context.hypothetical.risks_listed: 'Other possible complications include ... fracture'
    is a risk talked about, so the sacral metastasis ablated carries no M84.5- code."""
    text = (
        "A 62-year-old man with rectal cancer and a painful metastasis to the sacrum was consented "
        "for CT-guided percutaneous cryoablation. Other possible complications include "
        "postprocedural pain, postablation syndrome and, in the case of intraosseous lesions, "
        "fracture. Two cryoprobes were placed in the sacral metastasis and two freeze-thaw cycles "
        "were performed."
    )
    r = run(coder, text)
    assert [(c.code, c.units) for c in r.cpt] == [("20983", 1)]
    assert codes(r) == ["C79.51", "C20", "G89.3"]
