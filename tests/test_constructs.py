"""The rendered CDK constructs type-check, lint clean, synthesize, and pass cfn-lint, cdk-nag and
checkov.

Every variant is rendered into its own monorepo; all of them are type-checked by one `tsc`
and synthesized by one `tsx` process (loading aws-cdk-lib is most of the cost), with
`node_modules` installed once and symlinked in.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.bundling import lambda_python_version
from harness.constructs import (
    EXAMPLE_ORIGINS,
    OPENAPI_SPEC,
    STREAM_TIMEOUT_MINUTES,
    Api,
    build_api_outputs,
    generate_metadata,
    many_operations_spec,
    node_modules,
    one_api_stack,
    render_api,
    resources,
    run_unchecked,
    synth_all,
    template,
    typecheck,
    write_example,
)
from harness.rendering import LONGEST_NAME, SLOW_VARIANTS, TEMPLATE, run, variant_id

pytestmark = pytest.mark.slow

# The dev tools (copier, cfn-lint, checkov) installed next to the interpreter running pytest.
BIN = Path(sys.executable).parent

ORIGINS = list(EXAMPLE_ORIGINS)
# The web ACL the closed REST examples are given instead of one of their own.
SHARED_WEB_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/0123"
ADAPTER_LAYER = "LambdaAdapterLayerX86:30"
ADAPTER_ENVIRONMENT = {
    "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap",
    "AWS_LWA_INVOKE_MODE": "response_stream",
    "AWS_LWA_READINESS_CHECK_PROTOCOL": "tcp",
    "PORT": "8080",
}
REST, HTTP, URL = (
    "ServerlessApiGatewayRestApi",
    "ServerlessApiGatewayHttpApi",
    "ServerlessLambdaFunctionUrl",
)


@dataclass
class Synthesized:
    api: Api
    example: Path
    outdir: Path
    result: dict

    @property
    def template(self) -> dict:
        return template(self.outdir)


# APIs of many operations, each alone in a stack: compute, operations, integrations. 80
# operations fit one stack with a function each; 100 do not, unless their functions move to a
# nested stack (op007's with a role of its own).
LARGE_APIS = {
    "large-rest": (REST, 80, "MyApi.defaultIntegrations(stack).build()"),
    "large-http": (HTTP, 80, "MyApi.defaultIntegrations(stack).build()"),
    "large-rest-too-large": (REST, 100, "MyApi.defaultIntegrations(stack).build()"),
    "large-rest-nested": (
        REST,
        100,
        "MyApi.defaultIntegrations(new NestedStack(stack, 'MyApiFunctions'))"
        ".withOwnRole('op007').build()",
    ),
}
# In every large example, type-checked and never run: tsc fails on an unused expect-error.
LARGE_API_TYPE_ERRORS = """
export function ownRoleOfAnUnknownOperation(stack: Stack): void {
  // @ts-expect-error: not an operation of the API
  MyApi.defaultIntegrations(stack).withOwnRole('echo');
}
"""


@pytest.fixture(scope="session")
def modules() -> Path:
    return node_modules()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, modules) -> dict:
    """Every variant (plus a nested directory), rendered, type-checked and synthesized: each
    with the example's settings (`<variant>`) and with the defaults, CORS closed
    (`<variant>-closed`: a shared handler behind API Gateway, another web ACL for REST). And
    large APIs alone in their stacks (`large-*`, see LARGE_APIS)."""
    base = tmp_path_factory.mktemp("constructs")
    apis = {
        variant_id(variant): Api(base / variant_id(variant), "packages", "my-api", *variant)
        for variant in SLOW_VARIANTS
    }
    apis["nested-directory"] = Api(base / "nested", "packages/apis", "my-api", REST, "None")
    for compute, auth in [(REST, "Cognito"), (HTTP, "Cognito"), (URL, "IAM")]:
        key = f"longest-name-{variant_id((compute, auth))}"
        apis[key] = Api(base / key, "packages/services", LONGEST_NAME, compute, auth)
    jobs: dict[str, tuple[Api, Path]] = {}
    for key, api in apis.items():
        render_api(api)
        build_api_outputs(api, modules)
        if key == "nested-directory":
            jobs[key] = (api, write_example(api, web_acl="false", vpc=True))
            continue
        jobs[key] = (api, write_example(api))
        if api.directory == "packages":
            closed = write_example(
                api,
                "closed",
                closed=True,
                shared_handler=api.compute != URL,
                web_acl=f"'{SHARED_WEB_ACL}'" if api.compute == REST else None,
            )
            jobs[f"{key}-closed"] = (api, closed)
    for key, (api, operations, integrations) in LARGE_APIS.items():
        api = Api(base / key, "packages", "my-api", api, "IAM")
        render_api(api)
        build_api_outputs(api, modules, many_operations_spec(operations))
        example = api.root / "infra" / "large.ts"
        example.parent.mkdir(parents=True, exist_ok=True)
        example.write_text(one_api_stack(api, integrations, extra=LARGE_API_TYPE_ERRORS))
        jobs[key] = (api, example)
    tsc_output = typecheck(
        base / "harness",
        [example for _, example in jobs.values()],
        [api.constructs / "src" for api in apis.values()],
    )
    outdirs = {key: example.with_name(f"{example.stem}.out") for key, (_, example) in jobs.items()}
    results = synth_all(base / "harness", [(jobs[key][1], outdirs[key]) for key in jobs])
    synthesized = {
        key: Synthesized(api, example, outdirs[key], results[str(example)])
        for key, (api, example) in jobs.items()
    }
    return {"base": base, "tsc": tsc_output, "synth": synthesized}


def synthesized(workspace: dict, key: str) -> Synthesized:
    entry = workspace["synth"][key]
    assert entry.result["ok"], entry.result.get("error")
    return entry


def test_constructs_and_examples_typecheck_with_zero_errors(workspace) -> None:
    assert workspace["tsc"].strip() == ""


def test_longest_name_typechecks_with_each_compute_type(workspace) -> None:
    """Lines holding a 40-character construct class type-check (the fast tier lints them)."""
    longest = [key for key in workspace["synth"] if key.startswith("longest-name-")]
    assert len(longest) == 3
    assert all(len(workspace["synth"][key].api.cls) == 40 for key in longest)
    assert workspace["tsc"].strip() == ""


@pytest.mark.parametrize(
    "key",
    [f"{variant_id(v)}{closed}" for v in SLOW_VARIANTS for closed in ("", "-closed")]
    + ["nested-directory"],
)
def test_example_synthesizes_with_no_unacknowledged_cdk_nag_finding(workspace, key) -> None:
    # AwsSolutionsChecks is registered in every example: any finding fails synth.
    entry = synthesized(workspace, key)
    report = json.loads((entry.outdir / "validation-report.json").read_text())
    assert report["pluginReports"] == []


def _functions(template_json: dict) -> dict[str, dict]:
    return {
        key: r["Properties"] for key, r in resources(template_json, "AWS::Lambda::Function").items()
    }


@pytest.mark.parametrize("variant", SLOW_VARIANTS, ids=variant_id)
def test_functions_run_the_bundle_with_the_api_defaults(workspace, variant) -> None:
    compute, _ = variant
    entry = synthesized(workspace, variant_id(variant))
    tpl = entry.template
    functions = _functions(tpl)
    # REST/HTTP: a default function for `stream` and the example's override for `echo`.
    assert len(functions) == (1 if compute == URL else 2)
    log_groups = resources(tpl, "AWS::Logs::LogGroup")
    python = lambda_python_version(entry.api.root / entry.api.directory / entry.api.snake)
    for key, props in functions.items():
        # Behind the Web Adapter: the Function URL's function, and REST's for `stream` alone.
        adapter = compute == URL or (compute == REST and key.startswith("MyApiStreamHandler"))
        assert props["Runtime"] == f"python{python}"
        assert props["Architectures"] == ["x86_64"]  # the bundle's
        assert props["Handler"] == ("run.sh" if adapter else "my_api.main.handler")
        # withStreamingOptions: the stream of a REST API may last longer (a Function URL's too,
        # through its handlerOptions, which the example leaves at the default).
        streams_longer = adapter and compute == REST
        assert props["Timeout"] == (STREAM_TIMEOUT_MINUTES * 60 if streams_longer else 30)
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert props["Environment"]["Variables"]["ALLOWED_ORIGINS"] == ",".join(ORIGINS)
        log_group = props["LoggingConfig"]["LogGroup"]["Ref"]
        assert log_groups[log_group]["Properties"]["RetentionInDays"] == 30
        code = props["Code"]["S3Key"]
        assert code.endswith(".zip")
        if adapter:
            _assert_runs_behind_the_web_adapter(props)
        else:
            assert "Layers" not in props and "AWS_LWA_INVOKE_MODE" not in json.dumps(props)
    if compute == URL:
        (props,) = functions.values()
        assert props["MemorySize"] == 1024
    else:
        memory = sorted(props["MemorySize"] for props in functions.values())
        assert memory == [512, 1024]  # withDefaultOptions, and the override's own function
        outputs = tpl["Outputs"]
        assert "StreamHandler" in outputs and "UploadsBucket" in outputs


def _assert_runs_behind_the_web_adapter(props: dict) -> None:
    """The adapter's layer for x86_64, and its environment under the function's own."""
    assert props["Handler"] == "run.sh"
    assert ADAPTER_LAYER in json.dumps(props["Layers"][0])
    variables = props["Environment"]["Variables"]
    assert variables | ADAPTER_ENVIRONMENT == variables


@pytest.mark.parametrize("variant", SLOW_VARIANTS, ids=variant_id)
def test_function_roles_write_their_own_logs_and_trace_in_a_policy_of_their_own(
    workspace, variant
) -> None:
    """No AWS managed policy (its logs are on `*`); the only statement on `*` is X-Ray's."""
    tpl = synthesized(workspace, variant_id(variant)).template
    policies = resources(tpl, "AWS::IAM::Policy")
    for props in _functions(tpl).values():
        role = props["Role"]["Fn::GetAtt"][0]
        assert "ManagedPolicyArns" not in tpl["Resources"][role]["Properties"]
        attached = {
            key: policy["Properties"]["PolicyDocument"]["Statement"]
            for key, policy in policies.items()
            if {"Ref": role} in policy["Properties"]["Roles"]
        }
        default = next(key for key in attached if "DefaultPolicy" in key)
        tracing = next(key for key in attached if "TracingPolicy" in key)
        assert set(attached) == {default, tracing}
        log_group = props["LoggingConfig"]["LogGroup"]["Ref"]
        assert attached[default] == [
            {
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Effect": "Allow",
                "Resource": {"Fn::GetAtt": [log_group, "Arn"]},
            }
        ]
        assert attached[tracing] == [
            {
                "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                "Effect": "Allow",
                "Resource": "*",
            }
        ]


