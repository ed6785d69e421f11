"""From a read note to procedure facts: anchors, attributes, clusters, assertion.

Each action mention (ablation, biopsy, vertebroplasty ...) is an anchor. Its attributes come from
the anchor itself, then its sentence, then its section, then the note; a clustering step merges
the mentions of one procedure (same action and target organ) into one fact, keeping apart
mentions with a different assertion and their own site (a second ablation planned elsewhere).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from ..model import ProcedureFact, Span
from .context import assert_mention
from .lexicon import Mention, get_lexicon, props
from .notectx import NEGATED, NoteContext, mode
from .precursor import date_precursors, date_workup
from .reader import section_rules
from .schema import TargetType
from .timeline import date_before_later_visit, date_several_patients, date_several_sessions


@dataclass
class Anchor:
    mention: Mention
    sent: int
    section: str
    assertion: str
    cue_rule: str | None
    attrs: dict = field(default_factory=dict)
    site_mention: Mention | None = None
    own_site: bool = False


def _nearest(cands: list[Mention], anchor: Mention, prefer_after: bool = True) -> Mention | None:
    def dist(m: Mention) -> tuple[int, int]:
        after = m.tok_start >= anchor.tok_end
        gap = m.tok_start - anchor.tok_end if after else anchor.tok_start - m.tok_end
        return (0 if after == prefer_after else 1, gap) if gap <= 8 else (2, gap)

    return min(cands, key=dist) if cands else None


def _target_mentions(ctx: NoteContext, mentions: list[Mention]) -> list[Mention]:
    """Organ/site mentions that name a target, not a primary-cancer adjective ('breast cancer'),
    nor a nerve or joint named as a landmark beside a tumor ('metastasis near the SI joint'), nor
    the words of another procedure ('thyroid lobectomy', 'medial branch blocks')."""
    tumor = any(m.get("neoplasm") in ("secondary", "malignant", "tumor") for m in mentions)
    return [
        m
        for m in mentions
        if m.get("organ")
        and not m.get("action")  # "... and medial branch blocks": another procedure's own words
        and not ctx.is_primary_usage(m)
        and not (tumor and props().organ(m.get("organ")).nerve)
        and not (m.get("histology") and ctx.is_origin(m))
    ]


def resolve_target(ctx: NoteContext, anchor: Mention, sent: int) -> tuple[Mention | None, bool]:
    """The organ/site mention an action is about, and whether it is in the action's sentence."""
    same = _target_mentions(ctx, ctx.sent_mentions(sent))
    if anchor.get("site"):
        return anchor, True
    if anchor.get("organ"):
        organ = anchor.get("organ")
        site = _nearest([m for m in same if m.get("site") and m.get("organ") == organ], anchor)
        return (site or anchor), True
    site = _nearest([m for m in same if m.get("site")], anchor) or _nearest(same, anchor)
    if site:
        return site, True
    level = _level_as_vertebra(ctx, sent)
    if level is not None:
        return level, True
    mentions = ctx.sent_mentions(sent)
    if any(o.get("neoplasm") == "secondary" for o in mentions):
        return None, False
    own = [t for t in map(_as_target, mentions) if t is not None]
    if own:  # "cryoablation of left breast carcinoma": the primary itself is the target
        return _nearest(own, anchor), True
    return None, False  # decided per event, after clustering (see _fill_target)


def _as_target(m: Mention) -> Mention | None:
    """A tumor organ, or a histology that names its organ ('renal cell carcinoma' -> kidney)."""
    if props().organ(m.get("organ")).tumor:
        return m
    organ = m.get("primary_site") if m.get("histology") else None
    if not props().organ(organ).histology_organ:
        return None
    return Mention(m.tok_start, m.tok_end, m.start, m.end, {**m.sets, "organ": organ}, m.entries)


def _level_as_vertebra(ctx: NoteContext, sent: int) -> Mention | None:
    """'ablate the T11 lesion': a bare spinal level names a vertebra when the note speaks of
    bone and not of spinal nerves."""
    place = props().level_target
    if ctx.once(
        "nerve_named", lambda: any(props().organ(m.get("organ")).nerve for m in ctx.mentions)
    ):
        return None
    if not ctx.once(
        "level_place_named",
        lambda: any(m.get("organ") == place.organ or m.get("neoplasm") for m in ctx.mentions),
    ):
        return None
    lv = next((m for m in ctx.sent_mentions(sent) if m.get("level")), None)
    if lv is None:
        return None
    sets = {"organ": place.organ, "site": place.site}
    return Mention(lv.tok_start, lv.tok_end, lv.start, lv.end, sets, lv.entries)


def _laterality_near(ctx: NoteContext, target: Mention | None) -> str | None:
    if target is None:
        return None
    if target.get("laterality"):
        return target.get("laterality")
    sent = ctx.doc.sentence_of(target.tok_start)
    for m in ctx.sent_mentions(sent):
        lat = m.get("laterality")
        if (
            lat
            and not m.get("organ")
            and (
                0 <= target.tok_start - m.tok_end <= 3
                or (0 <= m.tok_start - target.tok_end <= 1 and not _names_next(ctx, m, sent))
            )
        ):
            return lat
    return None


def _names_next(ctx: NoteContext, side: Mention, sent: int) -> bool:
    """'facet joint injections and right SI joint injection': a side word just before another
    place is that place's side, not the side of the place before it."""
    return any(
        o.get("organ") and o.get("action") and 0 <= o.tok_start - side.tok_end <= 1
        for o in ctx.sent_mentions(sent)
    )


def _sentence_values(ctx: NoteContext, key: str, anchor: Mention, sent: int) -> list[Mention]:
    """The sentence's words giving `key`, less those written right before another procedure
    ('alternative to hysterectomy and hysteroscopic ablation': that ablation's approach)."""
    return [
        m
        for m in ctx.sent_mentions(sent)
        if m.get(key) and not ctx.is_negated(m) and ctx.owner_of(m, sent) in (None, anchor)
    ]


def _sentence_value(ctx: NoteContext, key: str, anchor: Mention, sent: int):
    hit = _nearest(_sentence_values(ctx, key, anchor, sent), anchor, prefer_after=False)
    return hit.get(key) if hit else None


