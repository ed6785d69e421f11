"""Service settings, read once from C2C_* environment variables; every default works at once."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import InputError

TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    db_url: str
    token: str | None = None
    max_note_bytes: int = 1_000_000
    max_body_bytes: int = 64_000_000
    store_text: bool = False
    log_text: bool = False
    max_batch: int = 1000

    @classmethod
    def from_env(cls) -> Settings:
        from ..store import default_url

        return cls(
            db_url=os.environ.get("C2C_DB") or default_url(),
            token=os.environ.get("C2C_TOKEN") or None,
            max_note_bytes=_int("C2C_MAX_NOTE_BYTES", 1_000_000),
            max_body_bytes=_int("C2C_MAX_BODY_BYTES", 64_000_000),
            store_text=os.environ.get("C2C_STORE_TEXT", "").lower() in TRUE,
            log_text=os.environ.get("C2C_LOG_TEXT", "").lower() in TRUE,
        )


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise InputError.make("E064", name=name, value=raw)
    return int(raw)