def _url_output(tpl: dict) -> dict:
    (output,) = [value for key, value in tpl["Outputs"].items() if key.startswith("MyApiUrl")]
    return output


@pytest.mark.parametrize("variant", [v for v in SLOW_VARIANTS if v[0] == REST], ids=variant_id)
def test_rest_api_authorizes_each_method_and_answers_preflight(workspace, variant) -> None:
    _, auth = variant
    tpl = synthesized(workspace, variant_id(variant)).template
    assert len(resources(tpl, "AWS::ApiGateway::RestApi")) == 1
    methods = [r["Properties"] for r in resources(tpl, "AWS::ApiGateway::Method").values()]
    expected = {"IAM": "AWS_IAM", "Cognito": "COGNITO_USER_POOLS", "None": "NONE"}[auth]
    gets = [m for m in methods if m["HttpMethod"] == "GET"]
    options = [m for m in methods if m["HttpMethod"] == "OPTIONS"]
    assert len(gets) == 2 and all(m["AuthorizationType"] == expected for m in gets)
    assert len(options) == 2 and all(m["AuthorizationType"] == "NONE" for m in options)
    authorizers = [r["Properties"] for r in resources(tpl, "AWS::ApiGateway::Authorizer").values()]
    assert [a["Type"] for a in authorizers] == (["COGNITO_USER_POOLS"] if auth == "Cognito" else [])
    if auth == "Cognito":
        assert all("AuthorizerId" in m for m in gets)
        # ID tokens by default; access tokens with the scope where an operation names one.
        scopes = {_integrated_function(m): m.get("AuthorizationScopes") for m in gets}
        assert scopes == {"EchoHandler": None, "MyApiStreamHandler": ["my-api/stream"]}

    # CORS: the request's origin echoed by the mock's template when it is an allowed one.
    response = options[0]["Integration"]["IntegrationResponses"][0]
    params = response["ResponseParameters"]
    assert "method.response.header.Access-Control-Allow-Origin" not in params
    assert "x-amz-date" in params["method.response.header.Access-Control-Allow-Headers"]
    echo = response["ResponseTemplates"]["application/json"]
    assert f'#if(["{ORIGINS[0]}", "{ORIGINS[1]}"].contains($origin))' in echo
    gateway_responses = resources(tpl, "AWS::ApiGateway::GatewayResponse").values()
    assert [r["Properties"]["ResponseParameters"] for r in gateway_responses] == 2 * [
        {
            "gatewayresponse.header.Vary": "'Origin'",
            "gatewayresponse.header.Access-Control-Allow-Origin": f"'{ORIGINS[0]}'",
        }
    ]

    # The example's throttling (rate 50) and deployOptions (burst 300), merged over the stage's
    # defaults: tracing, error logging and access logs stay.
    (stage_id,) = resources(tpl, "AWS::ApiGateway::Stage")
    stage = tpl["Resources"][stage_id]["Properties"]
    assert stage["TracingEnabled"] is True
    assert "DestinationArn" in stage["AccessLogSetting"]
    (settings,) = stage["MethodSettings"]
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (50, 300)
    assert (settings["LoggingLevel"], settings["MetricsEnabled"]) == ("ERROR", True)

    # AWS WAF: the managed common and known-bad-inputs rule groups, two rules only counting.
    ((acl_id, acl),) = resources(tpl, "AWS::WAFv2::WebACL").items()
    assert acl["Properties"]["Scope"] == "REGIONAL"
    assert acl["Properties"]["DefaultAction"] == {"Allow": {}}
    groups = {
        rule["Name"]: rule["Statement"]["ManagedRuleGroupStatement"]
        for rule in acl["Properties"]["Rules"]
    }
    assert list(groups) == ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]
    counted = groups["AWSManagedRulesCommonRuleSet"]["RuleActionOverrides"]
    assert {(o["Name"], *o["ActionToUse"]) for o in counted} == {
        ("SizeRestrictions_BODY", "Count"),
        ("NoUserAgent_HEADER", "Count"),
    }
    assert "RuleActionOverrides" not in groups["AWSManagedRulesKnownBadInputsRuleSet"]
    (association,) = resources(tpl, "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert {"Ref": stage_id} in association["Properties"]["ResourceArn"]["Fn::Join"][1]

    policy = tpl["Resources"][next(iter(resources(tpl, "AWS::ApiGateway::RestApi")))]
    statements = policy["Properties"].get("Policy", {}).get("Statement", [])
    if auth == "IAM":
        anonymous = [s for s in statements if s["Principal"] == {"AWS": "*"}]
        assert [s["Resource"] for s in anonymous] == ["execute-api:/*/OPTIONS/*"]
        _assert_caller_may_invoke(tpl, "execute-api:Invoke", count=2)
    else:
        assert statements == []
    assert "Fn::Join" in json.dumps(_url_output(tpl)["Value"])


@pytest.mark.parametrize("variant", [v for v in SLOW_VARIANTS if v[0] == HTTP], ids=variant_id)
def test_http_api_authorizes_each_route_with_logged_default_stage(workspace, variant) -> None:
    _, auth = variant
    tpl = synthesized(workspace, variant_id(variant)).template
    (api,) = [r["Properties"] for r in resources(tpl, "AWS::ApiGatewayV2::Api").values()]
    assert api["ProtocolType"] == "HTTP"
    cors = api["CorsConfiguration"]
    assert cors["AllowOrigins"] == ORIGINS
    assert {"authorization", "x-amz-date", "x-amz-security-token"} <= set(cors["AllowHeaders"])
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in resources(tpl, "AWS::ApiGatewayV2::Route").values()
    }
    assert set(routes) == {"GET /echo", "GET /stream"}
    expected = {"IAM": "AWS_IAM", "Cognito": "JWT", "None": "NONE"}[auth]
    assert {route["AuthorizationType"] for route in routes.values()} == {expected}
    authorizers = [
        r["Properties"] for r in resources(tpl, "AWS::ApiGatewayV2::Authorizer").values()
    ]
    if auth == "Cognito":
        (authorizer,) = authorizers
        assert authorizer["AuthorizerType"] == "JWT"
        assert authorizer["JwtConfiguration"]["Audience"] == ["exampleclient"]
        assert routes["GET /stream"]["AuthorizationScopes"] == ["my-api/stream"]
        assert "AuthorizationScopes" not in routes["GET /echo"]
    else:
        assert authorizers == []
    (stage,) = [r["Properties"] for r in resources(tpl, "AWS::ApiGatewayV2::Stage").values()]
    assert stage["StageName"] == "$default" and stage["AutoDeploy"] is True
    assert "DestinationArn" in stage["AccessLogSettings"]
    throttle = stage["DefaultRouteSettings"]  # the example's burst over the default rate
    assert (throttle["ThrottlingRateLimit"], throttle["ThrottlingBurstLimit"]) == (100, 300)
    if auth == "IAM":
        _assert_caller_may_invoke(tpl, "execute-api:Invoke", count=2)
    _url_output(tpl)