def _nearby_value(ctx: NoteContext, key: str, anchor: Mention, sent: int, section: str):
    hit = _nearest(_sentence_values(ctx, key, anchor, sent), anchor, prefer_after=False)
    if hit:
        return hit.get(key)
    # another procedure's own value ('open cryoablation 7 years ago') is its own
    return ctx.section_value(section, key) or ctx.note_value(key)


def make_anchor(ctx: NoteContext, m: Mention) -> Anchor:
    sent = ctx.doc.sentence_of(m.tok_start)
    section = ctx.doc.sentences[sent].section
    blockers = tuple(o.tok_start for o in ctx.sent_mentions(sent) if o.get("action") and o is not m)
    found = assert_mention(
        m.tok_start,
        m.tok_end,
        ctx.sent_cues(sent),
        TargetType.procedure,
        blockers,
        ctx.doc.breaks,
    )
    if found and found.cue.rule.general and _ages_near(ctx, sent):
        found = None  # "A 60-year-old man presents ... cryoablation is performed": narrative
    if found and found.value == "performed" and ctx.is_question(sent):
        found = None  # 'has anyone had experience with cryotherapy, where was it performed?'
    if found and found.cue.rule.needs_encounter and not ctx.is_encounter:
        found = None  # 'Cryoablation uses hollow needles ...' in a leaflet: a description
    if found and not (found.value == "performed" and _quiet(ctx, section, sent)):
        assertion, rule = found.value, found.cue.rule.id
    else:
        assertion, rule = _unasserted(ctx, m, sent, section)
    if assertion == "performed" and ctx.is_review_request:
        # a utilization review documents no procedure: what it says was done is the history
        assertion, rule = "historical", "scope.review_request_history"
    anchor = Anchor(m, sent, section, assertion, rule)
    anchor.attrs["action"] = m.get("action")
    if props().action(m.get("action")).targetless:
        return anchor
    target, anchor.own_site = resolve_target(ctx, m, sent)
    anchor.site_mention = target
    attrs = anchor.attrs
    for key in ("modality", "approach"):
        if key == "modality" and props().action(m.get("action")).energyless:
            attrs[key], attrs[f"{key}_own"] = None, False  # a block beside an RF ablation
            continue
        own = m.get(key) or _sentence_value(ctx, key, m, sent)
        attrs[key] = own or _nearby_value(ctx, key, m, sent, section)
        attrs[f"{key}_own"] = own is not None
    if not attrs["approach_own"] and attrs["approach"] not in props().note_level_approaches:
        attrs["approach"] = None  # an EGD in the work-up is not the approach of a bone ablation
    if target is not None and anchor.own_site:
        nerve = props().organ(target.get("organ")).nerve
        same_organ = (
            [target]  # a facet injection beside an SI joint injection: each has its own place
            if props().action(m.get("action")).sites_apart
            else [o for o in ctx.sent_mentions(sent) if o.get("organ") == target.get("organ")]
            if nerve
            else _coordinated_places(ctx, target, sent)
        )
        attrs["sites"] = {o.get("site") for o in same_organ if o.get("site")}
        attrs["sides"] = {o.get("laterality") for o in same_organ if o.get("laterality")}
        attrs["sides"] |= {
            o.get("laterality")
            for o in ctx.sent_mentions(sent)
            if o.get("laterality") == "bilateral"
            and (0 <= m.tok_start - o.tok_end <= 4 or 0 <= o.tok_start - m.tok_end <= 2)
        }
    if target is not None:
        attrs["organ"] = m.get("organ") or target.get("organ")
        attrs["site"] = target.get("site") if target.get("organ") == attrs["organ"] else None
        attrs["laterality"] = _laterality_near(ctx, target)
        attrs["region"] = target.get("region") or _sentence_value(ctx, "region", m, sent)
    return anchor


def _ages_near(ctx: NoteContext, sent: int) -> bool:
    """A patient's age in this sentence or the one before: present tense there narrates one
    patient's case (a coding example), it does not describe the procedure in general."""
    return bool(ctx.values_of("age", [s for s in (sent - 1, sent) if s >= 0]))


def _unasserted(ctx: NoteContext, m: Mention, sent: int, section: str) -> tuple[str, str | None]:
    """The assertion of a mention no cue governs: its section's default; in the free text of a
    note, performed only with a sign of doing or of an encounter. A request for authorization
    documents none; a paper's title names its subject, not a procedure done by the title, and
    a question asks, it does not document."""
    default = ctx.section_default(section)
    if section in section_rules().retells_case and not _quiet(ctx, section, sent) and m.get("past"):
        return "performed", "scope.case_retold"  # 'In this patient, the L5 branch was ablated'
    if default != "mentioned":
        return default, None
    if ctx.is_question(sent):
        return "hypothetical", "scope.question"  # 'Can RFA treat autonomous thyroid nodules?'
    if ctx.is_review_request:
        return "planned", "scope.review_request"
    if sent == 0 and ctx.note_cue_spans["paper"]:
        return "mentioned", "scope.paper_title"
    if ctx.names_its_doing(m, sent):
        return "performed", "scope.guided_or_past_tense"
    if ctx.is_encounter:
        return "performed", "scope.encounter_note"
    return "mentioned", None


def _quiet(ctx: NoteContext, section: str, sent: int | None = None) -> bool:
    """History, plan and indication sections keep their own default against a verb of doing:
    'History: ... underwent RFA' is an earlier encounter. A paper's background or discussion
    does too, except in a sentence about its own case ('In this patient, the L5 medial branch
    was ablated'): there the verb documents the case's procedure."""
    if ctx.section_default(section) in ("performed", "mentioned"):
        return False
    retold = section in section_rules().retells_case
    return not (retold and sent is not None and ctx.sentence_has("case_subject", sent))


TITLE_DEFAULTS = ("scope.encounter_note", "scope.guided_or_past_tense")


def anchors_of(ctx: NoteContext) -> list[Anchor]:
    out = []
    for m in ctx.mentions:
        if m.get("action"):
            anchor = make_anchor(ctx, m)
            out += [anchor] + _sibling_targets(ctx, anchor)
    _title_echoes(ctx, out)
    _dated_elsewhere(ctx, out)
    return out


