"""Coverage of ablation encounters (issue 9): companions with their own codes, organs and sites
with no ablation code (the unlisted code of their section, never another organ's code), and
services case2code reports without coding (E/M visits), on realistic notes."""

from __future__ import annotations

from datetime import date

import pytest

from case2code.engine import Coder
from case2code.model import Note

NOTES = {
    "adrenal": (
        "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a left adrenal "
        "metastasis.\n"
        "HISTORY: 66-year-old man with non-small cell lung cancer of the right upper lobe "
        "treated with chemoradiation, now with an isolated 2.2 cm left adrenal metastasis.\n"
        "TECHNIQUE: Under CT guidance a radiofrequency electrode was placed into the left "
        "adrenal mass and two 12-minute ablations were performed. Blood pressure was "
        "controlled by anesthesia.\n"
        "COMPLICATIONS: None."
    ),
    "desmoid": (
        "PROCEDURE: Ultrasound-guided percutaneous cryoablation of a desmoid tumor of the "
        "right rectus abdominis.\n"
        "HISTORY: 34-year-old woman with a biopsy-proven 4 cm desmoid tumor of the anterior "
        "abdominal wall.\n"
        "TECHNIQUE: Three cryoprobes were placed into the desmoid tumor under ultrasound "
        "guidance and two 10-minute freeze cycles were performed. No skin injury."
    ),
    "pulsed": (
        "PROCEDURE: Pulsed radiofrequency of the left suprascapular nerve under ultrasound "
        "guidance.\n"
        "INDICATION: 58-year-old man with chronic left shoulder pain.\n"
        "TECHNIQUE: The RF needle was placed at the suprascapular notch. Pulsed "
        "radiofrequency was applied at 42 degrees for 240 seconds. No complications."
    ),
    "lungbx": (
        "PROCEDURE: CT-guided percutaneous core needle biopsy of a right lower lobe nodule.\n"
        "HISTORY: 71-year-old woman with a 1.9 cm spiculated right lower lobe nodule.\n"
        "TECHNIQUE: Under CT guidance a 19-gauge coaxial needle was advanced into the nodule "
        "and three 20-gauge core samples were obtained. No pneumothorax."
    ),
    "lungrfa_tube": (
        "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a right lower lobe "
        "metastasis.\n"
        "HISTORY: 62-year-old man with sigmoid colon adenocarcinoma, resected, now with a "
        "solitary 1.5 cm right lower lobe metastasis.\n"
        "TECHNIQUE: Under CT guidance an RF electrode was placed in the nodule and a "
        "12-minute ablation was performed.\n"
        "COMPLICATIONS: A moderate right pneumothorax developed; a pigtail catheter was "
        "placed into the right pleural space under CT guidance and connected to a water seal."
    ),
    "embol": (
        "PROCEDURE: Transarterial embolization of a T11 vertebral metastasis followed by CT-"
        "guided percutaneous cryoablation.\n"
        "HISTORY: 69-year-old man with metastatic renal cell carcinoma to the T11 vertebral "
        "body.\n"
        "TECHNIQUE: The right T11 intercostal artery feeding the tumor was embolized with "
        "particles. Then under CT guidance two cryoprobes were placed in the T11 metastasis "
        "and two freeze-thaw cycles were performed."
    ),
    "bonebx": (
        "PROCEDURE: CT-guided percutaneous biopsy of a right femoral lesion.\n"
        "HISTORY: 57-year-old woman with breast cancer and a new lytic lesion of the right "
        "femoral shaft.\n"
        "TECHNIQUE: Under CT guidance an 11-gauge bone biopsy needle was advanced into the "
        "right femoral lesion and three cores were obtained for pathology. No complications."
    ),
    "em": (
        "INTERVENTIONAL RADIOLOGY CLINIC NOTE\n"
        "New patient visit. 64-year-old man with hepatocellular carcinoma, a 2.1 cm segment 7"
        " lesion, Child-Pugh A. We reviewed the imaging and discussed microwave ablation, its"
        " risks and benefits. He would like to proceed; ablation will be scheduled next "
        "month.\n"
        "ASSESSMENT: HCC, candidate for percutaneous ablation."
    ),
    "offtopic": (
        "Thyroid nodules are common and most are benign. Radiofrequency ablation uses heat to"
        " shrink nodules that cause symptoms. Ask your doctor whether it is right for you."
    ),
    "acetab": (
        "PROCEDURE: CT-guided percutaneous cementoplasty of the right acetabulum.\n"
        "HISTORY: 74-year-old woman with multiple myeloma and a painful lytic lesion of the "
        "right acetabulum.\n"
        "TECHNIQUE: Under CT and fluoroscopic guidance an 11-gauge needle was placed in the "
        "right acetabular lesion and 6 mL of PMMA cement was injected. No leakage."
    ),
    "liverbx": (
        "PROCEDURE: Ultrasound-guided percutaneous biopsy of a segment 6 liver lesion.\n"
        "HISTORY: 59-year-old man with pancreatic adenocarcinoma and a new 2 cm segment 6 "
        "liver lesion.\n"
        "TECHNIQUE: Under real-time ultrasound guidance an 18-gauge core needle was advanced "
        "into the segment 6 lesion and two cores were obtained. No bleeding."
    ),
    "renalbx": (
        "PROCEDURE: CT-guided percutaneous biopsy of a left renal mass.\n"
        "HISTORY: 68-year-old woman with an incidental 2.5 cm enhancing left renal mass.\n"
        "TECHNIQUE: Under CT guidance an 18-gauge core needle was advanced into the left "
        "renal mass and three cores were obtained. No hematoma."
    ),
    "softbx": (
        "PROCEDURE: CT-guided percutaneous core needle biopsy of a right thigh soft tissue "
        "mass.\n"
        "HISTORY: 45-year-old man with an enlarging 6 cm soft tissue mass of the right thigh."
        "\n"
        "TECHNIQUE: Under CT guidance a 14-gauge core needle was advanced into the soft "
        "tissue mass and four cores were obtained."
    ),
    "chesttube": (
        "PROCEDURE: CT-guided percutaneous microwave ablation of a left upper lobe "
        "adenocarcinoma.\n"
        "HISTORY: 81-year-old woman with a 1.7 cm biopsy-proven adenocarcinoma of the left "
        "upper lobe, not a surgical candidate.\n"
        "TECHNIQUE: A microwave antenna was placed under CT guidance and a 6-minute ablation "
        "was performed.\n"
        "COMPLICATIONS: Large left pneumothorax. A chest tube was placed in the left pleural "
        "space through a small incision and connected to suction."
    ),
    "samelesion": (
        "PROCEDURE: CT-guided percutaneous core biopsy and radiofrequency ablation of a right"
        " lower lobe nodule.\n"
        "HISTORY: 74-year-old man with a 1.6 cm right lower lobe nodule, not a surgical "
        "candidate.\n"
        "TECHNIQUE: Under CT guidance a coaxial needle was placed in the nodule and two core "
        "biopsies were obtained from the nodule. The RF electrode was then placed through the"
        " same nodule and a 12-minute ablation was performed. Pathology is pending."
    ),
    "lungbx2020": (
        "PROCEDURE: CT-guided percutaneous needle biopsy of a left upper lobe mass.\n"
        "HISTORY: 66-year-old man, former smoker, with a 3 cm left upper lobe mass.\n"
        "TECHNIQUE: Under CT guidance a 20-gauge needle was advanced into the mass and three "
        "samples were obtained."
    ),
}


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder, name, on=date(2025, 6, 2)):
    return coder.code(Note(text=NOTES[name], id=name, date_of_service=on))


