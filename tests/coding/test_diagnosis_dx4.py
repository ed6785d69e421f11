"""Diagnoses the blind real-text batch rti found missing (brief dx4): histologies and sites
(a nidus of a named tumor, an angiomyolipoma proven after a suspected cancer, lymph nodes by
region, varicose veins with edema). Each scenario is a realistic note asserting the exact
ICD-10-CM codes in sequence and the words they rest on."""

from __future__ import annotations

import pytest
from dx_helpers import codes, evidence, run

from case2code.engine import Coder


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


HCC_NIDUS = (
    "HISTORY: 60-year-old man with hepatocellular carcinoma resected two years ago. A new nidus "
    "of HCC was found in segment 6 on MRI.\n"
    "PROCEDURE: Under CT guidance a radiofrequency electrode was placed percutaneously in the "
    "segment 6 tumor and the HCC nidus was ablated for 12 minutes."
)


def test_a_nidus_of_a_named_tumor_is_that_tumor_not_an_osteoid_osteoma(coder):
    """'nidus' is the osteoid osteoma's hallmark only when no other tumor is named right after
    it (lexicon focus_word): a nidus of HCC is the carcinoma's focus, no D16.9 beside C22.0."""
    result = run(coder, HCC_NIDUS)
    assert [c.code for c in result.cpt] == ["47382", "77013"]
    assert codes(result) == ["C22.0"]
    assert "HCC" in evidence(result, "C22.0")


OSTEOID_NIDUS = (
    "A 17-year-old boy with night pain of the left femur relieved by aspirin. CT showed a lucent "
    "nidus in the left femoral neck, consistent with osteoid osteoma. Under CT guidance a "
    "radiofrequency electrode was placed percutaneously in the nidus and ablated for 6 minutes."
)


def test_a_bare_nidus_in_an_osteoid_osteoma_note_stays_the_osteoid_osteoma(coder):
    result = run(coder, OSTEOID_NIDUS)
    assert [c.code for c in result.cpt] == ["20982"]
    assert codes(result) == ["D16.22"]
    assert "osteoid osteoma" in evidence(result, "D16.22")


RENAL_AML = (
    "A 55-year-old man with an incidental 4 cm right renal mass. The lesion was suspected to be "
    "either a renal cell carcinoma (RCC) or an oncocytoma. Under ultrasound guidance a "
    "percutaneous core needle biopsy of the right renal mass was performed with an 18-gauge "
    "needle. Histology showed an angiomyolipoma."
)


def test_an_angiomyolipoma_proven_replaces_a_suspected_renal_cell_carcinoma(coder):
    """Index: Angiomyolipoma, see Lipoma, by site; kidney D17.71. The RCC was only suspected (IV.H):
    neither C64.1 nor its neoplasm pain; the evidence is the histology's words alone."""
    result = run(coder, RENAL_AML)
    assert (result.cpt[0].code, result.cpt[0].modifiers) == ("50200", ["RT"])
    assert codes(result) == ["D17.71"]
    assert evidence(result, "D17.71") == ["angiomyolipoma"]


@pytest.mark.parametrize(
    ("nodes", "code"),
    [
        ("central lymph node metastasis", "C77.0"),
        ("metastasis to a right supraclavicular lymph node", "C77.0"),
        ("metastasis in a subcarinal lymph node", "C77.1"),
        ("metastasis to the porta hepatis lymph nodes", "C77.2"),
        ("metastasis to the left axillary lymph nodes", "C77.3"),
        ("metastasis to an inguinal lymph node", "C77.4"),
        ("metastasis to the external iliac lymph nodes", "C77.5"),
        ("metastasis to a lymph node", "C77.9"),
    ],
)
def test_a_lymph_node_metastasis_is_coded_by_the_region_the_note_names(coder, nodes, code):
    """Neoplasm Table, lymph gland by region (neoplasm-sites.yaml lymph_node_*): C77.0 head and
    neck (central compartment and supraclavicular nodes included), C77.1 intrathoracic, C77.2
    intra-abdominal, C77.3 axillary, C77.4 inguinal, C77.5 pelvic; no region, C77.9."""
    text = (
        "HISTORY: 63-year-old woman with papillary thyroid carcinoma and "
        f"{nodes} on ultrasound and biopsy.\n"
        "PROCEDURE: Under ultrasound guidance the thyroid carcinoma was ablated percutaneously "
        "with radiofrequency for 8 minutes."
    )
    result = run(coder, text)
    assert codes(result) == ["C73", code]
    assert "metastasis" in evidence(result, code)


