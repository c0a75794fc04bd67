"""The Lambda functions that run an API's bundle."""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from common_constructs.core.api.bundle import ApiBundle, bundle_code
from common_constructs.core.api.checkov import CheckovSkip, skip_checkov
from common_constructs.core.api.props import values
from common_constructs.core.api.web_adapter import web_adapter_props

FunctionOptions = lambda_.FunctionOptions
"""Options a caller may change on an API's functions: every function prop but the code, its
handler and runtime, all optional."""

# What CloudFormation calls each tracing mode.
_TRACING_MODES = {
    lambda_.Tracing.ACTIVE: "Active",
    lambda_.Tracing.PASS_THROUGH: "PassThrough",
}


class ApiFunction(lambda_.Function):
    """A Lambda function with the defaults every API function shares: 30 s timeout, X-Ray
    active tracing, and a log group with a retention (one month unless `log_group` is given).

    Its role (unless `role` is given: see `shared_execution`) holds only what its functions
    need: writing to their log group, and the X-Ray and network-interface actions in policies
    of their own, once per role, the only statements on `*`. A statement you add with
    `add_to_role_policy` lands in the role's default policy, which cdk-nag checks like any
    other. The reviewed exceptions to cdk-nag and checkov rules are recorded here, once, each
    on the resource it concerns.
    """

    @classmethod
    def from_bundle(
        cls,
        scope: Construct,
        id: str,
        bundle: ApiBundle,
        options: FunctionOptions | None = None,
    ) -> "ApiFunction":
        """A function running an API's bundle through Mangum (handler `<module>.main.handler`),
        with `options`: API Gateway receives its response whole."""
        props = {**bundle_props(bundle), "handler": f"{bundle.module}.main.handler"}
        return cls(scope, id, lambda_.FunctionProps(**props, **values(options)))

    @classmethod
    def streaming_from_bundle(
        cls,
        scope: Construct,
        id: str,
        bundle: ApiBundle,
        options: FunctionOptions | None = None,
    ) -> "ApiFunction":
        """A function running an API's bundle under uvicorn behind the AWS Lambda Web Adapter
        (handler `run.sh`, see `web_adapter_props`), with `options`: it streams responses, to a
        Function URL or to a REST API's STREAM integration. Its timeout bounds a stream."""
        props = web_adapter_props(scope, id, {**bundle_props(bundle), **values(options)})
        return cls(scope, id, lambda_.FunctionProps(**props))

    def __init__(self, scope: Construct, id: str, props: lambda_.FunctionProps) -> None:
        # Tracing is configured below, so that its statement on `*` gets a policy of its own.
        function_props = {
            key: value for key, value in values(props).items() if key not in {"role", "log_group"}
        }
        tracing: lambda_.Tracing = function_props.pop("tracing", lambda_.Tracing.ACTIVE)
        # Without a role, lambda_.Function would create one with AWSLambdaBasicExecutionRole,
        # which allows writing to every log group of the account. (jsii's Python types name a
        # parameter of some classes apart from their interface's, `grantee` and `identity`:
        # pyright sees no match, hence the casts here and elsewhere.)
        role = props.role or cast(iam.IRole, _execution_role(scope, f"{id}ServiceRole"))
        log_group = props.log_group or _default_log_group(scope, f"{id}Logs")
        super().__init__(
            scope,
            id,
            **cast(dict[str, Any], {"timeout": Duration.seconds(30), **function_props}),
            role=role,
            log_group=log_group,
        )
        self.log_group.grant_write(role)
        if tracing != lambda_.Tracing.DISABLED:
            cfn_function = self.node.default_child
            assert isinstance(cfn_function, lambda_.CfnFunction)
            cfn_function.tracing_config = lambda_.CfnFunction.TracingConfigProperty(
                mode=_TRACING_MODES[tracing]
            )
            self._add_wildcard_policy(
                role,
                "TracingPolicy",
                actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                reason=(
                    "X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, "
                    "which support no resource-level permissions."
                ),
            )
        if props.vpc is not None:
            network_interfaces = self._add_wildcard_policy(
                role,
                "NetworkInterfacesPolicy",
                actions=[
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:CreateNetworkInterface",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets",
                    "ec2:UnassignPrivateIpAddresses",
                ],
                reason=(
                    "A function in a VPC manages its network interfaces, whose ids Lambda "
                    "chooses: the actions of AWSLambdaVPCAccessExecutionRole, without its logs "
                    "on every log group."
                ),
            )
            skip_checkov(
                network_interfaces,
                CheckovSkip(
                    "CKV_AWS_111",
                    "Lambda creates and deletes the network interfaces; their ids are not known.",
                ),
            )

        Validations.of(self).acknowledge(
            Acknowledgment(
                id="AwsSolutions-L1",
                reason=(
                    "The runtime is pinned to the Python version the bundle's wheels and "
                    "bytecode are built for; it moves with the template."
                ),
            )
        )
        skip_checkov(
            self,
            CheckovSkip(
                "CKV_AWS_115",
                "Concurrency is left to the account pool; reserve it per function if needed.",
            ),
            CheckovSkip(
                "CKV_AWS_116", "Invoked synchronously by its API: no async events to dead-letter."
            ),
            CheckovSkip(
                "CKV_AWS_117",
                "Reaches only AWS APIs; pass `vpc` in the options to place it in one.",
            ),
            CheckovSkip(
                "CKV_AWS_173",
                "Environment holds configuration only (no secrets); Lambda encrypts it at rest.",
            ),
        )

    def _add_wildcard_policy(
        self, role: iam.IRole, id: str, *, actions: list[str], reason: str
    ) -> iam.Policy:
        """A policy of the function's role for actions that take no resource but `*`,
        acknowledged for cdk-nag on that policy alone; the function waits for it. A role of
        this app gets it once, whatever number of functions share the role; an imported role,
        once per function."""
        scope: Construct = role if isinstance(role, iam.Role) else self
        policy = scope.node.try_find_child(id)
        if not isinstance(policy, iam.Policy):
            policy = iam.Policy(
                scope, id, statements=[iam.PolicyStatement(actions=actions, resources=["*"])]
            )
            role.attach_inline_policy(policy)
            Validations.of(policy).acknowledge(
                Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason=reason)
            )
        if self.node.default_child is not None:
            self.node.default_child.node.add_dependency(policy)
        return policy


