"""An API on an API Gateway REST API."""

from typing import Any, Generic, Literal, Unpack, cast

from aws_cdk import Acknowledgment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from common_constructs.core.api.api_base import ApiDefinition, TAuth
from common_constructs.core.api.auth import AuthType, CognitoIdentity, require_identity
from common_constructs.core.api.checkov import CheckovSkip, skip_checkov
from common_constructs.core.api.cors import CORS_ALLOW_HEADERS, CORS_MAX_AGE_SECONDS
from common_constructs.core.api.gateway_api import (
    GatewayApiBase,
    GatewayApiOptions,
    TIntegrations,
)
from common_constructs.core.api.integration_builder import (
    IntegrationBuilder,
    OperationIntegration,
)
from common_constructs.core.api.lazy import lazy_any, lazy_string
from common_constructs.core.api.operations import OperationDetails, OperationsMetadata
from common_constructs.core.api.props import values
from common_constructs.core.api.validations import validation
from common_constructs.core.api.web_acl import ManagedRulesWebAcl

RestOperationOptions = apigw.MethodOptions
"""What an override's or `with_operation_options`' `options` are for each operation."""

RestOperationIntegration = OperationIntegration[apigw.Integration, apigw.MethodOptions]
"""How a REST API serves one operation: any API Gateway integration, plus method options. With
Cognito auth, `options=apigw.MethodOptions(authorization_scopes=[...])` makes the method take
access tokens with one of those scopes instead of ID tokens."""


class RestIntegrationBuilder(IntegrationBuilder[apigw.Integration, apigw.MethodOptions]):
    """The builder of a REST API's default integrations: one function per operation running the
    API's bundle, each with one permission for the API to invoke it (one per function: scoping
    it to the method takes two, one for the stage and one for the console's test invocations).
    A streaming operation's integration streams (API Gateway then invokes the function's
    response-streaming endpoint), with the function's timeout as its own: a stream lasts as
    long as its function runs, up to the 15 minutes both Lambda and a STREAM integration
    allow."""

    streams = True

    def _integrate(
        self, handler: lambda_.Function, operation_id: str | None, streaming: bool
    ) -> apigw.Integration:
        stream: dict[str, Any] = (
            {
                "response_transfer_mode": apigw.ResponseTransferMode.STREAM,
                "timeout": handler.timeout,
            }
            if streaming
            else {}
        )
        # jsii's Python types: a Function is an IFunction (see api_function.py).
        return apigw.LambdaIntegration(
            cast(lambda_.IFunction, handler),
            scope_permission_to_method=False,
            **stream,
        )


class RestApiOptions(GatewayApiOptions, total=False):
    """What an API on an API Gateway REST API takes, besides its integrations and identity."""

    web_acl: str | Literal[False]
    """The AWS WAF web ACL of the stage: the ARN of one you manage (e.g. shared by several
    APIs, or Firewall Manager's), or `False` for none. Default: a web ACL of its own with the
    AWS managed common and known-bad-inputs rule groups (`ManagedRulesWebAcl`: about 7 USD a
    month, plus 0.60 USD per million requests)."""
    rest_api_props: apigw.RestApiProps
    """More RestApi props (e.g. `endpoint_types`, `binary_media_types`), applied over the
    defaults; `deploy_options` are merged with the stage's (throttling there overrides
    `throttle`). Default: a regional API with tracing, access logs, error logging and
    throttling on its `prod` stage."""


