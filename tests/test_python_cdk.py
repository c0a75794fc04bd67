"""The CDK half in Python (`cdkLanguage=Python`): the same CloudFormation as the TypeScript
constructs for every compute type and auth, strict types, and an app that synthesizes a folder
of two APIs through the `cdk` CLI with no cdk-nag, cfn-lint or checkov finding.

Both languages synthesize with the aws-cdk-lib version the Python project pins: the TypeScript
constructs are installed at exactly that version here. All Python examples run in one Python
process and all TypeScript ones in one tsx process (loading aws-cdk-lib is most of the cost).
"""

import json
import re
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from extensions.monorepo import cdk_language_error
from harness.constructs import (
    Api,
    app_target,
    build_api_outputs,
    cdk_out,
    copier_copy,
    one_api_stack,
    render_api,
    run_unchecked,
    synth_all,
    template,
    typecheck,
    write_example,
    write_spec_and_bundle,
)
from harness.python_constructs import (
    comparable,
    generate_python_metadata,
    node_modules_at_python_cdk_lib,
    pyright,
    python_cdk_lib_version,
    python_one_api,
    python_synth_all,
    template_diff,
    uv_sync,
    write_python_example,
)
from harness.rendering import TEMPLATE, VARIANTS, render, variant_id
from harness.template_repo import commit_all, new_monorepo, snapshot

BIN = Path(sys.executable).parent
REST, HTTP, URL = (
    "ServerlessApiGatewayRestApi",
    "ServerlessApiGatewayHttpApi",
    "ServerlessLambdaFunctionUrl",
)
SHORT = {REST: "rest", HTTP: "http", URL: "url"}


def api_name(variant: tuple[str, str]) -> str:
    """One API per variant in the Python folder, named after it: `rest-iam`, `url-none`."""
    compute, auth = variant
    return f"{SHORT[compute]}-{auth.lower()}"


# Each variant's example with the README's settings, and, behind API Gateway, the defaults with
# a shared handler (`-shared`), and one operation with a role of its own next to the shared
# one (`-own-role`, a stack of that API alone): every builder option, prop and handle of both.
OWN_ROLE_VARIANTS = ((REST, "IAM"), (HTTP, "None"))
EXAMPLES = [
    *((variant_id(variant), variant, "") for variant in VARIANTS),
    *((f"{variant_id(v)}-shared", v, "shared") for v in VARIANTS if v[0] != URL),
    *((f"{variant_id(v)}-own-role", v, "own-role") for v in OWN_ROLE_VARIANTS),
]


# --- Fast: one folder, one language -------------------------------------------------------------
def test_a_second_api_takes_the_folders_language_and_shares_its_files(tmp_path: Path) -> None:
    packages = render(tmp_path / "packages", cdkLanguage="Python")
    first = snapshot(packages / "common")
    render(packages, name="orders-api", computeType=HTTP, auth="Cognito")
    answers = yaml.safe_load((packages / "orders_api/.copier-answers.yml").read_text())
    assert answers["cdkLanguage"] == "Python"
    after = snapshot(packages / "common")
    assert {path: after[path] for path in first} == first  # the shared files, byte for byte
    assert "constructs/common_constructs/app/apis/orders_api.py" in after
    # No TypeScript toolchain: no package.json, no tsconfig, no TypeScript but the typed
    # client's runtime, which each API's client generator copies into the client it writes.
    typescript = {path.relative_to(packages).as_posix() for path in packages.rglob("*.ts")}
    assert typescript == {
        f"{api}/scripts/clients/{name}.ts"
        for api in ("my_api", "orders_api")
        for name in ("runtime", "auth")
    }
    assert not [*packages.rglob("package.json"), *packages.rglob("tsconfig*.json")]


@pytest.mark.parametrize(("first", "second"), [("Python", "TypeScript"), ("TypeScript", "Python")])
def test_an_api_in_the_other_language_is_refused_before_anything_is_written(
    tmp_path: Path, first: str, second: str
) -> None:
    packages = render(tmp_path / "packages", cdkLanguage=first)
    before = snapshot(packages)
    with pytest.raises(ValueError, match=f"cdkLanguage {second} is not this folder's"):
        render(packages, name="orders-api", cdkLanguage=second)
    assert snapshot(packages) == before