def _dated_elsewhere(ctx: NoteContext, anchors: list[Anchor]) -> None:
    """A procedure named with no cue ('Radiofrequency ablation is one of the therapies ...', 'a
    known risk of MWA') in a note that dates that procedure at the same place elsewhere
    ('hydrothorax after treating HCC with RFA' read as a complication, 'had undergone microwave
    ablation ... 6 months ago') is that earlier procedure, not a session of this encounter: only
    the note's encounter default read it as done. 'Follow-up after ablation' dates nothing: a
    case tells its own session's follow-up too."""
    dating = ctx.lexicon.dating_cues
    dated = [
        (a.attrs["action"], a.attrs.get("organ"), a.attrs.get("site"))
        for a in anchors
        if a.assertion == "historical" and a.cue_rule in dating
    ]
    for a in anchors:
        if a.assertion == "performed" and a.cue_rule == "scope.encounter_note":
            here = (a.attrs["action"], a.attrs.get("organ"), a.attrs.get("site"))
            if any(_same_place(here, d) for d in dated):
                a.assertion, a.cue_rule = "historical", "scope.dated_elsewhere"


def _same_place(a: tuple, b: tuple) -> bool:
    """One action at one place: each of organ and site agrees or is unnamed on one side."""
    pairs = zip(a[1:], b[1:], strict=True)
    return a[0] == b[0] and all(x is None or y is None or x == y for x, y in pairs)


def _title_echoes(ctx: NoteContext, anchors: list[Anchor]) -> None:
    """A title ('Catheter Ablation for Atrial Flutter in an 83-Year-Old Male') names its topic:
    when no cue reads it, the note has no section of a procedure done, and the body names the
    same action only as recommended, possible or done before, the title documents no session of
    its own. A report's heading stays the procedure: under a PROCEDURE section, or above a body
    that says how the session stopped ('no ablation energy was delivered')."""
    titles = [
        a
        for a in anchors
        if a.sent == 0 and a.assertion == "performed" and a.cue_rule in TITLE_DEFAULTS
    ]
    if not titles or not ctx.is_title(0) or ctx.has_done_section:
        return
    for a in titles:
        body = [b for b in anchors if b.sent > 0 and b.attrs["action"] == a.attrs["action"]]
        if body and all(b.assertion not in ("performed", *TITLE_KEPT_BY) for b in body):
            a.assertion, a.cue_rule = "mentioned", "scope.title_echo"


TITLE_KEPT_BY = ("negated", "aborted")  # the body tells this session stopped or was not done


def _coordinated(ctx: NoteContext, a: Mention, b: Mention) -> bool:
    """'the right lower lobe and left upper lobe': places joined by a list, not one place named
    as a landmark of another ('via the trans-isthmic approach ... the right lobe nodule')."""
    first, second = (a, b) if a.tok_start < b.tok_start else (b, a)
    between = ctx.words[first.tok_end : second.tok_start]
    return len(between) <= 4 and set(between) <= set(props().coordination_words)


def _coordinated_places(ctx: NoteContext, target: Mention, sent: int) -> list[Mention]:
    """The target and the places listed with it ('GSV, AASV and SSV'), in text order."""
    cands = sorted(
        (
            o
            for o in ctx.sent_mentions(sent)
            if o.get("site") and not o.get("level") and o.get("organ") == target.get("organ")
        ),
        key=lambda o: o.tok_start,
    )
    chain = [target]
    for o in cands:
        if o is not target and any(_coordinated(ctx, c, o) for c in chain):
            chain.append(o)
    for o in reversed(cands):  # places listed before the target
        if o not in chain and any(_coordinated(ctx, c, o) for c in chain):
            chain.append(o)
    return chain


def _sibling_targets(ctx: NoteContext, anchor: Anchor) -> list[Anchor]:
    """'RFA of the right lower lobe and left lower lobe nodules': one anchor per named place."""
    target = anchor.site_mention
    organ = anchor.attrs.get("organ")
    if (
        target is None
        or not anchor.own_site
        or organ is None
        or props().organ(organ).nerve
        or props().action(anchor.attrs.get("action")).targetless
    ):
        return []
    seen = {(anchor.attrs.get("site"), anchor.attrs.get("laterality"))}
    out = []
    for o in _coordinated_places(ctx, target, anchor.sent)[1:]:
        place = (o.get("site"), _laterality_near(ctx, o))
        if place in seen or place[1] is None and any(p[0] == place[0] for p in seen):
            continue
        seen.add(place)
        twin = Anchor(
            anchor.mention,
            anchor.sent,
            anchor.section,
            anchor.assertion,
            anchor.cue_rule,
            dict(anchor.attrs),
            o,
            True,
        )
        twin.attrs.update(
            site=place[0],
            laterality=place[1],
            sides={place[1]} - {None},
            sites={place[0]},
            twin=True,
        )
        out.append(twin)
    if out:
        anchor.attrs["twin"] = True
        anchor.attrs["sides"] = {anchor.attrs.get("laterality")} - {None}
        anchor.attrs["sites"] = {anchor.attrs.get("site")} - {None}
    return out


def _same_event(a: Anchor, b: Anchor) -> bool:
    if a.attrs["action"] != b.attrs["action"]:
        return False
    oa, ob = a.attrs.get("organ"), b.attrs.get("organ")
    return oa == ob or oa is None or ob is None


def _same_modality(group: list[Anchor], anc: Anchor) -> bool:
    """'RF ablation today; consider cryotherapy if it persists': a mention with a modality of
    its own that the performed procedure does not have is another procedure."""
    if not anc.attrs.get("modality_own"):
        return True
    return anc.attrs["modality"] in {a.attrs.get("modality") for a in group}