@pytest.mark.parametrize("variant", [v for v in SLOW_VARIANTS if v[0] == URL], ids=variant_id)
def test_function_url_streams_with_the_chosen_auth(workspace, variant) -> None:
    _, auth = variant
    tpl = synthesized(workspace, variant_id(variant)).template
    (url,) = [r["Properties"] for r in resources(tpl, "AWS::Lambda::Url").values()]
    assert url["InvokeMode"] == "RESPONSE_STREAM"
    assert url["AuthType"] == {"IAM": "AWS_IAM", "None": "NONE"}[auth]
    assert url["Cors"]["AllowOrigins"] == ORIGINS
    assert "*" not in url["Cors"]["AllowMethods"]  # checkov's CKV2_AWS_75, with no skip
    (function,) = _functions(tpl).values()
    assert function["ReservedConcurrentExecutions"] == 10
    assert resources(tpl, "AWS::ApiGateway::RestApi") == {}
    assert resources(tpl, "AWS::ApiGatewayV2::Api") == {}
    if auth == "IAM":
        _assert_caller_may_invoke(tpl, "lambda:InvokeFunctionUrl", count=1)
    _url_output(tpl)


def _integrated_function(method: dict) -> str:
    """The logical id of the function a method integrates, without CDK's hash."""
    (function,) = re.findall(r'"Fn::GetAtt": \["(\w+)", "Arn"\]', json.dumps(method["Integration"]))
    return function[:-8]


def _assert_caller_may_invoke(tpl: dict, action: str, count: int) -> None:
    policies = [
        p["Properties"]
        for p in resources(tpl, "AWS::IAM::Policy").values()
        if any("Caller" in role["Ref"] for role in p["Properties"].get("Roles", []))
    ]
    statements = [s for p in policies for s in p["PolicyDocument"]["Statement"]]
    granted = [s for s in statements if s["Action"] == action]
    assert granted, statements
    resources_ = granted[0]["Resource"]
    assert len(resources_ if isinstance(resources_, list) else [resources_]) == count


