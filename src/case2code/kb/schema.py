"""Strict schema of the knowledge-base YAML files.

Every model forbids unknown keys, so a typo in a reviewed data file is an error with its
location instead of a silently ignored fact. Closed vocabularies (code system, unit rule,
modifier indicator) are enums. A CPT entry must name a source for every fact it states: the
`sources` map of an entry is keyed by fact name (see `SOURCED_FACTS`), and the loader refuses
an entry that states a fact with no source.

No `from __future__ import annotations` here: pydantic would turn every string annotation back
into a type through typing.ForwardRef, one compile() each, at every start-up (about 20 ms of
the cold start in paired fresh processes); annotations written as types cost nothing.
"""

from datetime import date
from enum import Enum
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field

from .memo import per_kb


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class System(str, Enum):
    CPT = "CPT"
    HCPCS = "HCPCS"


class CodeKind(str, Enum):
    procedure = "procedure"
    addon = "addon"
    guidance = "guidance"
    sedation = "sedation"
    unlisted = "unlisted"
    category3 = "category3"


class UnitRule(str, Enum):
    """How many units one session earns.

    per_session: one unit however many tumors ("1 or more tumors" codes).
    per_item: one unit per counted item (each fibroadenoma, each vertebral body).
    first_item: one unit for the first item (or first `covers` items) of a family with an add-on.
    additional_items: add-on, one unit per item beyond what the primary covers.
    per_time: units by documented minutes (moderate sedation).
    """

    per_session = "per_session"
    per_item = "per_item"
    first_item = "first_item"
    additional_items = "additional_items"
    per_time = "per_time"


class Laterality(str, Enum):
    """none: not paired or not side-specific; unilateral: the descriptor covers one side, a
    bilateral service takes modifier 50; bilateral_in_descriptor: never modifier 50."""

    none = "none"
    unilateral = "unilateral"
    bilateral_in_descriptor = "bilateral_in_descriptor"


class Source(Strict):
    id: str
    title: str
    url: str | None = None
    note: str | None = None


class SourceCatalog(Strict):
    sources: list[Source]


class Selection(Strict):
    """Attribute constraints under which a procedure fact selects this code.

    Each list is "any of"; an omitted key matches anything. Values come from the reader's
    vocabulary (nlp/data/lexicon.yaml): action, organ, approach, modality, region, site.
    """

    action: list[str]
    organ: list[str] | None = None
    approach: list[str] | None = None
    modality: list[str] | None = None
    region: list[str] | None = None
    site: list[str] | None = None
    nature: list[str] | None = None
    indication: list[str] | None = None
    guidance: list[str] | None = None
    require: list[str] = Field(
        default_factory=list,
        description="Fact attributes the note must name for this code to match: a blank one rules "
        "the code out instead of counting as unknown (a cardiac ablation whose arrhythmia is not "
        "read must not become the atrial-fibrillation code).",
    )
    exclude: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Fact attribute -> values that rule this code out even when every other "
        "constraint holds (pulsed radiofrequency is not a facet neurotomy; cement in a long bone "
        "is not a vertebroplasty).",
    )


class Units(Strict):
    rule: UnitRule
    item: str | None = None
    covers: int = 1
    minutes: int | None = None
    first_minutes: int | None = None
    min_minutes: int | None = None
    from_item: int | None = Field(
        default=None,
        ge=2,
        description="Add-on only: the first item (by its rank in the session) the add-on counts, "
        "when a family splits its add-ons by rank (+64492 starts at the third facet level); "
        "default: the item after those the primary covers.",
    )
    max_units: int | None = Field(
        default=None,
        ge=1,
        description="The most units one line earns whatever the count (+64491 is the second "
        "level only; +64492 is one unit for the third and every further level).",
    )


class Guidance(Strict):
    """Imaging guidance: included in the code, or reportable separately by modality."""

    included: bool
    separate: dict[str, str] = Field(default_factory=dict)
    bundled: list[str] = Field(
        default_factory=list,
        description="Guidance codes that are part of this code: listed as not reported when the "
        "note names their imaging (CPT wording and NCCI pair edits).",
    )


