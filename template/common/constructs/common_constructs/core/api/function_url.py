"""An API on a Lambda Function URL that streams responses."""

from collections.abc import Sequence
from typing import Any, Literal, TypeVar

from aws_cdk import Annotations, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from common_constructs.core.api.api_base import ApiBase, ApiDefinition, ApiOptions
from common_constructs.core.api.api_function import ApiFunction, FunctionOptions
from common_constructs.core.api.auth import AuthType
from common_constructs.core.api.checkov import CheckovSkip, skip_checkov
from common_constructs.core.api.cors import (
    CORS_ALLOW_HEADERS,
    CORS_EXPOSE_HEADERS,
    CORS_MAX_AGE_SECONDS,
)
from common_constructs.core.api.props import values

FunctionUrlAuth = Literal["IAM", "None"]
"""The auth a Function URL can check: IAM signatures, or nothing."""

TUrlAuth = TypeVar("TUrlAuth", bound=FunctionUrlAuth, covariant=True)


class FunctionUrlApiOptions(ApiOptions, total=False):
    """What an API on a Function URL takes."""

    handler_options: FunctionOptions
    """More function props (e.g. `memory_size`, `vpc`), applied over the defaults;
    `environment` is merged with the adapter's. The timeout bounds a streamed response.
    Default: 30 s timeout, X-Ray tracing, one month of logs, the bundle's architecture."""
    reserved_concurrent_executions: int
    """The most concurrent executions of the function: with auth None, the only cap on what
    anyone on the internet can make it run (a Function URL has no throttling), and it keeps
    them from taking the concurrency your other functions share. Default: none, the function
    draws on the account's unreserved concurrency (a synth warning with auth None)."""


class FunctionUrlApiBase(ApiBase[TUrlAuth]):
    """One function behind a Lambda Function URL that streams responses (`RESPONSE_STREAM`):
    the AWS Lambda Web Adapter layer runs the app under uvicorn and forwards each request to
    it, so streaming routes reach the client chunk by chunk. No API Gateway: no 29 s limit and
    no per-request fee, but also no per-route authorization, no WAF and no throttling (see
    `reserved_concurrent_executions`)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        definition: ApiDefinition[TUrlAuth],
        *,
        allowed_origins: Sequence[str] = (),
        handler_options: FunctionOptions | None = None,
        reserved_concurrent_executions: int | None = None,
    ) -> None:
        super().__init__(scope, id, definition, allowed_origins=allowed_origins)
        auth_type = _function_url_auth_type(self, definition.auth)
        options: dict[str, Any] = {
            **values(handler_options),
            "reserved_concurrent_executions": reserved_concurrent_executions,
        }
        self.handler: lambda_.Function = ApiFunction.streaming_from_bundle(
            self, "Handler", definition.bundle, FunctionOptions(**options)
        )
        """The function running the whole app."""
        self._share_origins([self.handler])

        self.function_url = self.handler.add_function_url(
            auth_type=auth_type,
            invoke_mode=lambda_.InvokeMode.RESPONSE_STREAM,
            cors=lambda_.FunctionUrlCorsOptions(
                allowed_origins=self._cors_origins_token(),
                # Every method but OPTIONS (the preflight itself), named: a CORS rule open to
                # any origin and any method at once is what checkov's CKV2_AWS_75 refuses.
                allowed_methods=[
                    lambda_.HttpMethod.GET,
                    lambda_.HttpMethod.HEAD,
                    lambda_.HttpMethod.POST,
                    lambda_.HttpMethod.PUT,
                    lambda_.HttpMethod.PATCH,
                    lambda_.HttpMethod.DELETE,
                ],
                allowed_headers=list(CORS_ALLOW_HEADERS),
                exposed_headers=list(CORS_EXPOSE_HEADERS),
                max_age=Duration.seconds(CORS_MAX_AGE_SECONDS),
            ),
        )
        """The function's URL."""
        if auth_type == lambda_.FunctionUrlAuthType.NONE:
            skip_checkov(
                self.function_url,
                CheckovSkip(
                    "CKV_AWS_258",
                    "The API was rendered with auth None: its URL is public on purpose.",
                ),
            )
            if reserved_concurrent_executions is None:
                Annotations.of(self).add_warning_v2(
                    "common-constructs:unthrottledFunctionUrl",
                    "This Function URL is public (auth None) and nothing caps how often it "
                    "runs: give the API `reservedConcurrentExecutions`, so that a flood of "
                    "requests cannot take the account's Lambda concurrency (and your bill) "
                    "with it.",
                )

        self.url = self._publish_url(definition.api_name, self.function_url.url)
        """Base URL of the API, ending with `/`."""

    def _grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Lets `grantee` call the URL with SigV4-signed requests (IAM auth)."""
        return self.handler.grant_invoke_url(grantee)


def _function_url_auth_type(scope: Construct, auth: AuthType) -> lambda_.FunctionUrlAuthType:
    match auth:
        case "IAM":
            return lambda_.FunctionUrlAuthType.AWS_IAM
        case "None":
            return lambda_.FunctionUrlAuthType.NONE
        case "Cognito":
            raise ValueError(
                f"{scope.node.path}: a Lambda Function URL cannot check Cognito tokens; use "
                "IAM or None, or render the API with an API Gateway compute type."
            )