@pytest.mark.parametrize("variant", [v for v in SLOW_VARIANTS if v[0] != URL], ids=variant_id)
def test_shared_handler_serves_the_operations_that_stream_alike_with_one_function(
    workspace, variant
) -> None:
    """REST: a Mangum router for `echo`, a Web Adapter one for `stream` (and any other
    streaming operation); HTTP, which cannot stream: one router for both."""
    compute, _ = variant
    tpl = synthesized(workspace, f"{variant_id(variant)}-closed").template
    functions = _functions(tpl)
    if compute == HTTP:
        (router,) = functions
        assert router.startswith("MyApiRouter")
        assert json.dumps(tpl).count(f'"{router}", "Arn"') >= 2  # both operations integrate it
        return
    routers = {key[:-8]: props for key, props in functions.items()}
    assert set(routers) == {"MyApiRouter", "MyApiStreamingRouter"}
    assert routers["MyApiRouter"]["Handler"] == "my_api.main.handler"
    _assert_runs_behind_the_web_adapter(routers["MyApiStreamingRouter"])
    assert _gets_by_path(tpl) == {
        "echo": ("MyApiRouter", None),
        # The defaults: the function's 30 s, which the integration follows.
        "stream": ("MyApiStreamingRouter", 30_000),
    }


def _gets_by_path(tpl: dict) -> dict[str, tuple[str, int | None]]:
    """REST: each GET method's path part, integrated function and streaming timeout (None: the
    method does not stream). A STREAM integration invokes the function's streaming endpoint."""
    gets = {}
    for method in resources(tpl, "AWS::ApiGateway::Method").values():
        props = method["Properties"]
        if props["HttpMethod"] != "GET":
            continue
        path = tpl["Resources"][props["ResourceId"]["Ref"]]["Properties"]["PathPart"]
        integration = props["Integration"]
        assert integration["Type"] == "AWS_PROXY"
        uri = json.dumps(integration["Uri"])
        streams = integration.get("ResponseTransferMode") == "STREAM"
        assert streams == ("/2021-11-15/functions/" in uri)
        assert streams == uri.endswith('"/response-streaming-invocations"]]}')
        assert streams or uri.endswith('"/invocations"]]}')
        timeout = integration.get("TimeoutInMillis")
        assert (timeout is not None) == streams
        gets[path] = (_integrated_function(props), timeout)
    return gets


@pytest.mark.parametrize("variant", [v for v in SLOW_VARIANTS if v[0] == REST], ids=variant_id)
def test_rest_api_streams_the_streaming_operation_only(workspace, variant) -> None:
    """`stream` (x-streaming): a STREAM integration of a Web Adapter function, whose timeout
    (withStreamingOptions) the integration's follows; `echo` keeps a buffered one, of Mangum."""
    tpl = synthesized(workspace, variant_id(variant)).template
    minutes = STREAM_TIMEOUT_MINUTES
    assert _gets_by_path(tpl) == {
        "echo": ("EchoHandler", None),
        "stream": ("MyApiStreamHandler", minutes * 60_000),
    }
    functions = {key[:-8]: props for key, props in _functions(tpl).items()}
    _assert_runs_behind_the_web_adapter(functions["MyApiStreamHandler"])
    assert functions["MyApiStreamHandler"]["Timeout"] == minutes * 60
    assert functions["EchoHandler"]["Handler"] == "my_api.main.handler"


def _warnings(entry: Synthesized, code: str) -> list[str]:
    metadata = json.loads((entry.outdir / "Example.metadata.json").read_text())
    return [
        item["data"]
        for items in metadata.values()
        for item in items
        if item["type"] == "aws:cdk:warning" and code in item["data"]
    ]


@pytest.mark.parametrize("variant", SLOW_VARIANTS, ids=variant_id)
def test_a_streaming_operation_behind_an_http_api_warns_at_synth(workspace, variant) -> None:
    compute, _ = variant
    for key in (variant_id(variant), f"{variant_id(variant)}-closed"):
        warnings = _warnings(synthesized(workspace, key), "common-constructs:httpApiCannotStream")
        if compute == HTTP:
            (warning,) = warnings
            assert "stream (GET /stream)" in warning
            assert "HTTP API cannot stream responses" in warning
        else:
            assert warnings == []


@pytest.mark.parametrize("variant", SLOW_VARIANTS, ids=variant_id)
def test_cors_is_closed_and_throttling_on_unless_configured(workspace, variant) -> None:
    """No origin allowed: no CORS answer names one, and the functions' ALLOWED_ORIGINS is
    empty. API Gateway stages are throttled at the defaults; a public Function URL warns."""
    compute, auth = variant
    entry = synthesized(workspace, f"{variant_id(variant)}-closed")
    tpl = entry.template
    assert {
        fn["Environment"]["Variables"]["ALLOWED_ORIGINS"] for fn in _functions(tpl).values()
    } == {""}
    assert "example.com" not in json.dumps(tpl)
    if compute == REST:
        methods = [r["Properties"] for r in resources(tpl, "AWS::ApiGateway::Method").values()]
        preflights = [m for m in methods if m["HttpMethod"] == "OPTIONS"]
        assert preflights
        for method in preflights:
            (response,) = method["Integration"]["IntegrationResponses"]
            assert response["ResponseTemplates"] == {"application/json": ""}
        gateway_responses = resources(tpl, "AWS::ApiGateway::GatewayResponse").values()
        assert [r["Properties"]["ResponseParameters"] for r in gateway_responses] == 2 * [
            {"gatewayresponse.header.Vary": "'Origin'"}
        ]
        (stage,) = [r["Properties"] for r in resources(tpl, "AWS::ApiGateway::Stage").values()]
        (settings,) = stage["MethodSettings"]
        assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (100, 200)
        # Given a web ACL's ARN, the API associates it and creates none.
        assert resources(tpl, "AWS::WAFv2::WebACL") == {}
        (association,) = resources(tpl, "AWS::WAFv2::WebACLAssociation").values()
        assert association["Properties"]["WebACLArn"] == SHARED_WEB_ACL
    elif compute == HTTP:
        (api,) = [r["Properties"] for r in resources(tpl, "AWS::ApiGatewayV2::Api").values()]
        assert "AllowOrigins" not in api["CorsConfiguration"]
        (stage,) = [r["Properties"] for r in resources(tpl, "AWS::ApiGatewayV2::Stage").values()]
        throttle = stage["DefaultRouteSettings"]
        assert (throttle["ThrottlingRateLimit"], throttle["ThrottlingBurstLimit"]) == (100, 200)
    else:
        (url,) = [r["Properties"] for r in resources(tpl, "AWS::Lambda::Url").values()]
        assert "AllowOrigins" not in url["Cors"]
        (function,) = _functions(tpl).values()
        assert "ReservedConcurrentExecutions" not in function
    warnings = [
        entry["data"]
        for entries in json.loads((entry.outdir / "Example.metadata.json").read_text()).values()
        for entry in entries
        if entry["type"] == "aws:cdk:warning"
    ]
    unthrottled = [w for w in warnings if "common-constructs:unthrottledFunctionUrl" in w]
    assert len(unthrottled) == (1 if (compute, auth) == (URL, "None") else 0), warnings
    if auth == "Cognito":  # the app client the app accepts tokens of, on every function
        assert {
            fn["Environment"]["Variables"]["COGNITO_CLIENT_IDS"] for fn in _functions(tpl).values()
        } == {"exampleclient"}


