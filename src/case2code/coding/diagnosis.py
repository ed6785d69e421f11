"""ICD-10-CM codes from condition facts: the Neoplasm Table for neoplasm sites, the hand map for
what the table cannot give (histology-driven codes, myeloma, fractures, indications), and the
guideline rules of kb/data/guidelines.yaml for status and sequence.

Sequencing follows those rules (I.C.2.b/d/m, I.C.6.b.5): the condition the procedure treats
comes first (a metastasis before its primary), then the primary (active) or its Z85 history
code, then neoplasm pain (first only for a pain-management encounter), then pathological
fractures and the rest. Every code and site lives in the data; this module only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..kb import KB, icd10
from ..kb.loader import get_guidelines
from ..kb.memo import per_kb
from ..kb.schema import SidedCodes
from ..model import ConditionFact, DxCode, Facts, Finding, ProcedureFact, Span
from ..nlp.lexicon import props as _props
from .neoplasm_codes import SiteCode, is_subsite, site_code, site_entry

NEOPLASM_RULES = ("dx.secondary", "dx.primary", "dx.bone", "dx.myeloma", "dx.fibroadenoma")
COMPLICATION = "complication.postprocedural"  # guidelines.yaml rule id
BONE = "bone"  # the reader's organ value for the skeleton (vocabulary.yaml organ), not a site


class DxList(list):
    """The sequenced codes, carrying the documentation gaps found while choosing them."""

    findings: list[Finding]


@dataclass
class DxPlan:
    codes: list[DxCode] = field(default_factory=list)
    organs: list[str | None] = field(default_factory=list)
    rank: list[float] = field(default_factory=list)
    gaps: list[Finding] = field(default_factory=list)

    def add(
        self,
        code: str,
        rationale: str,
        evidence: list[Span],
        organ: str | None,
        rank: float,
        rule: str,
    ) -> None:
        if any(c.code == code for c in self.codes):
            return
        self.codes.append(DxCode(code, icd10.describe(code), rationale, list(evidence), rule))
        self.organs.append(organ)
        self.rank.append(rank)

    def add_site(self, found: SiteCode, rationale: str, c: ConditionFact, organ, rank, rule):
        """Every code the table gave (two for a bilateral site with no bilateral code), or a
        documentation gap naming the candidate leaves when the note does not decide."""
        for code in found.codes:
            plan_rationale = (
                f"{rationale} (Neoplasm Table: {found.term}, {found.resolution.printed})"
            )
            self.add(code, plan_rationale, c.evidence, organ, rank, rule)
        if not found.codes:
            self.gaps.append(
                Finding(
                    "warning",
                    "documentation_gap",
                    f"{found.resolution.gap}; query the provider for the missing detail.",
                    list(found.resolution.candidates),
                    list(c.evidence),
                    rule=f"{rule}.gap",
                )
            )


def sided(codes: SidedCodes | None, laterality: str | None) -> str | None:
    if codes is None:
        return None
    return getattr(codes, laterality or "unspecified", None) or codes.unspecified


def _rule(rule_id: str):
    return get_guidelines().rule(rule_id)


def _present(facts: Facts) -> list[ConditionFact]:
    """The conditions coded: present ones, and at the discharge of an inpatient stay the
    uncertain ones too, coded as if established (II.H; uncertain.outpatient holds IV.H)."""
    rule = _rule("uncertain.outpatient")
    uncertain = _inpatient(facts) and rule.params["assertions"] or []
    return [
        c if c.assertion == "present" else replace(c, assertion="present")
        for c in facts.conditions
        if c.assertion == "present" or (c.kind == "neoplasm" and c.assertion in uncertain)
    ]


def _inpatient(facts: Facts) -> bool:
    """An inpatient stay, where the rule says uncertain diagnoses are coded as established."""
    stays = _rule("uncertain.outpatient").params["coded_as_established_in"]
    return facts.encounter.get("stay") in stays


def assign(
    kb: KB, facts: Facts, target: ProcedureFact | None, *, patient: bool = True
) -> list[DxCode]:
    """The note's ICD-10-CM codes in sequence. `patient` says the text speaks of one patient
    (review.names_a_patient): a finding code for a lesion with no diagnosis (IV.D) needs one,
    since a textbook page names the lesion of no-one."""
    plan = DxPlan()
    graft = _graft_organ(facts, target)
    conds = [_in_graft(c, graft) for c in _present(facts)]
    marrow = _rule("myeloma.not_metastasis").params["histology"]
    has_marrow = any(c.histology in marrow for c in conds)
    _neoplasms(kb, plan, conds, target, has_marrow)
    _transplant(plan, graft, facts)
    _complications(plan, facts, target)
    _uncertain(kb, plan, facts, target)
    if patient:
        _finding(plan, conds, target, facts)
    _pain_and_fractures(kb, plan, conds, facts, target)
    _indications(kb, plan, facts, target)
    _tobacco(plan, facts)
    _receptor_status(plan, facts)
    _hypertensive_heart(plan)
    out = DxList(_sequence(plan, target, facts))
    out.findings = plan.gaps
    return out


def _neoplasms(kb, plan: DxPlan, conds, target, has_marrow: bool) -> None:
    marrow = _rule("myeloma.not_metastasis").params["histology"]
    solid = False
    sarcoma: list[DxCode] = []
    for c in conds:
        if c.kind != "neoplasm":
            continue
        if c.histology in marrow:
            _marrow(kb, plan, c)
        elif c.role == "primary" and c.organ == BONE and c.status == "history":
            _bone_history(plan, c)
            solid = True
        elif c.role == "primary" and c.organ == BONE:
            before = len(plan.codes)
            _bone_primary(plan, c, target)
            if c.behavior != "benign":  # a bone sarcoma is a stated primary: no C80.1
                solid = True
                sarcoma += plan.codes[before:]
        elif c.role == "primary" and _benign_histology(kb, c):
            _fibroadenoma(kb, plan, c)  # the histology decides the behavior (Index)
        elif c.role == "primary" and (_histology_primary(kb, c) or not _no_site(c.site)):
            solid |= _solid_primary(kb, plan, _treated_now(c, target, conds), target)
        elif c.role == "secondary" and not (has_marrow and _myeloma_lesion(c, conds, marrow)):
            _secondary(plan, c, target)
    _unknown_primary(plan, conds, solid, has_marrow)
    _node_regions(plan)
    _bone_primary_status(plan, sarcoma)


def _graft_organ(facts: Facts, target: ProcedureFact | None) -> str | None:
    """I.C.2.r: the transplanted organ today's procedure treats. The graft words (their own
    organ, or the organ treated for a bare 'allograft') must be the organ words nearest the
    procedure's words, within the rule's reach, and the organ treated has no side: a cancer of
    the native (left or right) kidney ablated in a graft recipient is no graft cancer."""
    rule = _rule("transplant.malignancy")
    if target is None or target.organ not in rule.codes:
        return None
    if target.laterality in rule.params["native_sides"]:
        return None  # a left or right kidney treated is a native one: the graft has no side
    near = {}
    for c in _present(facts):
        if c.kind == "indication" and c.organ in (None, target.organ):
            kind = {rule.params["indication"]: "graft", rule.params["native"]: "native"}
            if c.detail in kind:
                gap = _gap(c.evidence, target.evidence)
                near[kind[c.detail]] = min(gap, near.get(kind[c.detail], gap))
    graft = near.get("graft", rule.params["reach"] + 1)
    return target.organ if graft <= min(rule.params["reach"], near.get("native", graft)) else None


def _gap(a: list[Span], b: list[Span]) -> int:
    """Characters between the nearest two spans of two lists (0 when they overlap)."""
    gaps = [max(x.start - y.end, y.start - x.end, 0) for x in a for y in b]
    return min(gaps, default=10**9)


def _in_graft(c: ConditionFact, graft: str | None) -> ConditionFact:
    """A primary of the grafted organ is the graft's cancer, current and with no side: the side
    the note names is that of the native organ (the right native kidney removed)."""
    if graft is None or c.kind != "neoplasm" or c.role != "primary" or c.organ != graft:
        return c
    return replace(c, laterality=None, status="active")


def _transplant(plan: DxPlan, graft: str | None, facts: Facts) -> None:
    """I.C.2.r: the transplant complication and C80.2 lead, beside the graft's cancer coded."""
    if graft is None or not _has_neoplasm(plan, graft):
        return
    rule = _rule("transplant.malignancy")
    named = next(c for c in _present(facts) if c.detail == rule.params["indication"])
    why = f"{rule.section}: {rule.summary}"
    rank, associated = rule.params["rank_complication"], rule.params["rank_associated"]
    plan.add(rule.codes[graft], why, named.evidence, None, rank, "dx.transplant")
    plan.add(rule.codes["associated"], why, named.evidence, None, associated, "dx.transplant")


