"""Accuracy on the gold-coded corpus (tests/corpus/gold.jsonl, 191 notes written for the project).

The floors below are regression guards at the accuracy measured on 2026-11-27; the target of
issue 4 is 0.97 (CPT) and 0.93 (ICD-10-CM) and is not met yet. Raise a floor whenever a change
raises the measured figure; never lower one to let a change in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from case2code.evaluation import evaluate, load_gold

GOLD = Path(__file__).resolve().parents[1] / "corpus" / "gold.jsonl"
FLOORS = {"cpt_exact": 0.76, "icd10_set_exact": 0.63, "first_listed_exact": 0.71,
          "not_reported_ok": 0.88}


@pytest.fixture(scope="module")
def report():
    return evaluate(load_gold(GOLD))


def test_corpus_is_large_and_covers_every_procedure_code(report):
    from case2code.kb import get_kb

    assert report.cases >= 150
    wanted = {c["code"] for case in load_gold(GOLD) for c in case["expected"]["cpt"]}
    procedures = {c.code for c in get_kb().codes.values() if c.kind.value in ("procedure", "addon")}
    # Known gap: no gold note yet for navigation 20985 or open/laparoscopic kidney 50250/50542.
    assert procedures - wanted <= {"20985", "50250", "50542"}


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_corpus_accuracy_does_not_regress(report, metric):
    assert report.summary()[metric] >= FLOORS[metric], report.summary()
