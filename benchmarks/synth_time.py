"""How long synthesizing each variant's example stack takes (cdk-nag included).

Usage: uv run python benchmarks/synth_time.py
Renders every computeType x auth variant into its own monorepo, then synthesizes each one in a
fresh `tsx` process, as `cdk synth` would run the user's app: "process" is the wall time of that
process (Node start-up, loading aws-cdk-lib, synth), "synth" the time inside `app.synth()` and
the construct code. node_modules is installed once (cached) and shared.
"""

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.constructs import (  # noqa: E402
    Api,
    build_api_outputs,
    node_modules,
    render_api,
    synth_all,
    write_example,
)
from harness.rendering import VARIANTS, variant_id  # noqa: E402


def main() -> None:
    modules = node_modules()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        print(f"{'variant':<28} {'process s':>10} {'synth s':>8}")
        for variant in VARIANTS:
            api = Api(base / variant_id(variant), "packages", "my-api", *variant)
            render_api(api)
            build_api_outputs(api, modules)
            example = write_example(api)
            started = time.perf_counter()
            results = synth_all(base / "harness", [(example, example.with_name("cdk.out"))])
            wall = time.perf_counter() - started
            result = results[str(example)]
            if not result["ok"]:
                raise SystemExit(f"{variant_id(variant)}: {result['error']}")
            print(f"{variant_id(variant):<28} {wall:>10.2f} {result['seconds']:>8.2f}")


if __name__ == "__main__":
    main()
