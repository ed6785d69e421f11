"""Coverage helper cov7: procedures with codes of their own that notes otherwise read as a
look-alike. Sacroplasty (0200T one side, 0201T both sides; never a vertebroplasty code),
transrectal HIFU of prostate cancer (55880 from 2021, not cryoablation 55873), transcervical
radiofrequency ablation of fibroids (58580 from 2024, not endometrial ablation 58353/58563) and
cyanoacrylate vein closure (36482, +36483; not the thermal closures 36475/36478). Each note is
written for this file in clinical style; the codes are asserted with their units and modifiers,
and the look-alike is asserted absent."""

from __future__ import annotations

from datetime import date

import pytest
from line_helpers import DATE_OF_SERVICE, lines, not_reported

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
}


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder: Coder, name: str, on: date = DATE_OF_SERVICE):
    return coder.code(Note(text=NOTES[name], id=name, date_of_service=on))


def _codes(result) -> set[str]:
    return {c.code for c in result.cpt}


VERTEBRAL = {"22510", "22511", "22512", "22513", "22514", "22515", "27299"}


def test_a_one_sided_sacroplasty_is_0200T_with_its_ct_guidance_included(coder):
    r = _code(coder, "sacroplasty_right")
    assert lines(r) == [("0200T", 1, [])]
    assert not _codes(r) & VERTEBRAL
    assert ("77012", "bundle.guidance.0200T") in not_reported(r)


def test_a_sacroplasty_of_both_sides_is_one_unit_of_0201T_never_0200T_with_50(coder):
    r = _code(coder, "sacroplasty_bilateral")
    assert lines(r) == [("0201T", 1, [])]
    assert not _codes(r) & (VERTEBRAL | {"0200T", "77002"})


def test_a_balloon_cavity_in_the_sacrum_is_still_sacroplasty_not_kyphoplasty(coder):
    r = _code(coder, "sacroplasty_balloon")
    assert lines(r) == [("0200T", 1, [])]
    assert not _codes(r) & VERTEBRAL


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
    assert "D25.9" in {d.code for d in r.icd10}


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
