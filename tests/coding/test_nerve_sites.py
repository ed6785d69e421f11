"""Nerve ablations outside the spine: a named peripheral nerve (the shoulder's suprascapular nerve,
the hip's femoral and obturator articular branches) is 64640, one unit per nerve, with the side as
RT/LT (PFS bilateral indicator 1); an intercostal nerve is 64620. No genicular, sacroiliac or facet
code is borrowed for them (nerve.yaml `require`); pulsed RF stays the unlisted 64999 and cryo of a
limb nerve is left to a coder; imaging guidance beside 64640/64620 is a finding, not a guessed line.
The joint's osteoarthritis is coded as that joint's (M19.01-, M16.-), not the knee's M17."""

from __future__ import annotations

from datetime import date

import pytest

from case2code.engine import Coder
from case2code.model import Note

SUPRASCAPULAR = (
    "PROCEDURE: Fluoroscopy-guided radiofrequency ablation of the right suprascapular nerve.\n"
    "INDICATION: 79-year-old woman with right glenohumeral osteoarthritis; a diagnostic "
    "suprascapular nerve block gave complete relief.\n"
    "TECHNIQUE: A 20-gauge RF needle was placed in the suprascapular notch under fluoroscopy. "
    "Sensory stimulation reproduced her pain and motor testing was negative. A lesion was made at "
    "80 degrees C for 90 seconds. She tolerated the procedure well."
)
HIP_BRANCHES = (
    "PROCEDURE: Radiofrequency ablation of the articular branches of the left obturator and "
    "femoral nerves under fluoroscopy.\n"
    "DIAGNOSIS: Osteoarthritis of the left hip, not a surgical candidate.\n"
    "TECHNIQUE: Two RF cannulas were placed at the obturator and femoral articular branches; after "
    "sensory and motor testing, lesions were made at 80 degrees C for 90 seconds each."
)


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder: Coder, text: str):
    return coder.code(Note(text, "nerve-site", date(2025, 5, 6)))


PULSED_SUPRASCAPULAR = (
    "PROCEDURE: Pulsed radiofrequency treatment of the left suprascapular nerve under ultrasound "
    "guidance.\n"
    "INDICATION: 68-year-old man with chronic left shoulder pain from rotator cuff arthropathy.\n"
    "TECHNIQUE: A 22-gauge RF cannula was advanced to the suprascapular notch under ultrasound. "
    "After sensory stimulation at 0.4 V, pulsed radiofrequency was applied at 42 degrees C for 240 "
    "seconds. No thermal lesion was made. He tolerated it well."
)
GENICULAR = (
    "PROCEDURE: Right genicular nerve radiofrequency ablation under fluoroscopy.\n"
    "DIAGNOSIS: Primary osteoarthritis of the right knee.\n"
    "TECHNIQUE: RF cannulas were placed at the superomedial, superolateral and inferomedial "
    "genicular nerves. After motor testing, lesions were made at 80 degrees C for 90 seconds at "
    "each site."
)
INTERCOSTAL_CRYO = (
    "PROCEDURE: CT-guided cryoablation of the left intercostal nerves.\n"
    "INDICATION: 61-year-old woman with chronic post-thoracotomy pain after a left upper "
    "lobectomy; intercostal nerve blocks gave short relief.\n"
    "TECHNIQUE: Under CT guidance a cryoprobe was placed along the inferior border of the left "
    "fifth rib at the intercostal nerve. Two freeze-thaw cycles were performed. No pneumothorax "
    "on the final images."
)
CRYO_SUPRASCAPULAR = (
    "PROCEDURE: Ultrasound-guided cryoneurolysis of the right suprascapular nerve.\n"
    "INDICATION: Chronic right shoulder pain from glenohumeral osteoarthritis.\n"
    "TECHNIQUE: A cryoprobe was placed at the suprascapular notch under ultrasound and two freeze "
    "cycles were applied."
)


def _lines(r) -> list[tuple[str, int, list[str]]]:
    return [(line.code, line.units, line.modifiers) for line in r.cpt]


def _rules(r) -> list[str]:
    return [x.rule for x in r.review.reasons]


def test_a_suprascapular_nerve_ablation_is_64640_on_its_side(coder):
    r = _code(coder, SUPRASCAPULAR)
    assert _lines(r) == [("64640", 1, ["RT"])]
    assert [e.text for e in r.cpt[0].evidence] == ["right", "radiofrequency ablation"]
    assert [d.code for d in r.icd10] == ["M19.011"]
    assert [e.text for e in r.icd10[0].evidence] == ["right glenohumeral osteoarthritis"]


def test_guidance_beside_64640_is_left_to_a_coder_not_added(coder):
    r = _code(coder, SUPRASCAPULAR)
    assert [line.code for line in r.cpt] == ["64640"]  # no 77002 guessed
    assert r.review.route == "review"
    advisory = [f for f in r.findings if f.rule == "advisory.peripheral-nerve-guidance-by-year"]
    assert [(f.kind, f.codes) for f in advisory] == [("review", ["64640"])]


