from pathlib import Path

import pytest

from tests.rendering import render, run


@pytest.fixture(scope="session")
def default_monorepo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The defaults rendered into <monorepo>/packages, installed with `uv sync`."""
    root = tmp_path_factory.mktemp("monorepo")
    render(root / "packages")
    run("uv", "sync", "--project", "packages/my_api", cwd=root)
    return root
