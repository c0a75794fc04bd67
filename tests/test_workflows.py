"""The template's own GitHub Actions workflows: audited by zizmor, pinned, least privilege.

GitHub is not reachable from the tests; the workflows are read as YAML (and as text, for the
version comments YAML drops) and checked for the properties a reviewer would otherwise check by
eye, and the release step's shell is run against a local "origin".
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.bundling import LAMBDA_PYTHONS
from harness.rendering import TEMPLATE
from harness.template_repo import GIT_ENV, git, init_repo

WORKFLOWS = TEMPLATE / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
ZIZMOR = Path(sys.executable).parent / "zizmor"

PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}")
VERSION_COMMENT = re.compile(r"v\d+\.\d+\.\d+")
USES_LINE = re.compile(r"^\s*(?:- )?uses:\s*(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*))?$", re.M)


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(job id, job, step) for every step of a workflow."""
    return [(name, job, step) for name, job in workflow["jobs"].items() for step in job["steps"]]


# What pushes in these workflows: git itself, or the release script (which pushes a tag).
PUSH_COMMANDS = ("git push", ".github/scripts/release.py")


def pushes(step: dict[str, Any]) -> bool:
    return any(command in step.get("run", "") for command in PUSH_COMMANDS)


def zizmor_findings(path: Path) -> list[dict[str, Any]]:
    """zizmor's findings for a workflow folder, offline, as its JSON report lists them."""
    result = subprocess.run(
        [str(ZIZMOR), "--offline", "--format", "json", str(path)],
        capture_output=True,
        text=True,
    )
    # Exit codes 10-14 say findings were reported (by their highest severity); others fail.
    assert result.returncode == 0 or 10 <= result.returncode <= 14, result.stderr
    return json.loads(result.stdout)


def serious(findings: list[dict[str, Any]]) -> list[str]:
    return [
        f"{finding['ident']} ({finding['determinations']['severity']}): "
        f"{finding['locations'][0]['symbolic']['key']['Local']['verbatim_path']} "
        f"{finding['desc']}"
        for finding in findings
        if finding["determinations"]["severity"] in ("Medium", "High")
    ]


def test_there_are_the_workflows_this_repository_runs() -> None:
    names = [path.name for path in WORKFLOW_FILES]
    assert names == ["ci.yml", "release.yml", "use-this-template.yml"]


def test_zizmor_reports_nothing_of_medium_or_high_severity() -> None:
    assert serious(zizmor_findings(WORKFLOWS)) == []


