"""Accuracy against a gold-coded corpus, in the terms a coding lead reviews: case-level exact
match per metric with its count, per-code precision and recall for CPT and ICD-10-CM, and every
failing case ranked by severity, naming the metrics it failed.

A metric is one entry of METRICS: a name, the words a lead reads, a severity weight and a check
on (expected, result). A new metric (a review-route metric, say) is one more entry; the summary,
counts, failure list and both renderings pick it up. `Report.summary()` keeps its original keys.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from .engine import Coder
from .model import Note, Result


@dataclass
class Scored:
    """What one case's metrics read: the gold expectations and the engine's lines, with the
    optional codes (either answer is right) removed from both sides."""

    exp: dict
    result: Result
    cpt_got: list = field(default_factory=list)
    cpt_want: list = field(default_factory=list)
    mods_got: list = field(default_factory=list)
    mods_want: list = field(default_factory=list)
    icd_got: list = field(default_factory=list)
    nr_missing: list = field(default_factory=list)

    @property
    def first_got(self) -> str | None:
        return self.result.icd10[0].code if self.result.icd10 else None

    @property
    def first_want(self) -> str | None:
        return self.exp["icd10"][0] if self.exp["icd10"] else None


@dataclass(frozen=True)
class Metric:
    name: str  # key in summary() and counts()
    label: str  # what a coding lead reads
    weight: int  # severity of a failure: higher is worse
    check: Callable[[Scored], bool]


METRICS: list[Metric] = [
    Metric("cpt_exact", "CPT codes and units", 5, lambda s: s.cpt_got == s.cpt_want),
    Metric(
        "first_listed_exact", "first-listed diagnosis", 4, lambda s: s.first_got == s.first_want
    ),
    Metric(
        "icd10_set_exact",
        "ICD-10-CM set",
        3,
        lambda s: set(s.icd_got) == set(s.exp["icd10"]),
    ),
    Metric("modifiers_exact", "modifiers", 2, lambda s: s.mods_got == s.mods_want),
    Metric("not_reported_ok", "not-reported codes", 1, lambda s: not s.nr_missing),
]
CRASH_WEIGHT = 9


@dataclass
class CaseDiff:
    id: str
    cpt_expected: list
    cpt_got: list
    icd_expected: list
    icd_got: list
    not_reported_missing: list
    failed: list[str] = field(default_factory=list)
    severity: int = 0
    first_line: str = ""
    error: str | None = None
    icd_optional: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


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
    passed: Counter = field(default_factory=Counter)
    icd_tp: Counter = field(default_factory=Counter)
    icd_fp: Counter = field(default_factory=Counter)
    icd_fn: Counter = field(default_factory=Counter)
    # the review route (issue 9): case-exact CPT lines (codes, units, modifiers) and ICD-10-CM
    # (set and first-listed), split by the route the engine gave the note
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
        """Rates per metric (original keys first; later metrics are added, never renamed)."""
        out: dict = {"cases": self.cases}
        out.update({m.name: round(self.rate(self.passed[m.name]), 4) for m in METRICS})
        out.update(self.route_summary())
        return out

    def route_summary(self) -> dict:
        """How often the engine said 'auto', and how right it was on each route."""
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

    def counts(self) -> dict[str, dict]:
        """Each metric as passed / cases with its rate, so no fraction is read without its count."""
        return {
            m.name: {
                "label": m.label,
                "passed": self.passed[m.name],
                "cases": self.cases,
                "rate": round(self.rate(self.passed[m.name]), 4),
            }
            for m in METRICS
        }

    def per_code(self) -> dict[str, dict]:
        """CPT precision and recall per code."""
        return _per_code(self.tp, self.fp, self.fn)

    def per_icd_code(self) -> dict[str, dict]:
        """ICD-10-CM precision and recall per code."""
        return _per_code(self.icd_tp, self.icd_fp, self.icd_fn)

    def ranked_failures(self) -> list[CaseDiff]:
        """Most severe first: a crash, then by the worst metric failed, then by how many."""
        return sorted(self.failures, key=lambda f: (-f.severity, -len(f.failed), f.id))

    def to_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "counts": self.counts(),
            "per_code": self.per_code(),
            "per_icd_code": self.per_icd_code(),
            "failures": [f.to_dict() for f in self.ranked_failures()],
            "auto_wrong": self.auto_wrong,
        }


def _per_code(tp: Counter, fp: Counter, fn: Counter) -> dict[str, dict]:
    out = {}
    for code in sorted(set(tp) | set(fp) | set(fn)):
        t, p, n = tp[code], fp[code], fn[code]
        out[code] = {
            "precision": round(t / (t + p), 3) if t + p else None,
            "recall": round(t / (t + n), 3) if t + n else None,
            "tp": t,
            "fp": p,
            "fn": n,
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
            report.failures.append(
                CaseDiff(
                    case.get("id", "?"),
                    [],
                    [f"error: {exc}"],
                    [],
                    [],
                    [],
                    failed=["crash"],
                    severity=CRASH_WEIGHT,
                    first_line=_first_line(case.get("text")),
                    error=f"{type(exc).__name__}: {exc}",
                )
            )
    return report


def _first_line(text) -> str:
    if not isinstance(text, str):
        return ""
    line = next((x.strip() for x in text.splitlines() if x.strip()), "")
    return line if len(line) <= 120 else line[:117] + "..."


def _mods(entry: dict) -> tuple[str, ...]:
    return tuple(sorted(entry.get("modifiers", [])))


def _scored_lines(exp: dict, result: Result) -> list[tuple[str, int, tuple[str, ...]]]:
    """The result's lines as scored: a code only in `cpt_optional` is accepted and left out; an
    optional entry with a required line's code is an accepted form of that line ('20982, or
    20982-LT'), so a line written that way scores as the required one."""
    required = {c["code"]: _mods(c) for c in exp["cpt"]}
    optional = exp.get("cpt_optional", [])
    forms = {(c["code"], _mods(c)) for c in optional if c["code"] in required}
    extra = {c["code"] for c in optional} - set(required)
    out = []
    for line in result.cpt:
        mods = tuple(sorted(line.modifiers))
        if line.code in extra:
            continue
        if (line.code, mods) in forms:
            mods = required[line.code]
        out.append((line.code, line.units, mods))
    return out