def test_a_rest_api_runs_without_waf_only_when_told(workspace) -> None:
    """`webAcl: false`: no web ACL, and cdk-nag's APIG3 acknowledged (the nag test passes)."""
    tpl = synthesized(workspace, "nested-directory").template
    assert resources(tpl, "AWS::WAFv2::WebACL") == {}
    assert resources(tpl, "AWS::WAFv2::WebACLAssociation") == {}


def test_nested_directory_finds_the_bundle_from_the_monorepo_root(workspace) -> None:
    entry = synthesized(workspace, "nested-directory")
    api_file = (entry.api.constructs / "src" / "app" / "apis" / "my-api.ts").read_text()
    assert "'../../../../../../../dist/packages/apis/my_api/bundle'" in api_file
    assert len(_functions(entry.template)) == 2


def test_a_function_in_a_vpc_manages_its_network_interfaces_in_a_policy_of_their_own(
    workspace,
) -> None:
    """The nested example's default function is in a VPC (the override's is not)."""
    tpl = synthesized(workspace, "nested-directory").template
    (stream,) = [fn for key, fn in _functions(tpl).items() if key.startswith("MyApiStreamHandler")]
    assert stream["VpcConfig"]["SubnetIds"] == ["subnet-0123456789abcdef0"]
    role = {"Ref": stream["Role"]["Fn::GetAtt"][0]}
    (statement,) = [
        statement
        for key, policy in resources(tpl, "AWS::IAM::Policy").items()
        if "NetworkInterfacesPolicy" in key and role in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert "ec2:CreateNetworkInterface" in statement["Action"] and statement["Resource"] == "*"


@pytest.mark.parametrize("key", ["large-rest", "large-http"])
def test_80_operations_fit_one_stack_with_a_function_each(workspace, key) -> None:
    """Under CloudFormation's 500 with the secure defaults (REST: WAF, throttling, access logs),
    cdk-nag clean: one function per operation, sharing one role and one log group, each
    function invoked under one permission."""
    entry = synthesized(workspace, key)
    tpl = entry.template
    assert json.loads((entry.outdir / "validation-report.json").read_text())["pluginReports"] == []
    assert len(tpl["Resources"]) < 500
    functions = _functions(tpl)
    assert len(functions) == 80
    assert len({json.dumps(props["Role"]) for props in functions.values()}) == 1
    assert len({json.dumps(props["LoggingConfig"]) for props in functions.values()}) == 1
    permissions = [p["Properties"] for p in resources(tpl, "AWS::Lambda::Permission").values()]
    assert sorted(p["FunctionName"]["Fn::GetAtt"][0] for p in permissions) == sorted(functions)
    if key == "large-rest":
        assert len(resources(tpl, "AWS::WAFv2::WebACLAssociation")) == 1
        (stage,) = resources(tpl, "AWS::ApiGateway::Stage").values()
        assert "AccessLogSetting" in stage["Properties"]
        assert stage["Properties"]["MethodSettings"][0]["ThrottlingRateLimit"] == 100
        # The API may invoke the function, on any of its methods: one permission, not two.
        assert all(json.dumps(p["SourceArn"]).endswith('"/*/*/*"]]}') for p in permissions)
        integrated = [
            _integrated_function(method["Properties"])
            for method in resources(tpl, "AWS::ApiGateway::Method").values()
            if method["Properties"]["HttpMethod"] == "GET"
        ]
    else:
        integrated = [
            re.findall(r'"(\w+)", "Arn"', json.dumps(integration["Properties"]))[0][:-8]
            for integration in resources(tpl, "AWS::ApiGatewayV2::Integration").values()
        ]
        assert len(resources(tpl, "AWS::ApiGatewayV2::Route")) == 80
    assert sorted(integrated) == sorted(f"MyApiOp{n:02}Handler" for n in range(1, 81))


def test_an_api_too_large_for_its_stack_fails_synth_with_the_ways_out(workspace) -> None:
    """Before aws-cdk-lib's own check, which names neither the API nor what to do."""
    entry = workspace["synth"]["large-rest-too-large"]
    assert not entry.result["ok"]
    error = entry.result["error"]
    held = re.search(r"MyApi does not fit its stack: Example would hold (\d+) resources", error)
    assert held is not None and int(held[1]) > 500, error
    assert "CloudFormation allows 500 in a stack" in error
    assert "100 operations served by 100 functions" in error
    assert "`MyApi.defaultIntegrations(scope).withSharedHandler()`" in error
    assert "new NestedStack(stack, 'MyApiFunctions')" in error
    assert "TooManyResourcesInStack" not in error


def test_the_functions_of_an_api_fit_a_nested_stack_and_one_may_have_its_own_role(
    workspace,
) -> None:
    """100 operations: the functions and their shared role and log group in a nested stack, the
    methods and permissions in the parent; op007's function has a role and logs of its own."""
    entry = synthesized(workspace, "large-rest-nested")
    parent = entry.template
    (nested_path,) = entry.outdir.glob("*.nested.template.json")
    nested = json.loads(nested_path.read_text())
    assert len(parent["Resources"]) < 500 and len(nested["Resources"]) < 500
    assert _functions(parent) == {}
    functions = _functions(nested)
    assert len(functions) == 100
    assert len(resources(parent, "AWS::Lambda::Permission")) == 100
    roles = {key[:-8]: props["Role"]["Fn::GetAtt"][0] for key, props in functions.items()}
    own = roles.pop("MyApiOp007Handler")
    assert set(roles.values()) == {next(iter(roles.values()))} != {own}
    assert own.startswith("MyApiOp007HandlerServiceRole")
    log_groups = {json.dumps(props["LoggingConfig"]) for props in functions.values()}
    assert len(log_groups) == 2
    tracing = [key for key in resources(nested, "AWS::IAM::Policy") if "TracingPolicy" in key]
    assert len(tracing) == 2  # once per role, not once per function


def _templates(workspace: dict) -> list[Path]:
    """Every example's template but the large APIs': the same resources, many times over
    (test_large_api.py lints and checks the app's, of 80 operations)."""
    return sorted(
        entry.outdir / "Example.template.json"
        for key, entry in workspace["synth"].items()
        if entry.result["ok"] and key not in LARGE_APIS
    )


def test_cfn_lint_finds_no_errors(workspace) -> None:
    templates = _templates(workspace)
    result = run_unchecked(BIN / "cfn-lint", "--format", "json", *templates, cwd=workspace["base"])
    findings = json.loads(result.stdout or "[]")
    errors = [f for f in findings if f["Level"] == "Error"]
    assert errors == [], json.dumps(errors, indent=1)[:4000]


def test_checkov_finds_no_failed_check(workspace) -> None:
    templates = _templates(workspace)
    # Not --quiet: the report lists the passed checks too.
    command = [BIN / "checkov", "--framework", "cloudformation", "--skip-download"]
    command += ["--compact", "-o", "json"]
    for path in templates:
        command += ["-f", path]
    # --skip-download and BC_SKIP_MAPPING keep checkov offline (no Prisma Cloud look-ups).
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [
        (check["check_id"], check["resource"], check["file_path"])
        for report in reports
        for check in report["results"]["failed_checks"]
    ]
    summary = {key: sum(r["summary"][key] for r in reports) for key in ("passed", "skipped")}
    print(
        f"checkov: {summary['passed']} passed, {len(failed)} failed, {summary['skipped']} skipped"
    )
    assert failed == []
    # The open-CORS check of Function URLs passed on every Function URL example, unskipped.
    checks = {
        kind: [(c["check_id"], c["file_abs_path"]) for r in reports for c in r["results"][kind]]
        for kind in ("passed_checks", "skipped_checks")
    }
    url_templates = {str(path) for path in templates if "LambdaFunctionUrl" in str(path)}
    assert len(url_templates) == 5  # each URL variant, open and closed; the longest name
    assert {path for check, path in checks["passed_checks"] if check == "CKV2_AWS_75"} >= (
        url_templates
    )
    assert not [check for check, _ in checks["skipped_checks"] if check == "CKV2_AWS_75"]


BAD_PROPS = """\
import {{ App, Stack }} from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import {{ {cls} }} from '{index}';

// A Cognito API as its module creates it, for the cases that get past its props.
function cognitoApi(stack: Stack) {{
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_x');
  const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', 'c');
  return new {cls}(stack, 'Api', {{
    integrations: {cls}.defaultIntegrations(stack).build(),
    identity: {{ userPool, userPoolClient }},
  }});
}}

const cases: Record<string, (stack: Stack) => void> = {{
  cognitoWithoutIdentity: (stack) =>
    new {cls}(stack, 'Api', {{
      integrations: {cls}.defaultIntegrations(stack).build(),
    }} as never),
  missingIntegration: (stack) => {{
    const {{ echo }} = {cls}.defaultIntegrations(stack).build();
    new {cls}(stack, 'Api', {{ integrations: {{ echo }} as never, identity: {{}} as never }});
  }},
  grantOnCognito: (stack) => {{
    const caller = new iam.Role(stack, 'Caller', {{ assumedBy: new iam.AccountRootPrincipal() }});
    // @ts-expect-error: only an API rendered with IAM auth has callers to grant.
    cognitoApi(stack).grantInvokeAccess(caller);
  }},
  badOrigin: (stack) => cognitoApi(stack).restrictCorsTo('https://app.example.com/'),
}};
const messages: Record<string, string> = {{}};
for (const [name, build] of Object.entries(cases)) {{
  try {{
    build(new Stack(new App(), 'Bad'));
    messages[name] = 'no error';
  }} catch (error) {{
    messages[name] = (error as Error).message;
  }}
}}
console.log('MESSAGES ' + JSON.stringify(messages));
"""


def test_bad_props_fail_at_synth_with_a_clear_message(workspace) -> None:
    api = workspace["synth"][variant_id((REST, "Cognito"))].api
    script = api.root / "infra" / "bad_props.ts"
    index = "../" + str((api.constructs / "src").relative_to(api.root))
    script.write_text(BAD_PROPS.format(cls=api.cls, index=index))
    result = run(api.root / "node_modules" / ".bin" / "tsx", script, cwd=api.root)
    line = next(line for line in result.stdout.splitlines() if line.startswith("MESSAGES "))
    messages = json.loads(line.removeprefix("MESSAGES "))
    assert "needs the `identity` prop" in messages["cognitoWithoutIdentity"]
    assert "Missing: stream" in messages["missingIntegration"]
    assert "uses Cognito auth: there is no IAM access to grant" in messages["grantOnCognito"]
    assert "allowed origins look like 'https://app.example.com'" in messages["badOrigin"]
    assert "'https://app.example.com/'" in messages["badOrigin"]


STREAMING_PROBE = """\
import {{ App, Stack }} from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {{ FunctionUrlApiBase, {cls} }} from '{index}';

type Build = (stack: Stack) => void;

// The REST API as its module creates it, with `props` over it.
function restApi(stack: Stack, props: Partial<ConstructorParameters<typeof {cls}>[2]> = {{}}) {{
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_x');
  const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', 'c');
  return new {cls}(stack, 'Api', {{
    identity: {{ userPool, userPoolClient }},
    ...props,
    integrations: props.integrations ?? {cls}.defaultIntegrations(stack).build(),
  }});
}}

const cached = (methodOptions: Record<string, apigateway.MethodDeploymentOptions>) => ({{
  restApiProps: {{ deployOptions: {{ cacheClusterEnabled: true, methodOptions }} }},
}});

// What API Gateway cannot do to a STREAM integration: synth refuses each with a message.
const conflicts: Record<string, Build> = {{
  cachedStream: (stack) => restApi(stack, cached({{ '/stream/GET': {{ cachingEnabled: true }} }})),
  cachedStage: (stack) => restApi(stack, cached({{ '/*/*': {{ cachingEnabled: true }} }})),
  cachedButTheStream: (stack) =>
    restApi(
      stack,
      cached({{ '/*/*': {{ cachingEnabled: true }}, '/stream/GET': {{ cachingEnabled: false }} }}),
    ),
  mappedStream: (stack) => {{
    const handler = {cls}.createFunction(stack, 'Other');
    const integration = new apigateway.LambdaIntegration(handler, {{
      responseTransferMode: apigateway.ResponseTransferMode.STREAM,
      contentHandling: apigateway.ContentHandling.CONVERT_TO_TEXT,
      integrationResponses: [{{ statusCode: '200' }}],
    }});
    restApi(stack, {{
      integrations: {cls}.defaultIntegrations(stack)
        .withOverrides({{ stream: {{ integration }} }})
        .build(),
    }});
  }},
}};

// Functions of another architecture: the adapter's layer follows each function's.
const architectures: Record<string, Build> = {{
  restArm64: (stack) =>
    restApi(stack, {{
      integrations: {cls}.defaultIntegrations(stack)
        .withDefaultOptions({{ architecture: lambda.Architecture.ARM_64 }})
        .build(),
    }}),
  // A Function URL API whose bundle was built for arm64, as a render for arm64 describes it.
  functionUrlArm64: (stack) =>
    new FunctionUrlApiBase(
      stack,
      'Url',
      {{
        apiName: 'UrlApi',
        auth: 'IAM',
        bundle: {{
          path: '{bundle}',
          module: 'my_api',
          runtime: lambda.Runtime.PYTHON_3_12,
          architecture: lambda.Architecture.ARM_64,
          buildCommand: 'nx run my-api:bundle',
        }},
      }},
      {{}},
    ),
}};

function synth(build: Build): Record<string, unknown> {{
  const app = new App();
  const stack = new Stack(app, 'Probe');
  build(stack);
  return app.synth().getStackByName(stack.stackName).template;
}}

const results: Record<string, unknown> = {{}};
for (const [name, build] of Object.entries(conflicts)) {{
  try {{
    synth(build);
    results[name] = 'no error';
  }} catch (error) {{
    results[name] = (error as Error).message;
  }}
}}
for (const [name, build] of Object.entries(architectures)) {{
  const resources = synth(build).Resources as Record<string, {{ Type: string; Properties: {{}} }}>;
  results[name] = Object.fromEntries(
    Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([id, resource]) => [id, resource.Properties]),
  );
}}
console.log('RESULTS ' + JSON.stringify(results));
"""


@pytest.fixture(scope="module")
def streaming_probe(workspace) -> dict:
    """STREAMING_PROBE's results, from the REST/Cognito example's monorepo: one tsx process."""
    api = workspace["synth"][variant_id((REST, "Cognito"))].api
    script = api.root / "infra" / "streaming_probe.ts"
    index = "../" + str((api.constructs / "src").relative_to(api.root))
    script.write_text(STREAMING_PROBE.format(cls=api.cls, index=index, bundle=api.dist / "bundle"))
    result = run(api.root / "node_modules" / ".bin" / "tsx", script, cwd=api.root)
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULTS "))
    return json.loads(line.removeprefix("RESULTS "))


def test_what_api_gateway_cannot_do_to_a_stream_fails_synth(streaming_probe) -> None:
    """Caching, content handling and integration responses on a STREAM method; the stage may
    cache everything else."""
    cannot_cache = "GET /stream streams its responses, which API Gateway cannot cache"
    assert cannot_cache in streaming_probe["cachedStream"]
    assert "'/stream/GET' in the stage's methodOptions" in streaming_probe["cachedStream"]
    assert cannot_cache in streaming_probe["cachedStage"]
    assert streaming_probe["cachedButTheStream"] == "no error"
    mapped = streaming_probe["mappedStream"]
    assert "cannot convert: remove its integration's contentHandling" in mapped
    assert "cannot map: remove its integration's integrationResponses" in mapped


def test_the_web_adapter_layer_follows_the_function_architecture(streaming_probe) -> None:
    """arm64 functions (options, or a bundle built for arm64) get the adapter's arm64 layer;
    the Mangum ones no layer."""
    for case, adapters in (("restArm64", 1), ("functionUrlArm64", 1)):
        functions = streaming_probe[case].values()
        assert {tuple(props["Architectures"]) for props in functions} == {("arm64",)}
        layers = [json.dumps(props["Layers"]) for props in functions if "Layers" in props]
        assert len(layers) == adapters
        assert all("LambdaAdapterLayerArm64:30" in layer for layer in layers), layers
        assert not any("X86" in layer for layer in layers)


TYPED = """\
import {{ Stack }} from 'aws-cdk-lib';
import {{ LambdaIntegration }} from 'aws-cdk-lib/aws-apigateway';
import {{ {cls} }} from '{index}';

export function build(stack: Stack) {{
  const other = {cls}.createFunction(stack, 'Other');
  const api = new {cls}(stack, 'Api', {{
    integrations: {cls}.defaultIntegrations(stack)
      .withOverrides({{ stream: {{ integration: new LambdaIntegration(other), note: 'extra' }} }})
      .build(),
  }});
  const note: string = api.integrations.stream.note;
  {extra}
  return note;
}}
"""


def test_operations_follow_the_openapi_spec_in_the_types(tmp_path, modules) -> None:
    """A new route becomes a typed default integration; an override of a removed one fails."""
    added = {"/items/{id}": {"put": {"operationId": "update_item", "responses": {}}}}
    specs = {
        "added": {**OPENAPI_SPEC, "paths": {**OPENAPI_SPEC["paths"], **added}},
        "removed": {**OPENAPI_SPEC, "paths": {"/echo": OPENAPI_SPEC["paths"]["/echo"]}},
    }
    files = []
    for key, spec in specs.items():
        api = render_api(Api(tmp_path / key, "packages", "my-api", REST, "IAM"))
        build_api_outputs(api, modules, spec)
        extra = (
            "api.integrations.update_item.handler.addEnvironment('A', 'B');"
            if key == "added"
            else ""
        )
        path = api.root / "infra" / "typed.ts"
        path.parent.mkdir(parents=True, exist_ok=True)
        index = "../" + str((api.constructs / "src").relative_to(api.root))
        path.write_text(TYPED.format(cls=api.cls, index=index, extra=extra))
        files.append(path)
    output = typecheck(tmp_path / "harness", files, [])
    errors = [line for line in output.splitlines() if "error TS" in line]
    assert errors, "removing `stream` from the spec must break its override"
    assert all("removed/infra/typed.ts" in line for line in errors), output
    assert any("stream" in line or "never" in line for line in errors), output


def test_the_apis_own_spec_round_trips_through_metadata_to_synth(
    default_monorepo, modules, tmp_path
) -> None:
    """The spec the `openapi` target writes (3.2, security schemes) drives the constructs."""
    spec_file = tmp_path / "openapi.json"
    script = default_monorepo / "packages/my_api/scripts/generate_open_api.py"
    project = ("uv", "run", "--project", "packages/my_api")
    run(*project, "python", script, spec_file, cwd=default_monorepo)
    spec = json.loads(spec_file.read_text())
    assert spec["openapi"] == "3.2.0" and spec["components"]["securitySchemes"]
    api = render_api(Api(tmp_path / "monorepo", "packages", "my-api", REST, "IAM"))
    build_api_outputs(api, modules, spec)
    example = write_example(api)
    outdir = tmp_path / "cdk.out"
    result = synth_all(tmp_path / "harness", [(example, outdir)])[str(example)]
    assert result["ok"], result.get("error")
    methods = resources(template(outdir), "AWS::ApiGateway::Method")
    integrated = [m for m in methods.values() if m["Properties"]["HttpMethod"] == "GET"]
    assert len(integrated) == len(spec["paths"]) == 2
    assert all(m["Properties"]["AuthorizationType"] == "AWS_IAM" for m in integrated)


def _copier_copy(dst: Path, **answers: str) -> str:
    """`copier copy` as a user runs it non-interactively; returns what it printed."""
    command = [BIN / "copier", "copy", "--trust", "--defaults", "--vcs-ref", "HEAD"]
    for key, value in answers.items():
        command += ["--data", f"{key}={value}"]
    result = run(*command, TEMPLATE, dst, cwd=dst.parent, env={"NO_COLOR": "1"})
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)


