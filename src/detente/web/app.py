"""The web application: the REST API under ``/api`` and the dashboard at ``/``.

>>> app = create_app(Store.open("detente.duckdb"))      # doctest: +SKIP
>>> uvicorn.run(app, host="127.0.0.1", port=8000)       # doctest: +SKIP

The server process owns the database (DuckDB allows one writing process); every request works
on its own cursor. Errors are JSON: ``{"detail": "..."}`` with the status code that fits.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from detente import __version__
from detente.store.database import Store
from detente.web import api, reviews

STATIC = Path(__file__).resolve().parent / "static"


def create_app(store: Store, token: str | None = None) -> FastAPI:
    """The API and dashboard over an open (writable) store. ``token`` protects writes."""
    app = FastAPI(
        title="detente", version=__version__,
        description="Political event data from news text: canonical events, their mentions and evidence.",
        docs_url=None, redoc_url=None,  # FastAPI's pages load Swagger UI from a CDN: serve our copy instead
    )
    app.state.store = store
    app.state.token = token

    @lru_cache(maxsize=1)
    def knowledge_base() -> Any:
        from detente.actors.kb import load_kb

        return load_kb()

    app.state.kb = knowledge_base

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Any:
        # Stored strings are untrusted: the dashboard builds its DOM from text only, and the
        # policy forbids any script, style or connection that is not this server's own.
        response = await call_next(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return JSONResponse({"detail": problems or "invalid request"}, status_code=422)

    app.include_router(api.router)
    app.include_router(reviews.router)
    if (STATIC / "index.html").is_file():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")

        @app.get("/docs", include_in_schema=False)
        def api_docs() -> Any:
            page = get_swagger_ui_html(
                openapi_url="/openapi.json", title="detente API",
                swagger_js_url="/static/vendor/swagger-ui-bundle.js", swagger_css_url="/static/vendor/swagger-ui.css",
                swagger_favicon_url="data:,",
            )
            # Swagger UI starts from an inline script: allow inline scripts on this page only
            page.headers["Content-Security-Policy"] = (
                "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:; connect-src 'self'; object-src 'none'"
            )
            return page

        @app.get("/", include_in_schema=False)
        def dashboard() -> FileResponse:
            return FileResponse(STATIC / "index.html")

    return app
