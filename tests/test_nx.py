"""The rendered project.json files are real Nx: Nx reads them and runs their targets."""

import json
from pathlib import Path

import pytest

from harness.constructs import cached_npm_install
from harness.rendering import render, run

pytestmark = pytest.mark.slow

ROOT_PACKAGE_JSON = json.dumps(
    {"name": "monorepo", "private": True, "devDependencies": {"nx": "24.0.6"}}, indent=2
)
NX_ENV = {"NX_DAEMON": "false", "NX_NO_CLOUD": "true", "NX_INTERACTIVE": "false", "CI": "true"}


@pytest.fixture(scope="module")
def nx_monorepo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two APIs in packages/ of an Nx workspace."""
    root = tmp_path_factory.mktemp("nx")
    render(root / "packages")
    render(root / "packages", name="orders-api", computeType="ServerlessApiGatewayHttpApi")
    (root / "package.json").write_text(ROOT_PACKAGE_JSON)
    (root / "nx.json").write_text("{}")
    modules = cached_npm_install(ROOT_PACKAGE_JSON, "nx")
    (root / "node_modules").symlink_to(modules, target_is_directory=True)
    return root


def nx(root: Path, *args: str):
    return run("npx", "nx", *args, cwd=root, env=NX_ENV)


def test_nx_finds_every_project(nx_monorepo: Path) -> None:
    projects = json.loads(nx(nx_monorepo, "show", "projects", "--json").stdout)
    assert sorted(projects) == ["common-constructs", "infra", "my-api", "orders-api"]


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


def test_app_synth_runs_every_bundle_and_the_constructs_generate_first(
    nx_monorepo: Path, tmp_path: Path
) -> None:
    """The app's project.json names no API: a project pattern finds each one's bundle."""
    graph = tmp_path / "graph.json"
    nx(nx_monorepo, "run", "infra:synth", f"--graph={graph}")
    tasks = json.loads(graph.read_text())["tasks"]
    needs = {
        task: {entry["id"] if isinstance(entry, dict) else entry for entry in dependencies}
        for task, dependencies in tasks["dependencies"].items()
    }
    assert needs["infra:synth"] == {
        "my-api:bundle",
        "orders-api:bundle",
        "common-constructs:generate",
    }
    assert needs["common-constructs:generate:orders-api-metadata"] == {"orders-api:openapi"}
    project = json.loads(nx(nx_monorepo, "show", "project", "infra", "--json").stdout)
    for target in ("deploy", "destroy", "checkov"):
        assert project["targets"][target]["dependsOn"] == ["synth"]
