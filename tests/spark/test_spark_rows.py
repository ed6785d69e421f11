"""One row in a Spark worker, without the JVM: a row codes as the batch codes the same note,
the engine is built once per worker, and every bad row is its own catalogue error."""

from __future__ import annotations

from datetime import date

import pytest

from case2code.batch import Job, code_job
from case2code.engine import MAX_NOTE_BYTES, Coder
from case2code.model import Note
from case2code.spark import COLUMNS, rows

FEMUR = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a painful right femur "
    "metastasis from breast cancer. The lesion was ablated with a single probe."
)


def _row(**values):
    return {
        "id": "femur-1",
        "text": FEMUR,
        "date_of_service": "2025-06-02",
        "setting": None,
        "_corrupt_record": None,
    } | values


def test_a_row_is_the_batch_line_of_its_note_less_the_line_number():
    out = rows.code_row(_row(), source="notes", max_note_bytes=MAX_NOTE_BYTES)
    line = code_job(Coder(), Job(7, Note(FEMUR, "femur-1", date(2025, 6, 2))))
    assert list(out) == list(COLUMNS)
    assert out == {c: line[c] for c in COLUMNS}
    assert [(c["code"], c["units"], c["modifiers"]) for c in out["cpt"]] == [("20982", 1, [])]
    assert out["cpt"][0]["evidence"][0]["text"] == "radiofrequency ablation"
    assert [d["code"] for d in out["icd10"]][:1] == ["C79.51"]


def test_the_engine_is_built_once_per_worker_and_size_limit():
    first = rows.coder(MAX_NOTE_BYTES)
    assert rows.coder(MAX_NOTE_BYTES) is first
    assert rows.coder(1000) is not first and rows.coder(1000).max_note_bytes == 1000


@pytest.mark.parametrize(
    ("values", "code", "message"),
    [
        (
            {"id": None},
            "E041",
            "A row of notes has no id: column 'note_id' is null. Give every note a non-empty "
            "string id.",
        ),
        (
            {"id": "  "},
            "E041",
            "A row of notes has no id: column 'note_id' is empty. Give every note a non-empty "
            "string id.",
        ),
        (
            {"text": None},
            "E040",
            "Row 'femur-1' of notes: column 'body' is null; give the note's text.",
        ),
        (
            {"date_of_service": "06/02/2025"},
            "E040",
            "Row 'femur-1' of notes: column 'dos' '06/02/2025' is not YYYY-MM-DD.",
        ),
        (
            {"setting": "outpatient"},
            "E040",
            "Row 'femur-1' of notes: column 'setting' 'outpatient' is not one of professional, "
            "facility.",
        ),
        (
            {"setting": ""},
            "E040",
            "Row 'femur-1' of notes: column 'setting' '' is not one of professional, facility.",
        ),
        (
            {"_corrupt_record": '{"id": "x", "text": "RFA of the femur'},
            "E042",
            "A row of notes is not a JSON object (Spark could not parse it): "
            '\'{"id": "x", "text": "RFA of the femur\'. Each line must be '
            '{"id": "...", "text": "..."}.',
        ),
        (
            {"text": "x" * 2000},
            "E010",
            "Note femur-1 cannot be coded: the text is over 1000 bytes (2000 characters). Send "
            "plain UTF-8 text of the clinical note (at most 1000 bytes of UTF-8).",
        ),
    ],
)
def test_a_bad_row_is_its_own_catalogue_error(values, code, message):
    names = {rows.ID: "note_id", rows.TEXT: "body", rows.DATE: "dos"}
    out = rows.code_row(_row(**values), source="notes", max_note_bytes=1000, names=names)
    assert out["error"] == {"code": code, "message": message}
    assert out["cpt"] is None and out["review"] is None


def test_a_long_unparsable_line_is_quoted_short():
    out = rows.code_row(
        _row(_corrupt_record="{" + "x" * 500), source="in.jsonl", max_note_bytes=MAX_NOTE_BYTES
    )
    assert out["error"]["code"] == "E042"
    assert "'{" + "x" * 79 + "...'" in out["error"]["message"]


class Exploding(Coder):
    def code(self, note):
        if note.id == "boom":
            raise ZeroDivisionError("division by zero")
        return super().code(note)


def test_an_engine_failure_on_one_row_is_e099_and_the_next_row_is_coded(monkeypatch):
    monkeypatch.setitem(rows._CODERS, 4242, Exploding(max_note_bytes=4242))
    bad = rows.code_row(_row(id="boom"), source="notes", max_note_bytes=4242)
    good = rows.code_row(_row(), source="notes", max_note_bytes=4242)
    assert bad["id"] == "boom" and bad["error"]["code"] == "E099"
    assert "ZeroDivisionError" in bad["error"]["message"]
    assert good["error"] is None and good["cpt"][0]["code"] == "20982"
