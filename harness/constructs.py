"""Helpers to check the rendered CDK constructs and app: node_modules, example stacks, tsc,
synth, and the `cdk` CLI.

`node_modules` is installed once per machine and package.json version (every API renders the
same package.json files) and symlinked into each rendered monorepo. Type-checking and synthesis
of the constructs' examples run over many monorepos in one `tsc` and one `tsx` process, since
loading aws-cdk-lib is most of their cost; the rendered app is synthesized by the `cdk` CLI, as
a user does.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.rendering import TEMPLATE, render, run
from harness.template_repo import copier

PACKAGE_JSON = TEMPLATE / "template" / "common" / "constructs" / "package.json"

# What the example app's `openapi` target writes, reduced to what the constructs read.
OPENAPI_SPEC = {
    "openapi": "3.2.0",
    "info": {"title": "my-api", "version": "0.1.0"},
    "paths": {
        "/echo": {"get": {"operationId": "echo", "responses": {"200": {"description": "OK"}}}},
        "/stream": {
            "get": {
                "operationId": "stream",
                "x-streaming": True,
                "responses": {"200": {"description": "OK"}},
            }
        },
    },
}


def many_operations_spec(count: int) -> dict:
    """A spec of `count` GET operations, each at a path of one segment: `/op01` ... `/op80`."""
    width = max(2, len(str(count)))
    paths = {
        f"/op{n:0{width}}": {
            "get": {"operationId": f"op{n:0{width}}", "responses": {"200": {"description": "OK"}}}
        }
        for n in range(1, count + 1)
    }
    return {**OPENAPI_SPEC, "paths": paths}


def cached_npm_install(
    package_json: str, label: str, members: dict[str, str] | None = None
) -> Path:
    """`npm install` of a package.json's text, cached by its content across runs.

    `members` are the other package.json files of the tree, by path (e.g. an npm workspace's
    `infra/package.json`): npm installs the workspace into the one `node_modules` it returns.
    """
    members = members or {}
    content = package_json + "".join(f"\0{path}\0{text}" for path, text in sorted(members.items()))
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    target = cache / "fastapi-template-tests" / f"{label}-{digest}"
    if (target / "node_modules" / ".package-lock.json").is_file():
        return target / "node_modules"
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent))
    (staging / "package.json").write_text(package_json)
    for path, text in members.items():
        (staging / path).parent.mkdir(parents=True, exist_ok=True)
        (staging / path).write_text(text)
    run("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", cwd=staging)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)  # atomic: a parallel run sees a complete install or none
    return target / "node_modules"


def node_modules() -> Path:
    """The constructs' own dependencies, as every rendered package.json lists them."""
    return cached_npm_install(PACKAGE_JSON.read_text(), "constructs")


def link_node_modules(folder: Path, modules: Path) -> None:
    link = folder / "node_modules"
    if not link.exists():
        link.symlink_to(modules, target_is_directory=True)


# The rendered npm workspace of a destination folder: its root, then its members.
WORKSPACE = ("package.json", "common/constructs/package.json", "infra/package.json")


def workspace_node_modules(destination: Path) -> Path:
    """`npm install --prefix <destination>`, as the README says: the constructs and the app in
    one `node_modules`, installed once per content of their package.json files and linked in."""
    root, *members = WORKSPACE
    modules = cached_npm_install(
        (destination / root).read_text(),
        "workspace",
        {member: (destination / member).read_text() for member in members},
    )
    link_node_modules(destination, modules)
    return modules


@dataclass(frozen=True)
class Api:
    """One API rendered into a monorepo."""

    root: Path
    directory: str
    name: str = "my-api"
    compute: str = "ServerlessApiGatewayRestApi"
    auth: str = "IAM"

    @property
    def snake(self) -> str:
        return self.name.replace("-", "_")

    @property
    def kebab(self) -> str:
        return self.name

    @property
    def cls(self) -> str:
        return "".join(word.capitalize() for word in self.name.split("-"))

    @property
    def constructs(self) -> Path:
        return self.root / self.directory / "common" / "constructs"

    @property
    def dist(self) -> Path:
        return self.root / "dist" / self.directory / self.snake


def copier_copy(packages: Path, api: Api, **answers: str) -> str:
    """`copier copy` of the working tree into `packages` as a user types it, with the API's
    name, compute type and auth and any other `answers`; returns what it printed, uncoloured."""
    data = {"name": api.name, "computeType": api.compute, "auth": api.auth, **answers}
    result = copier(
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref=HEAD",
        *(f"--data={question}={answer}" for question, answer in data.items()),
        str(TEMPLATE),
        ".",
        cwd=packages,
    )
    assert result.returncode == 0, result.stderr
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)


