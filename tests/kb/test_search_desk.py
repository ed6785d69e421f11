"""Search over everything a coder types (issue 14 item 2, issue 8 item 5): the whole ICD-10-CM
set and the KB's CPT entries, ranked so every typed word counts before any nuance, with
spelling tolerance that cannot pull unrelated codes first; code-shaped non-codes are errors.

The 116 coder-style queries of queries_desk.yaml (and 23 blind ones written after tuning) are
measured as a whole (top-1 and top-3); the floors sit at or just under the measured figures so
a regression fails, and the issue's own examples are asserted one by one.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from case2code.errors import UnknownCodeError
from case2code.kb.lookup import Entry, lookup

HERE = Path(__file__).parent
DESK = yaml.safe_load((HERE / "queries_desk.yaml").read_text())
QUERIES, BLIND = DESK["queries"], DESK["blind"]
# Measured 2026-12-02. Tuned set: first run 97/116 top-1, 114/116 top-3; after the data fixes
# its misses showed (search-terms.yaml alternatives) 111/116 = 0.957 and 115/116 = 0.991.
TOP1_FLOOR, TOP3_FLOOR = 0.95, 0.99
# Blind set, written after tuning and measured once: 15/23 = 0.652 top-1, 17/23 = 0.739 top-3.
BLIND_TOP1_FLOOR, BLIND_TOP3_FLOOR = 0.65, 0.73


def _answers(query: str) -> list[str]:
    found = lookup(query)
    return [found.code] if isinstance(found, Entry) else [h.code for h in found]


def _fits(code: str, want: list[str]) -> bool:
    return any(code == w or (w.endswith("-") and code.startswith(w[:-1])) for w in want)


def test_the_desk_queries_are_new_and_many():
    # by path: the bench extra installs a site-packages `tests` package (medspacy-quickumls)
    spec = importlib.util.spec_from_file_location("desk_old_queries", HERE / "test_lookup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    OLD = module.QUERIES

    old = {q.lower() for q, _ in OLD}
    assert len(QUERIES) >= 80
    assert not [x["q"] for x in QUERIES + BLIND if x["q"].lower() in old]


def _measure(queries: list[dict]) -> tuple[float, float, str]:
    top1 = top3 = 0
    misses = []
    for item in queries:
        got = _answers(item["q"])[:3]
        top1 += _fits(got[0], item["want"])
        top3 += any(_fits(c, item["want"]) for c in got)
        if not _fits(got[0], item["want"]):
            misses.append(f"{item['q']!r}: want {item['want']}, got {got}")
    n = len(queries)
    report = f"top-1 {top1}/{n} = {top1 / n:.3f}, top-3 {top3}/{n} = {top3 / n:.3f}"
    return top1 / n, top3 / n, report + "\n" + "\n".join(misses)


def test_top1_and_top3_over_the_desk_queries():
    top1, top3, report = _measure(QUERIES)
    assert top1 >= TOP1_FLOOR and top3 >= TOP3_FLOOR, report


def test_top1_and_top3_over_the_blind_queries():
    top1, top3, report = _measure(BLIND)
    assert top1 >= BLIND_TOP1_FLOOR and top3 >= BLIND_TOP3_FLOOR, report


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("moderate sedation", "99152"),
        ("former smoker", "Z87.891"),
        ("radiofrequncy ablaton femur", "20982"),
        ("what is 20982", "20982"),
        ("bone tumor cryo", "20983"),
    ],
)
def test_the_issue_examples_rank_first(query, first):
    assert _answers(query)[0] == first


def test_osteoid_osteoma_tibia_gives_a_d16_2_code_not_fractures():
    got = _answers("osteoid osteoma tibia")
    assert got[0].startswith("D16.2"), got[:3]
    assert not [c for c in got[:3] if c.startswith(("S", "M84"))]


def test_cirrhosis_answers_with_cirrhosis_codes():
    got = lookup("cirrhosis")
    assert got and all("cirrhosis" in h.title.lower() for h in got[:5])


def test_a_misspelling_does_not_outrank_the_words_as_typed():
    hits = lookup("radiofrequncy ablaton femur")
    assert hits[0].code == "20982"
    assert all(h.score < hits[0].score for h in hits[1:])


@pytest.mark.parametrize(
    ("query", "close"),
    # 0000T: the KB's lowest Category III codes (0200T, 0201T sacroplasty) come first
    [("99999Z", "99153"), ("0000T", "0200T"), ("C99.99", "C"), ("Z99999", "Z99")],
)
def test_code_shaped_non_codes_are_errors_with_close_codes_of_the_same_system(query, close):
    with pytest.raises(UnknownCodeError) as info:
        lookup(query)
    message = str(info.value)
    assert info.value.code == "E002" and f"'{query}'" in message
    suggestions = message.split("Did you mean: ")[1].split("?")[0]
    assert suggestions != "none" and close in suggestions


@pytest.mark.parametrize("query", ["99999Z", "0000T"])
def test_cli_code_shaped_non_code_exits_2(query):
    run = subprocess.run(
        [sys.executable, "-m", "case2code.cli", "lookup", query],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 2 and "[E002]" in run.stderr and "none?" not in run.stderr


def test_icd_lookup_shows_its_parents_notes_as_the_tabular_list_does():
    notes = lookup("M84.58XA").desk["tabular_notes"]
    levels = {n["code"]: n for n in notes}
    assert levels["M84.5"]["code_also"] == ["underlying neoplasm"]
    assert "traumatic fracture of bone-see fracture, by site" in levels["M84"]["excludes2"]
    assert "neoplasms (C00-D49)" in levels["13"]["excludes2"]  # chapter 13's Excludes2
    c7951 = {n["code"]: n for n in lookup("C79.51").desk["tabular_notes"]}
    assert "secondary carcinoid tumors (C7B.-)" in c7951["C79"]["excludes1"]


def test_cli_lookup_prints_tabular_notes_by_level():
    run = subprocess.run(
        [sys.executable, "-m", "case2code.cli", "lookup", "M84.58XA"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    assert (
        "M84.5  Pathological fracture in neoplastic disease\n  Code also: underlying neoplasm"
        in (run.stdout)
    )
    assert "Chapter 13" in run.stdout
