"""The URLs of a stack's APIs, in one place for the clients deployed with it."""

from typing import TypedDict

from aws_cdk import Stack
from constructs import Construct, IConstruct


class RuntimeConfigValues(TypedDict):
    """What clients of a stack need at run time."""

    apis: dict[str, str]
    """Base URL of every API in the stack, by API construct class name (e.g. `MyApi`)."""


class RuntimeConfig(Construct):
    """One per stack: every API registers its URL under `apis.<ApiClassName>`, so a website or
    a test deployed with the stack reads all of them from one place (write `config` to a
    `runtime-config.json` with a BucketDeployment, or to an SSM parameter)."""

    _ID = "RuntimeConfig"

    @classmethod
    def ensure(cls, scope: IConstruct) -> "RuntimeConfig":
        """The stack's runtime configuration, created on first use."""
        stack = Stack.of(scope)
        existing = stack.node.try_find_child(cls._ID)
        if existing is None:
            return cls(stack, cls._ID)
        if not isinstance(existing, RuntimeConfig):
            raise ValueError(
                f"{stack.node.path} already has a child named '{cls._ID}' that is not a "
                "RuntimeConfig; rename it so the APIs can register their URLs."
            )
        return existing

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.config: RuntimeConfigValues = {"apis": {}}
        """The values registered so far; tokens (like API URLs) resolve at deploy time."""

    def register_api(self, name: str, url: str) -> None:
        """Registers an API's base URL under `apis.<name>`; each name once per stack."""
        if name in self.config["apis"]:
            raise ValueError(
                f"An API named '{name}' is already registered in stack "
                f"{Stack.of(self).stack_name}: each API construct can be instantiated once "
                "per stack."
            )
        self.config["apis"][name] = url