def test_an_api_keeps_its_language_on_update(tmp_path: Path) -> None:
    """The validator sees the API's own answers file during an update: another language is
    refused, and an API rendered before the question counts as TypeScript."""
    api = tmp_path / "my_api"
    api.mkdir()
    (api / ".copier-answers.yml").write_text("name: my-api\ncdkLanguage: Python\n")
    assert "cannot change from Python to TypeScript" in cdk_language_error(
        tmp_path, "my_api", "TypeScript"
    )
    assert cdk_language_error(tmp_path, "my_api", "Python") == ""
    (api / ".copier-answers.yml").write_text("name: my-api\n")  # before cdkLanguage existed
    assert "cannot change from TypeScript to Python" in cdk_language_error(
        tmp_path, "my_api", "Python"
    )
    assert cdk_language_error(tmp_path, "my_api", "TypeScript") == ""


# --- Slow: the same template from both languages ----------------------------------------------
@pytest.fixture(scope="module")
def equivalence(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Every variant rendered in TypeScript (one monorepo each) and in Python (one folder with
    an API per variant), both examples of each synthesized, with the same aws-cdk-lib."""
    base = tmp_path_factory.mktemp("equivalence")
    modules = node_modules_at_python_cdk_lib()
    python_root = base / "python"
    ts_jobs, py_jobs, outdirs = [], [], {}
    ts_apis, py_apis = [], {}
    for key, variant, kind in EXAMPLES:
        name = api_name(variant)
        if not kind:
            ts_apis.append(render_api(Api(base / "ts" / name, "packages", name, *variant)))
            build_api_outputs(ts_apis[-1], modules)
            py_apis[variant] = render_api(
                Api(python_root, "packages", name, *variant), cdkLanguage="Python"
            )
            write_spec_and_bundle(py_apis[variant])
        ts_api = Api(base / "ts" / name, "packages", name, *variant)
        if kind == "own-role":
            example = ts_api.root / "infra" / "own_role.ts"
            own_role = f"{ts_api.cls}.defaultIntegrations(stack).withOwnRole('stream').build()"
            example.write_text(one_api_stack(ts_api, own_role))
            python_example = python_root / "examples" / f"{key.replace('-', '_')}.py"
            own_role = f'{ts_api.cls}.default_integrations(stack).with_own_role("stream").build()'
            python_example.write_text(python_one_api(py_apis[variant], own_role))
        else:
            options = {"shared_handler": True, "closed": True} if kind else {}
            example = write_example(ts_api, kind or "example", **options)
            python_example = write_python_example(
                py_apis[variant], key.replace("-", "_"), **options
            )
        outdirs[key] = (example.with_suffix(".out"), python_example.with_suffix(".out"))
        ts_jobs.append((example, outdirs[key][0]))
        py_jobs.append((python_example, outdirs[key][1]))
    python_api = next(iter(py_apis.values()))
    generate_python_metadata(python_api)
    uv_sync(python_api)
    started = time.perf_counter()
    python_results = python_synth_all(python_api.constructs, py_jobs)
    python_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ts_results = synth_all(base / "harness", ts_jobs, modules)
    ts_seconds = time.perf_counter() - started
    print(
        f"synth of {len(EXAMPLES)} examples: Python {python_seconds:.1f} s, TS {ts_seconds:.1f} s"
    )
    tsc = typecheck(
        base / "harness",
        [example for example, _ in ts_jobs],
        [api.constructs / "src" for api in ts_apis],
        modules,
    )
    return SimpleNamespace(
        outdirs=outdirs,
        python=python_api,
        python_results={Path(k).stem: v for k, v in python_results.items()},
        ts_results=ts_results,
        py_jobs=py_jobs,
        ts_jobs=ts_jobs,
        tsc=tsc,
        modules=modules,
    )


@pytest.mark.slow
def test_both_languages_use_the_same_aws_cdk_lib(equivalence: SimpleNamespace) -> None:
    installed = json.loads((equivalence.modules / "aws-cdk-lib/package.json").read_text())
    assert installed["version"] == python_cdk_lib_version() == "2.275.0"
    result = run_unchecked(
        "uv", "run", "--quiet", "--project", equivalence.python.constructs, "python", "-c",
        "from importlib.metadata import version; print(version('aws-cdk-lib'))",
        cwd=equivalence.python.root,
    )  # fmt: skip
    assert result.stdout.strip() == installed["version"]


@pytest.mark.slow
def test_the_typescript_constructs_typecheck_on_that_aws_cdk_lib(equivalence) -> None:
    assert equivalence.tsc.strip() == ""


@pytest.mark.slow
@pytest.mark.parametrize("key", [key for key, _, _ in EXAMPLES])
def test_both_languages_synthesize_the_same_template(equivalence, key: str) -> None:
    ts_out, python_out = equivalence.outdirs[key]
    for results, module in (
        (equivalence.ts_results, next(str(m) for m, o in equivalence.ts_jobs if o == ts_out)),
        (equivalence.python_results, python_out.stem),
    ):
        assert results[module]["ok"], results[module].get("error")
    typescript, python = comparable(template(ts_out)), comparable(template(python_out))
    assert len(typescript["Resources"]) > 5
    difference = template_diff(python, typescript)
    assert difference == "", (
        f"The Python constructs drifted from the TypeScript ones:\n{difference}"
    )


# --- Slow: types and lint ----------------------------------------------------------------------
README = (
    TEMPLATE / "template/common/constructs/{% if cdkLanguage == 'Python' %}README.md{% endif %}"
)


def readme_module() -> str:
    """The constructs README's Python example, for the REST/IAM API of the Python folder."""
    code = README.read_text().split("```python\n", 1)[1].split("```", 1)[0]
    return code.replace("my_api", "rest_iam").replace("MyApi", "RestIam")


@pytest.mark.slow
def test_the_python_constructs_app_and_examples_pass_pyright_strict(equivalence) -> None:
    project = equivalence.python.constructs
    report = pyright(project)  # the constructs, eight APIs' modules, the app
    assert report["summary"]["filesAnalyzed"] > 30
    assert report["generalDiagnostics"] == [], json.dumps(report["generalDiagnostics"])[:4000]
    readme = equivalence.python.root / "examples" / "readme_module.py"
    readme.write_text(readme_module())
    assert "RestIam.default_integrations(scope)" in readme.read_text()
    modules = [readme, *(module for module, _ in equivalence.py_jobs)]
    examples = pyright(project, *modules)
    assert examples["generalDiagnostics"] == [], json.dumps(examples["generalDiagnostics"])[:4000]


@pytest.mark.slow
def test_the_python_folder_of_eight_apis_is_ruff_clean(equivalence) -> None:
    packages = equivalence.python.root / "packages"
    for command in (["check"], ["format", "--check", "--diff"]):
        result = run_unchecked(
            "uv", "run", "--quiet", "--project", packages / "common/constructs", "ruff",
            *command, "common/constructs", "infra", cwd=packages,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr


TYPED_OPERATIONS_PROBE = """\
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam

from common_constructs.app.apis.rest_iam import RestIamIntegrations, RestIamIntegrationBuilder
from common_constructs.app.apis.rest_none import RestNone
from common_constructs.core.api.rest_api import RestOperationIntegration


def probe(builder: RestIamIntegrationBuilder, api: RestNone, role: iam.IGrantable) -> None:
    mock = RestOperationIntegration(integration=apigw.MockIntegration())
    builder.with_overrides(echo=mock, unknown=mock)
    missing: RestIamIntegrations = {"echo": mock}
    api.grant_invoke_access(role)
    del missing
"""


@pytest.mark.slow
def test_an_unknown_override_or_a_missing_operation_is_a_pyright_error(equivalence) -> None:
    probe = equivalence.python.root / "examples" / "typed_operations_probe.py"
    probe.write_text(TYPED_OPERATIONS_PROBE)
    report = pyright(equivalence.python.constructs, probe)
    errors = {
        diagnostic["range"]["start"]["line"] + 1: diagnostic["message"]
        for diagnostic in report["generalDiagnostics"]
        if diagnostic["severity"] == "error"
    }
    lines = TYPED_OPERATIONS_PROBE.splitlines()
    line = {text.strip().split("(")[0].split(":")[0]: n + 1 for n, text in enumerate(lines)}
    assert set(errors) == {
        line["builder.with_overrides"],
        line["missing"],
        line["api.grant_invoke_access"],
    }
    assert 'No parameter named "unknown"' in errors[line["builder.with_overrides"]]
    assert '"stream" is required' in errors[line["missing"]]
    assert "grant_invoke_access" in errors[line["api.grant_invoke_access"]]


# --- Slow: the Python app, two APIs, through the CLI ------------------------------------------
STACK = "PackagesApis"


@pytest.fixture(scope="module")
def python_app(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The app issue's monorepo in Python: a REST/IAM API, then an HTTP/Cognito one, copied
    into packages/ one after the other, installed, and synthesized by the pinned CLI."""
    root = new_monorepo(tmp_path_factory.mktemp("python-app") / "monorepo")
    packages = root / "packages"
    packages.mkdir()
    apis = (
        Api(root, "packages", "my-api", REST, "IAM"),
        Api(root, "packages", "orders-api", HTTP, "Cognito"),
    )
    logs = []
    for api in apis:
        logs.append(copier_copy(packages, api, cdkLanguage="Python"))
        commit_all(root, f"Add {api.name}")
        write_spec_and_bundle(api)
    generate_python_metadata(apis[0])
    uv_sync(apis[0])
    started = time.perf_counter()
    result = app_target(root, "packages", "synth", "--no-notices")
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"cdk synth of the Python app of two APIs: {seconds:.1f} s")
    return SimpleNamespace(
        root=root, packages=packages, second_copy=logs[1], out=cdk_out(root, "packages")
    )


@pytest.mark.slow
def test_the_second_copy_finds_the_shared_python_files_identical(python_app) -> None:
    assert "conflict" not in python_app.second_copy
    assert re.search(r"identical\s+common/constructs/common_constructs/core/api/rest_api\.py",
                     python_app.second_copy)  # fmt: skip
    assert re.search(r"identical\s+infra/app/apis_stack\.py", python_app.second_copy)


@pytest.mark.slow
def test_the_python_app_deploys_both_apis_with_the_pinned_cli(python_app) -> None:
    command = json.loads((python_app.packages / "infra/project.json").read_text())
    assert "npx --yes aws-cdk@2.1148.1 synth" in command["targets"]["synth"]["options"]["command"]
    stack = template(python_app.out, STACK)
    kinds = [resource["Type"] for resource in stack["Resources"].values()]
    assert kinds.count("AWS::ApiGateway::RestApi") == 1
    assert kinds.count("AWS::ApiGatewayV2::Api") == 1
    assert kinds.count("AWS::Cognito::UserPool") == 1
    outputs = stack["Outputs"]
    assert any(key.startswith("MyApiUrl") for key in outputs)
    assert any(key.startswith("OrdersApiUrl") for key in outputs)


@pytest.mark.slow
def test_cdk_nag_runs_in_the_python_app_and_reports_no_finding(python_app) -> None:
    report = json.loads((python_app.out / "validation-report.json").read_text())
    assert report["title"] == "Validation Report"
    assert report["pluginReports"] == []


@pytest.mark.slow
def test_cfn_lint_finds_no_error_in_the_python_apps_template(python_app) -> None:
    result = run_unchecked(
        BIN / "cfn-lint", "--format", "json", python_app.out / f"{STACK}.template.json",
        cwd=python_app.root,
    )  # fmt: skip
    errors = [f for f in json.loads(result.stdout or "[]") if f["Level"] == "Error"]
    assert errors == [], json.dumps(errors, indent=1)[:4000]


@pytest.mark.slow
def test_checkov_target_of_the_python_app_finds_no_failed_check(python_app) -> None:
    result = app_target(
        python_app.root, "packages", "checkov", "--output", "json", BC_SKIP_MAPPING="TRUE"
    )
    report = json.loads(result.stdout)
    failed = [check["check_id"] for check in report["results"]["failed_checks"]]
    assert failed == [], result.stdout[:4000]
    assert report["summary"]["passed"] > 50
    assert result.returncode == 0
