"""Coding scenarios on realistic notes: exact codes, units, modifiers and evidence."""

from __future__ import annotations

import json
from datetime import date

import pytest

from case2code.batch import code_lines
from case2code.engine import Coder
from case2code.errors import InputError
from case2code.model import Note

SEED_2 = (
    "A patient with prostate cancer experiences bone metastasis in the pelvis. The provider uses "
    "imaging guidance to perform RFA on the affected areas, targeting both the tumor and "
    "surrounding soft tissue."
)
SEED_1 = (
    "A patient diagnosed with metastatic breast cancer presents with bone lesions in the spine. "
    "The provider recommends radiofrequency ablation to alleviate pain and reduce tumor burden."
)
LIVER = (
    "PROCEDURE: Ultrasound-guided percutaneous microwave ablation of a segment 7 liver "
    "metastasis.\n"
    "HISTORY: 58-year-old man with sigmoid colon adenocarcinoma on FOLFOX, now with a single "
    "hepatic metastasis.\nTECHNIQUE: Under ultrasound guidance a microwave antenna was placed into "
    "the lesion. Ablation was performed at 100 W for 5 minutes.\nCOMPLICATIONS: None."
)
ABORTED = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a left femoral metastasis from "
    "renal cell carcinoma, discontinued.\nTECHNIQUE: Moderate sedation was given and the RF "
    "electrode was placed. The procedure was aborted after sedation because of sustained "
    "hypotension, before any energy was delivered."
)
SEDATION = (
    "PROCEDURE: CT-guided percutaneous cryoablation of a right iliac bone metastasis from breast "
    "cancer on letrozole.\nSEDATION: Moderate sedation by the proceduralist with an independent "
    "trained observer. Intraservice time 27 minutes.\nTECHNIQUE: Two cryoprobes were placed and "
    "two freeze-thaw cycles performed."
)


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder, text, setting="professional", on=date(2025, 6, 2)):
    return coder.code(Note(text=text, id="t", date_of_service=on, setting=setting))


def test_seed_prostate_pelvis_rfa_is_20982_with_met_first(coder):
    r = _code(coder, SEED_2)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("20982", 1, [])]
    assert [d.code for d in r.icd10] == ["C79.51", "C61"]
    assert r.cpt[0].evidence[0].text == "RFA"
    assert SEED_2[r.cpt[0].evidence[0].start : r.cpt[0].evidence[0].end] == "RFA"


def test_seed_recommended_rfa_is_not_reported(coder):
    r = _code(coder, SEED_1)
    assert r.cpt == []
    assert [n.code for n in r.not_reported] == ["20982"]
    assert "planned" in r.not_reported[0].reason
    assert r.not_reported[0].evidence[0].text == "radiofrequency ablation"


def test_liver_microwave_reports_ultrasound_guidance_with_26(coder):
    r = _code(coder, LIVER)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("47382", 1, []),
        ("76940", 1, ["26"]),
    ]
    # the liver met is the target, first; the primary is in the sigmoid colon
    assert [d.code for d in r.icd10] == ["C78.7", "C18.7"]


def test_liver_guidance_on_facility_claim_has_no_26(coder):
    r = _code(coder, LIVER, setting="facility")
    assert [(c.code, c.modifiers) for c in r.cpt] == [("47382", []), ("76940", [])]


def test_aborted_after_sedation_is_53_professional_and_74_facility(coder):
    prof = _code(coder, ABORTED)
    fac = _code(coder, ABORTED, setting="facility")
    assert [(c.code, c.modifiers) for c in prof.cpt] == [("20982", ["53"])]
    assert [(c.code, c.modifiers) for c in fac.cpt] == [("20982", ["74"])]
    # every stop cue that made it discontinued, in the note's order, ends the evidence
    assert [e.text for e in prof.cpt[0].evidence[-2:]] == ["discontinued", "procedure was aborted"]


