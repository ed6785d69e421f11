"""A tumor NOS (guidelines.yaml tumor.unspecified_behavior): a lesion the note only ever calls a
tumor, with no histology named, is coded from the Neoplasm Table's unspecified-behavior column
(Tabular D49 includes 'tumor NOS'); a note that calls it a mass, a lesion or a nodule codes the
finding instead (the note at D49: a mass is not a neoplastic growth unless otherwise stated)."""

from __future__ import annotations

import pytest
from dx_helpers import codes, evidence, run

from case2code.engine import Coder


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


LIVER_TUMOR_FORM = (
    "Radiofrequency ablation of liver tumor:\n\n"
    "Anesthesia: general\n"
    "Device: Cool-tip RF ablation single, 15 cm x 3 cm.\n"
    "Ablation session: 1\n"
    "Tumor location and size: S8, 2 cm.\n"
    "Complication: nil.\n\n"
    "IMPRESSION:\nRFA for S8 hepatic tumor was performed."
)


def test_a_liver_tumor_with_no_histology_is_the_digestive_unspecified_behavior_code(coder):
    result = run(coder, LIVER_TUMOR_FORM)
    assert [(c.code, c.units) for c in result.cpt] == [("47382", 1)]
    assert codes(result) == ["D49.0"]
    assert result.icd10[0].rule == "dx.tumor_nos"
    assert "tumor" in " ".join(evidence(result, "D49.0")).lower()
    assert any(f.rule == "tumor.unspecified_behavior" for f in result.findings)


def test_a_tumor_note_that_gives_a_body_mass_index_is_still_a_tumor_nos(coder):
    text = LIVER_TUMOR_FORM.replace("Anesthesia: general", "Body mass index 31. Anesthesia: GA")
    assert codes(run(coder, text)) == ["D49.0"]


def test_the_same_lesion_called_a_mass_is_the_finding_not_a_neoplasm(coder):
    text = LIVER_TUMOR_FORM.replace("S8 hepatic tumor", "S8 hepatic mass")
    assert codes(run(coder, text)) == ["K76.89"]


RENAL_TUMOR = (
    "A 64-year-old man underwent CT-guided percutaneous cryoablation of a left renal tumor. "
    "Two cryoprobes "
    "were inserted into the tumor and two freeze-thaw cycles were delivered; the ice ball covered "
    "the tumor with a 1 cm margin. No complications."
)


def test_a_renal_tumor_takes_the_side_of_the_kidney_treated(coder):
    result = run(coder, RENAL_TUMOR)
    assert [(c.code, c.modifiers) for c in result.cpt if c.code == "50593"] == [("50593", ["LT"])]
    assert codes(result) == ["D49.512"]


def test_a_named_cancer_wins_over_the_tumor_nos(coder):
    text = RENAL_TUMOR.replace("a left renal tumor", "a left renal cell carcinoma tumor")
    assert codes(run(coder, text)) == ["C64.2"]


def test_bone_tumors_of_a_myeloma_are_the_myeloma_not_a_tumor_nos(coder):
    text = (
        "A 70-year-old woman with multiple myeloma; bone tumors caused compression fractures of "
        "T9 and T10. She underwent percutaneous radiofrequency ablation of the T9 and T10 tumors "
        "with balloon kyphoplasty at both levels in one session."
    )
    assert "D49.2" not in codes(run(coder, text))
    assert "C90.00" in codes(run(coder, text))
