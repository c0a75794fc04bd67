"""Cut a release: tag this commit with the newest released version of CHANGELOG.md.

Copier reads releases from the template repository's tags, so a release only exists once its tag
is on the published repository. .github/workflows/release.yml runs this on every push to the
default branch:

    python .github/scripts/release.py [--changelog CHANGELOG.md] [--remote origin] [--dry-run]

The version is the first `## X.Y.Z` heading that is not "Unreleased". When the remote has no tag
of that name, this tags HEAD with it and pushes the tag; when it has one, it does nothing. It never
moves or deletes a tag: the answers files of rendered projects record the commits tags point to.

It needs only git and the standard library: the job that runs it holds a token that may push.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

HEADING = re.compile(r"^## +(?P<title>.*?)\s*$", re.MULTILINE)
UNRELEASED = "unreleased"

# A PEP 440 public version in its normal form: what `packaging.version.Version` prints back, and
# so the tag name Copier sorts and shows. Epoch, release, pre-, post- and dev-release segments.
NUMBER = r"(?:0|[1-9][0-9]*)"
VERSION = re.compile(
    rf"(?:{NUMBER}!)?{NUMBER}(?:\.{NUMBER})*(?:(?:a|b|rc){NUMBER})?"
    rf"(?:\.post{NUMBER})?(?:\.dev{NUMBER})?"
)


class ReleaseError(Exception):
    """Why no release can be cut; nothing was created."""


def top_release(changelog: str) -> str | None:
    """The first `## ` heading that is not "Unreleased", or None if there is none yet.

    Raises ReleaseError if that heading is not a PEP 440 version in normal form.
    """
    for match in HEADING.finditer(changelog):
        title = match["title"]
        if title.lower() == UNRELEASED:
            continue
        if not VERSION.fullmatch(title):
            line = changelog.count("\n", 0, match.start()) + 1
            raise ReleaseError(
                f"The top release heading (line {line}) is `## {title}`: a release heading must "
                "be a PEP 440 version in normal form and nothing else, like `## 1.2.0`, "
                "`## 1.2.0rc1` or `## 1.2.0.post1`. No tag was made."
            )
        return title
    return None


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout.strip()


def remote_tag(remote: str, tag: str) -> str | None:
    """The commit the remote's tag `tag` points to, or None if the remote has no such tag."""
    listed = git("ls-remote", "--tags", remote, f"refs/tags/{tag}", f"refs/tags/{tag}^{{}}")
    commits = {ref: commit for commit, ref in (line.split("\t") for line in listed.splitlines())}
    # An annotated tag is listed twice: the tag object, and (peeled, `^{}`) the commit.
    return commits.get(f"refs/tags/{tag}^{{}}", commits.get(f"refs/tags/{tag}"))


def tag_and_push(remote: str, tag: str) -> None:
    """An annotated tag on HEAD, pushed; git refuses, rather than moves, a tag that exists."""
    git("tag", "--annotate", "--message", f"Release {tag}", tag, "HEAD")
    git("push", "--quiet", remote, f"refs/tags/{tag}:refs/tags/{tag}")


def release(changelog: Path, remote: str, dry_run: bool) -> str:
    """Tag and push the top released version if it is new; says what it did."""
    version = top_release(changelog.read_text())
    if version is None:
        return f"{changelog} has no released version yet, only Unreleased notes: nothing to tag."
    head = git("rev-parse", "HEAD")
    tagged = remote_tag(remote, version)
    if tagged is not None:
        where = "this commit" if tagged == head else f"{tagged[:12]}, not this commit {head[:12]}"
        return f"{version} is released already: {remote} has its tag, at {where}. Left as it is."
    if dry_run:
        return f"Would tag {head[:12]} as {version} and push the tag to {remote} (dry run)."
    tag_and_push(remote, version)
    return f"Released {version}: tagged {head[:12]} and pushed the tag to {remote}."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--changelog", type=Path, default=Path("CHANGELOG.md"), help="default: %(default)s"
    )
    parser.add_argument("--remote", default="origin", help="where tags are read and pushed")
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be tagged; create nothing"
    )
    args = parser.parse_args(argv)
    try:
        print(release(args.changelog, args.remote, args.dry_run))
    except ReleaseError as error:
        print(error, file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"`{' '.join(error.cmd)}` failed:\n{error.stderr}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