def _treated_now(c: ConditionFact, target: ProcedureFact | None, conds) -> ConditionFact:
    """I.C.2.d: a primary is history only with no treatment directed to its site. A cancer of
    the organ today's procedure treats, with no metastasis named in that organ, is the cancer
    treated: active, on the side treated (an earlier right nephrectomy, a left RCC ablated now)."""
    rule = _rule("neoplasm.history_treated")
    if c.status != "history" or target is None or target.organ != c.organ:
        return c
    if target.assertion not in rule.params["assertions"]:
        return c
    if any(x.kind == "neoplasm" and x.role == "secondary" and x.site == c.organ for x in conds):
        return c  # the lesion treated is the metastasis: the primary stays history
    return replace(c, status="active", laterality=target.laterality or c.laterality)


def _bone_history(plan: DxPlan, c: ConditionFact) -> None:
    """I.C.2.d: a bone sarcoma the note calls excised, with no treatment and no evidence of it
    now, is the history code the rule names (Z85.830)."""
    rule = _rule("neoplasm.bone_primary_status")
    rank = _rule("neoplasm.history").params["rank"]
    why = f"Personal history of a malignant bone neoplasm: {rule.summary}"
    plan.add(rule.codes["history"], why, c.evidence, None, rank, "dx.history")


def _bone_primary_status(plan: DxPlan, sarcoma: list[DxCode]) -> None:
    """I.C.2.d for a bone sarcoma beside a metastasis treated elsewhere: current or history is
    not read for bone primaries, so a review finding names both answers."""
    rule = _rule("neoplasm.bone_primary_status")
    if not sarcoma or not any(c.rule == "dx.secondary" for c in plan.codes):
        return
    codes = [sarcoma[0].code, rule.codes["history"]]
    plan.gaps.append(
        Finding("warning", "review", rule.summary, codes, list(sarcoma[0].evidence), rule.id)
    )