def test_sedation_27_minutes_is_99152_plus_one_99153(coder):
    r = _code(coder, SEDATION)
    lines = [(c.code, c.units) for c in r.cpt]
    assert lines == [("20983", 1), ("99152", 1), ("99153", 1)]
    # both CT guidance codes are part of 20983: neither may be added
    assert [n.code for n in r.not_reported] == ["77012", "77013"]


def test_empty_note_is_a_clear_input_error(coder):
    with pytest.raises(InputError) as err:
        _code(coder, "   ")
    assert "[E010]" in str(err.value)


def test_batch_keeps_order_and_isolates_bad_lines(coder):
    lines = [
        json.dumps({"id": "a", "text": SEED_2, "date_of_service": "2025-01-02"}),
        "not json",
        json.dumps({"id": "b", "text": ""}),
        json.dumps({"id": "c", "text": SEED_1, "setting": "hospital"}),
        json.dumps({"id": "d", "text": SEED_1}),
    ]
    out = list(code_lines(lines, coder=coder, source="in.jsonl"))
    assert [o.get("id") for o in out] == ["a", None, "b", "c", "d"]
    assert out[0]["error"] is None and out[0]["cpt"][0]["code"] == "20982"
    assert out[1]["line"] == 2 and out[1]["error"]["code"] == "E011"
    assert out[2]["error"]["code"] == "E010"
    assert out[3]["error"]["code"] == "E012" and "setting" in out[3]["error"]["message"]
    assert out[4]["cpt"] == [] and out[4]["not_reported"][0]["code"] == "20982"


PANCREAS = (
    "PROCEDURE: CT-guided percutaneous cryoablation of pancreatic head adenocarcinoma.\n"
    "HISTORY: 71-year-old man with locally advanced adenocarcinoma of the head of the pancreas, "
    "not a surgical candidate.\nTECHNIQUE: Under CT guidance, three cryoprobes were placed into "
    "the pancreatic head mass. Two freeze-thaw cycles were performed. No complications."
)


def test_pancreatic_cryoablation_takes_the_pancreas_unlisted_code_never_another_organs(coder):
    r = _code(coder, PANCREAS)
    # no pancreatic ablation code exists: the unlisted code of the pancreas section (issue 9)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("48999", 1, [])]
    assert r.cpt[0].evidence[0].text == "cryoablation"
    assert [d.code for d in r.icd10] == ["C25.0"]  # the table's pancreas > head
    assert "unlisted.48999" in [f.rule for f in r.findings]


COUNSELLING = (
    "CLINIC NOTE: 62-year-old woman with a 2.4 cm enhancing left renal mass, biopsy-proven clear "
    "cell renal cell carcinoma.\nShe was counseled regarding percutaneous cryoablation versus "
    "partial nephrectomy, including the risks and benefits of each. She would like time to think "
    "about her options and will call the clinic."
)


def test_counselling_about_renal_cryoablation_codes_no_procedure(coder):
    r = _code(coder, COUNSELLING)
    assert r.cpt == []
    assert [n.code for n in r.not_reported] == ["50593"]
    assert r.not_reported[0].evidence[0].text == "cryoablation"


TUMOR_BOARD = (
    "THORACIC TUMOR BOARD\nCase: 70-year-old woman with a 1.8 cm adenocarcinoma of the right upper "
    "lobe, diagnosed on a CT-guided core biopsy last spring; not a surgical candidate.\n"
    "Recommendation: CT-guided percutaneous microwave ablation of the RUL tumor, to be scheduled "
    "by interventional radiology.\nNo procedure was performed at this conference."
)


def test_tumor_board_that_says_no_procedure_was_performed_codes_nothing(coder):
    r = _code(coder, TUMOR_BOARD)
    assert r.cpt == []
    assert [d.code for d in r.icd10] == ["C34.11"]
    assert r.review.route == "review"


FACET_L5_S1 = (
    "INDICATION FOR PROCEDURE: Right-sided low back pain, spondylosis without myelopathy.\n"
    "PROCEDURE: Right L4-L5 and L5-S1 facet joint radiofrequency neurotomy under fluoroscopy. "
    "The L3 and L4 medial branches and the L5 dorsal ramus were lesioned at 80 degrees for 90 "
    "seconds each."
)


