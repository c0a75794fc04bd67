"""A synth error that says what to do when an API does not fit its stack."""

from dataclasses import dataclass

from aws_cdk import CfnResource, Stack
from constructs import IConstruct

# The context key aws-cdk-lib reads for the most resources a stack may hold (0: no limit).
_STACK_RESOURCE_LIMIT_CONTEXT = "@aws-cdk/core:stackResourceLimit"

# CloudFormation's limit of resources in one stack, which aws-cdk-lib enforces by default.
_CLOUDFORMATION_RESOURCE_LIMIT = 500


@dataclass(frozen=True)
class ApiSize:
    """What the error names about the API that does not fit."""

    api_name: str
    """The API's construct class, e.g. `MyApi`."""
    operations: int
    """How many operations it serves."""
    functions: int
    """How many functions serve them."""


def stack_limit_errors(api: IConstruct, size: ApiSize) -> list[str]:
    """The error, if any, for an API whose stack holds more resources than allowed. aws-cdk-lib
    refuses such a stack too, but later and without saying what to do: this runs first (as a
    construct validation) and names the ways out for this API."""
    stack = Stack.of(api)
    setting: object = api.node.try_get_context(_STACK_RESOURCE_LIMIT_CONTEXT)
    limit = int(str(_CLOUDFORMATION_RESOURCE_LIMIT if setting is None else setting))
    count = sum(
        1
        for child in stack.node.find_all()
        if CfnResource.is_cfn_resource(child) and Stack.of(child).node.path == stack.node.path
    )
    if limit <= 0 or count <= limit:
        return []
    name = size.api_name
    return [
        f"{name} does not fit its stack: {stack.node.path} would hold {count} resources, and "
        f"CloudFormation allows {limit} in a stack. {name} has {size.operations} operations "
        f"served by {size.functions} functions. To fit: (1) serve them with one function, "
        f"`{name}.default_integrations(scope).with_shared_handler()` (on a REST API the "
        "streaming operations share a second one); or (2) create the functions in a nested "
        f"stack, which holds {limit} resources more: `{name}.default_integrations("
        f'NestedStack(stack, "{name}Functions")).build()` (the stack and its nested stacks '
        "pass references as parameters and outputs; see the constructs README). Do not split "
        "into sibling top-level stacks instead: each reference between them becomes an export, "
        "and an export can be neither changed nor deleted while the other stack imports it."
    ]
