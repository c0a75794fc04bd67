"""The Lambda bundle, built as `nx run <api>:bundle` builds it and loaded as Lambda loads it."""

import json
import os
import re
import shutil
import socket
import subprocess
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from harness.bundling import (
    build_bundle,
    bundle_command,
    elf_architecture,
    find_lambda_python,
    tree_digest,
)
from harness.rendering import render, run

pytestmark = pytest.mark.slow

API = "my_api"  # the default name's folder and module
PYC_UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, check_source off

COMPUTES = {"rest": "ServerlessApiGatewayRestApi", "url": "ServerlessLambdaFunctionUrl"}
# The bundles this machine (x86_64) can run.
RUNNABLE = pytest.mark.parametrize("monorepo", ["rest", "url"], indirect=True)
MACHINES = {"x86_64": "x86_64", "arm64": "aarch64"}  # in the names of wheels and modules


def bundled(root: Path) -> Path:
    """Build the API's bundle with its `bundle` target's command; the Python of its Lambda
    runtime must be at hand (the bundle's own message says how to get one)."""
    try:
        find_lambda_python(root / "packages" / API)
    except SystemExit as missing:
        pytest.fail(str(missing))
    build_bundle(root, API)
    return root


@pytest.fixture(scope="session")
def rest_monorepo(default_monorepo: Path) -> Path:
    """The defaults (API Gateway REST, Python 3.13, x86_64), bundled."""
    return bundled(default_monorepo)


@pytest.fixture(scope="session")
def url_monorepo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Function URL compute (uvicorn behind the Lambda Web Adapter), bundled."""
    root = tmp_path_factory.mktemp("bundle-url")
    render(root / "packages", computeType=COMPUTES["url"])
    return bundled(root)


@pytest.fixture(scope="session")
def arm64_monorepo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The other answer of each runtime question: arm64 (Graviton) and Python 3.12, bundled
    by the same command (no --arch: the answers set what it builds)."""
    root = tmp_path_factory.mktemp("bundle-arm64")
    render(root / "packages", architecture="arm64", pythonVersion="3.12")
    return bundled(root)