def absorb_sites(anchors: list[Anchor]) -> list[Anchor]:
    """A site named in the sentence of a site that `absorbs` it (properties.yaml sites) is read as
    that site: the L5 dorsal ramus blocked with the sacral lateral branches is one block of the SI
    joint's nerves (64451), not a facet block beside it."""
    taken: dict[tuple[int, str], tuple[str, str | None]] = {}  # -> the site and its action
    for anc in anchors:
        site = anc.attrs.get("site")
        for absorbed in props().site(site).absorbs if site else ():
            taken.setdefault((anc.sent, absorbed), (site, anc.attrs.get("action")))
    for anc in anchors:
        site, action = taken.get((anc.sent, anc.attrs.get("site")), (None, None))
        if site is not None and anc.attrs.get("action") == action:
            anc.attrs["site"] = site
    return anchors


def _own_place(anc: Anchor) -> tuple | None:
    """Site and side a mention names in its own sentence, or None."""
    if not anc.own_site:
        return None
    place = (anc.attrs.get("site"), anc.attrs.get("laterality"))
    return None if place == (None, None) else place


def _compatible(p1: tuple | None, p2: tuple | None) -> bool:
    """Two places can be one target: same site (or one unnamed) and same side (or one unnamed)."""
    if p1 is None or p2 is None:
        return True
    (s1, l1), (s2, l2) = p1, p2
    return (s1 is None or s2 is None or s1 == s2) and (l1 is None or l2 is None or l1 == l2)


def _group_place(group: list[Anchor]) -> tuple | None:
    return next((p for p in map(_own_place, group) if p is not None), None)


def cluster(anchors: list[Anchor], ctx: NoteContext | None = None) -> list[list[Anchor]]:
    """Group the mentions of one event: one fact per procedure, site and side (both lungs
    ablated in one session are two facts; the coder merges them into one line with 50).
    A planned, negated or hypothetical mention joins a performed event unless it names a place of
    its own or a later session ('RFA of the left femur is planned'); historical mentions always
    stand apart."""

    def ctx_separate(anc: Anchor) -> bool:
        return ctx is not None and ctx.sentence_has("separate_event", anc.sent)

    performed: list[list[Anchor]] = []
    for anc in (a for a in anchors if a.assertion == "performed"):
        place = _own_place(anc)
        if props().organ(anc.attrs.get("organ")).nerve and place is not None:
            if not props().action(anc.attrs["action"]).sites_apart:
                place = (None, place[1])  # one nerve procedure names several nerves
        host = next(
            (
                g
                for g in performed
                if _same_event(g[0], anc) and _compatible(_group_place(g), place)
            ),
            None,
        )
        host.append(anc) if host else performed.append([anc])
    others: dict[tuple, list[Anchor]] = {}
    for anc in (a for a in anchors if a.assertion != "performed"):
        place = _own_place(anc)
        host = next(
            (
                g
                for g in performed
                if _same_event(g[0], anc)
                and _same_modality(g, anc)
                and (
                    place is None
                    or _group_place(g) == place
                    or place[0] is None
                    and _compatible(_group_place(g), place)
                )
            ),
            None,
        )
        if host and anc.assertion != "historical" and not ctx_separate(anc):
            host.append(anc)
            continue
        later = anc.attrs["later"] = ctx_separate(anc)
        key = (anc.attrs["action"], anc.attrs.get("organ"), anc.assertion, place, later)
        others.setdefault(key, []).append(anc)
    return performed + _merge_open(list(others.values()))


def _merge_open(groups: list[list[Anchor]]) -> list[list[Anchor]]:
    """Join non-performed groups of one event and assertion when one of them names no place;
    a later session ('Reschedule cryoablation') stays apart from today's planned procedure."""
    out: list[list[Anchor]] = []
    for group in groups:
        head = group[0]
        host = next(
            (
                g
                for g in out
                if g[0].assertion == head.assertion
                and g[0].attrs.get("later") == head.attrs.get("later")
                and _same_event(g[0], head)
                and (_own_place(g[0]) is None or _own_place(head) is None)
            ),
            None,
        )
        host.extend(group) if host else out.append(group)
    return out


def _fill_target(ctx: NoteContext, anchors: list[Anchor], today: Mention | None = None) -> None:
    """An event none of whose mentions names a target is about the target of today's procedure
    ('Radiofrequency ablation was not performed because the lesion ...', 'Prior RF ablation at
    the same levels'), else the note's likeliest target; the note's target of the same organ
    lends the site and side today's target does not name ('a lesion in the left renal lower
    pole ... cryoablation of renal lesion')."""
    if any(a.attrs.get("organ") for a in anchors):
        return
    if props().action(anchors[0].attrs["action"]).targetless:
        return
    note = ctx.note_target()
    target = today or note
    if target is None:
        return
    same = note is not None and note.get("organ") == target.get("organ")
    head = anchors[0]
    head.attrs.update(
        organ=target.get("organ"),
        site=target.get("site") or (note.get("site") if same else None),
        laterality=_laterality_near(ctx, target) or (_laterality_near(ctx, note) if same else None),
        region=target.get("region"),
    )


def _pick(anchors: list[Anchor], key: str):
    """The attribute value of a group: values named in a mention's own sentence first, most
    frequent wins."""
    own_key, placed = f"{key}_own", key not in ("site", "laterality")
    values = [v for a in anchors if a.attrs.get(own_key) and (v := a.attrs.get(key))]
    if not values:  # each pool only when the one before has no value (read as needed)
        values = [v for a in anchors if (a.own_site or placed) and (v := a.attrs.get(key))]
    if not values:
        values = [v for a in anchors if (v := a.attrs.get(key))]
    return mode(values) if values else None


def _laterality(ctx: NoteContext, anchors: list[Anchor]) -> str | None:
    """The side named with the procedure's own site; else the sides of the sites named beside it
    ('bilateral ... (right lower lobe and left upper lobe)'); else the one side word of its
    sentences."""
    own = {a.attrs.get("laterality") for a in anchors if a.attrs.get("laterality")}
    for sides in (own, {side for a in anchors for side in a.attrs.get("sides", ())}):
        if "bilateral" in sides or {"right", "left"} <= sides:
            return "bilateral"
        if sides:
            return _pick(anchors, "laterality") or next(iter(sides))
    words = {
        m.get("laterality")
        for a in anchors
        for m in ctx.sent_mentions(a.sent)
        if m.get("laterality") and not m.get("organ")
    }
    if "bilateral" in words or {"right", "left"} <= words:
        return "bilateral"
    return words.pop() if len(words) == 1 else ctx.side_field()