def _myeloma_lesion(c: ConditionFact, conds, marrow) -> bool:
    """A bone lesion of a myeloma patient with no other solid primary is the myeloma itself."""
    other_primary = any(
        x.kind == "neoplasm"
        and x.role == "primary"
        and x.organ != BONE
        and x.histology not in marrow
        and not _no_site(x.site)
        for x in conds
    )
    return c.site == BONE and not other_primary


def _no_site(site_id: str | None) -> bool:
    """No site entry, or the table's main term (primary unknown, site not stated)."""
    entry = site_entry(site_id)
    return entry is None or entry.term == ""


def _bone_site_id() -> str:
    return site_entry(BONE).site


def site_words(site_id: str | None) -> str:
    """A site in words, never the reader's id: a compound id reads as its name in
    neoplasm-sites.yaml that names the organ too ('colon_sigmoid' -> 'sigmoid colon'), an alias
    as itself ('left_upper_lobe' -> 'left upper lobe'), else as organ and part
    ('pancreas_tail' -> 'pancreas, tail')."""
    if not site_id or "_" not in site_id:
        return site_id or ""
    entry = site_entry(site_id)
    if entry is not None and entry.site != site_id:
        return site_id.replace("_", " ")
    organ, part = site_id.split("_", 1)
    named = [w for w in (entry.words if entry else []) if " " in w and organ in w.split()]
    return named[0] if named else f"{organ}, {part.replace('_', ' ')}"


def _secondary(plan: DxPlan, c: ConditionFact, target) -> None:
    side = c.laterality or (
        target.laterality if target is not None and target.organ == c.site else None
    )
    found = site_code(c.site, "malignant_secondary", side)
    if found is None:
        return
    rank = _rule("neoplasm.secondary_first").params["rank_secondary"]
    rationale = (
        f"Secondary malignant neoplasm of {site_words(c.site)}: "
        "the metastasis documented in the note."
    )
    plan.add_site(found, rationale, c, c.site, rank, "dx.secondary")


def _node_regions(plan: DxPlan) -> None:
    """Tabular C77.8: lymph-node metastases of two or more regions are one multiple-region code,
    which takes the place (and the rank and evidence) of the region codes."""
    rule = _rule("neoplasm.lymph_node_regions")
    _unspecified_node(plan, rule.codes["unspecified"], rule.params["regions"])
    found = [i for i, c in enumerate(plan.codes) if c.code in rule.params["regions"]]
    if len(found) < 2:
        return
    evidence = [e for i in found for e in plan.codes[i].evidence]
    first = found[0]
    organ, rank = plan.organs[first], min(plan.rank[i] for i in found)
    for i in reversed(found):
        del plan.codes[i], plan.organs[i], plan.rank[i]
    code = rule.codes["multiple"]
    plan.codes.insert(
        first, DxCode(code, icd10.describe(code), rule.summary, evidence, "dx.secondary")
    )
    plan.organs.insert(first, organ)
    plan.rank.insert(first, rank)


