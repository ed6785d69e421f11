"""The /v1 REST endpoints: each parses, calls the engine through `Service`, returns JSON."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from ..coding.claim import Claim
from ..errors import Case2CodeError, Errors
from ..formats.fhir import to_bundle
from .models import ERROR_RESPONSES, BatchRequest, CodeRequest, FeedbackRequest
from .security import require_token
from .service import Service

v1 = APIRouter(prefix="/v1", dependencies=[Depends(require_token)], responses=ERROR_RESPONSES)
health = APIRouter()
Format = Annotated[Literal["json", "fhir"], Query(description="json (canonical) or fhir (R4)")]
OnDate = Annotated[date | None, Query(alias="date", description="Date of service YYYY-MM-DD")]


def service(request: Request) -> Service:
    return request.app.state.service


Svc = Annotated[Service, Depends(service)]


@v1.post("/code", summary="Code one note")
def code(body: CodeRequest, svc: Svc, format: Format = "json") -> dict:
    """CPT lines, ICD-10-CM in sequence, not-reported codes and findings, with evidence."""
    coding_id, result = svc.code(
        body.text, on=body.date_of_service, setting=body.setting, note_id=body.id
    )
    if format == "fhir":
        return to_bundle(result, text=body.text, coding_id=coding_id)
    return {**result.to_dict(), "coding_id": coding_id}


@v1.post("/batch", summary="Code up to 1,000 notes")
def batch(body: BatchRequest, svc: Svc) -> dict:
    """One result per note, in order; a bad note gets its own error and the others go on."""
    limit = svc.settings.max_batch
    if len(body.notes) > limit:
        raise Case2CodeError("E065", Errors.E065.format(limit=limit, count=len(body.notes)))
    results = [svc.batch_one(note) for note in body.notes]
    return {"results": results, "errors": sum(r.get("error") is not None for r in results)}


@v1.post("/check", summary="Check a claim coded elsewhere")
def check(body: Claim, svc: Svc) -> dict:
    found = svc.check(body.model_dump(mode="json"))
    return {"findings": [f.to_dict() for f in found]}


@v1.get("/codes/{code}", summary="Reference entry of a code")
def code_entry(code: str, svc: Svc, on: OnDate = None) -> dict:
    return svc.entry(code, on).to_dict()


@v1.get("/search", summary="Search codes by words, abbreviations or a code")
def search(
    svc: Svc,
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    on: OnDate = None,
) -> dict:
    hits = svc.search(q, limit, on)
    return {
        "query": q,
        "hits": [h.to_dict() if hasattr(h, "score") else _entry_hit(h) for h in hits],
    }


def _entry_hit(entry) -> dict:
    return {"code": entry.code, "system": entry.system, "title": entry.title, "score": None}


@v1.post("/feedback", summary="Accept, reject or change a line", status_code=201)
def feedback(body: FeedbackRequest, svc: Svc) -> dict:
    return svc.feedback(body).to_dict()


@v1.get("/codings/{coding_id}", summary="A stored coding with its feedback")
def coding(coding_id: str, svc: Svc, format: Format = "json") -> dict:
    found = svc.coding(coding_id)
    if format == "fhir":
        return to_bundle(
            found.result, text=found.note_text, sha256=found.note_sha256, coding_id=found.id
        )
    return found.to_dict()


@health.get("/healthz", summary="The process is up")
def healthz() -> dict:
    return {"status": "ok"}


@health.get("/readyz", summary="KB loaded and database reachable")
def readyz(svc: Svc):
    try:
        db_ok = svc.store.ping()
    except Exception:  # noqa: BLE001 - any database failure means not ready
        db_ok = False
    body = {
        "status": "ready" if db_ok else "not ready",
        "kb_version": svc.coder.kb.version,
        "database": "ok" if db_ok else "unreachable",
    }
    return JSONResponse(body, status_code=200 if db_ok else 503)
