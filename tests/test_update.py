"""Day two: `copier update` brings a release's fixes and keeps every line the user wrote.

A throw-away git copy of this template is released twice. An API rendered at the first
release, committed and then edited the way a team does (`edit_as_user`), is updated to the
second release with the command the README gives, run from `packages/`.
"""

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from harness.bundling import bundle_script
from harness.rendering import render, run, update
from harness.template_repo import (
    API,
    INIT_FIX,
    NEW_FILE_TEXT,
    NEW_PIN,
    PREVIOUS_RELEASE,
    RELEASE_0_1_0,
    RELEASE_1,
    RELEASE_2,
    SHARED_FIX,
    TemplateRepo,
    assert_same_tree,
    commit_all,
    copier,
    git,
    is_clean,
    new_monorepo,
    ship_fixes,
    snapshot,
)

pytestmark = pytest.mark.slow  # copier update, against throwaway releases

ANSWERS = "my_api/.copier-answers.yml"  # relative to packages/, where the README says to run
UPDATE = ("update", "--trust", "-a", ANSWERS, "--defaults")

# copier.yml's _skip_if_exists, for the default API: created once, then the user's.
PROTECTED = ("my_api/my_api/main.py", "my_api/tests/test_main.py")


# --- The template's side: what the second release changes ---------------------------------
MAIN_CHANGE = "# A new example in the next release: existing APIs must not get it.\n"
RELEASE_2_TITLE = "# MyApi (FastAPI on AWS Lambda)"


def change_template(repo: TemplateRepo) -> None:
    ship_fixes(repo)
    # The user rewrites the README's title too: the one place both sides change.
    repo.sub(f"{API}/README.md.jinja", r"^# (.+)$", r"# \1 (FastAPI on AWS Lambda)")
    repo.edit(f"{API}/{{{{moduleName}}}}/main.py.jinja", lambda text: MAIN_CHANGE + text)


# --- The user's side: what a team does between the two releases ----------------------------
USER_ROUTE = """

@app.get("/orders/{order_id}")
async def get_order(order_id: int) -> dict[str, int]:
    return {"order_id": order_id}
"""
USER_DEPENDENCY = '    "boto3>=1.35",'
USER_TEST_FILE = """from fastapi.testclient import TestClient

from my_api.main import app


def test_get_order() -> None:
    assert TestClient(app).get("/orders/7").json() == {"order_id": 7}
"""
USER_TEST = """

def test_echo_says_hello_by_default() -> None:
    assert client.get("/echo").json() == {"message": "hello"}
"""
USER_TITLE = "# Orders (owned by the orders team)"
USER_README_SECTION = "\n## Runbook\n\nPage the orders team; the dashboards are in Grafana.\n"


def edit_as_user(packages: Path) -> None:
    api = packages / "my_api"
    append(api / "my_api/main.py", USER_ROUTE)
    append(api / "tests/test_main.py", USER_TEST)
    (api / "tests/test_orders.py").write_text(USER_TEST_FILE)
    pyproject = api / "pyproject.toml"
    pyproject.write_text(
        re.sub(
            r"^dependencies = \[$",
            f"dependencies = [\n{USER_DEPENDENCY}",
            pyproject.read_text(),
            count=1,
            flags=re.M,
        )
    )
    readme = api / "README.md"
    _, body = readme.read_text().split("\n", 1)
    readme.write_text(f"{USER_TITLE}\n{body}{USER_README_SECTION}")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def keep_our_side(text: str) -> str:
    """Resolve Copier's inline conflicts the way a user keeping their version does."""
    return re.sub(
        r"^<<<<<<< before updating\n(.*?)^=======\n.*?^>>>>>>> after updating\n",
        r"\1",
        text,
        flags=re.M | re.S,
    )


# --- Fixtures --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    return TemplateRepo.released_twice(tmp_path_factory.mktemp("template"), change_template)


def rendered_monorepo(root: Path, template: TemplateRepo, release: str, **answers) -> Path:
    """A monorepo with my-api rendered at `release` and committed; returns its packages/."""
    new_monorepo(root)
    render(root / "packages", template=template.path, vcs_ref=release, **answers)
    commit_all(root, f"Render my-api {release}")
    return root / "packages"