def _scored(case: dict, result: Result) -> Scored:
    exp = case["expected"]
    lines = _scored_lines(exp, result)
    icd_opt = set(exp.get("icd10_optional", []))
    return Scored(
        exp,
        result,
        cpt_got=sorted((code, units) for code, units, _ in lines),
        cpt_want=sorted((c["code"], c["units"]) for c in exp["cpt"]),
        mods_got=sorted((code, mods) for code, _, mods in lines),
        mods_want=sorted((c["code"], tuple(sorted(c.get("modifiers", [])))) for c in exp["cpt"]),
        icd_got=[d.code for d in result.icd10 if d.code not in icd_opt],
        nr_missing=[
            c for c in exp.get("not_reported", []) if c not in {n.code for n in result.not_reported}
        ],
    )


def _score(report: Report, case: dict, coder: Coder) -> None:
    note = Note(
        case["text"],
        case["id"],
        date.fromisoformat(case.get("date_of_service") or date.today().isoformat()),
        case.get("setting", "professional"),
    )
    result = coder.code(note)
    s = _scored(case, result)
    report.cases += 1
    failed = []
    for metric in METRICS:
        if metric.check(s):
            report.passed[metric.name] += 1
        else:
            failed.append(metric)
    _legacy_counts(report)
    _count(report.tp, report.fp, report.fn, {c for c, _ in s.cpt_got}, {c for c, _ in s.cpt_want})
    icd_opt = set(s.exp.get("icd10_optional", []))
    _count(
        report.icd_tp, report.icd_fp, report.icd_fn, set(s.icd_got), set(s.exp["icd10"]) - icd_opt
    )
    cpt_ok = s.cpt_got == s.cpt_want and s.mods_got == s.mods_want
    icd_ok = set(s.icd_got) == set(s.exp["icd10"]) and s.first_got == s.first_want
    _route(report, case["id"], result, cpt_ok, icd_ok)
    if failed:
        report.failures.append(_diff(case, s, failed))


def _route(report: Report, case_id: str, result, cpt_ok: bool, icd_ok: bool) -> None:
    """Tally case-exact CPT and ICD-10-CM by the route the engine gave the note."""
    if result.review is not None and result.review.route == "auto":
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


def _diff(case: dict, s: Scored, failed: list[Metric]) -> CaseDiff:
    return CaseDiff(
        case["id"],
        sorted((c["code"], c["units"], *sorted(c.get("modifiers", []))) for c in s.exp["cpt"]),
        sorted((code, units, *mods) for code, units, mods in _scored_lines(s.exp, s.result)),
        s.exp["icd10"],
        [d.code for d in s.result.icd10],
        s.nr_missing,
        failed=[m.name for m in failed],
        severity=max(m.weight for m in failed),
        first_line=_first_line(case.get("text")),
        icd_optional=list(s.exp.get("icd10_optional", [])),
    )


def _legacy_counts(report: Report) -> None:
    """The original integer fields, kept in step for callers that read them."""
    report.cpt_exact = report.passed["cpt_exact"]
    report.modifiers_exact = report.passed["modifiers_exact"]
    report.icd_set_exact = report.passed["icd10_set_exact"]
    report.first_dx_exact = report.passed["first_listed_exact"]
    report.not_reported_ok = report.passed["not_reported_ok"]


def _count(tp: Counter, fp: Counter, fn: Counter, got: set, want: set) -> None:
    for code in got & want:
        tp[code] += 1
    for code in got - want:
        fp[code] += 1
    for code in want - got:
        fn[code] += 1