def _unspecified_node(plan: DxPlan, code: str, regions: list[str]) -> None:
    """The nodes named without their region are those of the region named elsewhere: the
    unspecified code goes, its words and rank join the first region code."""
    gone = [i for i, c in enumerate(plan.codes) if c.code == code]
    named = [i for i, c in enumerate(plan.codes) if c.code in regions]
    if not gone or not named:
        return
    keep = named[0]
    plan.codes[keep].evidence += [e for i in gone for e in plan.codes[i].evidence]
    plan.rank[keep] = min([plan.rank[keep]] + [plan.rank[i] for i in gone])
    for i in reversed(gone):
        del plan.codes[i], plan.organs[i], plan.rank[i]


def _unknown_primary(plan: DxPlan, conds, solid: bool, has_marrow: bool) -> None:
    secondaries = [c for c in conds if c.kind == "neoplasm" and c.role == "secondary"]
    treated = any(code.rule == "dx.secondary" for code in plan.codes)
    if not secondaries or solid or has_marrow or not treated:
        return
    rule = _rule("neoplasm.unknown_primary")
    unknown = [c for c in conds if c.site and site_entry(c.site) and site_entry(c.site).term == ""]
    ev = unknown[0].evidence if unknown else secondaries[0].evidence
    plan.add(
        rule.codes["primary"], rule.summary, ev, None, rule.params["rank"], "dx.unknown_primary"
    )


def _primary_side(c: ConditionFact, target) -> str | None:
    same_organ = target is not None and target.organ == c.organ
    return c.laterality or (target.laterality if same_organ and c.status != "history" else None)


def _primary_site_id(c: ConditionFact, target) -> str | None:
    """The most specific site the note gives: the fact's subsite, then the treated part of the
    same organ ('right lower lobe' of a lung primary), then the organ."""
    whole = site_entry(c.site)
    if c.subtype and site_entry(c.subtype) is not None:
        return c.subtype
    if target is not None and whole is not None:
        part = site_entry(target.site)
        if part is not None and is_subsite(part, whole):
            return target.site
    return c.site


def _histology_primary(kb, c: ConditionFact):
    return next((p for p in kb.maps.primary_sites if c.histology in p.histology), None)


def _solid_primary(kb, plan: DxPlan, c: ConditionFact, target) -> bool:
    if c.behavior == "benign":
        return _fibroadenoma(kb, plan, c)
    site_id = _primary_site_id(c, target)
    hand = _histology_primary(kb, c)
    entry = site_entry(site_id) or site_entry(c.site)
    history = hand.history if hand else (entry.history if entry else None)
    if c.status == "history":
        if history:
            rule = _rule("neoplasm.history")
            plan.add(
                history,
                f"Personal history of {site_words(c.site)} cancer: {rule.summary}",
                c.evidence,
                None,
                rule.params["rank"],
                "dx.history",
            )
        return True
    rank = _rule("neoplasm.secondary_first").params["rank_primary"]
    rationale = f"Primary malignant neoplasm of {site_words(site_id)}, active."
    if hand is not None:
        plan.add(
            sided(hand.codes, _primary_side(c, target)),
            rationale,
            c.evidence,
            c.organ,
            rank,
            "dx.primary",
        )
        return True
    found = site_code(site_id, "malignant_primary", _primary_side(c, target))
    if found is None:
        return False
    plan.add_site(found, rationale, c, c.organ, rank, "dx.primary")
    return True


def _benign_histology(kb, c: ConditionFact) -> bool:
    """A histology the Index codes as benign by organ (neoplasm-maps.yaml: insulinoma,
    angiomyolipoma), whatever behavior the reader gave a site word borrowing it ('tail of the
    pancreas' beside 'insulinoma' is the insulinoma, not a pancreatic cancer)."""
    return c.histology in _indication_entries(kb)


def _fibroadenoma(kb, plan: DxPlan, c: ConditionFact) -> bool:
    ind = _indication_entries(kb).get(c.histology)
    if ind:
        code = ind.codes.get(c.laterality or "unspecified") or ind.codes.get("unspecified")
        plan.add(code, ind.rationale, c.evidence, c.organ, 1, f"dx.{c.histology}")
    return False


def _bone_primary(plan: DxPlan, c: ConditionFact, target) -> None:
    where = c.site or (target.site if target is not None and target.organ == BONE else None)
    lat = c.laterality or (target.laterality if target is not None else None)
    if site_entry(where) is None:
        where = _bone_site_id()
    benign = c.behavior == "benign"
    found = site_code(where, "benign" if benign else "malignant_primary", lat)
    if found is None:
        found = site_code(_bone_site_id(), "benign" if benign else "malignant_primary", lat)
    kind = "Benign neoplasm" if benign else "Primary malignant neoplasm"
    rationale = f"{kind} of bone ({site_words(where)}), {(c.histology or '').replace('_', ' ')}."
    plan.add_site(found, rationale, c, c.organ, 1, "dx.bone_primary")


