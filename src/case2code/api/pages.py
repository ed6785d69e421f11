"""The coder's page: server-rendered templates over the same Service the REST API uses.

Everything from a note is rendered through Jinja2 autoescaping; the note is cut into segments
at evidence boundaries on the server, so the script only toggles classes and never builds HTML
from note text.
"""

from __future__ import annotations

import inspect
import json
import re
from datetime import date
from importlib import resources
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from ..errors import Case2CodeError, Errors, InputError
from ..formats.fhir import to_bundle
from ..formats.text import REFERENCE_SECTIONS
from ..kb import get_kb, icd10
from .models import FeedbackRequest
from .security import TOKEN_COOKIE, page_allowed, token_matches
from .service import Service

WEB = resources.files("case2code") / "web"
templates = Jinja2Templates(directory=str(WEB / "templates"))
CODE_TOKEN = re.compile(r"\b(\d{4}[0-9T]|[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)\b")


def link_codes(text: str) -> Markup:
    """Escape, then turn codes the KB or ICD-10-CM knows into links to their lookup entry."""
    kb = get_kb()

    def link(m: re.Match) -> str:
        code = m.group(1)
        known = code in kb.codes or (not code.isdigit() and icd10.is_valid(code))
        return f'<a href="/lookup?q={code}">{code}</a>' if known else code

    return Markup(CODE_TOKEN.sub(link, str(escape(text or ""))))


templates.env.filters["codes"] = link_codes


def segments(text: str, result: dict) -> list[tuple[str, int, int, bool]]:
    """The note cut at every evidence boundary: (text, start, end, inside some evidence)."""
    spans = [(s["start"], s["end"]) for s in _all_spans(result)]
    cuts = sorted({0, len(text), *(p for se in spans for p in se if 0 <= p <= len(text))})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        inside = any(s <= a and b <= e for s, e in spans)
        out.append((text[a:b], a, b, inside))
    return out


def _all_spans(result: dict):
    for key in ("cpt", "icd10", "not_reported", "findings"):
        for item in result.get(key, []):
            yield from item.get("evidence", [])


def spans_attr(item: dict) -> str:
    return json.dumps([[s["start"], s["end"]] for s in item.get("evidence", [])])


templates.env.globals["spans_attr"] = spans_attr


def _svc(request: Request) -> Service:
    return request.app.state.service


async def index(request: Request) -> HTMLResponse:
    return _index(request)


def _index(request: Request, error: str | None = None, form: dict | None = None, status=200):
    recent = _svc(request).store.recent(15)
    context = {"recent": recent, "error": error, "form": form or {}, "today": date.today()}
    return templates.TemplateResponse(request, "index.html", context, status_code=status)


async def code_form(request: Request) -> HTMLResponse:
    form = await request.form()
    text = await _note_text(form)
    fields = {k: form.get(k) or "" for k in ("date_of_service", "setting")}
    try:
        on = _form_date(fields["date_of_service"])
        coding_id, result = _svc(request).code(
            text, on=on, setting=fields["setting"] or "professional", note_id=_note_name(form)
        )
    except Case2CodeError as exc:
        from .errors import STATUS

        return _index(request, exc.message, {**fields, "text": text}, STATUS.get(exc.code, 400))
    coding = _svc(request).coding(coding_id)
    return _coding_page(request, coding, text)


async def _note_text(form) -> str:
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "\x00"  # refused by the engine as binary data, with its own message
    value = form.get("text")
    return value if isinstance(value, str) else ""


def _note_name(form) -> str:
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        return upload.filename[:200]
    return "from the page"


def _form_date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError.make("E004", value=value) from None


def _coding_page(request: Request, coding, text: str | None) -> HTMLResponse:
    result = coding.result
    context = {
        "coding": coding,
        "result": result,
        "segments": segments(text, result) if text is not None else None,
        "verdicts": {f"{k[0]}:{k[1]}": v for k, v in coding.verdicts().items()},
    }
    return templates.TemplateResponse(request, "coding.html", context)


async def coding_page(request: Request, coding_id: str) -> HTMLResponse:
    try:
        coding = _svc(request).coding(coding_id)
    except Case2CodeError as exc:
        return _index(request, exc.message, status=404)
    return _coding_page(request, coding, coding.note_text)


