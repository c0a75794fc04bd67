"""Lambda events in, HTTP responses out: API Gateway REST (payload 1.0), HTTP API (2.0) and
Function URL events, through Mangum, with nothing escaping.

An event that cannot be translated into a request (a body flagged base64 that is not, missing
fields, an unknown shape) is answered 400; a fault of this path after translation, 500. Either
answer is made by the app for a stand-in request, so it carries the correlation id and CORS
headers, logs an ERROR line and is counted, like any other request.
"""

import json
import warnings
from typing import Any, cast

from mangum import Mangum
from mangum.handlers import api_gateway
from mangum.protocols import HTTPCycle
from starlette.types import ASGIApp, Receive, Scope, Send

from .middleware import HANDLER_FAULT, INVALID_EVENT
from .observability import logger

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_LAST_RESORT = {
    "statusCode": 500,
    "headers": {"content-type": "application/json"},
    "body": json.dumps({"detail": "Internal Server Error"}),
    "isBase64Encoded": False,
}


def server_and_port(headers: dict[str, Any]) -> tuple[str, int]:
    """The server from the Host header, IPv6 literals included (`[::1]:3000`, as `sam local`
    sends it). Mangum 0.22 splits the header at every colon and fails on those; its API
    Gateway handlers use this instead (tests/plumbing pins the behaviour)."""
    host = str(headers.get("host") or "mangum")
    name, colon, port = host.rpartition(":")
    if colon and port.isdigit() and (name.endswith("]") or "[" not in name):
        return name, int(port)
    forwarded_port = str(headers.get("x-forwarded-port", "80"))
    return host, int(forwarded_port) if forwarded_port.isdigit() else 80


# Mangum imports the helper into the module without re-exporting it, hence the ignore.
api_gateway.get_server_and_port = server_and_port  # pyright: ignore[reportPrivateImportUsage]


def _request_line(event: Any) -> tuple[str, str]:
    """The method and path an untranslatable event claims, where they look like ones."""
    if not isinstance(event, dict):
        return "GET", "/"
    event = cast(dict[str, Any], event)
    context = event.get("requestContext")
    http = cast(dict[str, Any], context).get("http") if isinstance(context, dict) else None
    method = (
        cast(dict[str, Any], http).get("method")
        if isinstance(http, dict)
        else event.get("httpMethod")
    )
    path = event.get("rawPath", event.get("path"))
    return (
        method if method in _METHODS else "GET",
        path if isinstance(path, str) and path.startswith("/") else "/",
    )


def _headers(event: Any) -> list[tuple[bytes, bytes]]:
    """The event's headers that are plain text (Origin and X-Correlation-Id matter here)."""
    headers = cast(dict[str, Any], event).get("headers") if isinstance(event, dict) else None
    if not isinstance(headers, dict):
        return []
    pairs: list[tuple[bytes, bytes]] = []
    for name, value in cast(dict[Any, Any], headers).items():
        if isinstance(name, str) and isinstance(value, str):
            try:
                pairs.append((name.lower().encode("latin-1"), value.encode("latin-1")))
            except UnicodeEncodeError:
                continue
    return pairs


class LambdaAdapter:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        # Mangum types the app as a protocol with named parameters that returns a coroutine;
        # Starlette's ASGIApp (FastAPI) is positional and returns an awaitable. Same at run time.
        with warnings.catch_warnings():
            # Mangum 0.22 sets up its event loop with asyncio.get_event_loop(), which Python
            # 3.12+ deprecates when no loop is set yet (it still creates one).
            warnings.simplefilter("ignore", DeprecationWarning)
            self._mangum = Mangum(app, lifespan="off")  # pyright: ignore[reportArgumentType]

    def __call__(self, event: Any, context: Any) -> dict[str, Any]:
        try:
            translation = self._mangum.infer(event, context)
            scope, body = translation.scope, translation.body
        except Exception as error:
            return self._stand_in(event, context, INVALID_EVENT, error)
        faults: list[Exception] = []

        async def app_reporting_faults(scope: Scope, receive: Receive, send: Send) -> None:
            # Mangum turns what escapes the app into a plain-text 500; this path wants its own.
            try:
                await self._app(scope, receive, send)
            except Exception as error:
                faults.append(error)
                raise

        try:
            response = translation(HTTPCycle(scope, body)(app_reporting_faults))
        except Exception as error:
            faults.append(error)
        else:
            if not faults:
                return response
        return self._stand_in(event, context, HANDLER_FAULT, faults[0])

    def _stand_in(self, event: Any, context: Any, marker: str, error: Exception) -> dict[str, Any]:
        """The app's answer to a stand-in request that `marker` tells it to refuse."""
        try:
            method, path = _request_line(event)
            scope: Scope = {
                "type": "http",
                "http_version": "1.1",
                "method": method,
                "scheme": "https",
                "path": path,
                "raw_path": path.encode(),
                "root_path": "",
                "query_string": b"",
                "headers": _headers(event),
                "client": None,
                "server": None,
                "asgi": {"version": "3.0", "spec_version": "2.0"},
                "aws.context": context if hasattr(context, "aws_request_id") else None,
                marker: error,
            }
            # Mangum's ASGI type again (see __init__).
            response = HTTPCycle(scope, b"")(self._app)  # pyright: ignore[reportArgumentType]
            return {
                "statusCode": response["status"],
                "headers": {
                    name.decode("latin-1"): value.decode("latin-1")
                    for name, value in response["headers"]
                },
                "body": response["body"].decode(),
                "isBase64Encoded": False,
            }
        except Exception:
            logger.exception("The Lambda handler failed")
            return _LAST_RESORT
