"""Human-readable renderings for the terminal: a coded note, a lookup entry, a hit list."""

from __future__ import annotations

from ..kb.desk import dates
from ..kb.lookup import Entry, Hit
from ..model import Result
from .desk import dates_line, desk_lines

REFERENCE_SECTIONS = [
    ("what_it_is", "What it is"),
    ("qualifying_circumstances", "Qualifying circumstances"),
    ("when_to_use", "When to use"),
    ("official_descriptor", "Official descriptor"),
    ("clinical_application", "Clinical application"),
    ("provider_responsibilities", "Provider responsibilities"),
    ("unique_challenges", "Unique challenges"),
    ("pre_procedure", "Pre-procedure"),
    ("post_procedure", "Post-procedure"),
]


def _quote(evidence) -> str:
    return " | ".join(f'"{e.text}" [{e.start}:{e.end}]' for e in evidence[:3])


def result_text(r: Result) -> str:
    out = [
        f"Note {r.id}  date of service {r.date_of_service}  setting {r.setting}  KB {r.kb_version}",
        "",
        "CPT",
    ]
    for i, c in enumerate(r.cpt, 1):
        mods = ("-" + "-".join(c.modifiers)) if c.modifiers else ""
        dx = f"dx {', '.join(map(str, c.dx_pointers))}  " if c.dx_pointers else ""
        out.append(f"  {i}. {c.code}{mods} x{c.units}  {dx}{c.title}")
        out.append(f"     why: {c.rationale}")
        out.append(f"     evidence: {_quote(c.evidence)}")
    if not r.cpt:
        out.append("  (none)")
    out += ["", "ICD-10-CM (in sequence)"]
    for i, d in enumerate(r.icd10, 1):
        out.append(f"  {i}. {d.code}  {d.description}")
        out.append(f"     why: {d.rationale}")
        out.append(f"     evidence: {_quote(d.evidence)}")
    out += ["", "Not reported"]
    out += [f"  {n.code}: {n.reason}  {_quote(n.evidence)}" for n in r.not_reported] or ["  (none)"]
    out += ["", "Findings"]
    out += [_finding(i, f) for i, f in enumerate(r.findings, 1)] or ["  (none)"]
    return "\n".join(out + _review_text(r))


def _finding(i: int, f) -> str:
    return f"  {i}. [{f.severity}] {f.kind.replace('_', ' ')}: {f.message}"


def _reason(message: str, findings) -> str:
    """A route reason that repeats a finding points to it instead of printing it twice."""
    for i, f in enumerate(findings, 1):
        if f.message and f.message in message:
            return message.replace(f.message, f"see finding {i} above")
    return message


def _review_text(r: Result) -> list[str]:
    if r.review is None:
        return []
    if r.review.route == "auto":
        return ["", "Route: auto (no reason for review: bill as coded)"]
    n = len(r.review.reasons)
    return ["", f"Route: review ({n} {'reason' if n == 1 else 'reasons'})"] + [
        f"  - {_reason(x.message, r.findings)}  [{x.rule}]" for x in r.review.reasons
    ]


def _words(value: str) -> str:
    """A KB vocabulary value as words ('imaging_guidance' -> 'imaging guidance')."""
    return value.replace("_", " ")


def _units_text(units) -> str:
    """The unit rule with the limits a rank-split add-on carries (+64492: from the third level,
    one unit at most)."""
    extra = [f"from item {units.from_item}" if units.from_item else ""]
    most = units.max_units
    extra.append(f"at most {most} unit{'s' if most != 1 else ''}" if most else "")
    limits = ", ".join(x for x in extra if x)
    return _words(units.rule.value) + (f" ({limits})" if limits else "")


def entry_text(e: Entry) -> str:
    out = [f"{e.code}  ({e.system})  {e.title}"]
    if e.note:
        out.append(f"note: {e.note}")
    if e.icd is not None:
        for key, values in e.icd.items():
            if isinstance(values, list) and values:
                out.append(f"{key.replace('_', ' ')}: " + "; ".join(values))
        return "\n".join(out + desk_lines(e.desk))
    c = e.cpt
    out.append(f"family: {c.family}   kind: {c.kind.value}   " + dates_line(dates(c)))
    facts = [
        ("global period", c.global_days),
        ("MUE", c.mue and f"{c.mue.value} (MAI {c.mue.mai})"),
        ("units", c.units and _units_text(c.units)),
        ("includes", ", ".join(map(_words, c.includes))),
        ("laterality", _words(c.laterality.value)),
        ("modifiers", ", ".join(c.modifiers)),
        ("add-on to", ", ".join(c.addon_to)),
        ("documentation", ", ".join(map(_words, c.documentation))),
        ("diagnoses that support it", ", ".join(c.dx_support)),
    ]
    out += [f"{k}: {v}" for k, v in facts if v]
    out += desk_lines(e.desk)
    ref = c.reference
    for key, label in REFERENCE_SECTIONS:
        if getattr(ref, key):
            out += ["", f"## {label}", getattr(ref, key).strip()]
    if ref.terminology:
        out += ["", "## Terminology"] + [f"- {t.term}: {t.meaning}" for t in ref.terminology]
    if ref.clinical_examples:
        out += ["", "## Clinical examples"] + [
            f"{i}. {x}" for i, x in enumerate(ref.clinical_examples, 1)
        ]
    for title, items in (("Coder notes", ref.coder_notes), ("Corrections", ref.corrections)):
        if items:
            out += ["", f"## {title}"] + [f"- {x.strip()}" for x in items]
    out += ["", "## Sources"] + [
        f"- {_words(fact)}: {', '.join(ids)}" for fact, ids in c.sources.items()
    ]
    return "\n".join(out)


def hits_text(hits: list[Hit]) -> str:
    if not hits:
        return "No match. Try other words, an abbreviation (RFA, MWA, cryo) or a code."
    return "\n".join(f"{i:>2}. {h.code:<8} {h.system:<9} {h.title}" for i, h in enumerate(hits, 1))