@pytest.fixture(scope="module")
def updated(template: TemplateRepo, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The user's API after `copier update` from the first release to the second."""
    packages = rendered_monorepo(tmp_path_factory.mktemp("user") / "repo", template, RELEASE_1)
    edit_as_user(packages)
    commit_all(packages.parent, "Our routes, tests, dependency and README")
    before = snapshot(packages)

    result = copier(*UPDATE, cwd=packages)  # latest tag: RELEASE_2
    assert result.returncode == 0, result.stderr

    fresh = rendered_monorepo(tmp_path_factory.mktemp("fresh") / "repo", template, RELEASE_2)
    edit_as_user(fresh)
    return SimpleNamespace(
        packages=packages,
        before=before,
        after=snapshot(packages),
        fresh_with_edits=snapshot(fresh),
    )


def text(tree: dict[str, bytes], path: str) -> str:
    return tree[path].decode()


# --- The update ------------------------------------------------------------------------------
def test_every_user_edit_survives_the_update(updated: SimpleNamespace) -> None:
    after = updated.after
    assert text(after, "my_api/my_api/main.py").endswith(USER_ROUTE)
    assert text(after, "my_api/tests/test_main.py").endswith(USER_TEST)
    assert text(after, "my_api/tests/test_orders.py") == USER_TEST_FILE
    assert USER_DEPENDENCY in text(after, "my_api/pyproject.toml").splitlines()
    readme = text(after, "my_api/README.md")
    assert USER_TITLE in readme.splitlines()
    assert readme.endswith(USER_README_SECTION)


def test_every_template_change_arrives(updated: SimpleNamespace) -> None:
    after = updated.after
    assert text(after, "my_api/my_api/init.py").endswith(INIT_FIX)
    assert NEW_PIN in text(after, "my_api/pyproject.toml").splitlines()
    assert text(after, "my_api/my_api/health.py") == NEW_FILE_TEXT.replace("{{ name }}", "my-api")
    assert text(after, "common/constructs/scripts/generate_index.py").endswith(SHARED_FIX)
    assert RELEASE_2_TITLE in text(after, "my_api/README.md").splitlines()
    answers = yaml.safe_load(text(after, "my_api/.copier-answers.yml"))
    assert answers["_commit"] == RELEASE_2
    assert answers["port"] == 8000


def test_files_created_once_are_left_to_the_user(updated: SimpleNamespace) -> None:
    for path in PROTECTED:
        assert updated.after[path] == updated.before[path], path
    assert MAIN_CHANGE in text(updated.fresh_with_edits, "my_api/my_api/main.py")


def test_conflict_markers_only_where_both_sides_changed_the_same_lines(
    updated: SimpleNamespace,
) -> None:
    conflicted = sorted(path for path, data in updated.after.items() if b"<<<<<<<" in data)
    assert conflicted == ["my_api/README.md"]
    readme = text(updated.after, "my_api/README.md")
    assert readme.startswith(
        "<<<<<<< before updating\n"
        f"{USER_TITLE}\n"
        "=======\n"
        f"{RELEASE_2_TITLE}\n"
        ">>>>>>> after updating\n"
    )
    assert readme.count("<<<<<<<") == readme.count("=======") == readme.count(">>>>>>>") == 1
    # Git lists the file as unmerged, so `git status` shows what to resolve, with both sides
    # staged: `git checkout --ours` (the user's) or `--theirs` (the new release's) work.
    unmerged = git("diff", "--name-only", "--diff-filter=U", cwd=updated.packages)
    assert unmerged.split() == ["packages/my_api/README.md"]
    ours = git("show", ":2:packages/my_api/README.md", cwd=updated.packages)
    theirs = git("show", ":3:packages/my_api/README.md", cwd=updated.packages)
    assert ours == text(updated.before, "my_api/README.md")
    assert theirs.startswith(RELEASE_2_TITLE + "\n")
    assert USER_README_SECTION not in theirs


def test_update_leaves_no_rejected_hunks(updated: SimpleNamespace) -> None:
    leftovers = [path for path in updated.after if path.endswith((".rej", ".orig"))]
    assert leftovers == []


def test_update_equals_a_fresh_copy_of_the_new_release_plus_the_users_edits(
    updated: SimpleNamespace,
) -> None:
    actual = dict(updated.after)
    actual["my_api/README.md"] = keep_our_side(text(actual, "my_api/README.md")).encode()
    expected = dict(updated.fresh_with_edits)
    for path in PROTECTED:  # the user's version, written against the first release
        expected[path] = updated.before[path]
    assert_same_tree(actual, expected)


# --- Around the update -----------------------------------------------------------------------
@pytest.fixture
def packages(template: TemplateRepo, tmp_path: Path) -> Path:
    """my-api at the first release, committed, untouched."""
    return rendered_monorepo(tmp_path / "repo", template, RELEASE_1)


def test_check_update_reports_the_new_release(packages: Path) -> None:
    result = copier("check-update", "-a", ANSWERS, "--output-format", "json", cwd=packages)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "update_available": True,
        "current_version": RELEASE_1,
        "latest_version": RELEASE_2,
    }


