"""Coverage helper cov7: procedures with codes of their own that notes otherwise read as a
look-alike or leave uncoded. Sacroplasty (0200T one side, 0201T both sides; never a vertebroplasty
code), transrectal HIFU of prostate cancer (55880 from 2021, not cryoablation 55873),
transcervical radiofrequency ablation of fibroids (58580 from 2024, not endometrial ablation
58353/58563), cyanoacrylate vein closure (36482, +36483; not the thermal closures 36475/36478),
needle biopsy of an adrenal mass (49180, its guidance reported apart), breast biopsy by its
imaging (19081-19086, the imaging included) or with none (19100), needle or open biopsy of a
superficial lymph node (38505, 38500), open biopsy of a deep cervical or deep axillary node
(38510, 38525) and aspiration or ethanol ablation of a thyroid cyst (60300 with its ultrasound
guidance, not the unlisted 60699). Each note is written for this file in clinical style; the
codes are asserted with their units and modifiers, and the look-alike is asserted absent."""

from __future__ import annotations

from datetime import date

import pytest
from line_helpers import DATE_OF_SERVICE, lines, not_reported, reasons

from case2code.engine import Coder
from case2code.model import Note

NOTES = {
    "sacroplasty_right": (
        "PROCEDURE: CT-guided right sacroplasty.\n"
        "INDICATION: 78-year-old woman with severe osteoporosis and a right sacral ala "
        "insufficiency fracture with intractable buttock pain despite six weeks of "
        "conservative care.\n"
        "DETAILS: Prone position. Under CT guidance an 11-gauge bone access needle was "
        "advanced into the right sacral ala. Polymethylmethacrylate cement was injected under"
        " intermittent CT fluoroscopy, 4 mL, with no leak into the neural foramina. The "
        "needle was removed. No complications."
    ),
    "sacroplasty_bilateral": (
        "PROCEDURE: Bilateral percutaneous sacroplasty under fluoroscopic guidance.\n"
        "HISTORY: 81-year-old man with osteoporosis and bilateral sacral insufficiency "
        "fractures (H-pattern) with severe low back and buttock pain.\n"
        "TECHNIQUE: Prone position. Using fluoroscopy, two 11-gauge needles were placed into "
        "the left sacral ala and one into the right sacral ala. Bone cement was injected, 3 "
        "mL on the right and 5 mL on the left, with good fill and no extravasation. "
        "Hemostasis obtained."
    ),
    "sacroplasty_balloon": (
        "PROCEDURE: Left balloon sacroplasty under CT and fluoroscopic guidance.\n"
        "INDICATION: 72-year-old woman with metastatic breast cancer and a painful lytic "
        "lesion of the left sacral ala.\n"
        "TECHNIQUE: Prone. Through a left posterior approach an 11-gauge cannula was placed "
        "into the left sacral ala. A balloon was inflated to create a cavity, then 5 mL of "
        "PMMA was injected under fluoroscopy. No leakage. No complications."
    ),
    "sacroplasty_sides_unread": (
        "PROCEDURE: Sacroplasty.\n"
        "HISTORY: 84-year-old woman with osteoporosis and sacral insufficiency fractures of both "
        "sacral alae.\n"
        "TECHNIQUE: Under fluoroscopy one 11-gauge needle was placed in the right sacral ala and "
        "one in the left sacral ala, and PMMA was injected on each side."
    ),
    "hifu": (
        "PROCEDURE: Transrectal high-intensity focused ultrasound (HIFU) ablation of the "
        "prostate.\n"
        "DIAGNOSIS: Prostate adenocarcinoma, Gleason 3+4=7, grade group 2, PSA 6.2 ng/mL, "
        "clinically localized to the left lobe.\n"
        "DESCRIPTION: Under general anesthesia administered by anesthesia, the HIFU probe was"
        " placed transrectally. Real-time ultrasound was used to plan the treatment zones "
        "covering the left hemigland. The left hemigland was ablated with HIFU in overlapping"
        " lesions. A urethral catheter was left in place. The patient tolerated the procedure"
        " well."
    ),
    "hifu_sonablate": (
        "PROCEDURE: Whole-gland HIFU of the prostate with the Sonablate device.\n"
        "DIAGNOSIS: Prostate adenocarcinoma, Gleason 3+3, PSA 5.1.\n"
        "DESCRIPTION: Under general anesthesia the transrectal HIFU probe was positioned and "
        "the whole gland was ablated under real-time ultrasound. Catheter placed."
    ),
    "sonata": (
        "PROCEDURE: Transcervical radiofrequency ablation of uterine fibroids (Sonata).\n"
        "INDICATION: 44-year-old woman with heavy menstrual bleeding due to symptomatic "
        "uterine leiomyomas, a 4 cm intramural fibroid and a 3 cm submucosal fibroid.\n"
        "DESCRIPTION: The Sonata treatment device with its intrauterine ultrasound probe was "
        "introduced through the cervix. Under intrauterine sonography guidance, each fibroid "
        "was targeted and radiofrequency ablation was performed, two ablations for the "
        "intramural fibroid and one for the submucosal fibroid. No complications."
    ),
    "novasure_with_fibroid": (
        "PROCEDURE: NovaSure endometrial ablation.\n"
        "INDICATION: 46-year-old woman with menorrhagia. Pelvic ultrasound showed a small 1 "
        "cm intramural fibroid and a normal endometrial stripe.\n"
        "DESCRIPTION: The cervix was dilated and the NovaSure device was inserted and "
        "deployed; cavity integrity test passed; ablation for 90 seconds. No hysteroscopy was"
        " performed. No complications."
    ),
    "venaseal": (
        "PROCEDURE: Right great saphenous vein closure with cyanoacrylate adhesive "
        "(VenaSeal).\n"
        "INDICATION: 58-year-old woman with symptomatic varicose veins of the right leg with "
        "pain, duplex showing great saphenous vein reflux of 2.1 seconds.\n"
        "PROCEDURE: Under ultrasound guidance the right great saphenous vein was accessed at "
        "the knee with a micropuncture needle. The VenaSeal catheter was advanced to 5 cm "
        "below the saphenofemoral junction and cyanoacrylate adhesive was delivered along the"
        " vein with compression, to the access site. No tumescent anesthesia was needed. "
        "Closure confirmed by duplex."
    ),
    "venaseal_two_veins": (
        "PROCEDURE: Left great saphenous vein and left small saphenous vein closure with "
        "VenaSeal.\n"
        "INDICATION: 63-year-old man with painful varicose veins of the left leg; duplex "
        "shows reflux in the left great saphenous vein and the left small saphenous vein.\n"
        "PROCEDURE: Under ultrasound guidance the left great saphenous vein was accessed at "
        "the mid calf and the VenaSeal catheter positioned below the saphenofemoral junction;"
        " cyanoacrylate adhesive was delivered with segmental compression. Through a separate"
        " access the left small saphenous vein was treated the same way. Both veins closed on"
        " duplex."
    ),
    "adrenal_biopsy": (
        "PROCEDURE: CT-guided percutaneous core needle biopsy of a left adrenal mass.\n"
        "HISTORY: 66-year-old man with non-small cell lung cancer and a new 3.2 cm left "
        "adrenal mass.\n"
        "TECHNIQUE: Under CT guidance, a 17-gauge coaxial needle was advanced into the left "
        "adrenal mass via a posterior approach. Four 18-gauge core samples were obtained and "
        "sent for pathology. No complications."
    ),
    "breast_stereotactic": (
        "PROCEDURE: Stereotactic-guided core needle biopsy of the left breast.\n"
        "INDICATION: 61-year-old woman with a new cluster of suspicious calcifications in the"
        " upper outer quadrant of the left breast, BI-RADS 4.\n"
        "TECHNIQUE: Prone stereotactic table. After local anesthesia a 9-gauge vacuum-"
        "assisted device was advanced to the calcifications and six cores were obtained. A "
        "clip was placed. Specimen radiograph confirmed calcifications."
    ),
    "breast_us_two": (
        "PROCEDURE: Ultrasound-guided core needle biopsy of two masses of the right breast.\n"
        "INDICATION: 49-year-old woman with two solid masses in the right breast, one at 10 "
        "o'clock and one at 2 o'clock, BI-RADS 4.\n"
        "TECHNIQUE: Under ultrasound guidance a 14-gauge core needle obtained four cores from"
        " the 10 o'clock mass, and then four cores from the 2 o'clock mass. Clips were placed"
        " in each."
    ),
    "breast_mr": (
        "PROCEDURE: MRI-guided vacuum-assisted biopsy of the left breast.\n"
        "INDICATION: 55-year-old woman with a 9 mm enhancing mass in the left breast seen "
        "only on MRI.\n"
        "TECHNIQUE: Prone in the magnet with the left breast in the grid. Under MRI guidance "
        "a 9-gauge vacuum-assisted device obtained twelve samples from the enhancing mass. A "
        "clip was placed and its position confirmed on MRI."
    ),
    "breast_palpable": (
        "PROCEDURE: Core needle biopsy of a palpable right breast mass.\n"
        "HISTORY: 39-year-old woman with a firm 3 cm palpable mass in the upper outer "
        "quadrant of the right breast.\n"
        "TECHNIQUE: The mass was fixed between two fingers. After local anesthesia a 14-gauge"
        " core needle was passed into the palpable mass and four cores were obtained without "
        "imaging. Pressure was held. No complications."
    ),
    "node_needle_palpation": (
        "PROCEDURE: Needle biopsy of a left supraclavicular lymph node.\n"
        "HISTORY: 55-year-old man with a palpable 2 cm left supraclavicular lymph node.\n"
        "TECHNIQUE: The palpable node was localized by palpation. After local anesthesia an "
        "18-gauge core needle obtained three cores from the node. No imaging was used. No "
        "complications."
    ),
    "node_needle_ultrasound": (
        "PROCEDURE: Ultrasound-guided core needle biopsy of a left axillary lymph node.\n"
        "HISTORY: 51-year-old woman with an enlarged 2.2 cm left axillary lymph node with "
        "loss of the fatty hilum on ultrasound.\n"
        "TECHNIQUE: Under ultrasound guidance an 18-gauge core needle obtained three cores "
        "from the left axillary node. No complications."
    ),
    "node_excisional": (
        "PROCEDURE: Excisional biopsy of a right inguinal lymph node.\n"
        "INDICATION: 44-year-old man with a persistent 2.5 cm right inguinal lymph node and "
        "night sweats; suspected lymphoma.\n"
        "DESCRIPTION: Under local anesthesia with sedation a 3 cm groin incision was made "
        "over the palpable node. The node was dissected free from the subcutaneous fat and "
        "excised intact and sent fresh to pathology. The wound was closed in layers."
    ),
    "thyroid_cyst_ethanol": (
        "PROCEDURE: Ultrasound-guided aspiration and ethanol ablation of a right thyroid "
        "cyst.\n"
        "INDICATION: 47-year-old woman with a recurrent 3.5 cm predominantly cystic right "
        "thyroid nodule, benign cytology twice, with neck pressure.\n"
        "TECHNIQUE: Under ultrasound guidance an 18-gauge needle was placed into the cyst and"
        " 12 mL of fluid was aspirated. Then 6 mL of 99% ethanol was injected into the cyst "
        "and left for two minutes, then aspirated. No complications."
    ),
    "node_deep_cervical": (
        "PROCEDURE: Excisional biopsy of a left deep cervical lymph node.\n"
        "INDICATION: 58-year-old man with a 2 cm left deep cervical lymph node along the "
        "internal jugular vein after a nondiagnostic core biopsy; suspected lymphoma.\n"
        "DESCRIPTION: Under general anesthesia a transverse left neck incision was made, the "
        "platysma was divided and the sternocleidomastoid retracted. The node was dissected "
        "off the internal jugular vein, excised intact and sent fresh. The wound was closed "
        "in layers."
    ),
    "node_deep_axillary": (
        "PROCEDURE: Excisional biopsy of a right central axillary lymph node.\n"
        "INDICATION: 62-year-old woman with an enlarging 2.8 cm right central axillary lymph "
        "node on CT, no breast lesion.\n"
        "DESCRIPTION: Under general anesthesia an incision was made in the right axilla, the "
        "clavipectoral fascia opened and the central axillary node dissected free and excised"
        " whole. Hemostasis; closure in layers."
    ),
    "thyroid_cyst_aspiration": (
        "PROCEDURE: Ultrasound-guided aspiration of a left thyroid cyst.\n"
        "INDICATION: 36-year-old woman with a 4 cm tender left thyroid cyst that enlarged "
        "over two weeks; prior cytology benign.\n"
        "TECHNIQUE: Under ultrasound guidance a 20-gauge needle was placed into the cyst and "
        "the cyst was aspirated to completion, 18 mL of brown fluid, sent for cytology. No "
        "complications."
    ),
    "thyroid_cyst_aspiration_and_ethanol": (
        "PROCEDURE: Thyroid cyst aspiration and ethanol ablation.\n"
        "INDICATION: Recurrent 3 cm right thyroid cyst after two simple aspirations.\n"
        "TECHNIQUE: Under ultrasound guidance the cyst was aspirated (10 mL), then 5 mL of "
        "ethanol was injected and withdrawn after 10 minutes."
    ),
}


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder: Coder, name: str, on: date = DATE_OF_SERVICE):
    return coder.code(Note(text=NOTES[name], id=name, date_of_service=on))