def test_spondylosis_with_no_region_word_at_l5_s1_is_the_lumbosacral_code(coder):
    r = coder.code(Note(FACET_L5_S1, "facet", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("64635", 1, ["RT"]),
        ("64636", 1, ["RT"]),
    ]
    assert [d.code for d in r.icd10] == ["M47.817"]
    assert r.icd10[0].evidence[0].text == "spondylosis"


def test_spondylosis_written_as_lumbar_keeps_the_lumbar_code_at_l5_s1(coder):
    text = FACET_L5_S1.replace("spondylosis without", "lumbar spondylosis without")
    r = coder.code(Note(text, "facet", date(2025, 6, 2)))
    assert [d.code for d in r.icd10] == ["M47.816"]
    assert r.icd10[0].evidence[0].text == "lumbar spondylosis"


def test_imaging_offered_as_alternatives_is_no_guidance_code(coder):
    text = (
        "Elderly man status post right nephrectomy for renal cell cancer, now with a new left "
        "renal lesion. Radiofrequency ablation of the exophytic left renal lesion was performed. "
        "The electrode was placed sonographically or with CT guidance into the tumor."
    )
    r = coder.code(Note(text, "alt-guidance", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("50592", 1, ["LT"])]
    assert not {"76940", "77013"} & {n.code for n in r.not_reported}
    gap = next(f for f in r.findings if "imaging used for guidance is not named" in f.message)
    assert gap.message.startswith("50592:")


EVLA = (
    "PROCEDURE: Endovenous laser ablation (EVLA) of the left great saphenous vein.\n"
    "INDICATION: 61-year-old woman with painful varicose veins of the left leg and GSV reflux.\n"
    "TECHNIQUE: Under ultrasound guidance the left GSV was accessed below the knee; a 1470 nm "
    "laser fiber was positioned 2 cm below the saphenofemoral junction, tumescent anesthesia was "
    "given and the vein was treated over 38 cm."
)


def test_endovenous_laser_ablation_is_the_laser_vein_code_with_imaging_included(coder):
    r = coder.code(Note(EVLA, "evla", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("36478", 1, ["LT"])]
    assert r.cpt[0].evidence[0].text == "left"
    assert "76942" not in [c.code for c in r.cpt]
    assert [d.code for d in r.icd10] == ["I83.812"]


def test_a_second_vein_of_the_same_leg_by_laser_is_the_add_on(coder):
    text = EVLA.replace(
        "treated over 38 cm.",
        "treated over 38 cm. Through a separate access the left small saphenous vein was then "
        "ablated with the laser over 18 cm.",
    )
    r = coder.code(Note(text, "evla-2", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("36478", 1, ["LT"]),
        ("36479", 1, ["LT"]),
    ]


def test_management_options_listed_in_general_code_no_procedure(coder):
    text = (
        "A 17-year-old was referred for evaluation of right lower leg pain. CT shows a cortical "
        "nidus of the right tibial diaphysis; osteoid osteoma was diagnosed.\n"
        "Osteoid osteomas can be managed with watchful waiting and NSAIDs as needed, surgical "
        "excision and curettage, or radiofrequency (RF) ablation."
    )
    r = coder.code(Note(text, "options", date(2024, 6, 1)))
    assert r.cpt == []
    assert [d.code for d in r.icd10][0] == "D16.21"


def test_a_coding_example_in_the_present_tense_is_coded_as_done(coder):
    text = (
        "Example 1: A 60-year-old male presents with a single 2 cm liver tumor detected on CT "
        "scan. Percutaneous cryoablation is performed under ultrasound guidance."
    )
    r = coder.code(Note(text, "example", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [
        ("47383", 1, []),
        ("76940", 1, ["26"]),
    ]
    assert r.cpt[1].evidence[0].text == "under ultrasound guidance"
