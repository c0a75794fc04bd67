"""The rendered CDK app: a folder of APIs synthesizes through the `cdk` CLI as it stands,
offline, with no cdk-nag, cfn-lint or checkov finding, one `aws-cdk-lib`, and an API added by a
second `copier copy` deployed with no edit.

One monorepo, rendered as a user does (a REST/IAM API, then an HTTP/Cognito one), installed once
(`npm install` cached by package.json content) and synthesized once, serves every test here.
The bundles are placeholders where each API's `bundle` target writes its bundle.
"""

import json
import shutil
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.constructs import (
    Api,
    app_command,
    app_target,
    build_api_outputs,
    cached_npm_install,
    cdk_out,
    copier_copy,
    link_node_modules,
    offline_env,
    placeholder_bundle,
    resources,
    run_unchecked,
    template,
    workspace_node_modules,
)
from harness.rendering import render, update
from harness.template_repo import (
    BEFORE_THE_APP,
    RELEASE_1,
    RELEASE_2,
    TemplateRepo,
    commit_all,
    git,
    new_monorepo,
    snapshot,
)

pytestmark = pytest.mark.slow

# The dev tools (cfn-lint) installed next to the interpreter running pytest.
BIN = Path(sys.executable).parent

REST, HTTP = "ServerlessApiGatewayRestApi", "ServerlessApiGatewayHttpApi"
STACK = "PackagesApis"  # main.ts: the directory `packages`, in PascalCase, and "Apis"

# What the template renders into infra/ for every API alike (main.ts: created once, the user's).
SHARED_APP_FILES = (
    "README.md",
    "biome.json",
    "cdk.json",
    "main.ts",
    "package.json",
    "project.json",
    "src/apis-stack.ts",
    "src/app.ts",
    "src/user-identity.ts",
    "tsconfig.json",
)