def _codes(result) -> set[str]:
    return {c.code for c in result.cpt}


VERTEBRAL = {"22510", "22511", "22512", "22513", "22514", "22515", "27299"}


def test_a_one_sided_sacroplasty_is_0200T_with_its_side_and_its_ct_guidance_included(coder):
    r = _code(coder, "sacroplasty_right")
    assert lines(r) == [("0200T", 1, ["RT"])]
    assert not _codes(r) & VERTEBRAL
    assert ("77012", "bundle.guidance.0200T") in not_reported(r)


def test_a_sacroplasty_of_both_sides_is_one_unit_of_0201T_never_0200T_with_50(coder):
    r = _code(coder, "sacroplasty_bilateral")
    assert lines(r) == [("0201T", 1, [])]
    assert not _codes(r) & (VERTEBRAL | {"0200T", "77002"})


def test_a_balloon_cavity_in_the_sacrum_is_still_sacroplasty_not_kyphoplasty(coder):
    r = _code(coder, "sacroplasty_balloon")
    assert lines(r) == [("0200T", 1, ["LT"])]
    assert not _codes(r) & VERTEBRAL


def test_a_sacroplasty_whose_side_is_not_read_goes_to_a_coder(coder):
    """Both alae injected, no 'bilateral sacroplasty' words: the reader keeps no side, so 0200T
    carries no side modifier and the missing side (perhaps both, 0201T) routes to review."""
    r = _code(coder, "sacroplasty_sides_unread")
    assert lines(r) == [("0200T", 1, [])]
    assert "route.documentation_gap" in reasons(r)


