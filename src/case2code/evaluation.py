"""Accuracy against a gold-coded corpus: case-level exact match and per-code precision/recall."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .engine import Coder
from .model import Note


@dataclass
class CaseDiff:
    id: str
    cpt_expected: list
    cpt_got: list
    icd_expected: list
    icd_got: list
    not_reported_missing: list


@dataclass
class Report:
    cases: int = 0
    cpt_exact: int = 0
    modifiers_exact: int = 0
    icd_set_exact: int = 0
    first_dx_exact: int = 0
    not_reported_ok: int = 0
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    failures: list[CaseDiff] = field(default_factory=list)
    # the review route (issue 9): case-exact = CPT lines (codes, units, modifiers) / ICD-10-CM set
    # and first-listed code, split by the route the engine gave the note
    routed_auto: int = 0
    auto_cpt_ok: int = 0
    auto_icd_ok: int = 0
    auto_ok: int = 0
    review_cpt_ok: int = 0
    review_icd_ok: int = 0
    review_ok: int = 0
    auto_wrong: list[str] = field(default_factory=list)

    def rate(self, n: int) -> float:
        return n / self.cases if self.cases else 0.0

    def summary(self) -> dict:
        return {
            "cases": self.cases,
            "cpt_exact": round(self.rate(self.cpt_exact), 4),
            "modifiers_exact": round(self.rate(self.modifiers_exact), 4),
            "icd10_set_exact": round(self.rate(self.icd_set_exact), 4),
            "first_listed_exact": round(self.rate(self.first_dx_exact), 4),
            "not_reported_ok": round(self.rate(self.not_reported_ok), 4),
            **self.route_summary(),
        }

    def route_summary(self) -> dict:
        auto, review = self.routed_auto, self.cases - self.routed_auto

        def share(n: int, d: int):
            return round(n / d, 4) if d else None

        return {
            "auto_share": share(auto, self.cases),
            "auto_cpt_exact": share(self.auto_cpt_ok, auto),
            "auto_icd10_exact": share(self.auto_icd_ok, auto),
            "auto_case_exact": share(self.auto_ok, auto),
            "review_cpt_exact": share(self.review_cpt_ok, review),
            "review_icd10_exact": share(self.review_icd_ok, review),
            "review_case_exact": share(self.review_ok, review),
        }

    def per_code(self) -> dict[str, dict]:
        out = {}
        for code in sorted(set(self.tp) | set(self.fp) | set(self.fn)):
            tp, fp, fn = self.tp[code], self.fp[code], self.fn[code]
            out[code] = {
                "precision": round(tp / (tp + fp), 3) if tp + fp else None,
                "recall": round(tp / (tp + fn), 3) if tp + fn else None,
                "tp": tp,
                "fp": fp,
                "fn": fn,
            }
        return out


def load_gold(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def evaluate(gold: list[dict], coder: Coder | None = None) -> Report:
    coder = coder or Coder()
    report = Report()
    for case in gold:
        try:
            _score(report, case, coder)
        except Exception as exc:  # noqa: BLE001 - a crashing case is a failing case, not a crash
            report.cases += 1
            report.failures.append(CaseDiff(case.get("id", "?"), [], [f"error: {exc}"], [], [], []))
    return report


def _score(report: Report, case: dict, coder: Coder) -> None:
    exp = case["expected"]
    note = Note(
        case["text"],
        case["id"],
        date.fromisoformat(case.get("date_of_service") or date.today().isoformat()),
        case.get("setting", "professional"),
    )
    result = coder.code(note)
    optional = {c["code"] for c in exp.get("cpt_optional", [])}
    got = sorted((c.code, c.units) for c in result.cpt if c.code not in optional)
    want = sorted((c["code"], c["units"]) for c in exp["cpt"])
    got_mods = sorted(
        (c.code, tuple(sorted(c.modifiers))) for c in result.cpt if c.code not in optional
    )
    want_mods = sorted((c["code"], tuple(sorted(c.get("modifiers", [])))) for c in exp["cpt"])
    got_lines = sorted(
        (c.code, c.units, *sorted(c.modifiers)) for c in result.cpt if c.code not in optional
    )
    want_lines = sorted(
        (c["code"], c["units"], *sorted(c.get("modifiers", []))) for c in exp["cpt"]
    )
    icd_opt = set(exp.get("icd10_optional", []))
    icd_got = [d.code for d in result.icd10 if d.code not in icd_opt]
    nr_missing = [
        c for c in exp.get("not_reported", []) if c not in {n.code for n in result.not_reported}
    ]
    report.cases += 1
    report.cpt_exact += got == want
    report.modifiers_exact += got_mods == want_mods
    report.icd_set_exact += set(icd_got) == set(exp["icd10"])
    first = result.icd10[0].code if result.icd10 else None
    report.first_dx_exact += first == (exp["icd10"][0] if exp["icd10"] else None)
    report.not_reported_ok += not nr_missing
    _count(report, {c for c, _ in got}, {c for c, _ in want})
    first_want = exp["icd10"][0] if exp["icd10"] else None
    _route(
        report,
        case["id"],
        result,
        got_lines == want_lines,
        set(icd_got) == set(exp["icd10"]) and first == first_want,
    )
    if (
        got != want
        or got_mods != want_mods
        or set(icd_got) != set(exp["icd10"])
        or (first != (exp["icd10"][0] if exp["icd10"] else None))
    ):
        report.failures.append(
            CaseDiff(
                case["id"],
                want_lines,
                got_lines,
                exp["icd10"],
                [d.code for d in result.icd10],
                nr_missing,
            )
        )


def _route(report: Report, case_id: str, result, cpt_ok: bool, icd_ok: bool) -> None:
    """Tally case-exact CPT and ICD-10-CM by the route the engine gave the note."""
    auto = result.review is not None and result.review.route == "auto"
    if auto:
        report.routed_auto += 1
        report.auto_cpt_ok += cpt_ok
        report.auto_icd_ok += icd_ok
        report.auto_ok += cpt_ok and icd_ok
        if not (cpt_ok and icd_ok):
            report.auto_wrong.append(case_id)
    else:
        report.review_cpt_ok += cpt_ok
        report.review_icd_ok += icd_ok
        report.review_ok += cpt_ok and icd_ok


def _count(report: Report, got: set, want: set) -> None:
    for code in got & want:
        report.tp[code] += 1
    for code in got - want:
        report.fp[code] += 1
    for code in want - got:
        report.fn[code] += 1