class RestApiBase(GatewayApiBase[TIntegrations, TAuth], Generic[TIntegrations, TAuth]):
    """An API Gateway REST API with one method per operation of the API's OpenAPI spec,
    authorized per method, behind an AWS WAF web ACL, with CORS preflight answered by API
    Gateway (no Lambda invocation). Operations marked `x-streaming` stream their responses (a
    STREAM integration of a function behind the Lambda Web Adapter); synth refuses what API
    Gateway cannot do to a stream: caching it, encoding its content, or mapping it with
    integration responses."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        definition: ApiDefinition[TAuth],
        operations: OperationsMetadata,
        integrations: TIntegrations,
        identity: CognitoIdentity | None = None,
        *,
        web_acl: str | Literal[False] | None = None,
        rest_api_props: apigw.RestApiProps | None = None,
        **options: Unpack[GatewayApiOptions],
    ) -> None:
        super().__init__(scope, id, definition, operations, integrations, identity, **options)
        method_auth = self._method_auth(definition.auth)

        access_logs = self._create_access_logs()
        props = values(rest_api_props)
        deploy_options = values(props.pop("deploy_options", None))
        api_props: dict[str, Any] = {
            "rest_api_name": definition.api_name,
            "endpoint_types": [apigw.EndpointType.REGIONAL],
            # Access logging needs the account-wide CloudWatch role; kept when the stack is
            # deleted because every REST API in the account and region relies on it.
            "cloud_watch_role": True,
            "cloud_watch_role_removal_policy": RemovalPolicy.RETAIN,
            "policy": _iam_resource_policy() if definition.auth == "IAM" else None,
            **props,
            "deploy_options": apigw.StageOptions(
                **cast(
                    dict[str, Any],
                    {
                        "tracing_enabled": True,
                        "metrics_enabled": True,
                        "logging_level": apigw.MethodLoggingLevel.ERROR,
                        "access_log_destination": apigw.LogGroupLogDestination(access_logs),
                        "access_log_format": apigw.AccessLogFormat.json_with_standard_fields(
                            caller=True,
                            http_method=True,
                            ip=True,
                            protocol=True,
                            request_time=True,
                            resource_path=True,
                            response_length=True,
                            status=True,
                            user=True,
                        ),
                        "throttling_rate_limit": self._throttle.get("rate_limit"),
                        "throttling_burst_limit": self._throttle.get("burst_limit"),
                        **deploy_options,
                    },
                )
            ),
        }
        self.api = apigw.RestApi(self, "Api", **api_props)
        """The underlying REST API."""

        served = cast(dict[str, RestOperationIntegration], integrations)
        by_path: dict[str, list[tuple[str, OperationDetails]]] = {}
        for operation_id in sorted(operations):
            details = operations[operation_id]
            by_path.setdefault(details.path, []).append((operation_id, details))
        for path, path_operations in by_path.items():
            resource = self.api.root.resource_for_path(path)
            for operation_id, details in path_operations:
                served_by = served[operation_id]
                resource.add_method(
                    details.method,
                    served_by.integration,
                    **{**method_auth, **values(served_by.options)},
                )
            self._add_preflight(
                cast(apigw.IResource, resource), [details.method for _, details in path_operations]
            )
        self._add_cors_to_gateway_errors()
        self.node.add_validation(validation(self._streaming_conflicts))
        self.web_acl = self._protect_stage(definition.api_name, web_acl)
        """The web ACL this construct created for the stage, unless given one or
        `web_acl=False`."""
        self._acknowledge_findings(definition.auth)

        self.url = self._publish_url(definition.api_name, self.api.url)
        """Base URL of the API's stage, ending with `/`."""

    def _arn_for_execute_api(self, method: str, path: str) -> str:
        return self.api.arn_for_execute_api(method, path, self.api.deployment_stage.stage_name)

    def _method_auth(self, auth: AuthType) -> dict[str, Any]:
        """Every method's authorization. Cognito: the user pool authorizer takes ID tokens, or,
        on a method given `authorization_scopes`, access tokens with one of them; either way
        the app checks the app client (`COGNITO_CLIENT_IDS`), which the authorizer does not."""
        match auth:
            case "IAM":
                return {"authorization_type": apigw.AuthorizationType.IAM}
            case "Cognito":
                authorizer = apigw.CognitoUserPoolsAuthorizer(
                    self,
                    "Authorizer",
                    cognito_user_pools=[require_identity(self, self._identity).user_pool],
                )
                return {
                    "authorization_type": apigw.AuthorizationType.COGNITO,
                    "authorizer": authorizer,
                }
            case "None":
                return {"authorization_type": apigw.AuthorizationType.NONE}

    def _add_preflight(self, resource: apigw.IResource, methods: list[str]) -> None:
        """OPTIONS answered by a mock integration, without credentials (browsers send none).
        Its template echoes the request's origin when it is an allowed one, and sends no
        `Access-Control-Allow-Origin` otherwise; the origins are read at synth, so
        `restrict_cors_to` may be called after construction."""

        def header(name: str) -> str:
            return f"method.response.header.{name}"

        method = resource.add_method(
            "OPTIONS",
            apigw.MockIntegration(
                request_templates={"application/json": '{ "statusCode": 204 }'},
                integration_responses=[
                    apigw.IntegrationResponse(
                        status_code="204",
                        response_parameters={
                            header("Access-Control-Allow-Headers"): (
                                f"'{','.join(CORS_ALLOW_HEADERS)}'"
                            ),
                            header("Access-Control-Allow-Methods"): (
                                f"'{','.join([*methods, 'OPTIONS'])}'"
                            ),
                            header("Access-Control-Max-Age"): f"'{CORS_MAX_AGE_SECONDS}'",
                            header("Vary"): "'Origin'",
                        },
                        response_templates={
                            "application/json": lazy_string(self._echo_allowed_origin)
                        },
                    )
                ],
            ),
            authorization_type=apigw.AuthorizationType.NONE,
            method_responses=[
                apigw.MethodResponse(
                    status_code="204",
                    response_parameters={
                        header(name): True
                        for name in (
                            "Access-Control-Allow-Headers",
                            "Access-Control-Allow-Methods",
                            "Access-Control-Allow-Origin",
                            "Access-Control-Max-Age",
                            "Vary",
                        )
                    },
                )
            ],
        )
        reason = "CORS preflight requests carry no credentials by design (Fetch standard)."
        Validations.of(method).acknowledge(
            Acknowledgment(id="AwsSolutions-APIG4", reason=reason),
            Acknowledgment(id="AwsSolutions-COG4", reason=reason),
        )
        skip_checkov(method, CheckovSkip("CKV_AWS_59", reason))

    def _echo_allowed_origin(self) -> str:
        if not self._cors_origins:
            return ""
        allowed = ", ".join(f'"{origin}"' for origin in self._cors_origins)
        return "\n".join(
            [
                '#set($origin = $input.params().header.get("Origin"))',
                '#if("$!origin" == "")#set($origin = $input.params().header.get("origin"))#end',
                f"#if([{allowed}].contains($origin))",
                "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)",
                "#end",
            ]
        )

    def _add_cors_to_gateway_errors(self) -> None:
        """Errors API Gateway answers itself (denied, throttled, timed out) stay readable by a
        page of the first allowed origin; with none allowed, they carry no CORS header."""

        def parameters() -> dict[str, str]:
            # Read at synth: whether there is an origin to name decides whether the header
            # exists.
            parameters = {"gatewayresponse.header.Vary": "'Origin'"}
            if self._cors_origins:
                parameters["gatewayresponse.header.Access-Control-Allow-Origin"] = (
                    f"'{self._cors_origins[0]}'"
                )
            return parameters

        for id, type in (
            ("Default4XX", apigw.ResponseType.DEFAULT_4_XX),
            ("Default5XX", apigw.ResponseType.DEFAULT_5_XX),
        ):
            response = self.api.add_gateway_response(id, type=type)
            resource = response.node.default_child
            assert isinstance(resource, apigw.CfnGatewayResponse)
            resource.response_parameters = lazy_any(parameters)

    def _streaming_conflicts(self) -> list[str]:
        """API Gateway passes a STREAM integration's response on as it comes, so nothing that
        needs the whole response applies to it: endpoint caching, content encoding
        (`content_handling`), response mapping (`integration_responses`). One error per
        streaming method configured so."""
        stack = Stack.of(self)
        stage = self.api.deployment_stage.node.default_child
        assert isinstance(stage, apigw.CfnStage)
        settings: list[dict[str, Any]] = stack.resolve(stage.method_settings) or []
        errors: list[str] = []
        for method in self.api.methods:
            cfn_method = method.node.default_child
            assert isinstance(cfn_method, apigw.CfnMethod)
            integration: dict[str, Any] = stack.resolve(cfn_method.integration) or {}
            if integration.get("responseTransferMode") != "STREAM":
                continue
            path = method.resource.path
            where = f"{method.http_method} {path} streams its responses"
            if _caching_enabled(settings, method):
                errors.append(
                    f"{where}, which API Gateway cannot cache: turn caching off for "
                    f"'{path}/{method.http_method}' in the stage's methodOptions."
                )
            if integration.get("contentHandling") is not None:
                errors.append(
                    f"{where}, which API Gateway cannot convert: remove its integration's "
                    "contentHandling (compress or encode the response in the function instead)."
                )
            if integration.get("integrationResponses"):
                errors.append(
                    f"{where}, which API Gateway cannot map: remove its integration's "
                    "integrationResponses (shape the response in the function instead)."
                )
        return errors

    def _protect_stage(
        self, api_name: str, web_acl: str | Literal[False] | None
    ) -> ManagedRulesWebAcl | None:
        """Associates the stage with a web ACL: the one given, or one of its own; none if
        `False`."""
        if web_acl is False:
            Validations.of(self).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-APIG3",
                    reason="The API was given `webAcl: false`: its owner runs it without AWS WAF.",
                )
            )
            return None
        created = (
            ManagedRulesWebAcl(self, "WebAcl", metric_prefix=api_name) if web_acl is None else None
        )
        wafv2.CfnWebACLAssociation(
            self,
            "WebAclAssociation",
            resource_arn=self.api.deployment_stage.stage_arn,
            web_acl_arn=created.arn if created is not None else cast(str, web_acl),
        )
        return created

    def _acknowledge_findings(self, auth: AuthType) -> None:
        Validations.of(self).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG2",
                reason=(
                    "The FastAPI app validates every request against the same OpenAPI schema "
                    "and returns its own 422 with CORS headers."
                ),
            ),
            Acknowledgment(
                id=(
                    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                    "service-role/AmazonAPIGatewayPushToCloudWatchLogs]"
                ),
                reason=(
                    "The account-wide API Gateway logging role needs exactly this AWS managed "
                    "policy."
                ),
            ),
        )
        skip_checkov(
            self.api.deployment_stage,
            CheckovSkip(
                "CKV_AWS_120",
                "Responses are per caller and per query; a stage cache would serve stale data.",
            ),
        )
        if auth == "IAM":
            # Cognito user pool authorizers are one option; SigV4 (IAM) is the one chosen here.
            Validations.of(self).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-COG4",
                    reason=(
                        "Methods use IAM (SigV4) authorization, chosen when the API was rendered."
                    ),
                )
            )
        if auth == "None":
            reason = "The API was rendered with auth None: it is public on purpose."
            Validations.of(self).acknowledge(
                Acknowledgment(id="AwsSolutions-APIG4", reason=reason),
                Acknowledgment(id="AwsSolutions-COG4", reason=reason),
            )
            for method in self.api.methods:
                skip_checkov(method, CheckovSkip("CKV_AWS_59", reason))


