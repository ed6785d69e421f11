"""Coverage helper cov8: open surgery and office procedures that are the look-alikes of the
ablations case2code codes. Open breast surgery beside breast cryoablation 19105 and the needle
biopsies: excision of a breast lesion (19120), excision of a lesion found by a marker placed
before the operation (19125, +19126 each further marked lesion) and the partial mastectomy
(19301), never a cryoablation or a biopsy code; the image-guided placement of that marker
(19281-19288 by imaging, the imaging included) is the radiologist's line, not the surgeon's.
Transurethral laser vaporization of the prostate (52648), not its cryoablation (55873) or HIFU
(55880); enucleation (HoLEP) and TURP stay uncovered for a coder. Bladder tumors fulgurated or
resected through a cystoscope by their size word (52224, 52234, 52235, 52240), each sent to a
coder to check the measured size; a size in centimeters alone leaves the TURBT uncovered. Needle
sclerotherapy of one leg vein (36470) or several veins of one leg (36471), never an endovenous
closure code; spider veins and Varithena microfoam stay uncovered. An external cardioversion
(92960) and a comprehensive EP study with no ablation (93620), never a catheter ablation code;
in an ablation session both are part of the ablation. Destruction of vulvar lesions (56501
simple, 56515 when the note says extensive), never a tumor ablation code. Open thyroid surgery
(60220 lobectomy, 60240 total thyroidectomy), never the nodule's RFA (60660); a bare
thyroidectomy stays uncovered, and one named beside an ablation or in a consultation is not
billed. Each note is written for this file in clinical style; the codes are asserted with their
units and modifiers, and the look- alike is asserted absent."""

from __future__ import annotations

import pytest
from line_helpers import DATE_OF_SERVICE, lines, not_reported, reasons

from case2code.engine import Coder
from case2code.model import Note

