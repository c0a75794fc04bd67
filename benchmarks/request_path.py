"""What each piece of the rendered API's request path costs per warm request, and the two
choices it makes: pure ASGI middleware over BaseHTTPMiddleware, and a prebuilt EMF line over
Powertools' own metrics path.

    uv run python -m benchmarks.request_path [--requests N]

Renders the defaults, installs them with `uv sync`, and times in-process ASGI calls in the
rendered API's own environment (no network, no Lambda adapter), as medians of 7 rounds.
"""

import argparse
import json
import tempfile
from pathlib import Path

from harness.rendering import render, run

PROBE = r"""
import asyncio, io, json, os, statistics, sys, time
from contextlib import redirect_stdout

from fastapi import FastAPI
from starlette.middleware.base import BaseHTTPMiddleware

from my_api.main import app as api, logger, metrics
from my_api.middleware import CanonicalRequestMiddleware, route_template
from my_api.request_log import RequestLog
from my_api.request_metrics import RequestMetrics
from aws_lambda_powertools.metrics import MetricUnit

REQUESTS = int(sys.argv[1])
ROUNDS = 7


def scope(path="/echo", method="GET"):
    return {
        "type": "http", "http_version": "1.1", "method": method, "scheme": "https",
        "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
        "headers": [(b"host", b"example.com")], "client": ("203.0.113.7", 0),
        "server": ("example.com", 443), "asgi": {"version": "3.0", "spec_version": "2.0"},
    }


async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message):
    pass


def per_request(call):
    # Median over rounds of the mean time per call, in microseconds.
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) / REQUESTS * 1e6)
    return statistics.median(samples)


def asgi_loop(app, path="/echo", method="GET"):
    async def many():
        for _ in range(REQUESTS):
            await app(scope(path, method), receive, send)
    return lambda: asyncio.run(many())


def bare():
    app = FastAPI()

    @app.get("/echo")
    async def echo(message: str = "hello") -> dict[str, str]:
        return {"message": message}

    return app


class PassThrough:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)


class PassThroughHttp(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        return await call_next(request)


results = {}
with redirect_stdout(io.StringIO()):
    floor = per_request(asgi_loop(bare()))
    with_pure = bare(); with_pure.add_middleware(PassThrough)
    with_base = bare(); with_base.add_middleware(PassThroughHttp)
    results["middleware: one pure ASGI layer"] = per_request(asgi_loop(with_pure)) - floor
    results["middleware: one BaseHTTPMiddleware layer"] = per_request(asgi_loop(with_base)) - floor

    prebuilt = RequestMetrics()
    prebuilt.publish("GET /echo", 200)  # the cold start's extra metric, once

    def publish_prebuilt():
        for _ in range(REQUESTS):
            prebuilt.publish("GET /echo", 200)

    def publish_powertools():
        for _ in range(REQUESTS):
            metrics.add_dimension(name="route", value="GET /echo")
            metrics.add_metric(name="RequestCount", unit=MetricUnit.Count, value=1)
            metrics.add_metric(name="Success", unit=MetricUnit.Count, value=1)
            metrics.flush_metrics()

    results["metrics: prebuilt EMF line"] = per_request(publish_prebuilt)
    results["metrics: Powertools add + flush"] = per_request(publish_powertools)

    async def answered(scope, receive, send):
        pass

    canonical = CanonicalRequestMiddleware(answered)
    results["slash and HEAD handling, around a no-op app (/echo/, HEAD)"] = per_request(
        asgi_loop(canonical, "/echo/", "HEAD")
    ) - per_request(asgi_loop(answered, "/echo", "GET"))
    routed = scope("/echo", "FOO1")

    def bound_route():
        for _ in range(REQUESTS):
            route_template(routed)

    results["method bounding (route_template)"] = per_request(bound_route)
    logger.registered_handler.setStream(io.StringIO())
    logger.append_keys(function_name="bench", function_request_id="0000", cold_start=False)
    logger.thread_safe_append_keys(correlation_id="c1", path="/echo", route="GET /echo")
    request_log = RequestLog(logger)

    def info_lines():
        for _ in range(REQUESTS):
            logger.info("GET /echo 200", extra={"status": 200, "duration_ms": 0.1})

    def request_lines():
        for _ in range(REQUESTS):
            request_log.write("GET /echo 200", status=200, duration_ms=0.1)

    results["request log line: logger.info"] = per_request(info_lines)
    results["request log line: RequestLog (what the app writes)"] = per_request(request_lines)
    logger.remove_keys(["function_name", "function_request_id", "cold_start"])
    logger.thread_safe_clear_keys()
    results["whole rendered app, per request"] = per_request(asgi_loop(api))
    results["floor: bare FastAPI app, per request"] = floor
print("RESULT " + json.dumps(results))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="calls per round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        render(root / "packages")
        project = root / "packages/my_api"
        run("uv", "sync", "--project", project, cwd=root)
        env = {"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_NAMESPACE": "Bench"}
        result = run(
            "uv", "run", "--project", project, "python", "-c", PROBE, str(args.requests),
            cwd=project, env=env,
        )  # fmt: skip
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    print(f"Warm cost per request, medians of 7 rounds of {args.requests} calls:")
    for label, micros in json.loads(line.removeprefix("RESULT ")).items():
        print(f"  {label:<58}{micros:>8.1f} us")


if __name__ == "__main__":
    main()
