"""Cold start, warm invocation and memory of the rendered API, as ratios to a bare floor app.

    uv run python -m benchmarks.cold_start [--runs N] [--invocations N]

Renders the defaults, builds the Lambda bundle with its `bundle` target, and copies it into a
read-only folder, as Lambda's /var/task is. The floor is the same bundle with the API replaced
by a bare FastAPI + Mangum app with one `async def` echo route and no middleware, its bytecode
compiled the same way. Each figure comes from fresh Python processes of the Lambda version:
- cold init: import of `<module>.main` plus the first API Gateway REST invocation;
- warm: time per invocation of `GET /echo` after the first;
- peak RSS after those invocations.
Printed with tracing disabled and enabled (the X-Ray SDK then records into a facade segment
and sends to a daemon address on 127.0.0.1, where nothing listens), and, to show why the
bundle ships bytecode, for a copy of the bundle without it.
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
from pathlib import Path

from harness.bundling import LAMBDA_PYTHON, build_bundle, find_lambda_python
from harness.rendering import render

FLOOR_APP = """
from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/echo")
async def echo(message: str = "hello") -> dict[str, str]:
    return {"message": message}


handler = Mangum(app, lifespan="off")
"""

# Runs in the measured process: only the bundle on sys.path, as in Lambda.
PROBE = """
import json, sys, time
started = time.perf_counter()
sys.path.insert(0, sys.argv[1])
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


def make_floor(bundle: Path, python: str, target: Path, api_module: str) -> Path:
    shutil.copytree(bundle, target, symlinks=True)
    shutil.rmtree(target / api_module)
    (target / "floor_app.py").write_text(FLOOR_APP)
    subprocess.run(
        [python, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", "-s"]
        + [str(target), "-p", "/var/task", str(target / "floor_app.py")],
        check=True,
    )
    return target


def measure(python: str, bundle: Path, module: str, event: dict, env: dict, args) -> dict:
    """Medians over fresh processes (peak RSS: the median too)."""
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "POWERTOOLS"))}
    process_env = {
        **base_env,
        "LAMBDA_TASK_ROOT": str(bundle),
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_REGION": "us-east-1",
        **env,
    }
    samples = []
    for _ in range(args.runs):
        result = subprocess.run(
            [
                python,
                "-I",
                "-B",
                "-c",
                PROBE,
                str(bundle),
                module,
                json.dumps(event),
                str(args.invocations),
            ],
            env=process_env,
            stdout=subprocess.DEVNULL,  # EMF metrics, as Lambda would ship them to CloudWatch
            stderr=subprocess.PIPE,
            text=True,
            check=True,
        )
        line = next(line for line in result.stderr.splitlines() if line.startswith("RESULT "))
        samples.append(json.loads(line.removeprefix("RESULT ")))
    return {key: statistics.median(sample[key] for sample in samples) for key in samples[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per figure")
    parser.add_argument("--invocations", type=int, default=2000, help="warm calls per process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        render(root / "packages")
        python = find_lambda_python(root / "packages/my_api")
        bundle = build_bundle(root, "my_api")
        event = rest_echo_event(root / "packages/my_api")
        task = read_only_copy(bundle, root / "task")
        floor = read_only_copy(
            make_floor(bundle, python, root / "floor-src", "my_api"), root / "floor"
        )
        no_bytecode_src = root / "no-bytecode-src"
        shutil.copytree(bundle, no_bytecode_src)
        for cache in list(no_bytecode_src.rglob("__pycache__")):
            shutil.rmtree(cache)
        no_bytecode = read_only_copy(no_bytecode_src, root / "no-bytecode")

        floor_figures = measure(python, floor, "floor_app", event, TRACING_OFF, args)
        rows = [
            ("floor: FastAPI + Mangum, one route", floor_figures),
            (
                "API, tracing disabled",
                measure(python, task, "my_api.main", event, TRACING_OFF, args),
            ),
            ("API, tracing enabled", measure(python, task, "my_api.main", event, TRACING_ON, args)),
            (
                "API, tracing disabled, no bytecode",
                measure(python, no_bytecode, "my_api.main", event, TRACING_OFF, args),
            ),
        ]
    print(
        f"Python {LAMBDA_PYTHON} ({python}); medians of {args.runs} fresh processes, "
        f"{args.invocations} warm invocations each; read-only bundle."
    )
    print(f"{'':<38}{'cold init':>15}{'warm / call':>18}{'peak RSS':>17}")
    for label, figures in rows:
        print(
            f"{label:<38}"
            f"{figures['cold'] * 1000:>8.0f} ms {figures['cold'] / floor_figures['cold']:>4.2f}x"
            f"{figures['warm'] * 1e6:>10.0f} us {figures['warm'] / floor_figures['warm']:>4.2f}x"
            f"{figures['rss'] / 1024:>9.1f} MB {figures['rss'] / floor_figures['rss']:>4.2f}x"
        )
    print("Targets with tracing disabled: cold <= 1.25x, warm <= 2x, peak RSS <= 1.3x the floor.")


if __name__ == "__main__":
    main()