def render_api(api: Api, **answers: str) -> Api:
    """Renders `api` into its monorepo, with any other `answers` (e.g. `cdkLanguage`)."""
    render(
        api.root / api.directory,
        name=api.name,
        computeType=api.compute,
        auth=api.auth,
        directory=api.directory,
        **answers,
    )
    return api


def build_api_outputs(api: Api, modules: Path | None, spec: dict = OPENAPI_SPEC) -> None:
    """What `nx run <api>:openapi`, `:bundle` and `common-constructs:generate` leave behind.

    The bundle is a placeholder naming its API (building a real one is slow), so each API's
    code asset is its own. `modules` is linked into the constructs and the monorepo root, for
    examples outside the rendered app; `None` links nothing (the app's workspace has its own).
    """
    write_spec_and_bundle(api, spec)
    if modules is not None:
        link_node_modules(api.constructs, modules)
        link_node_modules(api.root, modules)
    generate_metadata(api)


def write_spec_and_bundle(api: Api, spec: dict = OPENAPI_SPEC) -> None:
    """What `nx run <api>:openapi` and `:bundle` leave behind; the bundle is a placeholder."""
    api.dist.mkdir(parents=True, exist_ok=True)
    (api.dist / "openapi.json").write_text(json.dumps(spec, indent=2))
    (api.dist / "bundle").mkdir(exist_ok=True)
    (api.dist / "bundle" / "placeholder.txt").write_text(placeholder_bundle(api))


def placeholder_bundle(api: Api) -> str:
    return f"the Lambda bundle of {api.name} goes here\n"


def generate_metadata(api: Api) -> None:
    """Runs the `generate:<api>-metadata` target's command, from the monorepo root."""
    project = json.loads((api.constructs / "project.json").read_text())
    command = project["targets"][f"generate:{api.kebab}-metadata"]["options"]["command"]
    run(*command.split(), cwd=api.root)


# Origins the examples allow (the closed ones allow none).
EXAMPLE_ORIGINS = ("https://app.example.com", "https://admin.example.com")
# How long the examples' streams may last (`withStreamingOptions`; the closed ones: 30 s).
STREAM_TIMEOUT_MINUTES = 5


