"""Condition facts: primary and secondary neoplasms, benign bone tumors, myeloma, neoplasm pain,
pathological fractures and the indications of look-alike procedures.

Each builder reads one kind of mention and its sentence; `conditions()` merges duplicates so a
cancer named five times is one fact with five evidence spans.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..model import ConditionFact, Span
from .complications import complications
from .lexicon import Mention, props
from .notectx import NoteContext

NOT_TODAY = frozenset({"negated", "planned", "hypothetical", "historical"})


def _fact(ctx: NoteContext, m: Mention, kind: str, **attrs) -> ConditionFact:
    assertion, rule = ctx.condition_assertion(m)
    fact = ConditionFact(kind=kind, assertion=assertion, **attrs)
    fact.evidence = [Span(*ctx.span(m))]
    fact.rules = list(m.rules) + ([rule] if rule else [])
    fact.section = ctx.section_of(m)
    return fact


def _near(ctx: NoteContext, m: Mention, key: str, window: int = 5, after_only: bool = False):
    sent = ctx.doc.sentence_of(m.tok_start)
    best = None
    for other in ctx.sent_mentions(sent):
        if other is m or not other.get(key):
            continue
        gap = (
            other.tok_start - m.tok_end
            if other.tok_start >= m.tok_end
            else (None if after_only else m.tok_start - other.tok_end)
        )
        if gap is not None and gap <= window and (best is None or gap < best[0]):
            best = (gap, other)
    return best[1] if best else None


def _laterality_before(ctx: NoteContext, m: Mention) -> str | None:
    """The side written just before a mention ('left breast'), or just after it and before its
    organ ('fibroadenoma, left breast')."""
    sent = ctx.doc.sentence_of(m.tok_start)
    mentions = ctx.sent_mentions(sent)
    for i, other in enumerate(mentions):
        if not other.get("laterality") or other.get("organ"):
            continue
        if 0 <= m.tok_start - other.tok_end <= 2:
            return other.get("laterality")
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if (
            0 <= other.tok_start - m.tok_end <= 1
            and nxt is not None
            and nxt.get("organ")
            and nxt.tok_start - other.tok_end <= 1
        ):
            return other.get("laterality")
    return None


def _status(ctx: NoteContext, m: Mention, assertion: str) -> str:
    sent = ctx.doc.sentence_of(m.tok_start)
    if ctx.sentence_has("active_treatment", sent):
        return "active"
    if assertion == "historical" or ctx.sentence_has("history_markers", sent):
        return "history"
    return "active"


def _histology_of_organ(ctx: NoteContext, m: Mention) -> Mention | None:
    """'squamous cell carcinoma of the left lower lobe': the organ named after the histology."""
    if not m.get("histology") or m.get("primary_site"):
        return None
    nxt = _near(ctx, m, "organ", window=4, after_only=True)
    if nxt is None or not props().organ(nxt.get("organ")).primary_of:
        return None
    gap = set(ctx.words[m.tok_end : nxt.tok_start])
    return nxt if gap <= set(props().histology_organ_gap) else None


def _malignant_primary(ctx: NoteContext, m: Mention, organ: str, **attrs) -> ConditionFact:
    return _fact(
        ctx,
        m,
        "neoplasm",
        site=organ,
        organ=organ,
        role="primary",
        behavior="malignant",
        histology=m.get("histology"),
        **attrs,
    )


def primaries(ctx: NoteContext) -> list[ConditionFact]:
    out = []
    for m in ctx.mentions:
        site = m.get("primary_site")
        organ_of = _histology_of_organ(ctx, m)
        if organ_of is not None and not ctx.condition_assertion(m)[0] == "negated":
            organ = organ_of.get("primary_site") or props().organ(organ_of.get("organ")).primary_of
            fact = _malignant_primary(
                ctx,
                m,
                organ,
                laterality=organ_of.get("laterality") or _laterality_before(ctx, organ_of),
                subtype=organ_of.get("site"),
            )
            fact.status = _status(ctx, m, fact.assertion)
            fact.assertion = "present" if fact.assertion == "historical" else fact.assertion
            out.append(fact)
            continue
        if not site or not (m.get("histology") or ctx.is_primary_usage(m)):
            continue
        if props().organ(site).skeletal or m.get("histology") in props().marrow_histology:
            continue  # bone primaries and myeloma have their own builders
        behavior = "benign" if m.get("neoplasm") == "benign" else "malignant"
        fact = _fact(
            ctx,
            m,
            "neoplasm",
            site=site,
            organ=site,
            role="primary",
            behavior=behavior,
            histology=m.get("histology"),
            laterality=_laterality_before(ctx, m) or _organ_side(ctx, m, site),
        )
        if not fact.histology:
            hist = _near(ctx, m, "histology", window=2)
            fact.histology = hist.get("histology") if hist else None
        fact.histology = _refined(ctx, m, fact.histology)
        fact.subtype = _subsite(ctx, m, site)
        clock = None if fact.subtype else _clock_part(ctx, m, site, fact.laterality)
        if clock is not None:
            fact.subtype = clock[0]
            fact.evidence.append(Span(*ctx.span(clock[1])))
        part = None if fact.subtype else _part_in_note(ctx, site)
        if part is not None:
            fact.subtype = part[0]
            fact.evidence.append(Span(*ctx.span(part[1])))
        lobe_organs = props().organ(site).lobe_organs
        if lobe_organs:
            lobe = _near(ctx, m, "site", window=3)
            if lobe is not None and lobe.get("organ") in lobe_organs:
                fact.subtype = lobe.get("site")
                fact.laterality = (
                    fact.laterality or lobe.get("laterality") or _laterality_before(ctx, lobe)
                )
        fact.status = _status(ctx, m, fact.assertion)
        if fact.assertion == "historical":
            fact.assertion = "present"
        out.append(fact)
    return out


def _organ_side(ctx: NoteContext, m: Mention, organ: str) -> str | None:
    """'a tumour (called a renal cell carcinoma) on his right kidney': a primary named without a
    side takes the one side its sentence gives its organ named alone (not an action on it, 'a
    right nephrectomy', nor a part of it, 'the right lobe of the liver')."""
    sides = {
        _laterality_before(ctx, o)
        for o in ctx.sent_mentions(ctx.doc.sentence_of(m.tok_start))
        if o is not m and o.get("organ") == organ and not o.get("action") and not o.get("site")
    }
    sides.discard(None)
    return sides.pop() if len(sides) == 1 else None


def _refined(ctx: NoteContext, m: Mention, histology: str | None) -> str | None:
    """'non-small cell lung cancer (adenocarcinoma)': a specific histology named right after a
    general one (properties `histology_refined_by`) is the primary's histology."""
    finer = props().histology_refined_by.get(histology or "", ())
    nxt = _near(ctx, m, "histology", window=2, after_only=True) if finer else None
    return nxt.get("histology") if nxt is not None and nxt.get("histology") in finer else histology


def _subsite(ctx: NoteContext, m: Mention, site: str) -> str | None:
    """'sigmoid colon adenocarcinoma', 'upper outer quadrant of the left breast': the part of the
    organ, when the KB maps it to its own code."""
    prefixes = tuple(props().subsite_prefix.get(site, ())) or ("-",)
    if (m.get("subsite") or "").startswith(prefixes):
        return m.get("subsite")
    hit = _near(ctx, m, "subsite", window=5)
    sub = hit.get("subsite") if hit is not None else None
    return sub if sub and sub.startswith(prefixes) else None


def _clock_part(
    ctx: NoteContext, m: Mention, site: str, side: str | None
) -> tuple[str, Mention] | None:
    """'a lesion at the 7 o'clock position of the left breast (inferomedial)': a clock position
    is a part of the organ only with its side (properties.yaml clock_quadrants). The one beside
    the tumor's words, else the one position the note names (the biopsy sentence locates the
    lesion, the pathology sentence names the cancer) in a sentence of no other side; two
    positions, or a boundary, give none."""
    faces = props().clock_quadrants.organs.get(site, {}).get(side or "")
    if not faces:
        return None
    near = _near(ctx, m, "clock", window=8)
    clocks = (
        [near] if near else [o for o in ctx.mentions if o.get("clock") and _same_side(ctx, o, side)]
    )
    if len({o.get("clock") for o in clocks}) != 1:
        return None
    part = faces.get(clocks[0].get("clock"))
    return (part, clocks[0]) if part else None


def _same_side(ctx: NoteContext, m: Mention, side: str | None) -> bool:
    """A mention elsewhere in the note locates this side's organ only if its sentence names no
    other side ('an 8 mm lesion in the right breast, one o'clock' is not the left tumor's)."""
    named = _laterality_in(ctx, ctx.doc.sentence_of(m.tok_start))
    return named in (None, side)


def _part_in_note(ctx: NoteContext, site: str) -> tuple[str, Mention] | None:
    """The one part of an organ primary the note names anywhere (the tumor is located once and
    named by its organ elsewhere: 'a lesion in the inferomedial left breast ... the biopsy showed
    ductal carcinoma'), in a sentence that names a lesion; None when it names two parts or none."""
    prefixes = tuple(props().primary_parts.get(site, ()))
    if not prefixes:
        return None
    parts = [
        (part, m)
        for m in ctx.mentions
        for part in (_part_value(m, prefixes),)
        if part is not None and not ctx.is_negated(m) and _names_a_lesion(ctx, m)
    ]
    return parts[0] if len({part for part, _ in parts}) == 1 else None


def _names_a_lesion(ctx: NoteContext, m: Mention) -> bool:
    """The part's sentence names a tumor, mass, lesion or histology: 'a questionable pseudocyst
    in the tail of the pancreas' locates another lesion, not the pancreatic mass."""
    words = ctx.sent_mentions(ctx.doc.sentence_of(m.tok_start))
    return any(_tumor_word(o) for o in words if o is not m)


def _part_value(m: Mention, prefixes: tuple[str, ...]) -> str | None:
    for key in ("primary_site", "subsite"):
        if (m.get(key) or "").startswith(prefixes):
            return m.get(key)
    return None


def _bone_site(ctx: NoteContext, m: Mention, window: int = 8) -> Mention | None:
    sent = ctx.doc.sentence_of(m.tok_start)
    bone = props().bone_organ
    cands = [o for o in ctx.sent_mentions(sent) if o.get("organ") == bone and o.get("site")]
    if not cands:
        return None
    return min(cands, key=lambda o: abs(o.tok_start - m.tok_start))


def _landmark(ctx: NoteContext, hit: Mention) -> bool:
    """'metastasis abutting the pleura': an organ named as what the lesion lies against is a
    landmark, not where the metastasis is (properties.yaml landmark_before); an organ named
    negated ('no pelvic recurrence') is no site either."""
    before = [w for w in ctx.words[max(hit.tok_start - 2, 0) : hit.tok_start] if w != "the"]
    return bool(before) and before[-1] in props().landmark_before or ctx.is_negated(hit)


def _secondary_site(ctx: NoteContext, m: Mention) -> tuple[str | None, Mention | None]:
    if m.get("secondary_site") and m.get("neoplasm") == "secondary":
        return m.get("secondary_site"), m
    hit = _near(ctx, m, "secondary_site", window=5)
    if hit is None or _landmark(ctx, hit):
        hit = _near(ctx, m, "organ", window=5)
    if hit is not None and _landmark(ctx, hit):
        hit = None
    if hit is not None and ctx.names_origin(hit):
        hit = None  # "consistent with lung primary", "from a renal primary": the origin
    if hit is not None and not ctx.is_primary_usage(hit):
        site = hit.get("secondary_site") or hit.get("organ")
        bone = props().bone_organ
        return (bone if hit.get("organ") == bone else site), hit
    where = _bone_site(ctx, m) or _near(ctx, m, "level", window=3)
    if where is not None and ctx.is_negated(where):
        where = None  # "leiomyosarcoma, ..., no pelvic recurrence": no bone site
    return (props().bone_organ, where) if where is not None else (None, None)


def _describes_primary(ctx: NoteContext, m: Mention) -> bool:
    """'metastatic breast cancer' names a primary that has spread; 'metastatic carcinoma to the
    femur' names the metastasis itself."""
    if m.get("secondary_site"):
        return False
    primary = _near(ctx, m, "primary_site", window=2, after_only=True)
    if primary is None:
        return False
    between = set(ctx.words[m.tok_end : primary.tok_start])
    if between & set(props().origin_before):
        return False  # "metastasis from known lung cancer": the metastasis, and its origin
    if between & set(props().origin_of) and _site_just_before(ctx, m):
        return False  # "liver metastases of breast cancer": the site, then the origin
    after = ctx.words[primary.tok_end : primary.tok_end + 1]
    if after and after[0] in props().lesion_words:
        return False  # "metastatic liver tumours": lesions in that organ, metastases
    site = _near(ctx, primary, "secondary_site", window=4, after_only=True) or _near(
        ctx, primary, "organ", window=4, after_only=True
    )
    named = site is not None and "to" in ctx.words[primary.tok_end : site.tok_start]
    return not named  # "metastatic RCC to both lungs" names the metastasis site


def _possible_metastasis(ctx: NoteContext) -> bool:
    """A lesion read as a metastasis because the note has a cancer, in a note that calls the
    metastasis only possible wherever it names one ('a new lytic lesion of the iliac bone,
    suspicious for metastasis' ... 'ablation of the iliac lesion'): the lesion is that
    uncertain metastasis (IV.H), until a sentence calls it one outright. A bare 'malignant'
    said of the lesion ('an osteoblastic malignant lesion was suspected') calls it one too; a
    named cancer ('prostate carcinoma') is the primary, not the lesion. Read once per note: it
    is asked per lesion, and a rescan per lesion made a long note's cost grow with its square."""
    return ctx.once(_possible_metastasis, lambda: _every_malignant_word_doubted(ctx))


def _every_malignant_word_doubted(ctx: NoteContext) -> bool:
    words = set(props().malignant_words)
    mets = [
        o
        for o in ctx.mentions
        if o.get("neoplasm") == "secondary" or ctx.span(o)[2].lower() in words
    ]
    return bool(mets) and all(ctx.condition_assertion(o)[0] == "possible" for o in mets)


def _site_just_before(ctx: NoteContext, m: Mention) -> bool:
    """'liver metastases of breast cancer': a site written right before the metastasis word."""
    sent = ctx.sent_mentions(ctx.doc.sentence_of(m.tok_start))
    return any(
        o.get("secondary_site") and 0 <= m.tok_start - o.tok_end <= 1 and o.tok_end <= m.tok_start
        for o in sent
    )


def secondaries(ctx: NoteContext, has_solid_primary: bool, has_marrow: bool) -> list[ConditionFact]:
    out = []
    for m in ctx.mentions:
        kind = m.get("neoplasm")
        if kind == "secondary" and _describes_primary(ctx, m):
            continue  # "metastatic breast cancer": the primary is metastatic, the site is elsewhere
        if kind == "secondary":
            site, where = _secondary_site(ctx, m)
        elif kind in ("tumor", "malignant") and has_solid_primary and not has_marrow:
            site, where = _secondary_site(ctx, m)
            site = site if site == props().bone_organ else None  # in bone, with a cancer: a met
        else:
            continue
        if site is None or not props().organ(site).secondary:
            continue
        fact = _fact(
            ctx, m, "neoplasm", site=site, organ=site, role="secondary", behavior="malignant"
        )
        if kind != "secondary" and _possible_metastasis(ctx):
            fact.assertion = "possible"  # "lytic lesion ..., suspicious for metastasis" (IV.H)
        if where is not None and where is not m:
            fact.evidence.append(Span(*ctx.span(where)))
            fact.laterality = _both_sides(ctx, m, where, site)
        if fact.assertion == "historical":
            fact.assertion = "present"
        out.append(fact)
    return out


def _both_sides(ctx: NoteContext, m: Mention, where: Mention, site: str) -> str | None:
    """'metastatic RCC to both lungs', 'lung metastases were found in both lungs', 'metastases:
    one within the right middle lobe and two within the left upper lobe': the sentence names
    both sides of the metastasis's paired organ (I.B.13 then takes the right and the left code).
    One side named stays with the procedure's side, which the diagnosis rules read (a right lobe
    named beside a bilateral ablation). Only places named after the metastasis word count: a
    primary's lobe before it ('adenocarcinoma of the left upper lobe ... a metastasis in the right
    lower lobe') and a procedure's place (a lobectomy) are not the metastasis's."""
    sent = ctx.sent_mentions(ctx.doc.sentence_of(m.tok_start))
    after = [o for o in sent if o.tok_start >= m.tok_start]
    sides = {
        o.get("laterality")
        for o in (where, *after)
        if o.get("organ") == site and not o.get("action") and not ctx.is_negated(o)
    }
    return "bilateral" if "bilateral" in sides or {"right", "left"} <= sides else None


def bone_primaries(ctx: NoteContext) -> list[ConditionFact]:
    out = []
    for m in ctx.mentions:
        hist = m.get("histology")
        if hist in props().bone_primary_histology and not _focus_of_other(ctx, m):
            where = _bone_site(ctx, m) or ctx.note_target()
            in_bone = where is not None and where.get("organ") == props().bone_organ
            site = where.get("site") if in_bone else None
            lat = where.get("laterality") if where is not None else None
            fact = _fact(
                ctx,
                m,
                "neoplasm",
                site=site,
                organ=props().bone_organ,
                role="primary",
                behavior=m.get("neoplasm"),
                histology=hist,
                laterality=lat or _laterality_near_site(ctx, where) or _note_side(ctx),
            )
            if fact.assertion == "historical":  # "recurrent ..., previously treated": still present
                fact.assertion = "present"
            out.append(fact)
        elif hist in props().marrow_histology:
            subtype = _marrow_state(ctx.sentence_text(ctx.doc.sentence_of(m.tok_start)))
            out.append(
                _fact(
                    ctx,
                    m,
                    "neoplasm",
                    site=props().marrow_site,
                    organ=props().marrow_site,
                    role="primary",
                    behavior="malignant",
                    histology=hist,
                    subtype=subtype,
                )
            )
    return out


def _focus_of_other(ctx: NoteContext, m: Mention) -> bool:
    """A focus word ('nidus', lexicon `focus_word`) names its tumor only when no other tumor is
    named right after it or just before it: 'a new nidus of HCC' and 'the HCC nidus' are the
    carcinoma's focus, no osteoid osteoma."""
    if not m.get("focus_word"):
        return False
    after = _near(ctx, m, "histology", window=3, after_only=True)
    before = _near(ctx, m, "histology", window=1)
    return any(o is not None and o.get("histology") != m.get("histology") for o in (after, before))


def _marrow_state(text: str) -> str | None:
    """Remission or relapse of myeloma, from the first marrow-state pattern of the sentence."""
    for state in props().marrow_states:
        if re.search(state.pattern, text, re.IGNORECASE):
            return state.value
    return None


def _note_side(ctx: NoteContext) -> str | None:
    """A bone tumor whose own words name no side takes the one side the note names ('right
    lower leg pain ... osteoid osteoma of the tibial diaphysis'), as a bone procedure does
    (properties.yaml side_from_note); two sides in the note give none."""
    bone = props().bone_organ
    return ctx.note_side(bone) if props().organ(bone).side_from_note else None


def _laterality_near_site(ctx: NoteContext, where: Mention | None) -> str | None:
    return _laterality_before(ctx, where) if where is not None else None


def pains(ctx: NoteContext) -> list[ConditionFact]:
    out = []
    for m in ctx.mentions:
        if not m.get("pain"):
            continue
        sent = ctx.doc.sentence_of(m.tok_start)
        words = ctx.sent_mentions(sent)
        tumor = any(_tumor_word(o) for o in words)
        tied = tumor and not any(o.get("indication") and not o.get("coexisting") for o in words)
        tied = tied and not _presenting(ctx, m, words)
        out.append(_fact(ctx, m, "pain", detail="neoplasm_related" if tied else None))
    return out


def _presenting(ctx: NoteContext, pain: Mention, words: list[Mention]) -> bool:
    """The pain comes first, then the diagnosis it led to ('with abdominal pain ... was
    diagnosed to have HCC'), and no tumor is named before the pain in its sentence: a presenting
    complaint (note cue `presenting_diagnosis`), not pain documented as due to the tumor."""
    if any(o.tok_end <= pain.tok_start and _tumor_word(o) for o in words):
        return False
    spans = ctx.note_cue_spans["presenting_diagnosis"]
    first = next((o.start for o in words if o.start > pain.end and _tumor_word(o)), None)
    return first is not None and any(pain.end <= a and b <= first for a, b in spans)


def _tumor_word(m: Mention) -> bool:
    return m.get("neoplasm") in ("secondary", "malignant", "tumor") or bool(m.get("histology"))


def fractures(ctx: NoteContext) -> list[ConditionFact]:
    """Pathological fractures due to a neoplasm (M84.5-): a 'pathologic fracture' in a note that
    names no neoplasm at all (an osteoporotic one, 'pathologic fractures T12-L2' beside
    osteoporosis) is not one."""
    out = []
    if not _names_neoplasm(ctx):
        return out
    tumor_note = any(
        m.get("neoplasm") == "secondary" or m.get("histology") in props().marrow_histology
        for m in ctx.mentions
    )
    for m in ctx.mentions:
        kind = m.get("fracture")
        if (
            kind is None
            or kind == "any"
            and not (
                ctx.is_negated(m)
                or tumor_note
                and any(
                    o.get("neoplasm") for o in ctx.sent_mentions(ctx.doc.sentence_of(m.tok_start))
                )
            )
        ):
            continue
        levels = ctx.levels([ctx.doc.sentence_of(m.tok_start)])
        where = _bone_site(ctx, m) or (None if levels else _treated_bone(ctx, kind))
        vertebra = props().level_target.site
        site = vertebra if levels and not where else (where.get("site") if where else None)
        lat = _laterality_before(ctx, where) if where is not None else None
        fact = _fact(
            ctx,
            m,
            "pathological_fracture",
            site=site,
            organ=props().bone_organ,
            laterality=lat or (where.get("laterality") if where else None),
        )
        fact.detail = ",".join(levels) or None
        out.append(fact)
    return out


def _treated_bone(ctx: NoteContext, kind: str) -> Mention | None:
    """'a new pathologic fracture through the lesion': a pathological fracture whose sentence
    names no bone is in the bone the note treats (its likeliest target), when that is a bone."""
    if kind == "any":
        return None
    target = ctx.note_target()
    bone = props().bone_organ
    return (
        target
        if target is not None and target.get("organ") == bone and target.get("site")
        else None
    )


@lru_cache(maxsize=1)
def _subtype_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    """Each subtype word as a whole-word pattern (a space matches a space or a hyphen), with
    the subtype it names: compiled once, not once per indication mention."""
    return tuple(
        (re.compile(r"\b" + k.replace(" ", r"[\s-]") + r"\b"), v)
        for k, v in props().subtype_words.items()
    )


@lru_cache(maxsize=1)
def _any_subtype() -> re.Pattern:
    """Every subtype pattern as one alternation: it matches wherever one of them does (each
    alternative keeps its own word bounds), so a sentence it misses needs no other search."""
    return re.compile("|".join(f"(?:{rx.pattern})" for rx, _ in _subtype_patterns()))


def _subtypes(text: str) -> str | None:
    """The subtypes a sentence names, joined by '|' in the order of properties.yaml."""
    if not _any_subtype().search(text):
        return None
    return "|".join(dict.fromkeys(v for rx, v in _subtype_patterns() if rx.search(text))) or None


def indications(ctx: NoteContext) -> list[ConditionFact]:
    out = []
    for m in ctx.mentions:
        ind = m.get("indication")
        if not ind:
            continue
        sent = ctx.doc.sentence_of(m.tok_start)
        subtype = _subtypes(ctx.sentence_text(sent).lower())
        # the side inside the words themselves ('osteoarthritis of the left hip') first
        lat = m.get("laterality") or _laterality_before(ctx, m) or _laterality_in(ctx, sent)
        levels = ctx.levels([sent]) or ctx.levels()
        region = _region(ctx, sent, levels)
        part = None if subtype else _organ_part(ctx, m, m.get("organ"), lat)
        fact = _fact(
            ctx,
            m,
            "indication",
            detail=ind,
            laterality=lat,
            region=region,
            subtype=subtype or (part[0] if part else None),
            organ=m.get("organ"),
        )
        if part is not None and part[1] is not None:
            fact.evidence.append(Span(*ctx.span(part[1])))
        out.append(fact)
    return out


def _organ_part(
    ctx: NoteContext, m: Mention, organ: str | None, side: str | None
) -> tuple[str, Mention | None] | None:
    """The part of an organ read by side that a finding sits in ('a mass in the left breast ...
    at 4 o'clock', 'in the upper outer quadrant'): its map codes are keyed side_part (N63.23).
    A clock position beside the words is evidence of its own; a quadrant word is the mention's."""
    if organ not in props().clock_quadrants.organs:
        return None
    clock = _clock_part(ctx, m, organ, side)
    if clock is not None:
        return clock
    part = _subsite(ctx, m, organ)
    return (part, None) if part else None


def caused_fractures(ctx: NoteContext) -> list[ConditionFact]:
    """'osteoporosis and a painful acute L1 compression fracture': a fracture whose sentence
    names its cause (lexicon `fracture_cause`) and no tumor is an indication of that cause. A
    vertebral fracture in a note that names no cause and no tumor anywhere ('T11 compression
    fracture with intractable pain') is the collapsed vertebra of properties.yaml
    `uncaused_vertebral_fracture`, by its spinal region."""
    out = []
    for m in ctx.mentions:
        if m.get("fracture") is None or ctx.is_negated(m):
            continue
        sent = ctx.doc.sentence_of(m.tok_start)
        words = ctx.sent_mentions(sent)
        cause = next((o for o in words if o.get("fracture_cause")), None)
        tumor = any(o.get("neoplasm") and not ctx.is_negated(o) for o in words)
        if tumor or any(o.get("indication") for o in words):
            continue
        if cause is None:
            found = _uncaused_vertebral(ctx, m, sent)
        else:
            found = [_fact(ctx, m, "indication", detail=cause.get("fracture_cause"))]
            found[0].evidence.append(Span(*ctx.span(cause)))
        for fact in found:
            fact.organ = props().bone_organ
            out.append(fact)
    return out


def _uncaused_vertebral(ctx: NoteContext, m: Mention, sent: int) -> list[ConditionFact]:
    """A fracture at spinal levels in a note with no tumor and no cause anywhere: a collapsed
    vertebra NEC by the region of its levels (none for a fracture with no level named).
    'Compression fractures involving T10 and L4' are two collapsed vertebrae, one code for
    each region (M48.54XA and M48.56XA), unless one junction holds them (T12-L1)."""
    detail = props().uncaused_vertebral_fracture
    levels = ctx.levels([sent])
    if detail is None or not levels or ctx.once("fracture_cause_or_tumor", lambda: _any_cause(ctx)):
        return []
    regions = _regions_apart(ctx, sent, levels) or [_region(ctx, sent, levels)]
    return [_fact(ctx, m, "indication", detail=detail, region=r) for r in regions]


def _regions_apart(ctx: NoteContext, sent: int, levels: list[str]) -> list[str]:
    """The spinal regions of levels no junction joins and no region word of the sentence names."""
    if any(o.get("region") for o in ctx.sent_mentions(sent)):
        return []
    if any(set(j.levels) <= set(levels) for j in props().junction_regions):
        return []
    regions = list(dict.fromkeys(props().region_names[lv[0]] for lv in levels))
    return regions if len(regions) > 1 else []


def _names_neoplasm(ctx: NoteContext) -> bool:
    """The note names a neoplasm it does not deny, anywhere (read once per note)."""
    return ctx.once(
        "names_neoplasm",
        lambda: any(m.get("neoplasm") and not ctx.is_negated(m) for m in ctx.mentions),
    )


def _any_cause(ctx: NoteContext) -> bool:
    """The note names a tumor or a cause of fracture somewhere: a fracture it leaves uncaused in
    one sentence may be that tumor's or that osteoporosis's, so it is not coded as NEC."""
    bone = props().bone_organ
    return _names_neoplasm(ctx) or any(
        (
            o.get("fracture_cause")
            or o.get("fracture") == "pathological"
            or o.get("fracture_cause_word")  # 'pathologic insufficiency' names a cause
            or (o.get("indication") and o.get("organ") == bone)  # 'osteoporotic fracture'
        )
        and not ctx.is_negated(o)
        for o in ctx.mentions
    )


def _laterality_in(ctx: NoteContext, sent: int) -> str | None:
    lats = {
        o.get("laterality")
        for o in ctx.sent_mentions(sent)
        if o.get("laterality") and not o.get("organ")
    }
    return lats.pop() if len(lats) == 1 else ("bilateral" if len(lats) > 1 else None)


def _region(ctx: NoteContext, sent: int, levels: list[str]) -> str | None:
    for o in ctx.sent_mentions(sent):
        if o.get("region"):
            return o.get("spine_region") or o.get("region")
    if levels:
        junction = next(
            (j.region for j in props().junction_regions if set(j.levels) <= set(levels)), None
        )
        if junction:
            return junction
        regions = [props().region_names[lv[0]] for lv in levels]
        preferred = [r for r in props().region_preference if r in regions]
        return (preferred or regions)[0]
    return ctx.note_value("region")


def merge(facts: list[ConditionFact]) -> list[ConditionFact]:
    """One fact per condition; a primary named with and without a side is one primary (unless
    one is benign and the other malignant: a pheochromocytoma is not the left adrenocortical
    carcinoma named beside it), but a right and a left primary (a right RCC in the past, a left
    RCC now) stay two. A diagnosis established replaces one only suspected ('suspected to be a
    renal cell carcinoma ... histology showed an angiomyolipoma'): its histology and behavior
    are the fact's. Collapsed vertebrae of two regions stay two (one code per region)."""
    sided = {
        (f.site, f.laterality, f.behavior, f.status)
        for f in facts
        if f.role == "primary" and f.laterality
    }
    for f in facts:
        if f.role != "primary" or f.kind != "neoplasm" or f.laterality is not None:
            continue
        same = [(lat, st) for site, lat, bh, st in sided if site == f.site and bh == f.behavior]
        sides = {lat for lat, _ in same}
        live = {lat for lat, st in same if st == "active"}
        if len(sides) == 1 or len(live) == 1:
            f.laterality = next(iter(sides if len(sides) == 1 else live))
    out: dict[tuple, ConditionFact] = {}
    seen: dict[tuple, tuple[set, set]] = {}  # a host's evidence and rules, to test in O(1)
    for f in facts:
        key = (
            f.kind,
            f.role,
            f.site,
            f.detail if f.kind != "pathological_fracture" else None,
            f.histology if f.role == "primary" and f.site == props().bone_organ else None,
            f.laterality if f.role == "primary" and f.kind == "neoplasm" else None,
            f.region if f.detail == props().uncaused_vertebral_fracture else None,
        )
        if key not in out:
            out[key] = f
            continue
        host = out[key]
        if key not in seen:
            seen[key] = (set(host.evidence), set(host.rules))
        evidence, rules = seen[key]
        new_evidence = [e for e in f.evidence if e not in evidence]
        new_rules = [r for r in f.rules if r not in rules]
        host.evidence += new_evidence
        host.rules += new_rules
        evidence.update(new_evidence)
        rules.update(new_rules)
        if host.assertion != "present" and f.assertion == "present":
            host.assertion = f.assertion
            if host.kind == "neoplasm" and f.histology and f.histology != host.histology:
                _established(host, f, evidence)
        for attr in ("laterality", "histology", "subtype", "region", "site"):
            if getattr(host, attr) is None and getattr(f, attr) is not None:
                setattr(host, attr, getattr(f, attr))
        if host.kind == "indication":
            host.subtype = _subtypes_joined(host.subtype, f.subtype)
        if f.status == "history" and host.kind == "neoplasm":
            host.status = (
                "history" if host.status == "history" or not _active(host) else host.status
            )
    return list(out.values())


def _established(host: ConditionFact, f: ConditionFact, evidence: set) -> None:
    """The diagnosis established takes the place of the one suspected, evidence included (the
    words of the suspicion are no evidence of what the histology showed)."""
    host.histology, host.behavior = f.histology, f.behavior
    host.evidence = list(f.evidence)
    evidence.clear()
    evidence.update(host.evidence)


def _subtypes_joined(first: str | None, more: str | None) -> str | None:
    """An indication's subtypes over all its mentions, first-named first ('symptomatic atrial
    flutter' ... 'typical atrial flutter' is pain|typical): the coder takes the first one its
    code map knows, so a later 'typical' or 'high-grade' is not lost behind a title's word."""
    parts = [p for s in (first, more) if s for p in s.split("|")]
    return "|".join(dict.fromkeys(parts)) or None


def _active(fact: ConditionFact) -> bool:
    return any("active" in r for r in fact.rules)


def _orphan_histology(ctx: NoteContext) -> list[ConditionFact]:
    """'Gleason 3+4 adenocarcinoma in the left peripheral zone' in a prostate note: a malignant
    histology with no site of its own is the primary of the organ the note treats, present or
    possible ('part-solid nodule, possible early adenocarcinoma'; a possible one is not coded)."""
    target = ctx.note_target()
    organ = props().organ(target.get("organ")).primary_of if target is not None else None
    if organ is None:
        return []
    for m in ctx.mentions:
        if (
            m.get("histology")
            and m.get("neoplasm") == "malignant"
            and not m.get("primary_site")
            and ctx.condition_assertion(m)[0] in ("present", "possible")
        ):
            return [_malignant_primary(ctx, m, organ)]
    return []


def negated_neoplasms(ctx: NoteContext) -> list[ConditionFact]:
    """'Negative for malignancy', 'no evidence of metastatic disease': kept as negated facts so a
    reader can see why nothing was coded."""
    out = []
    for m in ctx.mentions:
        kind = m.get("neoplasm")
        if kind in ("secondary", "malignant") and not m.get("primary_site") and ctx.is_negated(m):
            out.append(
                _fact(
                    ctx,
                    m,
                    "neoplasm",
                    behavior="malignant",
                    role="secondary" if kind == "secondary" else None,
                )
            )
    return out


def conditions(ctx: NoteContext) -> list[ConditionFact]:
    prim = primaries(ctx)
    if not prim and not any(m.get("neoplasm") == "secondary" for m in ctx.mentions):
        prim = _orphan_histology(ctx)
    bone_prim = bone_primaries(ctx)
    has_marrow = any(f.site == props().marrow_site for f in bone_prim)
    solid = any(f.behavior == "malignant" and f.assertion == "present" for f in prim)
    found = prim + bone_prim + secondaries(ctx, solid, has_marrow) + pains(ctx) + fractures(ctx)
    found += indications(ctx) + caused_fractures(ctx) + negated_neoplasms(ctx)
    found += complications(ctx)
    if any(f.kind == "neoplasm" and f.role == "secondary" for f in found) and not solid:
        found += _unknown_primary(ctx)
    merged = _one_primary_per_histology(_one_fracture_site(merge(found)))
    _settle_history(ctx, merged)
    return merged


def _one_primary_per_histology(facts: list[ConditionFact]) -> list[ConditionFact]:
    """'choroidal melanoma of the right eye ... biopsy confirmed metastatic melanoma': the bare
    histology named again is the primary named with its site (properties.yaml
    histology_family: the specific histology and the general one it refines)."""
    family = props().histology_family
    specific = [f for f in facts if f.kind == "neoplasm" and f.role == "primary"]
    general = {family[f.histology]: f for f in specific if f.histology in family}
    out = []
    for f in facts:
        owner = general.get(f.histology) if f.kind == "neoplasm" and f.role == "primary" else None
        if owner is not None:
            owner.evidence.extend(f.evidence)
            continue
        out.append(f)
    return out


def _one_fracture_site(facts: list[ConditionFact]) -> list[ConditionFact]:
    """A fracture named once with its bone and once without is one fracture."""
    sited = any(f.kind == "pathological_fracture" and f.site for f in facts)
    return [f for f in facts if not (sited and f.kind == "pathological_fracture" and not f.site)]


def _settle_history(ctx: NoteContext, facts: list[ConditionFact]) -> None:
    """ICD-10-CM I.C.2.d: a primary that was excised or eradicated, with no further treatment
    and no evidence of disease, is a personal history (Z85), read across the whole note; any
    current cancer treatment keeps it current."""
    spans = ctx.note_cue_spans
    treated_now = bool(spans["active_treatment"])
    no_treatment = bool(spans["history_markers"]) and not treated_now
    for f in facts:
        if f.kind != "neoplasm" or f.role != "primary":
            continue
        if props().organ(f.organ).skeletal and f.behavior == "benign":
            continue  # a benign bone tumor is the lesion treated, never a history
        if treated_now:
            f.status = "active"
        elif _eradicated(ctx, f, whole_only=not no_treatment):
            f.status = "history"


def _eradicated(ctx: NoteContext, fact: ConditionFact, *, whole_only: bool = False) -> bool:
    """An excision of the primary's organ (or a past ablation of it) done before this visit;
    a resection only discussed or planned does not count. With no words of remission in the
    note, only the removal of the whole organ ("radical nephrectomy") eradicates it."""
    for m in ctx.mentions:
        if not props().action(m.get("action")).eradicates or not _done_before(ctx, m):
            continue
        if _names_the_primary_removed(ctx, m, fact):
            return True
        if whole_only and not m.get("whole_organ") and not _excised_earlier(ctx, m):
            continue
        side = _laterality_before(ctx, m) or _laterality_in(ctx, ctx.doc.sentence_of(m.tok_start))
        if side and fact.laterality and side != fact.laterality:
            continue  # the right kidney was removed; the left kidney cancer is current
        if whole_only and not fact.laterality and _other_side_named(ctx, fact.organ, side):
            continue  # "after left radical nephrectomy ... new right renal mass"
        if m.get("organ") == fact.organ:
            return True
        sent = ctx.sent_mentions(ctx.doc.sentence_of(m.tok_start))
        named = [_site_named(o, fact) for o in sent]
        if m.get("organ") is None and fact.site in named:
            return True
    return False


def _names_the_primary_removed(ctx: NoteContext, m: Mention, fact: ConditionFact) -> bool:
    """'a metastatic lesion from surgically resected primary lung cancer', 'the excised
    melanoma': an excision word right before the primary's own words says that primary was
    removed (I.C.2.d), whatever the organ's size; one word may stand between ('primary')."""
    if not props().action(m.get("action")).excises:
        return False
    text = ctx.doc.text
    return any(
        0 <= e.start - m.end and len(text[m.end : e.start].split()) <= 1 for e in fact.evidence
    )


def _excised_earlier(ctx: NoteContext, m: Mention) -> bool:
    """An excision (properties `excises`) dated to an earlier time ('treated by surgery in
    1998', 'a hemicolectomy 3 years ago'): the primary was removed then, and a note telling it
    that way tells no current primary (I.C.2.d), whereas an undated 'resection' may be the one
    planned or just done."""
    if not props().action(m.get("action")).excises:
        return False
    found = ctx.procedure_assertion(m, NOT_TODAY)
    return found is not None and found.value == "historical" and found.cue.rule.dates_event


def _site_named(o: Mention, fact: ConditionFact) -> str | None:
    """The primary site a mention names: its own, or the site of the fact's organ ('the left
    distal femur' of a bone sarcoma)."""
    return o.get("primary_site") or (o.get("site") if o.get("organ") == fact.organ else None)


def _other_side_named(ctx: NoteContext, organ: str | None, removed: str | None) -> bool:
    """The note names the organ on a side other than the one removed (or names a side when the
    removal has none): the cancer may be in the remaining organ, so the removal settles nothing."""
    sides = {
        m.get("laterality") or _laterality_before(ctx, m)
        for m in ctx.mentions
        if m.get("organ") == organ and not m.get("action")
    }
    sides.discard(None)
    return bool(sides - {removed}) if removed else bool(sides)


def _done_before(ctx: NoteContext, m: Mention) -> bool:
    if ctx.section_of(m) in ("plan",):
        return False
    found = ctx.procedure_assertion(m, NOT_TODAY)
    if props().action(m.get("action")).tumor:
        return found is not None and found.value == "historical"
    return found is None or found.value == "historical"


def _unknown_primary(ctx: NoteContext) -> list[ConditionFact]:
    unknown = props().unknown_primary_site
    return [
        _fact(ctx, m, "neoplasm", site=unknown, organ=None, role="primary", behavior="malignant")
        for m in ctx.mentions
        if m.get("primary_site") == unknown
    ]


def link_nature(facts) -> None:
    """Benign or malignant: the behavior of the present neoplasm in the organ a procedure treats
    (a breast fibroadenoma selects 19105, a breast cancer 0581T)."""
    for proc in facts.procedures:
        if proc.organ is None:
            continue
        kinds = {
            c.behavior
            for c in facts.conditions
            if c.kind == "neoplasm"
            and c.assertion == "present"
            and c.behavior
            and (c.organ == proc.organ or c.site == proc.organ)
        }
        if len(kinds) == 1:
            proc.nature = kinds.pop()
        elif "malignant" in kinds:
            proc.nature = "malignant"


def link_indication(facts) -> None:
    """The condition a look-alike procedure treats, when its code depends on it (a cardiac catheter
    ablation of AVNRT is 93653, of VT 93654, of atrial fibrillation 93656): the indication its
    site treats (properties.yaml: pulmonary vein isolation treats AF), else the one present
    indication of its organ named most often. A tie and no site to choose leaves it blank, so
    no code guesses the arrhythmia."""
    for proc in facts.procedures:
        if proc.organ is None or proc.indication is not None:
            continue
        treats = props().site(proc.site).treats if proc.site else None
        proc.indication = treats or _most_named(facts.conditions, proc.organ)


def link_sentence_indication(facts, ctx: NoteContext) -> None:
    """The organ-free indication a procedure's own sentence names, when its action's code depends
    on it (properties.yaml `sentence_indications`): 'due to bleeding after biopsy the feeding
    artery was occluded by microcoils' is an embolization for hemorrhage (37244), where the
    organ's tumor would make it one for a tumor (37243). Runs before link_indication, which
    links by organ and so never sees an indication with no organ."""
    for proc in facts.procedures:
        wanted = props().action(proc.action).sentence_indications
        if not wanted or proc.indication is not None:
            continue
        sents = {_sentence_at(ctx, e.start) for e in proc.evidence}
        for c in facts.conditions:
            if c.kind != "indication" or c.detail not in wanted or c.assertion != "present":
                continue
            words = [e for e in c.evidence if _sentence_at(ctx, e.start) in sents]
            if words:
                proc.indication = c.detail
                proc.evidence = sorted({*proc.evidence, *words}, key=lambda e: e.start)
                proc.rules.append(f"indication.sentence.{c.detail}")
                break


def _sentence_at(ctx: NoteContext, char: int) -> int:
    return ctx.doc.sentence_of(ctx.token_at(char))


def _most_named(conds, organ: str) -> str | None:
    """The present indication of an organ the note names most often; a tie is no answer (a
    report headed 'ablation for PSVT (AF)' that says AF five times treats AF)."""
    counts = Counter()
    for c in conds:
        if c.kind == "indication" and c.assertion == "present" and c.organ == organ:
            counts[c.detail] += len(c.evidence) or 1
    top = counts.most_common(2)
    if not top or (len(top) == 2 and top[0][1] == top[1][1]):
        return None
    return top[0][0]


def link_laterality(facts) -> None:
    """A primary named without a side takes the side of the procedure on its organ
    ('clear cell RCC' in a note on cryoablation of a right renal mass is a right RCC)."""
    for c in facts.conditions:
        if c.kind != "neoplasm" or c.role != "primary" or c.laterality is not None:
            continue
        sides = {
            p.laterality
            for p in facts.procedures
            if p.organ == c.organ and p.laterality in ("right", "left")
        }
        if len(sides) == 1:
            c.laterality = sides.pop()


def link_treatment(facts) -> None:
    """I.C.2.d: a primary read as history is current when this note treats or plans to treat a
    tumor of its organ (a recurrence at the old ablation zone, a new HCC in another segment):
    treatment is directed at it. A sided primary needs a procedure of that side. A metastasis
    named in that organ is what the treatment is directed at ('a metastatic lesion from surgically
    resected primary lung cancer' cryoablated): the removed primary stays a history."""
    directed = [
        p
        for p in facts.procedures
        if props().action(p.action).tumor and p.assertion in ("performed", "planned", "aborted")
    ]
    seeded = {
        c.organ
        for c in facts.conditions
        if c.kind == "neoplasm" and c.role == "secondary" and c.assertion == "present"
    }
    for c in facts.conditions:
        if c.kind != "neoplasm" or c.role != "primary" or c.status != "history":
            continue
        if c.organ in seeded:
            continue
        if any(p.organ == c.organ and c.laterality in (None, p.laterality) for p in directed):
            c.status = "active"


def drop_unsupported(facts) -> None:
    """An ablation mention beside the main procedure that names another organ with no diagnosis
    of its own is a landmark, not a second procedure ('esophageal temperature ... ablation was
    paused' in a pulmonary vein isolation; 'sciatic nerve ... from the ablation zone')."""
    performed = [
        p
        for p in facts.procedures
        if p.assertion in ("performed", "aborted") and props().action(p.action).tumor
    ]
    supported = [p for p in performed if _supported(p.organ, facts.conditions)]
    if not supported:
        return
    organs = {p.organ for p in supported}
    facts.procedures = [
        p for p in facts.procedures if not any(p is q for q in performed) or p.organ in organs
    ]


def _supported(organ: str | None, conds) -> bool:
    if organ is None:
        return False
    for c in conds:
        if c.assertion != "present":
            continue
        if organ in (c.organ, c.site):
            return True
        skeletal = props().organ(c.site).skeletal or props().organ(c.organ).skeletal
        if props().organ(organ).skeletal and c.kind == "neoplasm" and skeletal:
            return True
    return False