NOTES = {
    "lumpectomy": (
        "PROCEDURE: Right breast lumpectomy.\n"
        "PREOPERATIVE DIAGNOSIS: Invasive ductal carcinoma of the right breast, upper outer "
        "quadrant, ER positive, HER2 negative.\n"
        "ANESTHESIA: General.\n"
        "DESCRIPTION: A curvilinear incision was made over the palpable mass at 10 o'clock. The "
        "tumor was removed with a 1 cm rim of grossly normal breast tissue. The specimen was "
        "oriented with sutures and the margins inked. Specimen radiograph showed the biopsy clip "
        "and the mass within the specimen. The cavity was marked with surgical clips. Hemostasis "
        "was obtained with electrocautery and the wound closed in layers."
    ),
    "fibroadenoma_excision": (
        "PROCEDURE: Excision of left breast fibroadenoma.\n"
        "PREOPERATIVE DIAGNOSIS: Enlarging fibroadenoma of the left breast, proven on core needle "
        "biopsy.\n"
        "DESCRIPTION: Through a periareolar incision the 2.5 cm well-circumscribed mass was "
        "dissected free from the surrounding breast tissue and removed intact. Hemostasis was "
        "achieved with cautery. The deep tissue was approximated and the skin closed with a "
        "subcuticular suture."
    ),
    "localized_excision": (
        "PROCEDURE: Needle localized excision of left breast lesion.\n"
        "PREOPERATIVE DIAGNOSIS: Atypical ductal hyperplasia of the left breast on stereotactic "
        "biopsy.\n"
        "DESCRIPTION: The patient came from the breast imaging suite with a hookwire in the left "
        "breast. An incision was made near the wire entry. The wire and the surrounding tissue "
        "were removed en bloc. Specimen radiograph confirmed the biopsy clip and the wire tip "
        "within the specimen. Hemostasis. Closed in layers."
    ),
    "localized_excision_two": (
        "PROCEDURE: Wire localized excision of two right breast lesions.\n"
        "PREOPERATIVE DIAGNOSIS: Two areas of atypical ductal hyperplasia of the right breast.\n"
        "DESCRIPTION: Two localization wires had been placed in radiology, one at 2 o'clock and "
        "one at 7 o'clock. Through separate incisions each wire and the surrounding tissue were "
        "removed. Specimen radiographs confirmed each clip. Both wounds were closed in layers."
    ),
    "mass_excision_after_wire": (
        "PROCEDURE: Excision of left breast mass.\n"
        "PREOPERATIVE DIAGNOSIS: Left breast mass.\n"
        "DESCRIPTION: A wire localization was performed by radiology before the operation. The "
        "mass was excised with the wire. Hemostasis. Closed in layers."
    ),
    "localized_lumpectomy": (
        "PROCEDURE: Wire localized lumpectomy, left breast.\n"
        "PREOPERATIVE DIAGNOSIS: Invasive lobular carcinoma of the left breast.\n"
        "DESCRIPTION: The localization wire placed in radiology this morning was in good "
        "position. The lumpectomy was carried out around the wire with a margin of normal tissue."
        " Specimen radiograph confirmed the clip and the wire within the specimen. Closed in "
        "layers."
    ),
    "localization_us": (
        "PROCEDURE: Ultrasound-guided wire localization, right breast.\n"
        "INDICATION: Biopsy-proven invasive ductal carcinoma of the right breast, scheduled for "
        "lumpectomy this morning.\n"
        "TECHNIQUE: After informed consent, the skin was prepped and anesthetized with 1% "
        "lidocaine. Under ultrasound guidance a 7 cm localization needle was advanced through the "
        "mass at 10 o'clock and the hookwire was deployed. A post-procedure mammogram confirmed "
        "the wire through the mass and the biopsy clip. The wire was secured and the patient "
        "sent to the operating room."
    ),
    "localization_mammographic_two": (
        "PROCEDURE: Mammographically guided needle localization, left breast, two lesions.\n"
        "INDICATION: Two groups of suspicious calcifications in the left breast, atypical ductal "
        "hyperplasia on biopsy.\n"
        "TECHNIQUE: Using a fenestrated compression plate, two localization wires were placed "
        "under mammographic guidance, one at each group of calcifications. Orthogonal views "
        "confirmed both wires. The patient went to surgery."
    ),
    "localization_stereotactic_seed": (
        "PROCEDURE: Stereotactic placement of a radioactive seed, left breast.\n"
        "INDICATION: Suspicious calcifications in the left breast for excision.\n"
        "TECHNIQUE: On the prone stereotactic table, a radioactive seed was placed at the biopsy "
        "clip. Post-procedure mammogram showed the seed at the target."
    ),
    "localization_mr": (
        "PROCEDURE: MRI-guided wire localization, right breast.\n"
        "INDICATION: Enhancing mass of the right breast seen only on MRI, for excision.\n"
        "TECHNIQUE: In the magnet with the breast coil, under MRI guidance a localization wire "
        "was placed through the enhancing lesion. Post-placement images confirmed the wire "
        "position."
    ),
    "localized_excision_surgeon_note": (
        "PROCEDURE: Needle localized excision of left breast lesion.\n"
        "PREOPERATIVE DIAGNOSIS: Atypical ductal hyperplasia of the left breast.\n"
        "DESCRIPTION: Ultrasound-guided wire localization was performed in radiology this "
        "morning. An incision was made near the wire entry. The wire and the surrounding tissue "
        "were removed en bloc. Specimen radiograph confirmed the biopsy clip and the wire tip. "
        "Closed in layers."
    ),
    "pvp": (
        "PROCEDURE: Photoselective laser vaporization of the prostate (GreenLight PVP).\n"
        "DIAGNOSIS: Benign prostatic hyperplasia with lower urinary tract symptoms.\n"
        "DESCRIPTION: Under spinal anesthesia the laser cystoscope was passed per urethra. The "
        "prostatic urethra was obstructed by trilobar hyperplasia. The lateral lobes and median "
        "lobe were vaporized with the 180 W GreenLight laser to a wide open channel. A Foley "
        "catheter was placed."
    ),
    "holep": (
        "PROCEDURE: Holmium laser enucleation of the prostate (HoLEP).\n"
        "DIAGNOSIS: Benign prostatic hyperplasia with urinary retention.\n"
        "DESCRIPTION: The median and lateral lobes were enucleated with the holmium laser and "
        "morcellated in the bladder. Catheter placed."
    ),
    "turp": (
        "PROCEDURE: Transurethral resection of the prostate.\n"
        "DIAGNOSIS: Symptomatic BPH.\n"
        "DESCRIPTION: Using a bipolar resectoscope the lateral lobes were resected to the capsule."
        " Hemostasis. Catheter placed."
    ),
    "turbt_medium": (
        "PROCEDURE: Cystoscopy with transurethral resection of bladder tumor (TURBT), medium "
        "bladder tumor.\n"
        "DIAGNOSIS: Papillary urothelial carcinoma of the bladder, left lateral wall.\n"
        "DESCRIPTION: A 3 cm papillary tumor of the left lateral wall was resected with the loop "
        "down to muscle. The base was fulgurated."
    ),
    "fulguration_minor": (
        "PROCEDURE: Cystoscopy with fulguration of minor bladder lesions.\n"
        "DIAGNOSIS: Low grade papillary urothelial carcinoma of the bladder with small "
        "recurrences.\n"
        "DESCRIPTION: Flexible cystoscopy showed three 3 mm papillary recurrences at the dome, "
        "which were fulgurated with the Bugbee electrode."
    ),
    "turbt_small": (
        "PROCEDURE: TURBT, small bladder tumor.\n"
        "DIAGNOSIS: Bladder cancer.\n"
        "DESCRIPTION: A 1.5 cm papillary tumor at the trigone was resected with the loop. "
        "Hemostasis with the rollerball."
    ),
    "turbt_large": (
        "PROCEDURE: TURBT of a large bladder tumor.\n"
        "DIAGNOSIS: Bladder cancer.\n"
        "DESCRIPTION: A 6 cm sessile tumor of the posterior wall was resected in pieces with the "
        "bipolar loop. Hemostasis with the rollerball."
    ),
    "turbt_size_in_cm_only": (
        "PROCEDURE: Transurethral resection of bladder tumor.\n"
        "DIAGNOSIS: Bladder cancer.\n"
        "DESCRIPTION: A 1.5 cm papillary tumor at the trigone was resected with the loop."
    ),
    "sclero_multiple": (
        "PROCEDURE: Sclerotherapy of multiple varicose veins, left leg.\n"
        "DIAGNOSIS: Symptomatic varicose veins of the left leg with pain.\n"
        "DESCRIPTION: With the patient supine, 1% polidocanol foam was injected through a 27 gauge "
        "needle into multiple varicosities of the left medial thigh and calf. Compression applied."
    ),
    "sclero_single": (
        "PROCEDURE: Foam sclerotherapy of a residual varicose vein, right calf.\n"
        "DIAGNOSIS: Varicose veins of the right leg with pain, after right GSV ablation.\n"
        "DESCRIPTION: A single residual varicose vein of the right medial calf was injected with "
        "1% sodium tetradecyl sulfate foam through a 25 gauge needle. Compression stocking "
        "applied."
    ),
    "sclero_spider": (
        "PROCEDURE: Sclerotherapy of spider veins, left leg.\n"
        "DIAGNOSIS: Telangiectasias of the left leg.\n"
        "DESCRIPTION: Polidocanol 0.5% was injected into multiple telangiectasias of the left "
        "thigh and calf with a 30 gauge needle. Compression stockings applied."
    ),
    "varithena": (
        "PROCEDURE: Varithena ablation of the right great saphenous vein.\n"
        "DIAGNOSIS: Right GSV reflux with symptomatic varicose veins.\n"
        "DESCRIPTION: Under ultrasound guidance the right GSV was cannulated at the knee and "
        "Varithena polidocanol microfoam was injected until the vein was filled to the "
        "saphenofemoral junction."
    ),
    "cardioversion": (
        "PROCEDURE: Synchronized external electrical cardioversion.\n"
        "DIAGNOSIS: Persistent atrial fibrillation.\n"
        "DESCRIPTION: Under propofol sedation by anesthesia, a synchronized biphasic shock of 200 J"
        " was delivered through anterior-posterior pads with conversion to sinus rhythm."
    ),
    "ep_study_alone": (
        "PROCEDURE: Comprehensive electrophysiology study.\n"
        "INDICATION: Palpitations with presyncope.\n"
        "DESCRIPTION: Catheters were placed in the high right atrium, His bundle position and "
        "right ventricular apex with recording and programmed stimulation. No inducible "
        "arrhythmia. No ablation was performed."
    ),
    "pvi_then_cardioversion": (
        "PROCEDURE: Pulmonary vein isolation by radiofrequency catheter ablation.\n"
        "DIAGNOSIS: Paroxysmal atrial fibrillation.\n"
        "DESCRIPTION: After transseptal puncture, wide antral circumferential ablation of all four "
        "pulmonary veins was performed with radiofrequency. Entrance and exit block were confirmed."
        " At the end the patient was in atrial fibrillation and was cardioverted with a single "
        "200 J synchronized external shock to sinus rhythm."
    ),
    "ep_study_with_cti": (
        "PROCEDURE: EP study and ablation of the cavotricuspid isthmus.\n"
        "DIAGNOSIS: Typical atrial flutter.\n"
        "DESCRIPTION: A comprehensive electrophysiology study was performed with induction of "
        "typical flutter. Radiofrequency ablation of the cavotricuspid isthmus was performed with "
        "bidirectional block."
    ),
    "vulva_simple": (
        "PROCEDURE: CO2 laser vaporization of vulvar condylomata.\n"
        "DIAGNOSIS: Condylomata acuminata of the vulva.\n"
        "DESCRIPTION: Under local anesthesia five small condylomata of the left labium majus were "
        "vaporized with the CO2 laser."
    ),
    "vulva_extensive": (
        "PROCEDURE: Laser vaporization of extensive vulvar condylomata.\n"
        "DIAGNOSIS: Extensive condylomata acuminata of the vulva and perineum.\n"
        "DESCRIPTION: Under general anesthesia the condylomata covering both labia majora and the "
        "perineum were vaporized with the CO2 laser."
    ),
    "thyroid_lobectomy": (
        "PROCEDURE: Left thyroid lobectomy and isthmusectomy.\n"
        "DIAGNOSIS: Follicular neoplasm of the left thyroid lobe (Bethesda IV).\n"
        "DESCRIPTION: Through a low collar incision the strap muscles were separated. The left "
        "recurrent laryngeal nerve was identified and preserved, as were both left parathyroid "
        "glands. The left lobe and isthmus were removed. Closed in layers."
    ),
    "total_thyroidectomy": (
        "PROCEDURE: Total thyroidectomy.\n"
        "DIAGNOSIS: Papillary thyroid carcinoma of the right lobe.\n"
        "DESCRIPTION: Through a collar incision both recurrent laryngeal nerves were identified "
        "and preserved. Both lobes and the isthmus were removed. Parathyroid glands preserved. "
        "Closed in layers."
    ),
    "rfa_declined_hemithyroidectomy": (
        "PROCEDURE: Radiofrequency ablation of a benign right thyroid nodule.\n"
        "INDICATION: 3.2 cm benign right thyroid nodule with compressive symptoms; she declined "
        "hemithyroidectomy.\n"
        "DESCRIPTION: Under ultrasound guidance an 18 gauge RF electrode was placed in the nodule "
        "by the transisthmic approach and the moving shot technique was used until the nodule was "
        "hyperechoic."
    ),
    "thyroidectomy_unqualified": (
        "PROCEDURE: Thyroidectomy.\n"
        "DIAGNOSIS: Multinodular goiter.\n"
        "DESCRIPTION: Through a collar incision the thyroid was removed."
    ),
    "thyroid_consult": (
        "INITIAL CONSULTATION\n"
        "Reason for visit: papillary thyroid carcinoma of the left lobe on fine needle "
        "aspiration.\n"
        "We talked about performing a total thyroidectomy and its risks to the recurrent laryngeal "
        "nerves. She wishes to proceed and we are planning on proceeding next week with total "
        "thyroidectomy."
    ),
    "gsv_stripping": (
        "PROCEDURE: Right great saphenous vein high ligation and stripping.\n"
        "DIAGNOSIS: Varicose veins of the right leg with pain; great saphenous reflux.\n"
        "DESCRIPTION: Through a right groin incision the saphenofemoral junction was exposed, the "
        "tributaries ligated and the great saphenous vein divided flush with the femoral vein. A "
        "stripper was passed to below the knee and the vein was removed. Closed in layers."
    ),
    "stripping_and_phlebectomy": (
        "PROCEDURE: Ligation and stripping of the great saphenous vein, left leg, and stab "
        "phlebectomy.\n"
        "DIAGNOSIS: Symptomatic varicose veins of the left leg with pain.\n"
        "DESCRIPTION: The left great saphenous vein was ligated at the saphenofemoral junction and "
        "stripped to the knee. Through 18 stab incisions the calf varicosities were removed with a "
        "hook."
    ),
    "phlebectomy_alone": (
        "PROCEDURE: Stab phlebectomy of right leg varicose veins.\n"
        "DIAGNOSIS: Symptomatic varicose veins of the right leg.\n"
        "DESCRIPTION: Through 15 stab incisions the varicose tributaries of the right calf were "
        "removed with a phlebectomy hook. Steri-strips and compression applied."
    ),
    "rfa_with_phlebectomy": (
        "PROCEDURE: Radiofrequency ablation of the right great saphenous vein with stab "
        "phlebectomy.\n"
        "DIAGNOSIS: Right great saphenous vein reflux with symptomatic varicose veins.\n"
        "DESCRIPTION: Under ultrasound guidance the right GSV was accessed at the knee and closed "
        "with ClosureFast. Stab phlebectomy of 12 calf tributaries was then performed."
    ),
    "rfa_multiple_varicosities": (
        "PROCEDURE: Radiofrequency ablation of the right great saphenous vein.\n"
        "DIAGNOSIS: Right great saphenous vein reflux with multiple varicosities of the right "
        "calf.\n"
        "DESCRIPTION: Under ultrasound guidance the right GSV was accessed at the knee and closed "
        "with ClosureFast in 7 cm segments. Compression applied."
    ),
    "rfa_with_sclerotherapy": (
        "PROCEDURE: Radiofrequency ablation of the left great saphenous vein and foam "
        "sclerotherapy of varicose tributaries.\n"
        "DIAGNOSIS: Left great saphenous vein reflux with symptomatic varicose veins.\n"
        "DESCRIPTION: Under ultrasound guidance the left GSV was accessed below the knee and closed"
        " with ClosureFast. Then 1% polidocanol foam was injected into multiple varicosities of "
        "the left calf."
    ),
    "rfa_after_lobectomy": (
        "PROCEDURE: Ultrasound-guided radiofrequency ablation of a thyroid nodule.\n"
        "HISTORY: 58-year-old woman who had a right thyroid lobectomy in 2015 for a benign nodule, "
        "now with an enlarging benign nodule of the remaining lobe causing dysphagia.\n"
        "DESCRIPTION: Under ultrasound guidance an RF electrode was placed in the nodule and the "
        "moving shot technique was used. No complications."
    ),
    "fibroadenoma_cryo_declined_lumpectomy": (
        "PROCEDURE: Ultrasound-guided cryoablation of a left breast fibroadenoma.\n"
        "INDICATION: 29-year-old woman with a 2.1 cm biopsy-proven fibroadenoma of the left "
        "breast. She declined lumpectomy.\n"
        "DESCRIPTION: Under ultrasound guidance a cryoprobe was placed through the fibroadenoma. "
        "Two freeze-thaw cycles were performed with the ice ball covering the lesion. No "
        "complications."
    ),
}


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder: Coder, name: str):
    return coder.code(Note(text=NOTES[name], id=name, date_of_service=DATE_OF_SERVICE))


