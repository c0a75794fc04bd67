"""Functions that stream: the app behind the AWS Lambda Web Adapter."""

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

WEB_ADAPTER_LAYER_VERSION = 30
"""Version of the AWS Lambda Web Adapter layers, which AWS publishes for each architecture at
the same version, in every commercial region, under one account; see the adapter's README for
newer versions."""

WEB_ADAPTER_APP_PORT = "8080"
"""Port the app listens on inside the function; the adapter forwards requests to it."""

# The AWS account that publishes the adapter's layers.
_WEB_ADAPTER_PUBLISHER = "753240598075"

# The adapter's layer for each function architecture, by `Architecture.name`.
_WEB_ADAPTER_LAYERS = {
    lambda_.Architecture.X86_64.name: "LambdaAdapterLayerX86",
    lambda_.Architecture.ARM_64.name: "LambdaAdapterLayerArm64",
}


def web_adapter_props(scope: Construct, id: str, props: dict[str, Any]) -> dict[str, Any]:
    """Function props that run an API's bundle behind the AWS Lambda Web Adapter, which streams
    responses: Python's managed runtime cannot, so the adapter (a layer, started by
    `AWS_LAMBDA_EXEC_WRAPPER`) runs the bundle's `run.sh`, which serves the app with uvicorn on
    127.0.0.1, and forwards each invocation to it. That costs a process start at cold start and
    a loopback hop per call, so only what streams runs this way.

    The handler becomes `run.sh`; the layer of the function's architecture
    (`props["architecture"]`, x86_64 by default) goes before `props["layers"]`; the adapter's
    environment goes under `props["environment"]`, whose values win. `id` is the function's:
    the layer is imported beside it as `<id>WebAdapter`.
    """
    architecture: lambda_.Architecture = props.get("architecture") or lambda_.Architecture.X86_64
    layer_name = _WEB_ADAPTER_LAYERS.get(architecture.name)
    if layer_name is None:
        raise ValueError(
            f"{scope.node.path}/{id}: the Lambda Web Adapter has no layer for the "
            f"{architecture.name} architecture; use x86_64 or arm64."
        )
    stack = Stack.of(scope)
    layer = lambda_.LayerVersion.from_layer_version_arn(
        scope,
        f"{id}WebAdapter",
        f"arn:{stack.partition}:lambda:{stack.region}:{_WEB_ADAPTER_PUBLISHER}:layer:"
        f"{layer_name}:{WEB_ADAPTER_LAYER_VERSION}",
    )
    return {
        **props,
        "handler": "run.sh",
        "layers": [layer, *(props.get("layers") or [])],
        "environment": {
            "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap",
            "AWS_LWA_INVOKE_MODE": "response_stream",
            # Ready once the port accepts connections: an HTTP check would GET / at every
            # cold start and be logged and counted as a client error.
            "AWS_LWA_READINESS_CHECK_PROTOCOL": "tcp",
            "PORT": WEB_ADAPTER_APP_PORT,
            **(props.get("environment") or {}),
        },
    }
