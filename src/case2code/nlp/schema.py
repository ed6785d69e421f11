"""Typed schema of the reader's data files (nlp/data/*.yaml): lexicon, cues, note cues, token
rules, reading properties and sections.

A coder reviews these files, so a mistyped key or value must fail the load with the file, the rule
id and the fix, every problem at once (pydantic with `extra="forbid"`, as spaCy's
`schemas.validate`), never a silent default. Every rule has a stable id (never its list
position), a one-line `why` and, for the rule kinds that decide an attribute, `examples` that the
test suite runs.

Annotations are types, not strings (no `from __future__ import annotations`), for the start-up
reason given in kb/schema.py.
"""

from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import Case2CodeError

ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------- token patterns
class TokenSpec(Strict):
    """One token of a pattern, a subset of spaCy's Matcher keys over the reader's own tokens
    (lower-cased word tokens; punctuation is not a token, `SEP` reads it).

    LOWER: the token equals this word. IN / NOT_IN: the token is (not) one of these words.
    REGEX: the token fully matches this expression. LIKE_NUM: the token is a number (digits or a
    number word of properties.yaml). ATTR: the token lies inside a lexicon mention that sets
    these attributes (a value of null means any value). SEP: the characters between the previous
    token and this one fully match this expression (e.g. a hyphen in "L4-5").
    OP: "1" exactly once (default), "?" optional, "*" zero or more, "+" one or more.
    """

    LOWER: str | None = None
    IN: tuple[str, ...] | None = None
    NOT_IN: tuple[str, ...] | None = None
    REGEX: str | None = None
    LIKE_NUM: bool | None = None
    ATTR: dict[str, Any] | None = None
    SEP: str | None = None
    OP: Literal["1", "?", "*", "+"] = "1"


class Example(Strict):
    """A sentence a rule must read as stated: the test suite runs every example."""

    text: str
    value: Any = None
    target: str | None = None  # for cue rules: the words the cue must govern
    assertion: str | None = None  # ... and the assertion they must get (None: not governed)


class Rule(Strict):
    id: str = Field(pattern=ID_PATTERN)
    why: str = Field(min_length=8)
    examples: tuple[Example, ...] = ()


# ---------------------------------------------------------------------------- lexicon
class LexiconEntry(Rule):
    """Literals that name one thing, and the attributes a mention of them sets."""

    sets: dict[str, Any] = Field(default_factory=dict)
    literals: tuple[str, ...]
    why: str = "vocabulary entry"

    @field_validator("literals", mode="before")
    @classmethod
    def _strings(cls, value):
        bad = [v for v in value if not isinstance(v, str)]
        if bad:
            raise ValueError(f"literals {bad!r} are not strings: quote them in the YAML file")
        return value


class LexiconFile(Strict):
    version: str
    entries: tuple[LexiconEntry, ...]


# ---------------------------------------------------------------------------- ConText cues
class Category(str, Enum):
    planned = "planned"
    negated = "negated"
    historical = "historical"
    hypothetical = "hypothetical"
    possible = "possible"
    performed = "performed"
    terminate = "terminate"


class Direction(str, Enum):
    forward = "forward"
    backward = "backward"
    bidirectional = "bidirectional"


class TargetType(str, Enum):
    procedure = "procedure"
    condition = "condition"


class CueRule(Rule):
    """A ConText modifier rule in medspaCy's shape: its literals give `category` to targets in
    its scope (`direction`, up to `max_scope` tokens, stopped by a cue of a category in
    `terminated_by`), for the target types in `allowed_types`."""

    category: Category
    direction: Direction
    literals: tuple[str, ...]
    max_scope: int | None = None
    terminated_by: tuple[Category, ...] = (Category.terminate,)
    allowed_types: tuple[TargetType, ...] = (TargetType.procedure, TargetType.condition)
    dates_event: bool = False  # dates a treatment ("in 2019"), not the disease: no history
    dates_session: bool = False  # the procedure was done at an earlier encounter (extract.py)
    needs_encounter: bool = False  # counts only in a note that documents an encounter (extract.py)
    general: bool = False  # speaks of a procedure in general: a sign the text is no encounter


