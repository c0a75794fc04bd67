"""The rendered project.json files are real Nx: Nx reads them and runs their targets."""

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.rendering import render, run

pytestmark = pytest.mark.slow

ROOT_PACKAGE_JSON = {"name": "monorepo", "private": True, "devDependencies": {"nx": "24.0.6"}}
NX_ENV = {"NX_DAEMON": "false", "NX_NO_CLOUD": "true", "NX_INTERACTIVE": "false", "CI": "true"}


def nx_node_modules() -> Path:
    """`npm install nx`, cached by the package.json's content across runs."""
    package_json = json.dumps(ROOT_PACKAGE_JSON, indent=2)
    digest = hashlib.sha256(package_json.encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    target = cache / "fastapi-template-tests" / f"nx-{digest}"
    if not (target / "node_modules" / ".package-lock.json").is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent))
        (staging / "package.json").write_text(package_json)
        run("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", cwd=staging)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    return target / "node_modules"


@pytest.fixture(scope="module")
def nx_monorepo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two APIs in packages/ of an Nx workspace."""
    root = tmp_path_factory.mktemp("nx")
    render(root / "packages")
    render(root / "packages", name="orders-api", computeType="ServerlessApiGatewayHttpApi")
    (root / "package.json").write_text(json.dumps(ROOT_PACKAGE_JSON))
    (root / "nx.json").write_text("{}")
    (root / "node_modules").symlink_to(nx_node_modules(), target_is_directory=True)
    return root


def nx(root: Path, *args: str):
    return run("npx", "nx", *args, cwd=root, env=NX_ENV)


def test_nx_finds_every_project(nx_monorepo: Path) -> None:
    projects = json.loads(nx(nx_monorepo, "show", "projects", "--json").stdout)
    assert sorted(projects) == ["common-constructs", "my-api", "orders-api"]


def test_constructs_metadata_targets_depend_on_each_apis_openapi(nx_monorepo: Path) -> None:
    project = json.loads(nx(nx_monorepo, "show", "project", "common-constructs", "--json").stdout)
    for api in ("my-api", "orders-api"):
        assert project["targets"][f"generate:{api}-metadata"]["dependsOn"] == [f"{api}:openapi"]


def test_nx_runs_the_metadata_target_from_the_real_openapi_script(nx_monorepo: Path) -> None:
    nx(nx_monorepo, "run", "common-constructs:generate:my-api-metadata", "--skip-nx-cache")
    assert (nx_monorepo / "dist/packages/my_api/openapi.json").is_file()
    metadata = nx_monorepo / "packages/common/constructs/src/generated/my-api/metadata.gen.ts"
    assert "echo" in metadata.read_text() and "stream" in metadata.read_text()


def test_nx_runs_an_api_target(nx_monorepo: Path) -> None:
    result = nx(nx_monorepo, "run", "orders-api:lint", "--skip-nx-cache")
    assert "All checks passed!" in result.stdout