def test_lymph_node_metastases_of_two_regions_are_the_multiple_region_code(coder):
    """Tabular C77.8 (guidelines.yaml neoplasm.lymph_node_regions): cervical and mediastinal
    node metastases are one code, resting on the words of both regions."""
    text = (
        "HISTORY: 63-year-old woman with papillary thyroid carcinoma, cervical lymph node "
        "metastases and mediastinal lymph node metastases on PET-CT.\n"
        "PROCEDURE: Under ultrasound guidance the thyroid carcinoma was ablated percutaneously "
        "with radiofrequency for 8 minutes."
    )
    result = run(coder, text)
    assert codes(result) == ["C73", "C77.8"]
    assert evidence(result, "C77.8") == [
        "metastases",
        "cervical lymph node",
        "metastases",
        "mediastinal lymph node",
    ]


VARICOSE_EDEMA = (
    "ASSESSMENT: 40-year-old woman with symptomatic bilateral great saphenous vein varicosities "
    "presenting with left limb edema and heaviness when standing. Duplex shows reflux in both "
    "great saphenous veins.\n"
    "PLAN: Endovenous laser ablation is recommended; she will consider it."
)
VARICOSE_PAIN_EDEMA = (
    "HISTORY: 70-year-old man with symptomatic varicose veins of the left leg (pain and "
    "perimalleolar edema).\n"
    "PLAN: Endovenous laser ablation is recommended; he will consider it."
)


def test_varicose_veins_with_edema_are_varicose_veins_with_other_complications(coder):
    """Tabular I83.89-: its inclusion terms are varicose veins with edema and with swelling;
    'symptomatic' names no pain, so both legs with edema are I83.893."""
    result = run(coder, VARICOSE_EDEMA)
    assert codes(result) == ["I83.893"]
    assert evidence(result, "I83.893") == ["varicosities"]


def test_varicose_veins_with_pain_and_edema_are_coded_with_pain(coder):
    result = run(coder, VARICOSE_PAIN_EDEMA)
    assert codes(result) == ["I83.812"]


# ---------------------------------------------------------------- complications of care (I.B.16)
LUNG_RFA_PNEUMOTHORAX = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a right lower lobe lung "
    "metastasis.\n"
    "HISTORY: 68-year-old man with sigmoid colon adenocarcinoma resected in 2023 and a single "
    "1.8 cm right lower lobe metastasis.\n"
    "TECHNIQUE: Under CT guidance a radiofrequency electrode was placed in the right lower lobe "
    "metastasis and ablated for 12 minutes. The ablation was complicated by a moderate right "
    "pneumothorax, treated with aspiration."
)
CHEST_TUBE_FOR_PNEUMOTHORAX = (
    "PROCEDURE: CT-guided placement of a left chest tube.\n"
    "INDICATION: Enlarging left pneumothorax following microwave ablation of a left upper lobe "
    "lung metastasis yesterday. The patient has a history of renal cell carcinoma treated by left "
    "nephrectomy in 2021.\n"
    "TECHNIQUE: Under CT guidance a 12 French chest tube was inserted into the left pleural space "
    "through a small incision and connected to suction."
)
LIVER_RFA_BLEED = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a segment 6 hepatocellular "
    "carcinoma.\n"
    "HISTORY: 60-year-old man with cirrhosis and a 2.5 cm hepatocellular carcinoma in segment 6.\n"
    "TECHNIQUE: Under CT guidance a radiofrequency electrode was placed in the segment 6 tumor and "
    "ablated for 12 minutes.\n"
    "COMPLICATIONS: Active bleeding after the radiofrequency ablation was seen on the "
    "post-procedure CT; the right hepatic artery branch was embolized with coils in the same "
    "session."
)
LIVER_RFA_HEMOBILIA = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a segment 5 hepatocellular "
    "carcinoma.\n"
    "HISTORY: 68-year-old woman with a 2 cm hepatocellular carcinoma in segment 5.\n"
    "TECHNIQUE: Under CT guidance a radiofrequency electrode was placed in the segment 5 tumor and "
    "ablated for 10 minutes.\n"
    "COMPLICATIONS: Hemobilia after the ablation, seen as blood in the gallbladder on the "
    "post-procedure CT; observed, no intervention."
)
RENAL_BIOPSY_BLEED = (
    "PROCEDURE: Ultrasound-guided percutaneous core needle biopsy of a left renal mass.\n"
    "HISTORY: 55-year-old woman with an incidental 3 cm left renal mass.\n"
    "TECHNIQUE: Under ultrasound guidance three 18-gauge cores of the left renal mass were "
    "obtained. Pathology showed an angiomyolipoma.\n"
    "COMPLICATIONS: Bleeding after the biopsy required transcatheter coil embolization of a "
    "segmental renal artery branch."
)
PERINEPHRIC_ABSCESS_DRAINED = (
    "PROCEDURE: CT-guided percutaneous drainage of a perinephric abscess.\n"
    "HISTORY: 72-year-old man who underwent CT-guided cryoablation of a right renal cell "
    "carcinoma three weeks ago, now with fever. CT shows a 5 cm perinephric abscess at the "
    "ablation site.\n"
    "TECHNIQUE: Under CT guidance a 10 French drainage catheter was placed into the perinephric "
    "abscess; 40 mL of pus was aspirated and the catheter was left to gravity drainage."
)


