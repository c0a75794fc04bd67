"""Golden renders: the template rendered for a few answer sets, committed under tests/golden/.

A fast test renders the same answers and fails on any difference, so a review of a template
change shows its effect on what users get. Refresh them after changing the template:

    uv run python -m harness.golden
"""

import re
import shutil
import sys
import tempfile
from pathlib import Path

from harness.rendering import RENDER_CASES, TEMPLATE, render
from harness.template_repo import snapshot, template_without_git

GOLDEN = TEMPLATE / "tests" / "golden"

# Every stored file carries this suffix, so pytest, ruff, tsc, Biome and duplicate-code finders
# skip the trees, and their rendered `.gitignore` files do not tell git what to ignore.
SUFFIX = ".golden"

# One answer set per compute type, each with a different auth, and one with the runtime
# questions' other answers: together they render every file the template can render, and every
# value of each question. The fast tier renders the same answers (RENDER_CASES) and compares.
CASES: dict[str, dict[str, str]] = {
    case: RENDER_CASES[case]
    for case in (
        "ApiGatewayRestApi-IAM",
        "ApiGatewayHttpApi-Cognito",
        "LambdaFunctionUrl-None",
        "arm64-python-3.12",
        "python-ApiGatewayRestApi-IAM",
    )
}

# What changes with every commit of the template, in the answers files Copier writes. Both the
# fast tier and `refresh` render a copy outside git, which records no `_commit` at all.
VOLATILE_ANSWERS = re.compile(rb"^(_commit|_src_path): .*$", re.MULTILINE)


def normalised(tree: dict[str, bytes]) -> dict[str, bytes]:
    """A rendered tree as it is stored: volatile answers masked, every name suffixed."""
    return {
        path + SUFFIX: VOLATILE_ANSWERS.sub(rb"\1: <\1>", data)
        if path.endswith(".copier-answers.yml")
        else data
        for path, data in tree.items()
    }


def rendered(destination: Path) -> dict[str, bytes]:
    """What a render left in `destination`, as it would be stored."""
    return normalised(snapshot(destination))


def stored(case: str) -> dict[str, bytes]:
    return snapshot(GOLDEN / case)


def refresh() -> None:
    """Render every case afresh and replace the stored trees (and drop retired cases)."""
    with tempfile.TemporaryDirectory() as tmp:
        template = template_without_git(Path(tmp) / "template")
        for case, answers in CASES.items():
            tree = rendered(render(Path(tmp) / case / "packages", template, **answers))
            shutil.rmtree(GOLDEN / case, ignore_errors=True)
            for path, data in tree.items():
                target = GOLDEN / case / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    for retired in sorted({p.name for p in GOLDEN.iterdir() if p.is_dir()} - CASES.keys()):
        shutil.rmtree(GOLDEN / retired)
    print(
        f"Refreshed {len(CASES)} golden renders in {GOLDEN.relative_to(TEMPLATE)}/", file=sys.stderr
    )


if __name__ == "__main__":
    refresh()
