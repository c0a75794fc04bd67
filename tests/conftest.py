from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_copie.plugin import Copie, Result

from harness.constructs import biome
from harness.rendering import RENDER_CASES, render, run
from harness.template_repo import template_without_git


@pytest.fixture(scope="session")
def default_monorepo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The defaults rendered into <monorepo>/packages, installed with `uv sync`."""
    root = tmp_path_factory.mktemp("monorepo")
    render(root / "packages")
    run("uv", "sync", "--project", "packages/my_api", cwd=root)
    return root


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template as the fast tier renders it: the working tree's sources, outside git."""
    return template_without_git(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def render_case(copie_session: Copie, template_dir: Path) -> Callable[[str], Result]:
    """pytest-copie's render of one of RENDER_CASES, made once per session and shared.

    Copie renders into its own `copieNNN/` folder, which stands for the monorepo's `packages/`:
    `directory` is answered, since its default would be that folder's name.
    """
    results: dict[str, Result] = {}

    def rendered(case: str) -> Result:
        if case not in results:
            answers = {"directory": "packages", **RENDER_CASES[case]}
            results[case] = copie_session.copy(extra_answers=answers, template_dir=template_dir)
        return results[case]

    return rendered


@pytest.fixture(scope="session")
def biome_binary() -> Path:
    return biome()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist's `--dist loadgroup`, tests that share an expensive fixture of ours run on
    one worker, so that it is built once: a module- or session-scoped fixture defined in tests/.
    Tests that share none spread over the workers. Runs before xdist reads the groups."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        fixtures = item._fixtureinfo.name2fixturedefs  # the test's whole fixture closure
        shared = sorted(
            name
            for name, definitions in fixtures.items()
            if definitions[-1].scope in ("module", "session")
            and definitions[-1].baseid.startswith("tests")
        )
        if shared:
            item.add_marker(pytest.mark.xdist_group("+".join(shared)))
