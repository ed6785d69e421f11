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
