"""Several APIs in one `packages/`: each keeps its own answers and port, the shared constructs
core never conflicts, and updating one API leaves the others alone."""

from pathlib import Path

import pytest
import yaml

from extensions.naming import kebab, pascal, snake
from harness import rendering
from harness.rendering import render
from harness.template_repo import (
    RELEASE_1,
    RELEASE_2,
    TemplateRepo,
    assert_same_tree,
    commit_all,
    copier,
    git,
    new_monorepo,
    ship_fixes,
    snapshot,
)

pytestmark = pytest.mark.slow  # copier update, against throwaway releases

FIRST = {"name": "my-api"}  # the defaults: REST API, IAM
# A second API with the other compute types and auths.
SECONDS = [
    {"name": "orders-api", "computeType": "ServerlessApiGatewayHttpApi", "auth": "Cognito"},
    {"name": "events-api", "computeType": "ServerlessLambdaFunctionUrl", "auth": "None"},
]


# A core module the first release has and the second drops: the constructs' index must stop
# exporting it (Copier deletes it after the tasks ran; copier.yml's _migrations rebuilds it).
RETIRED = "template/common/constructs/src/core/retired.ts"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    repo = TemplateRepo.from_working_tree(tmp_path_factory.mktemp("template"))
    repo.write(RETIRED, "export const retired = true;\n")
    repo.release(RELEASE_1)
    ship_fixes(repo)
    repo.remove(RETIRED)
    repo.release(RELEASE_2)
    return repo


@pytest.fixture(params=SECONDS, ids=lambda answers: answers["name"])
def second(request: pytest.FixtureRequest) -> dict[str, str]:
    return request.param


def api_names(name: str) -> set[str]:
    """Every spelling of an API's name that rendered files use."""
    return {kebab(name), snake(name), pascal(name)}


def folder(answers: dict[str, str]) -> str:
    return snake(answers["name"])


def answers_of(packages: Path, answers: dict[str, str]) -> dict:
    return yaml.safe_load((packages / folder(answers) / ".copier-answers.yml").read_text())


def api_files(packages: Path, answers: dict[str, str]) -> dict[str, bytes]:
    return snapshot(packages / folder(answers))


def update(packages: Path, answers: dict[str, str], release: str, **data: str) -> None:
    """`copier update --trust --defaults -a <api_dir>/.copier-answers.yml`, from packages/."""
    rendering.update(packages, f"{folder(answers)}/.copier-answers.yml", release, **data)


def monorepo_with(root: Path, template: TemplateRepo, release: str, *apis: dict) -> Path:
    """`copier copy` of each API in turn into root/packages, committing after each."""
    new_monorepo(root)
    for answers in apis:
        render(root / "packages", template=template.path, vcs_ref=release, **answers)
        commit_all(root, f"Add {answers['name']}")
    return root / "packages"


def shared_files(packages: Path, *apis: dict) -> dict[str, bytes]:
    """Files under common/ that name none of the APIs: the core every API renders."""
    names = [name.encode() for answers in apis for name in api_names(answers["name"])]
    return {
        path: data
        for path, data in snapshot(packages / "common").items()
        if not any(name in data or name.decode() in path for name in names)
    }


def files_naming_every_api(packages: Path, *apis: dict) -> set[str]:
    """Files under common/ that name every API, like the constructs' index of API exports."""
    return {
        path
        for path, data in snapshot(packages / "common").items()
        if all(any(name.encode() in data for name in api_names(a["name"])) for a in apis)
    }


def assert_no_conflicts(packages: Path) -> None:
    tree = snapshot(packages)
    assert [path for path in tree if path.endswith(".rej")] == []
    assert [path for path, data in tree.items() if b"<<<<<<<" in data] == []


def test_second_api_leaves_the_first_untouched(
    template: TemplateRepo, tmp_path: Path, second: dict
) -> None:
    packages = monorepo_with(tmp_path / "repo", template, RELEASE_1, FIRST)
    first_before = api_files(packages, FIRST)

    # A conflict on any shared file would stop this non-interactive copy.
    render(packages, template=template.path, vcs_ref=RELEASE_1, **second)

    assert api_files(packages, FIRST) == first_before
    changed = git("status", "--porcelain", "--untracked-files=all", cwd=packages).splitlines()
    assert all(line.startswith("?? ") for line in changed if "/common/" not in line)
    assert [line for line in changed if line.startswith("?? packages/my_api/")] == []
    assert answers_of(packages, FIRST)["port"] == 8000
    assert answers_of(packages, second)["port"] == 8001
    assert {key: answers_of(packages, second)[key] for key in second} == second


