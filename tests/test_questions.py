"""What copier.yml asks: defaults, derived names, and bad answers refused before any write."""

import subprocess
import sys

import pytest
import yaml

from tests.rendering import TEMPLATE, render


def tree(root) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


def test_defaults_are_recorded_in_the_apis_own_answers_file(tmp_path) -> None:
    render(tmp_path / "packages")
    answers = yaml.safe_load((tmp_path / "packages/my_api/.copier-answers.yml").read_text())
    assert {k: v for k, v in answers.items() if not k.startswith("_")} == {
        "name": "my-api",
        "computeType": "ServerlessApiGatewayRestApi",
        "auth": "IAM",
        "directory": "packages",
        "moduleName": "my_api",
        "port": 8000,
    }
    assert not (tmp_path / "packages/.copier-answers.yml").exists()


def test_names_derive_from_a_pascal_case_name(tmp_path) -> None:
    render(tmp_path / "packages", name="OrdersApi")
    api = tmp_path / "packages/orders_api"
    assert (api / "orders_api/main.py").is_file()
    assert 'name = "orders-api"' in (api / "pyproject.toml").read_text()
    assert 'API_NAME = "OrdersApi"' in (api / "orders_api/observability.py").read_text()


BAD_ANSWERS = [
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
    ({"port": 80}, "Port 80 is out of range"),
]


@pytest.mark.parametrize(("answers", "message"), BAD_ANSWERS, ids=[m for _, m in BAD_ANSWERS])
def test_bad_answer_is_refused_and_nothing_is_written(tmp_path, answers, message) -> None:
    existing = tmp_path / "packages"
    render(existing, name="first-api")
    before = tree(existing)
    with pytest.raises(ValueError, match="Validation error|Invalid choice|not a valid") as error:
        render(existing, **{"name": "second-api", **answers})
    assert message in str(error.value)
    assert tree(existing) == before


def test_cli_refuses_a_bad_answer_with_its_message(tmp_path) -> None:
    destination = tmp_path / "packages"
    result = subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--vcs-ref", "HEAD"]
        + ["--data", "moduleName=json", str(TEMPLATE), str(destination)],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "would shadow the standard library module 'json'" in result.stderr
    assert not destination.exists()
