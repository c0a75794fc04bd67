"""The bundle script's guards, without building a bundle: what it refuses to replace, how it
swaps a new bundle in, where it finds a Python, what it leaves to the Lambda runtime.

The rendered scripts/bundle.py is imported (it builds nothing when imported) or run with this
interpreter: everything here happens before it would install anything.
"""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from harness.bundling import bundle_script
from harness.template_repo import snapshot

CASE = "ApiGatewayRestApi-IAM"
API = "my_api"
OLD = {".lambda-bundle": b"mark\n", "app.py": b"old = 1\n", "lib/mod.py": b"old\n"}
NEW = {".lambda-bundle": b"mark\n", "app.py": b"new = 2\n", "lib/mod.py": b"new\n"}


@pytest.fixture(scope="module")
def api(render_case) -> Path:
    return render_case(CASE).project_dir / API


@pytest.fixture(scope="module")
def script(api: Path) -> ModuleType:
    return bundle_script(api)


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for relpath, data in files.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_bytes(data)
    return root


def run_script(api: Path, out: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, api / "scripts" / "bundle.py", out, "--no-bytecode"]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True)


# --- What it refuses to replace -----------------------------------------------------------
def git_folder(tmp_path: Path, api: Path) -> tuple[Path, str]:
    """`bundle.py .git`, from a repository's root."""
    write_tree(tmp_path / ".git", {"HEAD": b"ref: refs/heads/main\n", "config": b"[core]\n"})
    return tmp_path, ".git"


def module_folder(tmp_path: Path, api: Path) -> tuple[Path, str]:
    """`bundle.py my_api`, from packages/my_api: the module's sources."""
    return api, API


def api_folder(tmp_path: Path, api: Path) -> tuple[Path, str]:
    """`bundle.py .`, from packages/my_api."""
    return api, "."


def other_folder(tmp_path: Path, api: Path) -> tuple[Path, str]:
    """A folder of someone's files, with a `*.dist-info` even, but not dated as bundles are."""
    write_tree(tmp_path / "out", {"notes.txt": b"mine\n", "x-1.0.dist-info/METADATA": b""})
    return tmp_path, "out"


def a_file(tmp_path: Path, api: Path) -> tuple[Path, str]:
    write_tree(tmp_path, {"bundle": b"not a folder\n"})
    return tmp_path, "bundle"


@pytest.mark.parametrize(
    "place", [git_folder, module_folder, api_folder, other_folder, a_file], ids=lambda f: f.__name__
)
def test_the_script_refuses_to_replace_what_it_did_not_write(
    api: Path, tmp_path: Path, place: Callable[[Path, Path], tuple[Path, str]]
) -> None:
    cwd, out = place(tmp_path, api)
    before = snapshot(cwd)
    result = run_script(api, out, cwd)
    assert result.returncode != 0
    assert f"error: refusing to replace {(cwd / out).resolve()}: this " in result.stderr
    assert "no .lambda-bundle" in result.stderr
    assert snapshot(cwd) == before, "nothing written, nothing deleted"


