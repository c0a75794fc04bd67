"""What the destination folder (the monorepo's `packages/`) already holds.

Several APIs are rendered into the same folder; each records its answers in
`<api_dir>/.copier-answers.yml`, which is how a new API finds its neighbours.
"""

from pathlib import Path

import yaml
from jinja2 import Environment
from jinja2.ext import Extension

FIRST_PORT = 8000
ANSWERS_FILE = ".copier-answers.yml"


def folder_name(dst_path: str | Path) -> str:
    """The destination's own name: `./packages` -> `packages`."""
    return Path(dst_path).resolve().name


def ports_in_use(dst_path: str | Path, api_dir: str) -> set[int]:
    """Dev-server ports recorded by the other APIs in the destination."""
    ports = set()
    for answers_file in Path(dst_path).glob(f"*/{ANSWERS_FILE}"):
        if answers_file.parent.name == api_dir:
            continue
        try:
            answers = yaml.safe_load(answers_file.read_text()) or {}
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(answers, dict) and isinstance(answers.get("port"), int):
            ports.add(answers["port"])
    return ports


def next_free_port(dst_path: str | Path, api_dir: str) -> int:
    used = ports_in_use(dst_path, api_dir)
    port = FIRST_PORT
    while port in used:
        port += 1
    return port


class MonorepoExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["folder_name"] = folder_name
        environment.globals["next_free_port"] = next_free_port
