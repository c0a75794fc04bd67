"""GitHub's "Use this template": the script its workflow runs, tried on a local copy.

GitHub is not reachable from the tests, so the "upstream" template is a throw-away git copy of
this repository with a release tag, and the new repository is what the button makes: the
template's files in one commit, without history or tags.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from extensions.naming import kebab, pascal, snake
from extensions.validation import (
    module_name_error,
    module_shadow_error,
    name_clash_error,
    name_error,
)
from harness.rendering import TEMPLATE, render
from harness.template_repo import (
    GIT_ENV,
    INIT_FIX,
    TemplateRepo,
    assert_same_tree,
    copier,
    copy_working_tree,
    git,
    init_repo,
    is_clean,
    ship_fixes,
    snapshot,
)

SCRIPT = Path(".github/scripts/use_this_template.py")
WORKFLOW = TEMPLATE / ".github/workflows/use-this-template.yml"
RELEASE_1, RELEASE_2 = "0.1.0", "0.2.0"


def released_template(path: Path) -> TemplateRepo:
    repo = TemplateRepo.from_working_tree(path)
    repo.release(RELEASE_1)
    return repo


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    """The template on GitHub, at its first release (module-wide: tests must not release)."""
    return released_template(tmp_path_factory.mktemp("upstream") / "fastapi-template")


def made_with_the_button(path: Path, answers: str | None = None) -> Path:
    """The template's files as the first commit of a new repository (optionally with answers)."""
    copy_working_tree(path)
    if answers is not None:
        (path / ".github/use-this-template.yml").write_text(answers)
    return init_repo(path, "Initial commit")


