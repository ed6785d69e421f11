"""The audit store on SQLite and PostgreSQL: codings, feedback, export, and the gold corpus a
site builds from its coders' reviews."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa
from svc_notes import BONE_NOTE, LIVER_NOTE

import case2code
from case2code.evaluation import evaluate
from case2code.store import Store, note_hash
from case2code.store.audit import export_gold, export_jsonl


def _code(text):
    return case2code.code_note(text, date_of_service="2025-06-02")


def test_a_coding_keeps_hash_result_kb_and_time_and_text_only_when_opted_in(db_url):
    with_text = Store(db_url, store_text=True)
    without = Store(db_url, store_text=False)  # same database, migrations are idempotent
    result = _code(BONE_NOTE)
    kept, hidden = with_text.record(BONE_NOTE, result), without.record(BONE_NOTE, result)
    a, b = with_text.get(kept), with_text.get(hidden)
    assert a.note_text == BONE_NOTE and b.note_text is None
    assert a.note_sha256 == b.note_sha256 == note_hash(BONE_NOTE)
    assert [c["code"] for c in b.result["cpt"]] == ["20982"]
    assert b.kb_version == result.kb_version and b.created_at.tzinfo is not None
    assert b.date_of_service == "2025-06-02"
    with_text.close()
    without.close()


def test_feedback_links_to_its_coding_and_the_latest_verdict_wins(store):
    coding_id = store.record(BONE_NOTE, _code(BONE_NOTE))
    store.add_feedback(coding_id, kind="cpt", code="20982", action="accept", reason="ok")
    store.add_feedback(
        coding_id,
        kind="icd10",
        code="C50.919",
        action="change",
        new_code="C50.911",
        reason="right breast per path report",
    )
    store.add_feedback(coding_id, kind="cpt", code="20982", action="reject", reason="2nd look")
    coding = store.get(coding_id)
    assert [f.action for f in coding.feedback] == ["accept", "change", "reject"]
    assert coding.verdicts()[("cpt", "20982")].action == "reject"
    assert store.get("0" * 32) is None


def test_feedback_for_a_missing_coding_is_refused_by_the_database(store):
    try:
        store.add_feedback("f" * 32, kind="cpt", code="20982", action="accept", reason="x")
    except sa.exc.IntegrityError:
        return
    raise AssertionError("a feedback row without its coding was stored")


def test_export_writes_one_json_line_per_coding_with_its_feedback(store):
    first = store.record(BONE_NOTE, _code(BONE_NOTE))
    store.record(LIVER_NOTE, _code(LIVER_NOTE))
    store.add_feedback(first, kind="cpt", code="20982", action="accept", reason="ok")
    out = io.StringIO()
    assert export_jsonl(store, out) == 2
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[0]["coding_id"] == first and rows[0]["feedback"][0]["action"] == "accept"
    assert rows[1]["feedback"] == [] and rows[1]["text_stored"] is True


def test_gold_corpus_holds_reviewed_codings_with_corrections_and_eval_reads_it(store, tmp_path):
    reviewed = store.record(BONE_NOTE, _code(BONE_NOTE))
    store.record(LIVER_NOTE, _code(LIVER_NOTE))  # never reviewed: stays out
    store.add_feedback(reviewed, kind="cpt", code="20982", action="accept", reason="ok")
    store.add_feedback(
        reviewed,
        kind="icd10",
        code="C50.919",
        action="change",
        new_code="C50.911",
        reason="right breast per pathology",
    )
    out = io.StringIO()
    assert export_gold(store, out) == 1
    case = json.loads(out.getvalue())
    assert case["expected"]["cpt"] == [{"code": "20982", "units": 1, "modifiers": []}]
    assert case["expected"]["icd10"] == ["C79.51", "C50.911", "G89.3"]
    assert "77013" in case["expected"]["not_reported"]
    path = tmp_path / "site-gold.jsonl"
    path.write_text(out.getvalue())
    from case2code.evaluation import load_gold

    report = evaluate(load_gold(path))
    # the engine says C50.919 where the coder corrected to C50.911: the corpus measures that
    assert report.cases == 1 and report.cpt_exact == 1 and report.icd_set_exact == 0


def test_a_rejected_line_leaves_the_gold_case_and_text_less_codings_are_skipped(db_url):
    store = Store(db_url, store_text=True)
    bare = Store(db_url, store_text=False)
    kept = store.record(BONE_NOTE, _code(BONE_NOTE))
    hidden = bare.record(BONE_NOTE, _code(BONE_NOTE))
    for cid in (kept, hidden):
        store.add_feedback(cid, kind="cpt", code="20982", action="reject", reason="not done")
    out = io.StringIO()
    assert export_gold(store, out) == 1
    case = json.loads(out.getvalue())
    assert case["expected"]["cpt"] == [] and kept[:8] in case["id"]
    store.close()
    bare.close()


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'wal.db'}")
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    store.close()
