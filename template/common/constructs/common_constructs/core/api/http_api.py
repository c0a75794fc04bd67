"""An API on an API Gateway HTTP API."""

from dataclasses import dataclass
from typing import Any, Generic, Unpack, cast

import jsii
from aws_cdk import Acknowledgment, Annotations, Duration, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_lambda as lambda_
from aws_cdk.aws_apigatewayv2_authorizers import HttpIamAuthorizer, HttpUserPoolAuthorizer
from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration
from constructs import Construct

from common_constructs.core.api.api_base import ApiDefinition, TAuth
from common_constructs.core.api.auth import AuthType, CognitoIdentity, require_identity
from common_constructs.core.api.checkov import CheckovSkip, skip_checkov
from common_constructs.core.api.cors import (
    CORS_ALLOW_HEADERS,
    CORS_EXPOSE_HEADERS,
    CORS_MAX_AGE_SECONDS,
)
from common_constructs.core.api.gateway_api import (
    GatewayApiBase,
    GatewayApiOptions,
    TIntegrations,
)
from common_constructs.core.api.integration_builder import (
    IntegrationBuilder,
    OperationIntegration,
)
from common_constructs.core.api.operations import OperationsMetadata
from common_constructs.core.api.props import values


@dataclass(frozen=True, kw_only=True)
class HttpRouteOptions:
    """Route options an override may change."""

    authorizer: apigwv2.IHttpRouteAuthorizer | None = None
    """Another authorizer for this route. Default: the API's authorizer."""
    authorization_scopes: list[str] | None = None
    """OAuth scopes the route requires (JWT authorizers). Default: none."""


HttpOperationOptions = HttpRouteOptions
"""What an override's or `with_operation_options`' `options` are for each operation."""

HttpOperationIntegration = OperationIntegration[apigwv2.HttpRouteIntegration, HttpRouteOptions]
"""How an HTTP API serves one operation: an HTTP route integration, plus route options."""


class HttpIntegrationBuilder(IntegrationBuilder[apigwv2.HttpRouteIntegration, HttpRouteOptions]):
    """The builder of an HTTP API's default integrations: one function per operation, from its
    bundle, all through Mangum (nothing streams behind an HTTP API). A function of one
    operation may be invoked by its route only; a shared one, by the API (one permission, not
    one per route)."""

    streams = False

    def _integrate(
        self, handler: lambda_.Function, operation_id: str | None, streaming: bool
    ) -> apigwv2.HttpRouteIntegration:
        # jsii's Python types: a Function is an IFunction (see api_function.py).
        return HttpLambdaIntegration(
            f"{operation_id or 'Router'}Integration",
            cast(lambda_.IFunction, handler),
            scope_permission_to_route=operation_id is not None,
        )


class HttpApiOptions(GatewayApiOptions, total=False):
    """What an API on an API Gateway HTTP API takes, besides its integrations and identity."""

    http_api_props: apigwv2.HttpApiProps
    """More HttpApi props (e.g. `disable_execute_api_endpoint`), applied over the defaults.
    Default: CORS preflight for the allowed origins, no default stage (this construct adds
    one)."""


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogSettings:
    def __init__(self, destination: apigwv2.IAccessLogDestination) -> None:
        self._destination = destination

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> None:
        return None


