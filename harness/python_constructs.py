"""Helpers to check the Python CDK constructs (`cdkLanguage=Python`): their uv project, example
apps in Python, one Python process that synthesizes them all, and the comparison of their
CloudFormation with the TypeScript constructs'.

The equivalence check synthesizes the same example app from both languages, for every compute
type and auth, with the same aws-cdk-lib version (PyPI's newest, pinned by the Python project;
the TypeScript constructs are installed at that exact version for it), and compares the
templates once what cannot match is masked: asset hashes and `CDKMetadata`.
"""

import difflib
import json
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

from harness.constructs import (
    EXAMPLE_ORIGINS,
    PACKAGE_JSON,
    STREAM_TIMEOUT_MINUTES,
    Api,
    cached_npm_install,
    run_unchecked,
)
from harness.rendering import TEMPLATE, run

PYPROJECT = TEMPLATE / "template" / "common" / "constructs" / "pyproject.toml"

# jsii warns on every start that Node 20 is past its end of life; the tests run on Node 20.
QUIET_JSII = {"JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1"}


def python_cdk_lib_version() -> str:
    """The aws-cdk-lib version the rendered Python project pins (`aws-cdk-lib==X`)."""
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    pinned = next(dep for dep in dependencies if dep.startswith("aws-cdk-lib=="))
    return pinned.removeprefix("aws-cdk-lib==")


def node_modules_at_python_cdk_lib() -> Path:
    """The TypeScript constructs' dependencies with aws-cdk-lib at exactly the Python
    project's version, so both languages synthesize with the same library."""
    package = json.loads(PACKAGE_JSON.read_text())
    version = python_cdk_lib_version()
    package["dependencies"]["aws-cdk-lib"] = version
    return cached_npm_install(json.dumps(package, indent=2), f"constructs-cdk-{version}")


def uv_sync(api: Api) -> None:
    """`uv sync` of the rendered constructs project (the app runs in it too)."""
    run("uv", "sync", "--quiet", "--project", api.constructs, cwd=api.root)


def generate_python_metadata(api: Api) -> None:
    """The `common-constructs:generate` target's command, from the monorepo root."""
    project = json.loads((api.constructs / "project.json").read_text())
    command = project["targets"]["generate"]["options"]["command"]
    run(*command.split(), cwd=api.root)


