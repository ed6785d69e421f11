"""The eval report as a coding lead reads it: each metric with its count, per-code tables for
CPT and ICD-10-CM with the code's words, and every failing case, most severe first."""

from __future__ import annotations

from ..evaluation import METRICS, CaseDiff, Report
from ..kb import get_kb, icd10

TITLE_WIDTH = 60


def describe(code: str) -> str:
    """A code's words: the KB title of a CPT code, the official ICD-10-CM description."""
    entry = get_kb().codes.get(code)
    if entry is not None:
        return entry.title
    return icd10.describe(code) or "(not a known code)"


def _short(text: str, width: int = TITLE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def summary_lines(report: Report) -> list[str]:
    out = [f"cases: {report.cases}"]
    for c in report.counts().values():
        out.append(f"  {c['label']:<26} {c['rate']:.3f}  ({c['passed']}/{c['cases']})")
    return out


def table_lines(title: str, table: dict[str, dict]) -> list[str]:
    out = ["", f"{title} (precision / recall; tp fp fn):"]
    for code, s in table.items():
        p = "-" if s["precision"] is None else f"{s['precision']:.2f}"
        r = "-" if s["recall"] is None else f"{s['recall']:.2f}"
        out.append(
            f"  {code:<9} {p:>4} / {r:<4}  {s['tp']:>3} {s['fp']:>3} {s['fn']:>3}  "
            f"{_short(describe(code))}"
        )
    return out


def _codes(items: list) -> str:
    if not items:
        return "(none)"
    parts = []
    for item in items:
        if isinstance(item, (list, tuple)):
            code, units, *mods = item
            parts.append(f"{code} x{units}" + (f" -{'-'.join(mods)}" if mods else ""))
        else:
            parts.append(str(item))
    return ", ".join(parts)


def _difference(want: list, got: list, optional: list = ()) -> str:
    codes_w = {x[0] if isinstance(x, (list, tuple)) else x for x in want}
    codes_g = {x[0] if isinstance(x, (list, tuple)) else x for x in got} - set(optional)
    missing = [f"{c} ({_short(describe(c), 70)})" for c in sorted(codes_w - codes_g)]
    extra = [f"{c} ({_short(describe(c), 70)})" for c in sorted(codes_g - codes_w)]
    out = []
    if missing:
        out.append("missing " + "; ".join(missing))
    if extra:
        out.append("extra " + "; ".join(extra))
    return "".join(f"\n         {line}" for line in out)


def failure_lines(f: CaseDiff) -> list[str]:
    labels = {m.name: m.label for m in METRICS}
    failed = ", ".join(labels.get(n, n) for n in f.failed)
    out = [f"FAIL {f.id}  [severity {f.severity}: {failed}]", f'  note: "{f.first_line}"']
    if f.error:
        return [*out, f"  error: {f.error}"]
    out.append(f"  CPT  want {_codes(f.cpt_expected)}")
    out.append(f"       got  {_codes(f.cpt_got)}" + _difference(f.cpt_expected, f.cpt_got))
    out.append(f"  ICD  want {_codes(f.icd_expected)}")
    out.append(
        f"       got  {_codes(f.icd_got)}" + _difference(f.icd_expected, f.icd_got, f.icd_optional)
    )
    if f.not_reported_missing:
        out.append(
            "  not reported, missing: "
            + "; ".join(f"{c} ({_short(describe(c), 45)})" for c in f.not_reported_missing)
        )
    return out


def route_lines(report: Report) -> list[str]:
    """The review route: how many notes the engine would let through, and how right they were."""
    r, auto = report.route_summary(), report.routed_auto
    if not report.cases:
        return []
    out = ["", f"Review route: auto {auto}/{report.cases} ({r['auto_share']:.3f})"]
    for route, n, key in (("auto", auto, "auto"), ("review", report.cases - auto, "review")):
        if n:
            out.append(
                f"  {route:<7} CPT {r[key + '_cpt_exact']:.3f}  ICD-10-CM "
                f"{r[key + '_icd10_exact']:.3f}  case {r[key + '_case_exact']:.3f}  ({n} notes)"
            )
    if report.auto_wrong:
        out.append(f"  auto but wrong: {', '.join(report.auto_wrong)}")
    return out


def report_text(report: Report, show: int | None = None) -> str:
    out = summary_lines(report) + route_lines(report)
    out += table_lines("CPT per code", report.per_code())
    out += table_lines("ICD-10-CM per code", report.per_icd_code())
    failures = report.ranked_failures()
    shown = failures if not show else failures[:show]
    out += ["", f"Failing cases: {len(failures)} of {report.cases}, most severe first"]
    for f in shown:
        out += ["", *failure_lines(f)]
    if len(shown) < len(failures):
        out += ["", f"... {len(failures) - len(shown)} more (--show 0 lists all)"]
    return "\n".join(out)
