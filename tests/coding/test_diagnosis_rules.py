"""Diagnosis rules beyond the Neoplasm Table (guidelines.yaml): findings for a lesion with no
diagnosis, and what a text with no patient leaves uncoded. Each scenario is a realistic note
asserting the exact ICD-10-CM codes in sequence and the words they rest on."""

from __future__ import annotations

import pytest
from dx_helpers import codes, evidence, run

from case2code.engine import Coder


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


NODULE_BIOPSY = (
    "Indication: 67-year-old man with a 14 mm FDG-avid nodule in the right upper lobe found on "
    "surveillance CT.\n"
    "Procedure: Under CT guidance a 17-gauge introducer was advanced into the right upper lobe "
    "and three 18-gauge core biopsies of the nodule were obtained. Pathology pending."
)


def test_a_sampled_lung_nodule_with_no_diagnosis_is_the_solitary_nodule_finding(coder):
    """IV.D (guidelines.yaml finding.no_diagnosis): no histology yet, so the nodule itself."""
    result = run(coder, NODULE_BIOPSY)
    assert [c.code for c in result.cpt] == ["32408"]
    assert codes(result) == ["R91.1"]
    assert result.icd10[0].rule == "dx.finding"
    assert "core biopsies" in evidence(result, "R91.1")


def test_a_finding_code_sends_the_note_to_a_coder_who_confirms_no_diagnosis_is_written(coder):
    """The reader may have missed the diagnosis: the finding rule's diagnosis-support finding
    routes the note to review instead of billing R91.1 as is."""
    result = run(coder, NODULE_BIOPSY)
    found = [f for f in result.findings if f.rule == "finding.no_diagnosis"]
    assert [(f.kind, f.codes) for f in found] == [("diagnosis_support", ["R91.1"])]
    assert result.review.route == "review"


BILATERAL_NODULES = (
    "A 58-year-old woman with multiple lung nodules in both her right and left lungs, growing on "
    "serial CT, declined surgery. CT-guided percutaneous cryoablation of the nodules of both "
    "lungs was performed in one session, two freeze-thaw cycles each."
)


def test_nodules_of_both_lungs_with_no_diagnosis_are_the_other_lung_field_finding(coder):
    result = run(coder, BILATERAL_NODULES)
    assert codes(result) == ["R91.8"]
    assert "cryoablation" in evidence(result, "R91.8")


def test_a_named_cancer_of_the_nodule_wins_over_the_finding(coder):
    text = (
        "Indication: 67-year-old man with a 14 mm biopsy-proven adenocarcinoma of the right upper "
        "lobe, a poor surgical candidate.\n"
        "Procedure: CT-guided percutaneous radiofrequency ablation of the right upper lobe tumor."
    )
    result = run(coder, text)
    assert codes(result) == ["C34.11"]
    assert "adenocarcinoma" in evidence(result, "C34.11")


TEXTBOOK_PAGE = (
    "Percutaneous lung ablation. Under CT guidance a probe is advanced into the nodule and "
    "radiofrequency energy is applied until the ablation zone covers the nodule with a margin."
)


def test_a_text_with_no_patient_codes_no_finding(coder):
    assert "R91.1" not in codes(run(coder, TEXTBOOK_PAGE))


PAPILLARY_NODULE = (
    "Indication: 52-year-old woman with a 9 mm nodule of the right thyroid lobe, fine needle "
    "aspiration positive for papillary thyroid carcinoma; she declined surgery.\n"
    "Procedure: ultrasound-guided percutaneous radiofrequency ablation of the right thyroid "
    "nodule with the moving-shot technique."
)


def test_a_thyroid_nodule_proven_cancer_is_the_cancer_code_alone(coder):
    """neoplasm-maps.yaml thyroid_nodule with_organ_neoplasm false: the nodule is the C73."""
    result = run(coder, PAPILLARY_NODULE)
    assert [c.code for c in result.cpt] == ["60660"]
    assert codes(result) == ["C73"]
    assert "papillary thyroid carcinoma" in evidence(result, "C73")


def test_a_benign_thyroid_nodule_keeps_its_goiter_code(coder):
    text = PAPILLARY_NODULE.replace(
        "positive for papillary thyroid carcinoma", "benign, Bethesda II"
    )
    result = run(coder, text)
    assert codes(result) == ["E04.1"]


@pytest.mark.parametrize(
    ("text", "want", "words"),
    [
        (
            "Indication: 44-year-old woman with a symptomatic 8 cm hepatic hemangioma in segment "
            "7, growing on serial MRI.\nProcedure: CT-guided percutaneous microwave ablation of "
            "the segment 7 hemangioma, three overlapping ablations.",
            ["D18.03"],
            "hepatic hemangioma",
        ),
        (
            "Indication: 80-year-old woman with recurrent hypoglycemia from a 1.5 cm insulinoma "
            "in the tail of the pancreas; surgery declined.\nProcedure: CT-guided percutaneous "
            "radiofrequency ablation of the pancreatic insulinoma.",
            ["D13.7"],
            "insulinoma",
        ),
        (
            "Indication: 61-year-old man with a 3.5 cm right renal angiomyolipoma that bled "
            "last year.\nProcedure: CT-guided percutaneous cryoablation of the right renal "
            "angiomyolipoma, two freeze-thaw cycles.",
            ["D17.71"],
            "renal angiomyolipoma",
        ),
        (
            "Indication: 35-year-old woman with von Hippel-Lindau disease and a recurrent 2 cm "
            "left adrenal pheochromocytoma after partial adrenalectomy.\nProcedure: CT-guided "
            "percutaneous radiofrequency ablation of the left adrenal pheochromocytoma.",
            ["D35.02", "Q85.83"],
            "adrenal pheochromocytoma",
        ),
    ],
)
def test_a_benign_tumor_named_by_its_histology_takes_the_code_of_its_organ(
    coder, text, want, words
):
    """neoplasm-maps.yaml: the histology and organ decide the benign code (ICD-10-CM Index),
    never a malignant code from the Neoplasm Table; a tumor syndrome named follows it."""
    result = run(coder, text)
    assert codes(result) == want
    assert words in [w.lower() for w in evidence(result, want[0])]