def example_stack(
    api: Api,
    *,
    shared_handler: bool = False,
    closed: bool = False,
    web_acl: str | None = None,
    vpc: bool = False,
) -> str:
    """A CDK app module using the API the way the constructs' README shows.

    `closed` allows no origin and leaves every default (throttling, reserved concurrency, the
    streaming functions' timeout), the others allow EXAMPLE_ORIGINS and change some (streams may
    last STREAM_TIMEOUT_MINUTES); `web_acl` is the REST API's `webAcl` prop, as
    TypeScript (`'false'`, or an ARN in quotes); `vpc` places the default functions of an API
    Gateway API in an (imported) VPC.
    """
    rest = api.compute == "ServerlessApiGatewayRestApi"
    url = api.compute == "ServerlessLambdaFunctionUrl"
    index = os.path.relpath(api.constructs / "src", api.root / "infra")
    origins = ", ".join(f"'{origin}'" for origin in EXAMPLE_ORIGINS)
    duration = "" if url or closed else "Duration, "
    imports = [
        f"import {{ App, CfnOutput, {duration}Stack, Validations }} from 'aws-cdk-lib';",
        "import * as iam from 'aws-cdk-lib/aws-iam';",
        "import * as s3 from 'aws-cdk-lib/aws-s3';",
        "import { AwsSolutionsChecks } from 'cdk-nag';",
        f"import {{ {api.cls} }} from '{index}';",
    ]
    if api.auth == "Cognito":
        imports.append("import * as cognito from 'aws-cdk-lib/aws-cognito';")
    body: list[str] = []
    if url:
        body += [
            f"  const api = new {api.cls}(stack, '{api.cls}', {{",
            "    handlerOptions: { memorySize: 1024 },",
            *([] if closed else ["    reservedConcurrentExecutions: 10,"]),
            "  });",
            "  new CfnOutput(stack, 'Handler', { value: api.handler.functionName });",
        ]
        if not closed:  # after construction: read at synth
            body.append(f"  api.restrictCorsTo({origins});")
    else:
        if rest:
            module, integration = "aws-apigateway", "new LambdaIntegration(echoHandler)"
            imported = "LambdaIntegration"
        else:
            module = "aws-apigatewayv2-integrations"
            integration = "new HttpLambdaIntegration('EchoIntegration', echoHandler)"
            imported = "HttpLambdaIntegration"
        if not shared_handler:
            imports.append(f"import {{ {imported} }} from 'aws-cdk-lib/{module}';")
        if api.auth == "Cognito":
            body += [
                "  const userPool = cognito.UserPool.fromUserPoolId(stack, 'Users', "
                "'eu-west-1_example');",
                "  const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(",
                "    stack, 'WebClient', 'exampleclient');",
            ]
        options = "memorySize: 512, vpc" if vpc else "memorySize: 512"
        builder = f"{api.cls}.defaultIntegrations(stack).withDefaultOptions({{ {options} }})"
        if vpc:
            imports.append("import * as ec2 from 'aws-cdk-lib/aws-ec2';")
            body += [
                "  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {",
                "    vpcId: 'vpc-0123456789abcdef0',",
                "    availabilityZones: ['eu-west-1a'],",
                "    privateSubnetIds: ['subnet-0123456789abcdef0'],",
                "  });",
            ]
        if not closed:  # REST: the streaming functions and integrations (HTTP has none)
            builder += (
                "\n      .withStreamingOptions({ timeout: "
                f"Duration.minutes({STREAM_TIMEOUT_MINUTES}) }})"
            )
        if shared_handler:
            builder += ".withSharedHandler()"
        if api.auth == "Cognito":  # stream takes access tokens with this scope
            builder += (
                "\n      .withOperationOptions({"
                " stream: { authorizationScopes: ['my-api/stream'] } })"
            )
        if not shared_handler:
            body += [
                "  const uploads = s3.Bucket.fromBucketName(stack, 'Uploads', 'example-uploads');",
                f"  const echoHandler = {api.cls}.createFunction(stack, 'EchoHandler', {{",
                "    memorySize: 1024,",
                "  });",
            ]
        body += [
            f"  const api = new {api.cls}(stack, '{api.cls}', {{",
            f"    integrations: {builder}",
        ]
        if not shared_handler:
            body += [
                "      .withOverrides({",
                f"        echo: {{ integration: {integration},",
                "          handler: echoHandler, uploads },",
                "      })",
            ]
        body.append("      .build(),")
        if api.auth == "Cognito":
            body.append("    identity: { userPool, userPoolClient },")
        if not closed:
            body.append(f"    allowedOrigins: [{origins}],")
            # Merged: the stage keeps the other default, and its logging and tracing.
            body.append(f"    throttle: {{ {'rateLimit: 50' if rest else 'burstLimit: 300'} }},")
            if rest:
                body.append("    restApiProps: { deployOptions: { throttlingBurstLimit: 300 } },")
        if web_acl is not None:
            body.append(f"    webAcl: {web_acl},")
        body += [
            "  });",
            "  // Typed handles: the default function, and the override's own extra props.",
            "  new CfnOutput(stack, 'StreamHandler', {",
            "    value: api.integrations.stream.handler.functionName,",
            "  });",
        ]
        if not shared_handler:
            body += [
                "  new CfnOutput(stack, 'UploadsBucket', {",
                "    value: api.integrations.echo.uploads.bucketName,",
                "  });",
            ]
    if api.auth == "IAM":
        body += [
            "  const caller = new iam.Role(stack, 'Caller', {",
            "    assumedBy: new iam.AccountRootPrincipal(),",
            "  });",
            "  api.grantInvokeAccess(caller);",
        ]
    return synth_module(imports, [*body, "  void iam;", "  void s3;"])


def one_api_stack(api: Api, integrations: str, *, extra: str = "") -> str:
    """A CDK app module of a stack holding only `api` (IAM or None auth), with cdk-nag: its
    integrations are the TypeScript expression `integrations`, in which `stack` is the stack;
    `extra` is more code of the module (e.g. a function that must not compile)."""
    index = os.path.relpath(api.constructs / "src", api.root / "infra")
    imports = [
        "import { App, NestedStack, Stack, Validations } from 'aws-cdk-lib';",
        "import { AwsSolutionsChecks } from 'cdk-nag';",
        f"import {{ {api.cls} }} from '{index}';",
    ]
    body = [
        f"  new {api.cls}(stack, '{api.cls}', {{ integrations: {integrations} }});",
        "  void NestedStack;",
    ]
    return synth_module(imports, body, extra)


def synth_module(imports: list[str], body: list[str], extra: str = "") -> str:
    """A module exporting `synth(outdir)`, which synthesizes an app of one stack (`Example`, in
    a fixed account and region) built by `body`, with cdk-nag; `imports` must bring `App`,
    `Stack`, `Validations` and `AwsSolutionsChecks`."""
    return "\n".join(
        [
            *imports,
            "",
            "export function synth(outdir: string): void {",
            "  const app = new App({ outdir });",
            "  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));",
            "  const stack = new Stack(app, 'Example', {",
            "    env: { account: '123456789012', region: 'eu-west-1' },",
            "  });",
            *body,
            "  app.synth();",
            "}",
            extra,
        ]
    )


def write_example(api: Api, name: str = "example", **options: bool | str | None) -> Path:
    path = api.root / "infra" / f"{name}.ts"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(example_stack(api, **options))
    return path


