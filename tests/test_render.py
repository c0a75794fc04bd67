"""Every combination of answers renders a complete, lint-clean API package and constructs, and
the golden answer sets render exactly what tests/golden/ holds.

Renders come from pytest-copie (`render_case`), once per case and session; each case's tests
are grouped onto one xdist worker so that no case renders twice.
"""

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from pytest_copie.plugin import Result

from extensions.naming import kebab, snake
from harness import golden
from harness.bundling import bundle_script
from harness.constructs import lint
from harness.rendering import RENDER_CASES, TEMPLATE
from harness.template_repo import tree_differences

API_FILES = {
    ".copier-answers.yml",
    ".gitignore",
    "README.md",
    "project.json",
    "pyproject.toml",
    "events/function-url.json",
    "events/http.json",
    "events/rest.json",
    "scripts/bundle.py",
    "scripts/clients/runtime.py",
    "scripts/clients/runtime.ts",
    "scripts/generate_clients.py",
    "scripts/generate_open_api.py",
    "scripts/invoke.py",
    "scripts/run.sh",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/events.py",
    "tests/test_main.py",
    "tests/plumbing/__init__.py",
    "tests/plumbing/app.py",
    "tests/plumbing/conftest.py",
    "tests/plumbing/events.py",
    "tests/plumbing/harness.py",
    "tests/plumbing/test_cognito.py",
    "tests/plumbing/test_cold_start.py",
    "tests/plumbing/test_errors_and_cors.py",
    "tests/plumbing/test_lambda_handler.py",
    "tests/plumbing/test_openapi.py",
    "tests/plumbing/test_recorded_events.py",
    "tests/plumbing/test_request_log.py",
    "tests/plumbing/test_request_path.py",
}
# Recorded third-party events, copied as they are, with their sources and licences.
RECORDED = TEMPLATE / "template" / "{{api_dir}}" / "tests" / "plumbing" / "recorded"
API_FILES |= {
    f"tests/plumbing/recorded/{p.relative_to(RECORDED)}" for p in RECORDED.rglob("*") if p.is_file()
}
MODULE_FILES = {
    "__init__.py",
    "cognito.py",
    "docs.py",
    "init.py",
    "lambda_adapter.py",
    "main.py",
    "middleware.py",
    "observability.py",
    "openapi.py",
    "request_log.py",
    "request_metrics.py",
}


def cases(names) -> list:
    """One parameter per case, grouped by case: a case renders on one xdist worker only."""
    return [pytest.param(name, id=name, marks=pytest.mark.xdist_group(name)) for name in names]


class Rendered:
    """One case rendered by pytest-copie into `packages`, the folder standing for packages/."""

    def __init__(self, case: str, result: Result) -> None:
        assert result.exit_code == 0, result.exception
        assert result.project_dir is not None
        self.case = case
        self.answers = RENDER_CASES[case]
        self.packages = result.project_dir
        self.directory = self.answers.get("directory", "packages")
        self.api_dir = snake(self.answers.get("name", "my-api"))
        self.kebab = kebab(self.answers.get("name", "my-api"))
        self.module = self.answers.get("moduleName", self.api_dir)
        self.api = self.packages / self.api_dir
        self.api_path = f"{self.directory}/{self.api_dir}"
        self.compute = self.answers.get("computeType", "ServerlessApiGatewayRestApi")


@pytest.fixture(params=cases(RENDER_CASES))
def rendered(request: pytest.FixtureRequest, render_case) -> Rendered:
    return Rendered(request.param, render_case(request.param))


def test_api_package_tree(rendered: Rendered) -> None:
    files = {str(p.relative_to(rendered.api)) for p in rendered.api.rglob("*") if p.is_file()}
    expected = API_FILES | {f"{rendered.module}/{name}" for name in MODULE_FILES}
    if rendered.answers.get("auth", "IAM") != "None":  # how the clients authenticate
        expected |= {"scripts/clients/auth.py", "scripts/clients/auth.ts"}
    assert files == expected


def test_pyproject_pins_runtime_dependencies_and_no_patch_python(rendered: Rendered) -> None:
    project = tomllib.loads((rendered.api / "pyproject.toml").read_text())
    dependencies = project["project"]["dependencies"]
    assert all("==" in dependency for dependency in dependencies)
    names = {re.split(r"[\[=]", dependency)[0] for dependency in dependencies}
    # uvicorn: run.sh serves the app behind the Web Adapter, on every compute.
    assert names == {"aws-lambda-powertools", "fastapi", "mangum", "uvicorn"}
    assert not re.search(r"\d+\.\d+\.\d+", project["project"]["requires-python"])
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == [rendered.module]
    assert not (rendered.api / ".python-version").exists()


