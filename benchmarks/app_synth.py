"""How long the rendered CDK app takes to synthesize two APIs through the `cdk` CLI.

Usage: uv run python benchmarks/app_synth.py [RUNS]
Renders a REST/IAM API and an HTTP/Cognito API into one `packages/`, installs its npm workspace
(cached), leaves placeholder bundles where the `bundle` targets write them, then runs the app's
`synth` target from the monorepo root, offline, RUNS times (default 3): "cli" is the wall time of
`npx cdk synth` (CLI start-up, the app, cdk-nag, writing cdk.out), "app" the wall time of the
app alone (`tsx main.ts`), the part the CLI waits for.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.constructs import (  # noqa: E402
    Api,
    app_target,
    build_api_outputs,
    offline_env,
    render_api,
    run_unchecked,
    workspace_node_modules,
)

APIS = (
    ("my-api", "ServerlessApiGatewayRestApi", "IAM"),
    ("orders-api", "ServerlessApiGatewayHttpApi", "Cognito"),
)


def timed(run) -> float:
    started = time.perf_counter()
    result = run()
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    return time.perf_counter() - started


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        apis = [render_api(Api(root, "packages", *answers)) for answers in APIS]
        modules = workspace_node_modules(root / "packages")
        for api in apis:
            build_api_outputs(api, None)
        tsx = modules / ".bin" / "tsx"
        outdir = str(root / "app.out")
        cli, app = [], []
        for _ in range(runs):
            cli.append(timed(lambda: app_target(root, "packages", "synth", "--no-notices")))
            app.append(
                timed(
                    lambda: run_unchecked(
                        tsx,
                        "main.ts",
                        cwd=root / "packages/infra",
                        env=offline_env(CDK_OUTDIR=outdir),
                    )
                )
            )
        print(f"{'two APIs, cdk-nag':<20} {'median s':>9} {'min s':>7}  ({runs} runs)")
        print(f"{'cdk synth (cli)':<20} {statistics.median(cli):>9.1f} {min(cli):>7.1f}")
        print(f"{'tsx main.ts (app)':<20} {statistics.median(app):>9.1f} {min(app):>7.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