async def feedback_form(request: Request, coding_id: str) -> Response:
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str) and v.strip() != ""}
    data["coding_id"] = coding_id
    data.setdefault("reason", "")
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        row = _svc(request).feedback(FeedbackRequest.model_validate(data))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        message = Errors.E062.format(path=request.url.path, problems=problems)
        return _feedback_error(wants_json, "E062", message, coding_id)
    except Case2CodeError as exc:
        return _feedback_error(wants_json, exc.code, exc.message, coding_id)
    if wants_json:
        return JSONResponse(row.to_dict(), status_code=201)
    return RedirectResponse(f"/codings/{coding_id}", status_code=303)


def _feedback_error(wants_json: bool, code: str, message: str, coding_id: str) -> Response:
    from .errors import STATUS

    if wants_json:
        return JSONResponse({"error": {"code": code, "message": message}}, STATUS.get(code, 422))
    return HTMLResponse(
        f'<p role="alert">{escape(message)}</p><p><a href="/codings/{escape(coding_id)}">'
        "Back to the coding</a></p>",
        status_code=STATUS.get(code, 422),
    )


async def download(request: Request, coding_id: str) -> Response:
    coding = _svc(request).coding(coding_id)
    fhir = request.query_params.get("format") == "fhir"
    body = (
        to_bundle(
            coding.result, text=coding.note_text, sha256=coding.note_sha256, coding_id=coding.id
        )
        if fhir
        else coding.to_dict()
    )
    name = f"case2code-{coding.id[:8]}{'.fhir' if fhir else ''}.json"
    return Response(
        json.dumps(body, indent=2, ensure_ascii=False),
        media_type="application/fhir+json" if fhir else "application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def lookup_page(request: Request) -> HTMLResponse:
    query = (request.query_params.get("q") or "").strip()[:200]
    context = {"q": query, "entry": None, "hits": [], "error": None, "sections": REFERENCE_SECTIONS}
    if query:
        try:
            found = _svc(request).search(query, 25)
            if len(found) == 1 and not hasattr(found[0], "score"):
                context["entry"] = found[0]
            else:
                context["hits"] = found
        except Case2CodeError as exc:
            context["error"] = exc.message
    return templates.TemplateResponse(request, "lookup.html", context)


async def login_page(request: Request) -> HTMLResponse:
    context = {"next": _safe_next(request.query_params.get("next")), "error": None}
    return templates.TemplateResponse(request, "login.html", context)


async def login(request: Request) -> Response:
    """Trade the service token for an HttpOnly, SameSite=Strict cookie the page then sends."""
    form = await request.form()
    given, target = form.get("token"), _safe_next(form.get("next"))
    expected = request.app.state.settings.token
    if expected is None or not token_matches(given if isinstance(given, str) else None, expected):
        context = {"next": target, "error": Errors.E060}
        return templates.TemplateResponse(request, "login.html", context, status_code=401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        TOKEN_COOKIE,
        expected,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def _safe_next(value) -> str:
    value = value if isinstance(value, str) else "/"
    return value if value.startswith("/") and not value.startswith("//") else "/"


def _guarded(handler):
    """Pages need the token too when the server has one: no coding is shown to a stranger."""

    async def guarded(request: Request, **params):
        if not page_allowed(request):
            if request.method == "GET":
                return RedirectResponse(f"/login?next={quote(request.url.path)}", 303)
            return JSONResponse({"error": {"code": "E060", "message": Errors.E060}}, 401)
        return await handler(request, **params)

    guarded.__signature__ = inspect.signature(handler)
    return guarded


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")

    def add(path, handler, method):
        app.add_api_route(path, _guarded(handler), methods=[method], include_in_schema=False)

    add("/", index, "GET")
    add("/code", code_form, "POST")
    add("/codings/{coding_id}", coding_page, "GET")
    add("/codings/{coding_id}/feedback", feedback_form, "POST")
    add("/codings/{coding_id}/download", download, "GET")
    add("/lookup", lookup_page, "GET")
    app.add_api_route("/login", login_page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/login", login, methods=["POST"], include_in_schema=False)
