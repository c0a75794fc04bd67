"""An API's Lambda code: the bundle its `bundle` target writes."""

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import aws_lambda as lambda_


@dataclass(frozen=True)
class ApiBundle:
    """An API's Lambda code: the bundle its `bundle` target writes, and what runs it."""

    path: Path
    """The bundle's folder (absolute)."""
    module: str
    """The API's Python module: the bundle's Lambda handler is `<module>.main.handler`."""
    runtime: lambda_.Runtime
    """The Python runtime the bundle's wheels and bytecode were built for."""
    architecture: lambda_.Architecture
    """The processor the bundle's wheels were built for: its functions run on it, and a
    function behind the Lambda Web Adapter takes the adapter's layer for it."""
    build_command: str
    """The command that builds the bundle, for the error when it is missing."""


def bundle_code(bundle: ApiBundle) -> lambda_.Code:
    """The bundle as Lambda code, or a synth error that says how to build it."""
    if not bundle.path.exists():
        raise FileNotFoundError(
            f"{bundle.path} not found: build the Lambda bundle first with "
            f"`{bundle.build_command}` (or that target's command, in the API's project.json)."
        )
    return lambda_.Code.from_asset(str(bundle.path))
