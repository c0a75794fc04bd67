"""The stack: every API of this folder, each added by its module in `app/apis/`."""

import importlib
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from aws_cdk import Environment, Stack
from constructs import Construct

from common_constructs.core.api.api_base import ApiBase

# One module per API, each rendered with its API: the folder is the list of APIs.
_API_MODULES = Path(__file__).parent / "apis"

TApi = TypeVar("TApi", bound=ApiBase[Any])


class _ApiModule(Protocol):
    """What each module of `app/apis/` has."""

    def add_api(self, scope: Construct) -> ApiBase[Any]:
        """Adds the API to `scope`, configured as the app deploys it."""
        ...


class ApisStack(Stack):
    """One stack with every API of this folder, each added by its module in `app/apis/`, and
    what they share: the runtime config of their URLs, and a Cognito user pool if one of them
    uses it. A new API's render adds its module, and the next synth deploys it: no file lists
    the APIs."""

    def __init__(self, scope: Construct, id: str, *, env: Environment | None = None) -> None:
        super().__init__(scope, id, env=env)
        self.apis: tuple[ApiBase[Any], ...] = tuple(
            module.add_api(self) for module in _api_modules()
        )
        """Every API in the stack, in the order of their modules' file names."""

    def api(self, kind: type[TApi]) -> TApi:
        """The stack's API of a construct class, e.g. `stack.api(MyApi).restrict_cors_to(...)`."""
        for candidate in self.apis:
            if isinstance(candidate, kind):
                return candidate
        raise LookupError(
            f"{self.node.path} has no {kind.__name__}: its module is not in app/apis/."
        )


def _api_modules() -> list[_ApiModule]:
    modules: list[_ApiModule] = []
    for path in sorted(_API_MODULES.glob("*.py")):
        if path.name == "__init__.py":
            continue
        module = importlib.import_module(f"{__package__}.apis.{path.stem}")
        if not callable(getattr(module, "add_api", None)):
            raise TypeError(f"app/apis/{path.name} has no add_api(scope) function.")
        modules.append(cast(_ApiModule, module))
    return modules
