"""The typed clients (`generate:<api>-client`): generated for every variant, type-checked in one
`tsc` and one pyright run, called on the dev server, and their SigV4 signers checked against
AWS's test suite and each other."""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harness.constructs import cached_npm_install, link_node_modules, run_unchecked
from harness.rendering import VARIANTS, render, run, variant_id
from tests.test_rendered_api import (
    USER_ROUTE,
    _free_port,
    run_target,
    serving,
    target_command,
)

# One group under xdist: every test shares the generated clients, built once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("clients")]

# What the tests need of npm: the generator's TypeScript tool at the versions the generated
# script pins (npx finds them here, so nothing else is fetched), the clients' dependencies, tsx
# to run TypeScript, and @aws-sdk/signature-v4 3.357.0 for AWS's SigV4 test suite, which it
# ships as `suite.fixture.js` (Apache-2.0; see tests/fixtures/sigv4/SOURCES.md).
NODE_PACKAGES = {
    "private": True,
    "devDependencies": {
        "@aws-crypto/sha256-js": "5.2.0",
        "@aws-sdk/signature-v4": "3.357.0",
        "@hey-api/openapi-ts": "0.95.0",
        "@smithy/signature-v4": "5.7.5",
        "@smithy/types": "4.20.0",
        "@tanstack/query-core": "5.108.0",
        "tsx": "4.23.15",
        "typescript": "5.9.3",
    },
}

# Routes a user adds to main.py: a POST with a path parameter and a body, and one that fails.
USER_ROUTES = (
    USER_ROUTE
    + """

@app.get("/orders/{order_id}")
async def get_order(order_id: int) -> Order:
    raise RuntimeError(f"the database lost order {order_id}")
"""
)


@pytest.fixture(scope="module")
def node_modules() -> Path:
    return cached_npm_install(json.dumps(NODE_PACKAGES, indent=2), "clients")


def generate(root: Path) -> float:
    """The `openapi` then the `generate:my-api-client` target, typed by hand; seconds taken by
    the second."""
    run_target(root, "openapi")
    start = time.monotonic()
    run_target(root, "generate:my-api-client")
    return time.monotonic() - start


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, node_modules: Path) -> dict[str, Path]:
    """Every variant rendered with USER_ROUTES, installed, and its clients generated: the
    monorepo root of each, by variant id. Three at a time: most of it waits on subprocesses."""
    base = tmp_path_factory.mktemp("clients")
    link_node_modules(base, node_modules)

    def build(variant: tuple[str, str]) -> tuple[str, Path, float]:
        root = base / variant_id(variant)
        render(root / "packages", computeType=variant[0], auth=variant[1])
        main = root / "packages/my_api/my_api/main.py"
        main.write_text(main.read_text() + USER_ROUTES)
        run("uv", "sync", "--project", "packages/my_api", cwd=root)
        return variant_id(variant), root, generate(root)

    with ThreadPoolExecutor(3) as pool:
        built = list(pool.map(build, VARIANTS))
    for name, _, seconds in built:
        print(f"generate:my-api-client for {name}: {seconds:.1f} s")
    return {name: root for name, root, _ in built}


def clients(root: Path) -> Path:
    return root / "dist/packages/my_api/clients"


def test_every_variant_gets_both_clients_with_a_method_per_operation(
    generated: dict[str, Path],
) -> None:
    assert set(generated) == {variant_id(variant) for variant in VARIANTS}
    for name, root in generated.items():
        python = (clients(root) / "python/my_api_client/client.py").read_text()
        typescript = (clients(root) / "typescript/client.ts").read_text()
        for operation in ("echo", "stream", "place_order", "get_order"):  # the user's too
            assert f"def {operation}(" in python, name
            assert f"  {operation}(" in typescript, name
        assert "-> Iterator[models.Chunk]:" in python
        assert "-> AsyncIterator[models.Chunk]:" in python
        assert "AsyncIterable<Chunk>" in typescript
        auth = name.rsplit("-", 1)[1]
        expected = {"IAM": "auth: IamAuth", "Cognito": "auth: CognitoAuth", "None": None}[auth]
        if expected:
            assert expected in python, name
            assert "readonly auth: Authorize;" in typescript, name
        else:
            assert "auth" not in python.split("class MyApiClient")[1].split("def close")[0]
            assert not (clients(root) / "typescript/auth.ts").exists()
        service = "lambda" if name.startswith("LambdaFunctionUrl") else "execute-api"
        if auth == "IAM":
            auth_py = (clients(root) / "python/my_api_client/auth.py").read_text()
            assert f'SERVICE = "{service}"' in auth_py
            assert f"SERVICE = '{service}'" in (clients(root) / "typescript/auth.ts").read_text()