def _marrow(kb, plan: DxPlan, c: ConditionFact) -> None:
    key = "solitary_plasmacytoma" if c.histology == "plasmacytoma" else (c.subtype or "active")
    if key not in kb.maps.myeloma:
        key = "active"
    rule = kb.maps.myeloma[key]
    rank = _rule("myeloma.not_metastasis").params["rank"]
    plan.add(rule.code, rule.rationale, c.evidence, c.organ, rank, f"dx.myeloma.{key}")


def _uncertain(kb, plan: DxPlan, facts: Facts, target) -> None:
    """IV.H: a suspected neoplasm is not coded outside an inpatient stay; its finding is."""
    rule = _rule("uncertain.outpatient")
    if _inpatient(facts):
        return  # II.H: coded as established (_present)
    for c in facts.conditions:
        if c.kind != "neoplasm" or c.assertion not in rule.params["assertions"]:
            continue
        organ = c.organ or c.site
        code = _bone_finding(kb, target) if organ == _bone_site_id() else None
        code = code or rule.codes.get(organ or "")
        if code and not any(o == c.organ for o in plan.organs):
            plan.add(
                code,
                f"{rule.section}: {rule.summary}",
                c.evidence,
                organ,
                rule.params["rank"],
                "dx.uncertain",
            )


def _bone_finding(kb, target: ProcedureFact | None) -> str | None:
    """The bone lesion's finding code by the bone today's procedure treats (M89.8X8 for a
    vertebra), when the map gives that bone one."""
    site = target.site if target is not None and target.organ == _bone_site_id() else None
    bone = _bone_entry(kb, site)
    return bone.finding if bone is not None else None


def _bone_entry(kb, site: str | None):
    """A bone's entry in neoplasm-maps.yaml bone_sites, or the unspecified bone's."""
    entries = kb.maps.bone_sites
    return next((b for b in entries if b.site == site), None) or next(
        (b for b in entries if b.site == "unspecified"), None
    )


def _finding(plan: DxPlan, conds, target: ProcedureFact | None, facts: Facts) -> None:
    """IV.D: the lesion a procedure treats or samples, with no diagnosis named for its organ
    (no neoplasm fact, no code from an earlier rule), is coded by its finding (R91.1, R91.8,
    N28.89 in guidelines.yaml finding.no_diagnosis). The reader may have missed the diagnosis,
    so a diagnosis-support finding sends the note to a coder. A procedure that treats a
    complication coded treats no lesion."""
    rule = _rule("finding.no_diagnosis")
    organ = target.organ if target is not None else None
    if organ is None or organ in plan.organs or _treats_complication(plan, target):
        return
    if any(c.kind == "neoplasm" and organ in (c.organ, c.site) for c in conds):
        return
    if _tumor_nos(plan, facts, target) or organ not in rule.codes:
        return
    several = target.laterality == "bilateral" or (target.count or 1) > 1
    code = (rule.codes.get(f"{organ}_multiple") if several else None) or rule.codes[organ]
    rank = rule.params["rank"]
    plan.add(code, f"{rule.section}: {rule.summary}", target.evidence, organ, rank, "dx.finding")
    message = rule.params["review"].format(code=code)
    plan.gaps.append(
        Finding("warning", "diagnosis_support", message, [code], list(target.evidence), rule.id)
    )


def _tumor_nos(plan: DxPlan, facts: Facts, target: ProcedureFact) -> bool:
    """Tabular D49: a lesion the note only calls a tumor, never a mass, lesion or nodule, is a
    tumor NOS, coded from the Neoplasm Table's unspecified-behavior column by its site and side;
    the reader may have missed a histology, so a coder confirms it. In a note that names a
    neoplasm anywhere (a myeloma's bone tumors) the tumor is that one's, not a tumor NOS."""
    if facts.encounter.get("lesion_named") != "tumor" or not _props().organ(target.organ).tumor:
        return False
    if _has_neoplasm(plan) or any(c.kind == "neoplasm" for c in facts.conditions):
        return False
    rule = _rule("tumor.unspecified_behavior")
    found = site_code(target.site, rule.params["column"], target.laterality)
    found = found or site_code(target.organ, rule.params["column"], target.laterality)
    if found is None or not found.codes:
        return False
    named = facts.encounter["lesion_named_evidence"]
    words = [*target.evidence, *(Span(e["start"], e["end"], e["text"]) for e in named)]
    for code in found.codes:
        rationale = f"{rule.section}: {rule.summary} (Neoplasm Table: {found.term})"
        plan.add(code, rationale, words, target.organ, rule.params["rank"], "dx.tumor_nos")
        message = rule.params["review"].format(code=code)
        plan.gaps.append(
            Finding("warning", "diagnosis_support", message, [code], list(target.evidence), rule.id)
        )
    return True