def test_transrectal_hifu_of_prostate_cancer_is_55880_not_cryoablation(coder):
    r = _code(coder, "hifu")
    assert lines(r) == [("55880", 1, [])]
    assert "55873" not in _codes(r)
    assert [d.code for d in r.icd10] == ["C61"]


def test_a_hifu_device_named_alone_is_55880_from_2021_and_not_before(coder):
    r = _code(coder, "hifu_sonablate")
    assert lines(r) == [("55880", 1, [])]
    before = _code(coder, "hifu_sonablate", date(2020, 6, 2))
    assert "55880" not in _codes(before) and "55873" not in _codes(before)


def test_sonata_fibroid_ablation_is_58580_not_endometrial_ablation(coder):
    r = _code(coder, "sonata")
    assert lines(r) == [("58580", 1, [])]
    assert not _codes(r) & {"58353", "58563"}
    # each fibroid by its layer (intramural D25.1, submucous D25.0), not the unspecified D25.9
    assert {d.code for d in r.icd10} == {"N92.0", "D25.1", "D25.0"}


def test_fibroid_ablation_has_no_code_before_2024(coder):
    r = _code(coder, "sonata", date(2023, 6, 2))
    assert not _codes(r) & {"58580", "58353", "58563"}


def test_an_endometrial_ablation_beside_a_fibroid_seen_on_ultrasound_stays_58353(coder):
    r = _code(coder, "novasure_with_fibroid")
    assert lines(r) == [("58353", 1, [])]
    assert "58580" not in _codes(r)


