"""Size of the Lambda bundle against a plain install of the same dependencies, per architecture.

    uv run python -m benchmarks.bundle_size

Renders the defaults into a temporary monorepo, builds the bundle with the `bundle` target's
command (timed, first and second build), and prints, for each architecture (the answer's,
then the other with `--arch`), file count, unzipped size and deflated zip size (what Lambda's
limits count: 250 MB unzipped, 50 MB zipped for a direct upload) of:
- a plain `uv pip install --target` of every runtime dependency in uv.lock (same wheels,
  nothing trimmed, the AWS SDK the runtime provides included);
- the bundle built with `--no-bytecode`, to show what trimming and leaving out the SDK save;
- the bundle as shipped, with bytecode (what that buys at cold start: benchmarks/cold_start.py).
Needs a Python of the Lambda version, as the bundle does.
"""

import tempfile
import time
from pathlib import Path

from harness.bundling import build_bundle, bundle_command, bundle_script, measure
from harness.rendering import render, run

API = "my_api"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        render(root / "packages")
        script = bundle_script(root / "packages" / API)
        started = time.perf_counter()
        bundle = build_bundle(root, API)
        first = time.perf_counter() - started
        started = time.perf_counter()
        build_bundle(root, API)
        again = time.perf_counter() - started
        print(f"Bundle build: {first:.1f} s the first time (with uv sync), {again:.1f} s again")
        print(f"Python {script.PYTHON_VERSION}, default answers")
        print(f"{'':<40}{'files':>7}{'MB':>8}{'zip MB':>8}")
        others = sorted(set(script.PLATFORMS) - {script.ARCHITECTURE})
        for arch in [script.ARCHITECTURE, *others]:
            shipped = bundle if arch == script.ARCHITECTURE else root / f"bundle-{arch}"
            if shipped != bundle:
                run(*bundle_command(root, API, shipped), "--arch", arch, cwd=root)
            no_bytecode = root / f"no-bytecode-{arch}"
            run(*bundle_command(root, API, no_bytecode), "--arch", arch, "--no-bytecode",
                cwd=root)  # fmt: skip
            plain = plain_install(root, root / f"plain-{arch}", script.PLATFORMS[arch],
                                  script.PYTHON_VERSION)  # fmt: skip
            rows = [
                (f"{arch}: plain install of runtime deps", plain),
                (f"{arch}: bundle, --no-bytecode", no_bytecode),
                (f"{arch}: bundle (shipped)", shipped),
            ]
            for label, folder in rows:
                files, size, zipped = measure(folder)
                print(f"{label:<40}{files:>7}{size / 1e6:>8.1f}{zipped / 1e6:>8.1f}")


def plain_install(root: Path, target: Path, platform: str, python: str) -> Path:
    """Every runtime dependency as `uv pip install --target` leaves it, for the same Lambda."""
    requirements = root / "requirements.txt"
    api = f"packages/{API}"
    run("uv", "export", "-q", "--project", api, "--no-default-groups", "--no-emit-project",
        "-o", requirements, cwd=root)  # fmt: skip
    run("uv", "pip", "install", "-q", "--target", target, "-r", requirements,
        "--python-platform", platform, "--python-version", python,
        "--only-binary", ":all:", cwd=root)  # fmt: skip
    return target


if __name__ == "__main__":
    main()
