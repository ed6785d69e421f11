"""`case2code audit export` and `audit gold` on a store the service filled."""

from __future__ import annotations

import json

from svc_notes import BONE_NOTE
from typer.testing import CliRunner

import case2code
from case2code.cli import app
from case2code.store import Store


def test_audit_export_and_gold_read_the_store_named_by_c2c_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'site.db'}"
    store = Store(url, store_text=True)
    coding_id = store.record(
        BONE_NOTE, case2code.code_note(BONE_NOTE, date_of_service="2025-06-02")
    )
    store.add_feedback(coding_id, kind="cpt", code="20982", action="accept", reason="ok")
    store.close()
    monkeypatch.setenv("C2C_DB", url)
    runner = CliRunner()
    exported = runner.invoke(app, ["audit", "export", "-o", str(tmp_path / "audit.jsonl")])
    assert exported.exit_code == 0, exported.output
    rows = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert rows[0]["coding_id"] == coding_id and rows[0]["feedback"][0]["action"] == "accept"
    gold = tmp_path / "gold.jsonl"
    assert runner.invoke(app, ["audit", "gold", "-o", str(gold)]).exit_code == 0
    evaluated = runner.invoke(app, ["eval", str(gold), "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.output)["summary"]["cpt_exact"] == 1.0


def test_serve_runs_uvicorn_on_the_given_address_without_its_query_logging(tmp_path, monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setenv("C2C_DB", f"sqlite:///{tmp_path / 'serve.db'}")
    result = CliRunner().invoke(app, ["serve", "--host", "127.0.0.1", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    ((served, kwargs),) = calls
    assert kwargs["port"] == 8123 and kwargs["access_log"] is False
    assert {"/v1/code", "/lookup", "/docs"} <= set(served.openapi()["paths"]) | {
        getattr(r, "path", "") for r in served.routes
    }
