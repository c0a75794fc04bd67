"""The Lambda bundle, built as `nx run <api>:bundle` builds it and loaded as Lambda loads it."""

import json
import os
import re
import shutil
import socket
import subprocess
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.bundling import (
    LAMBDA_PYTHON,
    build_bundle,
    bundle_command,
    find_lambda_python,
    tree_digest,
)
from harness.rendering import render, run

pytestmark = pytest.mark.slow

API = "my_api"  # the default name's folder and module
CPYTHON_TAG = "cpython-" + LAMBDA_PYTHON.replace(".", "")
PYC_UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, check_source off

COMPUTES = {"rest": "ServerlessApiGatewayRestApi", "url": "ServerlessLambdaFunctionUrl"}


@pytest.fixture(scope="session")
def lambda_python(default_monorepo: Path) -> str:
    try:
        return find_lambda_python(default_monorepo / "packages" / API)
    except SystemExit as missing:  # the bundle's own message says how to get one
        pytest.fail(str(missing))


@pytest.fixture(scope="session")
def rest_monorepo(lambda_python: str, default_monorepo: Path) -> Path:
    """The defaults (API Gateway REST), bundled by the `bundle` target's command."""
    build_bundle(default_monorepo, API)
    return default_monorepo


@pytest.fixture(scope="session")
def url_monorepo(tmp_path_factory: pytest.TempPathFactory, lambda_python: str) -> Path:
    """The Function URL compute (uvicorn behind the Lambda Web Adapter), bundled."""
    root = tmp_path_factory.mktemp("bundle-url")
    render(root / "packages", computeType=COMPUTES["url"])
    build_bundle(root, API)
    return root