def _codes(result) -> set[str]:
    return {c.code for c in result.cpt}


BREAST_NEEDLE = {"19081", "19082", "19083", "19084", "19085", "19086", "19100"}
BREAST_ABLATION = {"19105", "0581T"}


def test_a_lumpectomy_is_19301_with_its_side_never_a_biopsy_or_cryoablation(coder):
    r = _code(coder, "lumpectomy")
    assert lines(r) == [("19301", 1, ["RT"])]
    assert not _codes(r) & (BREAST_NEEDLE | BREAST_ABLATION | {"19120", "19125"})
    assert [d.code for d in r.icd10] == ["C50.411", "Z17.0"]


def test_an_open_excision_of_a_fibroadenoma_is_19120_not_its_cryoablation(coder):
    r = _code(coder, "fibroadenoma_excision")
    assert lines(r) == [("19120", 1, ["LT"])]
    assert not _codes(r) & (BREAST_NEEDLE | BREAST_ABLATION | {"19301", "19125"})
    assert [d.code for d in r.icd10] == ["D24.2"]


def test_a_needle_localized_excision_is_19125_and_the_earlier_biopsy_is_not_billed(coder):
    r = _code(coder, "localized_excision")
    assert lines(r) == [("19125", 1, ["LT"])]
    assert not _codes(r) & (BREAST_NEEDLE | {"19120", "19301"})


