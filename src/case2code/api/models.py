"""Request bodies of the REST API: typed at the boundary, so a malformed body gets a 422 that
names the field before any coding starts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _iso_text(value: object) -> object:
    """Only 'YYYY-MM-DD' text: a number would otherwise be read as a Unix timestamp."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError("use YYYY-MM-DD, e.g. 2025-03-14")
    return value


IsoDate = Annotated[
    date, BeforeValidator(_iso_text), Field(description="Date of service, YYYY-MM-DD")
]


class CodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="The clinical note, plain UTF-8 text")
    date_of_service: IsoDate | None = None
    setting: Literal["professional", "facility"] = "professional"
    id: str = Field(default="note", min_length=1, max_length=200, description="Your note id")


class BatchNote(BaseModel):
    """Loosely typed on purpose: a bad date or setting is that note's error, not the batch's."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200)
    text: str
    date_of_service: str | None = None
    setting: str = "professional"


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    notes: list[BatchNote] = Field(description="Up to 1,000 notes; each is coded on its own")


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    coding_id: str = Field(min_length=1, max_length=64)
    kind: Literal["cpt", "icd10"]
    code: str = Field(min_length=1, max_length=10, description="The line's code as coded")
    action: Literal["accept", "reject", "change"]
    reason: str = Field(default="", max_length=2000)
    new_code: str | None = Field(default=None, min_length=1, max_length=10)
    units: int | None = Field(default=None, ge=1, le=999)
    modifiers: list[Annotated[str, Field(pattern=r"^[0-9A-Z]{2}$")]] | None = Field(
        default=None, max_length=4
    )


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable catalogue code, e.g. E061")
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "Malformed body or query"),
        (401, "Missing or wrong token (when the server has C2C_TOKEN)"),
        (404, "Unknown code or coding"),
        (413, "Note or body over the size limit"),
        (422, "A field has the wrong type or value"),
    )
}
