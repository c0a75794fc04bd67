"""What copier.yml asks: defaults, derived names, and bad answers refused before any write."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pytest_copie.plugin import Copie, Result

from harness.rendering import render
from harness.template_repo import snapshot


def test_defaults_are_recorded_in_the_apis_own_answers_file(tmp_path, template_dir) -> None:
    render(tmp_path / "packages", template_dir)
    answers = yaml.safe_load((tmp_path / "packages/my_api/.copier-answers.yml").read_text())
    assert {k: v for k, v in answers.items() if not k.startswith("_")} == {
        "name": "my-api",
        "computeType": "ServerlessApiGatewayRestApi",
        "auth": "IAM",
        "directory": "packages",
        "moduleName": "my_api",
        "port": 8000,
        "pythonVersion": "3.13",
        "architecture": "x86_64",
        "cdkLanguage": "TypeScript",
    }
    assert not (tmp_path / "packages/.copier-answers.yml").exists()


BAD_ANSWERS = [
    # The first API's folder holds the TypeScript constructs and app.
    ({"cdkLanguage": "Python"}, "cdkLanguage Python is not this folder's"),
    ({"name": "9lives"}, "'9lives' is not a valid name"),
    ({"name": "my api"}, "'my api' is not a valid name"),
    ({"computeType": "Ec2"}, "Ec2"),
    ({"auth": "ApiKey"}, "ApiKey"),
    (
        {"computeType": "ServerlessLambdaFunctionUrl", "auth": "Cognito"},
        "Cognito auth is not available with a Lambda Function URL",
    ),
    ({"directory": "../outside"}, "'../outside' is not a valid directory"),
    ({"directory": "/abs/packages"}, "'/abs/packages' is not a valid directory"),
    ({"moduleName": "class"}, "'class' is a Python keyword"),
    ({"moduleName": "json"}, "would shadow the standard library module 'json'"),
    ({"moduleName": "fastapi"}, "would shadow the dependency 'fastapi'"),
    ({"moduleName": "My-Module"}, "'My-Module' is not a valid module name"),
    ({"moduleName": "click"}, "would shadow the dependency 'click'"),
    ({"port": 80}, "Port 80 is out of range"),
    ({"pythonVersion": "3.14"}, "3.14"),
    ({"pythonVersion": "3.11"}, "3.11"),
    ({"architecture": "aarch64"}, "aarch64"),
    # Well-formed names the rendered files already use: they would not build.
    ({"name": "construct"}, "'construct' clashes with Construct, which the API's construct"),
    ({"name": "object"}, "'object' clashes with Object, a JavaScript global"),
    ({"name": "api-function"}, "'api-function' clashes with ApiFunction, which the CDK"),
    ({"name": "runtime-config"}, "'runtime-config' clashes with RuntimeConfig, which the CDK"),
    ({"name": "annotated-types"}, "would name the API's Python project annotated-types"),
    ({"name": "common"}, "'common' is the folder of the CDK constructs that every API shares"),
    # The first API (below) declares FirstApi, FirstApiProps and FirstApiIntegrations.
    ({"name": "first-api-props"}, "clashes with FirstApiProps, which another API in this folder"),
]


@pytest.fixture(scope="session")
def first_api(copie_session: Copie, template_dir: Path) -> Result:
    """A folder that already holds an API, as a second `copier copy` finds it."""
    answers = {"name": "first-api", "directory": "packages"}
    result = copie_session.copy(extra_answers=answers, template_dir=template_dir)
    assert result.exit_code == 0, result.exception
    return result


@pytest.mark.parametrize(("answers", "message"), BAD_ANSWERS, ids=[m for _, m in BAD_ANSWERS])
def test_bad_answer_is_refused_and_nothing_is_written(
    copie, template_dir, first_api, answers, message
) -> None:
    # pytest-copie copies the first API's folder into a new one, then renders into it.
    second = copie(parent_result=first_api, child_tpl=template_dir)
    answers = {"name": "second-api", "directory": "packages", **answers}
    result = second.copy(extra_answers=answers)
    assert result.exit_code != 0
    assert isinstance(result.exception, ValueError)
    assert re.search("Validation error|Invalid choice|not a valid", str(result.exception))
    assert message in str(result.exception)
    [destination] = second.test_dir.iterdir()
    assert snapshot(destination) == snapshot(first_api.project_dir)


def test_cli_refuses_a_bad_answer_with_its_message(tmp_path, template_dir) -> None:
    destination = tmp_path / "packages"
    result = subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--vcs-ref", "HEAD"]
        + ["--data", "moduleName=json", str(template_dir), str(destination)],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "would shadow the standard library module 'json'" in result.stderr
    assert not destination.exists()