class ContextFile(Strict):
    version: str
    max_scope: int
    short_scope: int
    precedence: tuple[Category, ...]
    weak: tuple[Category, ...] = ()  # these categories yield to any other governing cue
    dominates: dict[Category, tuple[Category, ...]] = Field(default_factory=dict)
    rules: tuple[CueRule, ...]


# ---------------------------------------------------------------------------- note cues
class NoteCue(Rule):
    """Phrases whose presence anywhere in the note (or a sentence) says something of the whole
    encounter: the procedure was stopped, the patient declined, a primary is under treatment."""

    name: str = Field(pattern=r"^[a-z_]+$")
    literals: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()  # case-insensitive regular expressions, bounded


class NoteCueFile(Strict):
    version: str
    cues: tuple[NoteCue, ...]


# ---------------------------------------------------------------------------- token rules
class ValueKind(str, Enum):
    count = "count"
    level = "level"
    side = "side"
    minutes = "minutes"
    age = "age"
    done = "done"


class ValueRule(Rule):
    """A token pattern that yields an attribute value: 'three lesions' -> count 3, 'Th12' ->
    level T12, 'x3' -> count 3. `value` is a constant; otherwise `capture` names the token
    (0-based, within the match) whose word is read by `read` (int, number, level)."""

    kind: ValueKind
    pattern: tuple[TokenSpec, ...] = Field(min_length=1)
    value: Any = None
    capture: int | None = None
    read: Literal["int", "number", "level", "level_range", "level_pairs"] | None = None
    not_after: tuple[str, ...] = ()  # words that, just before the match, make it no value
    examples: tuple[Example, ...] = Field(min_length=1)  # a value rule proves what it reads


class AdjustRule(Rule):
    """Sets procedure-fact attributes when all `when` attributes hold: the bronchoscopic
    treatment of a lobe treats the airway, not the lung."""

    when: dict[str, Any]
    set: dict[str, Any]


class TokenRuleFile(Strict):
    version: str
    values: tuple[ValueRule, ...]
    adjust: tuple[AdjustRule, ...] = ()


# ---------------------------------------------------------------------------- properties
class JunctionRegion(Strict):
    levels: tuple[str, str]
    region: str
    why: str = ""


class OrganProperties(Strict):
    tumor: bool = False  # a solid-tumor ablation target with its own codes
    counted: bool = False  # the codes count lesions (or veins)
    is_site: bool = False  # the organ is its own site (kidney, breast, prostate)
    primary_of: str | None = None  # primary site a histology of this organ names
    secondary: bool = False  # a metastasis can be coded to this site
    histology_organ: bool = False  # "renal cell carcinoma" names this organ as a target
    skeletal: bool = False  # bone and marrow: a lesion there in a cancer patient is a metastasis
    nerve: bool = False  # nerves: one procedure names several; a landmark beside a tumor
    spinal: bool = False  # spinal levels named anywhere in the note belong to its procedures
    extension: bool = False  # soft-tissue extension of the tumor is read for its codes
    items_across_note: bool = False  # each site named across the report is an item (veins)
    keeps_region: bool = False  # its procedures keep the spinal region (facet nerves)
    lobe_organs: tuple[str, ...] = ()  # organs whose sites name this primary's lobe
    site_from_note: bool = False  # a fact naming no site takes the one site the note names
    side_from_note: bool = False  # a fact naming no side takes the one side the note names
    # ... read only from words naming this organ ('left renal mass'), never bare side words
    side_from_own_words: bool = False