@pytest.mark.parametrize(
    ("trust", "message"),
    [
        # What the README's command prints when `-a` is forgotten ...
        (
            ["--trust"],
            "Cannot update because cannot obtain old template references from "
            "`.copier-answers.yml`.",
        ),
        # ... and what Copier prints without --trust as well.
        ([], "TypeError: Template not found"),
    ],
    ids=["trust", "no-trust"],
)
def test_update_without_the_answers_file_fails_and_changes_nothing(
    packages: Path, trust: list[str], message: str
) -> None:
    before = snapshot(packages)
    result = copier("update", *trust, "--defaults", cwd=packages)
    assert result.returncode != 0
    assert message in result.stderr
    assert snapshot(packages) == before
    assert is_clean(packages)


def test_update_of_a_dirty_tree_stops_and_changes_nothing(packages: Path) -> None:
    append(packages / "my_api/my_api/main.py", "# work in progress\n")
    before = snapshot(packages)
    result = copier(*UPDATE, cwd=packages)
    assert result.returncode == 1
    assert "Destination repository is dirty; cannot continue." in result.stderr
    assert snapshot(packages) == before


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("port=80", "Validation error for question 'port': Port 80 is out of range"),
        # A new answer is judged by every rule, unlike the one recorded earlier (below).
        ("moduleName=json", "would shadow the standard library module 'json'"),
        # The folder's constructs and app are in one language, for every API of it.
        ("cdkLanguage=Python", "cdkLanguage cannot change from TypeScript to Python"),
    ],
)
def test_update_with_a_bad_answer_stops_and_changes_nothing(
    packages: Path, answer: str, message: str
) -> None:
    before = snapshot(packages)
    result = copier(*UPDATE, "--data", answer, cwd=packages)
    assert result.returncode == 1
    assert message in result.stderr
    assert snapshot(packages) == before
    assert is_clean(packages)


def test_changing_an_answer_rerenders_at_the_same_release(
    template: TemplateRepo, packages: Path, tmp_path: Path
) -> None:
    new_answers = {"computeType": "ServerlessApiGatewayHttpApi", "auth": "Cognito"}
    data = [arg for key, value in new_answers.items() for arg in ("--data", f"{key}={value}")]
    result = copier(*UPDATE, "--vcs-ref=:current:", *data, cwd=packages)
    assert result.returncode == 0, result.stderr

    answers = yaml.safe_load((packages / ANSWERS).read_text())
    assert answers["_commit"] == RELEASE_1
    assert {key: answers[key] for key in new_answers} == new_answers
    fresh = rendered_monorepo(tmp_path / "fresh", template, RELEASE_1, **new_answers)
    assert_same_tree(snapshot(packages), snapshot(fresh))


def test_user_files_deleted_stay_deleted(packages: Path) -> None:
    """Copier recreates no file the user deleted, `_skip_if_exists` or not (it compares its
    patterns with paths from the git root, where the API's folder sits in packages/)."""
    for path in PROTECTED:
        (packages / path).unlink()
    commit_all(packages.parent, "Our routes live elsewhere")

    update(packages, ANSWERS, RELEASE_2)  # whose main.py changed (MAIN_CHANGE)

    for path in PROTECTED:
        assert not (packages / path).exists(), path
    assert (packages / "my_api/my_api/init.py").read_text().endswith(INIT_FIX)