def test_second_api_shares_the_core_files_and_both_synthesize(tmp_path, modules) -> None:
    root = tmp_path / "monorepo"
    packages = root / "packages"
    packages.mkdir(parents=True)
    first = Api(root, "packages", "my-api", REST, "IAM")
    second = Api(root, "packages", "orders-api", HTTP, "Cognito")
    _copier_copy(packages, name=first.name, computeType=first.compute, auth=first.auth)
    log = _copier_copy(packages, name=second.name, computeType=second.compute, auth=second.auth)

    core = packages / "common" / "constructs" / "src" / "core"
    words = " ".join(log.split())
    # Every core module is rendered for every API (whatever its compute type), so that an
    # update that changes one API's compute type cannot delete a module another API imports.
    shared = sorted(core.rglob("*.ts"))
    assert {p.name for p in shared} >= {"rest-api.ts", "http-api.ts", "function-url.ts"}
    for path in shared:
        assert f"identical common/constructs/src/core/{path.relative_to(core)}" in words, log
    for name in ("package.json", "tsconfig.json", "README.md", "scripts/generate_index.py"):
        assert f"identical common/constructs/{name}" in words, log
    assert "conflict" not in log, log

    index = (packages / "common" / "constructs" / "src" / "index.ts").read_text()
    assert "export * from './app/apis/my-api';" in index
    assert "export * from './app/apis/orders-api';" in index
    assert "export * from './core/api/http-api';" in index
    assert "export * from './core/api/rest-api';" in index
    project = json.loads((packages / "common" / "constructs" / "project.json").read_text())
    assert {"generate:my-api-metadata", "generate:orders-api-metadata"} <= set(project["targets"])
    assert project["targets"]["generate:orders-api-metadata"]["dependsOn"] == ["orders-api:openapi"]

    for api in (first, second):
        build_api_outputs(api, modules)
    # As a user types them: the project's typecheck and lint targets, from the monorepo root.
    for target in ("typecheck", "lint"):
        run("sh", "-c", project["targets"][target]["options"]["command"], cwd=root)

    example = root / "infra" / "both.ts"
    example.parent.mkdir()
    example.write_text(
        "\n".join(
            [
                "import { App, Stack } from 'aws-cdk-lib';",
                "import * as cognito from 'aws-cdk-lib/aws-cognito';",
                "import * as iam from 'aws-cdk-lib/aws-iam';",
                "import { MyApi, OrdersApi, RuntimeConfig }",
                "  from '../packages/common/constructs/src';",
                "export function synth(outdir: string): void {",
                "  const app = new App({ outdir });",
                "  const stack = new Stack(app, 'Example');",
                "  const my = new MyApi(stack, 'MyApi', {",
                "    integrations: MyApi.defaultIntegrations(stack).build(),",
                "  });",
                "  my.grantInvokeAccess(new iam.Role(stack, 'Caller', {",
                "    assumedBy: new iam.AccountRootPrincipal() }));",
                "  new OrdersApi(stack, 'OrdersApi', {",
                "    integrations: OrdersApi.defaultIntegrations(stack)",
                "      .withSharedHandler().build(),",
                "    identity: {",
                "      userPool: cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_x'),",
                "      userPoolClient:",
                "        cognito.UserPoolClient.fromUserPoolClientId(stack, 'C', 'c'),",
                "    },",
                "  });",
                "  const apis = Object.keys(RuntimeConfig.ensure(stack).config.apis).sort();",
                "  if (apis.join() !== 'MyApi,OrdersApi') throw new Error(`registered: ${apis}`);",
                "  app.synth();",
                "}",
            ]
        )
        + "\n"
    )
    outdir = root / "infra" / "both.out"
    results = synth_all(tmp_path / "harness", [(example, outdir)])
    assert results[str(example)]["ok"], results
    tpl = template(outdir)
    assert len(resources(tpl, "AWS::ApiGateway::RestApi")) == 1
    assert len(resources(tpl, "AWS::ApiGatewayV2::Api")) == 1
    assert {key[:8] for key in tpl["Outputs"]} >= {"MyApiUrl", "OrdersAp"}