def _lines(r):
    return [(c.code, c.units, c.modifiers) for c in r.cpt]


def _reasons(r):
    return {x.rule for x in r.review.reasons}


def test_adrenal_ablation_takes_the_endocrine_unlisted_code_not_a_liver_or_kidney_code(coder):
    r = _code(coder, "adrenal")
    assert _lines(r) == [("60699", 1, [])]
    assert r.cpt[0].evidence[0].text == "radiofrequency ablation"
    assert r.review.route == "review" and "route.unlisted_code" in _reasons(r)


def test_abdominal_wall_desmoid_cryoablation_is_the_abdomen_unlisted_code(coder):
    r = _code(coder, "desmoid")
    assert _lines(r) == [("22999", 1, [])]
    assert r.cpt[0].evidence[0].text == "cryoablation"
    assert not {c.code for c in r.cpt} & {"20983", "50593", "47383", "32994"}


def test_acetabular_cementoplasty_is_the_pelvis_unlisted_code_not_a_vertebroplasty(coder):
    r = _code(coder, "acetab")
    assert _lines(r) == [("27299", 1, [])]
    assert r.cpt[0].evidence[0].text == "cementoplasty"


def test_pulsed_radiofrequency_of_a_nerve_is_64999_not_a_destruction_code(coder):
    r = _code(coder, "pulsed")
    assert _lines(r) == [("64999", 1, ["LT"])]
    assert [e.text for e in r.cpt[0].evidence[:2]] == ["left", "Pulsed radiofrequency"]


