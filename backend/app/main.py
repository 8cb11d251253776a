"""App factory: /api/v1 routers, the workspace-scoped router, health checks and the built SPA."""

import logging
import re
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.admin.router import router as admin_router
from app.auth.router import router as auth_router
from app.core import admission
from app.core.config import get_settings
from app.core.db import dispose_engine, get_engine, pool_status
from app.core.errors import UnhandledErrorMiddleware, envelope, error_responses, install_error_handlers
from app.core.headers import SecurityHeadersMiddleware
from app.core.limits import BodyLimitMiddleware
from app.core.queue import close_queue, get_queue
from app.core.security import check_secret_key
from app.jobs.router import admin_router as admin_jobs_router
from app.llm.router import router as models_router
from app.prompts.router import router as prompts_router
from app.workspaces.router import router as workspaces_router
from app.workspaces.router import scoped as workspace_scoped

log = logging.getLogger("sangdam")
REPO_ROOT = Path(__file__).resolve().parents[2]


def _scoped_routers() -> list[APIRouter]:
    from app.admin.workspace_router import router as dashboard_router
    from app.chat.router import router as chat_router
    from app.documents.router import router as documents_router
    from app.finetune.router import router as finetune_router
    from app.jobs.router import router as jobs_router
    from app.knowledge.router import router as knowledge_router
    from app.templates.router import router as templates_router

    return [workspace_scoped, knowledge_router, jobs_router, chat_router, documents_router, templates_router,
            dashboard_router, finetune_router]


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    if settings.preload_models:
        from app.chat.service import warm_up

        await warm_up()
    yield
    from app.llm.providers._openai_client import close_clients

    await close_clients()
    await close_queue()
    await dispose_engine()


def _migration_head() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config(str(REPO_ROOT / "migrations" / "alembic.ini"))
    return ScriptDirectory.from_config(cfg).get_current_head()


def create_app() -> FastAPI:
    """Build the FastAPI application."""
    settings = get_settings()
    check_secret_key(settings)
    app = FastAPI(title="Sangdam API", version="0.1.0", lifespan=lifespan,
                  openapi_url="/api/v1/openapi.json", docs_url="/api/v1/docs", redoc_url=None)
    install_error_handlers(app)
    # Each middleware added wraps the ones before it: the headers go on every reply, 500s and 413s included,
    # and CORS (when on) wraps them all so a browser can read even those.
    app.add_middleware(BodyLimitMiddleware, upload_max_mb=settings.upload_max_mb)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.forwarded_allow_ips:
        # Servers run with --no-proxy-headers: only the proxies named here may say who the client is (the login
        # limits count per client address, so a believed header from anyone else would reset them at will).
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins.split(","),
                           allow_methods=["*"], allow_headers=["*"])

    # Every reply a route can give is documented (the SPA's types and schemathesis's checks read them).
    api = APIRouter(prefix="/api/v1", responses=error_responses(400, 413, 422, 503))
    api.include_router(auth_router, responses=error_responses(401, 429))
    api.include_router(workspaces_router, responses=error_responses(401, 403))
    api.include_router(admin_router, responses=error_responses(401, 403))
    api.include_router(models_router, responses=error_responses(401, 403))
    api.include_router(admin_jobs_router, responses=error_responses(401, 403))
    api.include_router(prompts_router, responses=error_responses(401, 403))
    for r in _scoped_routers():
        api.include_router(r, prefix="/workspaces/{workspace_id}",
                           responses=error_responses(401, 403, 404, 409, 415, 502))
    app.include_router(api)

    head = _migration_head()

    @app.get("/healthz", include_in_schema=False)
    async def healthz():
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz():
        checks: dict[str, str] = {}
        try:
            async with get_engine().connect() as conn:
                current = await conn.scalar(text("select version_num from alembic_version"))
            checks["database"] = "ok"
            checks["migrations"] = "ok" if current == head else f"at {current}, head is {head}"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            await (await get_queue()).ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {type(exc).__name__}"
        ok = all(v == "ok" for v in checks.values())
        # Load figures of this process (`make bench` samples them): pooled connections in use, answers planning.
        load = {"db_pool": pool_status(), "chat_planning": admission.planning().status()}
        return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks, "load": load},
                            status_code=200 if ok else 503)

    _mount_spa(app, REPO_ROOT / settings.frontend_dist)
    return app


@lru_cache
def _api_paths(app: FastAPI) -> list[tuple[re.Pattern, frozenset[str]]]:
    """Each documented path as a pattern, with the methods it answers."""
    return [(re.compile(re.sub(r"\{[^}]+\}", "[^/]+", p)), frozenset(m.upper() for m in ops))
            for p, ops in app.openapi()["paths"].items()]


def _mount_spa(app: FastAPI, dist: Path) -> None:
    """Serve the built SPA; unknown non-API paths get index.html so client routes work on reload."""
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    @app.api_route("/api/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def api_not_found(request: Request, path: str):
        # A known path with another method is a 405 naming the allowed ones, as Starlette answers without this
        # catch-all (HEAD comes with GET).
        allowed = set().union(*(m for p, m in _api_paths(app) if p.fullmatch(request.url.path)))
        if allowed:
            allowed |= {"HEAD"} if "GET" in allowed else set()
            return envelope(405, "method_not_allowed", "Method Not Allowed", {"Allow": ", ".join(sorted(allowed))})
        return envelope(404, "not_found", "No such API route.")

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str):
        if "\x00" in path:  # `/%00`: no file has such a name, and resolve() raises on it
            return envelope(404, "not_found", "No such page.")
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and dist.resolve() in candidate.parents:
            return FileResponse(candidate)
        if index.exists():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return envelope(404, "not_found", "The web app is not built; run `make build`.")


app = create_app()
