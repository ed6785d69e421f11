"""Fine needle aspiration biopsy (CPT 2019): coded by the imaging that guided it, per lesion,
for any organ, never as the organ's core biopsy code; beside an ablation of the same lesion it
is part of the ablation."""

from __future__ import annotations

from datetime import date

import pytest

from case2code.engine import Coder
from case2code.model import Note

THYROID_FNA = (
    "A 52-year-old woman with a 2.1 cm right thyroid nodule. Ultrasound-guided fine needle "
    "aspiration of the nodule was performed with three passes using a 25-gauge needle. "
    "No complications."
)
TWO_NODULES = (
    "58-year-old woman with multinodular goiter. Ultrasound-guided FNA of two thyroid nodules: "
    "a 2.4 cm right lobe nodule and a 1.8 cm left lobe nodule, three passes each."
)
RENAL_FNA_AND_CRYO = (
    "67-year-old man with a 3 cm left renal mass. CT-guided fine needle aspiration of the left "
    "renal mass was performed with a 22-gauge needle; two passes. Immediately after, CT-guided "
    "cryoablation of the mass was performed with three cryoprobes, two freeze-thaw cycles."
)


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder, text):
    return coder.code(Note(text, "fna", date(2025, 6, 2)))


def _lines(r):
    return [(c.code, c.units, c.modifiers) for c in r.cpt]


def test_ultrasound_guided_thyroid_fna_is_10005_with_its_guidance_included(coder):
    r = _code(coder, THYROID_FNA)
    assert _lines(r) == [("10005", 1, [])]
    assert r.cpt[0].evidence[0].text == "fine needle aspiration"
    assert [d.code for d in r.icd10] == ["E04.1"]
    assert "76942" in {n.code for n in r.not_reported}


def test_a_second_lesion_under_the_same_imaging_takes_the_add_on(coder):
    r = _code(coder, TWO_NODULES)
    assert _lines(r) == [("10005", 1, []), ("10006", 1, [])]
    assert r.cpt[0].evidence[0].text == "FNA"


def test_fna_of_the_renal_mass_ablated_is_not_the_kidney_core_biopsy_code(coder):
    r = _code(coder, RENAL_FNA_AND_CRYO)
    assert _lines(r) == [("50593", 1, ["LT"]), ("77013", 1, ["26"])]
    bundled = next(n for n in r.not_reported if n.code == "10009")
    assert "same lesion" in bundled.reason and bundled.evidence[0].text == "fine needle aspiration"
    assert not any(n.code == "50200" for n in r.not_reported)


def test_a_sampling_that_names_no_aspiration_takes_no_fna_code(coder):
    """Adrenal vein sampling is read as a biopsy with no method: the FNA codes require the
    aspiration to be named (select.require), so no 10021 is guessed."""
    text = (
        "62-year-old man with primary aldosteronism. Adrenal vein sampling localized the "
        "aldosterone excess to the left side. Superselective embolization of the left adrenal "
        "artery was performed with ethanol."
    )
    r = _code(coder, text)
    assert not any(c.code.startswith("100") for c in r.cpt)


def test_the_fna_that_made_an_earlier_diagnosis_is_not_coded(coder):
    text = (
        "A 76-year-old woman with an 8.4 cm mass in the left lateral liver lobe. Hepatocellular "
        "carcinoma was diagnosed based on fine needle aspiration biopsy (FNAB) of the liver mass. "
        "Today ultrasound-guided percutaneous radiofrequency ablation of the mass was performed."
    )
    r = _code(coder, text)
    assert [c.code for c in r.cpt] == ["47382", "76940"]
    assert not any(c.code.startswith("100") for c in r.cpt)


def test_a_patients_own_account_of_her_fna_is_routed_to_review(coder):
    text = (
        "My endocrinologist did not like how the nodule had grown, so I scheduled a fine needle "
        "aspiration. Under ultrasound guidance the surgeon performed the fine needle aspiration "
        "of my right thyroid nodule in the office."
    )
    r = _code(coder, text)
    assert [c.code for c in r.cpt] == ["10005"]
    assert "route.publication" in [x.rule for x in r.review.reasons]
