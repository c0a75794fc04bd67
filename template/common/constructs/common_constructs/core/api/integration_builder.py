"""How each operation of an API is served, and the builder of the default integrations."""

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Self, TypeVar

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from common_constructs.core.api.api_base import ApiDefinition
from common_constructs.core.api.api_function import (
    ApiFunction,
    FunctionOptions,
    shared_execution,
)
from common_constructs.core.api.auth import AuthType
from common_constructs.core.api.operations import OperationsMetadata
from common_constructs.core.api.props import values

TIntegration = TypeVar("TIntegration")
TOptions = TypeVar("TOptions")


@dataclass(frozen=True, kw_only=True)
class OperationIntegration(Generic[TIntegration, TOptions]):
    """How one operation is served: an API Gateway integration, plus per-route options. Extra
    properties go on a subclass of your own (a dataclass with, say, a bucket), which
    `api.integration(operation_id, YourClass)` gives back typed."""

    integration: TIntegration
    """The integration that serves the operation."""
    options: TOptions | None = None
    """Route options merged over the API's defaults (e.g. another authorizer)."""


@dataclass(frozen=True, kw_only=True)
class DefaultIntegration(OperationIntegration[TIntegration, TOptions]):
    """An operation served by a function the builder created."""

    handler: lambda_.Function
    """The function serving the operation (with `with_shared_handler`, shared by the operations
    that stream alike)."""


class IntegrationBuilder(Generic[TIntegration, TOptions]):
    """Builds an API's integrations: by default one function per operation, all from the API's
    bundle, sharing one execution role and one log group (see `shared_execution`). Where the
    API can stream (REST), a streaming operation's function runs the app behind the Lambda Web
    Adapter and streams; every other one runs it through Mangum. Each call returns a new
    builder, so a partly configured one can be reused.

    A kind of API (REST, HTTP) subclasses it with `streams` and `_integrate`; each API's module
    subclasses that one to type the keyword arguments by operation id.

    Example::

        integrations = (
            MyApi.default_integrations(self)
            .with_default_options(lambda_.FunctionOptions(memory_size=512))
            .with_operation_options(stream=apigw.MethodOptions(api_key_required=True))
            .with_overrides(echo=RestOperationIntegration(integration=apigw.MockIntegration()))
            .build()
        )
    """

    streams: ClassVar[bool]
    """Whether the API can stream responses: if so, its streaming operations get functions
    that stream; if not, they are served like every other operation."""

    def __init__(
        self, scope: Construct, api: ApiDefinition[AuthType], operations: OperationsMetadata
    ) -> None:
        self._scope = scope
        self._api = api
        self._operations = operations
        self._default_options: dict[str, Any] = {}
        self._streaming_options: dict[str, Any] = {}
        self._shared_handler = False
        self._own_role: tuple[str, ...] = ()
        self._operation_options: dict[str, TOptions] = {}
        self._overrides: dict[str, OperationIntegration[TIntegration, TOptions]] = {}

    def _integrate(
        self, handler: lambda_.Function, operation_id: str | None, streaming: bool
    ) -> TIntegration:
        """Wraps a function in an integration, a streaming one if `streaming`; `operation_id`
        is None for a shared handler."""
        raise NotImplementedError

    def _changed(self, change: Callable[[Self], None]) -> Self:
        builder = copy.copy(self)
        change(builder)
        return builder

    def with_default_options(self, options: FunctionOptions) -> Self:
        """Function props for the default functions (e.g. `memory_size`, `vpc`), merged over
        earlier ones."""
        added = values(options)
        return self._changed(
            lambda b: setattr(b, "_default_options", {**self._default_options, **added})
        )

    def with_streaming_options(self, options: FunctionOptions) -> Self:
        """Function props for the functions of streaming operations only (REST APIs), merged
        over the default options and earlier ones, e.g. `timeout=Duration.minutes(15)`: a
        stream lasts at most as long as its function runs, and its integration's timeout
        follows the function's."""
        added = values(options)
        return self._changed(
            lambda b: setattr(b, "_streaming_options", {**self._streaming_options, **added})
        )

    def with_shared_handler(self) -> Self:
        """One function (the FastAPI app is a router already) for every operation not
        overridden, and, where the API streams, a second one behind the Web Adapter for every
        streaming operation: fewer cold starts and one place for memory and concurrency, at the
        cost of per-operation permissions and metrics."""
        return self._changed(lambda b: setattr(b, "_shared_handler", True))

    def _with_own_role(self, operation_ids: tuple[str, ...]) -> Self:
        """A function of their own for these operations, with an execution role and a log
        group of its own, for an operation that needs permissions no other operation should
        have (a grant to a function that shares the API's role reaches every function sharing
        it). With `with_shared_handler()`, these operations leave the shared function too."""
        return self._changed(lambda b: setattr(b, "_own_role", (*self._own_role, *operation_ids)))

    def _with_operation_options(self, options: Mapping[str, Any]) -> Self:
        """Method (REST) or route (HTTP) options of operations served by the default functions,
        merged over earlier ones: with Cognito auth, `authorization_scopes` makes that
        operation take access tokens with one of those scopes. An override carries its own
        `options`."""
        return self._changed(
            lambda b: setattr(b, "_operation_options", {**self._operation_options, **options})
        )

    def _with_overrides(self, overrides: Mapping[str, Any]) -> Self:
        """Serve some operations another way."""
        return self._changed(lambda b: setattr(b, "_overrides", {**self._overrides, **overrides}))

    def _build(self) -> dict[str, OperationIntegration[TIntegration, TOptions]]:
        """Creates the functions not overridden and returns every operation's integration."""
        unknown = [key for key in self._own_role if key not in self._operations]
        if unknown:
            raise ValueError(
                f"with_own_role({', '.join(unknown)}): not an operation of the API "
                f"({', '.join(self._operations)})."
            )

        def serve(
            id: str, operation_id: str | None, streaming: bool, own_role: bool = False
        ) -> tuple[lambda_.Function, TIntegration]:
            merged = (
                {**self._default_options, **self._streaming_options}
                if streaming
                else self._default_options
            )
            options = FunctionOptions(**merged)
            if not own_role:
                options = shared_execution(self._scope, self._api.api_name, options)
            create = ApiFunction.streaming_from_bundle if streaming else ApiFunction.from_bundle
            handler = create(self._scope, f"{self._api.api_name}{id}", self._api.bundle, options)
            return handler, self._integrate(handler, operation_id, streaming)

        # With a shared handler: one router for the operations that stream, one for the others.
        routers: dict[bool, tuple[lambda_.Function, TIntegration]] = {}

        def route(streaming: bool) -> tuple[lambda_.Function, TIntegration]:
            if streaming not in routers:
                routers[streaming] = serve(
                    "StreamingRouter" if streaming else "Router", None, streaming
                )
            return routers[streaming]

        built: dict[str, OperationIntegration[TIntegration, TOptions]] = {}
        for operation_id in sorted(self._operations):
            override = self._overrides.get(operation_id)
            if override is not None:
                built[operation_id] = override
                continue
            streaming = self.streams and self._operations[operation_id].streaming
            isolated = operation_id in self._own_role
            handler, integration = (
                route(streaming)
                if self._shared_handler and not isolated
                else serve(
                    f"{_pascal_case(operation_id)}Handler", operation_id, streaming, isolated
                )
            )
            built[operation_id] = DefaultIntegration(
                integration=integration,
                handler=handler,
                options=self._operation_options.get(operation_id),
            )
        return built


def _pascal_case(operation_id: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", operation_id))