def first_push(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """What the workflow runs, with this repository's copy of the script."""
    return subprocess.run(
        [sys.executable, str(repo / SCRIPT), *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
    )


@pytest.mark.slow
def test_first_push_renders_an_api_named_after_the_repository(
    upstream: TemplateRepo, tmp_path: Path
) -> None:
    repo = made_with_the_button(tmp_path / "orders-service")
    result = first_push(repo, "--repository", "acme/orders-service", "--template", str(upstream))
    assert result.returncode == 0, result.stderr

    answers = yaml.safe_load((repo / "packages/orders_service/.copier-answers.yml").read_text())
    assert answers["_src_path"] == str(upstream)  # gh:acme/fastapi-template on GitHub
    assert answers["_commit"] == RELEASE_1
    assert answers["name"] == "orders-service"
    assert answers["directory"] == "packages"
    # Exactly what `copier copy` of the upstream release into packages/ gives.
    expected = render(
        tmp_path / "expected/packages", upstream.path, RELEASE_1, name="orders-service"
    )
    assert_same_tree(snapshot(repo / "packages"), snapshot(expected))


@pytest.mark.slow
def test_first_push_removes_the_template_sources_and_commits(
    upstream: TemplateRepo, tmp_path: Path
) -> None:
    repo = made_with_the_button(tmp_path / "orders-service")
    sources = set(git("ls-files", cwd=repo).split())
    first_push(repo, "--repository", "acme/orders-service", "--template", str(upstream))

    files = set(git("ls-files", cwd=repo).split())
    kept = {
        path for path in sources if path == ".gitignore" or path.startswith(".github/workflows/")
    }
    assert {path for path in files if not path.startswith("packages/")} == kept | {"README.md"}
    assert (
        "copier update --trust -a orders_service/.copier-answers.yml"
        in (repo / "README.md").read_text()
    )
    for path in kept:  # the workflow's token may not change workflow files
        assert (repo / path).read_bytes() == (TEMPLATE / path).read_bytes()
    assert is_clean(repo)
    assert git("log", "--format=%s", cwd=repo).splitlines() == [
        f"Render orders-service from {upstream} {RELEASE_1}",
        "Initial commit",
    ]


@pytest.mark.slow
def test_committed_answers_override_the_defaults(upstream: TemplateRepo, tmp_path: Path) -> None:
    answers = (
        "name: billing\n"
        "computeType: ServerlessLambdaFunctionUrl\n"
        "auth: 'None'\n"
        f"_src_path: {upstream}\n"  # replaces --template, e.g. with an https:// URL
    )
    repo = made_with_the_button(tmp_path / "some-repo", answers)
    result = first_push(repo, "--repository", "acme/some-repo")
    assert result.returncode == 0, result.stderr

    recorded = yaml.safe_load((repo / "packages/billing/.copier-answers.yml").read_text())
    assert recorded["_src_path"] == str(upstream)
    assert (recorded["computeType"], recorded["auth"]) == ("ServerlessLambdaFunctionUrl", "None")
    assert recorded["port"] == 8000
    assert not (repo / ".github/use-this-template.yml").exists()


@pytest.mark.slow
def test_without_a_known_template_the_script_stops_before_changing_anything(
    tmp_path: Path,
) -> None:
    repo = made_with_the_button(tmp_path / "some-repo")
    result = first_push(repo, "--repository", "acme/some-repo", "--template", "")
    assert result.returncode != 0
    assert "Which template is this repository made from?" in result.stderr
    assert is_clean(repo)
    assert git("rev-list", "--count", "HEAD", cwd=repo).strip() == "1"


@pytest.mark.slow
def test_later_copier_update_pulls_from_the_upstream_template(tmp_path: Path) -> None:
    upstream = released_template(tmp_path / "fastapi-template")
    repo = made_with_the_button(tmp_path / "orders-service")
    first_push(repo, "--repository", "acme/orders-service", "--template", str(upstream))
    ship_fixes(upstream)
    upstream.release(RELEASE_2)

    result = copier(
        "update", "--trust", "-a", "orders_service/.copier-answers.yml", "--defaults",
        cwd=repo / "packages",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (repo / "packages/orders_service/orders_service/init.py").read_text().endswith(INIT_FIX)
    answers = yaml.safe_load((repo / "packages/orders_service/.copier-answers.yml").read_text())
    assert answers["_commit"] == RELEASE_2


@pytest.mark.slow
def test_once_rendered_the_script_does_nothing(upstream: TemplateRepo, tmp_path: Path) -> None:
    repo = made_with_the_button(tmp_path / "orders-service")
    first_push(repo, "--repository", "acme/orders-service", "--template", str(upstream))
    head = git("rev-parse", "HEAD", cwd=repo)
    # The script is gone from the rendered repository: run the template's own copy.
    result = subprocess.run(
        [sys.executable, str(TEMPLATE / SCRIPT), "--repository", "acme/orders-service"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Nothing to do" in result.stdout
    assert git("rev-parse", "HEAD", cwd=repo) == head
    assert is_clean(repo)


def load_script():
    spec = importlib.util.spec_from_file_location("use_this_template", TEMPLATE / SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("repository", "name"),
    [
        ("orders-service", "orders-service"),
        ("OrdersApi", "OrdersApi"),
        ("orders.api", "orders-api"),
        ("2024_billing", "billing"),
        ("...", "api"),
        (
            "customer-loyalty-points-and-rewards-service-for-retail",
            "customer-loyalty-points-and-rewards-service",
        ),
        ("x" * 50, "x" * 40),
        # Names whose module would shadow the standard library or a dependency ...
        ("email", "email-api"),
        ("json", "json-api"),
        ("queue", "queue-api"),
        ("fastapi", "fastapi-api"),
        ("tests", "tests-api"),
        # ... or that the rendered code already uses.
        ("object", "object-api"),
        ("api-bundle", "api-bundle-api"),
        ("annotated-types", "annotated-types-api"),
        ("common", "common-api"),
    ],
)
def test_repository_names_become_valid_api_names(repository: str, name: str) -> None:
    assert load_script().api_name(repository) == name
    # What copier.yml asks of the name, and of the module name it gives by default.
    assert name_error(name, pascal(name)) == name_clash_error(name, pascal(name), kebab(name)) == ""
    assert module_name_error(snake(name)) == module_shadow_error(snake(name)) == ""


@pytest.mark.slow
def test_first_push_of_a_repository_named_like_a_standard_module(
    upstream: TemplateRepo, tmp_path: Path
) -> None:
    repo = made_with_the_button(tmp_path / "email")
    result = first_push(repo, "--repository", "acme/email", "--template", str(upstream))
    assert result.returncode == 0, result.stderr

    answers = yaml.safe_load((repo / "packages/email_api/.copier-answers.yml").read_text())
    assert (answers["name"], answers["moduleName"]) == ("email-api", "email_api")
    assert (repo / "packages/email_api/email_api/main.py").is_file()
    assert is_clean(repo)


def test_workflow_acts_only_in_a_repository_made_from_the_template() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    [job] = workflow["jobs"].values()
    for guard in (
        "!github.event.repository.is_template",
        "!github.event.repository.fork",
        "github.event.repository.default_branch",
    ):
        assert guard in job["if"]
    steps = {step.get("name", step.get("uses")): step for step in job["steps"]}
    finder = steps["Find the template this repository was made from"]
    assert ".template_repository.full_name" in finder["run"]
    assert "[ -f copier.yml ]" in finder["run"]
    render_step = steps["Render the template into packages/ and commit"]
    assert render_step["if"] == "steps.upstream.outputs.template != ''"
    assert str(SCRIPT) in render_step["run"]
    assert "git push" not in render_step["run"]  # the next step pushes, with the token
    push_step = steps["Push the rendered commit"]
    assert push_step["if"] == render_step["if"]
    assert "git push" in push_step["run"]


@pytest.mark.parametrize(
    ("template_repository", "has_copier_yml", "output"),
    [
        ("acme/fastapi-template", True, "template=gh:acme/fastapi-template\n"),
        ("", True, "template=\n"),  # not made with the button, e.g. this repository
        ("acme/fastapi-template", False, ""),  # rendered already
    ],
    ids=["made-from-template", "not-from-a-template", "rendered"],
)
def test_workflow_finds_the_upstream_source_from_the_github_api(
    tmp_path: Path, template_repository: str, has_copier_yml: bool, output: str
) -> None:
    """The finder step's shell, with a stand-in for `gh api` answering its --jq query."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_gh = bin_dir / "gh"
    fake_gh.write_text(f"#!/bin/sh\nprintf '%s\\n' '{template_repository}'\n")
    fake_gh.chmod(0o755)
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    if has_copier_yml:
        (checkout / "copier.yml").write_text("")
    github_output = tmp_path / "github_output"
    github_output.write_text("")
    [job] = yaml.safe_load(WORKFLOW.read_text())["jobs"].values()
    [finder] = [step for step in job["steps"] if step.get("id") == "upstream"]

    subprocess.run(
        ["bash", "-e", "-c", finder["run"]],
        cwd=checkout,
        env={
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_OUTPUT": str(github_output),
            "GITHUB_REPOSITORY": "acme/orders-service",
        },
        check=True,
    )
    assert github_output.read_text() == output