# What these tests write beside the generated files, to run or type-check the clients.
TEST_FILES = {"use.ts", "use.py", "calls.ts", "sign.ts"}


def tree(folder: Path) -> dict[str, bytes]:
    """The generated files below `folder`, by relative path."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in TEST_FILES
    }


@pytest.mark.parametrize("auth", ["Cognito", "None"])
def test_the_same_spec_gives_the_same_clients(generated: dict[str, Path], auth: str) -> None:
    """REST and HTTP APIs of one auth have the same spec: two runs of the generator, byte for
    byte the same clients (no dates, no machine paths, a stable order)."""
    rest = tree(clients(generated[f"ApiGatewayRestApi-{auth}"]))
    http = tree(clients(generated[f"ApiGatewayHttpApi-{auth}"]))
    assert rest["openapi.json"] == http["openapi.json"]
    assert rest == http


# Calls made by the type-check: right ones must pass, and the one marked WRONG must fail.
TYPESCRIPT_USE = """\
import {{ MyApiClient, UnprocessableEntityError }} from './index';
import {{ myApiQueries }} from './query';
import {{ QueryClient, QueryObserver, MutationObserver }} from '@tanstack/query-core';
{auth_import}
export async function use(): Promise<string> {{
  const client = new MyApiClient({{ baseUrl: 'http://127.0.0.1:1/'{auth} }});
  const echoed: string = (await client.echo({{ message: 'hi' }})).message;
  for await (const chunk of client.stream({{ count: 3 }})) {{
    const index: number = chunk.index;
    void index;
  }}
  const order = await client.place_order({{ order_id: 1, body: {{ sku: 'a', quantity: 2 }} }});
  const quantity: number = order.quantity;
  try {{
    await client.get_order({{ order_id: 1 }});
  }} catch (error) {{
    if (error instanceof UnprocessableEntityError) {{
      const where: Array<string | number> | undefined = error.body.detail?.[0]?.loc;
      void where;
    }}
  }}
  const queries = myApiQueries(client);
  new QueryObserver(new QueryClient(), queries.echo.queryOptions({{ message: 'hi' }}));
  new MutationObserver(new QueryClient(), queries.place_order.mutationOptions());
  void quantity;
  // WRONG
  await client.echo({{ message: 42 }});
  return echoed;
}}
"""

PYTHON_USE = """\
from collections.abc import Iterator

from . import models
from .client import AsyncMyApiClient, MyApiClient, UnprocessableEntityError
{auth_import}

def use() -> str:
    client = MyApiClient("http://127.0.0.1:1"{auth})
    echoed: str = client.echo(message="hi").message
    chunks: Iterator[models.Chunk] = client.stream(count=3)
    order = client.place_order(order_id=1, body=models.Order(sku="a", quantity=2))
    quantity: int = order.quantity
    try:
        client.get_order(order_id=1)
    except UnprocessableEntityError as error:
        print(error.body.detail)
    print(chunks, quantity, AsyncMyApiClient)
    # WRONG
    client.echo(message=42)
    return echoed
