"""An open (surgical) biopsy is never a needle biopsy code, and a procedure the visit cancels is
not coded: a consult that talks the patient out of an open lung biopsy has no CPT line."""

from __future__ import annotations

from datetime import date

from case2code.engine import Coder
from case2code.model import Note

CANCELLED_CONSULT = (
    "CHART NOTE:  She is here to discuss possible open lung biopsy that she has actually "
    "scheduled for tomorrow. Dr. X wanted her to have an open lung biopsy. She seemed comfortable "
    "with simply monitoring this a little longer, and I called Dr. X about cancelling the "
    "procedure."
)
OPEN_LUNG_BIOPSY = (
    "OPERATION:  Open lung biopsy of the right lower lobe for interstitial lung disease in a "
    "61-year-old man. A wedge of the right lower lobe was excised with a stapler."
)


def test_a_consult_cancelling_the_open_lung_biopsy_codes_no_procedure():
    r = Coder().code(Note(CANCELLED_CONSULT, "consult", date(2025, 6, 2)))
    assert r.cpt == []
    assert r.facts.procedures[0].assertion == "negated"
    assert "context.cancelled" in r.facts.procedures[0].rules


def test_an_open_lung_biopsy_is_not_the_percutaneous_needle_code():
    r = Coder().code(Note(OPEN_LUNG_BIOPSY, "olb", date(2025, 6, 2)))
    assert r.cpt == []
    assert not {"32405", "32408"} & {c.code for c in r.cpt}
    assert r.facts.procedures[0].approach == "open"
    assert any(f.rule == "gap.no_code" for f in r.findings)
    assert r.review.route == "review"


def test_an_excisional_breast_biopsy_is_not_the_needle_core_code_without_imaging():
    """19100 is a percutaneous needle core biopsy (breast.yaml select approach): a
    needle-localized excisional biopsy is open surgery, the excision of a lesion found by a marker
    placed before the operation (19125 since cov8), never 19100; the 'excised' words of its body,
    with no code of their own, still send the note to a coder."""
    text = (
        "PROCEDURE:  Left breast needle-localized excisional biopsy.\n"
        "A 48-year-old woman with a nonpalpable left breast density. After wire localization in "
        "radiology, a curvilinear incision was made and the breast tissue around the wire was "
        "excised and sent for specimen radiography."
    )
    r = Coder().code(Note(text, "breast-exc", date(2025, 6, 2)))
    assert "19100" not in {c.code for c in r.cpt}
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("19125", 1, ["LT"])]
    assert r.review.route == "review"


def test_a_specimen_removed_from_breast_names_no_breast_primary():
    """notectx.names_origin: 'from' names where a metastasis came from only in a sentence of a
    tumor; 'The breast specimen was then removed from breast' is a place, so a localized
    excision of a breast density codes no breast cancer: the left breast mass at 4 o'clock is
    the lower-outer-quadrant lump, N63.23."""
    text = (
        "PREOPERATIVE DIAGNOSIS:  Left breast mass.\n"
        "HISTORY:  A 51-year-old woman with a density in the left breast at 4 o'clock on routine "
        "mammography underwent needle localization and was taken to the operating room.\n"
        "PROCEDURE:  A core of breast tissue of approximately 2 cm surrounding the hook of the "
        "needle localization wire was excised. The breast specimen was then removed from breast, "
        "and silk sutures were used to mark the specimen."
    )
    r = Coder().code(Note(text, "breast-origin", date(2025, 6, 2)))
    assert [d.code for d in r.icd10] == ["N63.23"]


def test_a_vats_pleural_biopsy_is_no_percutaneous_lung_biopsy():
    """'Right VATS pleurodesis and pleural biopsy': biopsies taken through thoracoscopic ports
    are surgery (app.thoracoscopic), which the KB does not code; 32408, the percutaneous core
    needle biopsy, is never chosen for them, and the note goes to a coder."""
    text = (
        "PROCEDURE:  Right VATS pleurodesis and pleural biopsy.\n"
        "PROCEDURE IN DETAIL:  Under general anesthesia a 10-mm port was placed in the axillary "
        "line and the effusion was drained. Multiple pleural biopsies were taken with the biopsy "
        "device in all areas of the pleura, and talc was insufflated."
    )
    r = Coder().code(Note(text, "vats", date(2025, 6, 2)))
    assert "32408" not in {c.code for c in r.cpt}
    gap = [f for f in r.findings if "thoracoscopic" in f.message]
    assert gap and gap[0].severity == "warning"
    assert any(x.rule == "route.uncovered_procedure" for x in r.review.reasons)
