"""What the API Gateway constructs (REST and HTTP) share."""

import re
from collections.abc import Mapping, Sequence
from typing import Generic, TypedDict, TypeVar, cast

from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from common_constructs.core.api.api_base import ApiBase, ApiDefinition, ApiOptions, TAuth
from common_constructs.core.api.api_function import functions_of
from common_constructs.core.api.auth import (
    COGNITO_CLIENT_IDS_ENV,
    CognitoIdentity,
    require_identity,
)
from common_constructs.core.api.checkov import CheckovSkip, skip_checkov
from common_constructs.core.api.operations import OperationsMetadata, check_integrations
from common_constructs.core.api.stack_limit import ApiSize, stack_limit_errors
from common_constructs.core.api.validations import validation

TIntegrations = TypeVar("TIntegrations", bound=Mapping[str, object])
T = TypeVar("T")


class StageThrottle(TypedDict, total=False):
    """How many requests a stage serves, over all its operations; API Gateway answers 429
    beyond."""

    rate_limit: int
    """Requests per second, steadily. Default: 100."""
    burst_limit: int
    """Requests at once, above the steady rate, before the rate applies. Default: 200."""


DEFAULT_STAGE_THROTTLE: StageThrottle = {"rate_limit": 100, "burst_limit": 200}
"""A stage's throttling unless configured: 100 requests per second with bursts of 200. Far
above what a new API serves, it caps what a runaway client or a flood can cost and can take
from the account's shared quotas (10,000 requests per second for all APIs of a region, and
1,000 concurrent Lambda executions for all functions)."""


class GatewayApiOptions(ApiOptions, total=False):
    """What an API on API Gateway (REST or HTTP) takes, besides its integrations and identity."""

    throttle: StageThrottle
    """The stage's throttling, over all operations; merged over `DEFAULT_STAGE_THROTTLE`."""


class GatewayApiBase(ApiBase[TAuth], Generic[TIntegrations, TAuth]):
    """What the API Gateway constructs (REST and HTTP) share: one integration per operation of
    the API's OpenAPI spec, stage throttling, access logs, the Cognito app client the functions
    check, IAM grants that list each operation, and a synth error that says what to do when
    the API does not fit its stack."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        definition: ApiDefinition[TAuth],
        operations: OperationsMetadata,
        integrations: TIntegrations,
        identity: CognitoIdentity | None,
        *,
        allowed_origins: Sequence[str] = (),
        throttle: StageThrottle | None = None,
    ) -> None:
        super().__init__(scope, id, definition, allowed_origins=allowed_origins)
        check_integrations(self, operations, integrations)
        self.integrations: TIntegrations = integrations
        """Each operation's integration (and, for defaults, its `handler`)."""
        self._operations = operations
        self._throttle: StageThrottle = {**DEFAULT_STAGE_THROTTLE, **(throttle or {})}

        handlers = functions_of(integrations.values())
        self._share_origins(handlers)
        size = ApiSize(
            api_name=definition.api_name, operations=len(operations), functions=len(handlers)
        )
        self.node.add_validation(validation(lambda: stack_limit_errors(self, size)))
        self._identity = require_identity(self, identity) if definition.auth == "Cognito" else None
        if self._identity is not None:
            for handler in handlers:
                handler.add_environment(
                    COGNITO_CLIENT_IDS_ENV, self._identity.user_pool_client.user_pool_client_id
                )

    def integration(self, operation_id: str, kind: type[T]) -> T:
        """The integration of `operation_id`, checked to be a `kind`: typed access to an
        override's extra properties (`api.integration("echo", UploadsIntegration).uploads`), or
        to a default function (`api.integration("echo", DefaultIntegration).handler`)."""
        found = cast(Mapping[str, object], self.integrations).get(operation_id)
        if not isinstance(found, kind):
            raise TypeError(
                f"{self.node.path}: the integration of {operation_id} is a "
                f"{type(found).__name__}, not a {kind.__name__}."
            )
        return found

    def _grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Lets `grantee` call every operation (IAM auth: SigV4-signed requests). The grant
        lists each operation's method and path, so it stays least-privilege: path parameters
        become `*`."""
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["execute-api:Invoke"],
            resource_arns=[
                self._arn_for_execute_api(details.method, re.sub(r"{[^}]+}", "*", details.path))
                for details in self._operations.values()
            ],
        )

    def _arn_for_execute_api(self, method: str, path: str) -> str:
        """The ARN `execute-api:Invoke` needs for `method` on `path` at the API's stage."""
        raise NotImplementedError

    def _create_access_logs(self) -> logs.LogGroup:
        """A log group for the stage's access logs (`AccessLogs`), kept one month."""
        access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH)
        skip_checkov(
            access_logs,
            CheckovSkip(
                "CKV_AWS_158",
                "CloudWatch Logs encrypts log data at rest; access logs hold no secrets.",
            ),
        )
        return access_logs
