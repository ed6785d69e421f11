"""Diagnosis rules learnt from the real-text corpora (issue 8, second round): each scenario is a
realistic note asserting the exact ICD-10-CM codes in sequence and the words they rest on."""

from __future__ import annotations

import pytest
from dx_helpers import codes, evidence, run

from case2code.engine import Coder


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


CEMENTED_FRACTURE = (
    "Indication: 61-year-old woman with metastatic lung cancer and disabling low back pain "
    "attributable to a compression fracture.\n"
    "Procedure: Under fluoroscopic guidance a bipolar radiofrequency probe was advanced through a "
    "transpedicular cannula and the lytic metastasis of the L3 vertebral body was ablated. "
    "Polymethylmethacrylate cement was then injected into the L3 vertebral body without a "
    "balloon; the fracture cleft is filled."
)


def test_a_fracture_named_without_its_bone_is_in_the_vertebra_cemented(coder):
    """fracture.neoplasm `site_from_target`: the fracture the vertebroplasty fills is vertebral,
    M84.58XA (other specified site), not the unspecified-site M84.50XA."""
    result = run(coder, CEMENTED_FRACTURE)
    assert codes(result)[:2] == ["C79.51", "C34.90"]
    assert "M84.58XA" in codes(result)
    assert "M84.50XA" not in codes(result)
    assert "compression fracture" in evidence(result, "M84.58XA")
    assert next(d for d in result.icd10 if d.code == "M84.58XA").rule == "dx.fracture"


GREAT_TOE = (
    "A 19-year-old man with long-standing night pain over the great toe relieved by NSAIDs. CT "
    "showed a lucent nidus with surrounding sclerosis in the proximal phalanx, consistent with "
    "osteoid osteoma. Under CT guidance a radiofrequency electrode was placed percutaneously in "
    "the nidus and the osteoid osteoma was ablated at 90 degrees for 6 minutes."
)


def test_an_osteoid_osteoma_of_the_great_toe_is_a_short_bone_of_the_lower_limb(coder):
    """The toe is a bone of the foot (neoplasm-sites.yaml foot, Neoplasm Table bone > foot):
    D16.3- short bones of the lower limb, side unspecified when the note names none."""
    result = run(coder, GREAT_TOE)
    assert [c.code for c in result.cpt] == ["20982"]
    assert codes(result) == ["D16.30"]
    assert "osteoid osteoma" in evidence(result, "D16.30")


IMPENDING = (
    "A 66-year-old woman with a painful lytic metastasis of the right proximal humerus from "
    "breast cancer and an impending pathologic fracture. Under CT guidance a microwave antenna "
    "was placed percutaneously in the humeral metastasis and the tumor was ablated for 5 minutes."
)


def test_an_impending_fracture_is_no_fracture_code(coder):
    """M84.5- codes a pathological fracture present; a bone at risk of one is coded by its
    neoplasm alone (lexicon cond.fracture_impending)."""
    result = run(coder, IMPENDING)
    assert [c.code for c in result.cpt] == ["20982"]
    assert codes(result) == ["C79.51", "C50.919", "G89.3"]
    assert not [c for c in codes(result) if c.startswith("M84")]


DESMOID = (
    "A 34-year-old woman with a biopsy-proven desmoid tumor of the right rectus abdominis, "
    "growing on sorafenib, was referred to interventional radiology. Percutaneous cryoablation "
    "of the abdominal wall mass was performed under CT guidance with three cryoprobes and two "
    "freeze-thaw cycles."
)


def test_a_desmoid_cryoablated_in_the_abdominal_wall_takes_the_abdominal_wall_code(coder):
    """neoplasm-maps.yaml desmoid_tumor: the desmoid sits at the site the procedure treats
    (abdominal wall, D48.113), not the unspecified-site D48.119."""
    result = run(coder, DESMOID)
    assert [c.code for c in result.cpt] == ["22999"]
    assert codes(result) == ["D48.113"]
    assert "desmoid tumor" in evidence(result, "D48.113")
    assert result.icd10[0].rule == "dx.indication.desmoid_tumor"


def test_abnormal_uterine_bleeding_is_not_menorrhagia(coder):
    """N92.0 is heavy bleeding with a regular cycle; abnormal uterine bleeding with no pattern
    named is N93.9 (neoplasm-maps.yaml abnormal_uterine_bleeding)."""
    result = run(coder, DESMOID.replace("growing on sorafenib", "with abnormal uterine bleeding"))
    assert codes(result) == ["D48.113", "N93.9"]
    assert "abnormal uterine bleeding" in evidence(result, "N93.9")


