"""Facet, genicular and sacroiliac blocks (kb nerve-block.yaml): exact codes, units, modifiers
and evidence on realistic notes, and the destruction notes that only recount earlier blocks."""

from __future__ import annotations

from datetime import date

import pytest

from case2code.engine import Coder
from case2code.model import Note

CERVICAL_ONE_LEVEL = (
    "PROCEDURE: Right C5-6 medial branch block (diagnostic), fluoroscopic guidance.\n"
    "PREOPERATIVE DIAGNOSIS: Cervical spondylosis without myelopathy, axial neck pain.\n"
    "TECHNIQUE: With the patient prone, the right C5 and C6 articular pillars were identified "
    "under fluoroscopy. A 25-gauge spinal needle was placed at the waist of each pillar and 0.3 mL "
    "of 0.5% bupivacaine was injected at each medial branch after negative aspiration. "
    "Pre-procedure pain 7/10, post-procedure pain 2/10. The patient tolerated the procedure well."
)
LUMBAR_BILATERAL_TWO = (
    "PROCEDURE: Bilateral L4-5 and L5-S1 lumbar medial branch blocks under fluoroscopy.\n"
    "DIAGNOSIS: Lumbar spondylosis with facet-mediated low back pain.\n"
    "DESCRIPTION: The patient was positioned prone and the skin prepped and draped. Under "
    "fluoroscopic guidance, 22-gauge needles were placed bilaterally at the L3 and L4 medial "
    "branches and the L5 dorsal ramus. After contrast confirmed no vascular spread, 0.5 mL of 2% "
    "lidocaine was injected at each target. No sedation was used. She tolerated the procedure "
    "well and will record her pain diary."
)
LUMBAR_LEFT_THREE = (
    "PROCEDURE: Left L3-4, L4-5 and L5-S1 intra-articular facet joint injections with "
    "fluoroscopic guidance.\n"
    "INDICATION: Left-sided axial low back pain, lumbar facet arthropathy on MRI.\n"
    "TECHNIQUE: Under fluoroscopy, a 22-gauge spinal needle was placed into each of the left "
    "L3-4, L4-5 and L5-S1 facet joints. Intra-articular position was confirmed with 0.2 mL of "
    "contrast, and 1 mL of 0.25% bupivacaine with 10 mg triamcinolone was injected into each "
    "joint. No complications."
)
LUMBAR_RIGHT_FOUR = (
    "PROCEDURE: Right L2-3, L3-4, L4-5 and L5-S1 facet joint injections under fluoroscopic "
    "guidance.\nDIAGNOSIS: Lumbar spondylosis.\n"
    "TECHNIQUE: After prep and local anesthesia, spinal needles were advanced into the right "
    "L2-3, L3-4, L4-5 and L5-S1 facet joints under fluoroscopy; 1 mL of bupivacaine with "
    "triamcinolone was injected into each joint. The patient tolerated it well."
)
CERVICAL_LEFT_FOUR_MBB = (
    "PROCEDURE: Left C3-4, C4-5, C5-6 and C6-7 cervical MBB, fluoroscopically guided.\n"
    "INDICATION: Chronic left neck pain, cervical facet arthropathy.\n"
    "TECHNIQUE: Under lateral fluoroscopy, 25-gauge needles were placed at the left C3 through C7 "
    "medial branches and 0.3 mL of 0.5% bupivacaine was injected at each. No complications."
)
RF_AFTER_POSITIVE_BLOCKS = (
    "PROCEDURE: Right L4-5 and L5-S1 lumbar facet radiofrequency neurotomy under fluoroscopy.\n"
    "INDICATION: Lumbar spondylosis with chronic axial low back pain. More than 80% relief after "
    "two positive medial branch blocks at these levels.\n"
    "TECHNIQUE: RF cannulas were placed at the right L3 and L4 medial branches and the right L5 "
    "dorsal ramus under fluoroscopic guidance. After sensory and motor testing, lesions were made "
    "at 80 C for 90 seconds at each target. The patient tolerated the procedure well."
)
RF_BLOCKS_IN_HISTORY = (
    "Lumbar facet RF neurotomy, right L4-5.\n"
    "HISTORY: 61-year-old man with lumbar spondylosis. Medial branch blocks at right L4-5 in "
    "March gave 90% relief on two occasions.\n"
    "PROCEDURE: Under fluoroscopy, RF cannulas were placed at the right L3 and L4 medial branches "
    "and lesions were made at 80 C for 90 seconds. He tolerated the procedure well."
)
GENICULAR_RF_AFTER_BLOCK = (
    "Genicular nerve radiofrequency ablation, right knee.\n"
    "HISTORY: 68-year-old with severe right knee osteoarthritis, not a surgical candidate. A "
    "diagnostic genicular nerve block of the right knee gave 80% relief for 6 hours.\n"
    "PROCEDURE: Under fluoroscopy, RF cannulas were placed at the superolateral, superomedial and "
    "inferomedial genicular nerves; after motor testing, lesions were made at 80 C for 90 seconds "
    "at each. Tolerated well."
)
SI_RF_AFTER_BLOCKS = (
    "Bilateral SI joint RFA.\n59M with bilateral sacroiliitis, greater than 75 percent relief "
    "with comparative SI joint blocks. Fluoroscopic guidance. Bilateral L5 dorsal rami and S1-S3 "
    "lateral branches lesioned with a multi-tined RF probe, 80 C x 90 s at each site. No "
    "complications."
)
VISIT_BLOCKS_DONE_RF_PLANNED = (
    "Follow-up visit, pain clinic.\n"
    "58-year-old woman with lumbar spondylosis and axial low back pain. She had greater than 80% "
    "relief with bilateral L4-5 and L5-S1 medial branch blocks on two occasions.\n"
    "Plan: bilateral L4-5 and L5-S1 radiofrequency ablation of the medial branches."
)
UNHEADED_GUIDED_BLOCKS = (
    "Right L4-5 and L5-S1 medial branch blocks under fluoroscopic guidance for lumbar spondylosis. "
    "0.5 mL of 0.75% bupivacaine at the right L3 and L4 medial branches and the L5 dorsal ramus. "
    "Pain 6/10 before and 1/10 after. If relief lasts, radiofrequency ablation will be scheduled."
)
PLANNED_BLOCKS = (
    "Pain clinic follow-up.\n"
    "Chronic axial low back pain from lumbar spondylosis, worse with extension, no radicular "
    "symptoms. Exam shows paraspinal tenderness at L4-S1 bilaterally.\n"
    "PLAN: Bilateral L4-5 and L5-S1 medial branch blocks under fluoroscopy; if two blocks give "
    "more than 80% relief, radiofrequency neurotomy will be considered."
)
GENICULAR_BLOCK_RF_LATER = (
    "PROCEDURE: Left knee genicular nerve block, fluoroscopic guidance.\n"
    "DIAGNOSIS: Primary osteoarthritis of the left knee.\n"
    "TECHNIQUE: Under fluoroscopy, 22-gauge needles were placed at the superolateral, "
    "superomedial and inferomedial genicular nerves of the left knee and 1 mL of 0.5% "
    "bupivacaine was injected at each. Pain went from 8/10 to 1/10. If the block is positive, "
    "cooled radiofrequency ablation of the genicular nerves will be scheduled."
)
SI_INJECTION_BILATERAL = (
    "PROCEDURE: Bilateral sacroiliac joint injections under fluoroscopic guidance with "
    "arthrogram.\nDIAGNOSIS: Bilateral sacroiliitis.\n"
    "TECHNIQUE: The patient was placed prone. Under fluoroscopy a 22-gauge spinal needle was "
    "advanced into the inferior aspect of the right and then the left sacroiliac joint. Contrast "
    "showed an intra-articular arthrogram, and 2 mL of 0.25% bupivacaine with 40 mg "
    "triamcinolone were injected into each joint. No complications."
)
FACET_AND_SI_SAME_SESSION = (
    "PROCEDURE: Bilateral L4-5 and L5-S1 facet joint injections and right sacroiliac joint "
    "injection under fluoroscopic guidance.\nDIAGNOSIS: Lumbar spondylosis; right sacroiliitis.\n"
    "TECHNIQUE: Under fluoroscopy, spinal needles were placed into the bilateral L4-5 and L5-S1 "
    "facet joints and 1 mL of bupivacaine with triamcinolone injected into each. A needle was then "
    "advanced into the right sacroiliac joint, an arthrogram obtained, and 2 mL of bupivacaine "
    "with triamcinolone injected. No complications."
)
FACET_WORDS_MIXED = (
    "PROCEDURE: Right L4-5 and L5-S1 facet injections.\nDIAGNOSIS: Lumbar spondylosis.\n"
    "TECHNIQUE: Under fluoroscopy, needles were placed into the right L4-5 and L5-S1 facet joints "
    "and at the right L4 medial branch. Medial branch blocks were completed with 0.5 mL of "
    "bupivacaine at each level."
)
BLOCKS_WITH_SEDATION = (
    "PROCEDURE: Bilateral L4-5 and L5-S1 lumbar medial branch blocks under fluoroscopy.\n"
    "DIAGNOSIS: Lumbar spondylosis.\n"
    "SEDATION: Moderate sedation with midazolam and fentanyl by the proceduralist, with an "
    "independent trained observer monitoring. Intraservice time 18 minutes.\n"
    "TECHNIQUE: Needles were placed at the L3 and L4 medial branches and the L5 dorsal ramus "
    "bilaterally under fluoroscopy and 0.5 mL of 2% lidocaine was injected at each. Tolerated well."
)
BLOCK_WITH_RF_SAME_LEVEL = (
    "PROCEDURE: Right L5-S1 facet radiofrequency neurotomy; right L5-S1 intra-articular facet "
    "joint injection.\nDIAGNOSIS: Lumbar spondylosis.\n"
    "TECHNIQUE: Under fluoroscopy, RF cannulas were placed at the right L4 medial branch and the "
    "right L5 dorsal ramus and lesions were made at 80 C for 90 seconds. A right L5-S1 "
    "intra-articular facet joint injection was then performed with 1 mL of bupivacaine and 10 mg "
    "of triamcinolone. Tolerated well."
)


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder, text):
    return coder.code(Note(text=text, id="t", date_of_service=date(2025, 6, 2)))