def _group_text(ctx: NoteContext, anchors: list[Anchor]) -> str:
    return " ".join(ctx.sentence_text(i) for i in sorted({a.sent for a in anchors}))


def _sents(anchors: list[Anchor]) -> list[int]:
    return sorted({a.sent for a in anchors})


def _count(
    ctx: NoteContext,
    anchors: list[Anchor],
    sites: list[str],
    levels: list[str],
    *,
    whole_note: bool = True,
    nouns: frozenset[str] = frozenset(),
) -> int | None:
    """The largest count the procedure's sentences state (count rules of tokens.yaml), else
    the note's, else the levels or sites named. With `nouns` (the action's `count_nouns`), only
    a count of one of those nouns."""
    for sents in (_sents(anchors), None) if whole_note else (_sents(anchors),):
        found = [
            v.value
            for v in ctx.values_of("count", sents)
            if not nouns or not nouns.isdisjoint(ctx.words[v.tok_start : v.tok_end])
        ]
        if found:
            return max(found)
    if levels:
        return len(levels)
    return len(sites) if len(sites) > 1 else None


def _guidance(ctx: NoteContext, anchors: list[Anchor]) -> list[str]:
    """Imaging named in the procedure's own sentences; for a procedure done today, also the
    imaging named in active sentences that speak of no other procedure ('Under CT guidance ...')
    or only of this one at another site ('RF ablation of both ribs, CT-guided')."""
    either = _alternatives(ctx)
    own = _ordered(
        g
        for a in anchors
        for m in ctx.sent_mentions(a.sent)
        if m.get("guidance") and not ctx.is_negated(m) and m.tok_start not in either
        for g in _imaging(m)
    )
    if all(a.assertion != "performed" for a in anchors):
        return own
    mine = {a.mention.tok_start for a in anchors}
    head = anchors[0].attrs

    def other(o: Mention) -> bool:
        same = o.get("action") == head["action"] and o.get("organ") in (None, head.get("organ"))
        return bool(o.get("action")) and o.tok_start not in mine and not same

    shared = [
        g
        for gs, at, actions in _guided(ctx)
        if at not in either and not any(map(other, actions))
        for g in gs
    ]
    return _ordered(own + shared)


def _place_guidance(ctx: NoteContext, anchors: list[Anchor]) -> list[Mention]:
    """'Segment 4 lesion: antenna placed under ultrasound guidance. Segment 6 lesion: ... under CT
    guidance': of a procedure that names several places, each place takes the imaging of the
    sentences that name it alone, when there are such sentences (their guidance mentions, which
    are evidence of the place's own procedure)."""
    head = anchors[0].attrs
    site, organ = head.get("site"), head.get("organ")
    if not head.get("twin") or site is None or any(a.assertion != "performed" for a in anchors):
        return []
    found: list[Mention] = []
    for i in range(len(ctx.doc.sentences)):
        said = ctx.sent_mentions(i)
        if {m.get("site") for m in said if m.get("organ") == organ and m.get("site")} == {site}:
            found += [m for m in said if m.get("guidance") and not ctx.is_negated(m)]
    return found


def _imaging(m: Mention) -> tuple[str, ...]:
    """The imaging a guidance mention names: one value, or several for a phrase that joins
    them ('CT and fluoroscopy guided', 'US/CT fusion-guided')."""
    value = m.get("guidance")
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def _guided(ctx: NoteContext) -> list[tuple[tuple[str, ...], int, list[Mention]]]:
    """Each active guidance mention's values and start with the action mentions of its sentence
    (read once per note, not once per procedure)."""

    def build() -> list[tuple[tuple[str, ...], int, list[Mention]]]:
        return [
            (
                _imaging(m),
                m.tok_start,
                [o for o in ctx.sent_mentions(ctx.sentence_index(m)) if o.get("action")],
            )
            for m in ctx.active_mentions()
            if m.get("guidance")
        ]

    return ctx.once("guided", build)


def _alternatives(ctx: NoteContext) -> set[int]:
    """Starts of guidance mentions offered as alternatives to the next one in their sentence
    ('sonographically or with CT guidance'): neither names the imaging used."""

    def build() -> set[int]:
        p = props()
        found: set[int] = set()
        for i in range(len(ctx.doc.sentences)):
            seen = [m for m in ctx.sent_mentions(i) if m.get("guidance")]
            for a, b in pairwise(seen):
                gap = ctx.words[a.tok_end : b.tok_start]
                alt = set(gap) & set(p.guidance_alternative)
                if alt and set(gap) <= alt | set(p.guidance_alternative_gap):
                    found |= {a.tok_start, b.tok_start}
        return found

    return ctx.once("alternatives", build)


def _ordered(values) -> list:
    return list(dict.fromkeys(values))


def _extension(ctx: NoteContext) -> bool | None:
    hits = ctx.once("extension", lambda: [m for m in ctx.mentions if m.get("extension")])
    if not hits:
        return None
    return any(not ctx.is_negated(m) for m in hits)


def _assertion(anchors: list[Anchor]) -> tuple[str, list[str]]:
    done = [a for a in anchors if a.assertion == "performed"]
    if done:
        return "performed", [done[0].cue_rule or f"section.{done[0].section}"]
    order = ["negated", "aborted", "planned", "hypothetical", "historical", "mentioned"]
    best = min(anchors, key=lambda a: order.index(a.assertion) if a.assertion in order else 9)
    return best.assertion, [best.cue_rule] if best.cue_rule else [f"section.{best.section}"]


def _approach(ctx: NoteContext, anchors: list[Anchor], guidance: list[str], organ: str | None):
    value = _pick(anchors, "approach")
    if value:
        return value, None
    if not props().organ(organ).tumor:
        return None, None
    if _pick(anchors, "modality") in props().noninvasive_modalities:
        return None, "approach.none_for_noninvasive_energy"
    if guidance:
        return props().default_approach, "approach.inferred_from_image_guidance"
    if props().action(anchors[0].attrs["action"]).image_guided:
        return props().default_approach, "approach.default_percutaneous"
    return None, None