ASTHMA_VISIT = (
    "A 24-year-old man presented for evaluation of severe persistent asthma. His other pertinent "
    "medical history included sinusitis, nasal polyps and Hashimoto's thyroiditis. Sinus CT "
    "imaging showed chronic pansinusitis. He is being considered for bronchial thermoplasty."
)


def test_coexisting_conditions_named_in_the_note_follow_the_condition_treated(coder):
    """IV.J: documented coexisting conditions are coded, after the asthma (rank 4): chronic
    pansinusitis J32.4 replaces the bare sinusitis J32.9, nasal polyps J33.9, Hashimoto E06.3."""
    result = run(coder, ASTHMA_VISIT)
    assert codes(result) == ["J45.50", "J33.9", "E06.3", "J32.4"]
    assert "J32.9" not in codes(result)
    assert "nasal polyps" in evidence(result, "J33.9")
    assert "Hashimoto's thyroiditis" in evidence(result, "E06.3")


FLUTTER_HTN = (
    "A 58-year-old man with a history of hypertension presented with symptomatic typical atrial "
    "flutter. Electrophysiology study confirmed cavotricuspid isthmus dependent flutter and "
    "radiofrequency catheter ablation of the cavotricuspid isthmus was performed with "
    "bidirectional block."
)


def test_a_history_of_hypertension_is_the_chronic_disease_coded_after_the_arrhythmia(coder):
    """neoplasm-maps.yaml hypertension: essential hypertension I10 (assertions present and
    historical: nothing cures it), after the flutter treated (rank 4)."""
    result = run(coder, FLUTTER_HTN)
    assert codes(result) == ["I48.3", "I10"]
    assert "hypertension" in evidence(result, "I10")


def test_pulmonary_or_secondary_hypertension_is_not_essential_hypertension(coder):
    """ind.hypertension_other keeps 'pulmonary hypertension' from reading as I10."""
    text = FLUTTER_HTN.replace("a history of hypertension", "pulmonary hypertension")
    assert codes(run(coder, text)) == ["I48.3"]


GENICULAR_NO_SIDE = (
    "A 71-year-old woman with chronic knee pain from osteoarthritis of the knee, refractory to "
    "injections, underwent ultrasound-guided radiofrequency ablation of the superomedial, "
    "superolateral and inferomedial genicular nerves at 80 degrees for 90 seconds each."
)


def test_knee_osteoarthritis_with_no_side_is_the_unspecified_knee_code(coder):
    """knee_osteoarthritis: no side named is M17.9, not M17.10 (unilateral primary, unstated)."""
    result = run(coder, GENICULAR_NO_SIDE)
    assert codes(result) == ["M17.9"]
    assert "osteoarthritis of the knee" in evidence(result, "M17.9")
    right = run(coder, GENICULAR_NO_SIDE.replace("knee pain", "right knee pain"))
    assert codes(right) == ["M17.11"]


def test_kidney_disease_due_to_hypertension_is_not_essential_hypertension(coder):
    """I.C.9.a: hypertension with kidney disease is the combination category I12, which the
    engine does not code; 'secondary to hypertension' keeps I10 off."""
    text = FLUTTER_HTN.replace(
        "a history of hypertension", "end-stage renal disease secondary to hypertension"
    )
    assert "I10" not in codes(run(coder, text))


SI_JOINT_METASTASES = (
    "A 63-year-old woman with terminal breast cancer suffers from buttock pain due to breast "
    "cancer metastases in the SI joint, refractory to opioids. After positive prognostic blocks "
    "she underwent cooled radiofrequency ablation of the L4-L5 dorsal rami and the S1-S3 lateral "
    "branches for palliation of pain."
)


def test_metastases_in_the_si_joint_are_bone_secondaries_and_their_pain_is_the_neoplasms(coder):
    """The SI joint's bones hold the metastasis (lexicon site.sacroiliac secondary_site bone,
    C79.51); SI joint pain beside it is the neoplasm's pain, G89.3 first for a pain-control
    encounter, with no M53.3 (sacroiliac_joint_pain pain_site, I.C.6.b.5)."""
    result = run(coder, SI_JOINT_METASTASES)
    assert codes(result) == ["G89.3", "C79.51", "C50.919"]
    assert "SI joint" in evidence(result, "C79.51")
    assert "M53.3" not in codes(result)


