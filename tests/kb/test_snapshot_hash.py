"""Provenance: every result names the KB it was coded with, by release (`kb_version`) and by a
digest of the KB data files (`kb_hash`), so a coder can tell which exact content decided a code.
The digest follows the content, not where the folder lives."""

from __future__ import annotations

import json

import case2code
from case2code.batch import code_lines
from case2code.kb import get_kb, load_kb, loader, snapshot

NOTE = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of right iliac bone metastasis.\n"
    "INDICATION: 64-year-old woman with metastatic breast cancer and a painful lytic lesion of "
    "the right iliac wing. Under CT guidance, a cooled RF electrode was advanced into the lesion "
    "and two overlapping ablations were performed."
)


def test_the_hash_is_the_same_for_the_same_content_anywhere(kb_copy):
    assert snapshot.content_hash(kb_copy) == snapshot.content_hash(loader._data_dir())
    assert load_kb(kb_copy).content_hash == get_kb().content_hash
    assert len(get_kb().content_hash) == 64


def test_the_hash_changes_when_a_data_file_changes(kb_copy):
    before = load_kb(kb_copy).content_hash
    bone = kb_copy / "bone.yaml"
    bone.write_text(bone.read_text(encoding="utf-8") + "# reviewed again\n", encoding="utf-8")
    assert load_kb(kb_copy).content_hash != before


def test_the_hash_changes_when_a_data_file_is_added(kb_copy):
    before = snapshot.content_hash(kb_copy)
    (kb_copy / "notes.txt").write_text("a reviewer's note", encoding="utf-8")
    assert snapshot.content_hash(kb_copy) != before


def test_a_coded_note_carries_the_kb_version_and_hash():
    result = case2code.code_note(NOTE, date_of_service="2025-06-02")
    assert [line.code for line in result.cpt][:1] == ["20982"]
    out = result.to_dict()
    assert out["kb_version"] == get_kb().version
    assert out["kb_hash"] == get_kb().content_hash


def test_every_batch_line_carries_the_kb_version_and_hash():
    lines = [
        json.dumps({"id": f"n{i}", "text": NOTE, "date_of_service": "2025-06-02"}) for i in range(2)
    ]
    out = list(code_lines(lines))
    assert [o["id"] for o in out] == ["n0", "n1"]
    assert {(o["kb_version"], o["kb_hash"]) for o in out} == {
        (get_kb().version, get_kb().content_hash)
    }