def test_two_marked_lesions_are_19125_and_one_unit_of_19126(coder):
    r = _code(coder, "localized_excision_two")
    assert lines(r) == [("19125", 1, ["RT"]), ("19126", 1, [])]
    assert not _codes(r) & {"19120", "19301"}


def test_a_mass_excised_after_a_wire_is_19120_with_19125_for_a_coder(coder):
    """The excision's own words name a mass; the wire named elsewhere in the note makes the
    marked-lesion code 19125 likely: a not-reported line and a finding send it to a coder."""
    r = _code(coder, "mass_excision_after_wire")
    assert lines(r) == [("19120", 1, ["LT"])]
    assert ("19125", "bundle.component.19120") in not_reported(r)
    assert "route.contested_rule" in reasons(r)


def test_a_wire_localized_lumpectomy_is_19301_not_the_marked_excision(coder):
    r = _code(coder, "localized_lumpectomy")
    assert lines(r) == [("19301", 1, ["LT"])]
    assert not _codes(r) & (BREAST_NEEDLE | {"19120", "19125", "19126"})


def test_a_declined_lumpectomy_beside_a_fibroadenoma_cryoablation_is_not_billed(coder):
    r = _code(coder, "fibroadenoma_cryo_declined_lumpectomy")
    assert lines(r) == [("19105", 1, ["LT"])]
    assert ("19301", "assertion.negated") in not_reported(r)