class Mue(Strict):
    value: int
    mai: int = Field(ge=1, le=3)
    rationale: str | None = None


class Term(Strict):
    term: str
    meaning: str


class Reference(Strict):
    """The coder's reference entry: the seed article's sections, in our own words."""

    what_it_is: str | None = None
    qualifying_circumstances: str | None = None
    when_to_use: str | None = None
    official_descriptor: str | None = None
    clinical_application: str | None = None
    provider_responsibilities: str | None = None
    unique_challenges: str | None = None
    pre_procedure: str | None = None
    post_procedure: str | None = None
    terminology: list[Term] = Field(default_factory=list)
    clinical_examples: list[str] = Field(default_factory=list)
    coder_notes: list[str] = Field(default_factory=list)
    corrections: list[str] = Field(default_factory=list)


class ComponentOutcome(str, Enum):
    """What a documented part of a service becomes beside it: `bundled` a not-reported line (the
    code's payment includes it), `addon` a line of its own, `review` a not-reported line and a
    finding for a coder (reportable only in a case the note must show)."""

    bundled = "bundled"
    addon = "addon"
    review = "review"


class Component(Strict):
    """A service a naive coder would add beside this code when the note documents it (3-D
    mapping, transseptal puncture, His recording beside a catheter ablation): the code, the
    whole-note cue of nlp/data/notecues.yaml whose words document it, the outcome and why.

    Example: `{code: "93462", cue: ep_transseptal, outcome: bundled, why: "..."}` on 93656."""

    code: str
    cue: str = Field(pattern=r"^[a-z_]+$")
    outcome: ComponentOutcome
    why: str


class Advisory(Strict):
    """A finding raised whenever the code is reported and every `when` condition holds.

    `when` keys are procedure-fact attributes (modality, approach, organ, site, region,
    laterality, guidance) or condition attributes prefixed `condition.` (condition.behavior,
    condition.histology, condition.role); values are "any of". An empty `when` always fires.
    Example: the microwave-bone review flag on 20982, the benign-tumor coverage advisory.
    """

    id: str
    when: dict[str, list[str]] = Field(default_factory=dict)
    severity: str = "info"
    kind: str = "coverage"
    message: str


class CodeEntry(Strict):
    code: str
    system: System = System.CPT
    kind: CodeKind = CodeKind.procedure
    title: str
    family: str
    effective: date | None = Field(
        default=None,
        description="The date the code took effect, only when a source gives it (a CPT change "
        "note, the first CMS fee-schedule file listing a code absent from the year before). "
        "Omitted = start unknown: the code is never refused for a date before its end.",
    )
    effective_note: str | None = Field(
        default=None,
        description="Why this date: the source that dates the code's introduction.",
    )
    seen_from: date | None = Field(
        default=None,
        description="Earliest date a source shows the code in use (first file of a series that "
        "lists it); not its start, which is older or unknown. Shown, never used to refuse.",
    )
    seen_from_note: str | None = None
    end: date | None = None
    select: Selection | None = None
    units: Units | None = None
    addon_to: list[str] = Field(default_factory=list)
    includes: list[str] = Field(default_factory=list)
    guidance: Guidance | None = None
    laterality: Laterality = Laterality.none
    modifiers: list[str] = Field(default_factory=list)
    global_days: str | None = None
    mue: Mue | None = None
    documentation: list[str] = Field(default_factory=list)
    dx_support: list[str] = Field(default_factory=list)
    synonyms: list[str] = Field(default_factory=list)
    advisories: list[Advisory] = Field(default_factory=list)
    components: list[Component] = Field(default_factory=list)
    replaces: list[str] = Field(default_factory=list)
    reference: Reference = Field(default_factory=Reference)
    sources: dict[str, list[str]]


