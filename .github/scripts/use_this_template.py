"""Turn a repository made with GitHub's "Use this template" into a monorepo with one API.

Such a repository starts as a copy of the template's sources (copier.yml, template/, tests/...),
not as a rendered API. .github/workflows/use-this-template.yml runs this script from its root on
the first push:

    python .github/scripts/use_this_template.py --repository OWNER/NAME --template gh:OWNER/TEMPLATE

It renders the template from its upstream repository (not from the copied sources, which carry
no release tags) into packages/, so the API's answers file records that source and release and
a later `copier update` pulls from it. Then it removes the template's sources, writes a short
README and commits. It does nothing where there is no copier.yml at the root any more.

Answers: `name` comes from the repository's name and every other question takes its default,
unless .github/use-this-template.yml, committed in the template, says otherwise:

    computeType: ServerlessApiGatewayHttpApi    # any question of copier.yml
    auth: Cognito
    _src_path: https://github.com/OWNER/TEMPLATE.git   # what `copier update` pulls from later

A repository name the template refuses as an API name, or whose module (its snake_case form,
the default `moduleName`) would shadow the standard library or a dependency, gets `-api`
appended: `email` becomes the API `email-api` with the module `email_api`.

Kept: .gitignore and .github/workflows/ (the workflow's token may not change workflow files).
The template's LICENSE goes with its sources: what it renders is yours, to license as you like.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from copier import run_copy

# The template's naming filters and validators, from the sources this repository starts with.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from extensions.naming import kebab, pascal, snake  # noqa: E402
from extensions.validation import (  # noqa: E402
    MAX_NAME_LENGTH,
    module_name_error,
    module_shadow_error,
    name_clash_error,
    name_error,
)

DESTINATION = "packages"
ANSWERS_FILE = Path(".github/use-this-template.yml")
KEPT = re.compile(r"\.gitignore|\.github/workflows/.*")


def api_name(repository_name: str) -> str:
    """A valid `name` answer from a repository's name: `orders.service` -> `orders-service`.

    Words past the name length limit are dropped; `-api` is appended to a name the template
    would refuse as it stands (`email` -> `email-api`).
    """
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", repository_name)
    name = re.sub(r"^[^A-Za-z]+", "", name).rstrip("-_")
    while len(pascal(name)) > MAX_NAME_LENGTH:
        shorter = re.sub(r"[-_]+[^-_]*$", "", name)
        name = shorter if shorter != name else name[:MAX_NAME_LENGTH]
    name = name or "api"
    return f"{name}-api" if refused(name) else name


def refused(name: str) -> bool:
    """Whether copier.yml would refuse `name`, or the module name it gives by default."""
    return any(
        (
            name_error(name, pascal(name)),
            name_clash_error(name, pascal(name), kebab(name)),
            module_name_error(snake(name)),
            module_shadow_error(snake(name)),
        )
    )


def overrides(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    answers = yaml.safe_load(path.read_text()) or {}
    if not isinstance(answers, dict):
        raise SystemExit(f"{path} must map questions to answers, like `auth: Cognito`.")
    return answers


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def web_url(source: str) -> str:
    """`gh:org/repo` -> `https://github.com/org/repo`, for the README's link."""
    if source.startswith("gh:"):
        return "https://github.com/" + source.removeprefix("gh:").removesuffix(".git")
    return source.removesuffix(".git")


def readme(repository: str, source: str, api_dir: str) -> str:
    answers = f"-a {api_dir}/.copier-answers.yml"
    commands = {
        f"copier check-update {answers}": "is there a new release?",
        f"copier update --trust {answers}": "take it (commit first)",
        f"copier copy --trust {source} .": "add another API",
    }
    width = max(map(len, commands))
    lines = "\n".join(f"{command:<{width}}  # {why}" for command, why in commands.items())
    return f"""# {repository.rsplit("/", 1)[-1]}

APIs for AWS Lambda (FastAPI), rendered into `{DESTINATION}/` from the
[fastapi-template]({web_url(source)}) Copier template. Each API keeps its answers in
`{DESTINATION}/<api>/.copier-answers.yml`; see `{DESTINATION}/{api_dir}/README.md` for its commands.

From `{DESTINATION}/`, with `copier` and `copier-template-extensions` installed:

```sh
{lines}
```
Add an API at the release the others are at (update them first, or pass `--vcs-ref`).

The workflows in `.github/workflows/` came with the template and GitHub Actions may not change
them: `use-this-template.yml` has done its job and does nothing now; delete what you do not use.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", required=True, help="OWNER/NAME of this repository")
    parser.add_argument("--template", default="", help="Copier source, e.g. gh:OWNER/TEMPLATE")
    parser.add_argument("--vcs-ref", default=None, help="release to render (default: latest)")
    args = parser.parse_args(argv)

    if not Path("copier.yml").is_file():
        print("No copier.yml at the root: the template was rendered already. Nothing to do.")
        return 0
    answers = overrides(ANSWERS_FILE)
    source = str(answers.pop("_src_path", "") or args.template)
    if not source:
        raise SystemExit(
            "Which template is this repository made from? Pass --template, or set _src_path "
            f"in {ANSWERS_FILE}."
        )
    answers = {
        "name": api_name(args.repository.rsplit("/", 1)[-1]),
        **{key: value for key, value in answers.items() if not key.startswith("_")},
    }
    template_sources = [path for path in git("ls-files", "-z").split("\0") if path]

    run_copy(
        source,
        DESTINATION,
        data=answers,
        defaults=True,
        unsafe=True,
        vcs_ref=args.vcs_ref,
    )
    api_dir = next(Path(DESTINATION).glob("*/.copier-answers.yml")).parent.name
    recorded = yaml.safe_load(Path(DESTINATION, api_dir, ".copier-answers.yml").read_text())

    removed = [path for path in template_sources if not KEPT.fullmatch(path)]
    git("rm", "--quiet", "--", *removed)
    Path("README.md").write_text(readme(args.repository, source, api_dir))
    git("add", "--all")
    git("commit", "--quiet", "-m", f"Render {answers['name']} from {source} {recorded['_commit']}")
    print(f"Rendered {answers['name']} into {DESTINATION}/{api_dir} from {source}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
