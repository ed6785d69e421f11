"""The REST API and the coder's page: one FastAPI app over the engine and the audit store."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from .. import __version__
from .settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    from . import errors, pages, routes
    from .security import BodyLimit, access_log, security_headers
    from .service import Service

    settings = settings or Settings.from_env()
    app = FastAPIOffline(  # /docs served from the package: no CDN, works offline
        title="case2code",
        version=__version__,
        description="Clinical note in, CPT and ICD-10-CM codes out, each with its evidence.",
    )
    app.state.settings = settings
    app.state.service = Service(settings)
    errors.install(app)
    app.middleware("http")(access_log)
    app.middleware("http")(security_headers)
    app.include_router(routes.v1)
    app.include_router(routes.health)
    pages.install(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app


__all__ = ["Settings", "create_app"]