def shared_execution(scope: Construct, prefix: str, options: FunctionOptions) -> FunctionOptions:
    """The options of one of an API's functions, with the execution role and the log group
    that the API's functions share unless `options` give their own: `<prefix>FunctionsRole`
    and `<prefix>FunctionsLogs` in `scope`, created by the first function that needs each.
    Sharing keeps a stack of one function per operation far from CloudFormation's 500
    resources, but what one function is granted, every function sharing the role gets."""
    role = options.role or cast(
        iam.IRole, _find_or_create(scope, f"{prefix}FunctionsRole", _execution_role)
    )
    log_group = options.log_group or _find_or_create(
        scope, f"{prefix}FunctionsLogs", _default_log_group
    )
    shared: dict[str, Any] = {**values(options), "role": role, "log_group": log_group}
    return FunctionOptions(**shared)


TConstruct = TypeVar("TConstruct", bound=Construct)


def _find_or_create(
    scope: Construct, id: str, create: Callable[[Construct, str], TConstruct]
) -> TConstruct:
    existing = scope.node.try_find_child(id)
    return cast(TConstruct, existing) if existing is not None else create(scope, id)


def _execution_role(scope: Construct, id: str) -> iam.Role:
    """A role Lambda may assume, with no permission yet: each function adds what it needs."""
    return iam.Role(
        scope, id, assumed_by=cast(iam.IPrincipal, iam.ServicePrincipal("lambda.amazonaws.com"))
    )


def bundle_props(bundle: ApiBundle) -> dict[str, Any]:
    """What every function running the bundle has: its code, runtime and architecture."""
    return {
        "code": bundle_code(bundle),
        "runtime": bundle.runtime,
        "architecture": bundle.architecture,
    }


def _default_log_group(scope: Construct, id: str) -> logs.LogGroup:
    log_group = logs.LogGroup(scope, id, retention=logs.RetentionDays.ONE_MONTH)
    skip_checkov(
        log_group,
        CheckovSkip(
            "CKV_AWS_158",
            "CloudWatch Logs encrypts log data at rest; pass a logGroup to use your own KMS key.",
        ),
    )
    return log_group


def functions_of(integrations: Iterable[object]) -> list[lambda_.Function]:
    """The distinct functions among an API's integrations (the `handler` of each, when it has
    one), in order."""
    handlers = (getattr(integration, "handler", None) for integration in integrations)
    distinct = dict.fromkeys(handler for handler in handlers if handler is not None)
    return [handler for handler in distinct if isinstance(handler, lambda_.Function)]
