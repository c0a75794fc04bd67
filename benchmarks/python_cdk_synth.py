"""How long the rendered CDK app takes to synthesize two APIs, in Python and in TypeScript.

Usage: uv run python -m benchmarks.python_cdk_synth [RUNS]
Renders the same two APIs (REST/IAM and HTTP/Cognito) into two monorepos, one with each
`cdkLanguage`, installs each (the npm workspace, cached; the Python constructs' uv project),
leaves placeholder bundles where the `bundle` targets write them, then runs each app's `synth`
target from the monorepo root, offline, RUNS times (default 3), taking turns: the wall time of
the pinned `cdk synth` (CLI start-up, the app with cdk-nag, writing cdk.out). The Python app
runs through `uv run` and jsii, which starts a Node process of its own for aws-cdk-lib.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness.constructs import Api, app_target, build_api_outputs, render_api, write_spec_and_bundle
from harness.constructs import workspace_node_modules as install_typescript
from harness.python_constructs import (
    QUIET_JSII,
    generate_python_metadata,
    uv_sync,
)

APIS = (
    ("my-api", "ServerlessApiGatewayRestApi", "IAM"),
    ("orders-api", "ServerlessApiGatewayHttpApi", "Cognito"),
)


def synth_seconds(root: Path) -> float:
    started = time.perf_counter()
    result = app_target(root, "packages", "synth", "--no-notices", **QUIET_JSII)
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    return time.perf_counter() - started


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        typescript, python = Path(tmp) / "typescript", Path(tmp) / "python"
        for answers in APIS:
            build_api_outputs(render_api(Api(typescript, "packages", *answers)), None)
            write_spec_and_bundle(
                render_api(Api(python, "packages", *answers), cdkLanguage="Python")
            )
        install_typescript(typescript / "packages")
        generate_python_metadata(Api(python, "packages"))
        uv_sync(Api(python, "packages"))
        synth_seconds(python)  # the CLI's first npx fetch and uv's first sync are not timed
        times: dict[str, list[float]] = {"TypeScript": [], "Python": []}
        for _ in range(runs):
            times["TypeScript"].append(synth_seconds(typescript))
            times["Python"].append(synth_seconds(python))
        print(f"{'cdk synth, two APIs':<22} {'median s':>9} {'min s':>7}  ({runs} runs each)")
        for language, seconds in times.items():
            print(f"{language:<22} {statistics.median(seconds):>9.1f} {min(seconds):>7.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
