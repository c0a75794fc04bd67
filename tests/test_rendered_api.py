"""The rendered API, used for real: installed, tested, linted, served on 127.0.0.1."""

import contextlib
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.browser import cdn_packages, chromium, fake_cdn, npm_packages, rendered_dom
from harness.rendering import SLOW_VARIANTS, render, run, variant_id

pytestmark = pytest.mark.slow


def target_command(root: Path, api_dir: str, target: str) -> str:
    project = json.loads((root / "packages" / api_dir / "project.json").read_text())
    return project["targets"][target]["options"]["command"]


def run_target(root: Path, target: str, api_dir: str = "my_api"):
    """Type the Nx target's command by hand at the monorepo root, as a user without Nx would."""
    return run("bash", "-c", target_command(root, api_dir, target), cwd=root)


# pyright's closing line when it found nothing; strict mode, as pyproject.toml asks.
TYPE_CLEAN = "0 errors, 0 warnings, 0 informations"
# The coverage report's total line: statements, missed, percentage covered.
COVERAGE_TOTAL = re.compile(r"^TOTAL\s+(\d+)\s+\d+\s+\d+%$", re.MULTILINE)


def assert_tests_passed_with_coverage(result: subprocess.CompletedProcess[str]) -> None:
    assert " passed" in result.stdout and " failed" not in result.stdout
    assert "coverage: platform" in result.stdout, result.stdout[-3000:]
    total = COVERAGE_TOTAL.search(result.stdout)
    assert total and int(total[1]) > 100, result.stdout[-3000:]  # the module's statements


def test_lint_target_passes(default_monorepo: Path) -> None:
    run_target(default_monorepo, "lint")


def test_typecheck_target_passes(default_monorepo: Path) -> None:
    result = run_target(default_monorepo, "typecheck")
    assert result.stdout.splitlines()[-1] == TYPE_CLEAN, result.stdout[-3000:]


def test_test_target_runs_the_rendered_suite_and_reports_coverage(default_monorepo: Path) -> None:
    assert_tests_passed_with_coverage(run_target(default_monorepo, "test"))


def test_openapi_target_writes_the_spec(default_monorepo: Path) -> None:
    run_target(default_monorepo, "openapi")
    spec = json.loads((default_monorepo / "dist/packages/my_api/openapi.json").read_text())
    operations = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert operations == {"echo", "stream"}
    assert spec["paths"]["/stream"]["get"]["x-streaming"] is True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"dev server exited: {server.stdout.read()}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"dev server did not answer {url} within {timeout}s")


@pytest.fixture(scope="module")
def dev_server(default_monorepo: Path):
    """The `serve` target's command, on a free port in case the default one is taken."""
    port = _free_port()
    command = target_command(default_monorepo, "my_api", "serve").replace(
        "--port 8000", f"--port {port}"
    )
    with serving(command, default_monorepo, port):
        yield port


@contextlib.contextmanager
def serving(command: str, root: Path, port: int) -> Iterator[str]:
    """Runs a server command from the monorepo root until it answers on 127.0.0.1:`port`;
    yields its base URL, and stops it (and its children) afterwards."""
    server = subprocess.Popen(
        ["bash", "-c", f"exec {command}"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base_url}/openapi.json", server)
        yield base_url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/docs", "swagger-ui"), ("/redoc", "redoc"), ("/openapi.json", '"operationId":"echo"')],
)
def test_dev_server_serves_docs_and_spec(dev_server: int, path: str, expected: str) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{dev_server}{path}", timeout=10) as response:
        assert response.status == 200
        assert expected in response.read().decode()


def test_dev_server_streams_chunks_one_by_one(dev_server: int) -> None:
    interval = 0.4
    with socket.create_connection(("127.0.0.1", dev_server), timeout=10) as connection:
        connection.sendall(
            f"GET /stream?count=3&interval={interval} HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        arrivals: list[tuple[float, bytes]] = []
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
            arrivals.append((time.monotonic(), chunk))
    head, _, _ = received.partition(b"\r\n\r\n")
    assert b"200 OK" in head and b"transfer-encoding: chunked" in head.lower()
    with_lines = [(at, data) for at, data in arrivals if b'"index"' in data]
    assert [data.count(b'"index"') for _, data in with_lines] == [1, 1, 1]
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(with_lines)]
    assert all(gap > interval / 2 for gap in gaps), gaps


