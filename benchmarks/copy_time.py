"""How long `copier copy --trust --defaults` of a fresh clone takes (issue: under 1.5 s).

Usage: uv run python benchmarks/copy_time.py [--runs N]
Clones this repository's HEAD (as a user's `gh:` source would be cloned), then times the CLI
end to end, Python start-up included, into a new destination each run.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "fastapi-template"
        subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
        # Copier as installed by pip or pipx, which byte-compile it: an untimed first run
        # writes the bytecode if the environment was installed without it.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        timings = []
        for run in range(runs + 1):
            destination = Path(tmp) / f"monorepo{run}" / "packages"
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--quiet"]
                + ["--vcs-ref", "HEAD", str(clone), str(destination)],
                check=True,
                capture_output=True,
                env=env,
            )
            timings.append(time.perf_counter() - started)
            assert (destination / "my_api/my_api/main.py").is_file()
        timings = timings[1:]
    print(f"copier copy --trust --defaults (fresh clone, {runs} runs)")
    median, fastest, slowest = statistics.median(timings), min(timings), max(timings)
    print(f"  median {median:.3f} s   min {fastest:.3f} s   max {slowest:.3f} s")


if __name__ == "__main__":
    main()
