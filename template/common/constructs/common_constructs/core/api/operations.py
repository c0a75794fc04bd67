"""The operations of an API's OpenAPI spec, as its generated metadata lists them."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from constructs import IConstruct


@dataclass(frozen=True)
class OperationDetails:
    """Where an operation of the API's OpenAPI spec is served."""

    path: str
    """Path template, e.g. `/items/{id}`."""
    method: str
    """HTTP method in upper case, e.g. `GET`."""
    streaming: bool
    """Whether the operation streams its response (`x-streaming: true` in the spec)."""


OperationsMetadata = Mapping[str, OperationDetails]
"""The generated `OPERATIONS` of an API: operation id to where it is served."""


def check_integrations(
    scope: IConstruct, operations: OperationsMetadata, integrations: Mapping[str, Any]
) -> None:
    """Fails synth with a clear message when the integrations do not match the operations:
    pyright already forbids this, but untyped callers and casts get past it."""
    expected = list(operations)
    missing = [
        key for key in expected if getattr(integrations.get(key), "integration", None) is None
    ]
    unknown = [key for key in integrations if key not in operations]
    if missing or unknown:
        message = (
            f"{scope.node.path}: integrations must match the API's operations "
            f"({', '.join(expected)})."
        )
        if missing:
            message += f" Missing: {', '.join(missing)}."
        if unknown:
            message += (
                f" Unknown: {', '.join(unknown)} (regenerate the metadata if the API changed)."
            )
        raise ValueError(message)