def test_hip_articular_branches_of_two_nerves_are_two_units(coder):
    r = _code(coder, HIP_BRANCHES)
    assert _lines(r) == [("64640", 2, ["LT"])]
    assert "64624" not in [line.code for line in r.cpt]
    assert [d.code for d in r.icd10] == ["M16.12"]
    assert [e.text for e in r.icd10[0].evidence] == ["Osteoarthritis of the left hip"]


def test_pulsed_rf_of_the_suprascapular_nerve_is_unlisted_not_64640(coder):
    r = _code(coder, PULSED_SUPRASCAPULAR)
    assert _lines(r) == [("64999", 1, ["LT"])]
    assert "route.unlisted_code" in _rules(r)
    assert [d.code for d in r.icd10] == ["M25.512"]


def test_a_genicular_ablation_stays_64624(coder):
    r = _code(coder, GENICULAR)
    assert _lines(r) == [("64624", 1, ["RT"])]
    assert [d.code for d in r.icd10] == ["M17.11"]
    assert r.review.route == "auto"


def test_intercostal_nerve_cryoablation_is_64620_without_side(coder):
    r = _code(coder, INTERCOSTAL_CRYO)
    assert _lines(r) == [("64620", 1, [])]
    assert [e.text for e in r.cpt[0].evidence] == ["cryoablation"]
    assert not {"32998", "32994", "20982", "64633", "64420"} & {x.code for x in r.cpt}
    rules = [f.rule for f in r.findings]
    assert "advisory.intercostal-units-and-guidance" in rules
    assert r.review.route == "review"


def test_cryoneurolysis_of_a_limb_nerve_is_left_to_a_coder(coder):
    r = _code(coder, CRYO_SUPRASCAPULAR)
    assert r.cpt == []
    assert "route.uncovered_procedure" in _rules(r)


PHENOL_INTERCOSTAL = (
    "PROCEDURE: Chemical neurolysis of the right T6, T7 and T8 intercostal nerves with 6% phenol, "
    "landmark technique.\n"
    "INDICATION: Intractable chest wall pain from a rib metastasis of lung cancer.\n"
    "TECHNIQUE: At the angle of each rib a 25-gauge needle was walked off the inferior border and "
    "1 mL of 6% phenol was injected at each level after negative aspiration."
)


def test_thoracic_intercostal_levels_are_64620_for_a_coder_to_count_not_a_facet_code(coder):
    r = _code(coder, PHENOL_INTERCOSTAL)
    assert _lines(r) == [("64620", 1, [])]  # the unit basis of 64620 is not sourced
    assert [e.text for e in r.cpt[0].evidence] == ["Chemical neurolysis"]
    advisory = [f for f in r.findings if f.rule == "advisory.intercostal-units-and-guidance"]
    assert [(f.kind, f.codes) for f in advisory] == [("review", ["64620"])]
    assert r.review.route == "review"


FEMUR_TUMOR_NEAR_NERVES = (
    "PROCEDURE: CT-guided radiofrequency ablation of a painful metastasis in the left proximal "
    "femur.\n"
    "INDICATION: Metastatic renal cell carcinoma with a lytic lesion of the left femur.\n"
    "TECHNIQUE: The RF probe was placed into the lesion under CT guidance, away from the sciatic "
    "nerve and the femoral nerve. Thermal ablation was performed for 8 minutes. No nerve injury."
)


def test_a_bone_tumor_ablation_naming_the_nerves_it_spared_borrows_no_nerve_code(coder):
    r = _code(coder, FEMUR_TUMOR_NEAR_NERVES)
    assert _lines(r) == [("20982", 1, [])]
    assert [d.code for d in r.icd10] == ["C79.51", "C64.9", "G89.3"]


SI_RF_AS_LEVELS = (
    "PROCEDURE: Bilateral L5, S1, S2, and S3 radiofrequency ablation.\n"
    "INDICATION: Sacroiliac joint pain.\n"
    "CONSENT: Risks including infection, bleeding, nerve injuries and spinal cord injury were "
    "discussed with the 58-year-old patient.\n"
    "TECHNIQUE: Under fluoroscopy the L5 dorsal ramus and the S1, S2 and S3 lateral branches were "
    "lesioned on both sides at 80 C for 90 seconds each.\n"
    "Follow up at the Spine Clinic in two weeks."
)