def test_a_pneumothorax_complicating_todays_lung_ablation_follows_the_neoplasms(coder):
    """The note ties the pneumothorax to the ablation ('complicated by'): J95.811; it arose
    during the encounter's own procedure, so the metastasis treated stays first."""
    result = run(coder, LUNG_RFA_PNEUMOTHORAX)
    assert codes(result) == ["C78.01", "Z85.038", "J95.811"]  # colon resected in 2023: I.C.2.d
    assert evidence(result, "J95.811") == ["pneumothorax", "ablation"]
    code = next(d for d in result.icd10 if d.code == "J95.811")
    assert code.rule == "dx.complication"
    assert code.rationale.startswith("I.B.16: the note ties 'pneumothorax' to the procedure")


def test_a_chest_tube_for_a_pneumothorax_after_yesterdays_ablation_lists_it_first(coder):
    """The encounter is for the complication (the ablation was done before): J95.811 leads."""
    result = run(coder, CHEST_TUBE_FOR_PNEUMOTHORAX)
    assert [c.code for c in result.cpt] == ["32551"]
    assert codes(result) == ["J95.811", "C78.02", "Z85.528"]
    assert evidence(result, "J95.811") == ["pneumothorax", "microwave ablation"]


def test_bleeding_after_a_liver_ablation_is_a_digestive_postprocedural_hemorrhage(coder):
    """The liver is a digestive organ: K91.840 (following a digestive system procedure), after
    the carcinoma the ablation treated; the cirrhosis named with no cause is a coexisting
    condition coded last (IV.J, K74.60)."""
    result = run(coder, LIVER_RFA_BLEED)
    assert codes(result) == ["C22.0", "K91.840", "K74.60"]
    assert evidence(result, "K91.840") == ["Active bleeding", "radiofrequency ablation"]


def test_hemobilia_after_a_liver_ablation_is_a_digestive_postprocedural_hemorrhage(coder):
    """Hemobilia is bleeding into the bile ducts (as hemoperitoneum into the peritoneum and a
    hemocholecyst into the gallbladder): tied to the ablation, K91.840 after the carcinoma."""
    result = run(coder, LIVER_RFA_HEMOBILIA)
    assert codes(result) == ["C22.0", "K91.840"]
    assert evidence(result, "K91.840") == ["Hemobilia", "ablation"]


def test_bleeding_after_a_kidney_biopsy_is_a_genitourinary_postprocedural_hemorrhage(coder):
    result = run(coder, RENAL_BIOPSY_BLEED)
    assert result.cpt[0].code == "50200"
    assert codes(result) == ["D17.71", "N99.820"]
    assert evidence(result, "N99.820") == ["Bleeding", "biopsy"]