# The facts an entry may state only with a source. Key = field name on CodeEntry.
SOURCED_FACTS: tuple[str, ...] = (
    "title",
    "effective",
    "seen_from",
    "select",
    "units",
    "includes",
    "guidance",
    "laterality",
    "global_days",
    "mue",
    "dx_support",
    "addon_to",
    "components",
)


class CodeFamily(Strict):
    family: str
    description: str
    codes: list[CodeEntry]


class Edit(Strict):
    """A pair edit. kind=ptp: column 2 is bundled into column 1 (NCCI procedure-to-procedure);
    kind=mutually_exclusive: the two are not reported together. modifier_indicator 0 = never
    separately, 1 = with an appropriate modifier, 9 = edit deleted."""

    column1: str
    column2: str
    kind: str = "ptp"
    modifier_indicator: int = Field(ge=0, le=9)
    rationale: str
    sources: list[str]


class EditTable(Strict):
    release: str
    edits: list[Edit]


class SidedCodes(Strict):
    """ICD-10-CM codes by laterality; `unspecified` is the code when the side is not stated."""

    right: str | None = None
    left: str | None = None
    bilateral: str | None = None
    unspecified: str


class PrimarySite(Strict):
    """A primary whose code the histology decides, not the Neoplasm Table's site column
    (melanoma C43, hepatocellular carcinoma C22.0): matched on `histology`."""

    site: str
    histology: list[str] = Field(default_factory=list)
    codes: SidedCodes
    male: SidedCodes | None = None
    history: str
    sources: list[str]


class SecondarySite(Strict):
    site: str
    codes: SidedCodes
    sources: list[str]


class BoneSite(Strict):
    """A bone (femur, rib, L3 vertebra ...) mapped to its benign (D16) and pathological-fracture
    (M84.5-, without the 7th character) codes, its finding code and its primary malignant
    (C40/C41) code."""

    site: str
    benign: SidedCodes | None = None
    fracture: SidedCodes
    finding: str | None = None  # M89.8X-: a lesion of this bone with no diagnosis (IV.D, IV.H)
    primary: SidedCodes | None = None
    sources: list[str]


class CodeRule(Strict):
    code: str
    rationale: str
    sources: list[str]


class Indication(Strict):
    """A non-neoplasm indication of a look-alike procedure (facet arthropathy, varicose veins)."""

    indication: str
    codes: dict[str, str]
    rationale: str
    with_neoplasm: bool = Field(
        default=True,
        description="False when a coded neoplasm already explains it (obstruction by tumor).",
    )
    yields_to: list[str] = Field(
        default_factory=list,
        description="Indications whose code, when the note also documents them, replaces this one "
        "(venous reflux is part of the varicose-vein code).",
    )
    rank: float = Field(
        default=1,
        description="Sequence rank: 1 for the condition treated; a status code follows the "
        "diagnoses (5, as the tobacco status does).",
    )
    assertions: list[str] = Field(
        default_factory=lambda: ["present"],
        description="Assertions of the note's mention that code it: a status code (an implanted "
        "joint) also stands on a past procedure ('historical').",
    )
    pain_site: bool = Field(
        default=False,
        description="Pain at a site (shoulder, low back): beside a malignant neoplasm it is the "
        "neoplasm's pain, G89.3 with no site code (I.C.6.b.5).",
    )
    symptom_keys: list[str] = Field(
        default_factory=list,
        description="Symptom kinds (pain) that, documented anywhere in the note and not tied to a "
        "neoplasm, set the code key of the same name when the indication's own sentence names "
        "none (varicose veins, with the leg pain in another sentence, are 'with pain').",
    )
    coexisting: bool = Field(
        default=False,
        description="A chronic condition coded beside the one treated (IV.J: cirrhosis, COPD, "
        "diabetes): it contradicts no other indication of the note.",
    )
    with_organ_neoplasm: bool = Field(
        default=True,
        description="False when a neoplasm coded in the same organ is this lesion itself (a "
        "thyroid nodule proven papillary carcinoma is C73 alone, not C73 and E04.1).",
    )
    organ: str | None = Field(
        default=None,
        description="The organ whose one condition this indication tells: indications of one "
        "organ are coded together, never as a conflict (a parathyroid adenoma, D35.1, and the "
        "primary hyperparathyroidism it causes, E21.0, by D35's use-additional-code note).",
    )
    sources: list[str]


