"""Store: record codings and feedback, read them back; one engine per process."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from ..model import Result
from .schema import codings, feedback


def default_url() -> str:
    """A SQLite file in the user's data directory, so `case2code serve` works with no settings."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("case2code", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'case2code.db'}"


def note_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class FeedbackRow:
    id: int
    coding_id: str
    kind: str
    code: str
    action: str
    reason: str
    created_at: datetime
    new_code: str | None = None
    units: int | None = None
    modifiers: list[str] | None = None

    def to_dict(self) -> dict:
        out = dict(self.__dict__)
        out["created_at"] = self.created_at.isoformat()
        return out


@dataclass
class Coding:
    id: str
    note_id: str
    note_sha256: str
    note_chars: int
    result: dict
    kb_version: str
    setting: str
    created_at: datetime
    date_of_service: str | None = None
    note_text: str | None = None
    feedback: list[FeedbackRow] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "coding_id": self.id,
            "note_id": self.note_id,
            "note_sha256": self.note_sha256,
            "note_chars": self.note_chars,
            "text_stored": self.note_text is not None,
            "kb_version": self.kb_version,
            "date_of_service": self.date_of_service,
            "setting": self.setting,
            "created_at": self.created_at.isoformat(),
            "result": self.result,
            "feedback": [f.to_dict() for f in self.feedback],
        }

    def verdicts(self) -> dict[tuple[str, str], FeedbackRow]:
        """The latest judgement of each line: a coder may change their mind."""
        out: dict[tuple[str, str], FeedbackRow] = {}
        for row in self.feedback:
            out[(row.kind, row.code)] = row
        return out


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Store:
    def __init__(self, url: str | None = None, *, store_text: bool = False):
        self.url = url or default_url()
        self.store_text = store_text
        self.engine = sa.create_engine(self.url, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    def migrate(self) -> None:
        cfg = Config()
        cfg.set_main_option("script_location", str(resources.files(__package__) / "migrations"))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(1)).scalar() == 1

    def record(self, text: str, result: Result) -> str:
        """Store one coding; the text only when the deployment opted in (C2C_STORE_TEXT=1)."""
        coding_id = uuid.uuid4().hex
        row = {
            "id": coding_id,
            "note_id": result.id[:200],
            "note_sha256": note_hash(text),
            "note_chars": len(text),
            "note_text": text if self.store_text else None,
            "result": result.to_dict(),
            "kb_version": result.kb_version,
            "date_of_service": (
                result.date_of_service.isoformat() if result.date_of_service else None
            ),
            "setting": result.setting,
            "created_at": datetime.now(UTC),
        }
        with self.engine.begin() as conn:
            conn.execute(codings.insert().values(**row))
        return coding_id

    def add_feedback(self, coding_id: str, **values) -> FeedbackRow:
        values = {**values, "coding_id": coding_id, "created_at": datetime.now(UTC)}
        with self.engine.begin() as conn:
            new_id = conn.execute(feedback.insert().values(**values)).inserted_primary_key[0]
        return FeedbackRow(id=new_id, **values)

    def get(self, coding_id: str) -> Coding | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(codings).where(codings.c.id == coding_id)).first()
            if row is None:
                return None
            fb = conn.execute(
                sa.select(feedback).where(feedback.c.coding_id == coding_id).order_by(feedback.c.id)
            ).all()
        return _coding(row, fb)

    def recent(self, limit: int = 20) -> list[Coding]:
        query = sa.select(codings).order_by(codings.c.created_at.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [_coding(row, []) for row in conn.execute(query)]

    def iter_codings(self, *, reviewed_only: bool = False) -> Iterator[Coding]:
        """Every coding with its feedback, oldest first, read in pages to bound memory."""
        query = sa.select(codings).order_by(codings.c.created_at, codings.c.id)
        if reviewed_only:
            query = query.where(sa.exists().where(feedback.c.coding_id == codings.c.id))
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=200).execute(query):
                coding = _coding(row, [])
                coding.feedback = [_feedback(r) for r in self._feedback_rows(coding.id)]
                yield coding

    def _feedback_rows(self, coding_id: str):
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(feedback).where(feedback.c.coding_id == coding_id).order_by(feedback.c.id)
            ).all()

    def close(self) -> None:
        self.engine.dispose()


def _feedback(row) -> FeedbackRow:
    data = dict(row._mapping)
    data["created_at"] = _aware(data["created_at"])
    return FeedbackRow(**data)


def _coding(row, fb_rows) -> Coding:
    data = dict(row._mapping)
    data["created_at"] = _aware(data["created_at"])
    return Coding(**data, feedback=[_feedback(r) for r in fb_rows])