def build_procedure(
    ctx: NoteContext, anchors: list[Anchor], *, alone: bool = True, today: Mention | None = None
) -> ProcedureFact:
    head = anchors[0]
    _fill_target(ctx, anchors, today)
    assertion, rules = _assertion(anchors)
    action = props().action(head.attrs["action"])
    placed = [] if action.targetless else _place_guidance(ctx, anchors)
    guidance = _ordered(g for m in placed for g in _imaging(m))
    guidance = guidance or ([] if action.targetless else _guidance(ctx, anchors))
    organ = _pick(anchors, "organ")
    sents = _sents(anchors)
    levels = ctx.levels(sents) or (ctx.levels() if props().organ(organ).spinal else [])
    sites = sorted(
        {a.attrs["site"] for a in anchors if a.attrs.get("site")}
        | {s for a in anchors for s in a.attrs.get("sites", ())}
    )
    approach, approach_rule = _approach(ctx, _read_as(anchors, assertion), guidance, organ)
    site = _pick(anchors, "site")
    note_site = None if site else _note_site(ctx, organ)
    if props().organ(organ).nerve:  # SI-joint RFA also lesions the L5 dorsal ramus
        site = _deciding_nerve_site(sites) or site
    fact = ProcedureFact(
        action=head.attrs["action"],
        modality=_pick(anchors, "modality"),
        approach=approach,
        organ=organ,
        site=site or (note_site.get("site") if note_site else None),
        laterality=_laterality(ctx, anchors) or _note_site_side(ctx, organ, note_site),
        guidance=guidance,
        assertion=assertion,
        levels=levels,
        sites=sites,
        region=_pick(anchors, "region") or _region_of(levels),
        section=head.section,
    )
    _shape(ctx, fact, anchors, alone)
    spans = {Span(*ctx.span(m)) for m in [a.mention for a in anchors] + placed}
    fact.evidence = sorted(spans, key=lambda e: e.start)
    fact.rules = sorted({r for a in anchors for r in a.mention.rules}) + rules + fact.rules
    if approach_rule:
        fact.rules.append(approach_rule)
    return fact


def _read_as(anchors: list[Anchor], assertion: str) -> list[Anchor]:
    """The anchors that read as the procedure does: an alternative or an option named beside
    what was done ('an alternative to ... hysteroscopic ablation') gives the done procedure
    none of its approach. All anchors when none reads so."""
    return [a for a in anchors if a.assertion == assertion] or anchors


def _note_site_side(ctx: NoteContext, organ: str | None, note_site: Mention | None) -> str | None:
    """The side of a procedure that names none: its note site's side, or the one side the note
    names for an organ whose facts take it (side_from_note). For such an organ the note site's
    side counts only when it is that one side: 'right hip pain ... a bone island in the left
    femur' names two, so the side is not guessed."""
    near = _laterality_near(ctx, note_site)
    if not props().organ(organ).side_from_note:
        return near
    side = ctx.note_side(organ)
    return side if near is None or near == side else None


def _note_site(ctx: NoteContext, organ: str | None) -> Mention | None:
    """The one site of the organ the note names, for a procedure that names none: a lesion is
    located once ("a mass in the right lower lobe") and treated as "the tumor" later. Two
    different sites, or only imaged regions ("CT of the pelvis"), give nothing; nerves named
    together take the one that decides the code (nerve_site_priority: the SI joint's lateral
    branches with the L5 dorsal ramus are the SI joint's)."""
    if organ is None or not props().organ(organ).site_from_note:
        return None
    named = [
        m
        for m in ctx.mentions
        if m.get("organ") == organ
        and m.get("site")
        and not props().site(m.get("site")).region_only
        and not ctx.is_negated(m)
        and not ctx.is_primary_usage(m)
    ]
    sites = {m.get("site") for m in named}
    if len(sites) > 1 and props().organ(organ).nerve:
        named = [m for m in named if m.get("site") == _deciding_nerve_site(sites)]
    return named[0] if len({m.get("site") for m in named}) == 1 else None


def _deciding_nerve_site(sites: set) -> str | None:
    """Of nerve sites named together, the one that decides the code (properties
    nerve_site_priority: SI-joint RFA also lesions the L5 dorsal ramus)."""
    return next((s for s in props().nerve_site_priority if s in sites), None)


def _region_of(levels: list[str]) -> str | None:
    return props().region_names[levels[0][0]] if levels else None


def _shape(ctx: NoteContext, fact: ProcedureFact, anchors: list[Anchor], alone: bool) -> None:
    """Site, region and adjust rules, then the count and the per-kind attributes."""
    organ_p, action_p = props().organ(fact.organ), props().action(fact.action)
    if fact.site is None and organ_p.is_site:
        fact.site = fact.organ
    if not (props().site(fact.site).keeps_region or organ_p.keeps_region or action_p.spine):
        fact.region = None
    adjust(fact)
    fact.count = _fact_count(ctx, fact, anchors, alone)
    if fact.count is None and action_p.counted and organ_p.counted:
        fact.count = 1  # one lesion (or vein) unless the note counts more
        fact.rules.append("count.default_one")
    _items(ctx, fact)
    if props().site(fact.site).counts_joints:
        sents = _sents(anchors)
        levels = fact.levels
        fact.count = (
            ctx.joints(sents) or ctx.joints() or (max(len(levels) - 1, 1) if levels else fact.count)
        )
    if props().organ(fact.organ).extension:
        fact.extension = _extension(ctx)
    if action_p.timed:
        fact.minutes = _minutes(ctx, _sents(anchors)) or _minutes(ctx, None)


def adjust(fact: ProcedureFact) -> None:
    """The adjust rules of tokens.yaml, in file order: each sets attributes when its `when`
    attributes all hold."""
    for rule in get_lexicon().tokens.adjust:
        if all(getattr(fact, k) == v for k, v in rule.when.items()):
            for k, v in rule.set.items():
                setattr(fact, k, v)
            fact.rules.append(rule.id)


def _fact_count(ctx: NoteContext, fact: ProcedureFact, anchors: list[Anchor], alone: bool):
    nouns = props().action(fact.action).count_nouns
    if alone:
        return _count(ctx, anchors, fact.sites, fact.levels, whole_note=True, nouns=nouns)
    own = [a for a in anchors if not a.attrs.get("twin")]
    return _count(ctx, own, [], fact.levels, whole_note=False, nouns=nouns) if own else None


