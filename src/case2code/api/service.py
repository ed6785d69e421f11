"""What the routes and the page share: code a note and record it, judge a line, read a coding.

Thin over the engine: `Coder.code`, `check_claim` and `lookup` decide everything; this module
adds the size limit, the audit record and the log line (a hash, never the text unless the
deployment sets C2C_LOG_TEXT=1).
"""

from __future__ import annotations

import logging
import threading
from datetime import date

from .. import check_claim, lookup
from ..engine import Coder
from ..errors import Case2CodeError, Errors, InputError
from ..kb import get_kb
from ..model import SETTINGS, Note, Result
from ..store import Coding, FeedbackRow, Store, note_hash
from .settings import Settings

log = logging.getLogger("case2code.api")


class Service:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.coder = Coder(max_note_bytes=settings.max_note_bytes)
        self.store = Store(settings.db_url, store_text=settings.store_text)
        self._lookup_lock = threading.Lock()  # the search index is one SQLite connection

    def code(
        self, text: str, *, on: date | None, setting: str, note_id: str = "note"
    ) -> tuple[str, Result]:
        self._check_size(text, note_id)
        result = self.coder.code(
            Note(text=text, id=note_id, date_of_service=on or date.today(), setting=setting)
        )
        coding_id = self.store.record(text, result)
        self._log(coding_id, text, result)
        return coding_id, result

    def _check_size(self, text: str, note_id: str) -> None:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > self.settings.max_note_bytes:
            limit = self.settings.max_note_bytes
            raise Case2CodeError(
                "E061", Errors.E061.format(note_id=note_id, size=size, limit=limit)
            )

    def _log(self, coding_id: str, text: str, result: Result) -> None:
        shown = f" text={text!r}" if self.settings.log_text else ""
        log.info(
            "coded %s note_sha256=%s chars=%d cpt=%s icd10=%s%s",
            coding_id,
            note_hash(text),
            len(text),
            ",".join(c.code for c in result.cpt),
            ",".join(d.code for d in result.icd10),
            shown,
        )

    def batch_one(self, note) -> dict:
        """One note of a batch: its result with its coding id, or its own error object."""
        try:
            on = _date(note.date_of_service)
            if note.setting not in SETTINGS:
                raise InputError.make("E013", value=note.setting, options=", ".join(SETTINGS))
            coding_id, result = self.code(note.text, on=on, setting=note.setting, note_id=note.id)
        except Case2CodeError as exc:
            return {"id": note.id, "error": {"code": exc.code, "message": exc.message}}
        return {**result.to_dict(), "coding_id": coding_id}

    def check(self, claim: dict) -> list:
        return check_claim(claim, source="request")

    def entry(self, code: str, on: date | None):
        with self._lookup_lock:
            found = lookup(code, date_of_service=on)
        if isinstance(found, list):
            get_kb().entry(code)  # raises E002 with suggestions
        return found

    def search(self, query: str, limit: int = 10, on: date | None = None):
        with self._lookup_lock:
            found = lookup(query, date_of_service=on, limit=limit)
        return [found] if not isinstance(found, list) else found

    def coding(self, coding_id: str) -> Coding:
        found = self.store.get(coding_id) if len(coding_id) <= 64 else None
        if found is None:
            raise Case2CodeError("E063", Errors.E063.format(coding_id=coding_id[:64]))
        return found

    def feedback(self, req) -> FeedbackRow:
        coding = self.coding(req.coding_id)
        codes = [line["code"] for line in coding.result[req.kind]]
        problem = _feedback_problem(req, codes)
        if problem is None and req.new_code:
            problem = self._unknown_code(req.new_code)
        if problem:
            raise Case2CodeError(
                "E066", Errors.E066.format(coding_id=req.coding_id, problem=problem)
            )
        values = req.model_dump(exclude={"coding_id"})
        values["new_code"] = req.new_code.upper() if req.new_code else None
        return self.store.add_feedback(req.coding_id, **values)

    def _unknown_code(self, code: str) -> str | None:
        try:
            self.entry(code, None)
        except Case2CodeError as exc:
            return exc.message
        return None


def _feedback_problem(req, codes: list[str]) -> str | None:
    if req.code not in codes:
        listed = ", ".join(codes) or "none"
        return f"{req.kind} line {req.code} is not in this coding (its lines: {listed})"
    if req.action in ("reject", "change") and not req.reason.strip():
        return f"a {req.action} needs a reason a reviewer can read"
    if req.action == "change" and not (req.new_code or req.units or req.modifiers is not None):
        return "a change needs new_code, units or modifiers"
    if req.kind == "icd10" and (req.units or req.modifiers):
        return "ICD-10-CM lines have no units or modifiers"
    return None


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError.make("E004", value=value) from None
