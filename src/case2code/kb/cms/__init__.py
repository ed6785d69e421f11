"""Public CMS data (NCCI PTP edits, MUE tables, PFS RVU file) loaded into versioned local
tables: readers for CMS's own layouts, the store, and date-of-service queries."""

from .importer import KINDS, import_file
from .query import (
    MAI_WORDS,
    MODIFIER_WORDS,
    MueLimit,
    PairEdit,
    edits_in_force,
    edits_of,
    fee_for,
    fee_history,
    kb_edits,
    mue_for,
    one_store,
    pair_edits,
)
from .store import Release, Store, db_path

__all__ = [
    "KINDS",
    "MAI_WORDS",
    "MODIFIER_WORDS",
    "MueLimit",
    "PairEdit",
    "Release",
    "Store",
    "db_path",
    "edits_in_force",
    "edits_of",
    "fee_for",
    "fee_history",
    "import_file",
    "kb_edits",
    "mue_for",
    "one_store",
    "pair_edits",
]