def _lines(result):
    return [(c.code, c.units, c.modifiers) for c in result.cpt]


def _evidence(text, line):
    return [text[e.start : e.end] for e in line.evidence]


def test_blocks_cervical_single_level_right_is_64490_rt(coder):
    r = _code(coder, CERVICAL_ONE_LEVEL)
    assert _lines(r) == [("64490", 1, ["RT"])]
    assert _evidence(CERVICAL_ONE_LEVEL, r.cpt[0]) == ["Right", "medial branch block"]
    assert [d.code for d in r.icd10] == ["M47.812"]
    assert {"77002", "77003"} <= {n.code for n in r.not_reported}  # guidance is included


def test_blocks_bilateral_two_lumbar_levels_take_50_on_each_level_code(coder):
    r = _code(coder, LUMBAR_BILATERAL_TWO)
    assert _lines(r) == [("64493", 1, ["50"]), ("64494", 1, ["50"])]
    assert _evidence(LUMBAR_BILATERAL_TWO, r.cpt[0]) == ["Bilateral", "medial branch blocks"]
    assert [d.code for d in r.icd10] == ["M47.816"]


def test_blocks_three_lumbar_levels_one_side_use_each_level_code_once(coder):
    r = _code(coder, LUMBAR_LEFT_THREE)
    assert _lines(r) == [("64493", 1, ["LT"]), ("64494", 1, ["LT"]), ("64495", 1, ["LT"])]
    assert _evidence(LUMBAR_LEFT_THREE, r.cpt[2])[1:] == ["intra-articular facet joint injections"]


