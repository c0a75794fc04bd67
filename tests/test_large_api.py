"""An API of 80 operations, rendered with the defaults (REST, IAM) and deployed by the rendered
app as it stands: the `cdk` CLI synthesizes one function per operation into one stack under
CloudFormation's 500 resources, with no cdk-nag, cfn-lint or checkov finding.

The constructs' tests (test_constructs.py) cover an HTTP API of 80 operations, and an API too
large for its stack; benchmarks/resources_per_operation.py prints the cost per operation.
"""

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.constructs import (
    Api,
    app_target,
    build_api_outputs,
    cdk_out,
    many_operations_spec,
    resources,
    run_unchecked,
    workspace_node_modules,
)
from harness.rendering import render

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
OPERATIONS = 80
STACK = "PackagesApis"


@pytest.fixture(scope="module")
def large_app(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    root = tmp_path_factory.mktemp("large")
    api = Api(root, "packages", "my-api")
    render(root / "packages", directory="packages")
    workspace_node_modules(root / "packages")
    build_api_outputs(api, None, many_operations_spec(OPERATIONS))
    synth = app_target(root, "packages", "synth", "--no-notices")
    assert synth.returncode == 0, synth.stdout + synth.stderr
    out = cdk_out(root, "packages")
    tpl = json.loads((out / f"{STACK}.template.json").read_text())
    return SimpleNamespace(root=root, out=out, template=tpl)


def test_80_operations_synthesize_into_one_stack_with_a_function_each(large_app) -> None:
    tpl = large_app.template
    assert len(tpl["Resources"]) < 500
    functions = resources(tpl, "AWS::Lambda::Function")
    assert len(functions) == OPERATIONS
    assert len({json.dumps(f["Properties"]["Role"]) for f in functions.values()}) == 1
    # The secure defaults are all there.
    assert len(resources(tpl, "AWS::WAFv2::WebACLAssociation")) == 1
    (stage,) = resources(tpl, "AWS::ApiGateway::Stage").values()
    assert "AccessLogSetting" in stage["Properties"]
    assert stage["Properties"]["MethodSettings"][0]["ThrottlingRateLimit"] == 100


def test_cfn_lint_and_checkov_find_nothing(large_app) -> None:
    lint = run_unchecked(
        BIN / "cfn-lint",
        "--format",
        "json",
        large_app.out / f"{STACK}.template.json",
        cwd=large_app.root,
    )
    errors = [f for f in json.loads(lint.stdout or "[]") if f["Level"] == "Error"]
    assert errors == [], json.dumps(errors, indent=1)[:4000]
    checkov = app_target(
        large_app.root, "packages", "checkov", "--output", "json", BC_SKIP_MAPPING="TRUE"
    )
    report = json.loads(checkov.stdout)
    assert [check["check_id"] for check in report["results"]["failed_checks"]] == []
    assert report["summary"]["passed"] > 50