VARICOSE_AND_CVI = (
    "A 55-year-old man with chronic venous insufficiency and a bulging varicose vein of the right "
    "leg. Duplex showed great saphenous vein reflux. Under ultrasound guidance the right great "
    "saphenous vein was accessed and endovenous laser ablation was performed over 38 cm."
)


def test_chronic_venous_insufficiency_named_is_coded_beside_the_varicose_veins(coder):
    """I87.2 excludes only stasis dermatitis with varicose veins: a named venous insufficiency
    is coded beside I83.-; the duplex reflux alone (venous_reflux) yields to either."""
    result = run(coder, VARICOSE_AND_CVI)
    assert sorted(codes(result)) == ["I83.91", "I87.2"]
    assert "chronic venous insufficiency" in evidence(result, "I87.2")
    reflux_only = run(coder, VARICOSE_AND_CVI.replace("chronic venous insufficiency and ", ""))
    assert codes(reflux_only) == ["I83.91"]


ABC_SCAPULA = (
    "A 9-year-old boy with an enlarging aneurysmal bone cyst of the left scapula, painful "
    "at night. Percutaneous cryoablation of the cyst was performed under MRI guidance with two "
    "cryoprobes and two freeze-thaw cycles."
)


def test_an_aneurysmal_bone_cyst_is_coded_by_limb_region_and_side(coder):
    """neoplasm-maps.yaml aneurysmal_bone_cyst: the scapula is the shoulder region, M85.51-,
    with the side of the bone treated (scapula_left M85.512); no side is M85.519."""
    result = run(coder, ABC_SCAPULA)
    assert codes(result) == ["M85.512"]
    assert "aneurysmal bone cyst" in evidence(result, "M85.512")
    unsided = run(coder, ABC_SCAPULA.replace("left scapula", "scapula"))
    assert codes(unsided) == ["M85.519"]


VERTEBRAL_HEMANGIOMA = (
    "A 58-year-old man with an aggressive vertebral hemangioma of L5 and intractable low back "
    "pain underwent transarterial embolization followed by bilateral balloon kyphoplasty of L5."
)


def test_a_vertebral_hemangioma_is_a_hemangioma_of_other_sites(coder):
    """Index: Hemangioma, specified site NEC D18.09, not a benign bone neoplasm D16.6."""
    result = run(coder, VERTEBRAL_HEMANGIOMA)
    assert codes(result) == ["D18.09"]
    assert "aggressive vertebral hemangioma" in evidence(result, "D18.09")


TRACHEAL_ACC = (
    "Tracheal adenoid cystic carcinoma. A 31-year-old woman with months of cough, wheezing and "
    "stridor; bronchial asthma was considered. Bronchoscopy showed an obstructing mass of the "
    "distal trachea; rigid bronchoscopy with mass resection restored the airway, and pathology "
    "confirmed adenoid cystic carcinoma."
)


def test_a_carcinoma_named_with_the_trachea_is_the_tracheal_primary(coder):
    """Neoplasm Table: trachea C33, not the lung C34.90 that 'bronchial' would suggest."""
    result = run(coder, TRACHEAL_ACC)
    assert codes(result)[0] == "C33"
    assert "C34.90" not in codes(result)
    assert "Tracheal adenoid cystic carcinoma" in evidence(result, "C33")


BREAST_BONE_ER = (
    "A 49-year-old woman with stage IV left breast cancer, ER/PR-positive and HER2-negative, "
    "on letrozole, has a painful lytic metastasis of the right iliac bone. Under CT guidance a "
    "radiofrequency electrode was placed percutaneously in the iliac metastasis and the tumor was "
    "ablated."
)


def test_an_active_breast_cancer_takes_its_documented_receptor_status(coder):
    """receptor.status (use-additional note at C50): Z17.0 beside the active C50.-, after it."""
    result = run(coder, BREAST_BONE_ER)
    assert codes(result)[:2] == ["C79.51", "C50.912"]
    assert "Z17.0" in codes(result)
    assert "ER/PR-positive" in evidence(result, "Z17.0")


def test_a_breast_cancer_in_history_takes_no_receptor_status(coder):
    """Z85.3 carries no use-additional note: the receptor status stays off."""
    text = BREAST_BONE_ER.replace(
        "stage IV left breast cancer, ER/PR-positive and HER2-negative, on letrozole,",
        "ER/PR-positive breast cancer treated by mastectomy ten years ago, no evidence of disease "
        "in the breast,",
    )
    result = run(coder, text)
    assert "Z17.0" not in codes(result)
    assert "C50.912" not in codes(result)