def test_zizmor_would_report_an_unpinned_action_with_a_persisted_token(tmp_path: Path) -> None:
    """The audit above can fail: the workflow this repository had before is reported."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
    )
    reported = serious(zizmor_findings(workflows))
    assert any(finding.startswith("unpinned-uses (High)") for finding in reported), reported
    assert any(finding.startswith("artipacked (Medium)") for finding in reported), reported


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(path: Path) -> None:
    text = path.read_text()
    in_yaml = [step["uses"] for _, _, step in steps(load(path)) if "uses" in step]
    in_text = list(USES_LINE.finditer(text))
    assert [line["ref"] for line in in_text] == in_yaml  # every `uses:` is on a line of its own
    for line in in_text:
        assert PINNED.fullmatch(line["ref"]), f"{line['ref']} is not pinned to a full commit SHA"
        assert line["comment"] and VERSION_COMMENT.fullmatch(line["comment"]), (
            f"{line['ref']} needs its version in a comment, like `# v4.2.2`"
        )


def test_each_action_is_pinned_to_one_commit_across_workflows() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOW_FILES:
        for line in USES_LINE.finditer(path.read_text()):
            action, _, sha = line["ref"].partition("@")
            pins.setdefault(action, set()).add(f"{sha} # {line['comment']}")
    assert {action: len(shas) for action, shas in pins.items()} == dict.fromkeys(pins, 1), pins


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_the_workflows_token_may_at_most_read_unless_a_job_asks_for_more(path: Path) -> None:
    workflow = load(path)
    assert "permissions" in workflow, "every workflow sets its token's permissions at the top"
    assert set(workflow["permissions"].values()) <= {"read", "none"}
    for name, job in workflow["jobs"].items():
        grants = job.get("permissions", {})
        if "write" in grants.values():
            assert any(map(pushes, job["steps"])), f"job {name} may write but pushes nothing"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_checkouts_leave_no_token_in_git_config(path: Path) -> None:
    """Not even where a job pushes: there the push step alone is handed the token."""
    checkouts = [
        (name, step)
        for name, _, step in steps(load(path))
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkouts
    for name, step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, name


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_every_workflow_has_a_concurrency_group(path: Path) -> None:
    concurrency = load(path).get("concurrency", {})
    assert "${{ github.workflow }}" in concurrency.get("group", "")
    assert isinstance(concurrency.get("cancel-in-progress"), bool)


def test_a_token_that_may_write_goes_only_to_push_steps_and_api_reads() -> None:
    """`${{ github.token }}` goes to the push steps, or to `gh api` reads before any render."""
    for path in WORKFLOW_FILES:
        for name, job, step in steps(load(path)):
            if "github.token" not in json.dumps(step):
                continue
            writes = "write" in job.get("permissions", {}).values()
            assert not writes or pushes(step) or "gh api" in step.get("run", ""), (
                f"{path.name} job {name}: step {step.get('name')} gets a token that may write"
            )


# --- ci.yml ------------------------------------------------------------------------------------
CI = load(WORKFLOWS / "ci.yml")
LINTED = "extensions migrations tests benchmarks harness .github/scripts"


def job_runs(job: str) -> list[str]:
    return [step["run"] for step in CI["jobs"][job]["steps"] if "run" in step]


def test_ci_lints_tests_fast_and_tests_slow_in_separate_jobs() -> None:
    assert f"uv run ruff check {LINTED}" in job_runs("lint")
    assert f"uv run ruff format --check {LINTED}" in job_runs("lint")
    assert job_runs("fast") == ['uv run pytest -m "not slow"']
    assert job_runs("slow") == ["uv run pytest -m slow"]
    for job in ("lint", "fast", "slow"):
        assert CI["jobs"][job]["if"] == "needs.template.outputs.tested == 'true'"


def test_ci_lints_every_python_folder_of_this_repository() -> None:
    folders = {path.parent.relative_to(TEMPLATE).parts[0] for path in TEMPLATE.glob("*/*.py")}
    assert folders <= set(LINTED.split()), folders
    assert list((TEMPLATE / ".github/scripts").glob("*.py"))


@pytest.mark.parametrize("job", ["fast", "slow"])
def test_ci_tests_with_python_3_11_and_the_lambda_pythons_and_node_20_and_caches(job: str) -> None:
    uses = {
        step["uses"].partition("@")[0]: step.get("with", {})
        for step in CI["jobs"][job]["steps"]
        if "uses" in step
    }
    pythons = uses["actions/setup-python"]["python-version"].split()
    assert pythons == [*LAMBDA_PYTHONS, "3.11"]  # the last is the default: the tools'
    assert uses["actions/setup-node"]["node-version"] == 20
    assert uses["astral-sh/setup-uv"]["enable-cache"] is True
    cache = uses["actions/cache"]
    assert cache["path"].split() == ["~/.npm", "~/.cache/fastapi-template-tests"]
    assert "hashFiles('template/common/constructs/package.json')" in cache["key"]
    # Where harness/constructs.py keeps its `npm install`s.
    assert '"fastapi-template-tests"' in (TEMPLATE / "harness/constructs.py").read_text()


def test_ci_run_finds_or_installs_each_lambda_python() -> None:
    """A fresh machine has no Python of the Lambda runtimes: the bundle tests need each."""
    ci_run = (TEMPLATE / ".ci/run").read_text()
    [versions] = re.findall(r"^for version in ([\d. ]+); do$", ci_run, flags=re.M)
    assert versions.split() == list(LAMBDA_PYTHONS)
    assert 'uv python install "$version"' in ci_run


def test_ci_run_still_runs_the_readmes_test_command() -> None:
    readme_command = "python3 -m pip install -q uv && uv run pytest"
    assert f"```sh\n{readme_command}\n```" in (TEMPLATE / "README.md").read_text()
    ci_run = (TEMPLATE / ".ci/run").read_text().splitlines()
    assert ci_run[-1] == readme_command


# --- use-this-template.yml ---------------------------------------------------------------------
USE = load(WORKFLOWS / "use-this-template.yml")


def locked_version(package: str) -> str:
    lock = tomllib.loads((TEMPLATE / "uv.lock").read_text())
    [version] = [entry["version"] for entry in lock["package"] if entry["name"] == package]
    return version


def use_step(name: str) -> dict[str, Any]:
    [job] = USE["jobs"].values()
    [step] = [step for step in job["steps"] if step.get("name") == name]
    return step


def test_use_this_template_renders_with_no_token_around_and_pushes_after() -> None:
    render = use_step("Render the template into packages/ and commit")
    push = use_step("Push the rendered commit")
    assert "token" not in json.dumps(render).lower()
    assert push["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}
    # The token goes to git in this command's environment, never to .git/config.
    assert "git config" not in push["run"]
    assert 'GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $basic"' in push["run"]
    assert "GIT_CONFIG_KEY_1=core.hooksPath GIT_CONFIG_VALUE_1=/dev/null" in push["run"]


def test_use_this_template_pins_copier_as_this_repositorys_lock_does() -> None:
    render = use_step("Render the template into packages/ and commit")
    for package in ("copier", "copier-template-extensions"):
        assert f'--with "{package}=={locked_version(package)}"' in render["run"]


def test_the_readmes_quick_start_pins_copier_as_this_repositorys_lock_does() -> None:
    readme = (TEMPLATE / "README.md").read_text()
    copier, extensions = (locked_version(name) for name in ("copier", "copier-template-extensions"))
    assert (
        f"uvx --from 'copier=={copier}' --with 'copier-template-extensions=={extensions}' "
        "copier copy --trust --defaults . /tmp/demo/packages"
    ) in readme


# --- release.yml -------------------------------------------------------------------------------
RELEASE = load(WORKFLOWS / "release.yml")


def test_release_runs_only_in_the_template_repository_on_its_default_branch() -> None:
    [job] = RELEASE["jobs"].values()
    for guard in (
        "github.event.repository.is_template",
        "!github.event.repository.fork",
        "github.ref_name == github.event.repository.default_branch",
    ):
        assert guard in job["if"]
    assert job["permissions"] == {"contents": "write"}


def test_the_release_step_as_ci_runs_it_tags_and_pushes_the_new_version(tmp_path: Path) -> None:
    """The step's shell, in a checkout whose "origin" is a local bare repository."""
    origin = tmp_path / "origin.git"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(origin), cwd=tmp_path)
    checkout = tmp_path / "checkout"
    (checkout / ".github/scripts").mkdir(parents=True)
    shutil.copy(TEMPLATE / ".github/scripts/release.py", checkout / ".github/scripts")
    (checkout / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\n## 1.0.0\n")
    init_repo(checkout)
    git("remote", "add", "origin", str(origin), cwd=checkout)
    [job] = RELEASE["jobs"].values()
    [step] = [step for step in job["steps"] if "run" in step]
    environment = {key: value for key, value in GIT_ENV.items() if "COMMITTER" not in key}

    subprocess.run(
        ["bash", "-e", "-c", step["run"].replace("python3 ", f"{sys.executable} ")],
        cwd=checkout,
        env={
            **os.environ,
            **environment,
            **step["env"],
            "GITHUB_TOKEN": "a-token",
            "GITHUB_SERVER_URL": "https://github.com",
        },
        check=True,
        capture_output=True,
    )
    tagged = git("for-each-ref", "--format=%(refname:short) %(taggername)", "refs/tags", cwd=origin)
    assert tagged.strip() == "1.0.0 github-actions[bot]"