class HttpApiBase(GatewayApiBase[TIntegrations, TAuth], Generic[TIntegrations, TAuth]):
    """An API Gateway HTTP API with one route per operation of the API's OpenAPI spec, an
    auto-deployed, throttled `$default` stage with access logs, and CORS preflight answered by
    API Gateway (it never reaches the authorizer or a function). HTTP APIs cannot stream
    responses: a streaming operation is served whole, like the others, and synth warns about
    it."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        definition: ApiDefinition[TAuth],
        operations: OperationsMetadata,
        integrations: TIntegrations,
        identity: CognitoIdentity | None = None,
        *,
        http_api_props: apigwv2.HttpApiProps | None = None,
        **options: Unpack[GatewayApiOptions],
    ) -> None:
        super().__init__(scope, id, definition, operations, integrations, identity, **options)
        authorizer = self._authorizer(definition.auth)

        props: dict[str, Any] = {
            "api_name": definition.api_name,
            "create_default_stage": False,
            "cors_preflight": apigwv2.CorsPreflightOptions(
                allow_origins=self._cors_origins_token(),
                allow_methods=[apigwv2.CorsHttpMethod.ANY],
                allow_headers=list(CORS_ALLOW_HEADERS),
                expose_headers=list(CORS_EXPOSE_HEADERS),
                max_age=Duration.seconds(CORS_MAX_AGE_SECONDS),
            ),
            **values(http_api_props),
        }
        self.api = apigwv2.HttpApi(self, "Api", **props)
        """The underlying HTTP API."""

        access_logs = self._create_access_logs()
        self.stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.api,
            stage_name="$default",
            auto_deploy=True,
            detailed_metrics_enabled=True,
            throttle=apigwv2.ThrottleSettings(
                rate_limit=self._throttle.get("rate_limit"),
                burst_limit=self._throttle.get("burst_limit"),
            ),
            access_log_settings=_AccessLogSettings(
                cast(apigwv2.IAccessLogDestination, apigwv2.LogGroupLogDestination(access_logs))
            ),
        )
        """Its `$default` stage."""

        served = cast(dict[str, HttpOperationIntegration], integrations)
        for operation_id in sorted(operations):
            details = operations[operation_id]
            served_by = served[operation_id]
            route: dict[str, Any] = {
                "path": details.path,
                "methods": [apigwv2.HttpMethod[details.method]],
                "integration": served_by.integration,
                "authorizer": authorizer,
            }
            if served_by.options is not None:
                route.update(
                    (key, value)
                    for key, value in vars(served_by.options).items()
                    if value is not None
                )
            self.api.add_routes(**route)
        self._warn_of_streaming_operations(operations)
        if definition.auth == "None":
            reason = "The API was rendered with auth None: it is public on purpose."
            Validations.of(self).acknowledge(Acknowledgment(id="AwsSolutions-APIG4", reason=reason))
            for child in self.api.node.find_all():
                if isinstance(child, apigwv2.CfnRoute):
                    skip_checkov(child, CheckovSkip("CKV_AWS_309", reason))

        self.url = self._publish_url(definition.api_name, self.stage.url)
        """Base URL of the API, ending with `/`."""

    def _arn_for_execute_api(self, method: str, path: str) -> str:
        return self.api.arn_for_execute_api(method, path, self.stage.stage_name)

    def _warn_of_streaming_operations(self, operations: OperationsMetadata) -> None:
        """Operations marked `x-streaming` get their responses whole here: say so at synth."""
        streaming = sorted(
            f"{operation_id} ({details.method} {details.path})"
            for operation_id, details in operations.items()
            if details.streaming
        )
        if streaming:
            Annotations.of(self).add_warning_v2(
                "common-constructs:httpApiCannotStream",
                f"Operations marked x-streaming in the OpenAPI spec: {', '.join(streaming)}. An "
                "HTTP API cannot stream responses: clients get each one whole, once the function "
                "has returned it (at most 30 seconds, 6 MB). Render the API with the REST API "
                "compute (or the Function URL one) to stream.",
            )

    def _authorizer(self, auth: AuthType) -> apigwv2.IHttpRouteAuthorizer:
        match auth:
            case "IAM":
                return HttpIamAuthorizer()
            case "Cognito":
                identity = require_identity(self, self._identity)
                return HttpUserPoolAuthorizer(
                    "Authorizer",
                    identity.user_pool,
                    user_pool_clients=[identity.user_pool_client],
                )
            case "None":
                return apigwv2.HttpNoneAuthorizer()
