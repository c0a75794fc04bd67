"""The names an API cannot take, read back from where they come from.

`extensions/validation.py` lists what the rendered files already declare, which globals a
construct class cannot replace and what the API resolves; these tests derive each list from
its source, so a template change that adds such a name fails here until the list follows:
the rendered TypeScript (fast), `tsc` over every global and `uv lock` of a rendered API (slow).
"""

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from jinja2 import Environment

from extensions.naming import pascal
from extensions.validation import (
    BREAKING_GLOBALS,
    CONSTRUCT_MODULE_NAMES,
    CORE_EXPORTS,
    DEPENDENCY_DISTRIBUTIONS,
    DEPENDENCY_MODULES,
    OTHER_DEPENDENCY_MODULES,
    RESERVED_API_NAMES,
    declared_names,
)
from harness.constructs import Api, build_api_outputs, node_modules, render_api, typecheck
from harness.rendering import COMPUTE_TYPES, RENDER_CASES, TEMPLATE, render, run

CONSTRUCT_MODULE = TEMPLATE / "template/common/constructs/src/app/apis/{{api_kebab}}.ts.jinja"

# `import ... from '...';`, one statement (it may span lines), and top-level declarations.
IMPORT = re.compile(r"^import\s+(?:type\s+)?(?P<clause>[^;]+?)\s+from\s+'[^']+';", re.M)
DECLARATION = re.compile(
    r"^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?"
    r"(?:class|interface|type|function|const|let|var|enum)\s+(?P<name>[\w$]+|\{\{[^}]+\}\}\w*)",
    re.M,
)
EXPORT = re.compile(r"^export\b.*$", re.M)


def imported(clause: str) -> set[str]:
    """The local names an import clause binds: `A`, `* as a`, `{ A, type B, C as D }`."""
    names = set()
    braces = re.search(r"\{([^}]*)\}", clause)
    if braces:
        for item in braces[1].split(","):
            item = re.sub(r"^\s*type\s+", "", item).strip()
            if item:
                names.add(item.split(" as ")[-1].strip())
        clause = clause.replace(braces[0], "")
    for item in clause.split(","):
        item = item.strip()
        if item:
            names.add(item.split(" as ")[-1].strip())
    return names


def module_names(text: str) -> set[str]:
    """What a construct module imports or declares at its top level, but the API's own names."""
    names = {name for match in IMPORT.finditer(text) for name in imported(match["clause"])}
    names |= {match["name"] for match in DECLARATION.finditer(text)}
    return {name for name in names if "{{" not in name}


def takeable(names: set[str]) -> set[str]:
    """The names some API name turns into (PascalCase words, as the `pascal` filter writes)."""
    return {name for name in names if pascal(name) == name}


def core_exports(constructs: Path) -> set[str]:
    names = set()
    for path in sorted((constructs / "src/core").rglob("*.ts")):
        for line in EXPORT.findall(path.read_text()):
            match = DECLARATION.match(line)
            # `export { A }` or `export * from` would escape this reading of the core.
            assert match, f"{path.name}: cannot read the name `{line}` exports"
            names.add(match["name"])
    return names


def cases(names) -> list:
    """Grouped like tests/test_render.py: each case on the worker that renders it."""
    return [pytest.param(name, id=name, marks=pytest.mark.xdist_group(name)) for name in names]


# The TypeScript constructs' names (the Python ones are rendered by the cases with cdkLanguage).
TYPESCRIPT_CASES = [case for case, answers in RENDER_CASES.items() if "cdkLanguage" not in answers]


@pytest.mark.parametrize("case", cases(TYPESCRIPT_CASES))
def test_the_constructs_names_are_what_the_rendered_typescript_declares(
    render_case, case: str
) -> None:
    packages = render_case(case).project_dir
    constructs = packages / "common/constructs"
    assert takeable(core_exports(constructs)) == CORE_EXPORTS
    [module] = (constructs / "src/app/apis").glob("*.ts")
    names = module_names(module.read_text())
    own = declared_names(pascal(RENDER_CASES[case].get("name", "my-api")))
    assert own[0] in names  # the class (a Function URL's construct takes no integrations)
    assert takeable(names - set(own)) <= CONSTRUCT_MODULE_NAMES
    # The folders and the Nx project of the shared constructs and the app (whose Nx project is
    # named like its folder), which an API's would collide with.
    [answers] = packages.glob("*/.copier-answers.yml")
    shared = {path.name for path in packages.iterdir() if path.is_dir()} - {answers.parent.name}
    nx_project = json.loads((constructs / "project.json").read_text())["name"]
    assert set(RESERVED_API_NAMES) == shared | {nx_project}


STAND_IN = "StandIn"