def synth(root: Path, *args: str, **env: str) -> SimpleNamespace:
    """The app's `synth` target from the monorepo root, offline; timed."""
    started = time.perf_counter()
    result = app_target(root, "packages", "synth", "--no-notices", *args, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return SimpleNamespace(
        output=result.stdout + result.stderr, seconds=time.perf_counter() - started
    )


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Two APIs copied into packages/ one after the other, installed, bundled and synthesized."""
    root = new_monorepo(tmp_path_factory.mktemp("app") / "monorepo")
    packages = root / "packages"
    packages.mkdir()
    apis = (
        Api(root, "packages", "my-api", REST, "IAM"),
        Api(root, "packages", "orders-api", HTTP, "Cognito"),
    )
    logs = []
    for api in apis:
        logs.append(copier_copy(packages, api))
        commit_all(root, f"Add {api.name}")
    modules = workspace_node_modules(packages)
    for api in apis:
        build_api_outputs(api, None)
    synthesized = synth(root)
    print(f"cdk synth of two APIs: {synthesized.seconds:.1f} s")
    return SimpleNamespace(
        root=root,
        packages=packages,
        apis=apis,
        modules=modules,
        second_copy=logs[1],
        synth=synthesized,
        out=cdk_out(root, "packages"),
    )


# --- Rendering ---------------------------------------------------------------------------------
def test_second_copy_finds_every_shared_app_file_identical(app: SimpleNamespace) -> None:
    words = " ".join(app.second_copy.split())
    for path in SHARED_APP_FILES:
        assert f"identical infra/{path}" in words, app.second_copy
    assert "identical package.json" in words
    assert "create infra/src/apis/orders-api.ts" in words
    assert "conflict" not in app.second_copy
    modules = sorted(path.name for path in (app.packages / "infra/src/apis").iterdir())
    assert modules == ["my-api.ts", "orders-api.ts"]


# --- npm ---------------------------------------------------------------------------------------
def test_one_aws_cdk_lib_serves_the_app_and_the_constructs(app: SimpleNamespace) -> None:
    copies = sorted(app.modules.rglob("aws-cdk-lib/package.json"))
    installed = [path for path in copies if "aws-cdk-lib" not in path.parent.parent.parts]
    assert installed == [app.modules / "aws-cdk-lib/package.json"]
    for member in ("common/constructs", "infra"):
        assert not (app.packages / member / "node_modules").exists()
    resolve = "console.log(require.resolve('aws-cdk-lib'))"
    found = {
        run_unchecked("node", "-e", resolve, cwd=app.packages / member).stdout.strip()
        for member in ("common/constructs/src", "infra/src")
    }
    assert found == {str((app.modules / "aws-cdk-lib/index.js").resolve())}


def test_the_app_runs_the_pinned_cli_from_the_workspace(app: SimpleNamespace) -> None:
    pinned = json.loads((app.packages / "infra/package.json").read_text())["devDependencies"]
    result = run_unchecked(
        "sh", "-c", "cd packages/infra && npx cdk --version", cwd=app.root, env=offline_env()
    )
    assert result.stdout.startswith(f"{pinned['aws-cdk']} (build ")


def test_a_second_aws_cdk_lib_stops_the_app_naming_both(app: SimpleNamespace) -> None:
    stray = app.packages / "common/constructs/node_modules/aws-cdk-lib"
    stray.mkdir(parents=True)
    try:
        (stray / "package.json").write_text('{"name": "aws-cdk-lib", "main": "index.js"}')
        (stray / "index.js").write_text("module.exports = {};\n")
        tsx = app.modules / ".bin" / "tsx"
        result = run_unchecked(tsx, "main.ts", cwd=app.packages / "infra", env=offline_env())
    finally:
        shutil.rmtree(stray.parent)
    assert result.returncode != 0
    assert str(stray / "index.js") in result.stderr
    assert "install once, in the npm workspace" in result.stderr


def test_under_a_root_workspace_the_root_node_modules_serves_both(
    app: SimpleNamespace, tmp_path: Path
) -> None:
    """npm does not nest workspaces: under a root workspace that lists the constructs and the
    app (as the README says), `packages/package.json` is ignored and one root install serves
    both, through the same single aws-cdk-lib."""
    root = tmp_path / "monorepo"
    ignore = shutil.ignore_patterns("node_modules")
    shutil.copytree(app.packages, root / "packages", ignore=ignore)
    shutil.copytree(app.root / "dist", root / "dist", ignore=shutil.ignore_patterns("infra"))
    members = ["packages/common/constructs", "packages/infra"]
    package = {"name": "monorepo", "private": True, "workspaces": members}
    (root / "package.json").write_text(json.dumps(package, indent=2) + "\n")
    # packages/package.json is in the tree too, with its own workspaces: npm must ignore them.
    files = [f"{member}/package.json" for member in members] + ["packages/package.json"]
    modules = cached_npm_install(
        (root / "package.json").read_text(),
        "root-workspace",
        {path: (root / path).read_text() for path in files},
    )
    link_node_modules(root, modules)
    assert not (modules.parent / "packages" / "node_modules").exists()
    installed = [
        path
        for path in modules.rglob("aws-cdk-lib/package.json")
        if "aws-cdk-lib" not in path.parent.parent.parts
    ]
    assert installed == [modules / "aws-cdk-lib/package.json"]

    outdir = tmp_path / "cdk.out"
    tsx = modules / ".bin" / "tsx"
    env = offline_env(CDK_OUTDIR=str(outdir))
    result = run_unchecked(tsx, "main.ts", cwd=root / "packages/infra", env=env)
    assert result.returncode == 0, result.stderr
    assert len(resources(template(outdir, STACK), "AWS::Lambda::Function")) == 4


# --- Synth -------------------------------------------------------------------------------------
def test_synth_writes_the_assembly_to_dist(app: SimpleNamespace) -> None:
    assert app.out == app.root / "dist/packages/infra/cdk.out"
    assert (app.out / f"{STACK}.template.json").is_file()
    assert not (app.packages / "infra" / "cdk.out").exists()


def test_offline_synth_is_environment_agnostic(app: SimpleNamespace) -> None:
    manifest = json.loads((app.out / "manifest.json").read_text())
    assert manifest["artifacts"][STACK]["environment"] == "aws://unknown-account/unknown-region"


def test_the_stack_follows_the_cli_once_it_knows_account_and_region(app: SimpleNamespace) -> None:
    """The CLI sets CDK_DEFAULT_REGION even with no configuration: a region alone pins nothing."""
    script = "import { environment } from './src/app'; console.log(JSON.stringify(environment()));"
    tsx = app.modules / ".bin" / "tsx"
    cases = {
        "both": {"CDK_DEFAULT_ACCOUNT": "111111111111", "CDK_DEFAULT_REGION": "eu-west-1"},
        "region only": {"CDK_DEFAULT_REGION": "us-east-1"},
    }
    printed = {
        case: run_unchecked(
            tsx, "-e", script, cwd=app.packages / "infra", env=offline_env(**env)
        ).stdout.strip()
        for case, env in cases.items()
    }
    assert json.loads(printed["both"]) == {"account": "111111111111", "region": "eu-west-1"}
    assert printed["region only"] == "undefined"  # environment-agnostic


ORIGINS_PROBE = """
import { App } from 'aws-cdk-lib';
import { allowedOrigins } from './src/allowed-origins';
const cases: Record<string, Record<string, unknown>> = {
  lists: {
    allowedOrigins: ['https://app.example.com'],
    allowLocalhostOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
  },
  strings: { allowedOrigins: 'https://app.example.com, https://admin.example.com:8443' },
  localhostDeployed: { allowedOrigins: 'https://localhost:3000' },
  plainHttp: { allowedOrigins: 'http://app.example.com' },
  path: { allowedOrigins: 'https://app.example.com/' },
  wildcard: { allowedOrigins: '*' },
  remoteAsLocalhost: { allowLocalhostOrigins: 'http://app.example.com' },
  notAList: { allowedOrigins: 42 },
};
const results: Record<string, unknown> = {};
for (const [name, context] of Object.entries(cases)) {
  try {
    results[name] = allowedOrigins(new App({ context }));
  } catch (error) {
    results[name] = (error as Error).message;
  }
}
console.log(JSON.stringify(results));
"""


def test_the_context_names_origins_and_localhost_ones_apart(app: SimpleNamespace) -> None:
    """`allowedOrigins`: https sites; `allowLocalhostOrigins`: localhost only; lists or
    comma-separated strings (as `-c` gives them); anything else stops synth, saying why."""
    tsx = app.modules / ".bin" / "tsx"
    result = run_unchecked(tsx, "-e", ORIGINS_PROBE, cwd=app.packages / "infra", env=offline_env())
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout)
    assert results["lists"] == [
        "https://app.example.com",
        "http://localhost:5173",
        "http://127.0.0.1:5173",
    ]
    assert results["strings"] == ["https://app.example.com", "https://admin.example.com:8443"]
    deployed = "is not an https origin other than localhost"
    for case in ("localhostDeployed", "plainHttp", "path", "wildcard"):
        assert "Context allowedOrigins: " in results[case] and deployed in results[case]
    assert "'https://app.example.com/' is not" in results["path"]
    assert (
        "allowLocalhostOrigins: 'http://app.example.com' is not a localhost origin"
        in results["remoteAsLocalhost"]
    )
    assert "is a list of origins or a comma-separated string; got 42" in results["notAList"]


def test_both_apis_and_their_outputs_are_in_the_stack(app: SimpleNamespace) -> None:
    tpl = template(app.out, STACK)
    assert len(resources(tpl, "AWS::ApiGateway::RestApi")) == 1
    assert len(resources(tpl, "AWS::ApiGatewayV2::Api")) == 1
    (pool,) = resources(tpl, "AWS::Cognito::UserPool").values()
    assert pool["Properties"]["MfaConfiguration"] == "ON"
    (authorizer,) = resources(tpl, "AWS::ApiGatewayV2::Authorizer").values()
    assert authorizer["Properties"]["AuthorizerType"] == "JWT"
    rest_methods = resources(tpl, "AWS::ApiGateway::Method").values()
    gets = [m["Properties"] for m in rest_methods if m["Properties"]["HttpMethod"] == "GET"]
    assert {m["AuthorizationType"] for m in gets} == {"AWS_IAM"}
    # MyApi (REST) streams `stream`, behind the Web Adapter; OrdersApi (HTTP) cannot.
    modes = sorted(str(m["Integration"].get("ResponseTransferMode")) for m in gets)
    assert modes == ["None", "STREAM"]
    handlers = {
        key[: -len("HandlerXXXXXXXX")]: function["Properties"]["Handler"]
        for key, function in resources(tpl, "AWS::Lambda::Function").items()
    }
    assert handlers == {
        "MyApiEcho": "my_api.main.handler",
        "MyApiStream": "run.sh",
        "OrdersApiEcho": "orders_api.main.handler",
        "OrdersApiStream": "orders_api.main.handler",
    }
    outputs = set(tpl["Outputs"])
    for prefix in (
        "MyApiUrl",
        "OrdersApiUrl",
        "UserIdentityUserPoolId",
        "UserIdentityUserPoolClientId",
    ):
        assert any(key.startswith(prefix) for key in outputs), outputs


def test_the_app_deploys_behind_waf_throttled_and_closed_to_other_origins(
    app: SimpleNamespace,
) -> None:
    """As rendered (no origin in cdk.json's context): no CORS answer names an origin, every
    function's ALLOWED_ORIGINS is empty; both stages throttled, the REST one behind AWS WAF."""
    tpl = template(app.out, STACK)
    functions = resources(tpl, "AWS::Lambda::Function")
    assert {
        f["Properties"]["Environment"]["Variables"]["ALLOWED_ORIGINS"] for f in functions.values()
    } == {""}
    (http,) = resources(tpl, "AWS::ApiGatewayV2::Api").values()
    assert "AllowOrigins" not in http["Properties"]["CorsConfiguration"]
    rest_methods = resources(tpl, "AWS::ApiGateway::Method").values()
    preflights = [
        m["Properties"] for m in rest_methods if m["Properties"]["HttpMethod"] == "OPTIONS"
    ]
    assert [
        m["Integration"]["IntegrationResponses"][0]["ResponseTemplates"] for m in preflights
    ] == 2 * [{"application/json": ""}]
    assert "Access-Control-Allow-Origin" not in json.dumps(
        resources(tpl, "AWS::ApiGateway::GatewayResponse")
    )

    (rest_stage,) = resources(tpl, "AWS::ApiGateway::Stage").values()
    (settings,) = rest_stage["Properties"]["MethodSettings"]
    (http_stage,) = resources(tpl, "AWS::ApiGatewayV2::Stage").values()
    http_settings = http_stage["Properties"]["DefaultRouteSettings"]
    assert throttling(settings) == throttling(http_settings) == (100, 200)
    assert rest_stage["Properties"]["TracingEnabled"] is True
    (acl,) = resources(tpl, "AWS::WAFv2::WebACL")
    (association,) = resources(tpl, "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl, "Arn"]}


def throttling(settings: dict) -> tuple[int, int]:
    return settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]


def test_the_cognito_apis_functions_know_the_app_client(app: SimpleNamespace) -> None:
    """COGNITO_CLIENT_IDS on OrdersApi's functions: the stack's user pool client."""
    tpl = template(app.out, STACK)
    (client,) = resources(tpl, "AWS::Cognito::UserPoolClient")
    clients = {
        key.startswith("OrdersApi"): function["Properties"]["Environment"]["Variables"].get(
            "COGNITO_CLIENT_IDS"
        )
        for key, function in resources(tpl, "AWS::Lambda::Function").items()
    }
    assert clients == {True: {"Ref": client}, False: None}


def test_each_api_runs_the_bundle_its_bundle_target_writes(app: SimpleNamespace) -> None:
    """The construct points at dist/<directory>/<api>/bundle; the CLI stages it as an asset."""
    tpl = template(app.out, STACK)
    staged = {}
    for logical_id, function in resources(tpl, "AWS::Lambda::Function").items():
        asset = function["Metadata"]["aws:asset:path"]
        staged[logical_id] = (app.out / asset / "placeholder.txt").read_text()
    for api in app.apis:
        handlers = [key for key in staged if key.startswith(api.cls)]
        assert len(handlers) == 2  # echo and stream: one function per operation
        assert {staged[key] for key in handlers} == {placeholder_bundle(api)}


# --- Checks ------------------------------------------------------------------------------------
def test_cdk_nag_runs_in_the_app_and_reports_no_finding(app: SimpleNamespace) -> None:
    # Once anything is acknowledged, synth fails only on errors: warnings show up only here.
    report = json.loads((app.out / "validation-report.json").read_text())
    assert report["title"] == "Validation Report"
    assert report["pluginReports"] == []


def test_an_unacknowledged_cdk_nag_error_fails_synth(app: SimpleNamespace, tmp_path: Path) -> None:
    """The app's own createApp() registers AwsSolutionsChecks: an open bucket stops synth."""
    entry = app.packages / "infra" / "nag_probe.ts"
    entry.write_text(
        "import { Stack } from 'aws-cdk-lib';\n"
        "import * as s3 from 'aws-cdk-lib/aws-s3';\n"
        "import { createApp } from './src/app';\n"
        "const app = createApp();\n"
        "new s3.Bucket(new Stack(app, 'Probe'), 'Open');\n"
        "app.synth();\n"
    )
    try:
        command = app_command(app.packages, "synth")
        result = run_unchecked(
            "sh",
            "-c",
            f"{command} --no-notices --app 'npx tsx nag_probe.ts' --output {tmp_path / 'out'}",
            cwd=app.root,
            env=offline_env(),
        )
    finally:
        entry.unlink()
    assert result.returncode != 0
    assert "AwsSolutions-S1" in result.stdout + result.stderr


def test_cfn_lint_finds_no_error(app: SimpleNamespace) -> None:
    result = run_unchecked(
        BIN / "cfn-lint", "--format", "json", app.out / f"{STACK}.template.json", cwd=app.root
    )
    errors = [f for f in json.loads(result.stdout or "[]") if f["Level"] == "Error"]
    assert errors == [], json.dumps(errors, indent=1)[:4000]


def test_checkov_target_finds_no_failed_check(app: SimpleNamespace) -> None:
    # BC_SKIP_MAPPING keeps checkov offline (no Prisma Cloud look-up of its guidelines).
    result = app_target(app.root, "packages", "checkov", "--output", "json", BC_SKIP_MAPPING="TRUE")
    report = json.loads(result.stdout)
    failed = [check["check_id"] for check in report["results"]["failed_checks"]]
    assert failed == [], result.stdout[:4000]
    assert report["summary"]["passed"] > 50
    assert result.returncode == 0


def test_a_wildcard_statement_added_to_a_function_role_fails_synth(app: SimpleNamespace) -> None:
    """Only the X-Ray policy is acknowledged for `*`: a statement of yours on `*`, in the role's
    default policy, is a cdk-nag error (the app itself, through tsx: no CLI needed)."""
    entry = app.packages / "infra" / "wildcard_probe.ts"
    entry.write_text(
        "import * as iam from 'aws-cdk-lib/aws-iam';\n"
        "import { MyApi } from '../common/constructs/src';\n"
        "import { ApisStack } from './src/apis-stack';\n"
        "import { createApp } from './src/app';\n"
        "const app = createApp();\n"
        "const stack = new ApisStack(app, 'Probe');\n"
        "stack.api(MyApi).integrations.echo.handler.addToRolePolicy(\n"
        "  new iam.PolicyStatement({\n"
        "    actions: ['secretsmanager:GetSecretValue'],\n"
        "    resources: ['*'],\n"
        "  }),\n"
        ");\n"
        "app.synth();\n"
    )
    try:
        tsx = app.modules / ".bin" / "tsx"
        env = offline_env(CDK_OUTDIR=str(app.root / "wildcard.out"))
        result = run_unchecked(tsx, entry.name, cwd=entry.parent, env=env)
    finally:
        entry.unlink()
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "AwsSolutions-IAM5[Resource::*]" in output, output
    assert "Probe/MyApiFunctionsRole/DefaultPolicy/Resource" in output, output


@pytest.fixture
def readme_module(app: SimpleNamespace):
    """The constructs README's module for my-api, beside the app's own (`src/readme/`, out of
    `src/apis/`, so the stack does not add my-api twice); removed afterwards."""
    readme = (app.packages / "common/constructs/README.md").read_text()
    usage = readme[readme.index("## Use an API in your stack") :]
    module = app.packages / "infra/src/readme/my-api.ts"
    module.parent.mkdir()
    module.write_text(usage.split("```ts\n", 1)[1].split("```", 1)[0])
    yield module
    shutil.rmtree(module.parent)


def test_app_lints_clean_and_typechecks_strictly_with_the_readme_module(
    app: SimpleNamespace, request: pytest.FixtureRequest
) -> None:
    lint = app_target(app.root, "packages", "lint")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    request.getfixturevalue("readme_module")  # type-checked only: laid out for reading
    typecheck = app_target(app.root, "packages", "typecheck")
    assert typecheck.returncode == 0, typecheck.stdout + typecheck.stderr


def test_constructs_readme_module_synthesizes_in_the_app(
    app: SimpleNamespace, readme_module: Path, tmp_path: Path
) -> None:
    entry = app.packages / "infra/readme_probe.ts"
    entry.write_text(
        "import { Stack } from 'aws-cdk-lib';\n"
        "import { createApp } from './src/app';\n"
        "import { addApi } from './src/readme/my-api';\n"
        "const app = createApp();\n"
        "addApi(new Stack(app, 'Readme'));\n"
        "app.synth();\n"
    )
    try:
        tsx = app.modules / ".bin" / "tsx"
        env = offline_env(CDK_OUTDIR=str(tmp_path))
        synthesized = run_unchecked(tsx, entry.name, cwd=entry.parent, env=env)
    finally:
        entry.unlink()
    assert synthesized.returncode == 0, synthesized.stderr
    tpl = template(tmp_path, "Readme")
    functions = [fn["Properties"] for fn in resources(tpl, "AWS::Lambda::Function").values()]
    assert sorted(props["MemorySize"] for props in functions) == [512, 1024]
    # The override of `echo` (Mangum), and `stream` behind the Web Adapter for 5 minutes.
    handlers = {props["Handler"]: props["Timeout"] for props in functions}
    assert handlers == {"my_api.main.handler": 30, "run.sh": 300}
    environments = json.dumps([props["Environment"] for props in functions])
    assert '"UPLOADS": "my-uploads"' in environments
    assert "execute-api:Invoke" in json.dumps(resources(tpl, "AWS::IAM::Policy"))
    report = json.loads((tmp_path / "validation-report.json").read_text())
    assert report["pluginReports"] == []


# --- Update ------------------------------------------------------------------------------------
RELEASE_3 = "0.3.0"
APP_FIX = "\n// Fixed in the next release: a line of the stack every API shares.\n"
STACK_MODULE = "template/infra/src/apis-stack.ts"
CORS_ORIGIN = "https://app.example.com"
# The origins the updated app's synth is given on the command line (its context).
CONTEXT_ORIGINS = ("https://orders.example.com", "http://localhost:5173")


def edit_main_as_user(main: Path) -> None:
    """What the comment in main.ts suggests: reach an API with its type, from the user's file."""
    text = main.read_text()
    text = text.replace(
        "import { createApp, environment } from './src/app';\n",
        "import { createApp, environment } from './src/app';\n"
        "import { MyApi } from '../common/constructs/src';\n",
    )
    text = text.replace("new ApisStack(", "const stack = new ApisStack(")
    text = text.replace(
        "app.synth();", f"stack.api(MyApi).restrictCorsTo('{CORS_ORIGIN}');\n\napp.synth();"
    )
    main.write_text(text)


def edit_module_as_user(module: Path) -> None:
    """An API's settings, where the README says they go: in its module."""
    text = module.read_text()
    edited = text.replace(
        ".defaultIntegrations(scope).build()",
        ".defaultIntegrations(scope).withDefaultOptions({ memorySize: 512 }).build()",
    )
    assert edited != text
    module.write_text(edited)


def unmerged(root: Path) -> dict[str, list[str]]:
    """What an update left to resolve: rejected hunks, conflict markers, unmerged paths."""
    tree = snapshot(root / "packages")
    return {
        "rejected": [path for path in tree if path.endswith(".rej")],
        "markers": [path for path, data in tree.items() if b"<<<<<<<" in data],
        "unmerged": git("diff", "--name-only", "--diff-filter=U", cwd=root).split(),
    }


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Two APIs of the release before the app, updated to this one (the app arrives), edited by
    the user, then updated to a release that fixes the shared stack; installed and synthesized."""
    base = tmp_path_factory.mktemp("updated")
    repo = TemplateRepo.from_commit(base / "template", BEFORE_THE_APP)
    repo.release(RELEASE_1)
    repo.replace_with_working_tree()
    repo.release(RELEASE_2)
    repo.edit(STACK_MODULE, lambda text: text + APP_FIX)
    repo.release(RELEASE_3)

    root = new_monorepo(base / "monorepo")
    packages = root / "packages"
    apis = (
        Api(root, "packages", "my-api", REST, "IAM"),
        Api(root, "packages", "orders-api", HTTP, "Cognito"),
    )
    for api in apis:
        answers = {"name": api.name, "computeType": api.compute, "auth": api.auth}
        render(packages, template=repo.path, vcs_ref=RELEASE_1, **answers)
        commit_all(root, f"Add {api.name}")

    def update_each(release: str) -> list[dict[str, list[str]]]:
        left = []
        for api in apis:
            update(packages, f"{api.snake}/.copier-answers.yml", release)
            left.append(unmerged(root))
            commit_all(root, f"Update {api.name} to {release}")
        return left

    arrival = update_each(RELEASE_2)
    arrived = snapshot(packages / "infra")
    edit_main_as_user(packages / "infra/main.ts")
    edit_module_as_user(packages / "infra/src/apis/orders-api.ts")
    commit_all(root, "Our app settings")
    edited = snapshot(packages / "infra")
    fix = update_each(RELEASE_3)

    workspace_node_modules(packages)
    for api in apis:
        build_api_outputs(api, None)
    return SimpleNamespace(
        root=root,
        arrival=arrival,
        arrived=arrived,
        edited=edited,
        fix=fix,
        after=snapshot(packages / "infra"),
        synth=synth(
            root,
            f"-c allowedOrigins={CONTEXT_ORIGINS[0]}",
            f"-c allowLocalhostOrigins={CONTEXT_ORIGINS[1]}",
        ),
        out=cdk_out(root, "packages"),
    )


def test_updating_from_the_release_before_the_app_brings_it_without_conflict(
    updated: SimpleNamespace,
) -> None:
    nothing = {"rejected": [], "markers": [], "unmerged": []}
    assert updated.arrival == [nothing, nothing]
    assert {"main.ts", "src/apis/my-api.ts", "src/apis/orders-api.ts"} <= set(updated.arrived)


def test_update_leaves_main_ts_to_the_user_and_keeps_edits_to_modules(
    updated: SimpleNamespace,
) -> None:
    nothing = {"rejected": [], "markers": [], "unmerged": []}
    assert updated.fix == [nothing, nothing]
    assert updated.after["main.ts"] == updated.edited["main.ts"] != updated.arrived["main.ts"]
    module = "src/apis/orders-api.ts"
    assert updated.after[module] == updated.edited[module]
    assert updated.after["src/apis-stack.ts"].decode().endswith(APP_FIX)


def test_updated_app_synthesizes_with_the_users_settings(updated: SimpleNamespace) -> None:
    """main.ts narrows MyApi's CORS; OrdersApi takes the origins of the app's context."""
    tpl = template(updated.out, STACK)
    preflights = [
        method["Properties"]["Integration"]["IntegrationResponses"][0]["ResponseTemplates"]
        for method in resources(tpl, "AWS::ApiGateway::Method").values()
        if method["Properties"]["HttpMethod"] == "OPTIONS"
    ]
    assert all(f'["{CORS_ORIGIN}"].contains' in p["application/json"] for p in preflights)
    (http,) = resources(tpl, "AWS::ApiGatewayV2::Api").values()
    assert http["Properties"]["CorsConfiguration"]["AllowOrigins"] == list(CONTEXT_ORIGINS)
    allowed = {
        key.removesuffix(key[-8:]): function["Properties"]["Environment"]["Variables"][
            "ALLOWED_ORIGINS"
        ]
        for key, function in resources(tpl, "AWS::Lambda::Function").items()
    }
    assert allowed == {
        "MyApiEchoHandler": CORS_ORIGIN,
        "MyApiStreamHandler": CORS_ORIGIN,
        "OrdersApiEchoHandler": ",".join(CONTEXT_ORIGINS),
        "OrdersApiStreamHandler": ",".join(CONTEXT_ORIGINS),
    }
    orders = [
        function["Properties"]["MemorySize"]
        for key, function in resources(tpl, "AWS::Lambda::Function").items()
        if key.startswith("OrdersApi")
    ]
    assert orders == [512, 512]
    report = json.loads((updated.out / "validation-report.json").read_text())
    assert report["pluginReports"] == []
