"""Realistic notes shipped with the package, shared by the service tests."""

from __future__ import annotations

from importlib import resources

EXAMPLES = resources.files("case2code") / "examples"
BONE_NOTE = (EXAMPLES / "bone-rfa-iliac.txt").read_text(encoding="utf-8")
LIVER_NOTE = (EXAMPLES / "liver-mwa.txt").read_text(encoding="utf-8")
