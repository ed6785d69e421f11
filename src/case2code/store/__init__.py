"""The audit store: what was coded, by which KB, and what a coder said about each line.

SQLAlchemy Core over any URL: a SQLite file (WAL mode, so the page and the API can read while a
batch writes) by default, PostgreSQL for a site's shared server. Migrations run at start-up, so a
fresh database and an old one both end at the current schema.
"""

from .store import Coding, FeedbackRow, Store, default_url, note_hash

__all__ = ["Coding", "FeedbackRow", "Store", "default_url", "note_hash"]