def test_coronary_artery_disease_is_i25_10_and_ischemic_heart_disease_nos_i25_9(coder):
    """Tabular inclusion terms: 'coronary (artery) disease' at I25.1 (I25.10, no angina read),
    'ischemic heart disease (chronic) NOS' at I25.9; both chronic, so 'a history of' codes."""
    cad = run(coder, FLUTTER_HTN.replace("hypertension", "coronary artery disease"))
    assert codes(cad) == ["I48.3", "I25.10"]
    assert "coronary artery disease" in evidence(cad, "I25.10")
    ihd = run(coder, FLUTTER_HTN.replace("hypertension", "ischemic heart disease"))
    assert codes(ihd) == ["I48.3", "I25.9"]


AML_IVC = (
    "A 78-year-old man with multiple renal angiomyolipomas; the largest, in the left kidney, "
    "compresses the inferior vena cava, with a caval thrombus on CT. Selective transarterial "
    "embolization of the left renal angiomyolipoma was performed."
)


def test_a_caval_thrombus_is_the_inferior_vena_cava_thrombosis_code(coder):
    """I82.220's inclusion term is the NOS thrombosis of the IVC; coded after the tumor."""
    result = run(coder, AML_IVC)
    assert codes(result) == ["D17.71", "I82.220"]
    assert "caval thrombus" in evidence(result, "I82.220")


HOT_NODULE = (
    "A 43-year-old woman with palpitations, tremor and weight loss; TSH suppressed. Ultrasound "
    "and scintigraphy showed a solitary hot nodule of 18 mm in the right thyroid lobe. She "
    "declined surgery and radioiodine, and ultrasound-guided radiofrequency ablation of the "
    "nodule was performed."
)


def test_a_hot_thyroid_nodule_is_the_toxic_single_nodule(coder):
    """E05.1 (toxic uninodular goiter): a hot nodule is toxic, not the nontoxic E04.1."""
    result = run(coder, HOT_NODULE)
    assert codes(result) == ["E05.10"]
    assert "hot nodule" in evidence(result, "E05.10")


TIBIA_REFERRAL = (
    "A 17-year-old boy was referred for evaluation of persistent right lower leg pain of three "
    "months, worse at night and relieved by ibuprofen. Radiographs and CT showed a cortical "
    "nidus with dense surrounding sclerosis in the tibial diaphysis, diagnostic of osteoid "
    "osteoma."
)


def test_a_bone_tumor_named_without_a_side_takes_the_one_side_the_note_names(coder):
    """As a bone procedure does (properties.yaml side_from_note): the right leg pain gives the
    right tibia, D16.21 (benign neoplasm of long bones of right lower limb)."""
    result = run(coder, TIBIA_REFERRAL)
    assert codes(result) == ["D16.21"]
    assert "osteoid osteoma" in " ".join(evidence(result, "D16.21")).lower()


VARICOSE_REFERRAL = (
    "A 46-year-old man noticed varicose veins of the right leg that became progressively more "
    "prominent. Six months ago he started to complain of right leg pain and fatigue with mild "
    "edema at the end of the day. Duplex ultrasound showed great saphenous vein reflux."
)


def test_leg_pain_in_another_sentence_makes_the_varicose_veins_painful(coder):
    """varicose_veins `symptom_keys: [pain]`: the pain documented in the note is the varicose
    veins' pain, I83.811, not the asymptomatic I83.91."""
    result = run(coder, VARICOSE_REFERRAL)
    assert codes(result) == ["I83.811"]
    assert "varicose veins" in evidence(result, "I83.811")
    painless = VARICOSE_REFERRAL.replace("right leg pain and fatigue", "fatigue")
    assert codes(run(coder, painless)) == ["I83.91"]


LBP_REQUEST = (
    "Prior authorization review. A 52-year-old woman with persistent low back pain for two years "
    "after physical therapy and medial branch blocks. Radiofrequency ablation of the bilateral "
    "L4-5 and L5-S1 medial branches is requested."
)


