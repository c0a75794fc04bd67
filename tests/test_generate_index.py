"""The constructs' index task reads `directory` as Copier wrote it, or as a hand left it: as YAML,
checked by the rule the question applies, and quoted wherever it reaches a shell.

The script runs on a bare folder here (no render): an API construct, a core module and the
API's answers file are all it reads.
"""

import importlib.util
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from extensions.validation import directory_error
from harness.rendering import TEMPLATE

SCRIPT = TEMPLATE / "template/common/constructs/scripts/generate_index.py"


def destination(tmp_path: Path, answers: str) -> Path:
    """A folder of one API, `my-api`, whose answers file holds `answers`."""
    packages = tmp_path / "packages"
    constructs = packages / "common/constructs"
    (constructs / "scripts").mkdir(parents=True)
    (constructs / "scripts/generate_index.py").write_bytes(SCRIPT.read_bytes())
    for module in ("src/app/apis/my-api.ts", "src/core/api/rest-api.ts"):
        (constructs / module).parent.mkdir(parents=True, exist_ok=True)
        (constructs / module).write_text("export {};\n")
    (packages / "my_api").mkdir()
    (packages / "my_api/.copier-answers.yml").write_text(answers)
    return packages


def generate_index(packages: Path) -> subprocess.CompletedProcess[str]:
    script = packages / "common/constructs/scripts/generate_index.py"
    return subprocess.run(
        [sys.executable, str(script)], cwd=packages, capture_output=True, text=True, check=False
    )


def test_a_comment_on_the_directory_line_does_not_reach_the_commands(tmp_path: Path) -> None:
    """With a regex, `packages/apis  # moved` became `cd packages/apis  # moved/...`: a shell
    reads the rest as a comment, and typecheck and lint checked nothing."""
    packages = destination(tmp_path, "_commit: 0.1.0\ndirectory: packages/apis  # moved\n")
    result = generate_index(packages)
    assert result.returncode == 0, result.stderr
    project = json.loads((packages / "common/constructs/project.json").read_text())
    commands = {
        name: target["options"]["command"]
        for name, target in project["targets"].items()
        if "options" in target
    }
    here = "packages/apis/common/constructs"
    assert commands["typecheck"] == f"cd {here} && npx tsc --noEmit"
    assert commands["lint"] == f"cd {here} && npx biome check"
    assert shlex.split(commands["generate:my-api-metadata"]) == [
        "python3",
        f"{here}/scripts/generate_metadata.py",
        "dist/packages/apis/my_api/openapi.json",
        f"{here}/src/generated/my-api/metadata.gen.ts",
    ]
    assert project["root"] == here
    assert "#" not in json.dumps(project)


@pytest.mark.parametrize(
    "directory",
    [
        "packages; touch pwned",
        "'$(touch pwned)'",
        "../elsewhere",
        "/abs/packages",
        "packages/",
        "[]",
    ],
)
def test_a_directory_copier_would_refuse_stops_the_task_before_it_writes(
    tmp_path: Path, directory: str
) -> None:
    packages = destination(tmp_path, f"directory: {directory}\n")
    result = generate_index(packages)
    assert result.returncode == 1
    assert "my_api/.copier-answers.yml: directory " in result.stderr
    assert "Fix it and rerun." in result.stderr
    assert not (packages / "common/constructs/project.json").exists()
    assert not (packages / "common/constructs/src/index.ts").exists()
    assert not list(tmp_path.rglob("pwned"))


def test_an_answers_file_that_is_not_yaml_stops_the_task(tmp_path: Path) -> None:
    packages = destination(tmp_path, "directory: [packages\n")
    result = generate_index(packages)
    assert result.returncode == 1 and "is not valid YAML" in result.stderr


@pytest.mark.parametrize(
    "value",
    [
        "packages",
        "packages/apis",
        "apps/@scope/v1.2_x-y",
        "",
        "/packages",
        "packages/",
        "a//b",
        "./packages",
        "a/../b",
        "packages apis",
        "packages;id",
        "pack*ges",
        "$HOME",
    ],
)
def test_the_task_checks_directory_by_the_rule_of_the_question(value: str) -> None:
    spec = importlib.util.spec_from_file_location("generate_index", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.is_directory(value) == (directory_error(value) == "")
