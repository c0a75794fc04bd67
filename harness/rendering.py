"""Render the template the way a user does, for the tests and benchmarks."""

import itertools
import os
import subprocess
import warnings
from collections.abc import Callable, Sequence
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


def allowed(compute: str, auth: str) -> bool:
    """What the validators accept: a Function URL cannot check Cognito tokens."""
    return not (compute == "ServerlessLambdaFunctionUrl" and auth == "Cognito")


# Every combination a user can choose: the fast tier renders and lints each one.
VARIANTS = tuple(
    variant for variant in itertools.product(COMPUTE_TYPES, AUTHS) if allowed(*variant)
)


def variant_id(variant: tuple[str, str]) -> str:
    compute, auth = variant
    return f"{compute.removeprefix('Serverless')}-{auth}"


def pairwise(
    factors: Sequence[Sequence[str]], allowed: Callable[..., bool]
) -> list[tuple[str, ...]]:
    """Few allowed combinations in which every allowed pair of values of two factors occurs.

    Greedy all-pairs: take the combination that covers the most pairs not yet covered, until
    none is left. Deterministic, so the slow tier checks the same combinations on every run.
    """
    candidates = [combo for combo in itertools.product(*factors) if allowed(*combo)]
    if len(factors) < 2:
        return candidates

    def pairs(combo: tuple[str, ...]) -> set[tuple[int, str, int, str]]:
        return {(i, combo[i], j, combo[j]) for i, j in itertools.combinations(range(len(combo)), 2)}

    uncovered = set().union(*map(pairs, candidates))
    chosen: list[tuple[str, ...]] = []
    while uncovered:
        best = max(candidates, key=lambda combo: len(pairs(combo) & uncovered))
        chosen.append(best)
        uncovered -= pairs(best)
    return chosen


# The slow tier (install, bundle, synth, update) runs on these: every pair of answers, not
# every combination. With two questions of choices the two are the same; a question added
# later multiplies the combinations, but adds only a few pairs.
SLOW_VARIANTS = tuple(pairwise((COMPUTE_TYPES, AUTHS), allowed))

# The answers the fast tier renders: every variant, plus the answers that change names and
# paths. The longest name allowed (a 40-character construct class) with each compute type.
LONGEST_NAME = "customer-loyalty-points-and-rewards-service-v2"
RENDER_CASES: dict[str, dict[str, str]] = {
    **{
        variant_id(variant): {"computeType": variant[0], "auth": variant[1]} for variant in VARIANTS
    },
    "custom-module": {"name": "OrdersApi", "moduleName": "orders"},
    # The runtime questions' answers other than the defaults (Python 3.13 on x86_64).
    "arm64-python-3.12": {"architecture": "arm64", "pythonVersion": "3.12"},
    "nested-directory": {"directory": "packages/apis"},
    # The CDK half in Python: the defaults, and the compute whose construct differs most.
    "python-ApiGatewayRestApi-IAM": {"cdkLanguage": "Python"},
    "python-LambdaFunctionUrl-None": {
        "cdkLanguage": "Python",
        "computeType": "ServerlessLambdaFunctionUrl",
        "auth": "None",
    },
    # The longest lines of the Python modules: ruff formats them the same for every name.
    "python-longest-name-ApiGatewayRestApi-Cognito": {
        "cdkLanguage": "Python",
        "name": "customer-loyalty-points-and-rewards-service-v2",
        "auth": "Cognito",
        "directory": "packages/services",
    },
    **{
        f"longest-name-{variant_id(variant)}": {
            "name": LONGEST_NAME,
            "computeType": variant[0],
            "auth": variant[1],
            "directory": "packages/services",
        }
        for variant in (
            ("ServerlessApiGatewayRestApi", "Cognito"),
            ("ServerlessApiGatewayHttpApi", "Cognito"),
            ("ServerlessLambdaFunctionUrl", "IAM"),
        )
    },
}


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

    Not pytest-copie's `update()`: it cannot name the answers file, and each API keeps its own
    (`<api_dir>/.copier-answers.yml`). Nor its `copy()` for the day-two and monorepo tests: it
    renders into a fresh `copieNNN/` per copy, where these need several APIs in one `packages/`
    of a git repository, rendered from tagged releases.
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