def _caching_enabled(settings: list[dict[str, Any]], method: apigw.Method) -> bool:
    """Whether the stage caches `method`'s responses: the setting for its own resource path
    wins over one for every path (`/*`), and then the one for its own HTTP method over one for
    every method (`*`), as in API Gateway."""
    path = method.resource.path
    resource_path = "/" if path == "/" else "/" + path.replace("/", "~1")

    def rank(setting: dict[str, Any]) -> int:
        path_rank = {resource_path: 2, "/*": 0}.get(setting.get("resourcePath", ""))
        method_rank = {method.http_method: 1, "*": 0}.get(setting.get("httpMethod", ""))
        return -1 if path_rank is None or method_rank is None else path_rank + method_rank

    best_rank, enabled = -1, False
    for setting in settings:
        if setting.get("cachingEnabled") is not None and rank(setting) > best_rank:
            best_rank, enabled = rank(setting), setting["cachingEnabled"] is True
    return enabled


def _iam_resource_policy() -> iam.PolicyDocument:
    """IAM auth: principals of this account with an IAM policy allowing execute-api:Invoke
    (see `grant_invoke_access`) may call any method; anyone may send a CORS preflight."""
    return iam.PolicyDocument(
        statements=[
            iam.PolicyStatement(
                principals=[cast(iam.IPrincipal, iam.AccountRootPrincipal())],
                actions=["execute-api:Invoke"],
                resources=["execute-api:/*"],
            ),
            iam.PolicyStatement(
                principals=[cast(iam.IPrincipal, iam.AnyPrincipal())],
                actions=["execute-api:Invoke"],
                resources=["execute-api:/*/OPTIONS/*"],
            ),
        ]
    )
