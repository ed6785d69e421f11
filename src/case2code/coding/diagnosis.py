"""ICD-10-CM codes from condition facts, through the KB neoplasm maps, in sequence.

Sequencing follows the neoplasm guidelines the KB cites (I.C.2.b/d/m, I.C.6.b.5): the condition
the procedure treats comes first (a metastasis before its primary), then the primary (active) or
its Z85 history code, then neoplasm pain (first only for a pain-management encounter), then
pathological fractures and the rest. The map data holds every code; this module only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..kb import KB, icd10
from ..kb.schema import SidedCodes
from ..model import ConditionFact, DxCode, Facts, ProcedureFact, Span

MARROW = {"myeloma", "plasmacytoma"}
LUNG_LOBES = {"upper": "lung_upper_lobe", "middle": "lung_middle_lobe", "lower": "lung_lower_lobe"}


@dataclass
class DxPlan:
    codes: list[DxCode] = field(default_factory=list)
    organs: list[str | None] = field(default_factory=list)
    rank: list[int] = field(default_factory=list)

    def add(
        self,
        code: str,
        rationale: str,
        evidence: list[Span],
        organ: str | None,
        rank: int,
        rule: str,
    ) -> None:
        if any(c.code == code for c in self.codes):
            return
        self.codes.append(DxCode(code, icd10.describe(code), rationale, list(evidence), rule))
        self.organs.append(organ)
        self.rank.append(rank)


def sided(codes: SidedCodes | None, laterality: str | None) -> str | None:
    if codes is None:
        return None
    return getattr(codes, laterality or "unspecified", None) or codes.unspecified


def _present(facts: Facts) -> list[ConditionFact]:
    return [c for c in facts.conditions if c.assertion == "present"]


def _primary_site(kb: KB, fact: ConditionFact, target: ProcedureFact | None):
    site = fact.site
    lobe = (
        fact.subtype
        if fact.subtype and "lobe" in fact.subtype
        else (
            target.site if target is not None and target.organ == "lung" and target.site else None
        )
    )
    if site == "lung" and lobe:
        for word, key in LUNG_LOBES.items():
            if word in lobe:
                site = key
    if site == "lung" and target is not None and target.site == "main_bronchus":
        site = "lung_main_bronchus"
    if fact.subtype and any(p.site == fact.subtype for p in kb.maps.primary_sites):
        site = fact.subtype  # sigmoid colon, upper-outer quadrant of the breast
    if site == "liver" and fact.histology == "hepatocellular_carcinoma":
        site = "liver_hcc"
    return next((p for p in kb.maps.primary_sites if p.site == site), None)


def assign(kb: KB, facts: Facts, target: ProcedureFact | None) -> list[DxCode]:
    plan = DxPlan()
    conds = _present(facts)
    has_marrow = any(c.histology in MARROW for c in conds)
    _neoplasms(kb, plan, conds, target, has_marrow)
    _pain_and_fractures(kb, plan, conds, facts)
    _indications(kb, plan, conds)
    return _sequence(plan, target, facts)


def _neoplasms(kb, plan: DxPlan, conds, target, has_marrow: bool) -> None:
    maps = kb.maps
    solid = False
    for c in conds:
        if c.kind != "neoplasm":
            continue
        if c.histology in MARROW:
            _marrow(kb, plan, c)
        elif c.role == "primary" and c.organ == "bone":
            _bone_primary(kb, plan, c, target)
        elif c.role == "primary" and c.site != "unknown":
            solid |= _solid_primary(kb, plan, c, target)
        elif c.role == "secondary":
            if (
                c.site == "bone"
                and has_marrow
                and not any(
                    x.role == "primary"
                    and x.site not in ("bone_marrow", "unknown", None)
                    and x.organ != "bone"
                    for x in conds
                    if x.kind == "neoplasm"
                )
            ):
                continue  # myeloma lesions are the myeloma itself, not metastases
            sec = next((s for s in maps.secondary_sites if s.site == c.site), None)
            side = c.laterality or (
                target.laterality if target is not None and target.organ == c.site else None
            )
            if sec:
                plan.add(
                    sided(sec.codes, side),
                    f"Secondary malignant neoplasm of "
                    f"{c.site.replace('_', ' ')}: the metastasis documented in the note.",
                    c.evidence,
                    c.site,
                    1,
                    "dx.secondary",
                )
    secondaries = [c for c in conds if c.kind == "neoplasm" and c.role == "secondary"]
    if (
        secondaries
        and not solid
        and not has_marrow
        and any(code.rule == "dx.secondary" for code in plan.codes)
    ):
        ev = next((c.evidence for c in conds if c.site == "unknown"), secondaries[0].evidence)
        plan.add(
            maps.unknown_primary.code,
            maps.unknown_primary.rationale,
            ev,
            None,
            2,
            "dx.unknown_primary",
        )


def _solid_primary(kb, plan: DxPlan, c: ConditionFact, target) -> bool:
    site = _primary_site(kb, c, target)
    if site is None or c.behavior == "benign" and c.histology != "fibroadenoma":
        return False
    if c.histology == "fibroadenoma":
        ind = next((i for i in kb.maps.indications if i.indication == "fibroadenoma"), None)
        if ind:
            code = ind.codes.get(c.laterality or "unspecified") or ind.codes.get("unspecified")
            plan.add(code, ind.rationale, c.evidence, "breast", 1, "dx.fibroadenoma")
        return False
    if c.status == "history":
        plan.add(
            site.history,
            f"Personal history of {c.site} cancer: the primary was treated and "
            "no current treatment is directed to it.",
            c.evidence,
            None,
            2,
            "dx.history",
        )
        return True
    code = sided(site.codes, c.laterality)
    organ = "liver" if c.site == "liver_hcc" else c.site
    plan.add(
        code,
        f"Primary malignant neoplasm of {c.site.replace('_', ' ')}, active.",
        c.evidence,
        organ,
        2,
        "dx.primary",
    )
    return True


def _bone_primary(kb, plan: DxPlan, c: ConditionFact, target) -> None:
    where = c.site or (target.site if target is not None and target.organ == "bone" else None)
    lat = c.laterality or (target.laterality if target is not None else None)
    bone = next((b for b in kb.maps.bone_sites if b.site == where), None) or next(
        (b for b in kb.maps.bone_sites if b.site == "unspecified"), None
    )
    if bone is None:
        return
    benign = c.behavior == "benign"
    code = sided(bone.benign if benign else bone.primary, lat)
    kind = "Benign neoplasm" if benign else "Primary malignant neoplasm"
    plan.add(
        code,
        f"{kind} of bone ({where or 'site not stated'}), {(c.histology or '').replace('_', ' ')}.",
        c.evidence,
        "bone",
        1,
        "dx.bone_primary",
    )


def _marrow(kb, plan: DxPlan, c: ConditionFact) -> None:
    key = "solitary_plasmacytoma" if c.histology == "plasmacytoma" else (c.subtype or "active")
    if key not in kb.maps.myeloma:
        key = "active"
    rule = kb.maps.myeloma[key]
    plan.add(rule.code, rule.rationale, c.evidence, "bone", 1, f"dx.myeloma.{key}")


def _pain_and_fractures(kb, plan: DxPlan, conds, facts: Facts) -> None:
    pain = next((c for c in conds if c.kind == "pain" and c.detail == "neoplasm_related"), None)
    neoplasm = any(
        code.rule.startswith(("dx.secondary", "dx.primary", "dx.bone", "dx.myeloma", "dx.history"))
        for code in plan.codes
    )
    if pain and neoplasm:
        first = facts.encounter.get("purpose") == "pain_management"
        rule = kb.maps.neoplasm_pain
        plan.add(rule.code, rule.rationale, pain.evidence, None, 0 if first else 3, "dx.pain")
    for c in conds:
        if c.kind == "pathological_fracture":
            bone = next((b for b in kb.maps.bone_sites if b.site == c.site), None) or next(
                (b for b in kb.maps.bone_sites if b.site == "unspecified"), None
            )
            if bone:
                code = sided(bone.fracture, c.laterality) + kb.maps.fracture_seventh["initial"]
                plan.add(
                    code,
                    "Pathological fracture due to the neoplasm, initial encounter; "
                    "the neoplasm is coded as well.",
                    c.evidence,
                    "bone",
                    4,
                    "dx.fracture",
                )


def _indications(kb, plan: DxPlan, conds) -> None:
    for c in conds:
        if c.kind != "indication":
            continue
        ind = next((i for i in kb.maps.indications if i.indication == c.detail), None)
        if ind is None or not ind.with_neoplasm and _has_neoplasm(plan):
            continue
        code = _indication_code(ind.codes, c)
        if code:
            plan.add(code, ind.rationale, c.evidence, c.detail, 1, f"dx.indication.{c.detail}")


def _has_neoplasm(plan: DxPlan) -> bool:
    return any(
        c.rule.startswith(("dx.secondary", "dx.primary", "dx.bone", "dx.myeloma"))
        for c in plan.codes
    )


def _indication_code(codes: dict[str, str], c: ConditionFact) -> str | None:
    """Most specific key first (right_pain, severe_persistent, lumbar, right); the first code
    listed in the map is its default when the note names no subtype."""
    subtypes = (c.subtype or "").split("|") if c.subtype else []
    keys = [f"{c.laterality}_{s}" for s in subtypes if c.laterality]
    keys += subtypes + [c.region, c.laterality, "unspecified"]
    found = next((codes[k] for k in keys if k and k in codes), None)
    return found or next(iter(codes.values()), None)


def _sequence(plan: DxPlan, target: ProcedureFact | None, facts: Facts) -> list[DxCode]:
    organ = target.organ if target is not None else None
    order = []
    for i, code in enumerate(plan.codes):
        on_target = (
            plan.organs[i] == organ
            and organ is not None
            and code.rule.startswith(
                (
                    "dx.secondary",
                    "dx.primary",
                    "dx.bone",
                    "dx.myeloma",
                    "dx.indication",
                    "dx.fibroadenoma",
                )
            )
        )
        rank = plan.rank[i] if plan.rank[i] == 0 else (0.5 if on_target else plan.rank[i])
        order.append((rank, i, code))
    return [code for _, _, code in sorted(order, key=lambda t: (t[0], t[1]))]
