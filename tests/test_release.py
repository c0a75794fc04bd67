"""Releases cut by CI from CHANGELOG.md: .github/scripts/release.py on throw-away repositories.

Each test has a bare repository standing for the published one ("origin") and a clone of it
standing for the workflow's checkout of the pushed commit.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.version import Version

from harness.rendering import TEMPLATE
from harness.template_repo import GIT_ENV, commit_all, git, init_repo

SCRIPT = TEMPLATE / ".github/scripts/release.py"

RELEASED = """\
# Changelog

To release: ...

## Unreleased

- Something not released yet.

## 0.2.0

- A fix.

## 0.1.0

First release.
"""


def load_script():
    spec = importlib.util.spec_from_file_location("release", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def published(tmp_path: Path, changelog: str) -> Path:
    """A checkout of a commit with this CHANGELOG.md, pushed to a bare "origin"."""
    origin = tmp_path / "origin.git"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(origin), cwd=tmp_path)
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "CHANGELOG.md").write_text(changelog)
    init_repo(checkout)
    git("remote", "add", "origin", str(origin), cwd=checkout)
    git("push", "--quiet", "origin", "main", cwd=checkout)
    return checkout


def cut_release(checkout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """What the workflow runs, from the checkout's root."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=checkout,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
    )


def tags(repo: Path) -> dict[str, str]:
    """Each tag of a repository (its working copy or a bare one), with the commit it marks."""
    commit = "%(if)%(*objectname)%(then)%(*objectname)%(else)%(objectname)%(end)"
    listed = git("for-each-ref", f"--format=%(refname:short) {commit}", "refs/tags", cwd=repo)
    return dict(line.split(" ") for line in listed.splitlines())


def head(repo: Path) -> str:
    return git("rev-parse", "HEAD", cwd=repo).strip()


def test_tags_the_pushed_commit_with_the_top_released_version_and_pushes_it(
    tmp_path: Path,
) -> None:
    checkout = published(tmp_path, RELEASED)

    result = cut_release(checkout)

    assert result.returncode == 0, result.stderr
    assert tags(tmp_path / "origin.git") == {"0.2.0": head(checkout)}
    assert "Released 0.2.0" in result.stdout
    message = git("tag", "--list", "--format=%(contents:subject)", "0.2.0", cwd=checkout)
    assert message.strip() == "Release 0.2.0"  # annotated: `git describe` finds it


def test_a_second_run_finds_the_tag_and_changes_nothing(tmp_path: Path) -> None:
    checkout = published(tmp_path, RELEASED)
    assert cut_release(checkout).returncode == 0
    before = tags(tmp_path / "origin.git")

    again = cut_release(checkout)

    assert again.returncode == 0, again.stderr
    assert "0.2.0 is released already" in again.stdout
    assert "at this commit" in again.stdout
    assert tags(tmp_path / "origin.git") == before


def test_an_existing_tag_at_another_commit_is_left_alone_and_reported(tmp_path: Path) -> None:
    checkout = published(tmp_path, RELEASED)
    released = head(checkout)
    git("tag", "0.2.0", cwd=checkout)
    git("push", "--quiet", "origin", "0.2.0", cwd=checkout)
    git("tag", "--delete", "0.2.0", cwd=checkout)  # as in CI: a checkout without tags
    (checkout / "README.md").write_text("A later commit, same CHANGELOG.\n")
    later = commit_all(checkout, "Later")
    git("push", "--quiet", "origin", "main", cwd=checkout)

    result = cut_release(checkout)

    assert result.returncode == 0, result.stderr
    assert f"at {released[:12]}, not this commit {later[:12]}" in result.stdout
    assert "Left as it is" in result.stdout
    assert tags(tmp_path / "origin.git") == {"0.2.0": released}
    assert tags(checkout) == {}


def test_a_heading_that_is_not_a_pep_440_version_stops_the_release(tmp_path: Path) -> None:
    checkout = published(tmp_path, RELEASED.replace("## 0.2.0", "## 0.2.0 (2026-05-01)"))

    result = cut_release(checkout)

    assert result.returncode == 1
    assert "(line 9) is `## 0.2.0 (2026-05-01)`" in result.stderr
    assert "PEP 440" in result.stderr
    assert "No tag was made" in result.stderr
    assert tags(checkout) == {}
    assert tags(tmp_path / "origin.git") == {}


@pytest.mark.parametrize("heading", ["v0.2.0", "0.2.0-rc.1", "Next", "[0.2.0]", "0.2.0+local"])
def test_release_headings_must_be_pep_440_versions_in_normal_form(heading: str) -> None:
    script = load_script()
    with pytest.raises(script.ReleaseError, match="PEP 440") as refused:
        script.top_release(f"# Changelog\n\n## Unreleased\n\n## {heading}\n\n## 0.1.0\n")
    assert f"`## {heading}`" in str(refused.value)


def test_a_changelog_with_only_unreleased_notes_releases_nothing(tmp_path: Path) -> None:
    changelog = "# Changelog\n\n## Unreleased\n\n- First steps.\n\n### Not a release\n"
    checkout = published(tmp_path, changelog)

    result = cut_release(checkout)

    assert result.returncode == 0, result.stderr
    assert "no released version yet" in result.stdout
    assert tags(checkout) == {}
    assert tags(tmp_path / "origin.git") == {}


def test_a_dry_run_says_what_it_would_tag_and_creates_nothing(tmp_path: Path) -> None:
    checkout = published(tmp_path, RELEASED)

    result = cut_release(checkout, "--dry-run")

    assert result.returncode == 0, result.stderr
    assert f"Would tag {head(checkout)[:12]} as 0.2.0" in result.stdout
    assert tags(checkout) == {}
    assert tags(tmp_path / "origin.git") == {}


def test_the_release_is_read_from_this_repositorys_changelog() -> None:
    """The heading CI will tag next is one Copier can read; Unreleased is never it."""
    version = load_script().top_release((TEMPLATE / "CHANGELOG.md").read_text())
    assert version is not None
    assert str(Version(version)) == version


@pytest.mark.parametrize(
    ("changelog", "version"),
    [
        ("## Unreleased\n\n## 1.0.0\n\n## 0.9.0\n", "1.0.0"),
        ("## unreleased\n## 1.0.0rc1\n", "1.0.0rc1"),
        ("# Changelog\n\n### 3.0.0\n\n## 2.0.0.post1\n", "2.0.0.post1"),
        ("## Unreleased\n", None),
        ("", None),
    ],
)
def test_the_version_is_the_first_heading_that_is_not_unreleased(
    changelog: str, version: str | None
) -> None:
    assert load_script().top_release(changelog) == version


@pytest.mark.parametrize(
    "version",
    ["0.1.0", "1.0", "2", "1.0.0a1", "1.0.0b2", "1.0.0rc1", "1.0.0.post1", "1.0.0.dev3", "1!2.0"],
)
def test_accepted_versions_are_pep_440_in_normal_form(version: str) -> None:
    assert load_script().VERSION.fullmatch(version)
    assert str(Version(version)) == version


@pytest.mark.parametrize(
    "version", ["v1.0.0", "1.0.0-rc1", "1.0.0RC1", "01.0", "1.0.0+local", "1.x"]
)
def test_other_spellings_are_refused(version: str) -> None:
    assert not load_script().VERSION.fullmatch(version)
