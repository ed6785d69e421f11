"""Fixtures for KB tests: a throw-away copy of the bundled data folder that a test may edit."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

BUNDLED = Path(str(resources.files("case2code.kb") / "data"))


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A fresh copy of src/case2code/kb/data; edit it with `edit_yaml`."""
    folder = tmp_path / "data"
    shutil.copytree(BUNDLED, folder)
    return folder


@pytest.fixture
def edit_yaml(kb_copy: Path) -> Callable[[str, Callable[[Any], None]], Path]:
    """edit_yaml("bone.yaml", change): load one file of the copy, let `change` mutate it, save."""

    def edit(name: str, change: Callable[[Any], None]) -> Path:
        path = kb_copy / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return kb_copy

    return edit
