"""Cold start, warm invocation and memory of the rendered API, as ratios to a bare floor app.

    uv run python -m benchmarks.cold_start [--runs N] [--invocations N] [--python 3.12]

Renders the defaults (or another `pythonVersion`), builds the Lambda bundle with its `bundle`
target, and copies it into a read-only folder, as Lambda's /var/task is. The floor is the same
bundle with the API replaced by a bare FastAPI + Mangum app with one `async def` echo route and
no middleware, its bytecode compiled the same way.

The bundle leaves out the AWS SDK, which the Lambda runtime provides: botocore (and what it
needs) is installed outside the bundle, at the version the API's uv.lock pins, compiled to
bytecode by the Lambda version's Python (timestamp-checked .pyc, as pip leaves them) and put on
sys.path after the bundle, as the runtime has its SDK. This assumes the runtime's SDK comes with
its bytecode; were it compiled at each cold start, tracing enabled would cost more. Each figure
comes from fresh Python processes of the Lambda version:
- cold init: import of `<module>.main` plus the first API Gateway REST invocation;
- warm: time per invocation of `GET /echo` after the first;
- peak RSS after those invocations.
Printed with tracing disabled and enabled (the X-Ray SDK then records into a facade segment
and sends to a daemon address on 127.0.0.1, where nothing listens; botocore is patched only
if the API imported it, which the sample API does not); with tracing enabled for a copy of
the bundle with the SDK inside (the runtime's botocore, compiled as the bundle is), as an API
that depends on botocore ships it and as earlier releases shipped every bundle; and, to show
why the bundle ships bytecode, for a copy of the bundle without it. The configurations take
turns, run after run.
"""

import argparse
import importlib.util
import json
import os
import shutil
import stat
import statistics
import subprocess
import tempfile
import tomllib
from pathlib import Path

from harness.bundling import build_bundle, find_lambda_python, lambda_python_version
from harness.rendering import render, run

FLOOR_APP = """
from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/echo")
async def echo(message: str = "hello") -> dict[str, str]:
    return {"message": message}


handler = Mangum(app, lifespan="off")
"""

# Runs in the measured process: the bundle, then the runtime's SDK on sys.path, as in Lambda.
PROBE = """
import json, sys, time
started = time.perf_counter()
sys.path[:0] = sys.argv[1].split(":")
import importlib
module = importlib.import_module(sys.argv[2])
event = json.loads(sys.argv[3])


class Context:
    function_name = "bench"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    aws_request_id = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self):
        return 30000


response = module.handler(event, Context())
cold = time.perf_counter() - started
assert response["statusCode"] == 200, response
invocations = int(sys.argv[4])
started = time.perf_counter()
for _ in range(invocations):
    module.handler(event, Context())
warm = (time.perf_counter() - started) / invocations
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
with open("/proc/self/status") as status:
    rss_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print("RESULT " + json.dumps({"cold": cold, "warm": warm, "rss": rss_kib}), file=sys.stderr)
"""

TRACING_OFF = {"POWERTOOLS_TRACE_DISABLED": "true"}
TRACING_ON = {
    "_X_AMZN_TRACE_ID": (
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    ),
    "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
    "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
}


def rest_echo_event(api: Path) -> dict:
    """The rendered tests' own REST event builder (stdlib only), loaded from its file."""
    spec = importlib.util.spec_from_file_location("events", api / "tests/plumbing/events.py")
    events = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(events)
    return events.rest_event("GET", "/echo", query={"message": ["hi"]})


def read_only_copy(source: Path, target: Path) -> Path:
    """Write bits off, as in /var/task; the probe also runs with -B, since root ignores them."""
    shutil.copytree(source, target, symlinks=True)
    for path in [target, *target.rglob("*")]:
        mode = path.lstat().st_mode
        if not stat.S_ISLNK(mode):
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return target