def python_example(api: Api, *, shared_handler: bool = False, closed: bool = False) -> str:
    """The Python twin of `harness.constructs.example_stack`: the same app, construct by
    construct, so that both synthesize the same template."""
    rest = api.compute == "ServerlessApiGatewayRestApi"
    url = api.compute == "ServerlessLambdaFunctionUrl"
    kind = "Rest" if rest else "Http"
    origins = ", ".join(f'"{origin}"' for origin in EXAMPLE_ORIGINS)
    module = f"common_constructs.app.apis.{api.snake}"
    imports = [
        "from dataclasses import dataclass",
        "from typing import cast",
        "",
        "from aws_cdk import App, CfnOutput, Duration, Environment, Stack, Validations",
        "from aws_cdk import aws_iam as iam",
        "from aws_cdk import aws_lambda as lambda_",
        "from aws_cdk import aws_s3 as s3",
        "from cdk_nag import AwsSolutionsChecks",
        "",
        f"from {module} import {api.cls}",
    ]
    if not url:
        imports.append(
            "from common_constructs.core.api.integration_builder import DefaultIntegration"
        )
    body: list[str] = []
    classes: list[str] = []
    if url:
        body += [
            f'    api = {api.cls}(stack, "{api.cls}",',
            "        handler_options=lambda_.FunctionOptions(memory_size=1024),",
            *([] if closed else ["        reserved_concurrent_executions=10,"]),
            "    )",
            '    CfnOutput(stack, "Handler", value=api.handler.function_name)',
        ]
        if not closed:
            body.append(f"    api.restrict_cors_to({origins})")
    else:
        core = f"common_constructs.core.api.{'rest_api' if rest else 'http_api'}"
        imports.append(f"from {core} import {kind}OperationIntegration")
        if rest:
            imports.append("from aws_cdk import aws_apigateway as apigw")
            integration = "apigw.LambdaIntegration(cast(lambda_.IFunction, echo_handler))"
        else:
            imports.append(
                "from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration"
            )
            integration = (
                'HttpLambdaIntegration("EchoIntegration", cast(lambda_.IFunction, echo_handler))'
            )
        if api.auth == "Cognito":
            imports.append("from aws_cdk import aws_cognito as cognito")
            imports.append(f"from {core} import {kind}OperationOptions")
            body += [
                '    user_pool = cognito.UserPool.from_user_pool_id(stack, "Users", '
                '"eu-west-1_example")',
                "    user_pool_client = cognito.UserPoolClient.from_user_pool_client_id(",
                '        stack, "WebClient", "exampleclient")',
            ]
            classes += [
                "@dataclass(frozen=True)",
                "class Identity:",
                "    user_pool: cognito.IUserPool",
                "    user_pool_client: cognito.IUserPoolClient",
                "",
            ]
        builder = (
            f"{api.cls}.default_integrations(stack)"
            ".with_default_options(lambda_.FunctionOptions(memory_size=512))"
        )
        if not closed:
            builder += (
                "\n        .with_streaming_options(lambda_.FunctionOptions("
                f"timeout=Duration.minutes({STREAM_TIMEOUT_MINUTES})))"
            )
        if shared_handler:
            builder += ".with_shared_handler()"
        if api.auth == "Cognito":
            scopes = '["my-api/stream"]'
            option = (
                f"apigw.MethodOptions(authorization_scopes={scopes})"
                if rest
                else f"{kind}OperationOptions(authorization_scopes={scopes})"
            )
            builder += f"\n        .with_operation_options(stream={option})"
        if not shared_handler:
            classes += [
                "@dataclass(frozen=True, kw_only=True)",
                f"class EchoIntegration({kind}OperationIntegration):",
                '    """The override of echo, with extra properties."""',
                "",
                "    handler: lambda_.Function",
                "    uploads: s3.IBucket",
                "",
            ]
            body += [
                '    uploads = s3.Bucket.from_bucket_name(stack, "Uploads", "example-uploads")',
                f"    echo_handler = {api.cls}.create_function(",
                '        stack, "EchoHandler", lambda_.FunctionOptions(memory_size=1024))',
            ]
            builder += (
                "\n        .with_overrides(echo=EchoIntegration("
                f"integration={integration}, handler=echo_handler, uploads=uploads))"
            )
        body += [
            f'    api = {api.cls}(stack, "{api.cls}",',
            f"        integrations=({builder}",
            "        .build()),",
        ]
        if api.auth == "Cognito":
            body.append("        identity=Identity(user_pool, user_pool_client),")
        if not closed:
            body.append(f"        allowed_origins=[{origins}],")
            throttle = '"rate_limit": 50' if rest else '"burst_limit": 300'
            body.append(f"        throttle={{{throttle}}},")
            if rest:
                body.append(
                    "        rest_api_props=apigw.RestApiProps("
                    "deploy_options=apigw.StageOptions(throttling_burst_limit=300)),"
                )
        body += [
            "    )",
            "    # Typed handles: the default function, and the override's own extra props.",
            '    CfnOutput(stack, "StreamHandler",',
            '        value=api.integration("stream", DefaultIntegration).handler.function_name)',
        ]
        if not shared_handler:
            body += [
                '    CfnOutput(stack, "UploadsBucket",',
                '        value=api.integration("echo", EchoIntegration).uploads.bucket_name)',
            ]
    if api.auth == "IAM":
        body += [
            '    caller = iam.Role(stack, "Caller",',
            "        assumed_by=cast(iam.IPrincipal, iam.AccountRootPrincipal()))",
            "    api.grant_invoke_access(cast(iam.IGrantable, caller))",
        ]
    return python_synth_module(imports, body, classes)


def imported_names(imports: list[str]) -> list[str]:
    """The names `from … import …` lines bind."""
    names = []
    for line in imports:
        if line.startswith("from "):
            for item in line.split(" import ", 1)[1].split(","):
                names.append(item.split(" as ")[-1].strip())
    return names


