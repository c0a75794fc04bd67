"""Carry the user's edits of files that a release moves to their new paths.

Copier deletes a file that the new release no longer renders, edits and all, and renders the
new path as for a new project: a release that moves `cors.ts` to `cors-policy.ts` would drop
what the user changed in `cors.ts`. A `_migrations` entry of that release runs this script
after the update (copier.yml shows how), from the destination:

    python <template>/migrations/move.py -a my_api/.copier-answers.yml OLD=NEW [OLD=NEW ...]

For each move it does the 3-way merge Copier does for a file that stays in place: the user's
version of OLD (from the last commit: Copier updates only a clean tree), the release's version
at NEW (as the update rendered it), and their common base, OLD as the previous release rendered
it with the same answers. The merge lands at NEW; where both sides changed the same lines it
holds Copier's conflict markers, and Git lists NEW as unmerged. An OLD the user had not edited,
or had deleted, leaves the release's NEW as it is.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from copier import run_copy

TEMPLATE = Path(__file__).resolve().parents[1]
# Copier's labels for the two sides and the base of a conflict.
LABELS = ("before updating", "last update", "after updating")


def git(*args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(["git", *args], input=stdin, capture_output=True, check=True).stdout


def committed(path: str) -> bytes | None:
    """The file at `path` (relative to here) in the last commit, or None."""
    try:
        return git("show", f"HEAD:./{path}")
    except subprocess.CalledProcessError:
        return None


def previous_release(answers_file: str, destination: Path) -> Path:
    """The previous release rendered with the API's answers into `destination`: the base."""
    answers = yaml.safe_load(committed(answers_file) or b"") or {}
    run_copy(
        str(TEMPLATE),
        str(destination),
        data={key: value for key, value in answers.items() if not key.startswith("_")},
        vcs_ref=answers["_commit"],
        defaults=True,
        overwrite=True,  # as Copier renders it for an update (copier.yml's is_recorded)
        unsafe=True,
        quiet=True,
        skip_tasks=True,
    )
    return destination


def merge(ours: bytes, base: bytes, theirs: bytes) -> tuple[bytes, bool]:
    """`git merge-file` of the three versions: the result, and whether it has conflicts."""
    with tempfile.TemporaryDirectory() as scratch:
        files = [Path(scratch, name) for name in ("ours", "base", "theirs")]
        for file, data in zip(files, (ours, base, theirs), strict=True):
            file.write_bytes(data)
        labels = [arg for label in LABELS for arg in ("-L", label)]
        result = subprocess.run(
            ["git", "merge-file", "-p", *labels, *map(str, files)], capture_output=True
        )
    if result.returncode < 0 or result.returncode > 127:
        raise RuntimeError(result.stderr.decode())
    return result.stdout, result.returncode > 0


def mark_unmerged(old: str, path: str, ours: bytes, base: bytes, theirs: bytes) -> None:
    """Record the three versions in the index, as Copier does, so Git lists `path` as
    unmerged and `git checkout --ours/--theirs` work. The removal of `old` is staged too, or
    `git status` would not show it while `path` is unmerged."""
    git("rm", "--cached", "--quiet", "--ignore-unmatch", "--", old)
    prefix = git("rev-parse", "--show-prefix").decode().strip()
    mode = "100755" if os.access(path, os.X_OK) else "100644"
    blobs = [
        git("hash-object", "-w", "--stdin", stdin=data).decode().strip()
        for data in (base, ours, theirs)
    ]
    index = [f"0 {'0' * 40}\t{prefix}{path}"]
    index += [f"{mode} {blob} {stage}\t{prefix}{path}" for stage, blob in enumerate(blobs, 1)]
    git("update-index", "--index-info", stdin="\n".join(index).encode() + b"\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-a", "--answers-file", required=True, help="the API's answers file")
    parser.add_argument("moves", nargs="+", metavar="OLD=NEW", help="paths from here")
    args = parser.parse_args(argv)
    moves = [tuple(move.split("=", 1)) for move in args.moves]
    edited = {}
    for old, new in moves:
        ours = committed(old)
        if ours is not None and Path(new).is_file():
            edited[old, new] = ours
    if not edited:
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        base_render = previous_release(args.answers_file, Path(scratch, Path.cwd().name))
        for (old, new), ours in edited.items():
            base = (base_render / old).read_bytes()
            if ours == base:
                continue  # not edited: the release's file stands
            theirs = Path(new).read_bytes()
            result, conflicts = merge(ours, base, theirs)
            Path(new).write_bytes(result)
            if conflicts:
                mark_unmerged(old, new, ours, base, theirs)
            print(
                f"Moved your edits of {old} to {new}"
                + (": resolve the conflicts there." if conflicts else "."),
                file=sys.stderr,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