def construct_module(compute: str) -> str:
    """The construct module's template rendered for a compute type, as Copier derives its values
    (copier.yml), with a stand-in class name; the other answers change no name it declares."""
    settings = yaml.safe_load((TEMPLATE / "copier.yml").read_text())
    answers = {"computeType": compute, "lambda_python_version": "3.12", "api_class": STAND_IN}
    for derived in ("api_kind", "api_module"):
        answers[derived] = Environment().from_string(settings[derived]["default"]).render(answers)
    return Environment().from_string(CONSTRUCT_MODULE.read_text()).render(answers)


def test_the_construct_module_names_are_what_its_template_imports_or_declares() -> None:
    """Every compute type's imports at once; the auth changes no name in the module."""
    names = set().union(*(module_names(construct_module(compute)) for compute in COMPUTE_TYPES))
    assert takeable(names - set(declared_names(STAND_IN))) == CONSTRUCT_MODULE_NAMES


# --- Slow: what uv resolves and what tsc refuses ---------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("compute", COMPUTE_TYPES)
def test_dependency_distributions_are_what_uv_locks(tmp_path: Path, compute: str) -> None:
    packages = render(tmp_path / "packages", computeType=compute)
    run("uv", "lock", "--quiet", cwd=packages / "my_api")
    lock = tomllib.loads((packages / "my_api/uv.lock").read_text())
    locked = {package["name"] for package in lock["package"]} - {"my-api"}
    assert locked == DEPENDENCY_DISTRIBUTIONS


# The top-level modules of every installed distribution, as the API's interpreter sees them.
LIST_MODULES = (
    "import importlib.metadata, json; "
    "print(json.dumps([*importlib.metadata.packages_distributions()]))"
)


@pytest.mark.slow
def test_dependency_modules_are_what_the_api_installs(default_monorepo: Path) -> None:
    api = ("--project", "packages/my_api")
    result = run("uv", "run", *api, "python", "-c", LIST_MODULES, cwd=default_monorepo)
    installed = {name for name in json.loads(result.stdout) if name.isidentifier()} - {"my_api"}
    assert installed - OTHER_DEPENDENCY_MODULES == DEPENDENCY_MODULES


# Prints the names in scope at the top of a module of the constructs: the globals that their
# tsconfig.json (its `lib` and `types`) declares.
GLOBALS_IN_SCOPE = """\
const [typescript, tsconfig, probe] = process.argv.slice(2);
const ts = require(typescript);
const { config } = ts.readConfigFile(tsconfig, ts.sys.readFile);
const folder = require('node:path').dirname(tsconfig);
const { options } = ts.parseJsonConfigFileContent(config, ts.sys, folder);
const program = ts.createProgram([probe], options);
const scope = program.getTypeChecker().getSymbolsInScope(
  program.getSourceFile(probe), ts.SymbolFlags.Value | ts.SymbolFlags.Type);
console.log(JSON.stringify(scope.map((symbol) => symbol.name)));
"""


def globals_in_scope(constructs: Path, scratch: Path) -> set[str]:
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / "globals.js").write_text(GLOBALS_IN_SCOPE)
    probe = constructs / "src" / "probe.ts"
    probe.write_text("export {};\n")
    try:
        result = run(
            "node", scratch / "globals.js", node_modules() / "typescript",
            constructs / "tsconfig.json", probe, cwd=scratch,
        )  # fmt: skip
    finally:
        probe.unlink()
    return set(json.loads(result.stdout))


@pytest.mark.slow
def test_breaking_globals_are_the_globals_tsc_refuses_as_a_construct_class(tmp_path: Path) -> None:
    """Every global an API name can spell, as the construct class of each compute type, in one
    `tsc` run: the class names that fail are exactly BREAKING_GLOBALS."""
    modules = node_modules()
    apis = [Api(tmp_path / compute, "packages", "my-api", compute) for compute in COMPUTE_TYPES]
    for api in apis:
        render_api(api)
        build_api_outputs(api, modules)
    candidates = takeable(globals_in_scope(apis[0].constructs, tmp_path / "scratch"))
    assert {"Error", "Object", "Map", "Promise"} <= candidates
    files = []
    for api in apis:
        rendered = (api.constructs / "src/app/apis/my-api.ts").read_text()
        files.append(api.constructs / "src/app/apis/my-api.ts")
        for name in sorted(candidates):
            # What the module is for a name whose PascalCase form is the global.
            path = api.constructs / f"src/app/apis/global-{name}.ts"
            path.write_text(re.sub(r"\bMyApi", name, rendered))
            files.append(path)
    output = typecheck(tmp_path / "harness", files, [])
    failing = set(re.findall(r"global-(\w+)\.ts\(\d+,\d+\): error TS", output))
    errors = [line for line in output.splitlines() if "error TS" in line]
    assert all("/global-" in line for line in errors), output  # the rendered modules build
    assert failing == BREAKING_GLOBALS, output