"""

AUTH_USE = {
    "IAM": (
        ("import { iamAuth } from './auth';", ", auth: iamAuth({ region: 'eu-west-1', "
         "credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } })"),
        ("from .auth import IamAuth", ', auth=IamAuth("eu-west-1")'),
    ),
    "Cognito": (
        ("import { cognitoAuth } from './auth';", ", auth: cognitoAuth(() => 'token')"),
        ("from .auth import CognitoAuth", ', auth=CognitoAuth(lambda: "token")'),
    ),
    "None": (("", ""), ("", "")),
}  # fmt: skip


def wrong_line(text: str) -> int:
    """The 1-based line after the `WRONG` marker."""
    lines = text.splitlines()
    return next(number for number, line in enumerate(lines, 1) if "WRONG" in line) + 1


def test_clients_type_check_strict_and_reject_a_wrong_parameter_type(
    generated: dict[str, Path], node_modules: Path, tmp_path: Path
) -> None:
    """One `tsc --strict` over the 8 TypeScript clients, one strict pyright over the 8 Python
    ones; the only errors are the wrong calls, one per client."""
    expected_ts, expected_py = set(), set()
    ts_folders, py_folders = [], []
    for name, root in generated.items():
        (ts_import, ts_auth), (py_import, py_auth) = AUTH_USE[name.rsplit("-", 1)[1]]
        ts = clients(root) / "typescript"
        use = TYPESCRIPT_USE.format(auth_import=ts_import, auth=ts_auth)
        (ts / "use.ts").write_text(use)
        expected_ts.add((str(ts / "use.ts"), wrong_line(use)))
        ts_folders.append(ts)
        py = clients(root) / "python"
        use = PYTHON_USE.format(auth_import=py_import, auth=py_auth)
        (py / "my_api_client" / "use.py").write_text(use)
        expected_py.add((str(py / "my_api_client" / "use.py"), wrong_line(use)))
        py_folders.append(py)

    options = json.loads((ts_folders[0] / "tsconfig.json").read_text())["compilerOptions"]
    tsconfig = {"compilerOptions": options, "include": [f"{f}/*.ts" for f in ts_folders]}
    (tmp_path / "tsconfig.json").write_text(json.dumps(tsconfig))
    link_node_modules(tmp_path, node_modules)
    tsc = run_unchecked(node_modules / ".bin/tsc", "-p", tmp_path / "tsconfig.json", cwd=tmp_path)
    errors = [line for line in tsc.stdout.splitlines() if ": error TS" in line]
    found = {
        (str(tmp_path / line.split("(")[0]), int(line.split("(")[1].split(",")[0]))
        for line in errors
    }
    found = {(str(Path(path).resolve()), line) for path, line in found}
    assert found == {(str(Path(p).resolve()), line) for p, line in expected_ts}, tsc.stdout
    assert len(errors) == len(expected_ts), tsc.stdout  # one each, about `message`
    assert all("'number' is not assignable to type 'string'" in line for line in errors), errors

    # pyright takes paths relative to its configuration: it sits beside the variants.
    base = py_folders[0].parents[5]
    config = {
        "include": [str(folder.relative_to(base)) for folder in py_folders],
        "typeCheckingMode": "strict",
        "pythonVersion": "3.11",
    }
    (base / "pyrightconfig.json").write_text(json.dumps(config))
    venv = generated["ApiGatewayRestApi-IAM"] / "packages/my_api/.venv/bin"
    pyright = run_unchecked(
        venv / "pyright", "--outputjson", "--pythonpath", venv / "python", cwd=base
    )
    report = json.loads(pyright.stdout)
    diagnostics = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    found_py = {(d["file"], d["range"]["start"]["line"] + 1) for d in diagnostics}
    assert found_py == expected_py, json.dumps(diagnostics, indent=1)[:4000]
    python_files = [path for folder in py_folders for path in folder.rglob("*.py")]
    assert report["summary"]["filesAnalyzed"] == len(python_files)


# One variant per auth, each compute once: the clients are called on its dev server.
SERVED = ("ApiGatewayRestApi-IAM", "ApiGatewayHttpApi-Cognito", "LambdaFunctionUrl-None")


@pytest.fixture(scope="module", params=SERVED)
def served(request: pytest.FixtureRequest, generated: dict[str, Path]):
    """A variant's test app (its routes, USER_ROUTES and the test routes), as its `serve`
    target runs it, on a free port of 127.0.0.1: (auth, monorepo root, URL)."""
    root = generated[request.param]
    port = _free_port()
    command = (
        target_command(root, "my_api", "serve")
        .replace("--port 8000", f"--port {port}")
        .replace("my_api.main:app", "tests.plumbing.app:app_with_test_routes")
        .replace("--reload-dir packages/my_api/my_api", "--app-dir packages/my_api")
        .replace(" --reload", "")
    )
    with serving(command, root, port) as base_url:
        yield request.param.rsplit("-", 1)[1], root, base_url


# Each client calls echo, stream (recording when each chunk arrives), a 422 and a 500, and
# prints what it saw as one JSON line.
PYTHON_CALLS = """\
import asyncio, json, sys, time
from my_api_client import (
    AsyncMyApiClient, InternalServerError, MyApiClient, UnprocessableEntityError,
    base_url_from_runtime_config,
)
from my_api_client.models import Order