def test_an_ultrasound_guided_wire_localization_is_19285_its_guidance_included(coder):
    r = _code(coder, "localization_us")
    assert lines(r) == [("19285", 1, ["RT"])]
    assert ("76942", "bundle.guidance.19285") in not_reported(r)
    assert not _codes(r) & (BREAST_NEEDLE | {"19301", "19125"})


def test_two_lesions_marked_under_mammography_are_19281_and_19282(coder):
    r = _code(coder, "localization_mammographic_two")
    assert lines(r) == [("19281", 1, ["LT"]), ("19282", 1, [])]
    assert not _codes(r) & (BREAST_NEEDLE | {"19283", "19285"})


def test_a_seed_placed_on_the_stereotactic_table_is_19283_not_the_stereotactic_biopsy(coder):
    r = _code(coder, "localization_stereotactic_seed")
    assert lines(r) == [("19283", 1, ["LT"])]
    assert not _codes(r) & (BREAST_NEEDLE | {"19281"})


def test_an_mri_guided_wire_localization_is_19287(coder):
    r = _code(coder, "localization_mr")
    assert lines(r) == [("19287", 1, ["RT"])]
    assert not _codes(r) & (BREAST_NEEDLE | {"77021", "19285"})


def test_the_radiologist_s_wire_told_in_the_surgeon_s_note_is_not_the_surgeon_s_line(coder):
    r = _code(coder, "localized_excision_surgeon_note")
    assert lines(r) == [("19125", 1, ["LT"])]
    assert ("19285", "breast.localization_in_open_surgery") in not_reported(r)