def test_pyright_checks_the_module_tests_and_scripts_in_strict_mode(rendered: Rendered) -> None:
    project = tomllib.loads((rendered.api / "pyproject.toml").read_text())
    assert project["tool"]["pyright"] == {
        "include": [rendered.module, "tests", "scripts"],
        "pythonVersion": "3.11",
        "typeCheckingMode": "strict",
    }
    dev = project["dependency-groups"]["dev"]
    assert all("==" in dependency for dependency in dev)
    assert {"pyright==1.1.414", "pytest-cov==7.1.0"} <= set(dev)


def test_project_json_targets_are_shell_commands_from_the_monorepo_root(
    rendered: Rendered,
) -> None:
    project = json.loads((rendered.api / "project.json").read_text())
    assert project["root"] == rendered.api_path
    targets = project["targets"]
    assert set(targets) == {
        "serve",
        "openapi",
        f"generate:{rendered.kebab}-client",
        "test",
        "lint",
        "typecheck",
        "format",
        "bundle",
        "invoke",
        "build",
    }
    commands = {name: target["options"]["command"] for name, target in targets.items()}
    prefix = f"uv run --project {rendered.api_path} "
    assert all(command.startswith(prefix) for command in commands.values())
    assert f"{rendered.module}.main:app" in commands["serve"]
    assert "--host 127.0.0.1" in commands["serve"]
    assert commands["openapi"].endswith(f"dist/{rendered.api_path}/openapi.json")
    assert commands["bundle"].endswith(f"dist/{rendered.api_path}/bundle")
    assert f"dist/{rendered.api_path}/bundle {rendered.api_path}/events/" in commands["invoke"]
    assert targets["invoke"]["dependsOn"] == ["bundle"]
    clients = commands[f"generate:{rendered.kebab}-client"]
    assert clients.endswith(
        f"dist/{rendered.api_path}/openapi.json dist/{rendered.api_path}/clients"
    )
    assert targets[f"generate:{rendered.kebab}-client"]["dependsOn"] == ["openapi"]
    assert commands["typecheck"] == f"{prefix}pyright --project {rendered.api_path}"
    assert f" --cov={rendered.module} " in commands["test"]
    # build runs each step in this order, and stops at the first that fails.
    steps = ("lint", "typecheck", "test", "openapi", "bundle")
    assert commands["build"] == " && ".join(commands[step] for step in steps)


def test_the_bundle_script_builds_for_the_answered_python_and_architecture(
    rendered: Rendered,
) -> None:
    script = bundle_script(rendered.api)
    built_for = {"pythonVersion": script.PYTHON_VERSION, "architecture": script.ARCHITECTURE}
    defaults = {"pythonVersion": "3.13", "architecture": "x86_64"}
    assert built_for == {question: rendered.answers.get(question, defaults[question])
                         for question in defaults}  # fmt: skip