def test_venaseal_closure_is_36482_with_side_and_no_thermal_code(coder):
    r = _code(coder, "venaseal")
    assert lines(r) == [("36482", 1, ["RT"])]
    assert not _codes(r) & {"36475", "36476", "36478", "36479", "76942"}
    assert ("76942", "bundle.guidance.36482") in not_reported(r)


def test_a_second_vein_of_the_same_leg_closed_with_adhesive_takes_36483(coder):
    r = _code(coder, "venaseal_two_veins")
    assert lines(r) == [("36482", 1, ["LT"]), ("36483", 1, ["LT"])]
    assert not _codes(r) & {"36475", "36476", "36478", "36479"}


def test_an_adrenal_mass_core_biopsy_is_49180_with_its_ct_guidance_reported(coder):
    r = _code(coder, "adrenal_biopsy")
    assert lines(r) == [("49180", 1, []), ("77012", 1, ["26"])]
    assert not _codes(r) & {"50200", "60699", "10009"}


def test_a_stereotactic_breast_biopsy_is_19081_with_the_side(coder):
    r = _code(coder, "breast_stereotactic")
    assert lines(r) == [("19081", 1, ["LT"])]
    assert not _codes(r) & {"19100", "19083", "77002"}


def test_two_breast_masses_under_ultrasound_are_19083_and_the_add_on_19084(coder):
    r = _code(coder, "breast_us_two")
    assert lines(r) == [("19083", 1, ["RT"]), ("19084", 1, [])]
    assert ("76942", "bundle.guidance.19083") in not_reported(r)
    assert "19100" not in _codes(r)