@pytest.fixture(params=sorted(COMPUTES))
def monorepo(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(f"{request.param}_monorepo")


@pytest.fixture
def bundle(monorepo: Path) -> Path:
    return monorepo / "dist" / "packages" / API / "bundle"


@pytest.fixture
def task_root(bundle: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the bundle that nobody may write to, like /var/task."""
    root = tmp_path / "task"
    shutil.copytree(bundle, root, symlinks=True)
    for path in root.rglob("*"):
        path.chmod(path.stat().st_mode & 0o555)
    root.chmod(0o555)
    yield root
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)


def test_bundle_holds_the_api_package_itself_not_a_link_to_the_sources(bundle: Path) -> None:
    assert (bundle / API / "main.py").is_file()
    assert not (bundle / API / "main.py").is_symlink()
    assert list(bundle.glob(f"{API}-*.dist-info/METADATA")), "the API's own metadata"
    assert not [path for path in bundle.rglob("*") if path.suffix == ".pth"]
    assert not list(bundle.rglob("direct_url.json"))
    assert not (bundle / "tests").exists(), "the API's tests stay out of the bundle"


def test_bundle_wheels_target_lambda_linux_and_python_version(bundle: Path) -> None:
    (pydantic_core,) = bundle.glob("pydantic_core/_pydantic_core.*.so")
    assert pydantic_core.name == f"_pydantic_core.{CPYTHON_TAG}-x86_64-linux-gnu.so"
    tags = {
        line.removeprefix("Tag: ")
        for wheel in bundle.glob("*.dist-info/WHEEL")
        for line in wheel.read_text().splitlines()
        if line.startswith("Tag: ")
    }
    platforms = {tag.rsplit("-", 1)[1] for tag in tags} - {"any"}
    assert platforms, "some wheels are binary"
    assert all(p.startswith("manylinux") and p.endswith("_x86_64") for p in platforms), platforms


def test_arm64_bundle_has_aarch64_wheels(rest_monorepo: Path, tmp_path: Path) -> None:
    out = tmp_path / "bundle-arm64"
    command = bundle_command(rest_monorepo, API, out)
    run(*command, "--arch", "arm64", "--no-bytecode", cwd=rest_monorepo)
    (pydantic_core,) = out.glob("pydantic_core/_pydantic_core.*.so")
    assert pydantic_core.name == f"_pydantic_core.{CPYTHON_TAG}-aarch64-linux-gnu.so"
    assert not list(out.rglob("*.pyc")), "--no-bytecode ships no bytecode"


def test_every_module_ships_unchecked_hash_bytecode_of_lambda_python(
    bundle: Path, lambda_python: str
) -> None:
    magic_number = "import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())"
    magic = run(lambda_python, "-c", magic_number, cwd=bundle).stdout.strip()
    sources = sorted(bundle.rglob("*.py"))
    assert len(sources) > 500
    for source in sources:
        pyc = source.parent / "__pycache__" / f"{source.stem}.{CPYTHON_TAG}.pyc"
        header = pyc.read_bytes()[:8]
        assert header[:4].hex() == magic, pyc
        assert int.from_bytes(header[4:8], "little") == PYC_UNCHECKED_HASH, pyc
    stray = [pyc for pyc in bundle.rglob("*.pyc") if CPYTHON_TAG not in pyc.name]
    assert not stray, "bytecode of another Python version"


def test_bundle_leaves_out_what_only_development_reads(bundle: Path) -> None:
    names = {path.name for path in bundle.rglob("*")}
    assert not names & {"tests", "test", "RECORD", "INSTALLER", "direct_url.json"}
    assert not names & {"py.typed", "examples-1.json"}
    assert not [name for name in names if name.endswith((".pyi", "-stubs"))]
    assert not (bundle / "bin").exists()
    # What importlib.metadata reads at run time stays.
    assert all((dist / "METADATA").is_file() for dist in bundle.glob("*.dist-info"))
    assert list(bundle.glob("opentelemetry_api-*.dist-info/entry_points.txt"))


def test_rebuilding_gives_identical_bytes(monorepo: Path, bundle: Path) -> None:
    before = tree_digest(bundle)
    build_bundle(monorepo, API)
    assert tree_digest(bundle) == before


def test_cold_start_from_read_only_bundle_uses_shipped_bytecode(
    task_root: Path, lambda_python: str
) -> None:
    before = tree_digest(task_root)
    # Only the stdlib and the bundle on sys.path (-I: no environment, no user site; -S: no
    # site-packages). Any module compiled from source means its .pyc was not usable.
    code = textwrap.dedent(f"""
        import json, sys
        from importlib.machinery import SourceFileLoader
        compiled = []
        to_code = SourceFileLoader.source_to_code
        def spy(self, data, path, *args, **kwargs):
            compiled.append(str(path))
            return to_code(self, data, path, *args, **kwargs)
        SourceFileLoader.source_to_code = spy
        sys.path.insert(0, {str(task_root)!r})
        from {API}.main import handler
        event = json.loads(sys.stdin.read())
        context = type("Context", (), {{
            "aws_request_id": "52fdfc07", "function_name": "my-api",
            "function_version": "$LATEST", "memory_limit_in_mb": 256,
            "invoked_function_arn": "arn:aws:lambda:us-east-1:123456789012:function:my-api",
            "get_remaining_time_in_millis": lambda self: 30_000,
        }})()
        response = handler(event, context)
        print(json.dumps({{"response": response, "compiled": compiled}}))
    """)
    result = subprocess.run(
        [lambda_python, "-I", "-S", "-c", code],
        input=json.dumps(rest_event("GET", "/echo", {"message": "bundled"})),
        env={
            "PATH": os.environ["PATH"],
            "AWS_REGION": "us-east-1",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_NAMESPACE": "BundleTest",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.splitlines()[-1])
    assert outcome["response"]["statusCode"] == 200, outcome["response"]
    assert json.loads(outcome["response"]["body"]) == {"message": "bundled"}
    assert outcome["compiled"] == [], "modules compiled at import: their .pyc were not used"
    # The tests run as root, whom chmod does not stop: check nothing was written either.
    assert tree_digest(task_root) == before


def test_run_sh_ships_with_every_compute(monorepo: Path) -> None:
    """The Function URL's function and a REST API's streaming ones start the app with it."""
    assert (monorepo / "packages" / API / "scripts" / "run.sh").is_file()
    assert (monorepo / "dist" / "packages" / API / "bundle" / "run.sh").is_file()


def test_run_sh_serves_the_app_for_the_web_adapter(
    task_root: Path, lambda_python: str, tmp_path: Path
) -> None:
    start = task_root / "run.sh"
    assert start.stat().st_mode & 0o777 == 0o555, "run.sh is executable (and read-only here)"
    before = tree_digest(task_root)
    # Lambda's PATH has the runtime's `python` (/var/lang/bin); here it is the Lambda version.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(lambda_python)
    port = free_port()
    env = {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "LAMBDA_TASK_ROOT": str(task_root),
        "AWS_LWA_PORT": str(port),
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "BundleTest",
    }
    # Started from elsewhere, as the adapter does: nothing may depend on the working directory.
    server = subprocess.Popen(
        [start], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        body = get_when_up(f"http://127.0.0.1:{port}/echo?message=streamed", server)
        # What the adapter forwards a streaming invocation to: each line as it is produced.
        url = f"http://127.0.0.1:{port}/stream?message=chunk&count=3&interval=1"
        with urllib.request.urlopen(url, timeout=10) as response:
            chunks = [(time.monotonic(), json.loads(line)) for line in response]
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode()
    assert json.loads(body) == {"message": "streamed"}, output
    assert [chunk for _, chunk in chunks] == [{"index": i, "message": "chunk"} for i in range(3)]
    # Produced 1 s apart: the first arrived about 2 s before the last was produced.
    assert chunks[-1][0] - chunks[0][0] > 1.5, output
    assert tree_digest(task_root) == before


def test_missing_lambda_python_fails_with_instructions_and_keeps_old_bundle(
    rest_monorepo: Path, tmp_path: Path
) -> None:
    bundle = rest_monorepo / "dist" / "packages" / API / "bundle"
    # uv may only use the interpreters it installed itself, and it has none.
    env = {
        **os.environ,
        "UV_MANAGED_PYTHON": "1",
        "UV_PYTHON_INSTALL_DIR": str(tmp_path / "no-pythons"),
        "UV_PYTHON_DOWNLOADS": "never",
        "PYENV_ROOT": str(tmp_path / "no-pyenv"),
    }
    env.pop("VIRTUAL_ENV", None)
    before = tree_digest(bundle)
    venv_python = rest_monorepo / "packages" / API / ".venv" / "bin" / "python"
    script = f"packages/{API}/scripts/bundle.py"
    result = subprocess.run(
        [venv_python, script, bundle], cwd=rest_monorepo, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert f"uv python install {LAMBDA_PYTHON}" in result.stderr
    assert "--no-bytecode" in result.stderr
    assert tree_digest(bundle) == before


def test_bundle_refuses_to_replace_the_sources(rest_monorepo: Path) -> None:
    api = rest_monorepo / "packages" / API
    command = bundle_command(rest_monorepo, API, api.parent)
    result = subprocess.run(command, cwd=rest_monorepo, capture_output=True, text=True)
    assert result.returncode != 0
    assert "refusing to replace" in result.stderr
    assert (api / API / "main.py").is_file()


def rest_event(method: str, path: str, query: dict[str, str]) -> dict[str, object]:
    """A minimal API Gateway REST (payload 1.0) proxy event."""
    headers = {"Host": "abc123.execute-api.us-east-1.amazonaws.com"}
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {name: [value] for name, value in query.items()},
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/prod{path}",
            "stage": "prod",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": "203.0.113.7"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_when_up(url: str, server: subprocess.Popen[bytes], timeout: float = 30) -> bytes:
    """GET url once the server answers, like the adapter's readiness check."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_invoke_target_runs_the_bundles_handler_on_each_sample_event(monorepo: Path) -> None:
    """`nx run my-api:invoke`, by hand: the built bundle, its sample events, no Docker."""
    project = json.loads((monorepo / "packages" / API / "project.json").read_text())
    command = project["targets"]["invoke"]["options"]["command"]
    for event in ("rest", "http", "function-url"):
        result = run("bash", "-c", re.sub(r"events/[\w-]+\.json", f"events/{event}.json", command),
                     cwd=monorepo)  # fmt: skip
        logs, _, response = result.stdout.partition("Response:\n")
        assert json.loads(response)["statusCode"] == 200
        assert json.loads(json.loads(response)["body"]) == {"message": "hello from a local invoke"}
        request_line = [json.loads(line) for line in logs.splitlines() if '"GET /echo 200"' in line]
        assert request_line and request_line[0]["function_name"] == "my-api"