def _items(ctx: NoteContext, fact: ProcedureFact) -> None:
    """Veins named across the report, airways treated by thermoplasty: each site is an item."""
    if props().organ(fact.organ).items_across_note and len(fact.sites) < 2:
        named = {
            m.get("site")
            for m in ctx.active_mentions()
            if m.get("organ") == fact.organ and m.get("site")
        }
        if len(named) > 1:  # "GSV treated ...; SSV treated ...": each vein is an item
            fact.sites = sorted(named)
    organ = props().action(fact.action).sites_of_organ
    if organ:
        places = [
            m
            for m in ctx.mentions
            if m.get("organ") == organ
            and m.get("site")
            and not ctx.is_negated(m)
            and not _untreated(ctx, m)
        ]
        fact.sites = sorted({m.get("site") for m in places})
        fact.count = len(fact.sites) or None
        sides = {m.get("laterality") for m in places if m.get("laterality")}
        if fact.laterality is None and sides:  # 'right upper lobe and left upper lobe'
            fact.laterality = "bilateral" if len(sides) > 1 else sides.pop()


def _minutes(ctx: NoteContext, sents) -> int | None:
    """Intraservice minutes: a minutes value within the window of a sedation word."""
    anchors = set(props().minutes_anchors)
    window = props().minutes_window
    for v in ctx.values_of("minutes", sents):
        lo, hi = max(v.tok_start - window, 0), v.tok_end + window
        sent = ctx.doc.sentences[ctx.doc.sentence_of(v.tok_start)]
        lo, hi = max(lo, sent.tok_start), min(hi, sent.tok_end)
        if anchors & set(ctx.words[lo:hi]):
            return v.value
    return None


def apply_note_cues(ctx: NoteContext, facts: list[ProcedureFact]) -> None:
    """Aborted procedures, biopsy of the same lesion, immediate pathology: whole-note cues."""
    spans = ctx.note_cue_spans
    if spans["declined"]:
        for fact in facts:
            if fact.assertion in ("planned", "hypothetical"):
                fact.assertion = "negated"
                fact.rules.append("context.declined")
                fact.evidence += [Span(a, b, ctx.doc.text[a:b]) for a, b in spans["declined"]]
    cancelled = spans["cancelled"] and not ctx.stop_spans()
    if spans["no_procedure"] or cancelled:
        for fact in facts:
            if fact.assertion == "performed":
                fact.assertion = "negated" if cancelled else "planned"
                fact.rules.append("context.cancelled" if cancelled else "context.no_procedure")
    stops = ctx.stop_spans()
    if stops:
        main = [
            f
            for f in facts
            if f.assertion == "performed" and not props().action(f.action).targetless
        ]
        main = main or [  # "Planned: ... terminated"
            f for f in facts if f.assertion in ("planned", "mentioned")
        ]
        hit = _aborted_targets(ctx, main, stops)
        for fact in hit:
            fact.assertion = "aborted"
            fact.aborted_stage = (
                "before_anesthesia" if spans["before_anesthesia"] else "after_anesthesia"
            )
            fact.energy_delivered = (
                False if fact.aborted_stage == "before_anesthesia" else _energy(ctx, spans)
            )
            fact.evidence += [Span(a, b, ctx.doc.text[a:b]) for a, b in stops]
            fact.rules.append("context.aborted")
    ablations = [f for f in facts if props().action(f.action).tumor and f.assertion == "performed"]
    for fact in facts:
        if props().action(fact.action).samples and ablations:
            fact.same_lesion_biopsy = _same_lesion(ctx, fact, ablations[0])
            fact.immediate_pathology = bool(ctx.affirmed("immediate_pathology"))


def _energy(ctx: NoteContext, spans) -> bool | None:
    """Whether any ablation energy was delivered before the stop; None when the note is silent."""
    if spans["no_energy"] or ctx.pattern_spans("no_energy"):
        return False
    if spans["energy"] or ctx.pattern_spans("energy"):
        return True
    return None


def _aborted_targets(ctx: NoteContext, main: list[ProcedureFact], spans) -> list[ProcedureFact]:
    named = []
    for a, _ in spans:
        sent = ctx.doc.sentences[ctx.doc.sentence_of(ctx.token_at(a))]
        named += [f for f in main if any(sent.start <= e.start < sent.end for e in f.evidence)]
    if named:
        return list({id(f): f for f in named}.values())  # one fact named by several stops
    stoppable = [f for f in main if props().action(f.action).stoppable]
    return stoppable[:1] or main[:1]


def _same_lesion(ctx: NoteContext, biopsy: ProcedureFact, ablation: ProcedureFact) -> bool:
    if _names_separate_lesion(ctx, biopsy):
        return False
    if (
        biopsy.site
        and ablation.site
        and (
            biopsy.site != ablation.site
            or (
                biopsy.laterality
                and ablation.laterality
                and biopsy.laterality != ablation.laterality
            )
        )
    ):
        return False
    if biopsy.levels and ablation.levels and not set(biopsy.levels) & set(ablation.levels):
        return False
    return True


def _names_separate_lesion(ctx: NoteContext, biopsy: ProcedureFact) -> bool:
    """A sentence of the biopsy says its lesion is another one ('endobronchial biopsies of this
    separate lesion'; 'a separate nodular lesion was seen; biopsies were taken'): the words of
    notecues.yaml `separate_lesion`, not negated, in a sentence holding the biopsy's evidence or
    the one just before it."""
    sents = {ctx.doc.sentence_of(ctx.token_at(e.start)) for e in biopsy.evidence}
    sents |= {s - 1 for s in sents}
    return any(
        ctx.doc.sentence_of(ctx.token_at(a)) in sents for a, _ in ctx.affirmed("separate_lesion")
    )