@pytest.fixture(params=["rest", "url", "arm64"])
def monorepo(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(f"{request.param}_monorepo")


@pytest.fixture
def bundle(monorepo: Path) -> Path:
    return monorepo / "dist" / "packages" / API / "bundle"


@pytest.fixture
def lambda_python(monorepo: Path) -> str:
    return find_lambda_python(monorepo / "packages" / API)


def answer(monorepo: Path, question: str) -> str:
    answers = yaml.safe_load((monorepo / "packages" / API / ".copier-answers.yml").read_text())
    return answers[question]


def cpython_tag(monorepo: Path) -> str:
    """`cpython-313`: the tag of the API's Lambda Python in extension and bytecode names."""
    return "cpython-" + answer(monorepo, "pythonVersion").replace(".", "")


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


def test_bundle_wheels_target_the_apis_lambda_architecture_and_python(
    monorepo: Path, bundle: Path
) -> None:
    machine = MACHINES[answer(monorepo, "architecture")]
    (pydantic_core,) = bundle.glob("pydantic_core/_pydantic_core.*.so")
    assert pydantic_core.name == f"_pydantic_core.{cpython_tag(monorepo)}-{machine}-linux-gnu.so"
    tags = {
        line.removeprefix("Tag: ")
        for wheel in bundle.glob("*.dist-info/WHEEL")
        for line in wheel.read_text().splitlines()
        if line.startswith("Tag: ")
    }
    platforms = {tag.rsplit("-", 1)[1] for tag in tags} - {"any"}
    assert platforms, "some wheels are binary"
    assert all(p.startswith("manylinux") and p.endswith(f"_{machine}") for p in platforms), (
        platforms
    )


def test_every_extension_module_is_built_for_the_apis_architecture(
    monorepo: Path, bundle: Path
) -> None:
    """An x86_64 module in an arm64 bundle (or the reverse) fails only when it is imported."""
    architecture = answer(monorepo, "architecture")
    shared_objects = [path for path in bundle.rglob("*.so*") if path.is_file()]
    built_for = {path.relative_to(bundle): elf_architecture(path) for path in shared_objects}
    assert {path.parts[0] for path in built_for} >= {"pydantic_core", "wrapt"}
    assert {path: arch for path, arch in built_for.items() if arch != architecture} == {}


def test_every_module_ships_unchecked_hash_bytecode_of_lambda_python(
    monorepo: Path, bundle: Path, lambda_python: str
) -> None:
    tag = cpython_tag(monorepo)
    magic_number = "import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())"
    magic = run(lambda_python, "-c", magic_number, cwd=bundle).stdout.strip()
    sources = sorted(bundle.rglob("*.py"))
    assert len(sources) > 500
    for source in sources:
        pyc = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
        header = pyc.read_bytes()[:8]
        assert header[:4].hex() == magic, pyc
        assert int.from_bytes(header[4:8], "little") == PYC_UNCHECKED_HASH, pyc
    stray = [pyc for pyc in bundle.rglob("*.pyc") if tag not in pyc.name]
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


@RUNNABLE
def test_rebuilding_gives_identical_bytes(monorepo: Path, bundle: Path) -> None:
    before = tree_digest(bundle)
    build_bundle(monorepo, API)
    assert tree_digest(bundle) == before


# Runs the handler once, with only the stdlib and `sys.argv[1:]` on sys.path (-I: no
# environment, no user site; -S: no site-packages), and says which modules were compiled from
# source (their .pyc, if any, was not usable) and where botocore came from, if it was loaded.
HANDLER_RUN = f"""
import json, sys
from importlib.machinery import SourceFileLoader
compiled = []
to_code = SourceFileLoader.source_to_code
def spy(self, data, path, *args, **kwargs):
    compiled.append(str(path))
    return to_code(self, data, path, *args, **kwargs)
SourceFileLoader.source_to_code = spy
sys.path[:0] = sys.argv[1:]
from {API}.main import handler
event = json.loads(sys.stdin.read())
context = type("Context", (), {{
    "aws_request_id": "52fdfc07", "function_name": "my-api",
    "function_version": "$LATEST", "memory_limit_in_mb": 256,
    "invoked_function_arn": "arn:aws:lambda:us-east-1:123456789012:function:my-api",
    "get_remaining_time_in_millis": lambda self: 30_000,
}})()
response = handler(event, context)
botocore = getattr(sys.modules.get("botocore"), "__file__", None)
print(json.dumps({{"response": response, "compiled": compiled, "botocore": botocore}}))
"""
TRACING_OFF = {"POWERTOOLS_TRACE_DISABLED": "true"}
# As in Lambda with active tracing: a sampled trace header, and a daemon address where nothing
# listens (segments are sent over UDP, so nothing waits for it).
TRACING_ON = {
    "LAMBDA_TASK_ROOT": "/var/task",
    "AWS_LAMBDA_FUNCTION_NAME": "my-api",
    "_X_AMZN_TRACE_ID": (
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    ),
    "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
}


def run_handler(python: str, *path: Path, env: dict[str, str]) -> dict:
    result = subprocess.run(
        [python, "-I", "-S", "-c", HANDLER_RUN, *map(str, path)],
        input=json.dumps(rest_event("GET", "/echo", {"message": "bundled"})),
        env={
            "PATH": os.environ["PATH"],
            "AWS_REGION": "us-east-1",
            "POWERTOOLS_METRICS_NAMESPACE": "BundleTest",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.splitlines()[-1])
    assert outcome["response"]["statusCode"] == 200, outcome["response"]
    assert json.loads(outcome["response"]["body"]) == {"message": "bundled"}
    return outcome


@RUNNABLE
def test_cold_start_from_read_only_bundle_uses_shipped_bytecode(
    task_root: Path, lambda_python: str
) -> None:
    before = tree_digest(task_root)
    outcome = run_handler(lambda_python, task_root, env=TRACING_OFF)
    assert outcome["compiled"] == [], "modules compiled at import: their .pyc were not used"
    assert outcome["botocore"] is None, "tracing off imports no botocore"
    # The tests run as root, whom chmod does not stop: check nothing was written either.
    assert tree_digest(task_root) == before


def locked_versions(api: Path) -> dict[str, str]:
    lock = tomllib.loads((api / "uv.lock").read_text())
    return {package["name"]: package["version"] for package in lock["package"]}


def test_bundle_leaves_out_the_sdk_the_runtime_provides(rest_monorepo: Path) -> None:
    bundle = rest_monorepo / "dist" / "packages" / API / "bundle"
    shipped = {dist.name.split("-")[0] for dist in bundle.glob("*.dist-info")}
    locked = locked_versions(rest_monorepo / "packages" / API)
    assert {"botocore", "python-dateutil", "six", "urllib3"} <= locked.keys()
    # The SDK (the X-Ray SDK's botocore), and what only it needs.
    assert not shipped & {"boto3", "botocore", "s3transfer", "python_dateutil", "six", "urllib3"}
    # What another dependency needs too (Powertools: jmespath) stays, and the X-Ray SDK.
    assert {"jmespath", "aws_xray_sdk", "wrapt"} <= shipped


@pytest.fixture(scope="session")
def runtime_sdk(rest_monorepo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """botocore as the Lambda runtime has it, outside the bundle: the version the API's lock
    pins, compiled by the runtime's Python."""
    api = rest_monorepo / "packages" / API
    target = tmp_path_factory.mktemp("runtime") / "site-packages"
    botocore = f"botocore=={locked_versions(api)['botocore']}"
    run("uv", "pip", "install", "-q", "--target", target, "--python-platform",
        "x86_64-manylinux2014", "--python-version", answer(rest_monorepo, "pythonVersion"),
        botocore, cwd=api)  # fmt: skip
    run(find_lambda_python(api), "-m", "compileall", "-q", target, cwd=api)
    return target


@pytest.mark.parametrize("monorepo", ["rest"], indirect=True)
def test_traced_bundle_patches_the_runtimes_botocore(
    task_root: Path, lambda_python: str, runtime_sdk: Path
) -> None:
    """In Lambda, the runtime's packages follow the bundle on sys.path: tracing on, the X-Ray
    SDK imports and patches that botocore."""
    outcome = run_handler(lambda_python, task_root, runtime_sdk, env=TRACING_ON)
    assert outcome["botocore"].startswith(str(runtime_sdk))
    assert not [path for path in outcome["compiled"] if path.startswith(str(task_root))]


def test_run_sh_ships_with_every_compute(monorepo: Path) -> None:
    """The Function URL's function and a REST API's streaming ones start the app with it."""
    assert (monorepo / "packages" / API / "scripts" / "run.sh").is_file()
    assert (monorepo / "dist" / "packages" / API / "bundle" / "run.sh").is_file()


@RUNNABLE  # an arm64 bundle cannot run on this machine
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
    assert f"uv python install {answer(rest_monorepo, 'pythonVersion')}" in result.stderr
    assert "--no-bytecode" in result.stderr
    assert tree_digest(bundle) == before


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


@RUNNABLE
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


def test_an_api_that_depends_on_boto3_ships_the_sdk_at_its_locked_versions(
    tmp_path: Path,
) -> None:
    root = tmp_path / "monorepo"
    render(root / "packages")
    api = root / "packages" / API
    run("uv", "add", "--quiet", "--project", api, "--no-sync", "boto3", cwd=root)
    out = tmp_path / "bundle"
    run(*bundle_command(root, API, out), "--no-bytecode", cwd=root)
    locked = locked_versions(api)
    for package, folder in [
        ("boto3", "boto3"),
        ("botocore", "botocore"),
        ("s3transfer", "s3transfer"),
    ]:
        assert (out / folder / "__init__.py").is_file(), package
        assert list(out.glob(f"{package}-{locked[package]}.dist-info")), package


def test_local_files_beside_the_code_stay_out_of_the_bundle(
    rest_monorepo: Path, tmp_path: Path
) -> None:
    """Hatchling packages everything in the module's folder but what pyproject.toml excludes."""
    module = rest_monorepo / "packages" / API / API
    planted = [
        module / ".env",
        module / "dev.sqlite3",
        module / "cache.db",
        module / ".aws/credentials",
    ]
    for path in planted:
        path.parent.mkdir(exist_ok=True)
        path.write_text("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
    out = tmp_path / "bundle"
    try:
        run(*bundle_command(rest_monorepo, API, out), "--no-bytecode", cwd=rest_monorepo)
    finally:
        for path in planted:
            path.unlink()
        (module / ".aws").rmdir()
    assert (out / API / "main.py").is_file()
    assert sorted(path.name for path in (out / API).iterdir()) == sorted(
        path.name for path in module.iterdir() if path.name != "__pycache__"
    )
    assert not [
        path for path in out.rglob("*") if path.is_file() and b"EXAMPLEKEY" in path.read_bytes()
    ]


def test_a_bundle_of_an_earlier_release_is_replaced(rest_monorepo: Path, tmp_path: Path) -> None:
    """Releases before the mark wrote none: their bundles are known by their dates."""
    earlier = tmp_path / "bundle"
    shutil.copytree(rest_monorepo / "dist" / "packages" / API / "bundle", earlier)
    (earlier / ".lambda-bundle").unlink()
    os.utime(earlier, (315532800, 315532800))  # as the unlink left it: 1980-01-01
    run(*bundle_command(rest_monorepo, API, earlier), "--no-bytecode", cwd=rest_monorepo)
    assert (earlier / ".lambda-bundle").is_file()
    assert not list(earlier.rglob("*.pyc"))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bundle"], "nothing left beside"


def test_dist_created_by_the_bundle_target_is_ignored_by_git(rest_monorepo: Path) -> None:
    assert (rest_monorepo / "dist" / ".gitignore").read_text() == "*\n"