def test_an_ablation_of_an_organ_the_reader_could_not_name_selects_no_code(coder):
    text = (
        "PROCEDURE: CT-guided percutaneous radiofrequency ablation.\n"
        "HISTORY: 70-year-old man with a 2 cm enhancing lesion.\n"
        "TECHNIQUE: The electrode was placed in the lesion and a 10-minute ablation was performed."
    )
    r = coder.code(Note(text=text, id="blank", date_of_service=date(2025, 6, 2)))
    assert r.cpt == []
    assert r.review.route == "review"
    assert any(f.rule == "scope.nothing_coded" for f in r.findings)


def test_laser_ablation_of_pelvic_endometriosis_borrows_no_bone_code(coder):
    """'pelvic adhesions' and 'cervical biopsies' in a gynecologic operative note are the pelvic
    cavity and the uterine cervix (lexicon stop.pelvic_cavity, stop.cervix_uteri), not the pelvic
    bone or the cervical spine: no bone ablation, unlisted or biopsy code is borrowed, and the
    laser ablation of endometriosis at operative laparoscopy is 58662 (pelvic-laparoscopy.yaml),
    and the endometriosis the KB has no diagnosis map for sends the note to a coder."""
    text = (
        "Postoperative Diagnosis: Mild endometriosis, pelvic congestion syndrome, pelvic adhesive "
        "disease and cervical dysplasia.\n"
        "Procedures: Hysteroscopy, cervical biopsies, operative laparoscopy, laser ablation of "
        "endometriosis and laser lysis of pelvic adhesions in a 31-year-old woman with "
        "dysmenorrhea."
    )
    r = coder.code(Note(text=text, id="gyn", date_of_service=date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("58662", 1, [])]
    assert all(p.organ != "bone" for p in r.facts.procedures)
    assert "route.diagnosis_uncoded" in _reasons(r)  # no endometriosis (N80.-) map in the KB


def test_lung_core_biopsy_is_32408_with_guidance_included(coder):
    r = _code(coder, "lungbx")
    assert _lines(r) == [("32408", 1, [])]
    assert r.cpt[0].evidence[0].text == "core needle biopsy"


def test_lung_needle_biopsy_in_2020_is_32405_with_ct_guidance_reported(coder):
    r = _code(coder, "lungbx2020", on=date(2020, 6, 2))
    assert _lines(r) == [("32405", 1, []), ("77012", 1, ["26"])]


def test_liver_biopsy_is_47000_with_ultrasound_needle_guidance(coder):
    r = _code(coder, "liverbx")
    assert _lines(r) == [("47000", 1, []), ("76942", 1, ["26"])]


def test_renal_biopsy_is_50200_with_side_and_guidance_bundled(coder):
    r = _code(coder, "renalbx")
    assert _lines(r) == [("50200", 1, ["LT"])]
    assert "77012" in {n.code for n in r.not_reported}


def test_soft_tissue_needle_biopsy_is_20206_with_ct_guidance(coder):
    r = _code(coder, "softbx")
    assert _lines(r) == [("20206", 1, []), ("77012", 1, ["26"])]


def test_bone_biopsy_guidance_is_reported_not_called_included(coder):
    r = _code(coder, "bonebx")
    assert _lines(r) == [("20225", 1, []), ("77012", 1, ["26"])]
    assert "77012" not in {n.code for n in r.not_reported}


def test_same_lesion_lung_biopsy_is_a_bundled_not_reported_line_not_a_query(coder):
    r = _code(coder, "samelesion")
    assert _lines(r) == [("32998", 1, ["RT"])]
    bundled = next(n for n in r.not_reported if n.code == "32408")
    assert bundled.rule == "ncci.biopsy.same_lesion"
    assert "32998" in bundled.reason
    assert not [f for f in r.findings if f.rule == "gap.no_code"]


def test_pneumothorax_pigtail_under_ct_is_32557_and_goes_to_review(coder):
    r = _code(coder, "lungrfa_tube")
    assert _lines(r) == [("32998", 1, ["RT"]), ("32557", 1, [])]
    assert next(c for c in r.cpt if c.code == "32557").evidence[0].text == "pigtail catheter"
    assert "review.pleural_with_needle_procedure" in {f.rule for f in r.findings}
    assert r.review.route == "review"


def test_open_chest_tube_for_pneumothorax_after_lung_ablation_is_32551(coder):
    r = _code(coder, "chesttube")
    assert _lines(r) == [("32998", 1, ["LT"]), ("32551", 1, [])]
    assert next(c for c in r.cpt if c.code == "32551").evidence[0].text == "chest tube"


def test_embolization_before_cryoablation_is_37243_and_the_catheter_codes_go_to_a_coder(coder):
    r = _code(coder, "embol")
    assert _lines(r) == [("37243", 1, []), ("20983", 1, [])]
    assert "review.embolization_catheterization" in {f.rule for f in r.findings}
    assert r.review.route == "review"


def test_em_only_clinic_note_says_the_visit_is_out_of_scope_and_nothing_is_coded(coder):
    r = _code(coder, "em")
    assert r.cpt == []
    scope = next(f for f in r.findings if f.kind == "out_of_scope")
    assert "E/M levels are out of scope" in scope.message
    assert "code it manually" in scope.message
    assert scope.evidence[0].text == "New patient visit"
    nothing = [f for f in r.findings if f.rule == "scope.nothing_coded"]
    assert len(nothing) == 1 and "E/M visit" in nothing[0].message
    assert r.review.route == "review"


def test_off_topic_patient_education_text_bills_nothing_and_says_why(coder):
    """A leaflet is no encounter: its RF ablation is withheld with the reason, and since a line
    was withheld a coder confirms the empty claim (a leaflet that names no procedure we code
    would be routed auto)."""
    r = _code(coder, "offtopic")
    assert r.cpt == [] and r.icd10 == []
    assert [n.code for n in r.not_reported if n.rule == "scope.no_patient"] == ["60660"]
    nothing = next(f for f in r.findings if f.rule == "scope.nothing_coded")
    assert "names no patient" in nothing.message
    assert r.review.route == "review" and _reasons(r) == {"route.no_patient", "route.no_procedure"}


def test_a_note_with_only_a_planned_procedure_says_so_in_one_line(coder):
    text = (
        "A patient diagnosed with metastatic breast cancer presents with bone lesions in the "
        "spine. The provider recommends radiofrequency ablation to alleviate pain and reduce "
        "tumor burden."
    )
    r = coder.code(Note(text=text, id="plan", date_of_service=date(2025, 6, 2)))
    nothing = [f for f in r.findings if f.rule == "scope.nothing_coded"]
    assert len(nothing) == 1
    assert "no performed procedure was found" in nothing[0].message
    assert "planned" in nothing[0].message


def test_anesthesia_by_anesthesiology_is_a_finding_not_a_code(coder):
    text = (
        "PROCEDURE: CT-guided percutaneous cryoablation of right renal mass.\n"
        "INDICATION: 77-year-old man with biopsy-proven clear cell renal cell carcinoma of the "
        "right kidney.\nANESTHESIA: General anesthesia by anesthesiology.\n"
        "TECHNIQUE: Three cryoprobes were placed in the right renal tumor under CT guidance and "
        "two freeze-thaw cycles were performed."
    )
    r = coder.code(Note(text=text, id="ga", date_of_service=date(2025, 6, 2)))
    assert [(c.code, c.modifiers) for c in r.cpt] == [("50593", ["RT"]), ("77013", ["26"])]
    scope = next(f for f in r.findings if f.rule == "scope.anesthesia")
    assert scope.evidence[0].text == "General anesthesia"
    assert text[scope.evidence[0].start : scope.evidence[0].end] == "General anesthesia"
    assert "not coded by case2code: code it manually" in scope.message
    assert not {"99152", "99153"} & {c.code for c in r.cpt}