def procedures(ctx: NoteContext) -> list[ProcedureFact]:
    groups = cluster(absorb_sites(anchors_of(ctx)), ctx)
    events = Counter((g[0].attrs["action"], g[0].attrs.get("organ")) for g in groups)
    today = _today_target(groups)
    facts = [
        build_procedure(
            ctx,
            g,
            alone=events[(g[0].attrs["action"], g[0].attrs.get("organ"))] == 1
            and not any(a.attrs.get("twin") for a in g),
            today=today,
        )
        for g in groups
    ]
    facts = _fold_into(facts)
    date_precursors(facts)
    apply_note_cues(ctx, facts)
    date_before_later_visit(ctx, facts)
    date_several_sessions(ctx, facts)
    date_several_patients(ctx, facts)
    date_workup(facts)  # after the dating above: only a procedure still done today hosts it
    return facts + _later_sessions(ctx, facts) + _untreated_items(ctx, facts)


def _today_target(groups: list[list[Anchor]]) -> Mention | None:
    """The place named by today's procedure when every procedure done today is on one organ:
    the target an event that names none is about."""
    done = [
        a
        for g in groups
        for a in g
        if a.assertion == "performed" and a.own_site and a.site_mention is not None
    ]
    if len({a.attrs.get("organ") for a in done}) != 1:
        return None
    return next((a.site_mention for a in done if a.site_mention.get("site")), done[0].site_mention)


def _untreated_items(ctx: NoteContext, facts: list[ProcedureFact]) -> list[ProcedureFact]:
    """'The right middle lobe was not treated': a place of the organ whose sites today's
    procedure treats (properties `sites_of_organ`), named as not treated, is that procedure
    negated at that place."""
    out = []
    for main in facts:
        organ = props().action(main.action).sites_of_organ
        if not organ or main.assertion not in ("performed", "aborted"):
            continue
        for m in ctx.mentions:
            if m.get("organ") == organ and m.get("site") and _untreated(ctx, m):
                fact = ProcedureFact(
                    action=main.action,
                    modality=main.modality,
                    organ=main.organ,
                    site=m.get("site"),
                    laterality=m.get("laterality"),
                    assertion="negated",
                    section=ctx.section_of(m),
                )
                fact.evidence = [Span(*ctx.span(m))]
                fact.rules = ["encounter.untreated_item"]
                out.append(fact)
    return out


def _untreated(ctx: NoteContext, m: Mention) -> bool:
    """Whether a place is named as not treated: a negation read as of a procedure there (a
    disease named with 'not treated' stays present, so this is not the condition reading)."""
    return ctx.procedure_assertion(m, NEGATED) is not None


def _later_sessions(ctx: NoteContext, facts: list[ProcedureFact]) -> list[ProcedureFact]:
    """'Will reschedule.', 'Session 2 (left lower lobe) in 3 weeks.': a sentence that names
    another session of today's procedure without naming the procedure is a fact of its own,
    planned (or historical when dated in the past), never part of today's line."""
    today = [f for f in facts if f.assertion in ("performed", "aborted") and f.organ]
    if not today:
        return []
    main, out = today[0], []
    spans = ctx.note_cue_spans["session_ref"]
    for k, (a, b) in enumerate(spans):
        i = ctx.token_at(a)
        sent = ctx.doc.sentence_of(i)
        if any(m.get("action") for m in ctx.sent_mentions(sent)):
            continue
        place = _session_place(ctx, spans, k, sent)
        found = assert_mention(
            i, i + 1, ctx.sent_cues(sent), TargetType.procedure, breaks=ctx.doc.breaks
        )
        fact = ProcedureFact(
            action=main.action,
            modality=main.modality,
            organ=main.organ,
            site=place.get("site") if place else main.site,
            laterality=_session_side(ctx, spans, k, sent)
            or (place.get("laterality") if place else main.laterality),
            assertion=found.value
            if found and found.value != "performed"
            else _session_default(ctx, ctx.doc.sentences[sent].section),
            section=ctx.doc.sentences[sent].section,
        )
        fact.evidence = [Span(a, b, ctx.doc.text[a:b])]
        fact.rules = ["encounter.later_session"]
        out.append(fact)
    return out


def _session_place(ctx: NoteContext, spans, k: int, sent: int) -> Mention | None:
    """The place a later session names: after its words up to the next session's ('Session 2
    (left lower lobe)'), else before them in its sentence when no earlier session of the
    sentence claims it ('Complete right lower lobe treatment at a future session')."""
    a = spans[k][0]
    sentence = ctx.doc.sentences[sent]
    stop = spans[k + 1][0] if k + 1 < len(spans) else sentence.end
    places = [m for m in ctx.sent_mentions(sent) if m.get("site")]
    after = next((m for m in places if a <= m.start < stop), None)
    if after is not None:
        return after
    first = k == 0 or spans[k - 1][1] < sentence.start
    before = [m for m in places if sentence.start <= m.start < a]
    return before[-1] if first and before else None


def _session_default(ctx: NoteContext, section: str) -> str:
    """A session named with no cue of its own: earlier in a history section ('Lower lobes treated
    at sessions 1 and 2'), else a later one."""
    default = ctx.section_default(section)
    return default if _quiet(ctx, section) else "planned"


def _session_side(ctx: NoteContext, spans, k: int, sent: int) -> str | None:
    """A side word of a later session's own words ('session 3 (both upper lobes)')."""
    a = spans[k][0]
    stop = spans[k + 1][0] if k + 1 < len(spans) else ctx.doc.sentences[sent].end
    return next(
        (
            m.get("laterality")
            for m in ctx.sent_mentions(sent)
            if m.get("laterality") and not m.get("organ") and a <= m.start < stop
        ),
        None,
    )


def _fold_into(facts: list[ProcedureFact]) -> list[ProcedureFact]:
    """Cement injected during a kyphoplasty is part of that kyphoplasty, not a vertebroplasty:
    a performed action with `folds_into` joins a performed host of that action at its levels."""
    out = []
    for f in facts:
        into = props().action(f.action).folds_into
        host = next(
            (
                k
                for k in facts
                if into
                and k.action == into
                and k.assertion == "performed"
                and f.assertion == "performed"
                and (not f.levels or not k.levels or set(f.levels) & set(k.levels))
            ),
            None,
        )
        if host is None:
            out.append(f)
        else:
            host.evidence += f.evidence[:2]
            host.rules.append(f"merge.{f.action}_into_{into}")
    return out