def test_rendered_python_is_ruff_clean(rendered: Rendered) -> None:
    for command in (["format", "--check", "--diff"], ["check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
            cwd=rendered.packages,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def _starts_a_fresh_interpreter(module: ast.Module) -> set[str]:
    """The test functions of a module that call `run_fresh`, themselves or through a helper."""
    functions = {node.name: node for node in module.body if isinstance(node, ast.FunctionDef)}

    def calls(name: str, seen: frozenset[str]) -> bool:
        for node in ast.walk(functions[name]):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                called = node.func.id
                if called == "run_fresh" or (
                    called in functions and called not in seen and calls(called, seen | {called})
                ):
                    return True
        return False

    return {name for name in functions if name.startswith("test_") and calls(name, frozenset())}


def _marked_fresh_interpreter(module: ast.Module) -> set[str]:
    """The test functions marked `fresh_interpreter`, one by one or by the module's pytestmark."""
    mark = "pytest.mark.fresh_interpreter"
    whole_module = any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
        and ast.unparse(node.value) == mark
        for node in module.body
    )
    return {
        node.name
        for node in module.body
        if isinstance(node, ast.FunctionDef)
        and node.name.startswith("test_")
        and (whole_module or mark in map(ast.unparse, node.decorator_list))
    }


def test_the_tests_that_start_a_fresh_interpreter_are_marked(rendered: Rendered) -> None:
    """`-m "not fresh_interpreter"` (the quick run) leaves out exactly those, and no other."""
    fresh = marked = 0
    for path in sorted((rendered.api / "tests").rglob("test_*.py")):
        module = ast.parse(path.read_text())
        starts, marks = _starts_a_fresh_interpreter(module), _marked_fresh_interpreter(module)
        assert starts == marks, path.name
        fresh, marked = fresh + len(starts), marked + len(marks)
    assert fresh >= 15


@pytest.mark.parametrize("package", ["common/constructs", "infra"])
def test_rendered_typescript_is_lint_clean_and_formatted(
    rendered: Rendered, package: str, biome_binary: Path
) -> None:
    folder = rendered.packages / package
    if rendered.answers.get("cdkLanguage") == "Python":  # no TypeScript, no npm project at all
        npm = ["package.json", "tsconfig.json", "biome.json", "node_modules"]
        found = [*folder.rglob("*.ts"), *(rendered.packages / name for name in npm)]
        assert [path for path in found if path.exists()] == []
        assert [path for path in (folder / name for name in npm) if path.exists()] == []
        return
    report = lint(folder, biome_binary)
    assert report["diagnostics"] == [], json.dumps(report["diagnostics"], indent=1)[:4000]
    summary = report["summary"]
    assert (summary["errors"], summary["warnings"], summary["infos"]) == (0, 0, 0), summary
    sources = [*folder.glob("*.ts"), *(folder / "src").rglob("*.ts")]
    assert summary["unchanged"] >= len(sources) > 0, summary  # every source file was read


@pytest.mark.parametrize("case", cases(["ApiGatewayRestApi-IAM", "nested-directory"]))
def test_app_paths_lead_from_its_folder_to_the_monorepo_root(case: str, render_case) -> None:
    rendered = Rendered(case, render_case(case))
    infra = rendered.packages / "infra"
    root = infra.parents[len(rendered.directory.split("/"))]  # what `packages` stands in for
    cdk = json.loads((infra / "cdk.json").read_text())
    cdk_out = root / "dist" / rendered.directory / "infra" / "cdk.out"
    assert Path(os.path.normpath(infra / cdk["output"])) == cdk_out
    project = json.loads((infra / "project.json").read_text())
    schema = root / "node_modules/nx/schemas/project-schema.json"
    assert Path(os.path.normpath(infra / project["$schema"])) == schema
    assert project["root"] == f"{rendered.directory}/infra"
    targets = project["targets"]
    assert targets["synth"]["outputs"] == [f"{{workspaceRoot}}/{cdk_out.relative_to(root)}"]
    assert targets["synth"]["options"]["command"].startswith(f"cd {rendered.directory}/infra && ")
    assert (
        f"--file {cdk_out.relative_to(root)}/*.template.json"
        in (targets["checkov"]["options"]["command"])
    )
    pattern = {"projects": [f"directory:{rendered.directory}/*"], "target": "bundle"}
    assert targets["synth"]["dependsOn"] == [pattern, "common-constructs:generate"]


def test_the_app_and_the_constructs_ask_for_the_same_versions() -> None:
    """One npm workspace: a range both declare must match, or npm may install two copies."""
    app, constructs = (
        json.loads((TEMPLATE / "template" / folder / "package.json").read_text())
        for folder in ("infra", "common/constructs")
    )

    def declared(package: dict) -> dict[str, str]:
        return {**package["dependencies"], **package["devDependencies"]}

    shared = declared(app).keys() & declared(constructs).keys()
    assert {"aws-cdk-lib", "constructs", "cdk-nag"} <= shared
    assert {name: declared(app)[name] for name in shared} == {
        name: declared(constructs)[name] for name in shared
    }
    workspace = json.loads((TEMPLATE / "template" / "package.json").read_text())
    assert workspace["workspaces"] == ["common/constructs", "infra"]


def test_the_app_pins_a_2_1xxx_cdk_cli_and_the_checkov_of_the_dev_environment() -> None:
    app = json.loads((TEMPLATE / "template/infra/package.json").read_text())
    assert re.fullmatch(r"2\.1\d{3}\.\d+", app["devDependencies"]["aws-cdk"])
    for language in ("TypeScript", "Python"):
        name = f"{{% if cdkLanguage == '{language}' %}}project.json{{% endif %}}.jinja"
        project = (TEMPLATE / "template/infra" / name).read_text()
        assert f"uvx checkov@{version('checkov')} " in project
    # The Python app has no package.json: its targets run the same CLI with npx.
    copier = (TEMPLATE / "copier.yml").read_text()
    assert f'default: "{app["devDependencies"]["aws-cdk"]}"' in copier


@pytest.mark.parametrize("case", cases(["custom-module"]))
def test_names_derive_from_a_pascal_case_name(case: str, render_case) -> None:
    packages = render_case(case).project_dir
    api = packages / "orders_api"
    assert (api / "orders/main.py").is_file()
    assert 'name = "orders-api"' in (api / "pyproject.toml").read_text()
    assert 'API_NAME = "OrdersApi"' in (api / "orders/observability.py").read_text()
    assert (
        "export class OrdersApi<"
        in (packages / "common/constructs/src/app/apis/orders-api.ts").read_text()
    )


@pytest.mark.parametrize("case", cases(golden.CASES))
def test_render_matches_its_golden_tree(case: str, render_case) -> None:
    problems = tree_differences(golden.rendered(render_case(case).project_dir), golden.stored(case))
    assert not problems, (
        f"The render of {case} differs from tests/golden/{case}/. If the change is intended, "
        "refresh the golden renders with `uv run python -m harness.golden` and review the "
        "diff.\n\n" + "\n\n".join(problems)[:20000]
    )


def test_golden_trees_are_exactly_the_golden_cases() -> None:
    stored = {path.name for path in golden.GOLDEN.iterdir() if path.is_dir()}
    assert stored == set(golden.CASES)