class NeoplasmMaps(Strict):
    release: str
    primary_sites: list[PrimarySite] = Field(default_factory=list)
    secondary_sites: list[SecondarySite] = Field(default_factory=list)
    bone_sites: list[BoneSite]
    myeloma: dict[str, CodeRule]
    unknown_primary: CodeRule
    neoplasm_pain: CodeRule
    fracture_seventh: dict[str, str]
    indications: list[Indication] = Field(default_factory=list)


# ---------------------------------------------------------------- Neoplasm Table site map


class NeoplasmSite(Strict):
    """A site id of the reader mapped to a Neoplasm Table term path ('pancreas > head').

    `aliases` are other reader ids meaning the same place (a procedure's 'right_lower_lobe');
    `also` are table terms read when `term` prints no code in a column; `prefer` are words that
    narrow the leaves a side leaves open ('female'); `history` is the Z85 code of the site.
    """

    site: str
    term: str
    aliases: list[str] = Field(default_factory=list)
    also: list[str] = Field(default_factory=list)
    history: str | None = None
    prefer: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)
    note: str | None = None
    sources: list[str]


class NeoplasmSiteMap(Strict):
    version: str
    sites: list[NeoplasmSite]

    def find(self, site_id: str | None) -> NeoplasmSite | None:
        if not site_id:
            return None
        return _site_index(self).get(site_id)


@per_kb
def _site_index(sites: NeoplasmSiteMap) -> dict[str, NeoplasmSite]:
    """Site id or alias -> the first site naming it, as the list order gives (built once per
    map: the coder asks for several sites per note)."""
    index: dict[str, NeoplasmSite] = {}
    for s in sites.sites:
        for key in (s.site, *s.aliases):
            index.setdefault(key, s)
    return index


# ---------------------------------------------------------------- coding guidelines as data


class GuidelineRule(Strict):
    """One official guideline the diagnosis coder applies, with its section and source.

    `codes` holds the codes the rule emits by key (a finding word, a side, a status);
    `params` holds its other settings (ranks, settings where it applies, assertion values).
    """

    id: str
    section: str
    summary: str
    codes: dict[str, str] = Field(default_factory=dict)
    params: dict[str, list[str] | str | int | float | bool] = Field(default_factory=dict)
    sources: list[str]


class Guidelines(Strict):
    version: str
    rules: list[GuidelineRule]

    @cached_property
    def by_id(self) -> dict[str, GuidelineRule]:
        """The rules by id, built on first use: the diagnosis coder asks two dozen times a note
        (a pydantic private attribute would cost a __getattr__ call per ask)."""
        return {r.id: r for r in self.rules}

    def rule(self, rule_id: str) -> GuidelineRule:
        return self.by_id[rule_id]


class FactMatch(Strict):
    """Procedure-fact attributes, each "any of" (action, organ, site), and the codes its line may
    carry (`code`: a diagnostic bronchoscopy is included only in a surgical bronchoscopy code, not
    in a percutaneous ablation; the line's code holds even when the fact names no approach)."""

    action: list[str]
    organ: list[str] | None = None
    site: list[str] | None = None
    code: list[str] | None = None


class CompanionRule(Strict):
    """An NCCI policy for a procedure done in the session of another (its host), as data.

    relation: same_lesion / separate_lesion (biopsy and ablation of one lesion or another),
    same_level / other_level (vertebral levels), any. `when_pathology`: true only when an
    immediate pathology read decided the host, false only when it did not, null either way.
    outcome: bundle (not reported, with `message`), modifier (add `modifier`), addon (the
    companion is reported as the host's add-on `addon`, one unit: a second arrhythmia ablated
    in a pulmonary vein isolation session is +93655, not a second primary), review (a finding
    that routes the note to a coder)."""

    id: str
    companion: FactMatch
    host: FactMatch
    relation: str
    when_pathology: bool | None = None
    outcome: str
    modifier: str | None = None
    addon: str | None = None
    message: str
    sources: list[str]