def test_a_perinephric_abscess_at_the_ablation_site_drained_is_t81_43xa_with_n15_1(coder):
    """An abscess after a procedure: T81.43XA first (the encounter is for it), the abscess as
    the infection beside it (N15.1, T81.4 'use additional code'), then the cancer ablated."""
    result = run(coder, PERINEPHRIC_ABSCESS_DRAINED)
    assert [c.code for c in result.cpt] == ["49406"]
    assert codes(result) == ["T81.43XA", "N15.1", "C64.1"]
    assert evidence(result, "T81.43XA") == ["perinephric abscess", "ablation site"]
    assert "perinephric abscess" in evidence(result, "N15.1")


EMBOLIZATION_FOR_BIOPSY_BLEED = (
    "PROCEDURE: Selective right renal arteriogram and coil embolization of a bleeding segmental "
    "artery.\n"
    "INDICATION: 64-year-old man with hematuria and a falling hemoglobin from bleeding after a "
    "percutaneous right renal biopsy two days ago.\n"
    "TECHNIQUE: Through a right femoral access the right renal artery was selected; a "
    "pseudoaneurysm of a lower pole segmental branch was found and occluded with microcoils. "
    "Final angiogram shows no further bleeding."
)


def test_an_embolization_for_a_bleed_after_an_earlier_biopsy_codes_the_bleed_alone(coder):
    """The encounter is for the complication: N99.820 leads; the embolization treats no lesion,
    so no finding code of a renal lesion (IV.D N28.89) beside it."""
    result = run(coder, EMBOLIZATION_FOR_BIOPSY_BLEED)
    assert codes(result) == ["N99.820"]
    assert evidence(result, "N99.820") == ["bleeding", "biopsy"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Minimal bleeding after the ablation stopped spontaneously.",
        "There was no pneumothorax after the ablation.",
        "Tumors larger than 4 cm can result in post ablation hemorrhage.",
        "A small pneumothorax developed and resolved.",
        "A pneumothorax developed and a chest drainage tube was placed.",
    ],
)
def test_no_complication_without_one_documented_as_caused_by_the_procedure(coder, sentence):
    """I.B.16: an expected minor finding, a negated or a possible one, or one tied to the
    procedure by timing alone is no complication code."""
    text = (
        "PROCEDURE: CT-guided percutaneous cryoablation of a left lung metastasis.\n"
        "HISTORY: 70-year-old woman with renal cell carcinoma, left nephrectomy in 2020, and a "
        "single left lower lobe metastasis.\n"
        "TECHNIQUE: Under CT guidance two cryoprobes were placed in the left lower lobe "
        f"metastasis and two freeze cycles were performed. {sentence}"
    )
    result = run(coder, text)
    assert not any(d.rule == "dx.complication" for d in result.icd10)
    assert codes(result)[0] == "C78.02"


@pytest.mark.parametrize(
    ("procedure", "expected"),
    [
        (
            "CT-guided microwave ablation of a right lower lobe lung metastasis from colon cancer",
            ["C78.01", "C18.9", "J95.830"],
        ),
        (
            "ultrasound-guided radiofrequency ablation of a benign nontoxic thyroid nodule of the "
            "right lobe",
            ["E04.1", "E89.810"],
        ),
        (
            "CT-guided cryoablation of a left iliac bone metastasis from renal cell carcinoma",
            ["C79.51", "C64.9", "M96.830"],
        ),
    ],
)
def test_a_postprocedural_hemorrhage_takes_the_body_system_of_the_organ_treated(
    coder, procedure, expected
):
    """Tabular J95.83-, E89.81-, M96.83-: the hemorrhage 'following a ... system procedure' of
    the system the ablated organ belongs to, after the condition the ablation treated."""
    text = (
        f"PROCEDURE: {procedure}.\n"
        "TECHNIQUE: The ablation was performed under imaging guidance for 10 minutes. Active "
        "bleeding after the ablation was controlled with manual compression."
    )
    result = run(coder, text)
    assert codes(result) == expected
    assert evidence(result, expected[-1]) == ["Active bleeding", "ablation"]
