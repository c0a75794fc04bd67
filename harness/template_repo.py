"""Throw-away git repositories for the day-two tests: a copy of this template with release
tags, and monorepos rendered from it.

The copy is taken from the working tree (what `git add -A` would commit), so the tests see
uncommitted template changes and do not depend on this repository's own history or tags.
"""

import difflib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

from harness.rendering import TEMPLATE

# The two releases the day-two tests update between.
RELEASE_1, RELEASE_2 = "0.1.0", "0.2.0"

# Commits existing projects were rendered from. (CI tags releases in the published repository,
# not in this checkout, so tests name the commits.)
BEFORE_THE_APP = "2573641a4378dcb801fcae28719ea3f08bd26358"  # a checkout before 0.1.0
RELEASE_0_1_0 = "c62a187542d44aeee10b8ea4480449b8240f8799"
RELEASE_0_2_0 = "e0d6cb0e6ed022af1d8cff9bba8e9c65ebd8076c"
# The release before the changes under test: what `copier update` starts from.
PREVIOUS_RELEASE = RELEASE_0_2_0

# A fixed identity and clock so commits never depend on the machine's git configuration.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}:\n{result.stderr}")
    return result.stdout


def copier(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The `copier` command line, as a user types it (no terminal: it cannot prompt)."""
    return subprocess.run(
        [sys.executable, "-m", "copier", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )


def init_repo(path: Path, message: str = "Initial commit") -> Path:
    """`git init` + commit everything in `path`."""
    path.mkdir(parents=True, exist_ok=True)
    git("init", "--quiet", "--initial-branch=main", cwd=path)
    commit_all(path, message)
    return path


def commit_all(path: Path, message: str) -> str:
    git("add", "--all", cwd=path)
    git("commit", "--quiet", "--allow-empty", "--no-verify", "-m", message, cwd=path)
    return git("rev-parse", "HEAD", cwd=path).strip()


def is_clean(path: Path) -> bool:
    return not git("status", "--porcelain", cwd=path).strip()


def working_tree_files(source: Path = TEMPLATE) -> list[Path]:
    """Files a commit of `source` would hold: tracked or untracked, minus what git ignores."""
    listed = git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=source)
    return sorted(
        Path(name) for name in set(listed.split("\0")) if name and (source / name).is_file()
    )


def copy_working_tree(dst: Path, source: Path = TEMPLATE) -> Path:
    for relpath in working_tree_files(source):
        target = dst / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relpath, target)
    return dst


# What Copier reads of this repository: settings and questions, Jinja extensions, migrations, files.
TEMPLATE_SOURCES = ("copier.yml", "extensions", "migrations", "template")


def template_without_git(dst: Path) -> Path:
    """The template's sources in the working tree, copied outside git.

    Copier renders such a folder in place, where it would first clone a git repository (and
    replay its uncommitted changes): half the time of a render. The answers file then records
    no `_commit`, so this is for renders whose history does not matter, not for updates.
    """
    for relpath in working_tree_files():
        if relpath.parts[0] in TEMPLATE_SOURCES:
            target = dst / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TEMPLATE / relpath, target)
    return dst


class TemplateRepo:
    """A git copy of this template that tests can change and tag, like a maintainer would."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def from_working_tree(cls, path: Path) -> "TemplateRepo":
        return cls(init_repo(copy_working_tree(path), "Template at the first release"))

    @classmethod
    def from_commit(cls, path: Path, commit: str) -> "TemplateRepo":
        """This repository's files as they were at `commit` (its history must be present)."""
        path.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "archive", "--format=tar", commit],
            cwd=TEMPLATE,
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(path, filter="data")
        return cls(init_repo(path, f"Template at {commit[:12]}"))

    def replace_with_working_tree(self) -> None:
        """Make the next commit the working tree's template, as a release of it would be."""
        git("rm", "-r", "--quiet", ".", cwd=self.path)
        copy_working_tree(self.path)

    @classmethod
    def released_twice(cls, path: Path, change: Callable[["TemplateRepo"], None]) -> "TemplateRepo":
        """This template released as RELEASE_1, changed by `change`, released as RELEASE_2."""
        repo = cls.from_working_tree(path)
        repo.release(RELEASE_1)
        change(repo)
        repo.release(RELEASE_2)
        return repo

    def __str__(self) -> str:
        return str(self.path)

    def file(self, relpath: str) -> Path:
        return self.path / relpath

    def write(self, relpath: str, text: str) -> None:
        target = self.file(relpath)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def edit(self, relpath: str, change: Callable[[str], str]) -> None:
        """Rewrite a file through `change`, failing loudly if it changes nothing."""
        before = self.file(relpath).read_text()
        after = change(before)
        assert after != before, f"the edit of {relpath} changed nothing"
        self.file(relpath).write_text(after)

    def sub(self, relpath: str, pattern: str, replacement: str, count: int = 1) -> None:
        """`re.sub` in one file (multiline mode), failing loudly if the pattern is missing."""
        self.edit(relpath, lambda text: re.sub(pattern, replacement, text, count=count, flags=re.M))

    def move(self, old: str, new: str) -> None:
        git("mv", old, new, cwd=self.path)

    def remove(self, relpath: str) -> None:
        git("rm", "--quiet", relpath, cwd=self.path)

    def release(self, tag: str, message: str | None = None) -> str:
        """Commit every change and tag it; returns the commit."""
        commit = commit_all(self.path, message or f"Release {tag}")
        git("tag", tag, cwd=self.path)
        return commit