def test_blocks_third_level_addon_is_one_unit_however_many_levels(coder):
    r = _code(coder, LUMBAR_RIGHT_FOUR)
    assert _lines(r) == [("64493", 1, ["RT"]), ("64494", 1, ["RT"]), ("64495", 1, ["RT"])]


def test_blocks_cervical_four_levels_abbreviated_mbb_end_with_one_64492(coder):
    r = _code(coder, CERVICAL_LEFT_FOUR_MBB)
    assert _lines(r) == [("64490", 1, ["LT"]), ("64491", 1, ["LT"]), ("64492", 1, ["LT"])]
    assert _evidence(CERVICAL_LEFT_FOUR_MBB, r.cpt[0]) == ["Left", "MBB"]


def test_blocks_rf_note_citing_positive_blocks_codes_only_the_destruction(coder):
    r = _code(coder, RF_AFTER_POSITIVE_BLOCKS)
    assert _lines(r) == [("64635", 1, ["RT"]), ("64636", 1, ["RT"])]
    block = next(n for n in r.not_reported if n.code == "64493")
    assert "earlier encounter" in block.reason
    assert [e.text for e in block.evidence] == ["medial branch blocks"]


@pytest.mark.parametrize(
    "text,want,block",
    [
        (RF_BLOCKS_IN_HISTORY, [("64635", 1, ["RT"])], "64493"),
        (GENICULAR_RF_AFTER_BLOCK, [("64624", 1, ["RT"])], "64454"),
        (SI_RF_AFTER_BLOCKS, [("64625", 1, ["50"])], "27096"),
    ],
    ids=["facet-history-section", "genicular-gave-relief", "si-relief-with-blocks"],
)
def test_blocks_recounted_in_a_destruction_note_are_earlier_encounters(coder, text, want, block):
    r = _code(coder, text)
    assert _lines(r) == want
    dropped = next(n for n in r.not_reported if n.code == block)
    assert "earlier encounter" in dropped.reason


