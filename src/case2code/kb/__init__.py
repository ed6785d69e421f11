"""Knowledge base: schema, loader and lookup index over the reviewed YAML in `kb/data`."""

from .loader import KB, get_kb, is_effective, load_kb

__all__ = ["KB", "get_kb", "is_effective", "load_kb"]