def test_generate_index_is_idempotent_and_keeps_user_targets(tmp_path) -> None:
    api = render_api(Api(tmp_path / "repo", "packages/apis", "my-api", URL, "None"))
    script = api.constructs / "scripts" / "generate_index.py"
    project_file = api.constructs / "project.json"
    project = json.loads(project_file.read_text())
    assert project["root"] == "packages/apis/common/constructs"
    command = project["targets"]["generate:my-api-metadata"]["options"]["command"]
    assert "dist/packages/apis/my_api/openapi.json" in command
    project["targets"]["deploy"] = {"executor": "nx:run-commands", "options": {"command": "cdk"}}
    project_file.write_text(json.dumps(project, indent=4))  # edited by hand

    before = {p: p.read_bytes() for p in (project_file, api.constructs / "src" / "index.ts")}
    first = run("python3", script, cwd=tmp_path).stdout
    second = run("python3", script, cwd=tmp_path).stdout
    assert "project.json" in first and second == ""
    after = json.loads(project_file.read_text())
    assert after["targets"]["deploy"]["options"]["command"] == "cdk"
    assert (api.constructs / "src" / "index.ts").read_bytes() == before[
        api.constructs / "src" / "index.ts"
    ]
    shutil.rmtree(api.constructs / "src" / "app")
    run("python3", script, cwd=tmp_path)
    assert "app/apis" not in (api.constructs / "src" / "index.ts").read_text()


def test_metadata_generator_reports_a_missing_operation_id(tmp_path) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps({"paths": {"/x": {"get": {"responses": {}}}}}))
    script = TEMPLATE / "template" / "common" / "constructs" / "scripts" / "generate_metadata.py"
    result = run_unchecked("python3", script, spec, tmp_path / "out.ts", cwd=tmp_path)
    assert result.returncode == 1
    assert "GET /x has no operationId" in result.stderr
    assert not (tmp_path / "out.ts").exists()


def test_metadata_is_regenerated_only_when_the_spec_changes(tmp_path, modules) -> None:
    api = render_api(Api(tmp_path / "repo", "packages", "my-api", HTTP, "None"))
    build_api_outputs(api, modules)
    out = api.constructs / "src" / "generated" / "my-api" / "metadata.gen.ts"
    text = out.read_text()
    assert 'stream: { path: "/stream", method: "GET", streaming: true },' in text
    mtime = out.stat().st_mtime_ns
    generate_metadata(api)
    assert out.stat().st_mtime_ns == mtime
    assert "src/generated/" in (api.constructs / ".gitignore").read_text()
