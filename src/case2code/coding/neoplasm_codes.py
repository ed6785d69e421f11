"""Neoplasm codes from the Neoplasm Table: a reader site id, a behavior column and a side in,
billable codes (or a documentation gap) out.

The site map (kb/data/neoplasm-sites.yaml) says which table term a site id means; the table
(kb/data/neoplasm-table.json) gives the code; the side the note documents picks the leaf. A
site the map lacks, or a column the term leaves empty, yields nothing, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..kb.loader import get_neoplasm_sites
from ..kb.neoplasm_table import Resolution, get_table, key_of
from ..kb.schema import NeoplasmSite


@dataclass(frozen=True)
class SiteCode:
    site: NeoplasmSite
    term: str
    resolution: Resolution

    @property
    def codes(self) -> tuple[str, ...]:
        return self.resolution.codes


def site_entry(site_id: str | None) -> NeoplasmSite | None:
    return get_neoplasm_sites().find(site_id)


def is_subsite(part: NeoplasmSite, whole: NeoplasmSite) -> bool:
    """'lung > lower lobe' is part of 'lung': a procedure's subsite refines the fact's organ."""
    inner, outer = key_of(part.term), key_of(whole.term)
    return inner != outer and inner.startswith(outer + " >")


def site_code(site_id: str | None, column: str, side: str | None) -> SiteCode | None:
    """The table's code for a site id in one column ('malignant_primary'), resolved by side."""
    site = site_entry(site_id)
    if site is None:
        return None
    table = get_table()
    for term in [site.term, *site.also]:
        printed = table.cell(term, column)
        if printed:
            return SiteCode(site, term, table.resolve(printed, side, tuple(site.prefer)))
    return None
