"""What the destination folder (the monorepo's `packages/`) already holds.

Several APIs are rendered into the same folder; each records its answers in
`<api_dir>/.copier-answers.yml`, which is how a new API finds its neighbours.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment
from jinja2.ext import Extension

FIRST_PORT = 8000
ANSWERS_FILE = ".copier-answers.yml"


def folder_name(dst_path: str | Path) -> str:
    """The destination's own name: `./packages` -> `packages`."""
    return Path(dst_path).resolve().name


def read_answers(answers_file: Path) -> dict[str, Any] | None:
    """An answers file's answers; None if it is missing or unreadable."""
    try:
        answers = yaml.safe_load(answers_file.read_text())
    except (OSError, yaml.YAMLError):
        return None
    return answers if isinstance(answers, dict) else None


def other_apis(dst_path: str | Path, api_dir: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(folder, answers) of every API in the destination but `api_dir`."""
    for answers_file in sorted(Path(dst_path).glob(f"*/{ANSWERS_FILE}")):
        if answers_file.parent.name != api_dir:
            answers = read_answers(answers_file)
            if answers is not None:
                yield answers_file.parent.name, answers


def ports_in_use(dst_path: str | Path, api_dir: str) -> set[int]:
    """Dev-server ports recorded by the other APIs in the destination."""
    return {
        answers["port"]
        for _, answers in other_apis(dst_path, api_dir)
        if isinstance(answers.get("port"), int)
    }


def next_free_port(dst_path: str | Path, api_dir: str) -> int:
    used = ports_in_use(dst_path, api_dir)
    port = FIRST_PORT
    while port in used:
        port += 1
    return port


def api_names(dst_path: str | Path, api_dir: str) -> list[str]:
    """The `name` answers of the other APIs in the destination."""
    return [
        str(answers["name"]) for _, answers in other_apis(dst_path, api_dir) if "name" in answers
    ]


def is_recorded(
    dst_path: str | Path, api_dir: str, question: str, value: Any, overwrite: bool
) -> bool:
    """Whether `value` is the answer this API recorded earlier, as during `copier update`.

    Copier validates the recorded answers again on every update and, when one fails, silently
    takes the default instead (a `moduleName` refused so becomes a new package, and the old
    one's files are deleted). So a rule a later release adds must not judge them. The update
    renders in place, where the API's answers file tells, and into new temporary folders with
    --overwrite, from answers the first render has checked (a first copy with --overwrite into
    a new folder looks the same, and skips those rules too).
    """
    dst = Path(dst_path)
    recorded = read_answers(dst / api_dir / ANSWERS_FILE)
    if recorded is not None:
        return recorded.get(question) == value
    return bool(overwrite) and not (dst.is_dir() and any(dst.iterdir()))


class MonorepoExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["folder_name"] = folder_name
        environment.globals.update(
            next_free_port=next_free_port,
            api_names=api_names,
            is_recorded=is_recorded,
        )
