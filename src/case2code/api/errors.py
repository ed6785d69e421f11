"""One exception handler: catalogue errors become HTTP answers with the same stable code.

The body is always {"error": {"code", "message"}}, the shape batch lines use, so a client
handles an error the same way whichever surface it came from.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ..errors import Case2CodeError, Errors

STATUS = {
    "E002": 404,
    "E003": 422,
    "E004": 422,
    "E005": 400,
    "E010": 422,
    "E011": 400,
    "E012": 400,
    "E013": 422,
    "E020": 422,
    "E060": 401,
    "E061": 413,
    "E062": 422,
    "E063": 404,
    "E065": 413,
    "E066": 422,
    "E067": 413,
}


def error_response(code: str, message: str, status: int | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if code == "E060" else None
    return JSONResponse(
        {"error": {"code": code, "message": message}},
        status_code=status or STATUS.get(code, 400),
        headers=headers,
    )


async def catalogue_error(_request: Request, exc: Case2CodeError) -> JSONResponse:
    return error_response(exc.code, exc.message)


async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """Not JSON at all is a 400; JSON of the wrong shape is a 422. No input echoed back."""
    errors = exc.errors()
    not_json = any(e.get("type") in ("json_invalid", "model_attributes_type") for e in errors)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
        for e in errors[:10]
    )
    message = Errors.E062.format(path=request.url.path, problems=problems)
    return error_response("E062", message, 400 if not_json else 422)


def install(app: FastAPI) -> None:
    app.add_exception_handler(Case2CodeError, catalogue_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
