"""Render the template the way a user does, for the tests and benchmarks."""

import itertools
import os
import subprocess
import warnings
from pathlib import Path
from typing import Any

from copier import run_copy, run_update
from copier.errors import DirtyLocalWarning

TEMPLATE = Path(__file__).resolve().parents[1]

COMPUTE_TYPES = (
    "ServerlessApiGatewayRestApi",
    "ServerlessApiGatewayHttpApi",
    "ServerlessLambdaFunctionUrl",
)
AUTHS = ("IAM", "Cognito", "None")

# Every combination a user can choose (a Function URL cannot check Cognito tokens).
VARIANTS = tuple(
    (compute, auth)
    for compute, auth in itertools.product(COMPUTE_TYPES, AUTHS)
    if not (compute == "ServerlessLambdaFunctionUrl" and auth == "Cognito")
)


def variant_id(variant: tuple[str, str]) -> str:
    compute, auth = variant
    return f"{compute.removeprefix('Serverless')}-{auth}"


# Copier as a user runs it non-interactively: trusting the template's tasks, taking defaults.
NON_INTERACTIVE = {"defaults": True, "unsafe": True, "quiet": True}


def render(dst: Path, template: Path = TEMPLATE, vcs_ref: str = "HEAD", **answers: Any) -> Path:
    """`copier copy --trust --defaults` with the given answers; returns the destination.

    `vcs_ref="HEAD"` renders the working tree (uncommitted changes included) rather than the
    latest release tag, which is what Copier would pick by default.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DirtyLocalWarning)  # the working tree, on purpose
        run_copy(str(template), str(dst), data=answers, vcs_ref=vcs_ref, **NON_INTERACTIVE)
    return dst


def update(dst: Path, answers_file: str, vcs_ref: str | None = None, **answers: Any) -> Path:
    """`copier update --trust --defaults -a <answers_file>` from `dst`, with changed answers.

    `vcs_ref=None` takes the latest release tag, as Copier does; `overwrite` is what its
    command line sets for an update.
    """
    run_update(
        str(dst),
        answers_file=answers_file,
        data=answers,
        vcs_ref=vcs_ref,
        overwrite=True,
        **NON_INTERACTIVE,
    )
    return dst


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 600):
    """Run a command like a user at a shell; fail with its output if it fails."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, command))} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
    return result
