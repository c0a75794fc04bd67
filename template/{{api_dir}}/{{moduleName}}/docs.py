"""The documentation pages: Swagger UI at /docs and ReDoc at /redoc.

Their scripts and styles come from jsDelivr at pinned versions with subresource integrity, so a
browser refuses a file that is not the one published on npm. ReDoc 3 reads OpenAPI 3.2 (ReDoc 2,
which FastAPI's own page loads, refuses it), loads no web fonts, and is told not to send
telemetry. A blank favicon keeps browsers from asking the API for /favicon.ico.
"""

import json
from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

SWAGGER_UI = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0"
REDOC = "https://cdn.jsdelivr.net/npm/redoc@3.0.1"
SWAGGER_UI_CSS = f"{SWAGGER_UI}/swagger-ui.css"
SWAGGER_UI_JS = f"{SWAGGER_UI}/swagger-ui-bundle.js"
REDOC_JS = f"{REDOC}/bundles/redoc.standalone.js"

# sha384 of each file as published on npm.
INTEGRITY = {
    SWAGGER_UI_CSS: "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
    SWAGGER_UI_JS: "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9",
    REDOC_JS: "sha384-j07qRKHNNmcwU1/Y1elJc7pDLHXP/QfbQXTtSkbOJ7uYGJikqAzsFVbY2zR9FqOT",
}


def _pinned(url: str) -> str:
    """The attributes that load `url` only if it is the published file."""
    return f'"{url}" integrity="{INTEGRITY[url]}" crossorigin="anonymous"'


def _page(title: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="icon" href="data:,">\n'
        f"{head}</head>\n<body>\n{body}</body>\n</html>\n"
    )


def swagger_ui_page(title: str, openapi_url: str) -> HTMLResponse:
    config = {"url": openapi_url, "dom_id": "#swagger-ui", "deepLinking": True}
    # JSON inside <script>: no "<" may end the element early.
    script = json.dumps(config).replace("<", "\\u003c")
    return _page(
        f"{title} - Swagger UI",
        f'<link rel="stylesheet" href={_pinned(SWAGGER_UI_CSS)}>\n',
        '<div id="swagger-ui"></div>\n'
        f"<script src={_pinned(SWAGGER_UI_JS)}></script>\n"
        f"<script>SwaggerUIBundle({script});</script>\n",
    )


def redoc_page(title: str, openapi_url: str) -> HTMLResponse:
    return _page(
        f"{title} - ReDoc",
        "",
        f'<redoc spec-url="{escape(openapi_url)}" disable-telemetry="true"></redoc>\n'
        f'<script type="module" src={_pinned(REDOC_JS)}></script>\n',
    )


def add_docs(app: FastAPI, openapi_url: str) -> None:
    """Serve both pages for the spec at `openapi_url`, behind any stage prefix (root_path)."""

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return swagger_ui_page(app.title, request.scope.get("root_path", "") + openapi_url)

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return redoc_page(app.title, request.scope.get("root_path", "") + openapi_url)
