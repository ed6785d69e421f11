"""The compiled KB snapshot: a new process reads the validated KB from one file instead of the
YAML, and never a stale one: an edited data file, another package version or a torn file
rebuilds it from the YAML, and an invalid KB is refused exactly as without a snapshot.

Each scenario uses a copy of the bundled data folder and its own cache folder.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

import case2code
from case2code.errors import KBValidationError
from case2code.kb import load_kb, loader, snapshot


def snapshots(cache: Path) -> list[Path]:
    return sorted(cache.glob("kb-*.pickle"))


def no_yaml(monkeypatch) -> None:
    def refuse(path, problems):
        raise AssertionError(f"{path.name} was parsed although a valid snapshot exists")

    monkeypatch.setattr(loader, "_read_yaml", refuse)


def set_title(code: str, title: str):
    def change(family):
        next(e for e in family["codes"] if e["code"] == code)["title"] = title

    return change


def test_first_use_builds_the_snapshot_and_the_next_reads_it_without_yaml(
    kb_copy, tmp_path, monkeypatch
):
    cache = tmp_path / "cache"
    built = snapshot.load_or_build(kb_copy, load_kb, cache)
    assert len(snapshots(cache)) == 1
    no_yaml(monkeypatch)
    read = snapshot.load_or_build(kb_copy, load_kb, cache)
    assert read is not built
    assert read == built
    assert read.codes["20982"].select == built.codes["20982"].select


def test_the_snapshot_holds_every_attribute_of_a_fresh_validation(tmp_path, monkeypatch):
    """Field by field, whatever fields the KB grows: nothing is lost through the pickle."""
    fresh = load_kb()
    snapshot.load_or_build(loader._data_dir(), load_kb, tmp_path)
    no_yaml(monkeypatch)
    read = snapshot.load_or_build(loader._data_dir(), load_kb, tmp_path)
    for f in dataclasses.fields(fresh):
        assert getattr(read, f.name) == getattr(fresh, f.name), f.name
    assert read.version == fresh.version


def test_an_edited_data_file_rebuilds_the_snapshot(kb_copy, edit_yaml, tmp_path):
    cache = tmp_path / "cache"
    before = snapshot.load_or_build(kb_copy, load_kb, cache)
    edit_yaml("bone.yaml", set_title("20982", "Radiofrequency ablation of a bone tumor, edited"))
    after = snapshot.load_or_build(kb_copy, load_kb, cache)
    assert after.codes["20982"].title == "Radiofrequency ablation of a bone tumor, edited"
    assert before.codes["20982"].title != after.codes["20982"].title
    assert after.content_hash != before.content_hash
    assert len(snapshots(cache)) == 2


def test_a_snapshot_of_another_package_version_is_not_used(kb_copy, tmp_path, monkeypatch):
    snapshot.load_or_build(kb_copy, load_kb, tmp_path)
    monkeypatch.setattr(case2code, "__version__", "99.0.0")
    snapshot.load_or_build(kb_copy, load_kb, tmp_path)
    assert len(snapshots(tmp_path)) == 2


def test_a_torn_snapshot_is_rebuilt(kb_copy, tmp_path, monkeypatch):
    good = snapshot.load_or_build(kb_copy, load_kb, tmp_path)
    (path,) = snapshots(tmp_path)
    path.write_bytes(path.read_bytes()[:1000])
    assert snapshot.load_or_build(kb_copy, load_kb, tmp_path) == good
    no_yaml(monkeypatch)  # the rebuilt file is whole again
    assert snapshot.load_or_build(kb_copy, load_kb, tmp_path) == good


def test_an_invalid_kb_is_refused_and_leaves_no_snapshot(kb_copy, edit_yaml, tmp_path):
    def change(family):
        family["codes"][0]["colour"] = "red"

    edit_yaml("bone.yaml", change)
    with pytest.raises(KBValidationError) as info:
        snapshot.load_or_build(kb_copy, load_kb, tmp_path)
    assert "bone.yaml: codes[0] (20982)" in info.value.problems[0]
    assert snapshots(tmp_path) == []


def test_a_cache_folder_that_cannot_be_made_only_costs_speed(kb_copy, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    kb = snapshot.load_or_build(kb_copy, load_kb, blocker / "cache")
    assert kb.codes["20982"].code == "20982"


def test_old_snapshots_are_pruned_to_the_newest_few(kb_copy, tmp_path):
    for i in range(snapshot.KEEP + 3):
        old = tmp_path / f"kb-old{i:02d}.pickle"
        old.write_bytes(b"stale")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    snapshot.load_or_build(kb_copy, load_kb, tmp_path)
    left = snapshots(tmp_path)
    assert len(left) == snapshot.KEEP
    assert tmp_path / "kb-old00.pickle" not in left


def test_a_fresh_process_reads_the_snapshot_from_C2C_CACHE_DIR(tmp_path):
    env = {**os.environ, "C2C_CACHE_DIR": str(tmp_path)}
    first = "import case2code.kb as k; print(k.get_kb().content_hash)"
    second = (
        "import case2code.kb.loader as L\n"
        "L._read_yaml = None  # any YAML parse would now fail\n"
        "print(L.get_kb().content_hash)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        for code in (first, second)
    ]
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    assert runs[0].stdout == runs[1].stdout
    assert len(snapshots(tmp_path)) == 1


def test_snapshots_of_other_objects_from_the_same_folder_are_kept_apart(kb_copy, tmp_path):
    kb = snapshot.load_or_build(kb_copy, load_kb, tmp_path)
    release = snapshot.load_or_build(kb_copy, lambda folder, _: kb.release, tmp_path, "release")
    assert release == kb.release
    assert snapshot.load_or_build(kb_copy, load_kb, tmp_path) == kb
    assert [p.name.split("-")[0] for p in sorted(tmp_path.glob("*.pickle"))] == ["kb", "release"]


def test_an_edit_to_the_kb_code_rebuilds_the_snapshot(kb_copy, tmp_path, monkeypatch):
    """A development edit of the schema or checks, with the package version unchanged."""
    snapshot.load_or_build(kb_copy, load_kb, tmp_path)
    real = snapshot.content_hash

    def edited(folder, pattern="*"):
        return real(folder, pattern) + ("edited" if pattern == "*.py" else "")

    monkeypatch.setattr(snapshot, "content_hash", edited)
    snapshot.load_or_build(kb_copy, load_kb, tmp_path)
    assert len(snapshots(tmp_path)) == 2


def test_the_diagnosis_data_read_on_first_need_is_snapshotted_too(tmp_path, monkeypatch):
    monkeypatch.setenv("C2C_CACHE_DIR", str(tmp_path))
    lazy = (loader.get_neoplasm_sites, loader.get_guidelines)
    for get in lazy:
        get.cache_clear()
    try:
        sites, rules = loader.get_neoplasm_sites(), loader.get_guidelines()
        assert [p.name.rsplit("-", 1)[0] for p in sorted(tmp_path.glob("*.pickle"))] == [
            "guidelines",
            "neoplasm-sites",
        ]
        assert sites == loader.load_neoplasm_sites()
        assert rules == loader.load_guidelines()
    finally:
        for get in lazy:
            get.cache_clear()