class CompanionRules(Strict):
    release: str
    rules: list[CompanionRule]


class ReviewRule(Strict):
    """Why a coded note goes to a coder before billing. `check` names the test in
    coding/review.py; `finding_kinds` / `finding_rules` (prefixes) route on findings;
    `modifiers` are the line modifiers a `line_modifiers` check routes on. `quiet_on_general_text`
    keeps the rule silent on text that reads as general text (no patient marker, a general word),
    bills nothing and withheld no procedure line: no encounter, so nothing a coder would change
    is at stake."""

    id: str
    check: str
    reason: str
    why: str
    finding_kinds: list[str] = Field(default_factory=list)
    finding_rules: list[str] = Field(default_factory=list)
    modifiers: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    quiet_on_general_text: bool = False


class ScopeCue(Strict):
    """A service the note may document that case2code never codes (anesthesia by an anesthesia
    provider): a case-insensitive regular expression and the finding's message."""

    id: str
    pattern: str
    message: str


class QuietUncoded(Strict):
    """A procedure the reader may find done that gets no code and no uncovered-procedure
    finding: always (`beside` empty), or only when a procedure of one of the `beside` actions was
    coded in the note (a resection named beside today's ablation is its history or its
    alternative; named with no ablation coded, it is the encounter's own surgery)."""

    action: str
    beside: list[str] = Field(default_factory=list)
    why: str


class ReviewPolicy(Strict):
    release: str
    rules: list[ReviewRule]
    scope_cues: list[ScopeCue] = Field(default_factory=list)
    quiet_uncoded: list[QuietUncoded] = Field(default_factory=list)
    unspecified_ok: list[str] = Field(
        default_factory=list,
        description="ICD-10-CM codes whose title says unspecified but which are the specific "
        "code for what they name (C80.1 cancer of unknown primary).",
    )
    patient_markers: list[str] = Field(
        default_factory=list,
        description="Regular expressions for words that show a note is about one patient (age, "
        "sex, pronoun, title, encounter headings); a text with none that reads as general text "
        "(general_markers) reports no CPT line, the withheld lines named in not_reported.",
    )
    weak_patient_markers: list[str] = Field(
        default_factory=list,
        description="Regular expressions for words that name one patient only when the text does "
        "not speak of a population (population_markers): a pronoun or a sex word ('her pads', "
        "'a woman's bleeding') in a leaflet about women in general names no one.",
    )
    self_account_markers: list[str] = Field(
        default_factory=list,
        description="Regular expressions for a patient's words about themself ('my liver', 'I "
        "had a liver ablation'): two distinct ones make the text a patient's own account (a forum "
        "post, a blog), not a provider's record, so nothing in it is coded.",
    )
    population_markers: list[str] = Field(
        default_factory=list,
        description="Regular expressions for words of a population ('most women', 'many "
        "patients'): with them, weak_patient_markers do not name a patient.",
    )
    coverage_document_markers: list[str] = Field(
        default_factory=list,
        description="Regular expressions for the words of a payer's coverage policy ('Policy "
        "Number:', 'may be considered medically necessary'): two distinct ones make the text a "
        "policy, whose 'the patient has one kidney' states a criterion, so it names no patient.",
    )
    specific_markers: list[str] = Field(
        default_factory=list,
        description="Regular expressions for words that can make a diagnosis more specific (a "
        "part of an organ); a note with none of them (nor a side word, side_markers) gets no "
        "unspecified-diagnosis reason.",
    )
    side_markers: list[str] = Field(
        default_factory=list,
        description="Regular expressions for side words; they count only for a code that does "
        "not already name its side (C50.912 names the left breast: only a quadrant can refine it).",
    )
    subsite_markers: dict[str, list[str]] = Field(
        default_factory=dict,
        description="ICD-10-CM category -> the words that name a part of that organ, read instead "
        "of specific_markers for its codes ('quadrant' refines a breast cancer, 'vertebral body' "
        "does not).",
    )
    general_markers: list[str] = Field(
        default_factory=list,
        description="Regular expressions for words of text about a procedure in general (patients "
        "in the plural, 'is typically performed', CPT, Q and A, policy, 'you'); a text that has "
        "one and names no patient reports no CPT line.",
    )
    publication_markers: list[str] = Field(
        default_factory=list,
        description="Regular expressions for words of a publication (case report, series, "
        "figures, trials): such text describes cases for readers, it is not a claim's encounter.",
    )
    histology_sites_unsure: list[str] = Field(
        default_factory=list,
        description="Histologies found in several organs (melanoma: skin, eye, mucosa), whose "
        "site a coder confirms when the reader took it from the histology word.",
    )