def test_an_mri_guided_breast_biopsy_is_19085_its_guidance_included(coder):
    r = _code(coder, "breast_mr")
    assert lines(r) == [("19085", 1, ["LT"])]
    assert not _codes(r) & {"77021", "19083", "19100"}


def test_a_palpable_breast_mass_cored_with_no_imaging_is_19100(coder):
    r = _code(coder, "breast_palpable")
    assert lines(r) == [("19100", 1, ["RT"])]
    assert "route.contested_rule" in reasons(r)  # a coder confirms no imaging was used
    assert not _codes(r) & {"19081", "19083", "19085"}


def test_a_needle_biopsy_of_a_palpable_neck_node_is_38505(coder):
    r = _code(coder, "node_needle_palpation")
    assert lines(r) == [("38505", 1, [])]
    assert not _codes(r) & {"38500", "38999", "10021"}


def test_an_ultrasound_guided_axillary_node_core_is_38505_with_76942(coder):
    r = _code(coder, "node_needle_ultrasound")
    assert lines(r) == [("38505", 1, []), ("76942", 1, ["26"])]
    assert not _codes(r) & {"19083", "38500", "10005"}


def test_an_excisional_biopsy_of_a_groin_node_is_38500_not_the_needle_code(coder):
    r = _code(coder, "node_excisional")
    assert lines(r) == [("38500", 1, [])]
    assert "38505" not in _codes(r)


def test_ethanol_ablation_of_a_thyroid_cyst_is_60300_with_ultrasound_not_60699(coder):
    r = _code(coder, "thyroid_cyst_ethanol")
    assert lines(r) == [("60300", 1, []), ("76942", 1, ["26"])]
    assert not _codes(r) & {"60699", "60660", "10005"}
    assert [d.code for d in r.icd10] == ["E04.1"]


def test_an_open_biopsy_of_a_node_named_deep_cervical_is_38510(coder):
    r = _code(coder, "node_deep_cervical")
    assert lines(r) == [("38510", 1, [])]
    assert not _codes(r) & {"38500", "38505", "38525"}


def test_an_open_biopsy_of_a_central_axillary_node_is_38525(coder):
    r = _code(coder, "node_deep_axillary")
    assert lines(r) == [("38525", 1, [])]
    assert not _codes(r) & {"38500", "38505", "38510"}


def test_a_thyroid_cyst_only_aspirated_is_60300_not_an_fna(coder):
    r = _code(coder, "thyroid_cyst_aspiration")
    assert lines(r) == [("60300", 1, []), ("76942", 1, ["26"])]
    assert not _codes(r) & {"10005", "10021", "60699"}


def test_aspiration_then_ethanol_in_one_cyst_is_one_unit_of_60300(coder):
    r = _code(coder, "thyroid_cyst_aspiration_and_ethanol")
    assert lines(r) == [("60300", 1, []), ("76942", 1, ["26"])]
    assert "60699" not in _codes(r)


def test_a_vein_named_in_a_papers_background_is_no_second_vein_closed(coder):
    """properties.yaml quiet_sections: a paper's Purpose/Background names what the technique has
    treated in general ('closure of incompetent great saphenous veins'); the case closed one small
    saphenous vein, so 36482 alone."""
    text = (
        "Purpose: Cyanoacrylate has recently been used successfully in the endovenous closure of "
        "incompetent great saphenous veins. We present a case of treating the small saphenous "
        "vein with cyanoacrylate.\n\n"
        "Case Report: A 67-year-old woman with right leg swelling and pain was treated with "
        "VenaSeal closure of her small saphenous vein. The procedure was completed with immediate "
        "technical success."
    )
    r = coder.code(Note(text, "venaseal-paper", DATE_OF_SERVICE))
    assert lines(r) == [("36482", 1, ["RT"])]
    assert "36483" not in _codes(r)
