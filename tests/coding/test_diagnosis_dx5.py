"""Diagnosis classes the real-text corpora still missed (brief dx5): a single thyroid nodule told
beside general statements about nodules, Graves' disease beside a nodule treated before. Each
scenario is a realistic note asserting the exact ICD-10-CM codes in sequence and the words they
rest on."""

from __future__ import annotations

import pytest
from dx_helpers import codes, evidence, run

from case2code.engine import Coder


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


SOLITARY_NODULE = (
    "Indication: 52-year-old woman with a solitary benign thyroid nodule of the right lobe, "
    "Bethesda II on two aspirations, causing neck pressure. Thyroid nodules are common and most "
    "benign thyroid nodules need no treatment.\n"
    "Procedure: Ultrasound-guided radiofrequency ablation of the right lobe nodule with the "
    "moving-shot technique, 50 W for 9 minutes."
)


def test_a_single_nodule_beside_a_general_sentence_on_nodules_is_uninodular(coder):
    """properties.yaml subtype_words: the bare plural of a general sentence does not make the
    patient's one nodule a multinodular goiter (E04.2); it stays E04.1."""
    result = run(coder, SOLITARY_NODULE)
    assert [c.code for c in result.cpt] == ["60660"]
    assert codes(result) == ["E04.1"]
    assert "benign thyroid nodule" in evidence(result, "E04.1")


TWO_NODULES = (
    "Indication: 61-year-old man with two benign thyroid nodules in the left lobe, each Bethesda "
    "II, with compressive symptoms.\n"
    "Procedure: Ultrasound-guided radiofrequency ablation of both left lobe nodules in one "
    "session, 45 W."
)


def test_nodules_counted_for_the_patient_are_a_multinodular_goiter(coder):
    result = run(coder, TWO_NODULES)
    assert [c.code for c in result.cpt] == ["60660"]
    assert codes(result) == ["E04.2"]
    assert "benign thyroid nodules" in evidence(result, "E04.2")


NODULAR_STRUMA = (
    "A 50-year-old woman with a slowly enlarging neck mass; ultrasound showed enlargement of both "
    "thyroid lobes, concluded as nodular struma, cytology benign. Ultrasound-guided "
    "radiofrequency ablation of the dominant right lobe nodule was performed."
)


def test_a_nodular_struma_is_the_goiter(coder):
    """Struma is goiter (lexicon ind.thyroid_nodule, subtype_words struma): E04.2."""
    result = run(coder, NODULAR_STRUMA)
    assert codes(result) == ["E04.2"]
    assert "nodular struma" in evidence(result, "E04.2")


GRAVES_AFTER_ABLATION = (
    "A 39-year-old woman, who had radiofrequency ablation of a benign thyroid nodule in another "
    "clinic last year, presented with palpitations and weight loss. Suppressed TSH, raised free "
    "T4 and positive TSH receptor antibodies confirmed Graves' disease. Methimazole was started."
)


def test_graves_disease_takes_the_place_of_a_nontoxic_nodule_code(coder):
    """neoplasm-maps.yaml thyroid_nodule yields_to graves_disease: the gland is thyrotoxic, so
    no nontoxic goiter code (E04.-) beside E05.00, and no line for last year's ablation."""
    result = run(coder, GRAVES_AFTER_ABLATION)
    assert result.cpt == []
    assert codes(result) == ["E05.00"]
    assert evidence(result, "E05.00") == ["Graves' disease"]