def _treats_complication(plan: DxPlan, target: ProcedureFact | None) -> bool:
    """Today's procedure treats a complication coded (an embolization of a bleed after a
    biopsy): it treats no lesion, so no finding code of one."""
    treats = _rule(COMPLICATION).params["treats"]
    coded = any(c.rule == "dx.complication" for c in plan.codes)
    return coded and target is not None and target.action in treats


def _pain_and_fractures(kb, plan: DxPlan, conds, facts: Facts, target) -> None:
    pain = next((c for c in conds if c.kind == "pain" and c.detail == "neoplasm_related"), None)
    pain = pain or _site_pain(kb, conds)
    neoplasm = any(code.rule.startswith((*NEOPLASM_RULES, "dx.history")) for code in plan.codes)
    rule = _rule("pain.neoplasm")
    first = facts.encounter.get("purpose") == rule.params["first_when_purpose"]
    if pain and neoplasm and (first or _pain_beside(rule, conds)):
        plan.add(
            rule.codes["pain"],
            rule.summary,
            pain.evidence,
            None,
            0 if first else rule.params["rank"],
            "dx.pain",
        )
    _fractures(kb, plan, conds, target)


def _site_pain(kb, conds) -> ConditionFact | None:
    """Pain at a site (low back, shoulder) in a note with a malignant neoplasm: the neoplasm's
    pain (I.C.6.b.5, no code for the site of the pain), whose site code with_neoplasm drops."""
    if not any(c.kind == "neoplasm" and c.behavior == "malignant" for c in conds):
        return None
    sites = {i.indication for i in kb.maps.indications if i.pain_site}
    return next((c for c in conds if c.kind == "indication" and c.detail in sites), None)


def _pain_beside(rule, conds) -> bool:
    """I.C.6.b.5 'may' add G89.3 beside the neoplasm treated: beside a malignant one it is
    added; beside benign tumors only it is not unless the rule's `benign_additional` says so
    (I.B.5: the pain of an osteoid osteoma is the hallmark of the diagnosis coded)."""
    if rule.params.get("benign_additional", True):
        return True
    return any(c.kind == "neoplasm" and c.behavior != "benign" for c in conds)


def _fractures(kb, plan: DxPlan, conds, target: ProcedureFact | None) -> None:
    rule = _rule("fracture.neoplasm")
    for c in conds:
        if c.kind != "pathological_fracture":
            continue
        site, side = _fracture_bone(rule, c, target)
        bone = _bone_entry(kb, site)
        if bone:
            code = sided(bone.fracture, side) + rule.params["seventh"]
            plan.add(code, rule.summary, c.evidence, c.organ, rule.params["rank"], "dx.fracture")


def _fracture_bone(rule, c: ConditionFact, target) -> tuple[str | None, str | None]:
    """The bone of a pathological fracture: its own, else (the rule's `site_from_target`) the
    bone today's procedure treats, the fracture the vertebroplasty fills ('a pathologic spinal
    compression fracture' cemented at L3 is a vertebral fracture, M84.58X-)."""
    if c.site or not rule.params.get("site_from_target"):
        return c.site, c.laterality
    if target is None or target.organ != BONE or not target.site:
        return None, c.laterality
    return target.site, c.laterality or target.laterality


def _indications(kb, plan: DxPlan, facts: Facts, target: ProcedureFact | None) -> None:
    """Indications of look-alike procedures and status codes: each coded while the note asserts
    it the way its map entry allows (a knee implant is there because of a past replacement)."""
    present = _present(facts)
    named = _standing(kb, {c.detail for c in present if c.kind == "indication"})
    symptoms = {c.kind for c in present if c.kind == "pain" and not c.detail}
    for c in facts.conditions:
        ind = _indication(kb, c) if c.kind == "indication" else None
        if ind is None or c.assertion not in ind.assertions or _explained(plan, ind, c, named):
            continue
        c = _with_symptoms(_at_target(c, target), ind.symptom_keys, symptoms)
        for code in _indication_codes(ind.codes, c):
            plan.add(
                code, ind.rationale, c.evidence, c.detail, ind.rank, f"dx.indication.{c.detail}"
            )


def _standing(kb, named: set) -> set:
    """The indications documented that stand: one that yields to another documented (a nodule
    called toxic in a gland documented euthyroid) is no longer there for a third to yield to,
    so the nontoxic nodule it displaced is coded after all."""
    entries = _indication_entries(kb)
    return {d for d in named if not (d in entries and named & set(entries[d].yields_to))}


