"""How many CloudFormation resources each operation of an API costs, REST and HTTP.

Usage: uv run python benchmarks/resources_per_operation.py [--ref REF]
Renders an API (IAM auth, the default builder: one function per operation) with a spec of
SMALL and of LARGE GET operations at paths of one segment (`/op01` ...), synthesizes each alone
in a stack and counts its resources: per operation is the difference over the difference in
operations, per API what remains. `--ref` renders the template at a commit or tag of this
repository instead of the working tree (e.g. the release before the resources were shared); the
stack limit is lifted for the count, so that APIs too large for a stack are counted too.
"""

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.constructs import (  # noqa: E402
    Api,
    build_api_outputs,
    many_operations_spec,
    node_modules,
    synth_all,
    template,
)
from harness.rendering import render  # noqa: E402

SMALL, LARGE = 8, 80
COMPUTES = {"REST": "ServerlessApiGatewayRestApi", "HTTP": "ServerlessApiGatewayHttpApi"}

STACK = """\
import {{ App, Stack }} from 'aws-cdk-lib';
import {{ {cls} }} from '{index}';

export function synth(outdir: string): void {{
  // No limit: an API too large for one stack is counted, not refused.
  const app = new App({{ outdir, context: {{ '@aws-cdk/core:stackResourceLimit': 0 }} }});
  const stack = new Stack(app, 'Example', {{
    env: {{ account: '123456789012', region: 'eu-west-1' }},
  }});
  new {cls}(stack, '{cls}', {{ integrations: {cls}.defaultIntegrations(stack).build() }});
  app.synth();
}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="commit or tag (default: the working tree)")
    ref = parser.parse_args().ref
    modules = node_modules()
    with tempfile.TemporaryDirectory() as tmp:
        jobs = {}
        for kind, compute in COMPUTES.items():
            for operations in (SMALL, LARGE):
                api = Api(Path(tmp) / f"{kind}-{operations}", "packages", "my-api", compute, "IAM")
                render(
                    api.root / api.directory,
                    vcs_ref=ref,
                    name=api.name,
                    computeType=compute,
                    auth=api.auth,
                    directory=api.directory,
                )
                build_api_outputs(api, modules, many_operations_spec(operations))
                example = api.root / "infra" / "count.ts"
                example.parent.mkdir(parents=True, exist_ok=True)
                index = os.path.relpath(api.constructs / "src", example.parent)
                example.write_text(STACK.format(cls=api.cls, index=index))
                jobs[kind, operations] = example
        results = synth_all(
            Path(tmp) / "harness", [(path, path.with_name("count.out")) for path in jobs.values()]
        )
        print(f"template: {ref}")
        print(f"{'API':<6}{SMALL:>5} ops{LARGE:>5} ops{'per op':>9}{'per API':>9}  at {LARGE}")
        for kind in COMPUTES:
            counts = {}
            for operations in (SMALL, LARGE):
                path = jobs[kind, operations]
                result = results[str(path)]
                if not result["ok"]:
                    raise SystemExit(f"{kind} {operations}: {result['error']}")
                counts[operations] = template(path.with_name("count.out"))["Resources"]
            per_op = (len(counts[LARGE]) - len(counts[SMALL])) / (LARGE - SMALL)
            fixed = len(counts[LARGE]) - per_op * LARGE
            types = Counter(r["Type"].split("::", 1)[1] for r in counts[LARGE].values())
            print(
                f"{kind:<6}{len(counts[SMALL]):>9}{len(counts[LARGE]):>9}{per_op:>9.2f}"
                f"{fixed:>9.0f}  {json.dumps(dict(types.most_common()))}"
            )


if __name__ == "__main__":
    main()