def compile_as_the_bundle_does(python: str, root: Path, *paths: Path) -> None:
    subprocess.run(
        [python, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", "-s"]
        + [str(root), "-p", "/var/task", *map(str, paths)],
        check=True,
    )


def make_floor(bundle: Path, python: str, target: Path, api_module: str) -> Path:
    shutil.copytree(bundle, target, symlinks=True)
    shutil.rmtree(target / api_module)
    (target / "floor_app.py").write_text(FLOOR_APP)
    compile_as_the_bundle_does(python, target, target / "floor_app.py")
    return target


def with_sdk(bundle: Path, sdk: Path, python: str, target: Path) -> Path:
    """The bundle with the SDK inside, as it ships when the API depends on botocore (and as
    every bundle did before it left the SDK to the runtime)."""
    shutil.copytree(bundle, target, symlinks=True)
    shutil.copytree(sdk, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    compile_as_the_bundle_does(python, target, *(target / path.name for path in sdk.iterdir()))
    return target


def runtime_sdk(api: Path, python: str, version: str, target: Path) -> Path:
    """botocore as the Lambda runtime provides it: outside the bundle, with its bytecode."""
    lock = tomllib.loads((api / "uv.lock").read_text())
    [botocore] = [
        package["version"] for package in lock["package"] if package["name"] == "botocore"
    ]
    platform = "x86_64-manylinux2014"  # this machine's: the benchmark runs the bundle here
    run("uv", "pip", "install", "-q", "--target", target, f"botocore=={botocore}",
        "--python-platform", platform, "--python-version", version, cwd=api)  # fmt: skip
    subprocess.run([python, "-m", "compileall", "-q", str(target)], check=True)
    return target


def measure(
    python: str, runtime: Path, event: dict, configurations: dict[str, tuple], args
) -> dict[str, dict]:
    """Medians over fresh processes (peak RSS: the median too) for each configuration, a
    (bundle, module, environment) triple. The configurations take turns, so that a machine
    that slows down for a while slows them all alike."""
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "POWERTOOLS"))}
    samples: dict[str, list[dict]] = {label: [] for label in configurations}
    for _ in range(args.runs):
        for label, (bundle, module, env) in configurations.items():
            result = subprocess.run(
                [
                    python,
                    "-I",
                    "-B",
                    "-c",
                    PROBE,
                    f"{bundle}:{runtime}",
                    module,
                    json.dumps(event),
                    str(args.invocations),
                ],  # fmt: skip
                env={
                    **base_env,
                    "LAMBDA_TASK_ROOT": str(bundle),
                    "AWS_LAMBDA_FUNCTION_NAME": "bench",
                    "AWS_REGION": "us-east-1",
                    **env,
                },
                stdout=subprocess.DEVNULL,  # EMF metrics, as Lambda ships them to CloudWatch
                stderr=subprocess.PIPE,
                text=True,
                check=True,
            )
            line = next(line for line in result.stderr.splitlines() if line.startswith("RESULT "))
            samples[label].append(json.loads(line.removeprefix("RESULT ")))
    return {
        label: {key: statistics.median(sample[key] for sample in runs) for key in runs[0]}
        for label, runs in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per figure")
    parser.add_argument("--invocations", type=int, default=2000, help="warm calls per process")
    parser.add_argument("--python", help="the pythonVersion answer (default: the question's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        answers = {"pythonVersion": args.python} if args.python else {}
        api = render(root / "packages", **answers) / "my_api"
        python = find_lambda_python(api)
        version = lambda_python_version(api)
        bundle = build_bundle(root, "my_api")
        event = rest_echo_event(api)
        task = read_only_copy(bundle, root / "task")
        sdk = runtime_sdk(api, python, version, root / "sdk")
        runtime = read_only_copy(sdk, root / "runtime")
        floor = read_only_copy(
            make_floor(bundle, python, root / "floor-src", "my_api"), root / "floor"
        )
        bundled_sdk = read_only_copy(
            with_sdk(bundle, sdk, python, root / "with-sdk-src"), root / "with-sdk"
        )
        no_bytecode_src = root / "no-bytecode-src"
        shutil.copytree(bundle, no_bytecode_src)
        for cache in list(no_bytecode_src.rglob("__pycache__")):
            shutil.rmtree(cache)
        no_bytecode = read_only_copy(no_bytecode_src, root / "no-bytecode")

        rows = measure(
            python,
            runtime,
            event,
            {
                "floor: FastAPI + Mangum, one route": (floor, "floor_app", TRACING_OFF),
                "API, tracing disabled": (task, "my_api.main", TRACING_OFF),
                "API, tracing enabled": (task, "my_api.main", TRACING_ON),
                "API, tracing enabled, SDK in bundle": (bundled_sdk, "my_api.main", TRACING_ON),
                "API, tracing disabled, no bytecode": (no_bytecode, "my_api.main", TRACING_OFF),
            },
            args,
        )
        floor_figures = rows["floor: FastAPI + Mangum, one route"]
    print(
        f"Python {version} ({python}); medians of {args.runs} fresh processes, "
        f"{args.invocations} warm invocations each; read-only bundle, the runtime's botocore "
        "after it on sys.path."
    )
    print(f"{'':<38}{'cold init':>15}{'warm / call':>18}{'peak RSS':>17}")
    for label, figures in rows.items():
        print(
            f"{label:<38}"
            f"{figures['cold'] * 1000:>8.0f} ms {figures['cold'] / floor_figures['cold']:>4.2f}x"
            f"{figures['warm'] * 1e6:>10.0f} us {figures['warm'] / floor_figures['warm']:>4.2f}x"
            f"{figures['rss'] / 1024:>9.1f} MB {figures['rss'] / floor_figures['rss']:>4.2f}x"
        )
    print("Targets, as deployed (tracing enabled): cold <= 1.25x, warm <= 2x, peak RSS <= 1.3x.")
    print("Tracing disabled must not get worse than the release before.")


if __name__ == "__main__":
    main()