def typecheck(
    harness: Path, files: list[Path], include: list[Path], modules: Path | None = None
) -> str:
    """One `tsc --noEmit` over `files` and every .ts under `include`; returns its output.
    `modules`: the node_modules to check against (the constructs' own by default)."""
    harness.mkdir(parents=True, exist_ok=True)
    link_node_modules(harness, modules or node_modules())
    options = json.loads(PACKAGE_JSON.with_name("tsconfig.json").read_text())["compilerOptions"]
    config = {
        "compilerOptions": options,
        "files": [str(path) for path in files],
        "include": [f"{folder}/**/*.ts" for folder in include],
    }
    (harness / "tsconfig.json").write_text(json.dumps(config, indent=2))
    tsc = harness / "node_modules" / ".bin" / "tsc"
    result = run_unchecked(tsc, "-p", harness / "tsconfig.json", cwd=harness)
    return result.stdout + result.stderr


def biome() -> Path:
    """Biome alone, at the version the constructs pin: linting needs none of the CDK."""
    version = json.loads(PACKAGE_JSON.read_text())["devDependencies"]["@biomejs/biome"]
    package = {"private": True, "devDependencies": {"@biomejs/biome": version}}
    return cached_npm_install(json.dumps(package, indent=2), "biome") / ".bin" / "biome"


def lint(constructs: Path, biome: Path) -> dict:
    """`biome ci` in a constructs folder (lint, format check, import order); its JSON report."""
    result = run_unchecked(biome, "ci", "--reporter=json", "--colors=off", cwd=constructs)
    return json.loads(result.stdout)


SYNTH_DRIVER = """\
// Synthesizes each [module, outdir] given as JSON and reports how each one went.
const jobs: [string, string][] = JSON.parse(process.argv[2]);
const results: Record<string, { ok: boolean; error?: string; seconds: number }> = {};
for (const [module, outdir] of jobs) {
  const start = process.hrtime.bigint();
  try {
    require(module).synth(outdir);
    results[module] = { ok: true, seconds: 0 };
  } catch (error) {
    results[module] = { ok: false, error: String((error as Error).message ?? error), seconds: 0 };
  }
  results[module].seconds = Number(process.hrtime.bigint() - start) / 1e9;
}
console.log('RESULTS ' + JSON.stringify(results));
"""


def synth_all(
    harness: Path, jobs: list[tuple[Path, Path]], modules: Path | None = None
) -> dict[str, dict]:
    """Synthesizes every (module, outdir) in one tsx process; results by module path.
    `modules`: the node_modules to run tsx from (the constructs' own by default)."""
    harness.mkdir(parents=True, exist_ok=True)
    link_node_modules(harness, modules or node_modules())
    driver = harness / "synth.ts"
    driver.write_text(SYNTH_DRIVER)
    payload = json.dumps([[str(module), str(outdir)] for module, outdir in jobs])
    result = run(harness / "node_modules" / ".bin" / "tsx", driver, payload, cwd=harness)
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULTS "))
    return json.loads(line.removeprefix("RESULTS "))


def run_unchecked(*command: str | Path, cwd: Path, env: dict[str, str] | None = None):
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


# --- The rendered app, through the `cdk` CLI --------------------------------------------------
# The CLI offline: no AWS credentials or settings from this machine, no instance metadata
# look-up, no telemetry, no version check. (`--no-notices` on the command line skips notices.)
CDK_OFFLINE = {
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "CDK_DISABLE_CLI_TELEMETRY": "true",
    "CDK_DISABLE_VERSION_CHECK": "1",
}


def offline_env(**extra: str) -> dict[str, str]:
    """This process's environment without AWS credentials or settings, plus CDK_OFFLINE."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "CDK_DEFAULT_"))
    }
    return {**kept, **CDK_OFFLINE, **extra}


def app_command(destination: Path, target: str) -> str:
    """The command of one of the app's Nx targets (`infra/project.json`), as typed by hand."""
    project = json.loads((destination / "infra" / "project.json").read_text())
    return project["targets"][target]["options"]["command"]


def app_target(root: Path, directory: str, target: str, *args: str, **env: str):
    """Runs an app target's command from the monorepo root, offline; returns the result."""
    command = " ".join([app_command(root / directory, target), *args])
    return run_unchecked("sh", "-c", command, cwd=root, env=offline_env(**env))


def cdk_out(root: Path, directory: str) -> Path:
    """Where the app's `cdk.json` has the CLI write the cloud assembly."""
    return root / "dist" / directory / "infra" / "cdk.out"


def template(outdir: Path, stack: str = "Example") -> dict:
    return json.loads((outdir / f"{stack}.template.json").read_text())


def resources(template_json: dict, kind: str) -> dict[str, dict]:
    return {
        logical_id: resource
        for logical_id, resource in template_json["Resources"].items()
        if resource["Type"] == kind
    }
