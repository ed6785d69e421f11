"""The eval report a coding lead uses: counts beside every rate, per-code tables for CPT and
ICD-10-CM, and every failing case (not-reported-only failures too) ranked by severity, naming
the metric it failed, with code descriptions and the note's first line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from case2code.evaluation import METRICS, _scored_lines, evaluate
from case2code.formats.report import report_text
from case2code.model import CodeLine

NOTE = (Path(__file__).parents[1] / "src/case2code/examples/bone-rfa-iliac.txt").read_text()
RIGHT = {
    "cpt": [{"code": "20982", "units": 1, "modifiers": []}],
    "icd10": ["C79.51", "C50.919"],
    "icd10_optional": ["G89.3"],
    "not_reported": ["77013"],
}


def _case(case_id, text=NOTE, **changes):
    return {
        "id": case_id,
        "text": text,
        "date_of_service": "2025-06-02",
        "expected": {**RIGHT, **changes},
    }


GOLD = [
    _case("right"),
    _case("nr-only", not_reported=["77013", "20225"]),  # a biopsy the note never mentions
    _case("cpt-wrong", cpt=[{"code": "20983", "units": 1, "modifiers": []}]),
    _case("icd-first", icd10=["C50.919", "C79.51"]),
    _case("crash", text=None),
]


@pytest.fixture(scope="module")
def report():
    return evaluate(GOLD)


def test_summary_keys_stay_and_counts_sit_beside_the_rates(report):
    summary = report.summary()
    assert list(summary)[:1] == ["cases"] and summary["cases"] == 5
    for key in ("cpt_exact", "modifiers_exact", "icd10_set_exact", "first_listed_exact"):
        assert key in summary
    counts = report.counts()
    assert counts["cpt_exact"] == {
        "label": "CPT codes and units",
        "passed": 3,
        "cases": 5,
        "rate": 0.6,
    }
    assert counts["not_reported_ok"]["passed"] == 3  # nr-only fails, crash fails
    assert counts["first_listed_exact"]["passed"] == 3
    assert report.cpt_exact == 3 and report.not_reported_ok == 3  # legacy integer fields


def test_every_failing_case_is_listed_most_severe_first(report):
    ranked = [(f.id, f.failed, f.severity) for f in report.ranked_failures()]
    assert ranked == [
        ("crash", ["crash"], 9),
        ("cpt-wrong", ["cpt_exact", "modifiers_exact"], 5),
        ("icd-first", ["first_listed_exact"], 4),
        ("nr-only", ["not_reported_ok"], 1),
    ]
    nr = next(f for f in report.failures if f.id == "nr-only")
    assert nr.not_reported_missing == ["20225"]
    assert nr.first_line.startswith("PROCEDURE: CT-guided percutaneous radiofrequency ablation")


def test_per_code_tables_for_cpt_and_icd(report):
    cpt = report.per_code()
    assert cpt["20982"] == {"precision": 0.75, "recall": 1.0, "tp": 3, "fp": 1, "fn": 0}
    assert cpt["20983"]["fn"] == 1
    icd = report.per_icd_code()
    assert icd["C79.51"]["tp"] == 4 and icd["C50.919"]["tp"] == 4
    assert "G89.3" not in icd  # optional in every case: neither right nor wrong


def test_text_report_reads_like_a_review_list(report):
    text = report_text(report)
    assert "CPT codes and units        0.600  (3/5)" in text
    assert "ICD-10-CM per code" in text and "C79.51" in text
    assert "Secondary malignant neoplasm of bone" in text
    assert "Failing cases: 4 of 5, most severe first" in text
    assert "FAIL nr-only  [severity 1: not-reported codes]" in text
    assert "not reported, missing: 20225 (Needle or trocar biopsy" in text
    assert "missing 20983 (Percutaneous cryoablation" in text
    assert text.index("FAIL crash") < text.index("FAIL cpt-wrong") < text.index("FAIL nr-only")


def test_a_new_metric_is_one_entry(report):
    names = [m.name for m in METRICS]
    assert names == [
        "cpt_exact",
        "first_listed_exact",
        "icd10_set_exact",
        "modifiers_exact",
        "not_reported_ok",
    ]
    assert set(report.counts()) == set(names)


def test_cli_eval_json_and_text(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(c) for c in GOLD[:2]) + "\n")
    run = subprocess.run(
        [sys.executable, "-m", "case2code.cli", "eval", str(gold), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) == {"summary", "counts", "per_code", "per_icd_code", "failures", "auto_wrong"}
    assert [f["id"] for f in data["failures"]] == ["nr-only"]
    assert data["counts"]["not_reported_ok"]["passed"] == 1
    text = subprocess.run(
        [sys.executable, "-m", "case2code.cli", "eval", str(gold)],
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout
    assert "not-reported codes         0.500  (1/2)" in text


def test_an_optional_form_of_a_required_line_scores_as_that_line():
    """Gold that accepts '20982, or 20982-LT' lists 20982 as required and 20982-LT as optional:
    the engine's 20982 must pass (it was dropped as 'optional' before), and so must 20982-LT;
    20982-RT is neither form and fails the modifiers."""
    forms = [{"code": "20982", "units": 1, "modifiers": ["LT"]}]
    report = evaluate([_case("either-form", cpt_optional=forms)])
    assert report.summary()["cpt_exact"] == 1.0
    assert report.summary()["modifiers_exact"] == 1.0
    exp = {"cpt": RIGHT["cpt"], "cpt_optional": forms}
    as_lt = SimpleNamespace(cpt=[CodeLine("20982", 1, ["LT"])])
    as_rt = SimpleNamespace(cpt=[CodeLine("20982", 1, ["RT"])])
    assert _scored_lines(exp, as_lt) == [("20982", 1, ())]
    assert _scored_lines(exp, as_rt) == [("20982", 1, ("RT",))]


def test_a_code_only_optional_is_left_out_of_the_score():
    extra = [{"code": "77013", "units": 1, "modifiers": ["26"]}]
    exp = {"cpt": RIGHT["cpt"], "cpt_optional": extra}
    got = SimpleNamespace(cpt=[CodeLine("20982", 1, []), CodeLine("77013", 1, ["26"])])
    assert _scored_lines(exp, got) == [("20982", 1, ())]


def test_a_failing_case_lists_the_line_it_was_scored_on():
    """The failure listing shows the engine's line even when its code also has an accepted
    optional form: '20982' passed CPT here and the case failed on ICD-10-CM only."""
    forms = [{"code": "20982", "units": 1, "modifiers": ["LT"]}]
    report = evaluate([_case("icd-only", cpt_optional=forms, icd10=["C79.52", "C50.919"])])
    failure = report.failures[0]
    assert failure.cpt_got == [("20982", 1)]
    assert "cpt_exact" not in failure.failed and "icd10_set_exact" in failure.failed