if sys.argv[2] == "IAM":
    from botocore.credentials import Credentials
    from my_api_client import IamAuth
    options = {"auth": IamAuth("eu-west-1", lambda: Credentials("AKIDEXAMPLE", "secret"))}
elif sys.argv[2] == "Cognito":
    from my_api_client import CognitoAuth
    options = {"auth": CognitoAuth(lambda: "an-id-token")}
else:
    options = {}
seen = {}
# The URL as the constructs' runtime configuration has it (a stage's ends with a slash).
base_url = base_url_from_runtime_config({"apis": {"MyApi": sys.argv[1] + "/"}}, "MyApi")
with MyApiClient(base_url, **options) as client:
    seen["echo"] = client.echo(message="hi").message
    seen["stream"] = []
    for chunk in client.stream(count=3, interval=0.5):
        seen["stream"].append([chunk.index, time.monotonic()])
    seen["order"] = client.place_order(order_id=7, body=Order(sku="a", quantity=2)).quantity
    try:
        client.echo(message="x" * 1025)
    except UnprocessableEntityError as error:
        seen["422"] = [type(error).__name__, error.body.detail[0].type]
    try:
        client.get_order(order_id=7)
    except InternalServerError as error:
        seen["500"] = [type(error).__name__, error.body.detail]


async def main():
    async with AsyncMyApiClient(base_url, **options) as client:
        seen["async_echo"] = (await client.echo(message="hi")).message
        seen["async_stream"] = [c.index async for c in client.stream(count=2, interval=0)]

asyncio.run(main())
print(json.dumps(seen))
"""

TYPESCRIPT_AUTH = {
    "IAM": "import { iamAuth } from './auth';\n"
    "const options = { auth: iamAuth({ region: 'eu-west-1', "
    "credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }) };",
    "Cognito": "import { cognitoAuth } from './auth';\n"
    "const options = { auth: cognitoAuth(() => 'an-id-token') };",
    "None": "const options = {};",
}

TYPESCRIPT_CALLS = """\
import { InternalServerError, MyApiClient, UnprocessableEntityError } from './client';
import { baseUrlFromRuntimeConfig } from './runtime';
AUTH

async function main(): Promise<void> {
  const config = { apis: { MyApi: `${process.argv[2]}/` } };
  const baseUrl = baseUrlFromRuntimeConfig(config, 'MyApi');
  const client = new MyApiClient({ baseUrl, ...options });
  const seen: Record<string, unknown> = {};
  seen.echo = (await client.echo({ message: 'hi' })).message;
  const stream: [number, number][] = [];
  for await (const chunk of client.stream({ count: 3, interval: 0.5 })) {
    stream.push([chunk.index, performance.now() / 1000]);
  }
  seen.stream = stream;
  seen.order = (await client.place_order({ order_id: 7, body: { sku: 'a', quantity: 2 } }))
    .quantity;
  try {
    await client.echo({ message: 'x'.repeat(1025) });
  } catch (error) {
    if (error instanceof UnprocessableEntityError) {
      seen['422'] = [error.constructor.name, error.body.detail?.[0]?.type];
    }
  }
  try {
    await client.get_order({ order_id: 7 });
  } catch (error) {
    if (error instanceof InternalServerError) {
      seen['500'] = [error.constructor.name, error.body.detail];
    }
  }
  console.log(JSON.stringify(seen));
}