def test_low_back_pain_with_no_diagnosis_behind_it_is_m54_50(coder):
    """neoplasm-maps.yaml low_back_pain (IV.D): the symptom when no diagnosis is documented;
    a facet arthropathy named replaces it (yields_to)."""
    result = run(coder, LBP_REQUEST)
    assert codes(result) == ["M54.50"]
    assert "persistent low back pain" in evidence(result, "M54.50")
    facet = run(coder, LBP_REQUEST.replace("two years", "two years from lumbar facet arthropathy"))
    assert codes(facet) == ["M47.816"]


def test_low_back_pain_beside_a_spinal_metastasis_is_the_neoplasms_pain(coder):
    """with_neoplasm false and pain_site (I.C.6.b.5): G89.3, no M54.50."""
    result = run(coder, CEMENTED_FRACTURE)
    assert "M54.50" not in codes(result)
    assert "G89.3" in codes(result)


BARRETT_HGD = (
    "Symptomatic stricture after ablation of Barrett's esophagus.\n\n"
    "A 64-year-old woman with high-grade dysplasia arising in Barrett's esophagus was referred "
    "for treatment. EGD with circumferential radiofrequency ablation of the Barrett's segment was "
    "performed with the HALO system, two ablations at 12 J/cm2."
)


def test_a_subtype_named_after_the_first_mention_is_not_lost(coder):
    """An indication's subtypes are kept over all its mentions (the title's 'symptomatic', then
    'high-grade'): the first its code map knows decides, K22.711, not the no-dysplasia K22.70."""
    result = run(coder, BARRETT_HGD)
    assert codes(result) == ["K22.711"]
    flutter = FLUTTER_HTN.replace("symptomatic typical atrial", "symptomatic atrial").replace(
        "Electrophysiology study confirmed", "This was typical atrial flutter;"
    )
    assert codes(run(coder, flutter)) == ["I48.3", "I10"]


FINGER = (
    "A 26-year-old man with an osteoid osteoma in the proximal phalanx of the right middle finger "
    "was treated with CT-guided radiofrequency ablation. Although it generally is located in the "
    "femur and the tibia, 13% to 31% of these lesions are found in the upper extremity."
)


def test_an_osteoid_osteoma_of_a_finger_is_a_short_bone_of_the_upper_limb(coder):
    """The finger is a bone of the hand (Neoplasm Table bone > hand): D16.1- by side; the femur
    named only as where the tumor usually arises is no site of this patient's."""
    result = run(coder, FINGER)
    assert [c.code for c in result.cpt] == ["20982"]
    assert codes(result) == ["D16.11"]
    assert "osteoid osteoma" in evidence(result, "D16.11")


GRAVES = (
    "A 43-year-old man presented with palpitations, sweating and weight loss. Thyroid function "
    "tests and positive TSH receptor antibodies confirmed Graves' disease. He was started on "
    "methimazole."
)


def test_graves_disease_is_thyrotoxicosis_with_diffuse_goiter(coder):
    """Tabular E05.0 lists Graves' disease as an inclusion term; no crisis or storm: E05.00."""
    result = run(coder, GRAVES)
    assert result.cpt == []
    assert codes(result) == ["E05.00"]
    assert evidence(result, "E05.00") == ["Graves' disease"]


SURGERY_IN_1998 = (
    "We report a case of an 81-year-old man with colorectal carcinoma, treated by surgery in 1998, "
    "referred for palliative treatment of a painful osteolytic metastasis of the ilium. CT-guided "
    "radiofrequency ablation of the iliac metastasis was performed under conscious sedation."
)
RESECTED_ON_FOLFIRI = (
    "A 61-year-old man with adenocarcinoma of the sigmoid colon, resected in March 2023, developed "
    "liver metastases and is receiving FOLFIRI. CT-guided microwave ablation of a segment 7 liver "
    "metastasis was performed."
)


def test_a_primary_excised_in_an_earlier_year_is_a_history_code(coder):
    """I.C.2.d: excised in 1998, no treatment directed at it now and none named: Z85.038, after
    the metastasis treated (and its pain, I.C.6.b.5)."""
    result = run(coder, SURGERY_IN_1998)
    assert [c.code for c in result.cpt] == ["20982"]
    assert codes(result) == ["C79.51", "Z85.038", "G89.3"]
    assert "colorectal carcinoma" in evidence(result, "Z85.038")


def test_a_resected_primary_under_chemotherapy_stays_current(coder):
    """'is receiving FOLFIRI': treatment is directed at the cancer, so the colon primary is
    current (C18.7) even though it was resected in 2023."""
    result = run(coder, RESECTED_ON_FOLFIRI)
    assert codes(result) == ["C78.7", "C18.7"]
