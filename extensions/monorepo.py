"""What the destination folder (the monorepo's `packages/`) already holds.

Several APIs are rendered into the same folder; each records its answers in
`<api_dir>/.copier-answers.yml`, which is how a new API finds its neighbours.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment
from jinja2.ext import Extension

FIRST_PORT = 8000
ANSWERS_FILE = ".copier-answers.yml"
# Where copier.yml's `_subdirectory` keeps what is rendered, and the part every API shares.
SUBDIRECTORY = "template"
SHARED = "common"
NX_PROJECT = Path(SHARED, "constructs", "project.json")
# Files Copier never copies from a template (its default `_exclude`).
NOT_COPIED = ("__pycache__", ".pyc", ".pyo", ".DS_Store")


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


def older_api_default(dst_path: str | Path, api_dir: str, question: str, value: Any) -> Any:
    """The default of a question a release added, for an API rendered before it existed.

    Copier gives a question that an API's answers file does not record its default, on
    `copier update --defaults` too, and no question can tell an update from a first copy. So an
    API already in the destination whose answers file lacks `question` gets `value`, what it
    had before the question existed (its Lambda Python, say), and keeps its behaviour; one that
    records it gets its own answer; a new API gets "" (copier.yml then adds the new default:
    `older_api_default(...) or '3.13'`).
    """
    recorded = read_answers(Path(dst_path) / api_dir / ANSWERS_FILE)
    if recorded is None:
        return ""
    return recorded.get(question, value)


# What each language of the CDK half leaves in the folder, and the language an API rendered
# before the `cdkLanguage` question had.
CDK_LANGUAGE_MARKS = {
    "Python": (Path(SHARED, "constructs", "pyproject.toml"),),
    "TypeScript": (Path(SHARED, "constructs", "package.json"), Path("infra", "package.json")),
}
OLDER_CDK_LANGUAGE = "TypeScript"


def folder_cdk_language(dst_path: str | Path, api_dir: str) -> str:
    """The CDK language of the folder's other APIs ("" when it has none): from the constructs'
    files present, else from the other APIs' answers (one recording none predates the question,
    so it is TypeScript)."""
    dst = Path(dst_path)
    for language, marks in CDK_LANGUAGE_MARKS.items():
        if any((dst / mark).is_file() for mark in marks):
            return language
    for _, answers in other_apis(dst, api_dir):
        return str(answers.get("cdkLanguage", OLDER_CDK_LANGUAGE))
    return ""


def cdk_language_error(dst_path: str | Path, api_dir: str, value: str) -> str:
    """Why this API cannot use `value` for its CDK half ("" if it can): one folder holds one
    language, and an API keeps the one it was rendered with."""
    dst = Path(dst_path)
    recorded = read_answers(dst / api_dir / ANSWERS_FILE)
    if recorded is not None:
        had = str(recorded.get("cdkLanguage", OLDER_CDK_LANGUAGE))
        if value != had:
            return (
                f"cdkLanguage cannot change from {had} to {value} on update: the folder's "
                f"constructs and app are in {had}, shared by every API of it. To move to "
                f"{value}, render the APIs into a new folder with cdkLanguage={value}."
            )
        return ""
    folder = folder_cdk_language(dst, api_dir)
    if folder and folder != value:
        return (
            f"cdkLanguage {value} is not this folder's: its constructs and app are in {folder}, "
            f"shared by every API of it, and one folder holds one language. Answer {folder}, "
            "or render into another folder."
        )
    return ""


# A file name that only the CDK language decides: `{% if cdkLanguage == 'Python' %}README.md…`.
LANGUAGE_NAME = re.compile(r"\{% if cdkLanguage == '(\w+)' %\}([^{}]*)\{% endif %\}")


def shared_files(
    src_path: str | Path, language: str = OLDER_CDK_LANGUAGE
) -> Iterator[tuple[str, Path]]:
    """(destination path, template file) of the files every API renders alike: the plain
    (not Jinja) files under `common/`, whose names hold no answer but the CDK `language`."""
    root = Path(src_path) / SUBDIRECTORY
    for path in sorted((root / SHARED).rglob("*")):
        relpath = LANGUAGE_NAME.sub(
            lambda match: match[2] if match[1] == language else "",
            path.relative_to(root).as_posix(),
        )
        if relpath.endswith("/"):  # the other language's file
            continue
        if (
            path.is_file()
            and not path.name.endswith(".jinja")
            and "{" not in relpath
            and not any(part in relpath for part in NOT_COPIED)
        ):
            yield relpath, path


def differs(template_file: Path, existing: Path) -> bool:
    """Whether Copier would find a conflict (its test: the content and the executable bits)."""
    if not existing.is_file():
        return existing.exists()
    return existing.read_bytes() != template_file.read_bytes() or bool(
        (existing.stat().st_mode ^ template_file.stat().st_mode) & 0o111
    )


def joining_error(
    value: str, api_dir: str, src_path: str, dst_path: str, release: str, overwrite: bool
) -> str:
    """Why copying API `value` into the destination would stop half-way ("" if it would not).

    A non-interactive copy stops at the first shared file that differs from the one it renders
    ("conflict"), and the template's task stops on a broken `project.json`: both after Copier
    has written part of the API, and files left behind make the next `copier update` refuse to
    run. Checked before any file is written instead. Not for an API already in the folder
    (an update, or a copy over it) nor with --overwrite, where Copier replaces those files.
    """
    dst = Path(dst_path)
    if overwrite or (dst / api_dir / ANSWERS_FILE).exists():
        return ""
    conflicts = [
        relpath
        for relpath, template_file in shared_files(
            src_path, folder_cdk_language(dst, api_dir) or OLDER_CDK_LANGUAGE
        )
        if differs(template_file, dst / relpath)
    ]
    if conflicts:
        listed = ", ".join(conflicts[:3]) + (
            f" and {len(conflicts) - 3} more" if len(conflicts) > 3 else ""
        )
        releases = sorted(
            {
                str(answers["_commit"])
                for _, answers in other_apis(dst, api_dir)
                if answers.get("_commit")
            }
        )
        if release and releases and releases != [release]:
            theirs = " and ".join(releases)
            return (
                f"'{value}' cannot join this folder at release {release}: its APIs are at "
                f"{theirs}, and the files they share differ ({listed}). Add it at their "
                f"release (--vcs-ref {releases[0] if len(releases) == 1 else '<release>'}) "
                "or update them first."
            )
        return (
            f"'{value}' would overwrite shared files that differ in this folder ({listed}). "
            "Copy with --overwrite to replace them (then review `git diff`), or undo the "
            "changes first."
        )
    try:
        json.loads((dst / NX_PROJECT).read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as error:
        return (
            f"'{value}' cannot be added while {NX_PROJECT.as_posix()} is not valid JSON "
            f"({error}): fix it first (the template's task adds the API's targets to it)."
        )
    return ""


class MonorepoExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["folder_name"] = folder_name
        environment.globals.update(
            next_free_port=next_free_port,
            api_names=api_names,
            is_recorded=is_recorded,
            older_api_default=older_api_default,
            folder_cdk_language=folder_cdk_language,
            cdk_language_error=cdk_language_error,
            joining_error=joining_error,
        )