def _indication(kb, c: ConditionFact):
    return _indication_entries(kb).get(c.detail)


@per_kb
def _indication_entries(kb: KB) -> dict:
    """neoplasm-maps.yaml indications by name, built once per KB (three readings look one up
    per condition: the indication itself, a benign histology, a fibroadenoma)."""
    return {i.indication: i for i in kb.maps.indications}


def _explained(plan: DxPlan, ind, c: ConditionFact, named: set) -> bool:
    """Another code already says it: a neoplasm coded (obstruction by tumor), a cancer of the
    same organ (the malignant thyroid nodule is the C73), a named diagnosis it yields to (reflux
    with varicose veins is the varicose-vein code alone)."""
    if not ind.with_neoplasm and _has_neoplasm(plan):
        return True
    if not ind.with_organ_neoplasm and _has_neoplasm(plan, c.organ):
        return True
    return bool(named & set(ind.yields_to))


def _with_symptoms(c: ConditionFact, keys: list[str], symptoms: set[str]) -> ConditionFact:
    """A symptom the note documents elsewhere (leg pain two sentences on) is the indication's
    subtype when its own sentence names none: the map's `symptom_keys` say which count."""
    found = [k for k in keys if k in symptoms]
    return replace(c, subtype="|".join(found)) if found and not c.subtype else c


def _at_target(c: ConditionFact, target: ProcedureFact | None) -> ConditionFact:
    """An indication with no site of its own, of the organ today's procedure treats (or of no
    organ), sits at the site treated: a desmoid cryoablated in the abdominal wall is the
    abdominal-wall desmoid, D48.113. The site is one more key of the indication's codes."""
    if c.site or target is None or not target.site or c.organ not in (None, target.organ):
        return c
    return replace(c, site=target.site)


def _indication_codes(codes: dict[str, str], c: ConditionFact) -> list[str]:
    """I.B.13 (guidelines.yaml laterality.bilateral): both sides with no bilateral code in the
    category take the right and the left code; otherwise the one code of the fact."""
    sides = ("right", "left")
    if c.laterality == "bilateral" and "bilateral" not in codes and all(k in codes for k in sides):
        return [codes[k] for k in sides]
    code = _indication_code(codes, c)
    return [code] if code else []


def _complications(plan: DxPlan, facts: Facts, target: ProcedureFact | None) -> None:
    """I.B.16: each complication the note ties to a procedure, by the body system of the organ
    that procedure treats, first when the encounter is for it (guidelines.yaml
    complication.postprocedural)."""
    rule = _rule(COMPLICATION)
    for c in _present(facts):
        if c.kind != "complication":
            continue
        cause = _caused_by(facts, c)
        organ = (cause.organ if cause else None) or c.organ or (target.organ if target else None)
        code = rule.codes.get(f"{c.detail}_{organ}") or rule.codes.get(c.detail or "")
        if code is None:
            continue
        lead = _for_complication(rule, cause, target)
        rank = rule.params["rank_for"] if lead else rule.params["rank_during"]
        why = rule.params["why_for" if lead else "why_during"]
        why = why.format(words=c.evidence[0].text, cause=c.evidence[-1].text)
        plan.add(code, why, c.evidence, None, rank, "dx.complication")


def _caused_by(facts: Facts, c: ConditionFact) -> ProcedureFact | None:
    """The procedure fact whose words the complication's sentence ties it to."""
    words = {(e.start, e.end) for e in c.evidence}
    return next(
        (p for p in facts.procedures if any((e.start, e.end) in words for e in p.evidence)), None
    )


def _for_complication(rule, cause: ProcedureFact | None, target: ProcedureFact | None) -> bool:
    """The encounter is for the complication: the procedure that caused it was not done in this
    encounter, or (no cause found) today's procedure is one that treats complications."""
    if cause is not None:
        return cause.assertion not in rule.params["today"]
    return target is None or target.action in rule.params["treats"]


def _tobacco(plan: DxPlan, facts: Facts) -> None:
    rule = _rule("tobacco.status")
    if not _has_neoplasm(plan):
        return
    for c in facts.conditions:
        code = rule.codes.get(c.detail or "") if c.kind == "indication" else None
        if code and c.assertion in rule.params["assertions"]:
            plan.add(code, rule.summary, c.evidence, None, rule.params["rank"], "dx.tobacco")
            return


