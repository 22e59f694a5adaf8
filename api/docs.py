"""/docs (Swagger UI) and /redoc from files installed with the package, under a strict CSP.

FastAPI's own pages load Swagger UI and ReDoc from a CDN without an integrity hash: a script
from a third party then runs beside the Authorize box where an operator types the upload token.
fastapi-offline ships both bundles as package data; they are served from /docs-assets, the
pages' set-up scripts are files there too (no inline script), and the CSP allows scripts from
this origin only, so nothing is fetched from anywhere else at run time.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
PREFIX = "/docs-assets"
# ReDoc runs its search in a worker made from a blob and styles itself with injected <style>.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer"}

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<link rel="icon" href="{prefix}/favicon.png">{css}</head>
<body><div id="{root}"></div>
<script src="{prefix}/{bundle}"></script><script src="{prefix}/{init}"></script></body></html>
"""

_SWAGGER_INIT = """window.ui = SwaggerUIBundle({
  url: %s, dom_id: "#swagger-ui", deepLinking: true, showExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
});
"""
_REDOC_INIT = 'Redoc.init(%s, {}, document.getElementById("redoc"));\n'


# ReDoc's sidebar shows Redocly's logo from their CDN whatever the options; the bundle is served
# with that one address replaced by an empty inline image, so the page asks no other host.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_IMAGE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


@lru_cache(maxsize=1)
def _redoc_bundle() -> str:
    return (ASSETS / "redoc.standalone.js").read_text(encoding="utf-8").replace(REDOC_LOGO, EMPTY_IMAGE)


def add_docs(app: FastAPI) -> None:
    """Serve /docs and /redoc for ``app`` (created with docs_url=None, redoc_url=None)."""
    openapi = json.dumps(app.openapi_url)
    def script(body: str) -> Response:
        return Response(body, media_type="text/javascript", headers=HEADERS)

    @app.get(PREFIX + "/swagger-init.js", include_in_schema=False)
    async def swagger_init() -> Response:
        return script(_SWAGGER_INIT % openapi)

    @app.get(PREFIX + "/redoc-init.js", include_in_schema=False)
    async def redoc_init() -> Response:
        return script(_REDOC_INIT % openapi)

    @app.get(PREFIX + "/redoc.standalone.js", include_in_schema=False)
    async def redoc_bundle() -> Response:
        return script(_redoc_bundle())

    # After the routes above: a mount answers every path under it that no earlier route took.
    app.mount(PREFIX, StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger() -> HTMLResponse:
        return HTMLResponse(_PAGE.format(
            title=f"{app.title} - Swagger UI", prefix=PREFIX, root="swagger-ui",
            css=f'<link rel="stylesheet" href="{PREFIX}/swagger-ui.css">',
            bundle="swagger-ui-bundle.js", init="swagger-init.js"), headers=HEADERS)

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return HTMLResponse(_PAGE.format(
            title=f"{app.title} - ReDoc", prefix=PREFIX, root="redoc", css="",
            bundle="redoc.standalone.js", init="redoc-init.js"), headers=HEADERS)