void main();
"""


def assert_calls(seen: dict, asynchronous: bool) -> None:
    assert seen["echo"] == "hi"
    assert [index for index, _ in seen["stream"]] == [0, 1, 2]
    # Streamed: the first chunk arrived about 1 s before the last (sent 0.5 s apart), so
    # before the server sent the last one. Buffered, they would arrive together.
    assert seen["stream"][-1][1] - seen["stream"][0][1] > 0.6, seen["stream"]
    assert seen["order"] == 2
    assert seen["422"] == ["UnprocessableEntityError", "string_too_long"]
    assert seen["500"] == ["InternalServerError", "Internal Server Error"]
    if asynchronous:
        assert seen["async_echo"] == "hi"
        assert seen["async_stream"] == [0, 1]


def test_python_client_calls_the_dev_server(served) -> None:
    auth, root, base_url = served
    python = root / "packages/my_api/.venv/bin/python"
    env = {"PYTHONPATH": str(clients(root) / "python"), "AWS_EC2_METADATA_DISABLED": "true"}
    result = run(python, "-c", PYTHON_CALLS, base_url, auth, cwd=root, env=env)
    assert_calls(json.loads(result.stdout.splitlines()[-1]), asynchronous=True)


def test_typescript_client_calls_the_dev_server(served, node_modules: Path) -> None:
    auth, root, base_url = served
    script = clients(root) / "typescript" / "calls.ts"
    script.write_text(TYPESCRIPT_CALLS.replace("AUTH", TYPESCRIPT_AUTH[auth]))
    result = run(node_modules / ".bin/tsx", script, base_url, cwd=root)
    assert_calls(json.loads(result.stdout.splitlines()[-1]), asynchronous=False)


# --- SigV4 ----------------------------------------------------------------------------------
# AWS's SigV4 test suite (aws-sig-v4-test-suite: each request, and the Authorization header
# AWS computed for it), as AWS's JavaScript SDK ships it in @aws-sdk/signature-v4 3.357.0
# (Apache-2.0): read from the installed package, nothing of it copied here.
SUITE = """\
const suite = require('@aws-sdk/signature-v4/dist-cjs/suite.fixture.js');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

async function main() {
  const signer = new SignatureV4({
    service: suite.service, region: suite.region, credentials: suite.credentials, sha256: Sha256,
    applyChecksum: false,  // the suite signs no x-amz-content-sha256 header
  });
  const signed = {};
  for (const { name, request } of suite.requests) {
    const result = await signer.sign(request, { signingDate: suite.signingDate });
    signed[name] = result.headers.authorization;
  }
  console.log(JSON.stringify({
    region: suite.region, service: suite.service, credentials: suite.credentials,
    date: suite.signingDate.toISOString(), requests: suite.requests, smithy: signed,
  }));
}
main();
"""


@pytest.fixture(scope="module")
def sigv4_suite(node_modules: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("sigv4")
    link_node_modules(folder, node_modules)
    (folder / "suite.js").write_text(SUITE)
    return json.loads(run("node", folder / "suite.js", cwd=folder).stdout)


# botocore's Authorization header for each of the suite's requests, at the suite's date.
BOTOCORE_SUITE = """\
import datetime, json, sys
from unittest import mock
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

suite = json.loads(sys.argv[1])
date = datetime.datetime.fromisoformat(suite["date"].replace("Z", "+00:00"))
out = {}
for case in suite["requests"]:
    request = case["request"]
    aws = AWSRequest(
        method=request["method"],
        url=f"{request['protocol']}//{request['hostname']}{request['path']}",
        params=request["query"],
        headers=request["headers"],
        data=request.get("body", b""),
    )
    credentials = Credentials(suite["credentials"]["accessKeyId"],
                              suite["credentials"]["secretAccessKey"])
    with mock.patch("botocore.auth.get_current_datetime", return_value=date):
        SigV4Auth(credentials, suite["service"], suite["region"]).add_auth(aws)
    out[case["name"]] = aws.headers["Authorization"]
