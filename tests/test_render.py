"""Every combination of answers renders a complete, lint-clean API package."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from extensions.naming import snake
from tests.rendering import VARIANTS, render, variant_id

API_FILES = {
    ".copier-answers.yml",
    ".gitignore",
    "README.md",
    "project.json",
    "pyproject.toml",
    "scripts/bundle.py",
    "scripts/generate_open_api.py",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/events.py",
    "tests/test_cold_start.py",
    "tests/test_errors_and_cors.py",
    "tests/test_lambda_handler.py",
    "tests/test_main.py",
}
MODULE_FILES = {
    "__init__.py",
    "init.py",
    "main.py",
    "middleware.py",
    "observability.py",
    "request_metrics.py",
}

CASES = [
    pytest.param({"computeType": compute, "auth": auth}, id=variant_id((compute, auth)))
    for compute, auth in VARIANTS
] + [
    pytest.param({"name": "OrdersApi", "moduleName": "orders"}, id="custom-module"),
    pytest.param({"directory": "packages/apis"}, id="nested-directory"),
    # The longest name allowed: its PascalCase form has 40 characters.
    pytest.param({"name": "customer-loyalty-points-and-rewards-service-v2"}, id="longest-name"),
]


@pytest.fixture(scope="module", params=CASES)
def rendered(request, tmp_path_factory) -> tuple[dict, Path]:
    answers = request.param
    directory = answers.get("directory", "packages")
    root = tmp_path_factory.mktemp("monorepo")
    render(root / directory, **answers)
    return answers, root


def _api(answers: dict, root: Path) -> tuple[Path, str, str]:
    directory = answers.get("directory", "packages")
    api_dir = snake(answers.get("name", "my-api"))
    return root / directory / api_dir, f"{directory}/{api_dir}", answers.get("moduleName", api_dir)


def test_api_package_tree(rendered) -> None:
    answers, root = rendered
    api, _, module = _api(answers, root)
    files = {str(p.relative_to(api)) for p in api.rglob("*") if p.is_file()}
    expected = API_FILES | {f"{module}/{name}" for name in MODULE_FILES}
    if answers.get("computeType") == "ServerlessLambdaFunctionUrl":
        expected.add("scripts/run.sh")
    assert files == expected


def test_pyproject_pins_runtime_dependencies_and_no_patch_python(rendered) -> None:
    answers, root = rendered
    api, _, module = _api(answers, root)
    project = tomllib.loads((api / "pyproject.toml").read_text())
    dependencies = project["project"]["dependencies"]
    assert all("==" in dependency for dependency in dependencies)
    names = {re.split(r"[\[=]", dependency)[0] for dependency in dependencies}
    streaming = answers.get("computeType") == "ServerlessLambdaFunctionUrl"
    assert names == {"aws-lambda-powertools", "fastapi", "mangum"} | (
        {"uvicorn"} if streaming else set()
    )
    assert not re.search(r"\d+\.\d+\.\d+", project["project"]["requires-python"])
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == [module]
    assert not (api / ".python-version").exists()


def test_project_json_targets_are_shell_commands_from_the_monorepo_root(rendered) -> None:
    answers, root = rendered
    api, api_path, module = _api(answers, root)
    project = json.loads((api / "project.json").read_text())
    assert project["root"] == api_path
    targets = project["targets"]
    assert set(targets) == {"serve", "openapi", "test", "lint", "format", "bundle", "build"}
    commands = {name: target["options"]["command"] for name, target in targets.items()}
    assert all(command.startswith(f"uv run --project {api_path} ") for command in commands.values())
    assert f"{module}.main:app" in commands["serve"]
    assert "--host 127.0.0.1" in commands["serve"]
    assert commands["openapi"].endswith(f"dist/{api_path}/openapi.json")
    assert commands["bundle"].endswith(f"dist/{api_path}/bundle")
    for step in ("lint", "test", "openapi", "bundle"):
        assert commands[step] in commands["build"]


def test_rendered_python_is_ruff_clean(rendered) -> None:
    answers, root = rendered
    api, _, _ = _api(answers, root)
    for command in (["format", "--check", "--diff"], ["check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "."], cwd=api, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
