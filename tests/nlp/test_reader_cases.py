"""The reader against the hand-written test notes in tests/nlp/cases/*.yaml.

Each case lists the procedure facts a careful reader extracts (all assertions) and the conditions
that must be found. Cases the reader still gets wrong are listed in known_gaps.txt and run as
strict xfail: fixing one makes the suite say so, and the list must shrink with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from case2code.nlp import read_facts

HERE = Path(__file__).parent
CASES = [c for f in sorted((HERE / "cases").glob("*.yaml")) for c in yaml.safe_load(f.read_text())]
GAPS = {  # "case-id  # why the reader still gets it wrong"
    line.split("#", 1)[0].strip()
    for line in (HERE / "known_gaps.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
}
PROC_KEYS = (
    "action",
    "modality",
    "approach",
    "organ",
    "site",
    "laterality",
    "count",
    "assertion",
    "aborted_stage",
    "energy_delivered",
    "region",
    "extension",
)
COND_KEYS = ("kind", "site", "role", "behavior", "status", "histology", "detail", "laterality")


def _matches(expected: dict, got: dict, keys) -> bool:
    for key in keys:
        if key not in expected:
            continue
        want, have = expected[key], got.get(key)
        if key == "site" and want in (got.get("sites") or []):
            continue
        if want != have:
            return False
    if "guidance" in expected and sorted(expected["guidance"] or []) != sorted(
        got.get("guidance") or []
    ):
        return False
    if "evidence" in expected and "evidence" in got:
        spans = [(e["start"], e["end"]) for e in got["evidence"]]
        text = expected["_text"]
        at = text.find(expected["evidence"])
        if not any(a <= at < b or at <= a < at + len(expected["evidence"]) for a, b in spans):
            return False
    return True


def check_case(case: dict) -> list[str]:
    _, facts = read_facts(case["text"])
    data = facts.to_dict()
    problems = []
    exp = case.get("expect", {})
    for want in exp.get("procedures", []):
        want = {**want, "_text": case["text"]}
        if not any(_matches(want, got, PROC_KEYS) for got in data["procedures"]):
            problems.append(f"missing procedure {want}")
    performed_want = sum(
        1 for p in exp.get("procedures", []) if p.get("assertion", "performed") == "performed"
    )
    performed_got = sum(1 for p in data["procedures"] if p["assertion"] == "performed")
    if performed_got > max(performed_want, 1) * 2:
        problems.append(f"{performed_got} performed procedures, expected {performed_want}")
    for want in exp.get("conditions", []):
        want = {**want, "_text": case["text"]}
        if not any(_matches(want, got, COND_KEYS) for got in data["conditions"]):
            problems.append(f"missing condition {want}")
    return problems


def test_case_files_are_many_and_unique():
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 120 and len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_reader_case(case, request):
    if case["id"] in GAPS:
        request.applymarker(pytest.mark.xfail(strict=True, reason="known reader gap"))
    assert check_case(case) == []