class ActionProperties(Strict):
    counted: bool = False  # one lesion unless the note counts more
    targetless: bool = False  # no organ or site of its own (sedation)
    timed: bool = False  # units by intraservice minutes
    image_guided: bool = False  # percutaneous unless the note names another approach
    spine: bool = False  # vertebral augmentation: keeps its region
    tumor: bool = False  # tumor treatment: pairs with a same-session biopsy; past only if dated
    samples: bool = False  # takes tissue: same-lesion check against the ablation
    stoppable: bool = False  # the likeliest procedure a stop cue refers to
    eradicates: bool = False  # done before this visit, it removed or destroyed the primary
    excises: bool = False  # dated to an earlier year, it removed the primary (I.C.2.d)
    folds_into: str | None = None  # done within this action, it is part of it (cement)
    sites_of_organ: str | None = None  # its sites are every site of this organ in the note
    energyless: bool = False  # delivers no energy: takes no modality from the note (nerve block)
    precursor_of: str | None = None  # named beside that action done today, it was done before it
    workup: bool = False  # a diagnostic scope: beside a procedure of another approach, the work-up
    sites_apart: bool = False  # each nerve site it names is a procedure of its own (facet vs SI)
    count_nouns: frozenset[str] = frozenset()  # when set, only counts of these nouns count it
    sentence_indications: tuple[str, ...] = ()  # organ-free indications its own sentence names


class PrecursorRule(Strict):
    """When a block (an action with `precursor_of`) named in a note is the earlier one that
    qualified the patient for its destruction: the destruction's assertions that count, and what
    keeps the block today's (a cue rule id prefix, or a section that lists today's procedures)."""

    host_assertions: tuple[str, ...] = ("performed",)
    kept_by_rules: tuple[str, ...] = ()
    kept_in_sections: tuple[str, ...] = ()


class SiteProperties(Strict):
    counts_joints: bool = False  # units are joints named as adjacent level pairs
    destroyed_as: str | None = None  # a block's site -> the site its destruction is read on
    absorbs: tuple[str, ...] = ()  # sites that, named in its sentence, are part of its procedure
    keeps_region: bool = False  # keeps the spinal region (vertebra)
    region_only: bool = False  # names an imaged region, not a treated bone ("CT of the pelvis")
    treats: str | None = None  # the indication an ablation of this site treats (PVI: AF)


class StatePattern(Strict):
    pattern: str  # case-insensitive, bounded regular expression over one sentence
    value: str | None


class Place(Strict):
    organ: str
    site: str


class ComplicationReach(Strict):
    """How near the words of 'bleeding after the biopsy' must stand (tokens): the complication
    and the procedure each within `reach` of the link between them; a self-linking word
    ('postprocedural') or a minor qualifier ('minimal') within `adjacent` before it."""

    reach: int = 4
    adjacent: int = 2