@pytest.fixture(scope="module")
def published_assets(default_monorepo: Path, tmp_path_factory: pytest.TempPathFactory):
    """The npm packages the docs pages load from jsDelivr, at the versions they pin."""
    if not chromium():
        message = "headless Chromium is needed: apt-get install chromium"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    docs = (default_monorepo / "packages/my_api/my_api/docs.py").read_text()
    return npm_packages(cdn_packages(docs), tmp_path_factory.mktemp("npm"))


# How each page shows an operation once its script has rendered the spec.
OPERATION_IN_PAGE = {
    "/docs": r'data-path="/{operation}"',
    "/redoc": r'data-section-id="[^"]*/{operation}"',
}


@pytest.mark.parametrize("page", OPERATION_IN_PAGE)
def test_docs_pages_render_every_operation_in_a_browser(
    dev_server: int, published_assets, tmp_path: Path, page: str
) -> None:
    with fake_cdn(published_assets, tmp_path) as cdn_port:
        dom = rendered_dom(f"http://127.0.0.1:{dev_server}{page}", cdn_port)
    for operation in ("echo", "stream"):
        assert re.search(OPERATION_IN_PAGE[page].format(operation=operation), dom), dom[-3000:]


def test_docs_page_refuses_assets_that_are_not_the_published_ones(
    dev_server: int, published_assets, tmp_path: Path
) -> None:
    with fake_cdn(published_assets, tmp_path, tamper={"swagger-ui-bundle.js"}) as cdn_port:
        dom = rendered_dom(f"http://127.0.0.1:{dev_server}/docs", cdn_port)
    assert 'id="swagger-ui"' in dom
    assert "data-path=" not in dom  # the script never ran


# A route a user adds to main.py: the spec must describe it like the template's own.
USER_ROUTE = """

class Order(BaseModel):
    sku: str
    quantity: int


@app.post("/orders/{order_id}", status_code=201)
async def place_order(order_id: int, order: Order) -> Order:
    return order
"""


# The variants whose tests in a fresh interpreter (about 2 s each, the most of a run) run here:
# each compute type and each auth once, Cognito with both gateways (the default variant runs
# them in test_test_target_runs_the_rendered_suite_and_reports_coverage). The others run the
# rest of their suite: `-m "not fresh_interpreter"`, as a user's quick run does.
FRESH_INTERPRETER_VARIANTS = {
    ("ServerlessApiGatewayRestApi", "Cognito"),
    ("ServerlessApiGatewayHttpApi", "Cognito"),
    ("ServerlessLambdaFunctionUrl", "None"),
}


@pytest.mark.parametrize("variant", SLOW_VARIANTS, ids=variant_id)
def test_every_variant_with_a_user_route_passes_its_tests_and_writes_a_valid_spec(
    tmp_path: Path, variant: tuple[str, str]
) -> None:
    compute, auth = variant
    render(tmp_path / "packages", computeType=compute, auth=auth)
    main = tmp_path / "packages/my_api/my_api/main.py"
    main.write_text(main.read_text() + USER_ROUTE)
    run("uv", "sync", "--project", "packages/my_api", cwd=tmp_path)
    typecheck = run_target(tmp_path, "typecheck")  # strict, the user's route included
    assert typecheck.stdout.splitlines()[-1] == TYPE_CLEAN, typecheck.stdout[-3000:]
    # its test_openapi.py validates the served spec
    quick = "" if variant in FRESH_INTERPRETER_VARIANTS else " -m 'not fresh_interpreter'"
    test = run("bash", "-c", target_command(tmp_path, "my_api", "test") + quick, cwd=tmp_path)
    assert_tests_passed_with_coverage(test)
    assert (" deselected" in test.stdout) == bool(quick), test.stdout[-2000:]
    run_target(tmp_path, "openapi")
    spec_file = tmp_path / "dist/packages/my_api/openapi.json"
    validator = ("uv", "run", "--project", "packages/my_api", "python", "-m")
    assert "OK" in run(*validator, "openapi_spec_validator", spec_file, cwd=tmp_path).stdout
    spec = json.loads(spec_file.read_text())
    assert spec["openapi"] == "3.2.0"
    order = spec["paths"]["/orders/{order_id}"]["post"]
    assert order["operationId"] == "place_order"
    schemes = spec.get("components", {}).get("securitySchemes", {})
    assert order.get("security") == ([{name: []} for name in schemes] or None)
    assert len(schemes) == (0 if auth == "None" else 1)