def test_blocks_recounted_in_the_visit_that_requests_rf_are_not_coded(coder):
    r = _code(coder, VISIT_BLOCKS_DONE_RF_PLANNED)
    assert r.cpt == []
    reasons = {n.code: n.reason for n in r.not_reported}
    assert "earlier encounter" in reasons["64493"]
    assert "planned" in reasons["64635"]


def test_blocks_guided_block_without_headers_is_today_even_with_rf_ahead(coder):
    r = _code(coder, UNHEADED_GUIDED_BLOCKS)
    assert _lines(r) == [("64493", 1, ["RT"]), ("64494", 1, ["RT"])]
    assert _evidence(UNHEADED_GUIDED_BLOCKS, r.cpt[0]) == ["Right", "medial branch blocks"]


def test_blocks_planned_in_a_clinic_note_are_not_coded(coder):
    r = _code(coder, PLANNED_BLOCKS)
    assert r.cpt == []
    block = next(n for n in r.not_reported if n.code == "64493")
    assert "planned" in block.reason
    assert [e.text for e in block.evidence] == ["medial branch blocks"]


def test_blocks_genicular_block_today_with_rf_at_a_later_session(coder):
    r = _code(coder, GENICULAR_BLOCK_RF_LATER)
    assert _lines(r) == [("64454", 1, ["LT"])]
    assert _evidence(GENICULAR_BLOCK_RF_LATER, r.cpt[0]) == ["Left", "genicular nerve block"]
    assert [d.code for d in r.icd10] == ["M17.12"]
    later = next(n for n in r.not_reported if n.code == "64624")
    assert "possibility" in later.reason  # 'if the block is positive': not done today
    assert "77002" in {n.code for n in r.not_reported}


def test_blocks_bilateral_si_joint_injection_is_27096_50(coder):
    r = _code(coder, SI_INJECTION_BILATERAL)
    assert _lines(r) == [("27096", 1, ["50"])]
    evidence = _evidence(SI_INJECTION_BILATERAL, r.cpt[0])
    assert evidence == ["Bilateral", "sacroiliac joint injections"]
    assert [d.code for d in r.icd10] == ["M46.1"]
    assert "77003" in {n.code for n in r.not_reported}


def test_blocks_injection_at_the_level_destroyed_in_the_session_is_bundled(coder):
    r = _code(coder, BLOCK_WITH_RF_SAME_LEVEL)
    assert _lines(r) == [("64635", 1, ["RT"])]
    bundled = next(n for n in r.not_reported if n.code == "64493")
    assert bundled.rule == "facet.block_with_destruction_same_level"
    assert "only the destruction is billed" in bundled.reason


def test_blocks_facet_and_si_injections_of_one_session_are_two_procedures(coder):
    r = _code(coder, FACET_AND_SI_SAME_SESSION)
    assert _lines(r) == [("64493", 1, ["50"]), ("64494", 1, ["50"]), ("27096", 1, ["RT"])]
    assert _evidence(FACET_AND_SI_SAME_SESSION, r.cpt[0]) == ["Bilateral", "facet joint injections"]
    assert _evidence(FACET_AND_SI_SAME_SESSION, r.cpt[2]) == ["right", "sacroiliac joint injection"]
    assert [d.code for d in r.icd10] == ["M47.816", "M46.1"]