def _receptor_status(plan: DxPlan, facts: Facts) -> None:
    """The tabular's use-additional note at C50: the receptor status the note documents, only
    beside an active primary of the rule's organ (a history code Z85.3 takes none)."""
    rule = _rule("receptor.status")
    organ = rule.params["organ"]
    if not any(
        c.rule == "dx.primary" and plan.organs[i] == organ for i, c in enumerate(plan.codes)
    ):
        return
    for c in _present(facts):
        code = rule.codes.get(c.detail or "") if c.kind == "indication" else None
        if code:
            plan.add(code, rule.summary, c.evidence, None, rule.params["rank"], "dx.receptor")
            return


def _hypertensive_heart(plan: DxPlan) -> None:
    """I.C.9.a.1: hypertension and heart failure coded together are hypertensive heart disease
    with heart failure (the link is presumed), which takes the place of I10."""
    rule = _rule("hypertension.heart_failure")
    codes = [c.code for c in plan.codes]
    at = codes.index(rule.codes["replaces"]) if rule.codes["replaces"] in codes else None
    failure = str(rule.params["with_prefix"])
    hf = next((i for i, c in enumerate(codes) if c.startswith(failure)), None)
    if at is None or hf is None:
        return
    old, combined = plan.codes[at], rule.codes["combined"]
    plan.codes[at] = DxCode(
        combined,
        icd10.describe(combined),
        f"{rule.section}: {rule.summary}",
        [*old.evidence, *plan.codes[hf].evidence],
        old.rule,
    )
    if hf < at:  # the combination code first, the heart failure's type after it (I11.0 note)
        for seq in (plan.codes, plan.organs, plan.rank):
            seq[hf], seq[at] = seq[at], seq[hf]


def _has_neoplasm(plan: DxPlan, organ: str | None = None) -> bool:
    """A neoplasm code on the plan; with `organ`, one of that organ only."""
    return any(
        c.rule.startswith(NEOPLASM_RULES) and (organ is None or plan.organs[i] == organ)
        for i, c in enumerate(plan.codes)
    )


def _indication_code(codes: dict[str, str], c: ConditionFact) -> str | None:
    """Most specific key first (right_pain, severe_persistent, scapula_left, scapula, lumbar,
    right); the first code listed in the map is its default when the note names no subtype."""
    subtypes = (c.subtype or "").split("|") if c.subtype else []
    keys = [f"{c.laterality}_{s}" for s in subtypes if c.laterality]
    keys += subtypes + [f"{c.site}_{c.laterality}", c.site, c.region, c.laterality, "unspecified"]
    found = next((codes[k] for k in keys if k and k in codes), None)
    return found or next(iter(codes.values()), None)


def _sequence(plan: DxPlan, target: ProcedureFact | None, facts: Facts) -> list[DxCode]:
    """The treated condition leads (rank_treated); of a primary and a metastasis in the organ
    treated, the metastasis leads (I.C.2.b: the lesion treated is the secondary one). A drainage
    treats the collection, not the tumor of its organ: the abscess drained leads."""
    organ = target.organ if target is not None else None
    params = _rule("neoplasm.secondary_first").params
    tumor_treated = target is None or target.action not in _rule(COMPLICATION).params["drains"]
    order = []
    for i, code in enumerate(plan.codes):
        on_target = (
            plan.organs[i] == organ
            and organ is not None
            and code.rule.startswith((*NEOPLASM_RULES, "dx.indication", "dx.fibroadenoma"))
            and (tumor_treated or not code.rule.startswith(NEOPLASM_RULES))
        )
        treated = params["rank_treated"]
        if on_target and code.rule == "dx.secondary":
            treated = params["rank_treated_secondary"]
        rank = plan.rank[i] if plan.rank[i] == 0 else (treated if on_target else plan.rank[i])
        order.append((rank, i, code))
    if target is None:
        return _stated_first(order, facts)
    return [code for _, _, code in sorted(order, key=lambda t: (t[0], t[1]))]


def _stated_first(order: list[tuple], facts: Facts) -> list[DxCode]:
    """IV.G (guidelines.yaml sequence.reason_for_encounter): a visit with no procedure lists
    first what its diagnosis headings state, in their order ('ADMISSION DIAGNOSIS:
    Adenocarcinoma of the prostate' before the atrial fibrillation of the history); a code
    ranked 0 (pain control as the purpose) keeps its place."""
    names = set(_rule("sequence.reason_for_encounter").params["sections"])
    spans = [
        (s["start"], s["end"]) for s in facts.encounter.get("sections", []) if s["name"] in names
    ]

    def stated(code: DxCode) -> float:
        found = [e.start for e in code.evidence for a, b in spans if a <= e.start < b]
        return min(found, default=float("inf"))

    keyed = [
        ((0, -1) if rank == 0 else (1, stated(code)), rank, i, code) for rank, i, code in order
    ]
    return [code for *_, code in sorted(keyed, key=lambda t: t[:3])]