# --- Layout changes --------------------------------------------------------------------------
TEST_MAIN = f"{API}/tests/test_main.py.jinja"
TEST_ROUTES = f"{API}/tests/test_routes.py.jinja"
MOVE_TEST_MAIN = """_migrations:
  - version: "0.2.0"
    when: "{{ _stage == 'before' }}"
    command: [git, mv, -k, "{{ _copier_conf.answers_file.parent }}/tests/test_main.py",
              "{{ _copier_conf.answers_file.parent }}/tests/test_routes.py"]
"""


def release_that_renames_test_main(repo: TemplateRepo) -> None:
    """The migration recipe of copier.yml, applied to a rename of tests/test_main.py."""
    repo.move(TEST_MAIN, TEST_ROUTES)
    repo.edit(
        "copier.yml",
        lambda text: text.replace(
            "_skip_if_exists:\n", '_skip_if_exists:\n  - "*/tests/test_routes.py"\n', 1
        ).replace("_migrations:\n", MOVE_TEST_MAIN, 1),
    )


@pytest.fixture(scope="module")
def renaming_template(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    return TemplateRepo.released_twice(
        tmp_path_factory.mktemp("renaming-template"), release_that_renames_test_main
    )


@pytest.mark.parametrize("user_deleted_it", [False, True], ids=["edited", "deleted"])
def test_a_release_that_moves_a_user_file_moves_the_users_version(
    renaming_template: TemplateRepo, tmp_path: Path, user_deleted_it: bool
) -> None:
    packages = rendered_monorepo(tmp_path / "repo", renaming_template, RELEASE_1)
    tests = packages / "my_api/tests"
    rendered = (tests / "test_main.py").read_text()  # the rename leaves the content alone
    if user_deleted_it:
        (tests / "test_main.py").unlink()
    else:
        append(tests / "test_main.py", USER_TEST)
    commit_all(packages.parent, "Our tests")

    update(packages, ANSWERS, RELEASE_2)

    assert not (tests / "test_main.py").exists()
    moved = (tests / "test_routes.py").read_text()
    if user_deleted_it:  # nothing to move: the new release's file, as for a new API
        assert moved == rendered
    else:
        assert moved == rendered + USER_TEST
        status = git("status", "--porcelain", "--", "my_api/tests", cwd=packages)
        assert status.splitlines() == [
            "R  packages/my_api/tests/test_main.py -> packages/my_api/tests/test_routes.py"
        ]


# --- From the previous release to this working tree -------------------------------------------
def updated_from(tmp: Path, release: str) -> SimpleNamespace:
    """my-api rendered at `release`, committed, then updated to this working tree (released as
    RELEASE_2) with the README's command."""
    template = TemplateRepo.from_commit(tmp / "template", release)
    template.release(RELEASE_1)
    template.replace_with_working_tree()
    template.release(RELEASE_2)
    packages = rendered_monorepo(tmp / "monorepo", template, RELEASE_1)
    before = snapshot(packages)
    result = copier(*UPDATE, cwd=packages)
    assert result.returncode == 0, result.stderr
    return SimpleNamespace(template=template, packages=packages, before=before)


@pytest.fixture(scope="module")
def previous_release(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    return updated_from(tmp_path_factory.mktemp("previous-release"), PREVIOUS_RELEASE)


@pytest.fixture(scope="module")
def release_0_1_0(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The same from 0.1.0, which had neither pythonVersion nor architecture."""
    return updated_from(tmp_path_factory.mktemp("release-0.1.0"), RELEASE_0_1_0)


def test_a_project_of_the_previous_release_passes_its_own_tests_after_updating(
    previous_release: SimpleNamespace,
) -> None:
    """The user's test_main.py, never updated by the template, stays green on this release."""
    packages = previous_release.packages
    assert (packages / PROTECTED[1]).read_bytes() == previous_release.before[PROTECTED[1]]
    api = packages / "my_api"
    assert (api / "my_api/openapi.py").is_file()  # the update did bring this release
    root = packages.parent
    run("uv", "sync", "--project", api, cwd=root)
    result = run(
        "uv", "run", "--project", api, "pytest", "-q", api / "tests/test_main.py", cwd=root
    )
    assert " passed" in result.stdout and " failed" not in result.stdout


# The questions a release added (the fixture of the release before it), what an API rendered
# before them had (and keeps), what a new API gets by default, and what the bundle script makes
# of each (cdkLanguage: none of its business).
ADDED_QUESTIONS = {
    "pythonVersion": ("release_0_1_0", "3.12", "3.13", "PYTHON_VERSION"),
    "architecture": ("release_0_1_0", "x86_64", "x86_64", "ARCHITECTURE"),
    "cdkLanguage": ("previous_release", "TypeScript", "TypeScript", None),
}


@pytest.mark.parametrize("question", sorted(ADDED_QUESTIONS))
def test_an_api_rendered_before_a_question_keeps_what_it_had_and_a_new_one_gets_the_default(
    request: pytest.FixtureRequest, tmp_path: Path, question: str
) -> None:
    release, kept, default, built_from = ADDED_QUESTIONS[question]
    previous_release: SimpleNamespace = request.getfixturevalue(release)
    # A new API beside the updated one, and one in a new folder.
    packages = tmp_path / "packages"
    shutil.copytree(previous_release.packages, packages)
    render(packages, template=previous_release.template.path, vcs_ref=RELEASE_2, name="orders")
    elsewhere = rendered_monorepo(tmp_path / "new", previous_release.template, RELEASE_2)
    apis = {
        "updated": previous_release.packages / "my_api",
        "beside it": packages / "orders",
        "elsewhere": elsewhere / "my_api",
    }
    answers = {
        label: yaml.safe_load((api / ".copier-answers.yml").read_text())
        for label, api in apis.items()
    }
    assert {label: recorded["_commit"] for label, recorded in answers.items()} == dict.fromkeys(
        apis, RELEASE_2
    )
    expected = {"updated": kept, "beside it": default, "elsewhere": default}
    assert {label: recorded[question] for label, recorded in answers.items()} == expected
    if built_from is not None:
        built = {label: getattr(bundle_script(api), built_from) for label, api in apis.items()}
        assert built == expected


CORS = "common/constructs/src/core/api/cors.ts"
CORS_POLICY = "common/constructs/src/core/api/cors-policy.ts"
MOVE_CORS = f"""_migrations:
  - version: "{RELEASE_2}"
    command: ["{{{{ _copier_python }}}}", "{{{{ _copier_conf.src_path }}}}/migrations/move.py",
              -a, "{{{{ _copier_conf.answers_file }}}}", "{CORS}={CORS_POLICY}"]
"""
USER_HEADER = "  'x-tenant-id',\n"  # a header the user allows, lines away from the release's fix
MAX_AGE = "export const CORS_MAX_AGE_SECONDS = {};\n"


def release_that_moves_a_template_file(repo: TemplateRepo) -> None:
    """cors.ts becomes cors-policy.ts, with a fix; copier.yml's recipe for such a move."""
    repo.move(f"template/{CORS}", f"template/{CORS_POLICY}")
    repo.sub(f"template/{CORS_POLICY}", r"^" + MAX_AGE.format(600), MAX_AGE.format(300))
    for importer in ("api-base.ts", "function-url.ts", "http-api.ts", "rest-api.ts"):
        repo.sub(
            f"template/common/constructs/src/core/api/{importer}", "'./cors';", "'./cors-policy';"
        )
    repo.edit("copier.yml", lambda text: text.replace("_migrations:\n", MOVE_CORS, 1))


@pytest.fixture(scope="module")
def moving_template(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    return TemplateRepo.released_twice(
        tmp_path_factory.mktemp("moving-template"), release_that_moves_a_template_file
    )


@pytest.mark.parametrize("edit", ["other-lines", "same-line", "none"])
def test_a_release_that_moves_a_template_file_merges_the_users_edits_there(
    moving_template: TemplateRepo, tmp_path: Path, edit: str
) -> None:
    packages = rendered_monorepo(tmp_path / "repo", moving_template, RELEASE_1)
    cors = packages / CORS
    if edit == "other-lines":
        cors.write_text(
            cors.read_text().replace("  'x-api-key',\n", "  'x-api-key',\n" + USER_HEADER)
        )
    elif edit == "same-line":
        cors.write_text(cors.read_text().replace(MAX_AGE.format(600), MAX_AGE.format(3600)))
    commit_all(packages.parent, "Our CORS policy")
    ours = cors.read_text()

    result = copier(*UPDATE, cwd=packages)
    assert result.returncode == 0, result.stderr

    assert not cors.exists()
    moved = (packages / CORS_POLICY).read_text()
    release = moving_template.file(f"template/{CORS_POLICY}").read_text()
    unmerged = git("diff", "--name-only", "--diff-filter=U", cwd=packages).split()
    if edit == "none":  # nothing to carry: the release's file, and not a word about it
        assert moved == release
        assert "Moved your edits" not in result.stderr
    elif edit == "other-lines":  # a clean 3-way merge: the user's header and the release's fix
        assert moved == release.replace("  'x-api-key',\n", "  'x-api-key',\n" + USER_HEADER)
        assert f"Moved your edits of {CORS} to {CORS_POLICY}." in result.stderr
    else:  # both changed one line: Copier's markers, and Git lists the file as unmerged
        assert (
            "<<<<<<< before updating\n" + MAX_AGE.format(3600) + "=======\n"
            + MAX_AGE.format(300) + ">>>>>>> after updating\n"
        ) in moved  # fmt: skip
        assert moved.count("<<<<<<<") == 1
        assert unmerged == [f"packages/{CORS_POLICY}"]
        assert git("show", f":2:packages/{CORS_POLICY}", cwd=packages) == ours
        assert git("show", f":3:packages/{CORS_POLICY}", cwd=packages) == release
        assert "resolve the conflicts there" in result.stderr
    if edit != "same-line":
        assert unmerged == []
    index = (packages / "common/constructs/src/index.ts").read_text()
    assert "'./core/api/cors-policy';" in index and "'./core/api/cors';" not in index


# --- Answers a later release refuses ---------------------------------------------------------
def release_that_takes_recorded_names(repo: TemplateRepo) -> None:
    """A release whose constructs export `Orders` and whose API depends on `orders_mod`."""
    for constant, name in (("CORE_EXPORTS", '"Orders"'), ("DEPENDENCY_MODULES", '"orders_mod"')):
        repo.sub(
            "extensions/validation.py",
            rf"^({constant} = frozenset\(\n    \{{\n)",
            rf"\1        {name},\n",
        )
    ship_fixes(repo)


def test_answers_a_later_release_refuses_are_kept_on_update(tmp_path: Path) -> None:
    """Copier validates recorded answers on every update, and silently replaces a refused one
    with its default: a `moduleName` so replaced renders a new package and deletes the old."""
    template = TemplateRepo.released_twice(tmp_path / "template", release_that_takes_recorded_names)
    answers = {"name": "orders", "moduleName": "orders_mod"}
    packages = rendered_monorepo(tmp_path / "repo", template, RELEASE_1, **answers)
    main = packages / "orders/orders_mod/main.py"
    append(main, USER_ROUTE)
    commit_all(packages.parent, "Our routes")

    update(packages, "orders/.copier-answers.yml", RELEASE_2)

    recorded = yaml.safe_load((packages / "orders/.copier-answers.yml").read_text())
    assert {key: recorded[key] for key in answers} == answers
    assert recorded["_commit"] == RELEASE_2
    assert main.read_text().endswith(USER_ROUTE)
    assert (packages / "orders/orders_mod/init.py").read_text().endswith(INIT_FIX)
    assert not (packages / "orders/orders").exists()
    # A new API may not take them any more.
    for new_answers, message in [
        ({"name": "orders"}, "'orders' clashes with Orders"),
        ({"name": "billing", "moduleName": "orders_mod"}, "shadow the dependency 'orders_mod'"),
    ]:
        with pytest.raises(ValueError, match=message):
            render(tmp_path / "new" / "packages", template.path, RELEASE_2, **new_answers)