def test_blocks_joint_and_medial_branch_words_name_one_procedure_counted_once(coder):
    r = _code(coder, FACET_WORDS_MIXED)
    assert _lines(r) == [("64493", 1, ["RT"]), ("64494", 1, ["RT"])]
    evidence = _evidence(FACET_WORDS_MIXED, r.cpt[0])
    assert evidence == ["Right", "facet injections", "Medial branch blocks"]


def test_blocks_with_moderate_sedation_go_to_review_with_the_payer_caveat(coder):
    r = _code(coder, BLOCKS_WITH_SEDATION)
    assert _lines(r) == [("64493", 1, ["50"]), ("64494", 1, ["50"]), ("99152", 1, [])]
    finding = next(f for f in r.findings if f.rule == "review.sedation_with_facet_block")
    assert finding.codes == ["99152", "64493"]
    assert "not treat sedation as routinely necessary" in finding.message
    assert r.review.route == "review"


def test_blocks_a_region_word_beside_the_block_picks_the_lumbar_code(coder):
    text = (
        "PROCEDURE: Right lumbar medial branch block under fluoroscopy.\n"
        "INDICATION: 60-year-old man with lumbar facet arthropathy."
    )
    r = _code(coder, text)
    assert _lines(r) == [("64493", 1, ["RT"])]
    assert _evidence(text, r.cpt[0]) == ["Right", "medial branch block"]


def test_blocks_recounted_beside_an_earlier_liver_ablation_keep_their_own_targets(coder):
    text = (
        "PROCEDURE: CT-guided percutaneous cryoablation of a 2.4 cm left renal mass.\n"
        "HISTORY: 70-year-old man with clear cell renal cell carcinoma of the left kidney. He "
        "underwent CT-guided radiofrequency ablation of a right liver metastasis in 2021 and right "
        "lumbar medial branch blocks last year.\n"
        "TECHNIQUE: Two cryoprobes were placed under CT guidance; two freeze cycles."
    )
    r = _code(coder, text)
    assert _lines(r) == [("50593", 1, ["LT"]), ("77013", 1, ["26"])]
    assert [n.code for n in r.not_reported][:2] == ["47382", "64493"]


SI_NERVE_BLOCK_BILATERAL = (
    "PROCEDURE: Bilateral L5 dorsal ramus block and bilateral S1, S2, and S3 lateral branch "
    "block.\n"
    "INDICATION: Sacroiliac joint pain.\n"
    "TECHNIQUE: Prone. Under fluoroscopic guidance 22-gauge needles were placed at the junction "
    "of the sacral ala and the superior articular process of S1 bilaterally and lateral to the "
    "S1, S2 and S3 foramina. 0.5 mL of 0.5% bupivacaine was injected at each target after "
    "negative aspiration. Pain went from 7/10 to 1/10."
)
SI_RF_AFTER_LATERAL_BRANCH_BLOCKS = (
    "PROCEDURE: Right sacroiliac joint radiofrequency denervation.\n"
    "HISTORY: Two prior right lateral branch blocks each gave over 80% relief.\n"
    "TECHNIQUE: Under fluoroscopy, cooled radiofrequency probes were placed at the right L5 dorsal "
    "ramus and the S1, S2 and S3 lateral branches, and lesions of 2.5 minutes were made at each."
)


def test_blocks_si_joint_nerve_block_is_64451_not_facet_or_joint_injection(coder):
    """The L5 dorsal ramus blocked with the sacral lateral branches is one block of the SI
    joint's nerves (64451-50), not facet medial branch blocks (64493-64495) beside it."""
    r = _code(coder, SI_NERVE_BLOCK_BILATERAL)
    assert _lines(r) == [("64451", 1, ["50"])]
    evidence = _evidence(SI_NERVE_BLOCK_BILATERAL, r.cpt[0])
    assert "lateral branch block" in evidence and "dorsal ramus block" in evidence
    assert [d.code for d in r.icd10] == ["M53.3"]
    assert "77003" in {n.code for n in r.not_reported}


def test_blocks_lateral_branch_blocks_before_si_rf_are_not_billed_today(coder):
    r = _code(coder, SI_RF_AFTER_LATERAL_BRANCH_BLOCKS)
    assert _lines(r) == [("64625", 1, ["RT"])]
    done = [p for p in r.facts.procedures if p.assertion == "performed"]
    assert [p.action for p in done] == ["ablation"]