def test_si_joint_rf_written_as_levels_is_64625_bilateral_not_a_bone_or_facet_code(coder):
    """The procedure line names only levels; the note's nerves are the SI joint's lateral
    branches with the L5 dorsal ramus (nerve site_from_note by nerve_site_priority), so 64625-50;
    'spinal cord injury' in the risks and the 'Spine Clinic' name no vertebra (stop phrases)."""
    r = coder.code(Note(SI_RF_AS_LEVELS, "si-levels", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("64625", 1, ["50"])]
    assert [d.code for d in r.icd10] == ["M53.3"]
    assert not {"20982", "64628", "64635"} & {c.code for c in r.cpt}


SI_THERMOCOAGULATION = (
    "PROCEDURE:  Right sacral alar notch and sacroiliac joint/posterior rami radiofrequency "
    "thermocoagulation.\n"
    "INDICATION: Right sacroiliac joint pain.\n"
    "DETAILS OF PROCEDURE:  Under fluoroscopy, the right sacral alar notch was identified. After "
    "placement of a 20-gauge SMK needle into the notch, coagulation was carried out at 90 C for "
    "90 seconds. The needle was then moved to the right sacroiliac joint and the S2 and S3 "
    "posterior rami and the steps were repeated."
)


def test_radiofrequency_thermocoagulation_of_the_si_joint_nerves_is_64625_on_its_side(coder):
    """'radiofrequency thermocoagulation' is an RF ablation (lexicon act.rfa); at the SI joint's
    nerves it is 64625 with the side named, fluoroscopy included."""
    r = coder.code(Note(SI_THERMOCOAGULATION, "si-thermo", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("64625", 1, ["RT"])]
    assert "thermocoagulation" in " ".join(s.text for s in r.cpt[0].evidence)
    assert [d.code for d in r.icd10] == ["M53.3"]


INTERCOSTAL_NEURALGIA_NEAR_RIBS = (
    "Ultrasound-guided radiofrequency ablation in a patient with intercostal neuralgia after "
    "osteomyelitis of the anterior ends of the left 7th and 8th ribs.\n"
    "A 56-year-old woman had severe pain over the left T7 and T8 dermatomes; intercostal nerve "
    "blocks gave three weeks of relief, and radiofrequency ablation followed."
)


def test_rfa_for_intercostal_neuralgia_is_the_nerves_code_not_the_ribs(coder):
    """'intercostal neuralgia' names the intercostal nerve treated and its diagnosis (lexicon
    ind.intercostal_neuralgia, G58.0), so the ribs named beside it are no bone tumor target:
    64620, never 20982."""
    r = coder.code(Note(INTERCOSTAL_NEURALGIA_NEAR_RIBS, "icn", date(2025, 6, 2)))
    # one unit: the sources read do not say how intercostal nerves are counted (a coder sets it)
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("64620", 1, [])]
    assert [d.code for d in r.icd10] == ["G58.0"]
    assert [e.text for e in r.icd10[0].evidence][:1] == ["intercostal neuralgia"]


def test_post_thoracotomy_pain_not_called_chronic_is_the_acute_default_g89_12(coder):
    """I.C.6.b.3: post-thoracotomy pain not specified as acute or chronic is coded to the acute
    form; a bedside intercostal block the day after surgery treats it."""
    text = (
        "PREOPERATIVE DIAGNOSIS:  Severe post thoracotomy pain.\n"
        "PROCEDURE:  Intercostal nerve cryoablation, left T5, under CT guidance, in a 58-year-old "
        "man in the ICU on intravenous narcotics; two 8-minute freeze cycles."
    )
    r = coder.code(Note(text, "ptp-acute", date(2025, 6, 2)))
    assert [d.code for d in r.icd10] == ["G89.12"]
    assert [e.text for e in r.icd10[0].evidence][:1] == ["post thoracotomy pain"]


def test_cryoablation_of_intercostal_nerves_for_post_thoracotomy_pain_is_g89_22(coder):
    """Chronic post-thoracotomy pain syndrome is G89.22 (lexicon ind.post_thoracotomy_pain);
    the intercostal nerves treated are 64620."""
    text = (
        "Image-guided cryoablation of the left T5 intercostal nerve for chronic post-thoracotomy "
        "pain syndrome in a 61-year-old man, under CT guidance, two 8-minute freeze cycles."
    )
    r = coder.code(Note(text, "ptps", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("64620", 1, [])]
    assert [d.code for d in r.icd10] == ["G89.22"]
    assert [e.text for e in r.icd10[0].evidence][:1] == ["chronic post-thoracotomy pain syndrome"]


MORTON_RIGHT = (
    "A 58-year-old woman with a painful Morton neuroma of the third interspace of the right foot. "
    "Ultrasound-guided pulsed radiofrequency of the right third common digital nerve was "
    "performed at 42 C for 420 seconds."
)


def test_pulsed_rf_of_a_mortons_neuroma_is_unlisted_with_the_plantar_nerve_lesion(coder):
    """Pulsed RF is no destruction (64999, as for other nerves); Morton's neuroma is a lesion
    of the plantar nerve by limb (neoplasm-maps plantar_nerve_lesion: G57.6-)."""
    r = coder.code(Note(MORTON_RIGHT, "morton", date(2025, 6, 2)))
    assert [(c.code, c.units) for c in r.cpt] == [("64999", 1)]
    assert "64632" not in {c.code for c in r.cpt}
    assert [d.code for d in r.icd10] == ["G57.61"]
    both = MORTON_RIGHT.replace(
        "a painful Morton neuroma of the third interspace of the right foot",
        "Morton neuromas in both feet",
    )
    assert [d.code for d in coder.code(Note(both, "morton-2", date(2025, 6, 2))).icd10] == [
        "G57.63"
    ]
