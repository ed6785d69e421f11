"""Same-session companions of an ablation: bone biopsy and vertebral augmentation.

NCCI policy (KB source S41): a biopsy of the lesion that is ablated is part of the ablation,
unless its immediate pathology read decided the ablation (then it is reported, modifier 59); a
biopsy of a different lesion is reported with a distinct-site modifier (XS).
"""

from __future__ import annotations

from ..model import CodeLine, Finding, NotReported
from .lines import Lines

TUMOR_ACTIONS = {"ablation"}


def apply(lines: Lines) -> None:
    ablation = next(
        (
            i
            for i, f in lines.facts_of.items()
            if f.action in TUMOR_ACTIONS and lines.cpt[i].rule.startswith("select.")
        ),
        None,
    )
    if ablation is None:
        return
    keep: list[int] = []
    for i, line in enumerate(lines.cpt):
        fact = lines.facts_of[i]
        if fact.action == "biopsy" and line.rule.startswith("select."):
            if not _biopsy(lines, line, fact, lines.cpt[ablation].code):
                continue
        if fact.action in ("vertebroplasty", "kyphoplasty") and line.rule.startswith("select."):
            lines.findings.append(
                Finding(
                    "warning",
                    "review",
                    f"Vertebral augmentation {line.code} and ablation "
                    f"{lines.cpt[ablation].code} in one session: NCCI has no pair edit, both are "
                    "reported; confirm the levels and payer policy before release.",
                    [line.code, lines.cpt[ablation].code],
                    list(fact.evidence[:1]),
                    "review.augmentation_with_ablation",
                )
            )
        keep.append(i)
    _keep(lines, keep)


def _biopsy(lines: Lines, line: CodeLine, fact, ablation_code: str) -> bool:
    if fact.same_lesion_biopsy is False:
        line.modifiers.append("XS")
        line.rationale += " Biopsy of a different lesion than the one ablated: XS (separate site)."
        return True
    if fact.immediate_pathology:
        line.modifiers.append("59")
        line.rationale += (
            " Same lesion as the ablation, but its immediate pathology read decided"
            " the ablation: reported with 59."
        )
        return True
    lines.not_reported.append(
        NotReported(
            line.code,
            f"Biopsy of the same lesion that was ablated is included in {ablation_code} "
            "(NCCI general policy); no immediate pathology result drove the decision.",
            list(fact.evidence[:2]),
            "bundle.biopsy_same_lesion",
        )
    )
    return False


def _keep(lines: Lines, keep: list[int]) -> None:
    lines.cpt = [lines.cpt[i] for i in keep]
    lines.facts_of = {n: lines.facts_of[i] for n, i in enumerate(keep)}
    lines.missing = {n: lines.missing.get(i, ()) for n, i in enumerate(keep)}
