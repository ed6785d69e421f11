"""Service fixtures: realistic notes, a store on SQLite (and PostgreSQL when C2C_TEST_PG_URL is
set), and an app bound to a throw-away database."""

from __future__ import annotations

import os
import uuid

import pytest

PG_URL = os.environ.get("C2C_TEST_PG_URL")


def _store_params():
    params = ["sqlite"]
    params.append(
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not PG_URL and not os.environ.get("CI"),
                reason="C2C_TEST_PG_URL is not set (.ci/run sets it up)",
            ),
        )
    )
    return params


@pytest.fixture(params=_store_params())
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.db'}"
        return
    import sqlalchemy as sa

    if not PG_URL:
        pytest.fail("CI must run the PostgreSQL store tests: C2C_TEST_PG_URL is not set")
    schema = f"t{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def store(db_url):
    from case2code.store import Store

    s = Store(db_url, store_text=True)
    yield s
    s.close()


@pytest.fixture
def make_client(tmp_path, monkeypatch):
    """make_client(**env) -> a TestClient on a fresh SQLite file with those C2C_* settings."""
    from fastapi.testclient import TestClient

    from case2code.api import create_app
    from case2code.api.settings import Settings

    clients = []

    def make(**env):
        env.setdefault("C2C_DB", f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}")
        for key in (
            "C2C_TOKEN",
            "C2C_STORE_TEXT",
            "C2C_LOG_TEXT",
            "C2C_MAX_NOTE_BYTES",
            "C2C_MAX_BODY_BYTES",
        ):
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, str(value))
        client = TestClient(create_app(Settings.from_env()))
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()