# --- What a maintainer changes between two releases ------------------------------------------
API = "template/{{api_dir}}"
INIT = f"{API}/{{{{moduleName}}}}/init.py.jinja"
PYPROJECT = f"{API}/pyproject.toml.jinja"
NEW_FILE = f"{API}/{{{{moduleName}}}}/health.py.jinja"
SHARED_FILE = "template/common/constructs/scripts/generate_index.py"

INIT_FIX = "\n# Fixed in the next release: a line of plumbing every API gets on update.\n"
NEW_PIN = '    "pytest-randomly==3.16.0",'
NEW_FILE_TEXT = '"""Health of {{ name }}, added by the next release."""\n'
SHARED_FIX = "\n# Fixed in the next release: identical for every API.\n"


def ship_fixes(repo: TemplateRepo) -> None:
    """A typical release: a plumbing fix, a new dependency pin, a new file, a shared fix."""
    repo.edit(INIT, lambda text: text + INIT_FIX)
    repo.sub(PYPROJECT, r"^dev = \[$", "dev = [\n" + NEW_PIN)
    repo.write(NEW_FILE, NEW_FILE_TEXT)
    repo.edit(SHARED_FILE, lambda text: text + SHARED_FIX)


# --- Monorepos rendered from it --------------------------------------------------------------
def new_monorepo(root: Path) -> Path:
    """An empty monorepo under git, as a team has before its first `copier copy`."""
    root.mkdir(parents=True)
    (root / "README.md").write_text("# Our monorepo\n")
    return init_repo(root)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` but git's own, by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def tree_differences(actual: dict[str, bytes], expected: dict[str, bytes]) -> list[str]:
    """Readable differences between two snapshots (empty when they are equal)."""
    problems = [f"missing: {path}" for path in sorted(expected.keys() - actual.keys())]
    problems += [f"unexpected: {path}" for path in sorted(actual.keys() - expected.keys())]
    for path in sorted(actual.keys() & expected.keys()):
        if actual[path] != expected[path]:
            diff = difflib.unified_diff(
                expected[path].decode(errors="replace").splitlines(),
                actual[path].decode(errors="replace").splitlines(),
                "expected/" + path,
                "actual/" + path,
                lineterm="",
            )
            problems.append("\n".join(diff))
    return problems


def assert_same_tree(actual: dict[str, bytes], expected: dict[str, bytes]) -> None:
    problems = tree_differences(actual, expected)
    assert not problems, "\n\n".join(problems)