def test_a_new_or_empty_folder_or_a_bundle_may_be_replaced(
    script: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    write_tree(tmp_path / "bundle", OLD)
    for out in ("missing", "empty", "bundle"):
        script.refuse_to_replace(tmp_path / out)  # returns: no SystemExit


def test_a_bundle_of_an_earlier_release_is_known_by_its_dates(
    script: ModuleType, tmp_path: Path
) -> None:
    """Releases before the mark dated every entry 1980-01-01 (normalise) and wrote none."""
    earlier = write_tree(
        tmp_path / "bundle", {"my_api/main.py": b"", "my_api-0.1.0.dist-info/METADATA": b""}
    )
    assert not script.is_bundle(earlier)
    script.normalise(earlier)
    assert script.is_bundle(earlier)
    script.refuse_to_replace(earlier)
    (earlier / "notes.txt").write_text("written since")
    assert not script.is_bundle(earlier)


# --- The swap -------------------------------------------------------------------------------
class Stopped(BaseException):
    """The build stopped here (killed, power cut): nothing after it runs, not even `except`."""


def stop_at(step: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the `step`-th change to the file system (from 0: a rename, or a deletion inside
    shutil.rmtree or Path.unlink) stop the run instead."""
    count = iter(range(10_000))
    for name in ("rename", "unlink", "rmdir"):
        original = getattr(os, name)

        def changed(*args, original=original, **kwargs):
            if next(count) == step:
                raise Stopped
            return original(*args, **kwargs)

        monkeypatch.setattr(os, name, changed)


def contents(folder: Path) -> dict[str, bytes] | None:
    return snapshot(folder) if folder.is_dir() else None


def test_a_swap_stopped_at_any_step_leaves_one_whole_bundle_and_the_next_run_finishes_it(
    script: ModuleType, tmp_path: Path
) -> None:
    finished = False
    step = 0
    while not finished:
        out = tmp_path / str(step) / "bundle"
        write_tree(out, OLD)
        stage = write_tree(script.partial(out), NEW)
        with pytest.MonkeyPatch.context() as monkeypatch:
            stop_at(step, monkeypatch)
            try:
                script.swap_in(stage, out)
                finished = True
            except Stopped:
                pass
        # The old bundle, the new one, or nothing, with the old one waiting beside it whole.
        if contents(out) is None:
            assert contents(script.previous(out)) == OLD, step
        else:
            assert contents(out) in (OLD, NEW), step
        script.recover(out)  # what the next run does first
        assert contents(out) in ([NEW] if finished else [OLD, NEW]), step
        assert sorted(path.name for path in out.parent.iterdir()) == ["bundle"], step
        step += 1
    assert step >= 5, "renames and deletions were all stopped at, one run each"


def test_a_bundle_half_deleted_is_never_put_back(script: ModuleType, tmp_path: Path) -> None:
    """Deleting the old bundle starts with its mark: without it, it is never restored, even if
    the new one is gone too (deleted by hand)."""
    out = tmp_path / "bundle"
    waiting = write_tree(script.previous(out), OLD)
    (waiting / ".lambda-bundle").unlink()
    script.recover(out)
    assert not out.exists() and not waiting.exists()


def test_swapping_over_an_empty_folder_or_none(script: ModuleType, tmp_path: Path) -> None:
    for out in (tmp_path / "empty" / "bundle", tmp_path / "none" / "bundle"):
        if out.parent.name == "empty":
            out.mkdir(parents=True)
        out.parent.mkdir(exist_ok=True)
        script.swap_in(write_tree(script.partial(out), NEW), out)
        assert contents(out) == NEW
        assert [path.name for path in out.parent.iterdir()] == ["bundle"]


# --- Around the bundle ------------------------------------------------------------------------
def test_a_dist_folder_it_creates_is_ignored_by_git_and_one_that_exists_is_left_alone(
    script: ModuleType, tmp_path: Path
) -> None:
    script.make_folder(tmp_path / "new" / "dist" / "packages" / "my_api")
    assert (tmp_path / "new/dist/.gitignore").read_text() == "*\n"
    assert not (tmp_path / "new/.gitignore").exists()
    assert not (tmp_path / "new/dist/packages/.gitignore").exists()
    (tmp_path / "old/dist").mkdir(parents=True)
    script.make_folder(tmp_path / "old" / "dist" / "packages" / "my_api")
    assert not (tmp_path / "old/dist/.gitignore").exists()


def test_pyenv_versions_that_are_not_releases_are_skipped(
    script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = script.PYTHON_VERSION
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    for folder in (f"{version}.0rc1", f"{version}.2", f"{version}.10", f"{version}-dev",
                   f"{version}.11t", f"{version}.12"):  # fmt: skip
        write_tree(tmp_path / "versions" / folder / "bin", {f"python{version}": b""})
    (tmp_path / "versions" / f"{version}.12" / "bin" / f"python{version}").unlink()  # broken
    newest = tmp_path / "versions" / f"{version}.10" / "bin" / f"python{version}"
    assert script.newest_pyenv_python() == newest
    for folder in (f"{version}.2", f"{version}.10"):
        (tmp_path / "versions" / folder / "bin" / f"python{version}").unlink()
    assert script.newest_pyenv_python() is None


@pytest.mark.parametrize(
    ("dependencies", "left_out"),
    [
        ([], ("boto3", "botocore", "s3transfer")),
        (["aws-lambda-powertools[tracer]==3.37.0"], ("boto3", "botocore", "s3transfer")),
        (["boto3==1.40.0"], ()),
        (["Boto3[crt] >= 1.35; python_version >= '3.11'"], ()),
        (["botocore"], ()),
        (["boto3-stubs==1.40.0"], ("boto3", "botocore", "s3transfer")),
    ],
)
def test_the_runtimes_sdk_is_left_out_unless_the_api_depends_on_it(
    script: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dependencies: list[str],
    left_out: tuple[str, ...],
) -> None:
    listed = "".join(f"    {dependency!r},\n" for dependency in dependencies)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "my-api"\ndependencies = [\n{listed}]\n'
    )
    monkeypatch.setattr(script, "API_DIR", tmp_path)
    assert script.runtime_sdk_left_out() == left_out