PROSTATE_ABLATION = {"55873", "55880", "76940", "76872"}


def test_greenlight_vaporization_of_the_prostate_is_52648_not_a_prostate_ablation(coder):
    r = _code(coder, "pvp")
    assert lines(r) == [("52648", 1, [])]
    assert not _codes(r) & PROSTATE_ABLATION
    assert [d.code for d in r.icd10] == ["N40.1"]
    assert r.review.route == "auto"


@pytest.mark.parametrize("name", ["holep", "turp"])
def test_enucleation_or_turp_is_no_vaporization_and_goes_to_a_coder(coder, name):
    r = _code(coder, name)
    assert lines(r) == []
    assert "route.uncovered_procedure" in reasons(r)
    assert [d.code for d in r.icd10] == ["N40.1"]


TUMOR_ABLATION = {"20982", "47382", "50592", "32998", "55873", "52648"}


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("fulguration_minor", "52224"),
        ("turbt_small", "52234"),
        ("turbt_medium", "52235"),
        ("turbt_large", "52240"),
    ],
)
def test_a_bladder_tumor_is_coded_by_its_size_word_and_sent_to_a_coder(coder, name, code):
    r = _code(coder, name)
    assert lines(r) == [(code, 1, [])]
    assert not _codes(r) & TUMOR_ABLATION
    assert [d.code for d in r.icd10] == ["C67.9"]
    assert "route.contested_rule" in reasons(r)