def test_shared_constructs_core_is_identical_for_every_api(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """A file that two APIs both render is byte-identical, so the second copy finds it
    "identical" instead of stopping on a conflict."""
    cores = [
        shared_files(monorepo_with(tmp_path / a["name"], template, RELEASE_1, a), a)
        for a in (FIRST, *SECONDS)
    ]
    assert cores[0], "the constructs core is empty"
    for core in cores[1:]:
        both = core.keys() & cores[0].keys()
        assert both, "no shared file"
        assert_same_tree({path: core[path] for path in both}, {p: cores[0][p] for p in both})


def test_changing_one_apis_compute_type_keeps_the_core_the_others_use(
    template: TemplateRepo, tmp_path: Path
) -> None:
    orders = {"name": "orders-api"}  # a second REST API
    packages = monorepo_with(tmp_path / "repo", template, RELEASE_1, FIRST, orders)
    first_alone = monorepo_with(tmp_path / "alone", template, RELEASE_1, FIRST)

    update(packages, orders, RELEASE_1, computeType="ServerlessApiGatewayHttpApi")

    needed = set(shared_files(first_alone, FIRST))
    assert needed <= set(shared_files(packages, FIRST, orders))


def test_updating_each_api_in_turn_keeps_the_others_and_equals_a_fresh_copy(
    template: TemplateRepo, tmp_path: Path
) -> None:
    second = SECONDS[0]  # one pair is enough here: updates take seconds
    packages = monorepo_with(tmp_path / "repo", template, RELEASE_1, FIRST, second)
    index = files_naming_every_api(packages, FIRST, second)
    assert "constructs/src/index.ts" in index
    assert "./core/retired" in (packages / "common/constructs/src/index.ts").read_text()

    for updated, other in ((FIRST, second), (second, FIRST)):
        other_before = api_files(packages, other)
        update(packages, updated, RELEASE_2)
        assert_no_conflicts(packages)
        assert api_files(packages, other) == other_before
        assert answers_of(packages, updated)["_commit"] == RELEASE_2
        assert index <= files_naming_every_api(packages, FIRST, second)
        assert "retired" not in (packages / "common/constructs/src/index.ts").read_text()
        commit_all(packages.parent, f"Update {updated['name']}")

    fresh = monorepo_with(tmp_path / "fresh", template, RELEASE_2, FIRST, second)
    assert_same_tree(snapshot(packages), snapshot(fresh))


def test_new_api_takes_the_next_free_port_and_keeps_its_own_on_update(
    template: TemplateRepo, tmp_path: Path
) -> None:
    orders, billing = SECONDS[0], {"name": "billing-api"}
    packages = monorepo_with(tmp_path / "repo", template, RELEASE_1, FIRST, orders)
    git("rm", "-r", "--quiet", "my_api", cwd=packages)
    commit_all(packages.parent, "Retire my-api: port 8000 is free again")

    update(packages, orders, RELEASE_2)
    assert answers_of(packages, orders)["port"] == 8001
    commit_all(packages.parent, "Update orders-api")

    render(packages, template=template.path, vcs_ref=RELEASE_2, **billing)
    assert answers_of(packages, billing)["port"] == 8000


def test_a_new_api_joins_at_the_release_the_others_are_at(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """Shared files are identical only within a release: a copy of a newer release than the
    APIs already there is refused before it writes a file (it used to stop at the first shared
    file that changed, leaving the new API's construct behind to block the next update)."""
    packages = monorepo_with(tmp_path / "repo", template, RELEASE_1, FIRST)
    copy = ("copy", "--trust", "--defaults", "--data", "name=orders-api", str(template), ".")

    newer = copier(*copy, cwd=packages)  # the latest release: RELEASE_2
    assert newer.returncode == 1
    assert (
        f"'orders-api' cannot join this folder at release {RELEASE_2}: its APIs are at "
        f"{RELEASE_1}, and the files they share differ (common/constructs/scripts/"
        f"generate_index.py). Add it at their release (--vcs-ref {RELEASE_1})"
    ) in " ".join(newer.stderr.split())
    assert git("status", "--porcelain", "--untracked-files=all", cwd=packages) == ""

    same = copier(*copy, "--vcs-ref", RELEASE_1, cwd=packages)
    assert same.returncode == 0, same.stderr


def test_after_a_refused_copy_the_apis_update_and_the_copy_succeeds(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """Or update the APIs first: nothing the refused copy did stands in the way."""
    packages = monorepo_with(tmp_path / "repo", template, RELEASE_1, FIRST)
    copy = ("copy", "--trust", "--defaults", "--data", "name=orders-api", str(template), ".")
    assert copier(*copy, cwd=packages).returncode == 1

    update(packages, FIRST, RELEASE_2)
    commit_all(packages.parent, "Update my-api")
    later = copier(*copy, cwd=packages)
    assert later.returncode == 0, later.stderr
    assert answers_of(packages, {"name": "orders-api"})["_commit"] == RELEASE_2


CONSTRUCTS = "common/constructs"
FOLDER_PROBLEMS = {
    # A shared file the team changed would be overwritten (a copy without a terminal stops).
    "edited-shared-file": (
        f"{CONSTRUCTS}/src/core/api/cors.ts",
        lambda text: text.replace("= 600;", "= 60;"),
        f"'orders-api' would overwrite shared files that differ in this folder "
        f"({CONSTRUCTS}/src/core/api/cors.ts)",
    ),
    # The template's task, which lists every API in project.json, could not read it.
    "broken-project-json": (
        f"{CONSTRUCTS}/project.json",
        lambda text: text.replace("{", "{ oops", 1),
        f"'orders-api' cannot be added while {CONSTRUCTS}/project.json is not valid JSON",
    ),
}


@pytest.mark.parametrize("problem", FOLDER_PROBLEMS)
def test_a_copy_that_would_stop_half_way_is_refused_and_leaves_nothing(
    template: TemplateRepo, tmp_path: Path, problem: str
) -> None:
    path, change, message = FOLDER_PROBLEMS[problem]
    packages = monorepo_with(tmp_path / "repo", template, RELEASE_1, FIRST)
    (packages / path).write_text(change((packages / path).read_text()))
    commit_all(packages.parent, "Our change")
    before = snapshot(packages)

    result = copier(
        "copy", "--trust", "--defaults", "--vcs-ref", RELEASE_1, "--data", "name=orders-api",
        str(template), ".", cwd=packages,
    )  # fmt: skip

    assert result.returncode == 1
    assert message in " ".join(result.stderr.split())
    assert snapshot(packages) == before
    assert git("status", "--porcelain", "--untracked-files=all", cwd=packages) == ""