def python_one_api(api: Api, integrations: str) -> str:
    """The Python twin of `harness.constructs.one_api_stack`: a stack holding only `api` (IAM
    or None auth), whose integrations are the Python expression `integrations` (of `stack`)."""
    imports = [
        "from aws_cdk import App, Environment, Stack, Validations",
        "from cdk_nag import AwsSolutionsChecks",
        "",
        f"from common_constructs.app.apis.{api.snake} import {api.cls}",
    ]
    return python_synth_module(
        imports, [f'    {api.cls}(stack, "{api.cls}", integrations={integrations})']
    )


def python_synth_module(imports: list[str], body: list[str], classes: Sequence[str] = ()) -> str:
    """The twin of `harness.constructs.synth_module`: a module whose `synth(outdir)`
    synthesizes an app of one stack built by `body`, with cdk-nag; `imports` must bring `App`,
    `Environment`, `Stack`, `Validations` and `AwsSolutionsChecks`."""
    return "\n".join(
        [
            '"""An example app of the constructs (written by the template\'s tests)."""',
            "",
            *imports,
            "",
            "",
            *classes,
            "",
            "def synth(outdir: str) -> None:",
            "    app = App(outdir=outdir)",
            "    Validations.of(app).add_plugins(AwsSolutionsChecks(app))",
            '    stack = Stack(app, "Example",',
            '        env=Environment(account="123456789012", region="eu-west-1"))',
            *body,
            "    app.synth()",
            "",
            "",
            "# Some imports serve some variants only.",
            f"_ = ({', '.join(imported_names(imports))},)",
            "",
        ]
    )


PYTHON_SYNTH_DRIVER = """\
# Synthesizes each [module, outdir] given as JSON and reports how each one went.
import importlib.util
import json
import sys
import time

results = {}
for module, outdir in json.loads(sys.argv[1]):
    start = time.perf_counter()
    try:
        spec = importlib.util.spec_from_file_location(f"example_{len(results)}", module)
        example = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(example)
        example.synth(outdir)
        results[module] = {"ok": True}
    except Exception as error:
        results[module] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    results[module]["seconds"] = time.perf_counter() - start
print("RESULTS " + json.dumps(results))
"""


def python_synth_all(project: Path, jobs: list[tuple[Path, Path]]) -> dict[str, dict]:
    """Synthesizes every (module, outdir) in one Python process of the constructs' project."""
    driver = project.parent / "synth_examples.py"
    driver.write_text(PYTHON_SYNTH_DRIVER)
    payload = json.dumps([[str(module), str(outdir)] for module, outdir in jobs])
    result = run(
        "uv",
        "run",
        "--quiet",
        "--project",
        project,
        "python",
        driver,
        payload,
        cwd=project,
        env=QUIET_JSII,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULTS "))
    return json.loads(line.removeprefix("RESULTS "))


# --- Equivalence -------------------------------------------------------------------------------
ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")


def comparable(template: dict) -> dict:
    """A synthesized template without what differs between two syntheses of the same app in
    two languages: `CDKMetadata` (it names the construct library's language) and asset hashes
    (masked, wherever they appear)."""
    template = json.loads(ASSET_HASH.sub("<asset-hash>", json.dumps(template)))
    template.get("Resources", {}).pop("CDKMetadata", None)
    template.get("Conditions", {}).pop("CDKMetadataAvailable", None)
    if template.get("Conditions") == {}:
        del template["Conditions"]
    return template


def template_diff(python: dict, typescript: dict) -> str:
    """A unified diff of two templates' JSON, empty when they are equal."""

    def lines(template: dict) -> list[str]:
        return json.dumps(template, indent=1, sort_keys=True).splitlines(keepends=True)

    return "".join(
        difflib.unified_diff(lines(typescript), lines(python), "typescript", "python", n=4)
    )


def write_python_example(api: Api, name: str, **options: bool) -> Path:
    """A Python example app of `api`, beside the monorepo's folders (`examples/<name>.py`)."""
    path = api.root / "examples" / f"{name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(python_example(api, **options))
    return path


def pyright(project: Path, *files: Path) -> dict:
    """`pyright --outputjson` in the constructs' project (its settings: strict), over `files`
    or else what the project includes; the report."""
    result = run_unchecked(
        "uv", "run", "--quiet", "--project", project, "pyright", "--outputjson",
        "--project", project, *files, cwd=project,
    )  # fmt: skip
    return json.loads(result.stdout)
