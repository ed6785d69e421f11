"""case2code: a clinical note in, the CPT and ICD-10-CM codes a careful coder would report out."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