class OrganWords(Strict):
    """How a coder names the treated part of one organ in a rationale.

    `target` is a template: {a} becomes "a", "an" or the tumor count, {side}, {region}, {site},
    {sites} and {tumor} the words of the fact, and a [bracketed] part is dropped when a
    placeholder in it is empty. `targets` overrides `target` by site or action (the medial branch
    nerves, bronchial thermoplasty); `sites` gives the site words (ilium -> "iliac bone"); `tumor`
    replaces the nature-based tumor words (a thyroid "nodule").
    Example: bone {target: "{a} [{side} ]{site} {tumor}", site: bone} -> "a right iliac bone
    metastasis".
    """

    target: str
    site: str = ""
    sites: dict[str, str] = Field(default_factory=dict)
    targets: dict[str, str] = Field(default_factory=dict)
    tumor: list[str] | None = Field(default=None, min_length=2, max_length=2)


class UnitBasis(Strict):
    """The unit basis in words, by unit rule of the code (kb.schema.UnitRule)."""

    per_session: str
    per_session_whole: str
    unstated: str
    per_session_one: str
    per_session_covers: str
    per_item: str
    first_item: str
    first_items: str
    additional_items: str
    per_time: str
    per_time_addon: str


class LineTemplates(Strict):
    """The sentences of a CPT line, a not-reported line and a finding about a procedure."""

    line: str
    addon: str
    extent: str
    minutes: str
    guidance_separate: str
    guidance_included: str
    guidance_not_listed: str
    guidance_one_per_session: str
    guidance_of_bundled: str
    addon_of_bundled: str
    not_performed: str
    no_code: str
    out_of_scope: str
    out_of_scope_visit: str
    discontinued: str


class FindingTemplates(Strict):
    """The sentences of the auditor's findings (coding/findings.py, review.nothing_coded)."""

    pair_edit_blocked: str
    pair_edit_distinct: str
    mue: str
    dx_support: str
    dx_none: str
    laterality: str
    unlisted: str
    gap: str
    nothing_coded_done: str
    nothing_coded_none: str
    no_encounter: str
    self_account_line: str
    nothing_coded_self_account: str
    no_encounter_series: str
    no_patient_line: str
    nothing_coded_no_patient: str
    visit: str


class Explanations(Strict):
    """kb/data/explain.yaml: the words case2code uses to explain a line to a coder."""

    version: str
    templates: LineTemplates
    units: UnitBasis
    actions: dict[str, str]
    approaches: dict[str, str]
    sides: dict[str, str]
    bare_actions: list[str] = Field(default_factory=list)
    guidance: dict[str, str]
    items: dict[str, list[str]]
    tumor: dict[str, list[str]]
    natures: dict[str, str] = Field(default_factory=dict)
    organs: dict[str, OrganWords]
    modifiers: dict[str, str]
    assertions: dict[str, str]
    findings: FindingTemplates
    gaps: dict[str, str]
    numbers: list[str] = Field(default_factory=list)