def test_tuberous_sclerosis_follows_the_angiomyolipoma_treated(coder):
    text = (
        "Indication: 29-year-old woman with tuberous sclerosis complex and a growing 4 cm left "
        "renal angiomyolipoma.\nProcedure: CT-guided percutaneous cryoablation of the left renal "
        "angiomyolipoma."
    )
    result = run(coder, text)
    assert codes(result) == ["D17.71", "Q85.1"]
    assert evidence(result, "Q85.1") == ["tuberous sclerosis complex"]


SHOULDER_PRF = (
    "Indication: 52-year-old man with chronic left shoulder pain for two years, no relief from "
    "physical therapy or an intra-articular injection.\n"
    "Procedure: ultrasound-guided pulsed radiofrequency of the left suprascapular nerve, 42 C "
    "for 240 seconds."
)


def test_shoulder_pain_with_no_diagnosis_behind_it_is_the_joint_pain_code_by_side(coder):
    """IV.D (neoplasm-maps.yaml shoulder_pain): the pain a nerve procedure treats, no diagnosis."""
    result = run(coder, SHOULDER_PRF)
    assert [(c.code, c.modifiers) for c in result.cpt] == [("64999", ["LT"])]
    assert codes(result) == ["M25.512"]
    assert evidence(result, "M25.512") == ["shoulder pain"]


def test_shoulder_pain_from_a_humerus_metastasis_is_the_neoplasm_pain_with_no_site_code(coder):
    """I.C.6.b.5: pain due to the neoplasm is G89.3, with no code for the site of the pain."""
    text = (
        "Indication: 64-year-old woman with metastatic breast cancer and severe right shoulder "
        "pain from a lytic metastasis of the proximal right humerus.\n"
        "Procedure: CT-guided radiofrequency ablation of the right humerus metastasis."
    )
    result = run(coder, text)
    assert codes(result) == ["C79.51", "C50.919", "G89.3"]
    assert "shoulder pain" in evidence(result, "G89.3")
    assert "M25.511" not in codes(result)


KNEES_AFTER_TKA = (
    "Indication: 63-year-old woman with history of bilateral total knee replacement in 2018, now "
    "with chronic bilateral knee pain, 60 percent relief after diagnostic genicular nerve blocks "
    "of both knees.\n"
    "Procedure: fluoroscopy-guided cooled radiofrequency ablation of the superomedial, "
    "superolateral and inferomedial genicular nerves of both knees."
)


def test_pain_in_both_knees_takes_each_side_and_the_implants_their_status_code(coder):
    """M25.56- has no bilateral code, so both sides (I.B.13); the knees replaced before are the
    status code Z96.653 (I.C.21.c.3), sequenced after the pain treated."""
    result = run(coder, KNEES_AFTER_TKA)
    assert [(c.code, c.modifiers) for c in result.cpt] == [("64624", ["50"])]
    assert codes(result) == ["M25.561", "M25.562", "Z96.653"]
    assert evidence(result, "M25.561") == ["knee pain"]
    assert evidence(result, "Z96.653") == ["total knee replacement"]


def test_a_declined_replacement_is_no_implant_and_osteoarthritis_wins_over_knee_pain(coder):
    text = (
        "Indication: 71-year-old woman with severe primary osteoarthritis of the right knee and "
        "right knee pain, who has declined knee replacement.\n"
        "Procedure: fluoroscopy-guided cooled radiofrequency ablation of the right genicular "
        "nerves."
    )
    result = run(coder, text)
    assert codes(result) == ["M17.11"]


def test_facet_arthrosis_is_spondylosis_by_region(coder):
    """M47 includes arthrosis of the spine and degeneration of facet joints (tabular), so
    'facet arthrosis' of the lumbar spine is M47.816."""
    text = (
        "INDICATION: Pain in the lumbar spine secondary to facet arthrosis, confirmed by physical "
        "examination and imaging.\n"
        "PROCEDURE: Under fluoroscopy, radiofrequency ablation of the right L3, L4 and L5 medial "
        "branches was performed at 80 C for 90 seconds."
    )
    result = run(coder, text)
    assert codes(result) == ["M47.816"]
    assert evidence(result, "M47.816") == ["facet arthrosis"]


def test_occipital_neuralgia_and_cervical_facet_disease_are_each_coded(coder):
    text = (
        "PREPROCEDURE DIAGNOSIS: Occipital neuralgia, cervical facet disease.\n"
        "PROCEDURE: Fluoroscopically guided radiofrequency ablation of the right C3 medial "
        "branch at 80 C for 90 seconds; pulsed radiofrequency of the right C2 dorsal root "
        "ganglion at 42 C for 120 seconds."
    )
    result = run(coder, text)
    assert codes(result) == ["M54.81", "M47.812"]
    assert evidence(result, "M54.81") == ["Occipital neuralgia"]
    assert evidence(result, "M47.812") == ["facet disease"]
