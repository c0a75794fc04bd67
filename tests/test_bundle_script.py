"""The bundle script's decisions, without building a bundle: what it leaves to the Lambda
runtime.

The rendered scripts/bundle.py is imported: it builds nothing when imported.
"""

from pathlib import Path
from types import ModuleType

import pytest

from harness.bundling import bundle_script

CASE = "ApiGatewayRestApi-IAM"
API = "my_api"


@pytest.fixture(scope="module")
def script(render_case) -> ModuleType:
    return bundle_script(render_case(CASE).project_dir / API)


@pytest.mark.parametrize(
    ("dependencies", "left_out"),
    [
        ([], ("boto3", "botocore", "s3transfer")),
        (["aws-lambda-powertools[tracer]==3.37.0"], ("boto3", "botocore", "s3transfer")),
        (["boto3==1.40.0"], ()),
        (["Boto3[crt] >= 1.35; python_version >= '3.11'"], ()),
        (["botocore"], ()),
        (["boto3-stubs==1.40.0"], ("boto3", "botocore", "s3transfer")),
    ],
)
def test_the_runtimes_sdk_is_left_out_unless_the_api_depends_on_it(
    script: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dependencies: list[str],
    left_out: tuple[str, ...],
) -> None:
    listed = "".join(f"    {dependency!r},\n" for dependency in dependencies)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "my-api"\ndependencies = [\n{listed}]\n'
    )
    monkeypatch.setattr(script, "API_DIR", tmp_path)
    assert script.runtime_sdk_left_out() == left_out
