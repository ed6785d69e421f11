"""A lymph node metastasis ablated is the node's procedure, not the organ of the cancer that
spread there: with no node ablation code it is the unlisted code of the lymphatic section (38999,
unlisted.yaml), never the thyroid's 60699 or another organ's code. The nodes named with and
without their region are the region's code only (guidelines.yaml neoplasm.lymph_node_regions)."""

from __future__ import annotations

from datetime import date

import pytest

from case2code.engine import Coder
from case2code.model import Note

NODE_RFA = (
    "PROCEDURE: Ultrasound-guided radiofrequency ablation of a right cervical lymph node "
    "metastasis of papillary thyroid cancer.\n"
    "HISTORY: 58-year-old woman after total thyroidectomy and radioiodine for papillary thyroid "
    "cancer, now with a 12 mm metastatic lymph node at right level III proven by fine needle "
    "aspiration; she declined neck dissection.\n"
    "TECHNIQUE: Under ultrasound guidance an 18-gauge RF electrode was placed in the node and a "
    "moving-shot ablation was performed until the node was hyperechoic."
)


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def test_a_nodal_metastasis_ablated_is_the_lymphatic_unlisted_code_not_the_thyroids(coder):
    r = coder.code(Note(NODE_RFA, "node-rfa", date(2025, 3, 4)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("38999", 1, [])]
    assert [e.text for e in r.cpt[0].evidence] == ["radiofrequency ablation", "ablation"]
    assert "60699" not in [n.code for n in r.not_reported]
    assert [x.rule for x in r.review.reasons][0] == "route.unlisted_code"
    ablation = next(p for p in r.facts.procedures if p.action == "ablation")
    assert ablation.organ == "lymph_node" and ablation.assertion == "performed"


def test_the_node_named_without_its_region_is_the_regions_code(coder):
    r = coder.code(Note(NODE_RFA, "node-rfa", date(2025, 3, 4)))
    # the thyroid was removed before (total thyroidectomy): its cancer is a history code
    assert [d.code for d in r.icd10] == ["C77.0", "Z85.850"]
    assert [e.text for e in r.icd10[0].evidence] == ["metastasis", "cervical lymph node"]
