"""How long `copier update` of one API takes, end to end (CLI, Python start-up included).

Usage: uv run python benchmarks/update_time.py [--runs N]
Makes a throw-away git copy of this template with two releases (the second ships a typical fix:
plumbing, a dependency pin, a new file, a shared constructs file), renders my-api at the first
release into a monorepo, alone and next to a second API, commits, then times
`copier update --trust -a my_api/.copier-answers.yml --defaults` from packages/, each run on a
fresh copy of that monorepo. `copier check-update` is timed too.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the tests' helpers build the template copy and the monorepos

from harness.rendering import render  # noqa: E402
from harness.template_repo import (  # noqa: E402
    TemplateRepo,
    commit_all,
    copier,
    new_monorepo,
    ship_fixes,
)

SECOND_API = {"name": "orders-api", "computeType": "ServerlessApiGatewayHttpApi", "auth": "Cognito"}


def monorepo(root: Path, template: TemplateRepo, *apis: dict[str, str]) -> Path:
    new_monorepo(root)
    for answers in apis:
        render(root / "packages", template=template.path, vcs_ref="0.1.0", **answers)
        commit_all(root, f"Add {answers['name']}")
    return root


def timed(
    runs: int, prepare: Callable[[int], Path], *command: str, ok: tuple[int, ...] = (0,)
) -> list[float]:
    timings = []
    for run in range(runs):
        packages = prepare(run)
        started = time.perf_counter()
        result = copier(*command, cwd=packages)
        timings.append(time.perf_counter() - started)
        if result.returncode not in ok:
            raise SystemExit(f"copier {' '.join(command)} failed:\n{result.stderr}")
    return timings


def report(label: str, timings: list[float]) -> None:
    print(label)
    print(
        f"  median {statistics.median(timings):.3f} s   "
        f"min {min(timings):.3f} s   max {max(timings):.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    update = ("update", "--trust", "-a", "my_api/.copier-answers.yml", "--defaults", "--quiet")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        template = TemplateRepo.from_working_tree(tmp_path / "fastapi-template")
        template.release("0.1.0")
        ship_fixes(template)
        template.release("0.2.0")
        originals = {
            "alone": monorepo(tmp_path / "alone", template, {"name": "my-api"}),
            "next to a second API": monorepo(
                tmp_path / "pair", template, {"name": "my-api"}, SECOND_API
            ),
        }

        for label, original in originals.items():

            def fresh_copy(run: int, original: Path = original, label: str = label) -> Path:
                copy = tmp_path / "runs" / f"{label}-{run}"
                shutil.copytree(original, copy, symlinks=True)
                return copy / "packages"

            report(
                f"copier update of my-api, 0.1.0 -> 0.2.0, {label} ({runs} runs)",
                timed(runs, fresh_copy, *update),
            )
        report(
            f"copier check-update of my-api ({runs} runs)",
            timed(
                runs,
                lambda _: originals["alone"] / "packages",
                "check-update",
                "-a",
                "my_api/.copier-answers.yml",
                "--quiet",
                ok=(2,),  # --quiet: exit status 2 means "a new release is available"
            ),
        )


if __name__ == "__main__":
    main()