def test_a_turbt_sized_only_in_centimeters_is_uncovered_for_a_coder(coder):
    r = _code(coder, "turbt_size_in_cm_only")
    assert lines(r) == []
    assert "route.uncovered_procedure" in reasons(r)


ENDOVENOUS = {"36475", "36476", "36478", "36479", "36482", "36483", "76942"}


def test_sclerotherapy_of_several_veins_of_one_leg_is_one_unit_of_36471(coder):
    r = _code(coder, "sclero_multiple")
    assert lines(r) == [("36471", 1, ["LT"])]
    assert not _codes(r) & (ENDOVENOUS | {"36470"})
    assert [d.code for d in r.icd10] == ["I83.812"]


def test_sclerotherapy_of_one_vein_is_36470_with_its_side(coder):
    r = _code(coder, "sclero_single")
    assert lines(r) == [("36470", 1, ["RT"])]
    assert not _codes(r) & (ENDOVENOUS | {"36471"})


@pytest.mark.parametrize("name", ["sclero_spider", "varithena"])
def test_spider_veins_and_varithena_take_no_needle_sclerotherapy_code(coder, name):
    r = _code(coder, name)
    assert lines(r) == []
    assert "route.uncovered_procedure" in reasons(r)


CATHETER_ABLATION = {"93650", "93653", "93654", "93655", "93656", "93657"}


def test_an_external_cardioversion_is_92960_not_an_ablation(coder):
    r = _code(coder, "cardioversion")
    assert lines(r) == [("92960", 1, [])]
    assert not _codes(r) & CATHETER_ABLATION
    assert [d.code for d in r.icd10] == ["I48.19"]


def test_a_comprehensive_ep_study_with_no_ablation_is_93620_alone(coder):
    r = _code(coder, "ep_study_alone")
    assert lines(r) == [("93620", 1, [])]
    assert not _codes(r) & CATHETER_ABLATION


def test_a_cardioversion_that_ends_an_ablation_is_part_of_it(coder):
    r = _code(coder, "pvi_then_cardioversion")
    assert lines(r) == [("93656", 1, [])]
    assert ("92960", "cardiac.cardioversion_in_ablation") in not_reported(r)


def test_the_ep_study_of_an_ablation_session_is_not_a_line_of_its_own(coder):
    r = _code(coder, "ep_study_with_cti")
    assert lines(r) == [("93653", 1, [])]
    assert ("93620", "bundle.component.93653") in not_reported(r)


THYROID_ABLATION = {"60660", "60661", "60699", "0673T"}


