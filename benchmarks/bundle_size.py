"""Size of the Lambda bundle against a plain install of the same dependencies.

    uv run python -m benchmarks.bundle_size

Renders the defaults into a temporary monorepo, builds the bundle with the `bundle` target's
command (timed, first and second build), and prints file count, size and deflated zip size of:
- a plain `uv pip install --target` of the runtime dependencies (same wheels, nothing trimmed);
- the bundle built with `--no-bytecode`, to show what trimming saves;
- the bundle as shipped, with bytecode (what that buys at cold start: benchmarks/cold_start.py).
Needs a Python of the Lambda version, as the bundle does.
"""

import tempfile
import time
from pathlib import Path

from harness.bundling import (
    LAMBDA_PYTHON,
    build_bundle,
    bundle_command,
    measure,
)
from harness.rendering import render, run

API = "my_api"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        render(root / "packages")
        started = time.perf_counter()
        bundle = build_bundle(root, API)
        first = time.perf_counter() - started
        started = time.perf_counter()
        build_bundle(root, API)
        again = time.perf_counter() - started
        no_bytecode = root / "no-bytecode"
        run(*bundle_command(root, API, no_bytecode), "--no-bytecode", cwd=root)

        print(f"Bundle build: {first:.1f} s the first time (with uv sync), {again:.1f} s again")
        print(f"{'':<32}{'files':>7}{'MB':>8}{'zip MB':>8}")
        rows = [
            ("plain install of runtime deps", plain_install(root, root / "plain")),
            ("bundle, --no-bytecode", no_bytecode),
            ("bundle (shipped)", bundle),
        ]
        for label, folder in rows:
            files, size, zipped = measure(folder)
            print(f"{label:<32}{files:>7}{size / 1e6:>8.1f}{zipped / 1e6:>8.1f}")


def plain_install(root: Path, target: Path) -> Path:
    """The runtime dependencies as `uv pip install --target` leaves them, for the same Lambda."""
    requirements = root / "requirements.txt"
    api = f"packages/{API}"
    run("uv", "export", "-q", "--project", api, "--no-default-groups", "--no-emit-project",
        "-o", requirements, cwd=root)  # fmt: skip
    run("uv", "pip", "install", "-q", "--target", target, "-r", requirements,
        "--python-platform", "x86_64-manylinux2014", "--python-version", LAMBDA_PYTHON,
        "--only-binary", ":all:", cwd=root)  # fmt: skip
    return target


if __name__ == "__main__":
    main()