print(json.dumps(out))
"""


def test_both_signers_match_aws_sigv4_test_suite(generated: dict[str, Path], sigv4_suite: dict):
    """The signers the clients use (botocore's, @smithy/signature-v4) on AWS's published
    requests: each gives the Authorization header AWS computed."""
    expected = {case["name"]: case["authorization"] for case in sigv4_suite["requests"]}
    assert len(expected) >= 20
    assert sigv4_suite["smithy"] == expected
    venv = generated["ApiGatewayRestApi-IAM"] / "packages/my_api/.venv/bin/python"
    result = run(venv, "-c", BOTOCORE_SUITE, json.dumps(sigv4_suite), cwd=Path.cwd())
    assert json.loads(result.stdout) == expected


# One request signed by each client's own IAM auth, at the same instant: same signature.
SAME_REQUEST = {
    "method": "POST",
    "url": "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/orders/7",
    "query": {"note": "x y+z/é", "tag": ["b", "a"]},
    "body": '{"sku":"a","quantity":2}',
    "date": "2026-01-02T03:04:05Z",
}

PYTHON_SIGN = """\
import datetime, json, sys
from unittest import mock
import httpx2
from botocore.credentials import Credentials
from my_api_client.auth import IamAuth
from my_api_client.runtime import with_query

case = json.loads(sys.argv[1])
date = datetime.datetime.fromisoformat(case["date"].replace("Z", "+00:00"))
request = httpx2.Request(
    case["method"], with_query(case["url"], case["query"]), content=case["body"].encode(),
    headers={"content-type": "application/json"},
)
auth = IamAuth("eu-west-1", lambda: Credentials("AKIDEXAMPLE", "secret", "token"))
with mock.patch("botocore.auth.get_current_datetime", return_value=date):
    signed = next(auth.auth_flow(request))
print(json.dumps({"url": str(signed.url), "authorization": signed.headers["authorization"]}))
"""

TYPESCRIPT_SIGN = """\
import { iamAuth } from './auth';
import { Transport } from './runtime';

const request = JSON.parse(process.argv[2] ?? '{}');
const RealDate = Date;
const fixed = new RealDate(request.date).getTime();
// The signer reads the time from new Date(): here, the request's date.
globalThis.Date = class extends RealDate {
  constructor(...args: [number?]) {
    super(args.length > 0 ? (args[0] as number) : fixed);
  }
  static override now(): number {
    return fixed;
  }
} as DateConstructor;

const auth = iamAuth({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
});
const transport = new Transport(
  {
    baseUrl: request.url.replace('/orders/7', ''),
    fetch: async (url, init) => {
      const authorization = new Headers(init?.headers).get('authorization');
      console.log(JSON.stringify({ url: String(url), authorization }));
      return new Response('{}');
    },
  },
  auth,
  {},
);
void transport.send({
  method: request.method,
  path: '/orders/7',
  query: request.query,
  body: JSON.parse(request.body),
});
"""


def test_python_and_typescript_clients_sign_a_request_alike(
    generated: dict[str, Path], node_modules: Path
) -> None:
    """botocore (Python client) and @smithy/signature-v4 (TypeScript client), each through the
    client's own auth and query encoding: same URL sent, same signature."""
    root = generated["ApiGatewayRestApi-IAM"]
    case = json.dumps(SAME_REQUEST)
    python = root / "packages/my_api/.venv/bin/python"
    env = {"PYTHONPATH": str(clients(root) / "python")}
    by_python = json.loads(run(python, "-c", PYTHON_SIGN, case, cwd=root, env=env).stdout)
    script = clients(root) / "typescript" / "sign.ts"
    script.write_text(TYPESCRIPT_SIGN)
    by_typescript = json.loads(run(node_modules / ".bin/tsx", script, case, cwd=root).stdout)
    assert by_python["url"] == by_typescript["url"]
    assert "note=x%20y%2Bz%2F%C3%A9&tag=b&tag=a" in by_python["url"]
    assert by_python["authorization"] == by_typescript["authorization"]
    assert by_python["authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/eu-west-1/execute-api/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "
        "Signature="
    )


# A route added to main.py once the clients exist.
ANOTHER_ROUTE = """

@app.delete("/orders/{order_id}", status_code=204)
async def cancel_order(order_id: int) -> None:
    return None
"""


def test_a_route_added_to_main_py_is_in_both_clients_at_the_next_run(
    generated: dict[str, Path],
) -> None:
    root = generated["LambdaFunctionUrl-IAM"]  # last: no other test reads it afterwards
    before = tree(clients(root))
    main = root / "packages/my_api/my_api/main.py"
    main.write_text(main.read_text() + ANOTHER_ROUTE)
    generate(root)
    after = tree(clients(root))
    python = after["python/my_api_client/client.py"].decode()
    typescript = after["typescript/client.ts"].decode()
    assert "def cancel_order(self, *, order_id: int) -> None:" in python
    assert (
        "cancel_order(params: CancelOrderData['path'], options?: CallOptions): Promise<void>"
        in (typescript)
    )
    assert b"cancel_order" not in before["python/my_api_client/client.py"]
    assert after["python/my_api_client/runtime.py"] == before["python/my_api_client/runtime.py"]