def test_simple_destruction_of_vulvar_condylomata_is_56501_not_a_tumor_ablation(coder):
    r = _code(coder, "vulva_simple")
    assert lines(r) == [("56501", 1, [])]
    assert not _codes(r) & (TUMOR_ABLATION | {"56515"})
    assert [d.code for d in r.icd10] == ["A63.0"]


def test_extensive_vulvar_condylomata_are_56515(coder):
    r = _code(coder, "vulva_extensive")
    assert lines(r) == [("56515", 1, [])]
    assert "56501" not in _codes(r)
    assert [d.code for d in r.icd10] == ["A63.0"]


def test_a_thyroid_lobectomy_is_60220_never_a_lung_lobectomy_or_the_nodule_rfa(coder):
    r = _code(coder, "thyroid_lobectomy")
    assert lines(r) == [("60220", 1, [])]
    assert not _codes(r) & (THYROID_ABLATION | {"60240"})
    assert all(p.organ == "thyroid" for p in r.facts.procedures)


def test_a_total_thyroidectomy_is_60240(coder):
    r = _code(coder, "total_thyroidectomy")
    assert lines(r) == [("60240", 1, [])]
    assert not _codes(r) & (THYROID_ABLATION | {"60220"})
    assert [d.code for d in r.icd10] == ["C73"]
    assert r.review.route == "auto"


def test_a_declined_hemithyroidectomy_beside_a_nodule_rfa_is_not_billed(coder):
    r = _code(coder, "rfa_declined_hemithyroidectomy")
    assert lines(r) == [("60660", 1, [])]
    assert ("60220", "assertion.negated") in not_reported(r)


def test_a_bare_thyroidectomy_is_uncovered_for_a_coder(coder):
    r = _code(coder, "thyroidectomy_unqualified")
    assert lines(r) == []
    assert "route.uncovered_procedure" in reasons(r)


def test_a_thyroidectomy_planned_in_a_consultation_is_not_billed(coder):
    r = _code(coder, "thyroid_consult")
    assert not _codes(r) & {"60240", "60220"}


def test_high_ligation_and_stripping_of_the_gsv_is_37722_with_its_side(coder):
    r = _code(coder, "gsv_stripping")
    assert lines(r) == [("37722", 1, ["RT"])]
    assert not _codes(r) & ENDOVENOUS


def test_stripping_with_phlebectomy_is_37722_and_the_phlebectomy_goes_to_a_coder(coder):
    r = _code(coder, "stripping_and_phlebectomy")
    assert lines(r) == [("37722", 1, ["LT"])]
    assert "route.uncovered_procedure" in reasons(r)


def test_a_phlebectomy_alone_is_uncovered_for_a_coder(coder):
    r = _code(coder, "phlebectomy_alone")
    assert lines(r) == []
    assert "route.uncovered_procedure" in reasons(r)


def test_a_phlebectomy_beside_an_rfa_is_no_stripping_and_no_second_vein(coder):
    r = _code(coder, "rfa_with_phlebectomy")
    assert lines(r) == [("36475", 1, ["RT"])]
    assert "route.uncovered_procedure" in reasons(r)


def test_varicosities_named_in_an_rfa_note_are_no_second_vein(coder):
    r = _code(coder, "rfa_multiple_varicosities")
    assert lines(r) == [("36475", 1, ["RT"])]
    assert r.review.route == "auto"


def test_sclerotherapy_beside_an_rfa_goes_to_a_coder(coder):
    r = _code(coder, "rfa_with_sclerotherapy")
    assert lines(r)[0] == ("36475", 1, ["LT"])
    assert {c.code for c in r.cpt} & {"36470", "36471"}
    assert "route.contested_rule" in reasons(r)


def test_an_old_lobectomy_lends_no_site_or_side_to_the_nodule_ablated_today(coder):
    r = _code(coder, "rfa_after_lobectomy")
    assert lines(r) == [("60660", 1, [])]
    assert ("60220", "assertion.historical") in not_reported(r)
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert (ablation.site, ablation.laterality) == (None, None)