class ClockFaces(BaseModel):
    """Clock positions on an organ read as its parts, by side: organ -> side -> position -> subsite
    ("2" on the left breast -> breast_upper_outer). A position on a boundary is left out."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sources: tuple[str, ...] = ()
    organs: dict[str, dict[str, dict[str, str]]] = {}


class ReadingProperties(Strict):
    """Properties of the vocabulary values that steer reading, one place per fact."""

    def organ(self, name: str | None) -> OrganProperties:
        return self.organs.get(name or "", NO_ORGAN)

    def action(self, name: str | None) -> ActionProperties:
        return self.actions.get(name or "", NO_ACTION)

    def site(self, name: str | None) -> SiteProperties:
        return self.sites.get(name or "", NO_SITE)

    version: str
    organs: dict[str, OrganProperties]
    actions: dict[str, ActionProperties]
    sites: dict[str, SiteProperties]
    level_target: Place  # what a bare spinal level names in a note about bone ("the T11 lesion")
    marrow_site: str  # the site of myeloma and plasmacytoma
    bone_organ: str  # the organ of bone tumors and of the site "bone" of a metastasis
    marrow_states: tuple[StatePattern, ...]  # remission / relapse of myeloma, first match wins
    unknown_primary_site: str  # the primary_site value of "primary unknown"
    default_approach: str  # the approach of an image-guided procedure that names none
    noninvasive_modalities: tuple[str, ...] = ()  # energies sent through the skin: no approach
    region_preference: tuple[str, ...]  # of several regions named, the first of these wins
    number_words: dict[str, int]
    level_regions: dict[str, str]  # a level's letter(s) -> region letter: th -> T
    level_max: dict[str, int]
    region_names: dict[str, str]
    level_junctions: tuple[tuple[str, str], ...]
    junction_regions: tuple[JunctionRegion, ...] = ()
    quiet_sections: tuple[str, ...]
    # British spelling -> the lexicon's (US) spelling, applied to note words and literals alike
    spelling_variants: dict[str, str] = {}
    precursor: PrecursorRule = PrecursorRule()  # blocks recounted beside their destruction
    nerve_site_priority: tuple[str, ...]
    # sections only a record of a session has: with one, review words request nothing
    record_sections: tuple[str, ...] = ()
    # indication of a vertebral fracture in a note naming no cause and no tumor (collapsed vertebra)
    uncaused_vertebral_fracture: str | None = None
    # indications that name an organ with no side of the body (a graft): the note's side is not it
    sideless_indications: tuple[str, ...] = ()
    note_level_approaches: tuple[str | None, ...]
    coordination_words: tuple[str, ...]
    histology_organ_gap: tuple[str, ...]
    guidance_alternative: tuple[str, ...] = ()  # the word that makes two imagings alternatives
    guidance_alternative_gap: tuple[str, ...] = ()  # words that may stand beside it
    origin_before: tuple[str, ...]  # 'from a renal primary': before an organ, names an origin
    origin_gap_words: tuple[str, ...] = ()  # 'from the HCC': words between origin word and organ
    origin_of: tuple[str, ...] = ()  # 'liver metastases of breast cancer': site, then origin
    malignant_words: tuple[str, ...] = ()  # 'a malignant lesion was suspected'
    lesion_words: tuple[str, ...] = ()  # 'metastatic liver tumours': the lesions, metastases
    landmark_before: tuple[str, ...] = ()  # 'metastasis abutting the pleura': a landmark
    histology_family: dict[str, str] = {}  # specific histology -> the general word for it
    origin_after: tuple[str, ...]  # 'a breast primary': after an organ, names an origin
    origin_spread: tuple[str, ...] = ()  # 'HCC metastatic to the adrenal': after a histology
    dated_own_values: tuple[str, ...] = ()  # an earlier procedure's values stay its own
    bone_primary_histology: tuple[str, ...]
    marrow_histology: tuple[str, ...]
    subsite_prefix: dict[str, tuple[str, ...]]
    primary_parts: dict[str, tuple[str, ...]] = {}  # organ primary -> prefixes of its parts
    clock_quadrants: ClockFaces = ClockFaces()
    # general histology -> the specific ones that refine it when named right after it
    histology_refined_by: dict[str, tuple[str, ...]] = {}
    subtype_words: dict[str, str]
    minutes_anchors: tuple[str, ...]
    minutes_window: int
    complication: ComplicationReach = ComplicationReach()  # how far a link ties a complication


NO_ORGAN, NO_ACTION, NO_SITE = OrganProperties(), ActionProperties(), SiteProperties()


class RuleFileError(Case2CodeError, ValueError):
    """Every problem of one reader data file, each with its place and the fix."""


def validate(model: type[BaseModel], raw: Any, filename: str) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "\n".join(
            f"  {_where(raw, err['loc'])}: {err['msg']} (fix the value or remove the key)"
            for err in exc.errors()
        )
        raise RuleFileError.make(
            "E080", file=filename, count=len(exc.errors()), problems=problems
        ) from None


def _where(raw: Any, loc: tuple) -> str:
    """'rules[12] (id context.planned.forward) -> max_scop' instead of a bare index path."""
    parts, node = [], raw
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            node = node[key]
            rid = node.get("id") if isinstance(node, dict) else None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{key}]" + (f" (id {rid})" if rid else "")]
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return " -> ".join(parts)
